import type { AccessEvents } from './access.api.ts';
import type { AuditEvents } from './audit.api.ts';
import type { CohortEvents } from './cohort.api.ts';
import type { ConsentEvents } from './consent.api.ts';
import type { RecordsEvents } from './records.api.ts';
import type { ReferralEvents } from './referral.api.ts';

/**
 * The chaincode events, by name, with their payloads: one event per transaction (Fabric keeps only
 * the last setEvent of a transaction); payloads are sorted-key JSON of coded values only.
 */
export interface LedgerEvents
  extends ConsentEvents, AccessEvents, AuditEvents, ReferralEvents, CohortEvents, RecordsEvents {}

/** The name of a chaincode event. */
export type LedgerEventName = keyof LedgerEvents;

/** A chaincode event: its name and payload. */
export interface LedgerEvent<N extends LedgerEventName = LedgerEventName> {
  readonly name: N;
  readonly payload: LedgerEvents[N];
}

/** Every chaincode event name, sorted. */
export const LEDGER_EVENT_NAMES = [
  'AccessRecorded',
  'BatchAnchored',
  'CohortRecorded',
  'ConsentGranted',
  'ConsentRevoked',
  'ConsentUpdated',
  'EmergencyReviewed',
  'RecordAnchored',
  'ReferralClosed',
  'ReferralCreated',
] as const satisfies readonly LedgerEventName[];

// Compile-time check: the list names every event of the map.
type Missing = Exclude<LedgerEventName, (typeof LEDGER_EVENT_NAMES)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;
/** True: the list above names every event (exported so that the check is not an unused local). */
export const LEDGER_EVENT_NAMES_COMPLETE = complete;
