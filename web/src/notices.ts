import type { NoticeRef, NoticeSummary } from '@consent-ledger/ledger-api';

/** The notice every organization publishes for consents (network/notices/consent-sharing.json). */
export const STANDARD_NOTICE_ID = 'consent-sharing';

/** The latest published version of a notice among an organization's, if any. */
export function latestVersion(
  summaries: readonly NoticeSummary[],
  noticeId: string = STANDARD_NOTICE_ID,
): NoticeSummary | undefined {
  let latest: NoticeSummary | undefined;
  for (const summary of summaries) {
    if (summary.noticeId === noticeId && (latest === undefined || summary.version > latest.version))
      latest = summary;
  }
  return latest;
}

/** What a consent names of a notice: exactly its reference, nothing more of what was read. */
export function noticeRefOf(notice: NoticeRef): NoticeRef {
  return {
    org: notice.org,
    noticeId: notice.noticeId,
    version: notice.version,
    sha256: notice.sha256,
  };
}

/** A receipt's file name: the consent and the version it is of. */
export function receiptFileName(consentId: string, version: number): string {
  return `consent-receipt-${consentId}-v${String(version)}.json`;
}

/** A decline receipt's file name: the consent request declined. */
export function declineReceiptFileName(requestId: string): string {
  return `decline-receipt-${requestId}.json`;
}
