import { csvRow, type AccessEvent } from '@consent-ledger/ledger-api';

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'eventId',
  'timestamp',
  'patientId',
  'accessorOrg',
  'accessorRole',
  'practitionerId',
  'purpose',
  'categories',
  'recordIds',
  'decision',
  'reason',
  'consentIds',
  'breakGlass',
  'emergencyReasonCode',
  'reviewStatus',
  'reviewOutcome',
  'txId',
] as const;

/** One CSV line (CRLF-terminated) of an access event. */
export function csvLine(event: AccessEvent): string {
  const values: Record<(typeof CSV_COLUMNS)[number], string> = {
    eventId: event.eventId,
    timestamp: event.timestamp,
    patientId: event.patientId,
    accessorOrg: event.accessor.org,
    accessorRole: event.accessor.role,
    practitionerId: event.accessor.practitionerId ?? '',
    purpose: event.purpose,
    categories: event.categories.join(';'),
    recordIds: event.recordIds.join(';'),
    decision: event.decision,
    reason: event.reason,
    consentIds: event.consentIds.join(';'),
    breakGlass: String(event.breakGlass),
    emergencyReasonCode: event.emergency?.reasonCode ?? '',
    reviewStatus: event.emergency?.review.status ?? '',
    reviewOutcome: event.emergency?.review.outcome ?? '',
    txId: event.txId,
  };
  return csvRow(CSV_COLUMNS.map((column) => values[column]));
}

/** The CSV header line. */
export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/** Streams the CSV export of `events`. */
export async function* csvExport(events: AsyncIterable<AccessEvent>): AsyncGenerator<string> {
  yield CSV_HEADER;
  for await (const event of events) yield csvLine(event);
}

/** Maps an access event to a FHIR R4 AuditEvent resource. */
export type AuditEventMapper = (event: AccessEvent) => object;

/**
 * Streams a FHIR R4 Bundle (type collection) of AuditEvents, one entry at a time, so the whole
 * export is never held in memory.
 */
export async function* fhirBundleExport(
  events: AsyncIterable<AccessEvent>,
  toAuditEvent: AuditEventMapper,
): AsyncGenerator<string> {
  yield `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(new Date().toISOString())},"entry":[`;
  let first = true;
  for await (const event of events) {
    const resource = toAuditEvent(event);
    yield `${first ? '' : ','}${JSON.stringify({ resource })}`;
    first = false;
  }
  yield ']}';
}
