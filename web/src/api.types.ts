/**
 * The app's own shapes: display names, the browser form of a pattern, and narrowed views of a
 * gateway answer. Vocabularies, ID shapes and the REST answers themselves are imported from the
 * ledger's contract (@consent-ledger/ledger-api: plain TypeScript without platform imports, so
 * Vite bundles the few values used and drops the rest) where they are used.
 */

import {
  PATIENT_ID_PATTERN as PATIENT_ID,
  type LedgerEventMessage,
  type LedgerEventName,
  type RecordAnchor,
  type VerifyResult as LedgerVerifyResult,
} from '@consent-ledger/ledger-api';

/**
 * The network's organizations, by MSP ID; their display names are in the message catalogue
 * (i18n/words.ts orgName), in each language.
 */
export const ORGANIZATIONS: readonly string[] = [
  'GovMSP',
  'TertiaryHospitalMSP',
  'CommunityHospitalMSP',
  'EnterpriseMSP',
  'ResearchMSP',
];

/**
 * The member institutions of the network's organizations (network/topology.yaml; the registry
 * lists them by code), by MSP ID; their display names are in the message catalogue (i18n/words.ts
 * institutionName).
 */
export const INSTITUTIONS: Readonly<Record<string, readonly string[]>> = {
  EnterpriseMSP: ['inst-insurer01', 'inst-insurer02', 'inst-devices01'],
  ResearchMSP: ['inst-research01', 'inst-research02'],
};

/** Patient pseudonyms, as an HTML `pattern` (the ledger's own expression). */
export const PATIENT_ID_PATTERN = PATIENT_ID.source;
/**
 * A record ID chosen by its organization, as an HTML `pattern`. Not EXTERNAL_ID_PATTERN's
 * source: browsers compile `pattern` with the `v` flag, which needs the `-` escaped.
 */
export const RECORD_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:\\-]{0,127}$';

/**
 * POST /records/verify answer, narrowed: the app shows a single record's anchor, so the
 * anchor is read as a (possibly partial) RecordAnchor rather than `RecordAnchor | Batch`.
 */
export type VerifyResult = Omit<LedgerVerifyResult, 'anchor'> & {
  readonly anchor?: Partial<RecordAnchor> & Pick<RecordAnchor, 'txId' | 'timestamp'>;
};

/** The part of an evidence bundle (docs/evidence-bundle.md) the app shows. */
export interface EvidenceBundle {
  readonly transaction: { readonly txId: string };
  readonly block: { readonly header: { readonly number: string } };
}

/** The data of one server-sent ledger event (GET /events), told apart by its name. */
export type LedgerEventData = {
  readonly [N in LedgerEventName]: LedgerEventMessage<N>;
}[LedgerEventName];

/** One server-sent ledger event with its SSE `id` (empty when the server sent none). */
export type LedgerEvent = LedgerEventData & { readonly id: string };
