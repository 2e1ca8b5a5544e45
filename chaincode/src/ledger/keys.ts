import type {
  AccessEvent,
  Batch,
  Consent,
  ConsentVersion,
  DayStatistics,
  Organization,
  RecordAnchor,
  Referral,
} from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import type { StatisticsEntry } from '../audit/statistics';

/**
 * The key layout of the world state: every key the chaincode writes, in one place.
 *
 * All keys but the baseline's are Fabric composite keys (`\u0000type\u0000attr1\u0000attr2\u0000`),
 * so every query is a partial-composite-key range scan (LevelDB has no rich queries), in key order.
 * `ts` is an ISO instant with milliseconds (sorts in time order), `day` its `YYYY-MM-DD`, versions
 * are zero-padded to 10 digits. Index values are the single byte `0x00` (Fabric deletes a key
 * written with an empty value). No key is written by every transaction (no global counters), so
 * concurrent transactions about different patients, records or organizations never collide.
 *
 * | type | attributes | value | written by |
 * | --- | --- | --- | --- |
 * | `org` | mspId | Organization | registry:RegisterOrganization |
 * | `con` | consentId | Consent (current) | consent:GrantConsent, UpdateConsent, RevokeConsent |
 * | `con~ver` | consentId, version | ConsentVersion (snapshot of a replaced version; the current one is `con`) | UpdateConsent, RevokeConsent (the version they replace) |
 * | `con~pat` | patientId, consentId | 0x00 | consent:GrantConsent |
 * | `con~gra` | granteeOrg or `*` (deny to everyone), patientId, consentId | 0x00 | GrantConsent; UpdateConsent moves it when the grantee org changes |
 * | `evt` | eventId | AccessEvent | access:RequestAccess, RequestEmergencyAccess, cohort:RequestCohort; audit:ReviewEmergencyAccess rewrites the review |
 * | `evt~pat` | patientId, ts, eventId | 0x00 | as `evt` (not the review) |
 * | `evt~org` | accessorOrg, ts, eventId | 0x00 | as `evt~pat` |
 * | `evt~time` | day, ts, eventId | StatisticsEntry (compact: purpose, categories, decision, region, breakGlass) | as `evt~pat` |
 * | `evt~dec` | decision, ts, eventId | 0x00 | as `evt~pat` |
 * | `evt~bg` | ts, eventId | 0x00 | access:RequestEmergencyAccess |
 * | `evt~rev` | ts, eventId | 0x00 (pending review queue) | RequestEmergencyAccess; deleted by ReviewEmergencyAccess |
 * | `ref` | referralId | Referral | referral:CreateReferral, CloseReferral |
 * | `ref~pat` | patientId, toOrg, referralId | 0x00 | referral:CreateReferral |
 * | `rec` | recordId | RecordAnchor (latest version); key-level endorsement policy = owner's peer | records:AnchorRecord |
 * | `rec~ver` | recordId, version | RecordAnchor | records:AnchorRecord |
 * | `rec~pat` | patientId, recordId | 0x00 | records:AnchorRecord (version 1) |
 * | `rec~org` | ownerOrg, recordId | 0x00 | records:AnchorRecord (version 1) |
 * | `bat` | batchId | Batch (no per-item keys) | records:AnchorBatch |
 * | `stat~day` | day | DayStatistics | audit:RollupStatistics |
 * | `baseline:<key>` (simple key) | | raw value | baseline:Put (kept unchanged as the benchmark yardstick) |
 *
 * The `evt~time` index carries the day as its own attribute because RollupStatistics, a submit
 * transaction, may not use Fabric's paginated queries and must scan exactly one day. The value
 * column is also declared as types ({@link StateValues}), so that reads and writes through
 * state.ts are typed by key type (the document types are ledger-api's models); the grantee `*` of a
 * deny to everyone is ledger-api's ANY_GRANTEE. Attributes never contain U+0000: every ID is
 * validated first.
 */
export const KEY_TYPES = {
  organization: 'org',
  consent: 'con',
  consentVersion: 'con~ver',
  consentByPatient: 'con~pat',
  consentByGrantee: 'con~gra',
  event: 'evt',
  eventByPatient: 'evt~pat',
  eventByOrg: 'evt~org',
  eventByTime: 'evt~time',
  eventByDecision: 'evt~dec',
  eventBreakGlass: 'evt~bg',
  eventPendingReview: 'evt~rev',
  referral: 'ref',
  referralByPatient: 'ref~pat',
  record: 'rec',
  recordVersion: 'rec~ver',
  recordByPatient: 'rec~pat',
  recordByOrg: 'rec~org',
  batch: 'bat',
  dayStatistics: 'stat~day',
} as const satisfies Record<keyof StateValues, string>;

/** A key type's name in {@link KEY_TYPES}. */
export type KeyTypeName = keyof typeof KEY_TYPES;

/** An index entry's value: the single byte of {@link INDEX_VALUE}. */
export type IndexValue = Uint8Array;

/** What each key type holds (the "value" column of the table above). */
export interface StateValues {
  readonly organization: Organization;
  readonly consent: Consent;
  readonly consentVersion: ConsentVersion;
  readonly consentByPatient: IndexValue;
  readonly consentByGrantee: IndexValue;
  readonly event: AccessEvent;
  readonly eventByPatient: IndexValue;
  readonly eventByOrg: IndexValue;
  readonly eventByTime: StatisticsEntry;
  readonly eventByDecision: IndexValue;
  readonly eventBreakGlass: IndexValue;
  readonly eventPendingReview: IndexValue;
  readonly referral: Referral;
  readonly referralByPatient: IndexValue;
  readonly record: RecordAnchor;
  readonly recordVersion: RecordAnchor;
  readonly recordByPatient: IndexValue;
  readonly recordByOrg: IndexValue;
  readonly batch: Batch;
  readonly dayStatistics: DayStatistics;
}

/** Key types whose values are documents (sorted-key JSON) rather than index bytes. */
export type DocumentKeyType = {
  [K in KeyTypeName]: StateValues[K] extends IndexValue ? never : K;
}[KeyTypeName];

/** Key types that are pure indexes. */
export type IndexKeyType = Exclude<KeyTypeName, DocumentKeyType>;

/** The value of every index entry: one byte (an empty value would delete the key). */
export const INDEX_VALUE: Uint8Array = Uint8Array.of(0);

/** A key as its type followed by its attributes (or a partial key: the leading attributes). */
export type KeyPath<K extends KeyTypeName = KeyTypeName> = readonly [
  type: K,
  ...attributes: string[],
];

/** The composite key of a path, built by the stub as Fabric does. */
export function stateKey(stub: ChaincodeStub, path: KeyPath): string {
  const [type, ...attributes] = path;
  return stub.createCompositeKey(KEY_TYPES[type], attributes);
}

/** A version number as a key attribute (10 digits, so versions sort numerically). */
export function versionAttribute(version: number): string {
  return String(version).padStart(10, '0');
}
