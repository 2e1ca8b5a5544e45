import type {
  AccessEvent,
  Batch,
  BindingVersion,
  CohortRefusal,
  Consent,
  ConsentRequest,
  ConsentVersion,
  DayStatistics,
  ErasureReceipt,
  Notice,
  Organization,
  PatientBinding,
  RecordAnchor,
  Referral,
  RequestLimitsSetting,
  ResearchThreshold,
} from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import type { StatisticsEntry } from '../audit/statistics';
import type { IdSet } from './id-set';
import type { RecordLink } from '../records/record-link';

/**
 * The key layout of the ledger: every key the chaincode writes, and where it lives, in one place.
 *
 * "Where" is the public world state (every peer holds it: only what is about no patient) or a
 * private data collection (ledger-api collections.ts, docs/privacy.md): `home` is the patient's
 * home organization, `X` the other organization the data concerns (grantee, accessor, the other
 * hospital of a referral, a record's owner); `coll(home, X)` is ledger-api's collectionFor (the
 * home's own `org_<home>` when X is the home or the regulator, else `pair_<home,X>`).
 *
 * All keys but the baseline's are Fabric composite keys (`\u0000type\u0000attr1\u0000...`), and a
 * key keeps its layout in every collection, so that the same key in two collections is the same
 * thing (the copies of a deny to everyone) and scans of several collections merge in key order.
 * `ts` is an ISO instant with milliseconds (sorts in time order), `rts` the same instant as a
 * descending time attribute (13 digits, 9999999999999 minus its epoch milliseconds: sorts newest
 * first; ledger/time.ts descendingTime), `day` its `YYYY-MM-DD`,
 * versions are zero-padded to 10 digits. Public index values are the byte `0x00`; private index
 * values are the transaction's salt (16 random bytes), and every private document carries `salt`,
 * so that the hashes in the blocks cannot be confirmed by guessing. No key is written by every
 * transaction (no global counters).
 *
 * | type | where | attributes | value | written by |
 * | --- | --- | --- | --- | --- |
 * | `org` | public | mspId | Organization | registry:RegisterOrganization (DeregisterOrganization deletes) |
 * | `ntc` | public | org, noticeId, version | Notice (its texts in both languages and their SHA-256: the organization's public document, about no patient) | notice:PublishNotice (never rewritten) |
 * | `rec` | public | owner, recordId | RecordAnchor (latest version, no patient or category); key-level endorsement policy = owner's peer | records:AnchorRecord |
 * | `rec~ver` | public | owner, recordId, version | RecordAnchor (no patient or category) | records:AnchorRecord |
 * | `rec~hash` | public | sha256, owner, recordId, version | `0x00` (reveals nothing `rec~ver` does not: the hash is public there; it lets a document be found by its content alone) | records:AnchorRecord |
 * | `bat` | public | batchId | Batch (root only: no per-item keys) | records:AnchorBatch |
 * | `pat` | `org_<home>` | patientId | PatientBinding | patient:* (every change of the binding) |
 * | `pat~ver` | `org_<home>` | patientId, version | BindingVersion | as `pat` |
 * | `era` | `org_<home>`; retention receipts in the purged collection | patientId, ts, txId | ErasureReceipt | consent:EraseConsent, audit:PurgeExpired |
 * | `non` | the collection the action writes (`org_<home>` for the patient contract and erasures) | nonce | salt | every signed action |
 * | `con` | coll(home, grantee org); a deny to everyone in `org_<home>` and every `pair_<home,X>` | consentId | Consent (current) | consent:GrantConsent, UpdateConsent, RevokeConsent |
 * | `con~ver` | as `con` | consentId, version | ConsentVersion (snapshot of a replaced version; the current one is `con`) | UpdateConsent, RevokeConsent |
 * | `con~pat` | as `con` | patientId, granteeOrg or `*`, consentId | salt | GrantConsent |
 * | `con~gra` | as `con` | granteeOrg or `*`, patientId, consentId | salt | GrantConsent |
 * | `con~end` | as `con` | ts the consent ends (revokedAt, else validUntil), consentId | salt | GrantConsent (with validUntil), UpdateConsent and RevokeConsent move it |
 * | `con~ntc` | as `con` | notice org, noticeId, version, consentId (the notice the current version names; none: no entry) | salt | GrantConsent; UpdateConsent moves it when the notice changes |
 * | `con~set` | coll(home, org) | patientId, org (an accessor organization) | IdSet: the IDs of the consents not revoked that org's decisions read (granted to org, and the denies to everyone: one set per organization of the channel, each in its own collection) | GrantConsent adds, RevokeConsent removes, EraseConsent and PurgeExpired remove (purged when emptied) |
 * | `evt` | coll(home, accessor org) | eventId | AccessEvent | access:RequestAccess, RequestEmergencyAccess, cohort:RequestCohort, bench:SeedAccessEvents; audit:ReviewEmergencyAccess rewrites the review |
 * | `evt~pat` | as `evt` | patientId, rts, eventId | salt | as `evt` (not the review) |
 * | `evt~org` | as `evt` | accessorOrg, rts, eventId | salt | as `evt~pat` |
 * | `evt~new` | as `evt` | rts, eventId | salt | as `evt~pat` |
 * | `evt~time` | as `evt` | day, ts, eventId | StatisticsEntry (compact: purpose, categories, decision, region, breakGlass, salt) | as `evt~pat` |
 * | `evt~dec` | as `evt` | decision, rts, eventId | salt | as `evt~pat` |
 * | `evt~bg` | as `evt` | rts, eventId | salt | access:RequestEmergencyAccess |
 * | `evt~rev` | as `evt` | ts, eventId | salt (pending review queue) | RequestEmergencyAccess; deleted by ReviewEmergencyAccess |
 * | `ref` | `pair_<home,X>` (X the other hospital) | referralId | Referral | referral:CreateReferral, CloseReferral |
 * | `ref~pat` | as `ref` | patientId, toOrg, referralId | salt | referral:CreateReferral |
 * | `ref~end` | as `ref` | ts the referral ends (closedAt, else validUntil), referralId | salt | CreateReferral; CloseReferral moves it |
 * | `ref~set` | as `ref` | patientId, toOrg | IdSet: the IDs of the open referrals of the patient to toOrg in this collection | CreateReferral adds, CloseReferral removes, PurgeExpired removes |
 * | `rec~lnk` | coll(home, owner) | owner, recordId | RecordLink (patient, home, category, owner) | records:AnchorRecord (version 1) |
 * | `rec~pat` | as `rec~lnk` | patientId, owner, recordId | salt | as `rec~lnk` |
 * | `rec~own` | as `rec~lnk` | owner, recordId | salt | as `rec~lnk` |
 * | `stat~day` | `org_GovMSP` | day | DayStatistics (the counts of audit:CountDay, as the regulator hands them over) | audit:RollupStatistics |
 * | `rth` | public | region code, or `default` (the channel-wide default) | ResearchThreshold | cohort:SetResearchThreshold |
 * | `coh~rfs` | `org_<requester org>` | rts, txId | CohortRefusal (the study, the requesting organization and the rule, salt; nothing about patients) | cohort:RequestCohort (a refused study) |
 * | `baseline:<key>` (simple key) | public | | raw value | baseline:Put (kept unchanged as the benchmark yardstick) |
 * | `req` | coll(home, requester org) | requestId | ConsentRequest (terms, coded reason, status; no free text) | request:RequestConsent, ApproveRequest, DeclineRequest, WithdrawRequest |
 * | `req~pat` | as `req` | patientId, rts, requestId | salt | request:RequestConsent |
 * | `req~org` | as `req` | requesterOrg, rts, requestId | salt | request:RequestConsent |
 * | `req~set` | as `req` | patientId, requesterOrg | IdSet: the IDs of the requester organization's requests to the patient that the limits count (open, or made in the last 30 days) | RequestConsent adds the new one and removes those no longer counted |
 * | `req~lim` | public | (none) | RequestLimitsSetting (open requests and requests per 30 days, per requester organization and patient; about no patient) | request:SetRequestLimits |
 *
 * Submit transactions never range-query a collection (Fabric refuses a transaction that both
 * range-queries private data and writes, in either order): what a decision must find is named by a
 * set document (`con~set`, `ref~set`, ledger/id-set.ts), read by its key; the indexes serve the
 * evaluate transactions (queries, FindCohort, CountDay, FindExpired). Everything private is purged
 * (PurgePrivateData) by consent:EraseConsent (a consent, its versions and its index entries, in
 * every collection holding them, versions by their known numbers) and audit:PurgeExpired (one kind,
 * in one collection, the items FindExpired found through `evt~time`, `con~end` and `ref~end`,
 * each read again by its key). Record IDs are chosen by their owners and scoped by them: every
 * record key starts with the owner organization (the MSP that anchored version 1; a pair
 * collection holds the links of both its organizations' records), so two organizations each
 * anchor their own `his:2026.1` and none can take an ID another will need (squatting). A ledger of
 * the earlier layout (record keys by ID alone) is not read by this one: it starts fresh. Access
 * events are queried newest first (Fabric's range scans only go forward): the indexes the queries
 * use carry `rts` (`evt~pat`, `evt~org`, `evt~dec`, `evt~bg`, and `evt~new` for unfiltered queries),
 * so a page of the newest N reads O(N) entries; `evt~time` stays ascending for what wants the
 * oldest first (CountDay, GetStatistics, FindExpired, unfiltered oldest-first queries; filtered
 * ones read their `rts` index's window backwards while it is small), and the review queue
 * `evt~rev` stays oldest first. A ledger of the earlier event layout (`ts` in those four indexes, no
 * `evt~new`) is not read by this one either: it starts fresh. The
 * `evt~time` index carries the day as its own attribute so that
 * CountDay scans exactly one day. The value column is also declared as types ({@link StateValues}) and the where column
 * as {@link KEY_SPACES}, so that reads and writes through state.ts are typed by key type and
 * refused in the wrong kind of space; the grantee `*` of a deny to everyone is ledger-api's
 * ANY_GRANTEE. Attributes never contain U+0000: every ID is validated first.
 */
export const KEY_TYPES = {
  organization: 'org',
  notice: 'ntc',
  record: 'rec',
  recordVersion: 'rec~ver',
  recordByHash: 'rec~hash',
  batch: 'bat',
  binding: 'pat',
  bindingVersion: 'pat~ver',
  erasure: 'era',
  nonce: 'non',
  consent: 'con',
  consentVersion: 'con~ver',
  consentByPatient: 'con~pat',
  consentByGrantee: 'con~gra',
  consentByEnd: 'con~end',
  consentByNotice: 'con~ntc',
  consentSet: 'con~set',
  event: 'evt',
  eventByPatient: 'evt~pat',
  eventByOrg: 'evt~org',
  eventNewest: 'evt~new',
  eventByTime: 'evt~time',
  eventByDecision: 'evt~dec',
  eventBreakGlass: 'evt~bg',
  eventPendingReview: 'evt~rev',
  referral: 'ref',
  referralByPatient: 'ref~pat',
  referralByEnd: 'ref~end',
  referralSet: 'ref~set',
  recordLink: 'rec~lnk',
  recordByPatient: 'rec~pat',
  recordByOwner: 'rec~own',
  dayStatistics: 'stat~day',
  consentRequest: 'req',
  requestByPatient: 'req~pat',
  requestByOrg: 'req~org',
  requestSet: 'req~set',
  requestLimits: 'req~lim',
  researchThreshold: 'rth',
  cohortRefusal: 'coh~rfs',
} as const satisfies Record<keyof StateValues, string>;

/** A key type's name in {@link KEY_TYPES}. */
export type KeyTypeName = keyof typeof KEY_TYPES;

/** Where a key type lives: the public world state, or a private data collection. */
export type KeySpace = 'public' | 'private';

/** The "where" column of the table above, by kind of space. */
export const KEY_SPACES: Readonly<Record<KeyTypeName, KeySpace>> = {
  organization: 'public',
  notice: 'public',
  record: 'public',
  recordVersion: 'public',
  recordByHash: 'public',
  batch: 'public',
  binding: 'private',
  bindingVersion: 'private',
  erasure: 'private',
  nonce: 'private',
  consent: 'private',
  consentVersion: 'private',
  consentByPatient: 'private',
  consentByGrantee: 'private',
  consentByEnd: 'private',
  consentByNotice: 'private',
  consentSet: 'private',
  event: 'private',
  eventByPatient: 'private',
  eventByOrg: 'private',
  eventNewest: 'private',
  eventByTime: 'private',
  eventByDecision: 'private',
  eventBreakGlass: 'private',
  eventPendingReview: 'private',
  referral: 'private',
  referralByPatient: 'private',
  referralByEnd: 'private',
  referralSet: 'private',
  recordLink: 'private',
  recordByPatient: 'private',
  recordByOwner: 'private',
  dayStatistics: 'private',
  consentRequest: 'private',
  requestByPatient: 'private',
  requestByOrg: 'private',
  requestSet: 'private',
  requestLimits: 'public',
  researchThreshold: 'public',
  cohortRefusal: 'private',
};

/** An index entry's value: `0x00` in public state, the transaction's salt in a collection. */
export type IndexValue = Uint8Array;

/** What each key type holds (the "value" column of the table above). */
export interface StateValues {
  readonly organization: Organization;
  readonly notice: Notice;
  readonly record: RecordAnchor;
  readonly recordVersion: RecordAnchor;
  readonly recordByHash: IndexValue;
  readonly batch: Batch;
  readonly binding: PatientBinding;
  readonly bindingVersion: BindingVersion;
  readonly erasure: ErasureReceipt;
  readonly nonce: IndexValue;
  readonly consent: Consent;
  readonly consentVersion: ConsentVersion;
  readonly consentByPatient: IndexValue;
  readonly consentByGrantee: IndexValue;
  readonly consentByEnd: IndexValue;
  readonly consentByNotice: IndexValue;
  readonly consentSet: IdSet;
  readonly event: AccessEvent;
  readonly eventByPatient: IndexValue;
  readonly eventByOrg: IndexValue;
  readonly eventNewest: IndexValue;
  readonly eventByTime: StatisticsEntry;
  readonly eventByDecision: IndexValue;
  readonly eventBreakGlass: IndexValue;
  readonly eventPendingReview: IndexValue;
  readonly referral: Referral;
  readonly referralByPatient: IndexValue;
  readonly referralByEnd: IndexValue;
  readonly referralSet: IdSet;
  readonly recordLink: RecordLink;
  readonly recordByPatient: IndexValue;
  readonly recordByOwner: IndexValue;
  readonly dayStatistics: DayStatistics;
  readonly consentRequest: ConsentRequest;
  readonly requestByPatient: IndexValue;
  readonly requestByOrg: IndexValue;
  readonly requestSet: IdSet;
  readonly requestLimits: RequestLimitsSetting;
  readonly researchThreshold: ResearchThreshold;
  readonly cohortRefusal: CohortRefusal;
}

/** Key types whose values are documents (sorted-key JSON) rather than index bytes. */
export type DocumentKeyType = {
  [K in KeyTypeName]: StateValues[K] extends IndexValue ? never : K;
}[KeyTypeName];

/** Key types that are pure indexes. */
export type IndexKeyType = Exclude<KeyTypeName, DocumentKeyType>;

/** The value of every public index entry: one byte (an empty value would delete the key). */
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
