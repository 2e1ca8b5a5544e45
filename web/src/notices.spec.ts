import type { NoticeSummary } from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import { declineReceiptFileName, latestVersion, noticeRefOf, receiptFileName } from './notices.ts';

const summary = (noticeId: string, version: number): NoticeSummary => ({
  org: 'CommunityHospitalMSP',
  noticeId,
  version,
  sha256: String(version).repeat(64).slice(0, 64),
  publishedAt: '2026-12-06T00:00:00.000Z',
  txId: 'a'.repeat(64),
});

describe('notices in the web app', () => {
  it('picks the latest version of the standard notice, whatever the order', () => {
    const listed = [
      summary('consent-sharing', 2),
      summary('other', 9),
      summary('consent-sharing', 3),
    ];
    expect(latestVersion(listed)?.version).toBe(3);
    expect(latestVersion(listed, 'other')?.version).toBe(9);
    expect(latestVersion([summary('other', 1)])).toBeUndefined();
    expect(latestVersion([])).toBeUndefined();
  });

  it('names a notice in a consent by its reference only', () => {
    expect(noticeRefOf(summary('consent-sharing', 2))).toEqual({
      org: 'CommunityHospitalMSP',
      noticeId: 'consent-sharing',
      version: 2,
      sha256: '2'.repeat(64),
    });
  });

  it('names a receipt file by consent and version', () => {
    expect(receiptFileName('con-0123456789abcdef01234567', 2)).toBe(
      'consent-receipt-con-0123456789abcdef01234567-v2.json',
    );
  });

  it('names a decline receipt file by the request declined', () => {
    expect(declineReceiptFileName('req-0123456789abcdef01234567')).toBe(
      'decline-receipt-req-0123456789abcdef01234567.json',
    );
  });
});
