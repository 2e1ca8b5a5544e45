import {
  ANY_GRANTEE,
  BINDING_CHANGES,
  orgCollection,
  LEDGER_EVENT_NAMES,
  type AccessEvent,
  type BindingVersion,
  type Consent,
  type ConsentChange,
  type ConsentRequest,
  type ErasureReceipt,
  type LedgerEventName,
  type LedgerEvents,
  type PatientBinding,
  type Referral,
} from '@consent-ledger/ledger-api';
import type { ChaincodeTransaction, PrivateBlock } from '../ledger/private-block.js';

/**
 * The live events of a block as this organization may see them (ledger-api LedgerEvents). On the
 * ledger a private transaction's chaincode event is its name alone; its payload is built here from
 * the private values this organization's peer received with the block (the documents the
 * transaction wrote: an access event, a consent, a referral, a binding, an erasure receipt, a consent request). A
 * transaction whose private data this organization does not hold yields nothing. Record and batch
 * anchors are public: their events carry their payloads on the ledger.
 */

/** One event of a valid transaction, with the payload this organization may see. */
export interface BuiltEvent<N extends LedgerEventName = LedgerEventName> {
  readonly txId: string;
  readonly eventName: N;
  readonly payload: LedgerEvents[N];
  /** What the gateway keeps beside the payload for its own features; absent when nothing. */
  readonly context?: EventContext;
}

/**
 * What this gateway keeps beside an event's payload for its own features (the patients' inbox),
 * from the same private writes, and never streams: a stream carries no patient's home.
 */
export interface EventContext {
  /** The home organization of the patient the event is about. */
  readonly patientHome?: string;
  /** DataPurged: the patients given a retention-erasure receipt here, sorted, and its time. */
  readonly erased?: { readonly patientIds: readonly string[]; readonly erasedAt: string };
}

/** The documents a transaction wrote into the collections this organization holds. */
interface Written {
  readonly events: readonly AccessEvent[];
  readonly consents: readonly Consent[];
  readonly referrals: readonly Referral[];
  readonly bindings: readonly PatientBinding[];
  readonly versions: readonly BindingVersion[];
  /** Erasure receipts, each with the collection it was written into. */
  readonly receipts: readonly { readonly receipt: ErasureReceipt; readonly collection: string }[];
  readonly requests: readonly ConsentRequest[];
}

type Fields = Record<string, unknown>;

const decoder = new TextDecoder();
const NAMES: ReadonlySet<string> = new Set(LEDGER_EVENT_NAMES);
const CHANGES: ReadonlySet<string> = new Set(BINDING_CHANGES);

function json(bytes: Uint8Array): Fields | undefined {
  try {
    const value = JSON.parse(decoder.decode(bytes)) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Fields)
      : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// Each document is recognized by the fields of its ledger-api model (index entries hold salts).
const isAccessEvent = (doc: Fields): boolean =>
  text(doc.eventId) && text(doc.patientId) && isObject(doc.accessor) && text(doc.decision);
const isConsent = (doc: Fields): boolean =>
  text(doc.consentId) &&
  text(doc.patientId) &&
  text(doc.provision) &&
  typeof doc.version === 'number' &&
  !('consent' in doc);
const isRequest = (doc: Fields): boolean =>
  text(doc.requestId) && text(doc.patientId) && text(doc.requesterOrg) && isObject(doc.terms);
const isReferral = (doc: Fields): boolean =>
  text(doc.referralId) && text(doc.patientId) && text(doc.fromOrg) && text(doc.toOrg);
const isBinding = (doc: Fields): boolean =>
  text(doc.patientId) && text(doc.home) && Array.isArray(doc.keys) && Array.isArray(doc.guardians);
const isBindingVersion = (doc: Fields): boolean =>
  typeof doc.version === 'number' &&
  text(doc.change) &&
  CHANGES.has(doc.change) &&
  isObject(doc.by);
const isReceipt = (doc: Fields): boolean =>
  text(doc.patientId) && text(doc.subject) && text(doc.erasedAt) && text(doc.kind);

/** The documents of a transaction's private writes, each once (a deny to everyone has copies). */
function writtenBy(transaction: ChaincodeTransaction): Written {
  const seen = new Set<string>();
  const written = {
    events: [] as AccessEvent[],
    consents: [] as Consent[],
    referrals: [] as Referral[],
    bindings: [] as PatientBinding[],
    versions: [] as BindingVersion[],
    receipts: [] as { receipt: ErasureReceipt; collection: string }[],
    requests: [] as ConsentRequest[],
  };
  const once = (identity: string): boolean => {
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  };
  for (const write of transaction.privateWrites) {
    if (write.isDelete) continue;
    const doc = json(write.value);
    if (doc === undefined) continue;
    if (isAccessEvent(doc)) {
      if (once(`evt:${String(doc.eventId)}`)) written.events.push(doc as unknown as AccessEvent);
    } else if (isConsent(doc)) {
      if (once(`con:${String(doc.consentId)}`)) written.consents.push(doc as unknown as Consent);
    } else if (isReferral(doc)) {
      if (once(`ref:${String(doc.referralId)}`)) written.referrals.push(doc as unknown as Referral);
    } else if (isBinding(doc)) {
      if (once(`pat:${String(doc.patientId)}`))
        written.bindings.push(doc as unknown as PatientBinding);
    } else if (isBindingVersion(doc)) {
      if (once(`ver:${write.key}`)) written.versions.push(doc as unknown as BindingVersion);
    } else if (isReceipt(doc)) {
      if (once(`era:${write.key}`))
        written.receipts.push({
          receipt: doc as unknown as ErasureReceipt,
          collection: write.collection,
        });
    } else if (isRequest(doc)) {
      if (once(`req:${String(doc.requestId)}`))
        written.requests.push(doc as unknown as ConsentRequest);
    }
  }
  return written;
}

const CONSENT_CHANGES: Readonly<Record<string, ConsentChange>> = {
  ConsentGranted: 'granted',
  ConsentUpdated: 'updated',
  ConsentRevoked: 'revoked',
};

/** The payload of event `name` from what the transaction wrote; undefined when not held here. */
function payloadOf(
  name: LedgerEventName,
  transaction: ChaincodeTransaction,
  written: Written,
  publicPayload: Uint8Array,
): LedgerEvents[LedgerEventName] | undefined {
  switch (name) {
    case 'RecordAnchored':
    case 'BatchAnchored':
      return json(publicPayload) as LedgerEvents[typeof name] | undefined;
    case 'DataPurged': {
      const purged = json(publicPayload);
      return purged !== undefined && text(purged.collection)
        ? (purged as unknown as LedgerEvents['DataPurged'])
        : undefined;
    }
    default:
      break;
  }
  switch (name) {
    case 'AccessRecorded': {
      const event = recordedBy(transaction, written);
      return event === undefined
        ? undefined
        : {
            eventId: event.eventId,
            patientId: event.patientId,
            accessorOrg: event.accessor.org,
            purpose: event.purpose,
            categories: event.categories,
            decision: event.decision,
            reason: event.reason,
            breakGlass: event.breakGlass,
            timestamp: event.timestamp,
          };
    }
    case 'EmergencyReviewed': {
      const event = written.events.find((each) => each.emergency?.review.status === 'reviewed');
      const review = event?.emergency?.review;
      return event === undefined || review?.outcome === undefined
        ? undefined
        : {
            eventId: event.eventId,
            accessorOrg: event.accessor.org,
            outcome: review.outcome,
            reviewedAt: review.reviewedAt ?? event.timestamp,
          };
    }
    case 'CohortRecorded': {
      const events = written.events.filter((each) => each.cohort !== undefined);
      const [first] = events;
      return first?.cohort === undefined
        ? undefined
        : {
            studyId: first.cohort.studyId,
            accessorOrg: first.accessor.org,
            included: events.length,
            eventIds: events.map((each) => each.eventId).sort(),
            timestamp: first.timestamp,
          };
    }
    case 'ConsentGranted':
    case 'ConsentUpdated':
    case 'ConsentRevoked': {
      const [consent] = written.consents;
      const change = CONSENT_CHANGES[name];
      return consent === undefined || change === undefined
        ? undefined
        : {
            consentId: consent.consentId,
            patientId: consent.patientId,
            provision: consent.provision,
            granteeOrg: consent.grantee?.org ?? ANY_GRANTEE,
            status: consent.status,
            change,
            version: consent.version,
            ...(consent.validUntil === undefined ? {} : { validUntil: consent.validUntil }),
            timestamp: consent.updatedAt,
          };
    }
    case 'ConsentErased': {
      const receipt = consentErasure(written)?.receipt;
      return receipt === undefined
        ? undefined
        : { consentId: receipt.subject, patientId: receipt.patientId, timestamp: receipt.erasedAt };
    }
    case 'ReferralCreated':
    case 'ReferralClosed': {
      const [referral] = written.referrals;
      return referral === undefined
        ? undefined
        : {
            referralId: referral.referralId,
            patientId: referral.patientId,
            fromOrg: referral.fromOrg,
            toOrg: referral.toOrg,
            categories: referral.categories,
            status: name === 'ReferralClosed' ? 'closed' : 'open',
            timestamp:
              (name === 'ReferralClosed' ? referral.closedAt : undefined) ?? referral.createdAt,
          };
    }
    case 'ConsentRequested':
    case 'ConsentRequestAnswered': {
      const [request] = written.requests;
      return request === undefined
        ? undefined
        : {
            requestId: request.requestId,
            patientId: request.patientId,
            requesterOrg: request.requesterOrg,
            status: request.status,
            ...(request.consentId === undefined ? {} : { consentId: request.consentId }),
            timestamp: request.answeredAt ?? request.createdAt,
          };
    }
    case 'PatientBindingChanged': {
      const [binding] = written.bindings;
      const latest = [...written.versions].sort((a, b) => b.version - a.version)[0];
      const change = latest?.change ?? (binding?.version === 1 ? 'registered' : undefined);
      return binding === undefined || change === undefined
        ? undefined
        : { patientId: binding.patientId, change };
    }
  }
}

/** The prefix of an organization's own collection (ledger-api orgCollection). */
const ORG_COLLECTION = orgCollection('');

/** The access event a transaction recorded (a cohort's first when it recorded several). */
function recordedBy(transaction: ChaincodeTransaction, written: Written): AccessEvent | undefined {
  return written.events.find((each) => each.txId === transaction.txId) ?? written.events[0];
}

/** The receipt of a consent's erasure, with its collection (its home's own, org_<home>). */
function consentErasure(written: Written): Written['receipts'][number] | undefined {
  return written.receipts.find((each) => each.receipt.kind === 'consent');
}

/** The context of event `name` (see {@link EventContext}) from what the transaction wrote. */
function contextOf(
  name: LedgerEventName,
  transaction: ChaincodeTransaction,
  written: Written,
): EventContext {
  switch (name) {
    case 'AccessRecorded': {
      const event = recordedBy(transaction, written);
      return event === undefined ? {} : { patientHome: event.patientHome };
    }
    case 'ConsentGranted':
    case 'ConsentUpdated':
    case 'ConsentRevoked': {
      const [consent] = written.consents;
      return consent === undefined ? {} : { patientHome: consent.patientHome };
    }
    case 'ConsentRequested':
    case 'ConsentRequestAnswered': {
      const [request] = written.requests;
      return request === undefined ? {} : { patientHome: request.patientHome };
    }
    case 'PatientBindingChanged': {
      const [binding] = written.bindings;
      return binding === undefined ? {} : { patientHome: binding.home };
    }
    case 'ConsentErased': {
      const collection = consentErasure(written)?.collection;
      return collection?.startsWith(ORG_COLLECTION) === true
        ? { patientHome: collection.slice(ORG_COLLECTION.length) }
        : {};
    }
    case 'DataPurged': {
      const receipts = written.receipts
        .map((each) => each.receipt)
        .filter((each) => each.kind === 'retention');
      const [first] = receipts;
      return first === undefined
        ? {}
        : {
            erased: {
              patientIds: [...new Set(receipts.map((each) => each.patientId))].sort(),
              erasedAt: first.erasedAt,
            },
          };
    }
    default:
      return {};
  }
}

/** The events of a block's valid transactions that this organization holds the data of. */
export function ledgerEventsOf(block: PrivateBlock): BuiltEvent[] {
  const events: BuiltEvent[] = [];
  for (const transaction of block.transactions) {
    const { event } = transaction;
    if (!transaction.valid || event === undefined || !NAMES.has(event.name)) continue;
    const eventName = event.name as LedgerEventName;
    // The private writes are read once, for both the payload and the context.
    const written = writtenBy(transaction);
    const payload = payloadOf(eventName, transaction, written, event.payload);
    if (payload === undefined) continue;
    const context = contextOf(eventName, transaction, written);
    events.push({
      txId: transaction.txId,
      eventName,
      payload,
      ...(Object.keys(context).length === 0 ? {} : { context }),
    });
  }
  return events;
}
