import type * as fhir4 from './fhir-r4.types.js';
import { FHIR_JSON } from './operation-outcome.mapper.js';

/** Publication date of the statement (it changes only with this code). */
export const CAPABILITY_STATEMENT_DATE = '2026-11-22';

/** Overrides of the statement's date and software version. */
export interface CapabilityStatementOptions {
  readonly date?: string;
  readonly softwareVersion?: string;
}

const SP = 'http://hl7.org/fhir/SearchParameter';
const PAGING =
  'Pages of at most `_count` (1..100, default 25) matches; follow `link` next (`_cursor`, an opaque ledger bookmark). A page may hold fewer matches and still have a next link.';

/**
 * The server's CapabilityStatement: FHIR 4.0.1, JSON only, Consent (read, search-type by patient
 * and status, create), AuditEvent (search-type by patient, date, outcome), Provenance (search-type
 * by target). `base` is the service base URL (`https://host:port/fhir`).
 */
export function toCapabilityStatement(
  base: string,
  options: CapabilityStatementOptions = {},
): fhir4.CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    id: 'consent-ledger',
    name: 'ConsentLedgerFhirServer',
    title: 'Consent Ledger FHIR R4 gateway',
    status: 'active',
    experimental: false,
    date: options.date ?? CAPABILITY_STATEMENT_DATE,
    publisher: 'Consent Ledger',
    description:
      'Patient privacy consents, access audit events and record anchor provenance on a permissioned ledger. Patients appear only under pseudonyms.',
    kind: 'instance',
    software: {
      name: 'Consent Ledger gateway',
      ...(options.softwareVersion === undefined ? {} : { version: options.softwareVersion }),
    },
    implementation: { description: 'Consent Ledger FHIR R4 gateway', url: base },
    fhirVersion: '4.0.1',
    format: [FHIR_JSON, 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Every request but metadata needs the caller identity of the gateway; the ledger decides what the caller may read (patients their own, regulators all, organizations what concerns them). Unknown search parameters are refused (400).',
        security: {
          description:
            'Bearer token of the organization gateway; role, organization and ownership rules are enforced by the ledger.',
        },
        resource: [
          {
            type: 'Consent',
            documentation: `Privacy consents (scope patient-privacy). create records a new consent for the calling patient. ${PAGING}`,
            interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'create' }],
            versioning: 'versioned',
            readHistory: false,
            updateCreate: false,
            conditionalCreate: false,
            conditionalUpdate: false,
            conditionalDelete: 'not-supported',
            searchParam: [
              {
                name: 'patient',
                definition: `${SP}/clinical-patient`,
                type: 'reference',
                documentation: 'Patient/<pseudonym> or the pseudonym',
              },
              {
                name: 'status',
                definition: `${SP}/Consent-status`,
                type: 'token',
                documentation: 'active, inactive (revoked or expired); comma-separated values OR',
              },
            ],
          },
          {
            type: 'AuditEvent',
            documentation: `Access requests and their decisions, break-glass included. ${PAGING}`,
            interaction: [{ code: 'search-type' }],
            versioning: 'no-version',
            searchParam: [
              {
                name: 'patient',
                definition: `${SP}/AuditEvent-patient`,
                type: 'reference',
                documentation: 'Patient/<pseudonym> or the pseudonym',
              },
              {
                name: 'date',
                definition: `${SP}/AuditEvent-date`,
                type: 'date',
                documentation:
                  'Prefixes eq (default), ge, gt, le, lt, sa, eb; repeat for a range (AND). Dates without a time zone are UTC.',
              },
              {
                name: 'outcome',
                definition: `${SP}/AuditEvent-outcome`,
                type: 'token',
                documentation: '0 permit, 4 deny',
              },
            ],
          },
          {
            type: 'Provenance',
            documentation:
              'Anchored fingerprints of records (one Provenance per anchored version), searched by the record.',
            interaction: [{ code: 'search-type' }],
            versioning: 'no-version',
            searchParam: [
              {
                name: 'target',
                definition: `${SP}/Provenance-target`,
                type: 'reference',
                documentation:
                  'The record ID, DocumentReference/<record ID>, or target:identifier=<record-id system>|<record ID>',
              },
              {
                name: 'agent',
                definition: `${SP}/Provenance-agent`,
                type: 'reference',
                documentation:
                  "Organization/<MSP ID>: the record's owner (record IDs are scoped by their owner organization); the caller's organization by default",
              },
            ],
          },
        ],
      },
    ],
  };
}
