import { describe, expect, it } from 'vitest';
import { joinRatio, renderJoins, type JoinSizeResult } from './join.ts';

const row: JoinSizeResult = {
  accessEvents: 100_000,
  height: 160,
  genesis: { seconds: 80, blocksCommitted: 160, ledgerBytes: 250_000_000 },
  snapshot: {
    seconds: 20,
    takeSeconds: 12,
    joinSeconds: 8,
    blocksCommitted: 0,
    ledgerBytes: 90_000_000,
    snapshotBytes: 85_000_000,
    snapshotBlock: 159,
  },
  ratio: 0.25,
};

describe('joinRatio', () => {
  it('is the snapshot seconds over the genesis seconds, to three decimals', () => {
    expect(joinRatio(20, 80)).toBe(0.25);
    expect(joinRatio(1, 3)).toBe(0.333);
  });

  it('refuses a genesis join that took no time', () => {
    expect(() => joinRatio(1, 0)).toThrow(RangeError);
    expect(() => joinRatio(1, Number.NaN)).toThrow(RangeError);
  });
});

describe('renderJoins', () => {
  it('writes one row per size with seconds, megabytes, blocks and the ratio, then the notes', () => {
    const markdown = renderJoins([row], {
      date: '2026-12-06T10:00:00Z',
      command: 'npm run bench -- --only join',
      notes: ['seeded'],
    });
    expect(markdown).toContain(
      '| 100,000 | 160 | 80.0 | 250.0 | 20.0 (12.0 + 8.0) | 85.0 | 90.0 | 160 / 0 | 0.25 |',
    );
    expect(markdown).toContain('- seeded');
  });
});
