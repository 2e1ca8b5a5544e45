/**
 * The gateway API's shapes the app uses. The vocabularies and most shapes are the gateway's own
 * (gateway/src), imported rather than copied: the vocabulary and roles modules are plain
 * TypeScript with no runtime imports, so Vite bundles them; the rest are type-only imports.
 * What remains here has no Nest-free source in the gateway (answers built in controllers or
 * services that import Nest) or is an app-side narrowing of a gateway shape.
 */

import { PATIENT_ID_PATTERN as PATIENT_ID } from '../../gateway/src/identities/roles.ts';
import type { Principal } from '../../gateway/src/auth/principal.ts';
import type {
  RecordAnchor,
  VerifyResult as GatewayVerifyResult,
} from '../../gateway/src/records/record.types.ts';

export {
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  PURPOSES,
  type Category,
  type EmergencyReasonCode,
  type Purpose,
} from '../../gateway/src/common/vocabulary.ts';
export type { AccessEvent, AccessOutcome } from '../../gateway/src/access/access.types.ts';
export type { Consent, ConsentWrite } from '../../gateway/src/consents/consent.types.ts';
export type { AnchorResult, RecordAnchor } from '../../gateway/src/records/record.types.ts';
export type { Page } from '../../gateway/src/fhir/ledger-types.ts';

/** The network's organizations, by MSP ID, with a readable name. */
export const ORGANIZATIONS: readonly { readonly mspId: string; readonly name: string }[] = [
  { mspId: 'GovMSP', name: 'Health regulator' },
  { mspId: 'TertiaryHospitalMSP', name: 'Tertiary hospital' },
  { mspId: 'CommunityHospitalMSP', name: 'Community hospital' },
  { mspId: 'EnterpriseMSP', name: 'Enterprise (insurers, wearables)' },
  { mspId: 'ResearchMSP', name: 'Research institute' },
];

/** Patient pseudonyms, as an HTML `pattern` (the gateway's own expression). */
export const PATIENT_ID_PATTERN = PATIENT_ID.source;
/**
 * A record ID chosen by its organization, as an HTML `pattern`. Not the gateway's RECORD_ID
 * source: browsers compile `pattern` with the `v` flag, which needs the `-` escaped.
 */
export const RECORD_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:\\-]{0,127}$';

/** POST /auth/login answer (the gateway's AccessToken lives in a Nest service). */
export interface AccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

/**
 * GET /identities/me answer, as the app reads it: the gateway's principal less its wallet label
 * (IdentityView itself is declared in a Nest service).
 */
export type Identity = Omit<Principal, 'walletLabel'>;

/**
 * POST /records/verify answer, narrowed: the app shows a single record's anchor, so the
 * anchor is read as a (possibly partial) RecordAnchor rather than `RecordAnchor | Batch`.
 */
export type VerifyResult = Omit<GatewayVerifyResult, 'anchor'> & {
  readonly anchor?: Partial<RecordAnchor> & Pick<RecordAnchor, 'txId' | 'timestamp'>;
};

/** The part of an evidence bundle (docs/evidence-bundle.md) the app shows. */
export interface EvidenceBundle {
  readonly transaction: { readonly txId: string };
  readonly block: { readonly header: { readonly number: string } };
}

/** GET /audit/statistics answer. */
export interface Statistics {
  readonly from: string;
  readonly to: string;
  readonly level: 'province' | 'city' | 'county';
  readonly total: number;
  readonly byPurpose: Readonly<Record<string, number>>;
  readonly byDecision: Readonly<Record<string, number>>;
  readonly byBreakGlass: Readonly<Record<string, number>>;
  readonly byRegion: Readonly<Record<string, number>>;
}

/** One server-sent ledger event (GET /events). */
export interface LedgerEvent {
  readonly id: string;
  readonly eventName: string;
  readonly txId: string;
  readonly blockNumber: number | string;
  readonly payload: Readonly<Record<string, unknown>>;
}
