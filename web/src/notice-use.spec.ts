import type { NoticeSummary } from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import { noticeUseRows } from './notice-use.view.tsx';

const summary = (noticeId: string, version: number): NoticeSummary => ({
  org: 'TertiaryHospitalMSP',
  noticeId,
  version,
  sha256: String(version).repeat(64).slice(0, 64),
  publishedAt: '2026-12-06T00:00:00.000Z',
  txId: 'a'.repeat(64),
});

describe("the regulator's notice counts", () => {
  it('puts each version beside the consents naming it, 0 where none does, in notice and version order', () => {
    const rows = noticeUseRows(
      [summary('z-notice', 1), summary('consent-sharing', 2), summary('consent-sharing', 1)],
      [
        {
          org: 'TertiaryHospitalMSP',
          noticeId: 'consent-sharing',
          versions: [{ version: 2, consents: 7 }],
        },
        {
          org: 'TertiaryHospitalMSP',
          noticeId: 'z-notice',
          versions: [{ version: 1, consents: 1 }],
        },
      ],
    );
    expect(rows.map((row) => [row.noticeId, row.version, row.consents])).toEqual([
      ['consent-sharing', 1, 0],
      ['consent-sharing', 2, 7],
      ['z-notice', 1, 1],
    ]);
    expect(noticeUseRows([], [])).toEqual([]);
  });
});
