import { Inject, Injectable } from '@nestjs/common';
import { common } from '@hyperledger/fabric-protos';
import {
  GOVERNMENT_MSP,
  collectionEndorsement,
  type ConsentRequest,
  type ConsentVersion,
} from '@consent-ledger/ledger-api';
import {
  PRIVATE_SUBJECTS,
  buildBundle,
  privateWriteInBlock,
  type EvidenceBundle,
  type Evaluate,
  type PrivateWrite,
  type Subject,
} from '@consent-ledger/verifier';
import { assertOwnPatient, ledgerIdentity, type Principal } from '../auth/principal.js';
import { InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { ConsentsService } from '../consents/consents.service.js';
import { organizationsOf } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, blockWithPrivateData, type LedgerClient } from '../ledger/ledger.client.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { AuditService } from '../audit/audit.service.js';
import { BATCH_STORE, type BatchStore } from '../records/batch.store.js';
import { RecordsService, auditPathHex, batchTree } from '../records/records.service.js';

/** Options of {@link EvidenceService.recordProof}. */
export interface RecordProofOptions {
  /** A version of the record instead of the latest. */
  readonly version?: number;
  /** The batch (anchored by this gateway) the record is a member of. */
  readonly batchId?: string;
  /** The record's owner organization (record IDs are scoped by it); the caller's by default. */
  readonly owner?: string;
}

/** Options of {@link EvidenceService.consentProof}. */
export interface ConsentProofOptions {
  /** A version of the consent instead of the latest. */
  readonly version?: number;
}

/**
 * Evidence bundles, version 2 (docs/evidence-bundle.md), of records, batch members, access events,
 * consent versions and consent requests. The subject is read first through its own service, so
 * the chaincode (and, for a patient's session, the gateway) decides whether the caller may see it;
 * the bundle is then gathered from qscc and cscc as the same caller (the service identity for a
 * patient's session).
 * An access event, a consent or a consent request is private data: its bundle carries the
 * subject's private write (collection, key, value), taken from the block's private data this
 * organization's peer delivers to the service identity, and no other private value.
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
    private readonly consents: ConsentsService,
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
      if (options.owner !== undefined && options.owner !== caller.mspId)
        throw new InvalidArgumentError(
          "a batch member's proof is served by the gateway of the organization that anchored it",
        );
      return this.#batchMemberProof(caller, recordId, options.batchId);
    }
    const history = await this.records.get(caller, {
      recordId,
      ...(options.owner === undefined ? {} : { owner: options.owner }),
    });
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
      owner: anchor.owner,
      sha256: anchor.sha256,
      version: anchor.version,
    });
  }

  /** The bundle of an access event (its private value proven against the block's hashes). */
  async accessEventProof(caller: Principal, eventId: string): Promise<EvidenceBundle> {
    const event = await this.audit.get(caller, eventId);
    return this.#bundle(caller, event.txId, { kind: 'access-event', eventId: event.eventId });
  }

  /** The bundle of a consent's version (the latest by default), as the transaction wrote it. */
  async consentProof(
    caller: Principal,
    consentId: string,
    options: ConsentProofOptions = {},
  ): Promise<EvidenceBundle> {
    const history = await this.consents.history(caller, consentId);
    const entry =
      options.version === undefined
        ? history.at(-1)
        : history.find((candidate) => candidate.version === options.version);
    if (entry === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `consent ${consentId} has no version ${String(options.version ?? '')}`,
      );
    return this.consentVersionProof(caller, entry);
  }

  /** The bundle of a consent version the caller has already read (from GetConsentHistory). */
  consentVersionProof(caller: Principal, entry: ConsentVersion): Promise<EvidenceBundle> {
    return this.#bundle(caller, entry.txId, {
      kind: 'consent',
      consentId: entry.consentId,
      version: entry.version,
    });
  }

  /**
   * The bundle of the transaction that last wrote a consent request the caller has already read
   * (from GetRequest, under the request's read rule): its stored value with the status that
   * transaction left (an expired request is stored `open`). A declined request's is its decline's.
   */
  consentRequestProof(caller: Principal, request: ConsentRequest): Promise<EvidenceBundle> {
    return this.#bundle(caller, request.txId, {
      kind: 'consent-request',
      requestId: request.requestId,
      status: request.status === 'expired' ? 'open' : request.status,
    });
  }

  async #batchMemberProof(
    caller: Principal,
    recordId: string,
    batchId: string,
  ): Promise<EvidenceBundle> {
    const items = this.batches.items(batchId);
    const leafIndex = items.findIndex((item) => item.recordId === recordId);
    const item = items[leafIndex];
    if (item !== undefined) assertOwnPatient(caller, item.patientId);
    if (item === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `record ${recordId} is not in a batch ${batchId} this gateway anchored`,
      );
    const path = auditPathHex(batchTree(items), leafIndex);
    // VerifyBatchMember applies the chaincode's rule (patients: their own items) and answers the
    // ledger's batch, whose root and transaction ID the bundle is about.
    const result = await this.ledger
      .as(ledgerIdentity(caller))
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
        salt: item.salt,
      },
      leafIndex,
      treeSize: result.batch.size,
      root: result.batch.root,
      auditPath: path,
    });
  }

  async #bundle(caller: Principal, txId: string, subject: Subject): Promise<EvidenceBundle> {
    const evaluate = this.#evaluator(ledgerIdentity(caller));
    const privateWrite = PRIVATE_SUBJECTS.includes(subject.kind)
      ? await this.#privateWrite(evaluate, txId, subject)
      : undefined;
    return buildBundle({
      evaluate,
      channel: this.profile.channel,
      chaincode: this.profile.chaincode,
      txId,
      subject,
      ...(privateWrite === undefined ? {} : { privateWrite }),
      endorsementPolicy:
        privateWrite === undefined
          ? { outOf: this.config.LEDGER_ENDORSEMENT_OUT_OF }
          : policyOf(privateWrite.collection),
    });
  }

  /**
   * The subject's private write: from the transaction's block with the private data this
   * organization's peer holds, delivered to the service identity (the caller was authorized by
   * reading the subject). NOT_FOUND when the peer holds none (erased, or not this organization's).
   */
  async #privateWrite(evaluate: Evaluate, txId: string, subject: Subject): Promise<PrivateWrite> {
    const block = common.Block.deserializeBinary(
      await evaluate('qscc', 'GetBlockByTxID', [this.profile.channel, txId]),
    );
    const number = block.getHeader()?.getNumber();
    if (number === undefined) throw new NotFoundError('NOT_FOUND', `no block holds ${txId}`);
    const event = await blockWithPrivateData(this.ledger, {
      identity: SERVICE_IDENTITY,
      blockNumber: BigInt(number),
    });
    const write = privateWriteInBlock({ event, txId, chaincode: this.profile.chaincode, subject });
    if (write === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `this organization's peer holds no private value of transaction ${txId} for the subject (erased, or kept by other organizations)`,
      );
    return write;
  }

  /** qscc and cscc as one identity, each answer read once per bundle. */
  #evaluator(identity: string): Evaluate {
    const answers = new Map<string, Promise<Uint8Array>>();
    return (chaincode, transaction, args) => {
      if (chaincode !== 'qscc' && chaincode !== 'cscc')
        throw new Error(`evidence reads only qscc and cscc, not ${chaincode}`);
      const key = JSON.stringify([chaincode, transaction, args]);
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = this.ledger.evaluateSystem({
          identity,
          chaincode,
          transaction,
          args,
          timeoutMs: this.config.LEDGER_EVALUATE_TIMEOUT_MS,
        });
        answers.set(key, answer);
      }
      return answer;
    };
  }
}

/** The endorsement policy of a collection (its members; ledger-api collectionEndorsement). */
function policyOf(collection: string): { outOf: number; orgs: readonly string[] } {
  const { outOf, peers } = collectionEndorsement(collection, [
    ...new Set([...organizationsOf(collection), GOVERNMENT_MSP]),
  ]);
  return { outOf, orgs: peers };
}
