import type * as fhir4 from './fhir-r4.types.js';
import { FHIR_JSON } from './operation-outcome.mapper.js';
import {
  AUDIT_EVENT_SEARCH_PARAMS,
  CONSENT_SEARCH_PARAMS,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  PROVENANCE_SEARCH_PARAMS,
  MAX_SEARCH_MATCHES,
  RESULT_PARAMS,
  type SearchParamSpec,
} from './fhir-search.params.js';

/** Publication date of the statement (it changes only with this code). */
export const CAPABILITY_STATEMENT_DATE = '2026-11-22';

/** Overrides of the statement's date and software version. */
export interface CapabilityStatementOptions {
  readonly date?: string;
  readonly softwareVersion?: string;
}

const PAGING = `Newest first (\`_sort=-date\`, the default) or oldest first (\`_sort=date\`); pages of \`_count\` (0..${String(MAX_PAGE_SIZE)}, default ${String(DEFAULT_PAGE_SIZE)}; larger values are clamped and the self link shows the applied value); follow \`link\` next (\`_cursor\`, opaque) to the last page, which has none. \`Bundle.total\` is exact (\`_total=none\` leaves it out); \`_summary=count\` answers the total only; \`_elements\` keeps the named top-level elements (tagged SUBSETTED). Searches may be POSTed form-encoded to [type]/_search. A search that matches more than ${String(MAX_SEARCH_MATCHES)} resources is refused (too-costly): narrow it. An AuditEvent search newest first with only patient, date and outcome is paged by the ledger itself (each page reads \`_count\` events and the ledger's count), so it is not limited so.`;

/** The interactions served, by resource type (the 404/405 answers follow this table). */
export const SERVED_INTERACTIONS = {
  Consent: ['read', 'vread', 'update', 'history-instance', 'search-type', 'create'],
  AuditEvent: ['read', 'search-type'],
  Provenance: ['search-type'],
} as const satisfies Readonly<Record<string, readonly fhir4.TypeRestfulInteraction[]>>;

/** A resource's searchParam list (the parameters the search parser takes). */
function searchParams(params: readonly SearchParamSpec[]): fhir4.CapabilityStatementSearchParam[] {
  return params.map((param) => ({ ...param }));
}

const interactions = (
  type: keyof typeof SERVED_INTERACTIONS,
): { code: fhir4.TypeRestfulInteraction }[] => SERVED_INTERACTIONS[type].map((code) => ({ code }));

/**
 * The server's CapabilityStatement: FHIR 4.0.1, JSON only, exactly the interactions of
 * {@link SERVED_INTERACTIONS} and the search parameters the parser takes. `base` is the service
 * base URL (`https://host:port/fhir`).
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
        documentation: `Every request but metadata needs the caller identity of the gateway; the ledger decides what the caller may read (patients their own, regulators all, organizations what concerns them). JSON only: a _format or Accept without JSON is answered 406, a body in another format 415. Search result parameters: ${RESULT_PARAMS.join(', ')}. Unknown search parameters are refused (400 not-supported) unless the request says Prefer: handling=lenient, which ignores them, leaves them out of the self link and reports them in an OperationOutcome entry (search.mode outcome). Unsupported resource types answer 404, unsupported interactions 405, both as OperationOutcome.`,
        security: {
          description:
            'Bearer token of the organization gateway; role, organization and ownership rules are enforced by the ledger.',
        },
        resource: [
          {
            type: 'Consent',
            documentation: `Privacy consents (scope patient-privacy). create records a new consent for the calling patient; update with status inactive revokes it, with status active replaces its terms (If-Match: W/"<version>" is checked, 412 when stale; without it the version the signed statement names guards the change, 409 when stale); every write carries the statement the patient signed (extension signed-action). Versions are kept (vread, _history). ${PAGING}`,
            interaction: interactions('Consent'),
            versioning: 'versioned',
            readHistory: true,
            updateCreate: false,
            conditionalCreate: false,
            conditionalRead: 'not-supported',
            conditionalUpdate: false,
            conditionalDelete: 'not-supported',
            searchParam: searchParams(CONSENT_SEARCH_PARAMS),
          },
          {
            type: 'AuditEvent',
            documentation: `Access requests and their decisions, break-glass included. ${PAGING}`,
            interaction: interactions('AuditEvent'),
            versioning: 'no-version',
            readHistory: false,
            conditionalRead: 'not-supported',
            searchParam: searchParams(AUDIT_EVENT_SEARCH_PARAMS),
          },
          {
            type: 'Provenance',
            documentation: `Anchored fingerprints of records (one Provenance per anchored version), searched by the record. ${PAGING}`,
            interaction: interactions('Provenance'),
            versioning: 'no-version',
            readHistory: false,
            searchParam: searchParams(PROVENANCE_SEARCH_PARAMS),
          },
        ],
      },
    ],
  };
}
