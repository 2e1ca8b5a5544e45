import type { AccessEvents } from './access.api.ts';
import type { AuditEvents } from './audit.api.ts';
import type { CohortEvents } from './cohort.api.ts';
import type { ConsentEvents } from './consent.api.ts';
import type { ConsentRequestEvents } from './consent-request.api.ts';
import type { PatientEvents } from './patient.api.ts';
import type { RecordsEvents } from './records.api.ts';
import type { ReferralEvents } from './referral.api.ts';

/**
 * The ledger's events, by name, with their payloads as the gateways stream them (GET /events). On
 * the ledger a transaction sets one chaincode event (Fabric keeps only the last) carrying its name
 * and, for what is private, nothing else (docs/privacy.md); each gateway builds the payload from the
 * private data its own peer received with the block, so it streams exactly what its organization
 * may see. Record and batch anchors are public, and so are their events' payloads.
 */
export interface LedgerEvents
  extends
    ConsentEvents,
    AccessEvents,
    AuditEvents,
    ReferralEvents,
    CohortEvents,
    RecordsEvents,
    PatientEvents,
    ConsentRequestEvents {}

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
  'ConsentErased',
  'ConsentGranted',
  'ConsentRequestAnswered',
  'ConsentRequested',
  'ConsentRevoked',
  'ConsentUpdated',
  'DataPurged',
  'EmergencyReviewed',
  'PatientBindingChanged',
  'RecordAnchored',
  'ReferralClosed',
  'ReferralCreated',
] as const satisfies readonly LedgerEventName[];

// Compile-time check: the list names every event of the map.
type Missing = Exclude<LedgerEventName, (typeof LEDGER_EVENT_NAMES)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;
/** True: the list above names every event (exported so that the check is not an unused local). */
export const LEDGER_EVENT_NAMES_COMPLETE = complete;
