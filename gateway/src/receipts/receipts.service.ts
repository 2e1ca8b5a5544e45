import type {
  ConsentReceipt,
  ConsentRequest,
  DeclineReceipt,
  Notice,
  SignedBy,
} from '@consent-ledger/ledger-api';
import type { EvidenceBundle } from '@consent-ledger/verifier';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ConflictError, DomainError, NotFoundError } from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { ConsentRequestsService } from '../consent-requests/consent-requests.service.js';
import { ConsentsService } from '../consents/consents.service.js';
import { EvidenceService } from '../evidence/evidence.service.js';
import { NoticesService } from '../notices/notices.service.js';

/** A declined consent request: its answer's time and signer are always there. */
export interface DeclinedRequest extends ConsentRequest {
  readonly status: 'declined';
  readonly answeredAt: string;
  readonly answeredBy: SignedBy;
}

/**
 * The request as a declined one; CONFLICT (409) when it is in any other status (open, expired,
 * approved, withdrawn: no decline to give a receipt of).
 */
export function declinedRequest(request: ConsentRequest): DeclinedRequest {
  if (request.status !== 'declined')
    throw new ConflictError(
      `request ${request.requestId} is ${request.status}: only a declined request has a decline receipt`,
    );
  const { answeredAt, answeredBy } = request;
  if (answeredAt === undefined || answeredBy === undefined)
    throw new DomainError(
      'INTERNAL',
      `declined request ${request.requestId} names no answer time or signer`,
    );
  return { ...request, status: 'declined', answeredAt, answeredBy };
}

/** What {@link declineReceipt} is made of. */
export interface DeclineReceiptParts<Evidence> {
  readonly request: DeclinedRequest;
  /** The issuing gateway's organization, channel and chaincode. */
  readonly profile: Pick<OrgProfile, 'mspId' | 'channel' | 'chaincode'>;
  /** The declining transaction's evidence. */
  readonly evidence: Evidence;
}

/**
 * The receipt of a decline, from the request as the ledger keeps it: the terms as asked, the
 * coded reasons, who signed and when (the decline's transaction time), and the decline's
 * transaction (the request's txId: a declined request is never written again).
 */
export function declineReceipt<Evidence>(
  parts: DeclineReceiptParts<Evidence>,
): DeclineReceipt<Evidence> {
  const { request, profile, evidence } = parts;
  return {
    receiptVersion: 1,
    receiptId: `${request.requestId}.declined`,
    action: 'declined',
    time: request.answeredAt,
    patientId: request.patientId,
    signedBy: request.answeredBy,
    issuer: profile.mspId,
    requesterOrg: request.requesterOrg,
    asked: request.terms,
    requestReason: request.reason,
    ...(request.declineReason === undefined ? {} : { declineReason: request.declineReason }),
    request,
    ledger: { channel: profile.channel, chaincode: profile.chaincode, txId: request.txId },
    evidence,
  };
}

/**
 * Receipts of consent actions, for the patient to keep: one per action on a consent (grant,
 * update, revocation) and one per declined consent request. Built from what the ledger holds,
 * never from what the gateway remembers: the version from GetConsentHistory (under the consent's
 * read rule, a patient their own) with its notice as published, or the request from GetRequest
 * (under the request's read rule, a patient their own), and the evidence bundle of the action's
 * transaction.
 */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly consents: ConsentsService,
    private readonly notices: NoticesService,
    private readonly evidence: EvidenceService,
    private readonly requests: ConsentRequestsService,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
  ) {}

  /** The receipt of a consent's version (the latest by default). */
  async consentReceipt(
    caller: Principal,
    consentId: string,
    version?: number,
  ): Promise<ConsentReceipt<EvidenceBundle>> {
    const history = await this.consents.history(caller, consentId);
    const entry =
      version === undefined ? history.at(-1) : history.find((each) => each.version === version);
    if (entry === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `consent ${consentId} has no version ${String(version ?? '')}`,
      );
    const { consent } = entry;
    const notice: Notice | undefined =
      consent.notice === undefined ? undefined : await this.notices.get(caller, consent.notice);
    const evidence = await this.evidence.consentVersionProof(caller, entry);
    return {
      receiptVersion: 1,
      receiptId: `${consentId}.v${String(entry.version)}`,
      action: entry.change,
      time: entry.time,
      patientId: consent.patientId,
      signedBy: consent.signedBy,
      issuer: this.profile.mspId,
      consent,
      ...(notice === undefined ? {} : { notice }),
      ledger: {
        channel: this.profile.channel,
        chaincode: this.profile.chaincode,
        txId: entry.txId,
      },
      evidence,
    };
  }

  /**
   * The receipt of a consent request's decline; CONFLICT when the request is not declined (checked
   * before any block is read).
   */
  async declineReceipt(
    caller: Principal,
    requestId: string,
  ): Promise<DeclineReceipt<EvidenceBundle>> {
    const request = declinedRequest(await this.requests.get(caller, requestId));
    const evidence = await this.evidence.consentRequestProof(caller, request);
    return declineReceipt({ request, profile: this.profile, evidence });
  }
}
