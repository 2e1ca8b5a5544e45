import { common } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { LedgerUnavailableError } from '../common/errors.js';
import type { SystemCall } from './ledger.client.js';
import { minimumBlockOf } from './ledger-consistency.interceptor.js';
import { createLedgerPosition, recordCommit, recordingCommits } from './ledger-position.js';

/** A peer whose height the test moves; it counts the questions it was asked. */
function fakePeer(height = 0) {
  const peer = {
    height,
    asked: [] as SystemCall[],
    failing: false,
    evaluateSystem(call: SystemCall): Promise<Uint8Array> {
      peer.asked.push(call);
      if (peer.failing) return Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
      const info = new common.BlockchainInfo();
      info.setHeight(peer.height);
      return Promise.resolve(info.serializeBinary());
    },
  };
  return peer;
}

/** Records the outcome of every wait. */
function fakeMetrics() {
  const outcomes: string[] = [];
  return { outcomes, observeBlockWait: (outcome: string) => outcomes.push(outcome) };
}

/** A position over the fake peer on channel `health`, its waits recorded. */
function positionOver(
  peer: ReturnType<typeof fakePeer>,
  timing: Readonly<{ waitMs: number; pollMs?: number }>,
) {
  const metrics = fakeMetrics();
  const position = createLedgerPosition({ ledger: peer, channel: 'health', metrics, ...timing });
  return { position, metrics };
}

describe('the commit record of a request', () => {
  it('keeps the highest block committed within the work, across awaits, and nothing outside it', async () => {
    recordCommit(99n);
    const highest = await recordingCommits(async (record) => {
      recordCommit(7n);
      await new Promise((resolve) => setTimeout(resolve, 1));
      recordCommit(12n);
      await Promise.resolve();
      recordCommit(9n);
      return record.highest;
    });
    expect(highest).toBe(12n);
    expect(recordingCommits((record) => record.highest)).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const one = recordingCommits(async (record) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      recordCommit(3n);
      return record;
    });
    const two = recordingCommits(async (record) => {
      recordCommit(40n);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return record;
    });
    expect((await one).highest).toBe(3n);
    expect((await two).highest).toBe(40n);
  });
});

describe('the position of the organization peer', () => {
  it('answers at once for a block it saw committed, without asking the peer', async () => {
    const peer = fakePeer();
    const { position, metrics } = positionOver(peer, { waitMs: 1_000 });
    position.observe(41n);
    await position.reach(41n);
    await position.reach(0n);
    expect(peer.asked).toEqual([]);
    expect(metrics.outcomes).toEqual(['at-once', 'at-once']);
  });

  it('asks the peer its height on the channel until it has the block', async () => {
    const peer = fakePeer(10);
    const { position, metrics } = positionOver(peer, { waitMs: 5_000, pollMs: 10 });
    const reached = position.reach(12n);
    setTimeout(() => {
      peer.height = 13;
    }, 60);
    await reached;
    expect(peer.asked.length).toBeGreaterThan(1);
    expect(peer.asked[0]).toMatchObject({
      chaincode: 'qscc',
      transaction: 'GetChainInfo',
      args: ['health'],
    });
    // Learnt: the peer is not asked again for what it has.
    const asked = peer.asked.length;
    await position.reach(12n);
    expect(peer.asked).toHaveLength(asked);
    expect(metrics.outcomes).toEqual(['waited', 'at-once']);
  });

  it('shares one question to the peer among concurrent waiters', async () => {
    const peer = fakePeer(5);
    const { position } = positionOver(peer, { waitMs: 1_000 });
    await Promise.all([position.reach(3n), position.reach(4n), position.reach(2n)]);
    expect(peer.asked).toHaveLength(1);
  });

  it('gives up after the wait with LEDGER_UNAVAILABLE, asking at most once per poll interval', async () => {
    const peer = fakePeer(10);
    const { position, metrics } = positionOver(peer, { waitMs: 200, pollMs: 50 });
    const started = performance.now();
    const refusal = await position.reach(1_000_000n).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LedgerUnavailableError);
    expect(refusal).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    expect((refusal as Error).message).toContain('block 1000000');
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(peer.asked.length).toBeLessThanOrEqual(6);
    expect(metrics.outcomes).toEqual(['timed-out']);
  });

  it('refuses at once when the peer cannot be asked', async () => {
    const peer = fakePeer();
    peer.failing = true;
    const { position, metrics } = positionOver(peer, { waitMs: 5_000 });
    const started = performance.now();
    await expect(position.reach(3n)).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
      cause: expect.any(Error) as Error,
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(metrics.outcomes).toEqual(['peer-unavailable']);
  });
});

describe('Ledger-Min-Block', () => {
  const of = (value: string | string[] | undefined) =>
    minimumBlockOf({ headers: value === undefined ? {} : { 'ledger-min-block': value } });

  it('reads one decimal block number, or none', () => {
    expect(of(undefined)).toBeUndefined();
    expect(of('0')).toBe(0n);
    expect(of('1806')).toBe(1806n);
    expect(of('9223372036854775807')).toBe(9223372036854775807n);
  });

  it('refuses anything else with INVALID_ARGUMENT', () => {
    for (const bad of [
      '',
      ' 5',
      '-1',
      '+3',
      '1e3',
      '0x10',
      '007',
      '12345678901234567890',
      'ten',
      ['1', '2'],
    ])
      expect(() => of(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
      );
  });
});
