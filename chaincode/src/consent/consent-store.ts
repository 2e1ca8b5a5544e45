import {
  ANY_GRANTEE,
  collectionFor,
  collectionsOf,
  type Consent,
  type ConsentChange,
  type ConsentVersion,
} from '@consent-ledger/ledger-api';
import { channelMspIds } from '../ledger/channel';
import { canRead } from '../ledger/guards';
import { applyIdSetChanges, readIdSet, type IdSetChange, type IdSetKey } from '../ledger/id-set';
import { versionAttribute } from '../ledger/keys';
import type { Caller, RequestContext } from '../ledger/ledger-context';
import { inCollection, stateIn } from '../ledger/state';
import { consentStatusAt } from './consent-evaluation';

/**
 * Consent state (keys.ts: `con`, `con~ver`, `con~pat`, `con~gra`, `con~end`, `con~ntc`, `con~set`), kept in
 * the collection of the patient's home and the grantee organization (ledger-api collectionFor); a
 * deny to everyone is copied into every collection of the home, so that every accessor's collection
 * holds it. The current version lives under `con`; a version is copied to its own `con~ver` key by
 * the transaction that replaces it, so a grant writes the document once and the history is the
 * snapshots plus the current version (kept in state, not read back with getHistoryForKey, which
 * private data does not have). Decisions find a patient's consents through the set document of the
 * patient and the accessor organization (`con~set`); the indexes serve the queries.
 */

/** The organizations party to a consent: its grantee organization (none for a deny to all). */
export function consentParties(consent: Pick<Consent, 'grantee'>): string[] {
  return consent.grantee?.org === undefined ? [] : [consent.grantee.org];
}

/**
 * Whether a caller may read a consent (guards.ts canRead: the regulator, the admins of the
 * patient's home, members of the grantee organization): the one rule of every consent read, and of
 * which consent IDs a CheckAccess answer names.
 */
export function canReadConsent(
  caller: Caller,
  consent: Pick<Consent, 'patientHome' | 'grantee'>,
): boolean {
  return canRead(caller, { home: consent.patientHome, orgs: consentParties(consent), what: '' });
}

/** The grantee attribute of a consent: its grantee organization, `*` for a deny to everyone. */
export function granteeAttribute(consent: Pick<Consent, 'grantee'>): string {
  return consent.grantee?.org ?? ANY_GRANTEE;
}

/** When a consent ends: its revocation, else its validUntil (undefined: open-ended and active). */
export function consentEnd(consent: Consent): string | undefined {
  return consent.revokedAt ?? consent.validUntil;
}

/**
 * The collections a consent lives in, the first holding the nonce of the action that writes it:
 * the home's and grantee's collection; `org_<home>` then every pair of the home for a deny to
 * everyone.
 */
export async function consentCollections(
  ctx: RequestContext,
  consent: Pick<Consent, 'patientHome' | 'grantee'>,
): Promise<string[]> {
  const grantee = granteeAttribute(consent);
  if (grantee !== ANY_GRANTEE) return [collectionFor(consent.patientHome, grantee)];
  return collectionsOf(consent.patientHome, await channelMspIds(ctx));
}

/** A consent found in one of some collections (searched in order), and where. */
export interface FoundConsent {
  readonly consent: Consent;
  readonly collection: string;
}

/** The first copy of a consent in the collections given, in their order. */
export async function findConsent(
  ctx: RequestContext,
  where: { readonly consentId: string; readonly collections: readonly string[] },
): Promise<FoundConsent | undefined> {
  for (const collection of where.collections) {
    const consent = await stateIn(ctx, inCollection(collection)).read(['consent', where.consentId]);
    if (consent !== undefined) return { consent, collection };
  }
  return undefined;
}

/** A consent of a collection by ID. */
export function readConsent(
  ctx: RequestContext,
  where: { readonly consentId: string; readonly collection: string },
): Promise<Consent | undefined> {
  return stateIn(ctx, inCollection(where.collection)).read(['consent', where.consentId]);
}

/**
 * The consents of a patient that can match an accessor organization, from the one collection a
 * decision reads: those its set document names (keys.ts `con~set`: the consents not revoked
 * granted to the organization, and the denies to everyone), each read by its key. Consents to
 * other organizations are never read, and nothing is range-queried (a decision writes its access
 * event in the same transaction).
 */
export async function consentsFor(
  ctx: RequestContext,
  where: { readonly collection: string; readonly patientId: string; readonly org: string },
): Promise<Consent[]> {
  const consents: Consent[] = [];
  for (const consentId of await readIdSet(ctx, { type: 'consentSet', ...where })) {
    const consent = await readConsent(ctx, { consentId, collection: where.collection });
    if (consent !== undefined) consents.push(consent);
  }
  return consents;
}

/**
 * The set documents that name a consent, by collection: the grantee organization's, in the
 * collection of the patient's home and the grantee; for a deny to everyone, one per organization
 * of the channel, each in the collection of the home and that organization (`org_<home>` holds the
 * home's and the regulator's).
 */
export async function consentSetKeys(
  ctx: RequestContext,
  consent: Pick<Consent, 'patientId' | 'patientHome' | 'grantee'>,
): Promise<IdSetKey[]> {
  const grantee = granteeAttribute(consent);
  const orgs = grantee === ANY_GRANTEE ? await channelMspIds(ctx) : [grantee];
  return orgs.map((org) => ({
    type: 'consentSet',
    collection: collectionFor(consent.patientHome, org),
    patientId: consent.patientId,
    org,
  }));
}

/** Options of {@link changeConsentSets}. */
export interface ConsentSetChange {
  readonly consent: Consent;
  /** Added to its sets (a grant) or taken out (a revocation, an erasure, a purge). */
  readonly change: 'add' | 'remove';
  /** Only the sets of these collections (a purge of one collection); all of them by default. */
  readonly collections?: readonly string[];
  /** An erasure: a set the consent leaves empty is purged. */
  readonly erase?: boolean;
}

/** The changes of the set documents naming a consent, for {@link applyIdSetChanges}. */
export async function consentSetChanges(
  ctx: RequestContext,
  change: Readonly<ConsentSetChange>,
): Promise<IdSetChange[]> {
  const { consent, collections } = change;
  const ids = [consent.consentId];
  return (await consentSetKeys(ctx, consent))
    .filter((key) => collections === undefined || collections.includes(key.collection))
    .map((key) => ({
      ...key,
      ...(change.change === 'add' ? { add: ids } : { remove: ids }),
      ...(change.erase === true ? { erase: true } : {}),
    }));
}

/** Adds a consent to, or takes it out of, the set documents that name it. */
export async function changeConsentSets(
  ctx: RequestContext,
  change: Readonly<ConsentSetChange>,
): Promise<void> {
  await applyIdSetChanges(ctx, await consentSetChanges(ctx, change));
}

/** What made a version: the first is the grant, a revoked one the revocation. */
function changeOf(consent: Consent): ConsentChange {
  if (consent.version === 1) return 'granted';
  return consent.status === 'revoked' ? 'revoked' : 'updated';
}

/** A version of a consent as its history reports it. */
function versionOf(consent: Consent): ConsentVersion {
  return {
    consentId: consent.consentId,
    version: consent.version,
    change: changeOf(consent),
    txId: consent.txId,
    time: consent.updatedAt,
    consent,
  };
}

/** Every version of a consent in a collection, oldest first: the snapshots, then the current. */
export async function consentVersions(
  ctx: RequestContext,
  where: { readonly collection: string; readonly current: Consent },
): Promise<ConsentVersion[]> {
  const versions: ConsentVersion[] = [];
  for await (const version of stateIn(ctx, inCollection(where.collection)).documents([
    'consentVersion',
    where.current.consentId,
  ])) {
    if (version.version < where.current.version) versions.push(version);
  }
  versions.push(versionOf(where.current));
  return versions;
}

/** Options of {@link writeConsent}. */
export interface ConsentWrite {
  readonly consent: Consent;
  readonly change: ConsentChange;
  /** The version replaced (absent for a new consent). */
  readonly previous?: Consent;
  /** The collections the consent lives in ({@link consentCollections}). */
  readonly collections: readonly string[];
}

/** Writes a consent version in each collection: current state, snapshot, changed indexes. */
export async function writeConsent(
  ctx: RequestContext,
  write: Readonly<ConsentWrite>,
): Promise<void> {
  const { consent, previous } = write;
  const grantee = granteeAttribute(consent);
  const end = consentEnd(consent);
  const previousEnd = previous === undefined ? undefined : consentEnd(previous);
  const notice = noticeAttributes(consent);
  const previousNotice = previous === undefined ? undefined : noticeAttributes(previous);
  for (const collection of write.collections) {
    const state = stateIn(ctx, inCollection(collection));
    await state.write({ key: ['consent', consent.consentId], value: consent });
    if (previous === undefined) {
      await state.index(['consentByPatient', consent.patientId, grantee, consent.consentId]);
      await state.index(['consentByGrantee', grantee, consent.patientId, consent.consentId]);
    } else {
      await state.write({
        key: ['consentVersion', previous.consentId, versionAttribute(previous.version)],
        value: versionOf(previous),
      });
    }
    if (previousEnd !== end) {
      if (previousEnd !== undefined) {
        await state.delete(['consentByEnd', previousEnd, consent.consentId]);
      }
      if (end !== undefined) await state.index(['consentByEnd', end, consent.consentId]);
    }
    if (previousNotice?.join('\u0000') !== notice?.join('\u0000')) {
      if (previousNotice !== undefined) {
        await state.delete(['consentByNotice', ...previousNotice, consent.consentId]);
      }
      if (notice !== undefined) {
        await state.index(['consentByNotice', ...notice, consent.consentId]);
      }
    }
  }
}

/** The `con~ntc` attributes of a consent version's notice (org, noticeId, version), if it names one. */
function noticeAttributes(consent: Consent): [string, string, string] | undefined {
  const { notice } = consent;
  return notice === undefined
    ? undefined
    : [notice.org, notice.noticeId, versionAttribute(notice.version)];
}

/**
 * Purges a consent from a collection: the document, every version and every index entry, so that
 * no member's peer keeps its details (their hashes stay in the blocks). Every key is known from the
 * consent itself (its versions are 1 to the current one's), so nothing is range-queried. Its set
 * documents are the caller's to change ({@link changeConsentSets}).
 */
export async function purgeConsent(
  ctx: RequestContext,
  where: { readonly collection: string; readonly consent: Consent },
): Promise<void> {
  const { consent } = where;
  const state = stateIn(ctx, inCollection(where.collection));
  for (let version = 1; version < consent.version; version += 1) {
    await state.purge(['consentVersion', consent.consentId, versionAttribute(version)]);
  }
  const grantee = granteeAttribute(consent);
  await state.purge(['consent', consent.consentId]);
  await state.purge(['consentByPatient', consent.patientId, grantee, consent.consentId]);
  await state.purge(['consentByGrantee', grantee, consent.patientId, consent.consentId]);
  const end = consentEnd(consent);
  if (end !== undefined) await state.purge(['consentByEnd', end, consent.consentId]);
  const notice = noticeAttributes(consent);
  if (notice !== undefined) await state.purge(['consentByNotice', ...notice, consent.consentId]);
}

/** A consent as reads report it (status `expired` once validUntil has passed). */
export function presentConsent(consent: Consent, now: string): Consent {
  const status = consentStatusAt(consent, now);
  return status === consent.status ? consent : { ...consent, status };
}
