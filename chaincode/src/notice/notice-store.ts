import { ledgerError, type Notice, type NoticeSummary } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { versionAttribute } from '../ledger/keys';
import { publicState } from '../ledger/state';

/** Notice state (keys.ts: `ntc`, public): every version of every organization's notices. */

/** One version of a notice, if published. */
export function readNotice(
  stub: ChaincodeStub,
  key: Readonly<{ org: string; noticeId: string; version: number }>,
): Promise<Notice | undefined> {
  return publicState(stub).read(['notice', key.org, key.noticeId, versionAttribute(key.version)]);
}

/** One version of a notice; NOT_FOUND when it was never published. */
export async function requireNotice(
  stub: ChaincodeStub,
  key: Readonly<{ org: string; noticeId: string; version: number }>,
): Promise<Notice> {
  const notice = await readNotice(stub, key);
  if (notice === undefined) {
    throw ledgerError(
      'NOT_FOUND',
      `notice ${key.org}/${key.noticeId} version ${String(key.version)} is not published`,
    );
  }
  return notice;
}

/** The versions of an organization's notices (of one notice when `noticeId` is given), in key order. */
export async function listNotices(
  stub: ChaincodeStub,
  where: Readonly<{ org: string; noticeId?: string }>,
): Promise<NoticeSummary[]> {
  const notices: NoticeSummary[] = [];
  const path = where.noticeId === undefined ? [where.org] : [where.org, where.noticeId];
  for await (const notice of publicState(stub).documents(['notice', ...path])) {
    const { texts: _texts, ...summary } = notice;
    notices.push(summary);
  }
  return notices;
}

/** Writes a notice version (never overwritten: versions are immutable). */
export async function writeNotice(stub: ChaincodeStub, notice: Notice): Promise<void> {
  await publicState(stub).write({
    key: ['notice', notice.org, notice.noticeId, versionAttribute(notice.version)],
    value: notice,
  });
}
