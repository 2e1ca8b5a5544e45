import {
  collectionsOf,
  MAX_HASH_MATCHES,
  type Batch,
  type HashMatches,
  type RecordAnchor,
} from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { channelMspIds } from '../ledger/channel';
import { readableCollections } from '../ledger/guards';
import { stateKey, versionAttribute } from '../ledger/keys';
import type { LedgerContext, RequestContext } from '../ledger/ledger-context';
import { inCollection, publicState, stateIn } from '../ledger/state';
import { ownerEndorsementPolicy } from './endorsement';
import type { RecordLink } from './record-link';

/**
 * Record and batch state (keys.ts): the public anchors `rec`, `rec~ver`, their hash index
 * `rec~hash` and batches `bat`, and the
 * private record links `rec~lnk` with their indexes `rec~pat` and `rec~own`. A record is named by
 * its owner organization and its ID ({@link RecordRef}): record IDs are scoped by their owner.
 */

/** A record: the organization that owns it (anchored version 1) and its ID, unique per owner. */
export interface RecordRef {
  readonly owner: string;
  readonly recordId: string;
}

/** A record's latest anchor, if the record exists. */
export async function readRecordHead(
  stub: ChaincodeStub,
  record: Readonly<RecordRef>,
): Promise<RecordAnchor | undefined> {
  return publicState(stub).read(['record', record.owner, record.recordId]);
}

/** One version of a record, if it exists. */
export async function readRecordVersion(
  stub: ChaincodeStub,
  wanted: Readonly<RecordRef & { readonly version: number }>,
): Promise<RecordAnchor | undefined> {
  return publicState(stub).read([
    'recordVersion',
    wanted.owner,
    wanted.recordId,
    versionAttribute(wanted.version),
  ]);
}

/** Every version of a record, oldest first. */
export async function recordVersions(
  stub: ChaincodeStub,
  record: Readonly<RecordRef>,
): Promise<RecordAnchor[]> {
  const versions: RecordAnchor[] = [];
  const path = ['recordVersion', record.owner, record.recordId] as const;
  for await (const version of publicState(stub).documents(path)) {
    versions.push(version);
  }
  return versions;
}

/**
 * Every anchored version whose hash is `sha256` (public fields only), in key order (owner, record,
 * version), at most {@link MAX_HASH_MATCHES}, each with its record's latest version.
 */
export async function anchorsByHash(stub: ChaincodeStub, sha256: string): Promise<HashMatches> {
  const state = publicState(stub);
  const matches: HashMatches['matches'][number][] = [];
  let truncated = false;
  for await (const entry of state.entries({ path: ['recordByHash', sha256] })) {
    if (matches.length === MAX_HASH_MATCHES) {
      truncated = true;
      break;
    }
    const [, owner, recordId, version] = entry.attributes;
    if (owner === undefined || recordId === undefined || version === undefined) continue;
    const anchor = await state.read(['recordVersion', owner, recordId, version]);
    const head = await state.read(['record', owner, recordId]);
    if (anchor === undefined || head === undefined) continue;
    matches.push({ anchor, latestVersion: head.version });
  }
  return { sha256, matches, truncated };
}

/**
 * Writes an anchor as the record's new head and version, and indexes it by its hash (public).
 * Version 1 also puts the owner's key-level endorsement policy on the head.
 */
export async function writeRecordAnchor(stub: ChaincodeStub, anchor: RecordAnchor): Promise<void> {
  const version = versionAttribute(anchor.version);
  await publicState(stub).write({ key: ['record', anchor.owner, anchor.recordId], value: anchor });
  await publicState(stub).write({
    key: ['recordVersion', anchor.owner, anchor.recordId, version],
    value: anchor,
  });
  await publicState(stub).index([
    'recordByHash',
    anchor.sha256,
    anchor.owner,
    anchor.recordId,
    version,
  ]);
  if (anchor.version === 1) {
    await stub.setStateValidationParameter(
      stateKey(stub, ['record', anchor.owner, anchor.recordId]),
      ownerEndorsementPolicy(anchor.owner),
    );
  }
}

/** A record's link in a collection, if there. */
export async function readRecordLink(
  ctx: RequestContext,
  where: Readonly<RecordRef & { readonly collection: string }>,
): Promise<RecordLink | undefined> {
  return stateIn(ctx, inCollection(where.collection)).read([
    'recordLink',
    where.owner,
    where.recordId,
  ]);
}

/** Writes a record's link and its patient and owner indexes into a collection. */
export async function writeRecordLink(
  ctx: RequestContext,
  where: { readonly collection: string; readonly link: RecordLink },
): Promise<void> {
  const { link } = where;
  const state = stateIn(ctx, inCollection(where.collection));
  await state.write({ key: ['recordLink', link.owner, link.recordId], value: link });
  await state.index(['recordByPatient', link.patientId, link.owner, link.recordId]);
  await state.index(['recordByOwner', link.owner, link.recordId]);
}

/**
 * A record's link as the caller's organization holds it: looked for in the collections of the
 * caller (every one for the regulator) that the record's owner is a member of; undefined when the
 * caller holds none.
 */
export async function heldRecordLink(
  ctx: LedgerContext,
  anchor: Pick<RecordAnchor, 'recordId' | 'owner'>,
): Promise<RecordLink | undefined> {
  const mspIds = await channelMspIds(ctx);
  const owners = collectionsOf(anchor.owner, mspIds);
  for (const collection of readableCollections(ctx.member, mspIds)) {
    if (!owners.includes(collection)) continue;
    const link = await readRecordLink(ctx, {
      collection,
      owner: anchor.owner,
      recordId: anchor.recordId,
    });
    if (link !== undefined) return link;
  }
  return undefined;
}

/** An anchor with its patient and category, when a link is known. */
export function withLink(anchor: RecordAnchor, link: RecordLink | undefined): RecordAnchor {
  return link === undefined
    ? anchor
    : { ...anchor, patientId: link.patientId, category: link.category };
}

/** A batch, if it exists. */
export async function readBatch(stub: ChaincodeStub, batchId: string): Promise<Batch | undefined> {
  return publicState(stub).read(['batch', batchId]);
}

/** Writes a batch record (the only state a batch has). */
export async function writeBatch(stub: ChaincodeStub, batch: Batch): Promise<void> {
  await publicState(stub).write({ key: ['batch', batch.batchId], value: batch });
}
