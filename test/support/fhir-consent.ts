import {
  SECURITY_LABEL_SYSTEM,
  type ConsentInput,
  type SensitivityLabel,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { PROJECT_SYSTEM } from '@consent-ledger/gateway';

/** The FHIR extension a Consent carries its signed statement in (gateway/src/fhir/README.md). */
export const SIGNED_ACTION_EXTENSION = PROJECT_SYSTEM.dataCategory.replace(
  /\/CodeSystem\/.*$/,
  '/StructureDefinition/signed-action',
);

/** What {@link fhirConsent} writes. */
export interface FhirConsentOptions {
  readonly patientId: string;
  /** The patient's signed statement of {@link fhirConsentTerms}. */
  readonly action: SignedAction;
  /** The grantee organization's MSP ID. */
  readonly grantee: string;
  /** The Consent's id, for an update. */
  readonly id?: string;
  /** Sensitive data the permit also opens (provision.securityLabel). */
  readonly sensitive?: readonly SensitivityLabel[];
}

/** The terms a Consent of {@link fhirConsent} maps to: what its statement must sign. */
export function fhirConsentTerms(
  grantee: string,
  sensitive?: readonly SensitivityLabel[],
): ConsentInput {
  return {
    grantee: { org: grantee },
    purposes: ['treatment'],
    categories: ['outpatient'],
    ...(sensitive === undefined ? {} : { sensitive }),
  };
}

/**
 * A FHIR R4 Consent permitting the grantee treatment access to outpatient data, carrying the
 * patient's signed statement.
 */
export function fhirConsent(options: Readonly<FhirConsentOptions>): {
  resourceType: 'Consent';
  [key: string]: unknown;
} {
  return {
    resourceType: 'Consent',
    ...(options.id === undefined ? {} : { id: options.id }),
    status: 'active',
    scope: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
      ],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${options.patientId}` },
    extension: [
      {
        url: SIGNED_ACTION_EXTENSION,
        extension: [
          { url: 'statement', valueString: options.action.statement },
          { url: 'signature', valueString: options.action.signature },
        ],
      },
    ],
    provision: {
      type: 'permit',
      actor: [
        {
          role: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'IRCP',
              },
            ],
          },
          reference: { reference: `Organization/${options.grantee}` },
        },
      ],
      purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
      class: [{ system: PROJECT_SYSTEM.dataCategory, code: 'outpatient' }],
      ...(options.sensitive === undefined
        ? {}
        : {
            securityLabel: options.sensitive.map((code) => ({
              system: SECURITY_LABEL_SYSTEM,
              code,
            })),
          }),
    },
  };
}
