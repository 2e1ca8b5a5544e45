import {
  batchLeaf,
  collectionFor,
  collectionsOf,
  fromHex,
  ledgerError,
  merkleRoot,
  toHex,
  verifyInclusion,
  type Batch,
  type BatchMemberVerification,
  type ChaincodeContract,
  type HashMatches,
  type RecordAnchor,
  type RecordAnchorPage,
  type RecordHistory,
  type RecordItem,
  type RecordVerification,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { accessorOf, permitsSomePurpose } from '../access/access-evaluation';
import { channelMspIds } from '../ledger/channel';
import { emitEvent } from '../ledger/events';
import {
  canRead,
  isRegulator,
  readableCollections,
  scopedForHome,
  scopedOrganization,
} from '../ledger/guards';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { scanPage } from '../ledger/pagination';
import type { IndexEntry } from '../ledger/state';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { locateHome, requireHome } from '../patient/binding-store';
import type { RecordLink } from './record-link';
import {
  parseAnchorQuery,
  parseBatchId,
  parseBatchInput,
  parseBatchMemberClaim,
  parseOwner,
  parseRecordId,
  parseRecordItem,
  parseSha256,
  parseVersion,
} from './record-input';
import {
  anchorsByHash,
  heldRecordLink,
  readBatch,
  readRecordHead,
  readRecordLink,
  readRecordVersion,
  recordVersions,
  withLink,
  writeBatch,
  writeRecordAnchor,
  writeRecordLink,
  type RecordRef,
} from './record-store';

/**
 * Integrity anchors of health records: the SHA-256 of each version of a record (chained, owned by
 * the anchoring organization, whose peer must endorse later versions), public so that anyone
 * holding the document can verify it; which patient and category a record is about is private,
 * kept with the patient's home and the owner. Batches are anchored by their RFC 6962 Merkle root
 * over salted leaves; their items travel as transient data and stay with the anchoring
 * organization. No record content is ever on the ledger.
 */
@Info({ title: 'Records', description: 'Record and batch integrity anchors, verification' })
export class RecordsContract
  extends LedgerContract
  implements ChaincodeContract<'records', LedgerContext>
{
  constructor() {
    super('records');
  }

  /** Anchors a new version of a record (hospitals; enterprises for consented wearable data). */
  @Transaction()
  @Returns('RecordAnchor')
  async AnchorRecord(ctx: LedgerContext): Promise<RecordAnchor> {
    const [recordJson] = ctx.argsOf('records:AnchorRecord');
    const item = parseRecordItem(recordJson);
    const caller = ctx.member;
    const home = await requireHome(ctx, item.patientId);
    const collection = collectionFor(home, caller.mspId);
    // The caller's own record of this ID: record IDs are scoped by their owner (keys.ts), so
    // another organization's record of the same ID is another record, never in the way.
    const record = { owner: caller.mspId, recordId: item.recordId };
    const head = await readRecordHead(ctx.stub, record);
    if (head !== undefined) {
      const link = await readRecordLink(ctx, { collection, ...record });
      if (link?.patientId !== item.patientId || link.category !== item.category) {
        throw ledgerError(
          'RULE_VIOLATION',
          `record ${item.recordId} keeps its patient and category across versions`,
        );
      }
      if (head.sha256 === item.sha256) {
        throw ledgerError('CONFLICT', `record ${item.recordId} is already anchored with this hash`);
      }
    }
    await authorizeAnchoring(ctx, [item]);
    const anchor: RecordAnchor = {
      recordId: item.recordId,
      version: (head?.version ?? 0) + 1,
      sha256: item.sha256,
      ...(head === undefined ? {} : { previousSha256: head.sha256 }),
      owner: caller.mspId,
      anchoredBy: caller.idHash,
      timestamp: ctx.txTime,
      txId: ctx.txId,
    };
    await writeRecordAnchor(ctx.stub, anchor);
    const link: RecordLink = {
      recordId: item.recordId,
      patientId: item.patientId,
      patientHome: home,
      category: item.category,
      owner: caller.mspId,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    if (head === undefined) await writeRecordLink(ctx, { collection, link });
    emitEvent(ctx.stub, {
      name: 'RecordAnchored',
      payload: {
        recordId: anchor.recordId,
        version: anchor.version,
        owner: anchor.owner,
        sha256: anchor.sha256,
        timestamp: anchor.timestamp,
      },
    });
    return withLink(anchor, link);
  }

  /**
   * Anchors 1..100,000 salted record hashes by their RFC 6962 Merkle root, computed here; only the
   * batch record is stored (public), the items stay with the anchoring organization (members are
   * verified with an audit path).
   */
  @Transaction()
  @Returns('Batch')
  async AnchorBatch(ctx: LedgerContext): Promise<Batch> {
    const [batchJson] = ctx.argsOf('records:AnchorBatch');
    const input = parseBatchInput(batchJson);
    const caller = ctx.member;
    const batchId = input.batchId ?? ctx.nextId('bat');
    if ((await readBatch(ctx.stub, batchId)) !== undefined) {
      throw ledgerError('CONFLICT', `batch ${batchId} already exists`);
    }
    await authorizeAnchoring(ctx, input.items);
    const batch: Batch = {
      batchId,
      root: toHex(merkleRoot(input.items.map(batchLeaf))),
      size: input.items.length,
      owner: caller.mspId,
      anchoredBy: caller.idHash,
      timestamp: ctx.txTime,
      txId: ctx.txId,
    };
    await writeBatch(ctx.stub, batch);
    emitEvent(ctx.stub, {
      name: 'BatchAnchored',
      payload: {
        batchId,
        root: batch.root,
        size: batch.size,
        owner: batch.owner,
        timestamp: batch.timestamp,
      },
    });
    return batch;
  }

  /**
   * Checks a hash against a record's latest version, or the version named (`version` may be left
   * out or empty for the latest), of the record of `owner` (left out or empty: the caller's
   * organization).
   */
  @Transaction(false)
  @Returns('RecordVerification')
  async VerifyRecord(ctx: LedgerContext): Promise<RecordVerification> {
    const [recordId, sha256, version, owner] = ctx.argsOf('records:VerifyRecord');
    const record = recordRef(ctx, { recordId, owner });
    const hash = parseSha256(sha256);
    const wanted = parseVersion(version);
    const head = await requireHead(ctx, record);
    const anchor =
      wanted === undefined
        ? head
        : await readRecordVersion(ctx.stub, { ...record, version: wanted });
    if (anchor === undefined) {
      throw ledgerError(
        'RECORD_NOT_FOUND',
        `record ${record.recordId} of ${record.owner} has no version ${wanted ?? ''}`,
      );
    }
    const verified = anchor.sha256 === hash;
    return {
      verified,
      reason: verified ? 'MATCH' : 'HASH_MISMATCH',
      anchor: withLink(anchor, await heldRecordLink(ctx, anchor)),
    };
  }

  /**
   * Every anchored version, of any owner's record, whose hash is `sha256`: a document found by its
   * content alone. Public fields only (no patient or category, whoever asks), at most
   * MAX_HASH_MATCHES, each with its record's latest version (superseded or not). Batch items are
   * not here: only their root is on the ledger (the anchoring organization's gateway finds them).
   */
  @Transaction(false)
  @Returns('HashMatches')
  async FindAnchorsByHash(ctx: LedgerContext): Promise<HashMatches> {
    const [sha256] = ctx.argsOf('records:FindAnchorsByHash');
    return anchorsByHash(ctx.stub, parseSha256(sha256));
  }

  /** Checks that an item is in a batch, with its leaf index and audit path. */
  @Transaction(false)
  @Returns('BatchMemberVerification')
  async VerifyBatchMember(ctx: LedgerContext): Promise<BatchMemberVerification> {
    const [memberJson] = ctx.argsOf('records:VerifyBatchMember');
    const claim = parseBatchMemberClaim(memberJson);
    const batch = await readBatch(ctx.stub, claim.batchId);
    if (batch === undefined)
      throw ledgerError('BATCH_NOT_FOUND', `batch ${claim.batchId} does not exist`);
    if (claim.leafIndex >= batch.size) {
      return { verified: false, reason: 'LEAF_INDEX_OUT_OF_RANGE', batch };
    }
    const verified = verifyInclusion({
      leaf: batchLeaf(claim.item),
      leafIndex: claim.leafIndex,
      treeSize: batch.size,
      auditPath: claim.auditPath.map(fromHex),
      root: fromHex(batch.root),
    });
    return { verified, reason: verified ? 'MATCH' : 'PROOF_MISMATCH', batch };
  }

  /**
   * A record's latest version and all its versions (with patient and category for holders), of
   * the record of `owner` (left out or empty: the caller's organization).
   */
  @Transaction(false)
  @Returns('RecordHistory')
  async GetRecord(ctx: LedgerContext): Promise<RecordHistory> {
    const [recordId, owner] = ctx.argsOf('records:GetRecord');
    const record = recordRef(ctx, { recordId, owner });
    const head = await requireHead(ctx, record);
    const link = await heldRecordLink(ctx, head);
    const versions = await recordVersions(ctx.stub, record);
    return {
      head: withLink(head, link),
      versions: versions.map((version) => withLink(version, link)),
    };
  }

  /** A batch record. */
  @Transaction(false)
  @Returns('Batch')
  async GetBatch(ctx: LedgerContext): Promise<Batch> {
    const [batchId] = ctx.argsOf('records:GetBatch');
    const id = parseBatchId(batchId);
    const batch = await readBatch(ctx.stub, id);
    if (batch === undefined) throw ledgerError('BATCH_NOT_FOUND', `batch ${id} does not exist`);
    return batch;
  }

  /**
   * A page of records (latest versions, with patient and category) from the record links the
   * caller holds: the regulator all; admins those of their organization's patients (with
   * `patientId`) and their organization's; others their organization's. Filtered by patient and
   * owner organization.
   */
  @Transaction(false)
  @Returns('RecordAnchorPage')
  async QueryAnchors(ctx: LedgerContext): Promise<RecordAnchorPage> {
    const [queryJson] = ctx.argsOf('records:QueryAnchors');
    const query = parseAnchorQuery(queryJson);
    const caller = ctx.member;
    const { patientId } = query;
    const org =
      patientId === undefined
        ? scopedOrganization(caller, query.org)
        : scopedForHome(caller, query.org);
    const mspIds = await channelMspIds(ctx);
    let collections = readableCollections(caller, mspIds);
    if (patientId !== undefined) {
      const home = await locateHome(ctx, patientId);
      if (home !== undefined) {
        const homes = collectionsOf(home, mspIds);
        collections = collections.filter((collection) => homes.includes(collection));
      }
    }
    if (org !== undefined) {
      const owners = collectionsOf(org, mspIds);
      collections = collections.filter((collection) => owners.includes(collection));
    }
    const select = async (entry: IndexEntry): Promise<RecordAnchor | undefined> => {
      // Every record index ends with the record: its owner, then its ID.
      const [owner, recordId] = entry.attributes.slice(-2);
      if (owner === undefined || recordId === undefined || entry.collection === undefined) {
        return undefined;
      }
      const link = await readRecordLink(ctx, { collection: entry.collection, owner, recordId });
      if (link === undefined) return undefined;
      if (patientId !== undefined && link.patientId !== patientId) return undefined;
      if (org !== undefined && link.owner !== org) return undefined;
      if (!canRead(caller, { home: link.patientHome, orgs: [link.owner], what: '' })) {
        return undefined;
      }
      const head = await readRecordHead(ctx.stub, { owner, recordId });
      return head === undefined ? undefined : withLink(head, link);
    };
    const common = {
      collections,
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
      select,
    };
    if (patientId !== undefined) {
      return scanPage(ctx.stub, { ...common, type: 'recordByPatient', prefix: [patientId] });
    }
    if (org !== undefined) {
      return scanPage(ctx.stub, { ...common, type: 'recordByOwner', prefix: [org] });
    }
    if (!isRegulator(caller))
      throw ledgerError('FORBIDDEN', 'only the regulator lists every record');
    return scanPage(ctx.stub, { ...common, type: 'recordLink', prefix: [] });
  }
}

/** The record an argument pair names: its ID, and its owner (empty: the caller's organization). */
function recordRef(
  ctx: LedgerContext,
  args: { readonly recordId: string; readonly owner: string },
): RecordRef {
  return {
    recordId: parseRecordId(args.recordId),
    owner: args.owner === '' ? ctx.member.mspId : parseOwner(args.owner),
  };
}

async function requireHead(ctx: LedgerContext, record: RecordRef): Promise<RecordAnchor> {
  const head = await readRecordHead(ctx.stub, record);
  if (head === undefined)
    throw ledgerError(
      'RECORD_NOT_FOUND',
      `record ${record.recordId} of ${record.owner} does not exist`,
    );
  return head;
}

/**
 * Who may anchor what: hospitals anchor any record of a registered patient; an enterprise only
 * category `wearable`, and only for patients whose active permit to the enterprise covers
 * `wearable` (for any purpose), read in the collection of the patient's home and the enterprise
 * and decided by access-evaluation.ts like every access.
 */
async function authorizeAnchoring(ctx: LedgerContext, items: readonly RecordItem[]): Promise<void> {
  const caller = ctx.member;
  const patients = new Set<string>();
  for (const item of items) {
    if (caller.orgType === 'enterprise' && item.category !== 'wearable') {
      throw ledgerError(
        'FORBIDDEN',
        `enterprises anchor wearable data only (record ${item.recordId})`,
      );
    }
    patients.add(item.patientId);
  }
  if (caller.orgType !== 'enterprise') return;
  const accessor = accessorOf(caller);
  for (const patientId of [...patients].sort()) {
    const home = await locateHome(ctx, patientId);
    const permitted =
      home !== undefined &&
      (await permitsSomePurpose(ctx, {
        patientId,
        home,
        accessor,
        categories: ['wearable'],
        now: ctx.txTime,
      }));
    if (!permitted) {
      throw ledgerError(
        'FORBIDDEN',
        `patient ${patientId} has no active permit covering wearable data for ${caller.mspId}`,
      );
    }
  }
}
