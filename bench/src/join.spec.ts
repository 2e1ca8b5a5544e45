import { describe, expect, it } from 'vitest';
import { joinRatio, mergeJoinReports, renderJoins, type JoinSizeResult } from './join.ts';

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

  it('shows a join from the first block stopped at its budget as a lower bound, and one not measured', () => {
    const stopped: JoinSizeResult = {
      accessEvents: 1_000_000,
      height: 3294,
      genesis: { seconds: 1500, blocksCommitted: 2800, ledgerBytes: 2e9, stopped: true },
      snapshot: row.snapshot,
    };
    const { genesis: _omitted, ...notMeasured } = stopped;
    const markdown = renderJoins([stopped, notMeasured], { date: 'd', command: 'c', notes: [] });
    expect(markdown).toContain(
      '| 1,000,000 | 3294 | > 1500.0 (stopped at height 2800) | 2000.0 | 20.0 (12.0 + 8.0) | 85.0 | 90.0 | 2800 / 0 |  |',
    );
    expect(markdown).toContain(
      '| 1,000,000 | 3294 | not measured |  | 20.0 (12.0 + 8.0) | 85.0 | 90.0 |  / 0 |  |',
    );
  });
});

describe('mergeJoinReports', () => {
  const at = (accessEvents: number, seconds: number): JoinSizeResult => ({
    ...row,
    accessEvents,
    genesis: { seconds, blocksCommitted: 160, ledgerBytes: 250_000_000 },
  });
  const meta = (date: string, command: string, notes: string[]) => ({
    date,
    command,
    cores: 2,
    notes,
  });

  it('replaces the re-measured sizes, keeps the others in size order, and says who measured what', () => {
    const previous = {
      meta: meta('2026-12-06', 'npm run bench -- --only join --sizes 100000', [
        'general',
        'seeding 0 -> 100000',
      ]),
      results: [at(100_000, 124.8), at(1_000_000, 1)],
    };
    const now = {
      meta: meta('2026-12-07', 'npm run bench -- --only join --sizes 1000000 --merge', ['general']),
      results: [at(1_000_000, 1500)],
    };
    const merged = mergeJoinReports(previous, now);
    expect(merged.results.map((r) => [r.accessEvents, r.genesis?.seconds])).toEqual([
      [100_000, 124.8],
      [1_000_000, 1500],
    ]);
    expect(merged.meta.date).toBe('2026-12-07');
    expect(merged.meta.command).toBe(
      'npm run bench -- --only join --sizes 100000; then npm run bench -- --only join --sizes 1000000 --merge',
    );
    expect(merged.meta.notes).toEqual([
      'general',
      'seeding 0 -> 100000',
      'Merged at 2026-12-07: 1,000,000 measured by `npm run bench -- --only join --sizes 1000000 --merge`.',
    ]);
  });
});
