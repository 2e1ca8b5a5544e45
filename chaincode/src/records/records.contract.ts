import {
  batchLeaf,
  fromHex,
  ledgerError,
  merkleRoot,
  toHex,
  verifyInclusion,
  type Batch,
  type BatchMemberVerification,
  type ChaincodeContract,
  type RecordAnchor,
  type RecordAnchorPage,
  type RecordHistory,
  type RecordItem,
  type RecordVerification,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { accessorOf, permitsSomePurpose } from '../access/access-evaluation';
import { emitEvent } from '../ledger/events';
import { requireOwnPatient, scopedOrganization, scopedPatient } from '../ledger/guards';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { OptionalArguments } from '../ledger/optional-arguments';
import { decodeDocument } from '../ledger/state';
import { scanPage } from '../ledger/pagination';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import {
  parseAnchorQuery,
  parseBatchId,
  parseBatchInput,
  parseBatchMemberClaim,
  parseRecordId,
  parseRecordItem,
  parseSha256,
  parseVersion,
} from './record-input';
import {
  readBatch,
  readRecordHead,
  readRecordVersion,
  recordVersions,
  writeBatch,
  writeRecordAnchor,
} from './record-store';

/**
 * Integrity anchors of health records: the SHA-256 of each version of a record (chained, owned by
 * the anchoring organization, whose peer must endorse later versions), and batches anchored by
 * their RFC 6962 Merkle root. No record content is ever on the ledger.
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
  async AnchorRecord(ctx: LedgerContext, recordJson: string): Promise<RecordAnchor> {
    const item = parseRecordItem(recordJson);
    const caller = ctx.member;
    const head = await readRecordHead(ctx.stub, item.recordId);
    if (head !== undefined) {
      if (head.owner !== caller.mspId) {
        throw ledgerError('FORBIDDEN', `record ${item.recordId} is owned by another organization`);
      }
      if (head.patientId !== item.patientId || head.category !== item.category) {
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
      patientId: item.patientId,
      category: item.category,
      sha256: item.sha256,
      ...(head === undefined ? {} : { previousSha256: head.sha256 }),
      owner: caller.mspId,
      anchoredBy: caller.idHash,
      timestamp: ctx.txTime,
      txId: ctx.txId,
    };
    await writeRecordAnchor(ctx.stub, anchor);
    emitEvent(ctx.stub, {
      name: 'RecordAnchored',
      payload: {
        recordId: anchor.recordId,
        version: anchor.version,
        owner: anchor.owner,
        category: anchor.category,
        sha256: anchor.sha256,
        timestamp: anchor.timestamp,
      },
    });
    return anchor;
  }

  /**
   * Anchors 1..100,000 record hashes by their RFC 6962 Merkle root, computed here; only the batch
   * record is stored (members are verified with an audit path).
   */
  @Transaction()
  @Returns('Batch')
  async AnchorBatch(ctx: LedgerContext, batchJson: string): Promise<Batch> {
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
      categories: [...new Set(input.items.map((item) => item.category))].sort(),
      patientCount: new Set(input.items.map((item) => item.patientId)).size,
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
   * out or empty for the latest). Patients may only verify their own records.
   */
  @OptionalArguments({ required: 2 })
  @Transaction(false)
  @Returns('RecordVerification')
  async VerifyRecord(
    ctx: LedgerContext,
    recordId: string,
    sha256: string,
    version?: string,
  ): Promise<RecordVerification> {
    const id = parseRecordId(recordId);
    const hash = parseSha256(sha256);
    const wanted = parseVersion(version ?? '');
    const head = await this.#head(ctx, id);
    const anchor =
      wanted === undefined
        ? head
        : await readRecordVersion(ctx.stub, { recordId: id, version: wanted });
    if (anchor === undefined) {
      throw ledgerError('RECORD_NOT_FOUND', `record ${id} has no version ${wanted ?? ''}`);
    }
    const verified = anchor.sha256 === hash;
    return { verified, reason: verified ? 'MATCH' : 'HASH_MISMATCH', anchor };
  }

  /** Checks that an item is in a batch, with its leaf index and audit path. */
  @Transaction(false)
  @Returns('BatchMemberVerification')
  async VerifyBatchMember(
    ctx: LedgerContext,
    memberJson: string,
  ): Promise<BatchMemberVerification> {
    const claim = parseBatchMemberClaim(memberJson);
    requireOwnPatient(ctx.member, { patientId: claim.item.patientId, what: 'the batch item' });
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

  /** A record's latest version and all its versions (patients: their own records). */
  @Transaction(false)
  @Returns('RecordHistory')
  async GetRecord(ctx: LedgerContext, recordId: string): Promise<RecordHistory> {
    const head = await this.#head(ctx, parseRecordId(recordId));
    return { head, versions: await recordVersions(ctx.stub, head.recordId) };
  }

  /** A batch record. */
  @Transaction(false)
  @Returns('Batch')
  async GetBatch(ctx: LedgerContext, batchId: string): Promise<Batch> {
    const id = parseBatchId(batchId);
    const batch = await readBatch(ctx.stub, id);
    if (batch === undefined) throw ledgerError('BATCH_NOT_FOUND', `batch ${id} does not exist`);
    return batch;
  }

  /**
   * A page of records (latest versions): the regulator all, patients their own, others their own
   * organization's; filtered by patient and owner organization.
   */
  @Transaction(false)
  @Returns('RecordAnchorPage')
  async QueryAnchors(ctx: LedgerContext, queryJson: string): Promise<RecordAnchorPage> {
    const query = parseAnchorQuery(queryJson);
    const caller = ctx.member;
    const patientId = scopedPatient(caller, query.patientId);
    const org = scopedOrganization(caller, query.org);
    const keep = (anchor: RecordAnchor | undefined): RecordAnchor | undefined =>
      anchor === undefined ||
      (patientId !== undefined && anchor.patientId !== patientId) ||
      (org !== undefined && anchor.owner !== org)
        ? undefined
        : anchor;
    const common = {
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
      readOnly: true,
      select: async (entry: { readonly attributes: readonly string[] }) => {
        const recordId = entry.attributes.at(-1);
        return keep(recordId === undefined ? undefined : await readRecordHead(ctx.stub, recordId));
      },
    };
    if (patientId !== undefined) {
      return scanPage(ctx.stub, { ...common, type: 'recordByPatient', prefix: [patientId] });
    }
    if (org !== undefined)
      return scanPage(ctx.stub, { ...common, type: 'recordByOrg', prefix: [org] });
    return scanPage(ctx.stub, {
      ...common,
      type: 'record',
      prefix: [],
      select: (entry) => Promise.resolve(keep(decodeDocument('record', entry.value))),
    });
  }

  async #head(ctx: LedgerContext, recordId: string): Promise<RecordAnchor> {
    const head = await readRecordHead(ctx.stub, recordId);
    if (head === undefined)
      throw ledgerError('RECORD_NOT_FOUND', `record ${recordId} does not exist`);
    requireOwnPatient(ctx.member, { patientId: head.patientId, what: `record ${recordId}` });
    return head;
  }
}

/**
 * Who may anchor what: hospitals anchor any record; an enterprise only category `wearable`, and
 * only for patients whose active permit to the enterprise covers `wearable` (for any purpose),
 * decided by access-evaluation.ts like every access.
 */
async function authorizeAnchoring(ctx: LedgerContext, items: readonly RecordItem[]): Promise<void> {
  const caller = ctx.member;
  if (caller.orgType !== 'enterprise') return;
  const patients = new Set<string>();
  for (const item of items) {
    if (item.category !== 'wearable') {
      throw ledgerError(
        'FORBIDDEN',
        `enterprises anchor wearable data only (record ${item.recordId})`,
      );
    }
    patients.add(item.patientId);
  }
  const accessor = accessorOf(caller);
  for (const patientId of [...patients].sort()) {
    const permitted = await permitsSomePurpose(ctx.stub, {
      patientId,
      accessor,
      categories: ['wearable'],
      now: ctx.txTime,
    });
    if (!permitted) {
      throw ledgerError(
        'FORBIDDEN',
        `patient ${patientId} has no active permit covering wearable data for ${caller.mspId}`,
      );
    }
  }
}
