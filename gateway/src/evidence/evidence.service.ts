import { Inject, Injectable } from '@nestjs/common';
import { buildBundle, type EvidenceBundle, type Subject } from '@consent-ledger/verifier';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { AuditService } from '../audit/audit.service.js';
import { BATCH_STORE, type BatchStore } from '../records/batch.store.js';
import { RecordsService, auditPathHex, batchTree } from '../records/records.service.js';

/** Options of {@link EvidenceService.recordProof}. */
export interface RecordProofOptions {
  /** A version of the record instead of the latest. */
  readonly version?: number;
  /** The batch (anchored by this gateway) the record is a member of. */
  readonly batchId?: string;
}

/**
 * Evidence bundles (docs/evidence-bundle.md) of records, batch members and access events. The
 * anchor or event is read first through its own service, so the chaincode decides whether the
 * caller may see it; the bundle is then gathered from qscc and cscc as the same caller.
 */
@Injectable()
export class EvidenceService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(BATCH_STORE) private readonly batches: BatchStore,
    private readonly records: RecordsService,
    private readonly audit: AuditService,
  ) {}

  /** The bundle of a record's anchor (the latest or a version), or of its batch membership. */
  async recordProof(
    caller: Principal,
    recordId: string,
    options: RecordProofOptions = {},
  ): Promise<EvidenceBundle> {
    if (options.batchId !== undefined) {
      if (options.version !== undefined)
        throw new InvalidArgumentError('give either version or batchId');
      return this.#batchMemberProof(caller, recordId, options.batchId);
    }
    const history = await this.records.get(caller, recordId);
    const anchor =
      options.version === undefined
        ? history.head
        : history.versions.find((candidate) => candidate.version === options.version);
    if (anchor === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `record ${recordId} has no version ${String(options.version)}`,
      );
    return this.#bundle(caller, anchor.txId, {
      kind: 'record',
      recordId: anchor.recordId,
      sha256: anchor.sha256,
      version: anchor.version,
    });
  }

  /** The bundle of an access event. */
  async accessEventProof(caller: Principal, eventId: string): Promise<EvidenceBundle> {
    const event = await this.audit.get(caller, eventId);
    return this.#bundle(caller, event.txId, { kind: 'access-event', eventId: event.eventId });
  }

  async #batchMemberProof(
    caller: Principal,
    recordId: string,
    batchId: string,
  ): Promise<EvidenceBundle> {
    const items = this.batches.items(batchId);
    const leafIndex = items.findIndex((item) => item.recordId === recordId);
    const item = items[leafIndex];
    if (item === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `record ${recordId} is not in a batch ${batchId} this gateway anchored`,
      );
    const path = auditPathHex(batchTree(items), leafIndex);
    // VerifyBatchMember applies the chaincode's rule (patients: their own items) and answers the
    // ledger's batch, whose root and transaction ID the bundle is about.
    const result = await this.ledger
      .as(caller.walletLabel)
      .evaluate('records:VerifyBatchMember', { batchId, item, leafIndex, auditPath: path });
    if (!result.verified || result.batch === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `record ${recordId} is not a member of batch ${batchId} on the ledger (${result.reason})`,
      );
    return this.#bundle(caller, result.batch.txId, {
      kind: 'batch-member',
      batchId,
      item: {
        recordId: item.recordId,
        patientId: item.patientId,
        category: item.category,
        sha256: item.sha256,
      },
      leafIndex,
      treeSize: result.batch.size,
      root: result.batch.root,
      auditPath: path,
    });
  }

  #bundle(caller: Principal, txId: string, subject: Subject): Promise<EvidenceBundle> {
    return buildBundle({
      evaluate: (chaincode, transaction, args) => {
        if (chaincode !== 'qscc' && chaincode !== 'cscc')
          throw new Error(`evidence reads only qscc and cscc, not ${chaincode}`);
        return this.ledger.evaluateSystem({
          identity: caller.walletLabel,
          chaincode,
          transaction,
          args,
          timeoutMs: this.config.LEDGER_EVALUATE_TIMEOUT_MS,
        });
      },
      channel: this.profile.channel,
      chaincode: this.profile.chaincode,
      txId,
      subject,
      endorsementPolicy: { outOf: this.config.LEDGER_ENDORSEMENT_OUT_OF },
    });
  }
}
