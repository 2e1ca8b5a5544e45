import type { ConsentReceipt, Notice } from '@consent-ledger/ledger-api';
import type { EvidenceBundle } from '@consent-ledger/verifier';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { ConsentsService } from '../consents/consents.service.js';
import { EvidenceService } from '../evidence/evidence.service.js';
import { NoticesService } from '../notices/notices.service.js';

/**
 * Consent receipts: one per action on a consent (grant, update, revocation), for the patient to
 * keep. Built from what the ledger holds, never from what the gateway remembers: the version from
 * GetConsentHistory (under the consent's read rule, a patient their own), its notice as published,
 * and the version's evidence bundle.
 */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly consents: ConsentsService,
    private readonly notices: NoticesService,
    private readonly evidence: EvidenceService,
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
}
