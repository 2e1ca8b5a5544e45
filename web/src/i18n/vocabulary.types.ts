import type {
  BindingChange,
  Category,
  ConsentRequestStatus,
  ConsentChange,
  ConsentStatus,
  DecisionReason,
  DecisionValue,
  DeclineReason,
  EmergencyReasonCode,
  GatewayErrorCode,
  GranteeRole,
  GuardianRelationship,
  LedgerErrorCode,
  OrganizationType,
  Provision,
  Purpose,
  ReferralStatus,
  RegionLevel,
  RequestReason,
  ReviewOutcome,
  Role,
  SensitivityLabel,
} from '@consent-ledger/ledger-api';

type Words<K extends string> = Readonly<Record<K, string>>;

/**
 * Words for every code of the ledger's vocabularies (ledger-api), the gateway's error codes,
 * the network's organizations (by MSP ID; the registry has no display names) and the GB/T 2260
 * regions of the topology and the demo. The types make a missing code a compile error.
 */
export interface VocabularyMessages {
  readonly decision: Words<DecisionValue>;
  readonly reason: Words<DecisionReason>;
  readonly purpose: Words<Purpose>;
  readonly category: Words<Category>;
  readonly sensitivity: Words<SensitivityLabel>;
  readonly role: Words<Role>;
  readonly granteeRole: Words<GranteeRole>;
  readonly orgType: Words<OrganizationType>;
  readonly provision: Words<Provision>;
  readonly consentStatus: Words<ConsentStatus>;
  readonly consentChange: Words<ConsentChange>;
  readonly referralStatus: Words<ReferralStatus>;
  readonly emergencyReason: Words<EmergencyReasonCode>;
  readonly reviewOutcome: Words<ReviewOutcome>;
  readonly reviewStatus: Words<'pending' | 'reviewed'>;
  readonly regionLevel: Words<RegionLevel>;
  readonly verification: Words<'MATCH' | 'HASH_MISMATCH'>;
  readonly relationship: Words<GuardianRelationship>;
  readonly bindingChange: Words<BindingChange>;
  readonly guardianStatus: Words<'proposed' | 'approved' | 'active' | 'ended'>;
  /** Every error code a gateway answers with, and NETWORK when none answered. */
  readonly error: Words<LedgerErrorCode | GatewayErrorCode | 'NETWORK'>;
  readonly org: Words<string>;
  readonly region: Words<string>;
  /** Member institutions inside an organization, by institution ID (network/topology.yaml). */
  readonly institution: Words<string>;
  readonly requestReason: Words<RequestReason>;
  readonly declineReason: Words<DeclineReason>;
  readonly requestStatus: Words<ConsentRequestStatus>;
}
