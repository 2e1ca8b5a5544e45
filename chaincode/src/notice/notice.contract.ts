import {
  collectionsOf,
  ledgerError,
  noticeDigest,
  type ChaincodeContract,
  type Notice,
  type NoticeRef,
  type NoticeSummary,
  type NoticeUse,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { channelMspIds } from '../ledger/channel';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { mergedEntries } from '../ledger/pagination';
import { parseNoticeInput, parseNoticeKey, parseNoticeOrg } from './notice-input';
import { listNotices, readNotice, requireNotice, writeNotice } from './notice-store';

/**
 * The check of the notice a consent names (GrantConsent, UpdateConsent): published, by the
 * patient's home or by the consent's grantee organization, with the texts the patient was shown
 * (the SHA-256 signed is the published one's). The one rule of which notices a consent may name.
 */
export async function checkConsentNotice(
  ctx: LedgerContext,
  consent: Readonly<{ notice: NoticeRef; patientHome: string; granteeOrg?: string }>,
): Promise<void> {
  const { notice } = consent;
  if (notice.org !== consent.patientHome && notice.org !== consent.granteeOrg) {
    throw ledgerError(
      'RULE_VIOLATION',
      `consent.notice: ${notice.org} is neither the patient's home nor the grantee organization`,
    );
  }
  const published = await requireNotice(ctx.stub, notice);
  if (published.sha256 !== notice.sha256) {
    throw ledgerError(
      'CONFLICT',
      `consent.notice: the SHA-256 named is not that of ${notice.org}/${notice.noticeId} version ${String(notice.version)}`,
    );
  }
}

/**
 * Notices: what an organization tells a patient before a consent (ledger-api notice.api.ts), each
 * version published once by the organization's admin and never changed, so that the SHA-256 a
 * consent names always leads to the words the patient read. Public state: a notice is about no
 * patient. The regulator counts the consents given under each version (from the `con~ntc` index of
 * the collections, which it holds all of).
 */
@Info({ title: 'Notice', description: 'Notices given to patients before a consent, by version' })
export class NoticeContract
  extends LedgerContract
  implements ChaincodeContract<'notice', LedgerContext>
{
  constructor() {
    super('notice');
  }

  /**
   * Publishes the next version of one of the caller's organization's notices: version 1 of a new
   * notice ID, else the latest plus one (CONFLICT otherwise). The ledger computes its SHA-256.
   */
  @Transaction()
  @Returns('Notice')
  async PublishNotice(ctx: LedgerContext): Promise<Notice> {
    const [noticeJson] = ctx.argsOf('notice:PublishNotice');
    const input = parseNoticeInput(noticeJson);
    const org = ctx.member.mspId;
    const key = { org, noticeId: input.noticeId, version: input.version };
    if ((await readNotice(ctx.stub, key)) !== undefined) {
      throw ledgerError(
        'CONFLICT',
        `notice ${org}/${input.noticeId} version ${String(input.version)} is already published; versions never change`,
      );
    }
    if (
      input.version > 1 &&
      (await readNotice(ctx.stub, { ...key, version: input.version - 1 })) === undefined
    ) {
      throw ledgerError(
        'CONFLICT',
        `notice ${org}/${input.noticeId} has no version ${String(input.version - 1)}: publish versions in order`,
      );
    }
    const notice: Notice = {
      org,
      noticeId: input.noticeId,
      version: input.version,
      sha256: noticeDigest(input.texts),
      texts: input.texts,
      publishedAt: ctx.txTime,
      txId: ctx.txId,
    };
    await writeNotice(ctx.stub, notice);
    return notice;
  }

  /** One version of a notice, with its texts. */
  @Transaction(false)
  @Returns('Notice')
  async GetNotice(ctx: LedgerContext): Promise<Notice> {
    const [org, noticeId, version] = ctx.argsOf('notice:GetNotice');
    const key = parseNoticeKey({ org, noticeId, version });
    return requireNotice(ctx.stub, { ...key, version: key.version ?? 1 });
  }

  /** Every version of every notice of an organization, by notice ID then version, without texts. */
  @Transaction(false)
  @Returns('NoticeSummary[]')
  async ListNotices(ctx: LedgerContext): Promise<NoticeSummary[]> {
    const [org] = ctx.argsOf('notice:ListNotices');
    return listNotices(ctx.stub, { org: parseNoticeOrg(org) });
  }

  /**
   * How many consents name each version of a notice (their current versions, whatever their
   * status; a deny to everyone once, though it is copied into several collections). The regulator
   * only: it alone holds every collection.
   */
  @Transaction(false)
  @Returns('NoticeUse')
  async CountConsentsByNotice(ctx: LedgerContext): Promise<NoticeUse> {
    const [orgArgument, noticeIdArgument] = ctx.argsOf('notice:CountConsentsByNotice');
    const { org, noticeId } = parseNoticeKey({ org: orgArgument, noticeId: noticeIdArgument });
    const counts = new Map<number, number>();
    for await (const entry of mergedEntries(ctx.stub, {
      collections: collectionsOf(ctx.member.mspId, await channelMspIds(ctx)),
      type: 'consentByNotice',
      prefix: [org, noticeId],
    })) {
      const version = Number(entry.attributes[2]);
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    return {
      org,
      noticeId,
      versions: [...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([version, consents]) => ({ version, consents })),
    };
  }
}
