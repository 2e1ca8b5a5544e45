import type { Notice, NoticeInput, NoticeSummary, NoticeUse } from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { ledgerIdentity, type Principal } from '../auth/principal.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';

/** Where a notice version is: its organization, its ID, its version. */
export interface NoticeKey {
  readonly org: string;
  readonly noticeId: string;
  readonly version: number;
}

/**
 * Notices (`notice` contract): an organization's admin publishes the next version of a notice;
 * every member, patients included, reads them; the regulator counts the consents given under each
 * version. The texts live on the ledger (public state), so every gateway serves the same words.
 */
@Injectable()
export class NoticesService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
  ) {}

  /** Publishes the next version of one of the caller's organization's notices. */
  async publish(caller: Principal, input: NoticeInput): Promise<Notice> {
    const endorsers = await this.endorsers.plan('notice:PublishNotice', {});
    const { result } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('notice:PublishNotice', {
        noticeId: input.noticeId,
        version: input.version,
        texts: { 'zh-CN': input.texts['zh-CN'], en: input.texts.en },
      });
    return result;
  }

  /** Every version of an organization's notices, without texts. */
  list(caller: Principal, org: string): Promise<readonly NoticeSummary[]> {
    return this.ledger.as(ledgerIdentity(caller)).evaluate('notice:ListNotices', org);
  }

  /** One version of a notice, with its texts. */
  get(caller: Principal, key: NoticeKey): Promise<Notice> {
    return this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('notice:GetNotice', key.org, key.noticeId, key.version);
  }

  /** The consents given under each version of a notice (the regulator). */
  use(caller: Principal, key: Omit<NoticeKey, 'version'>): Promise<NoticeUse> {
    return this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('notice:CountConsentsByNotice', key.org, key.noticeId);
  }
}
