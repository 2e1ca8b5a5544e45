import { describe, expect, it } from 'vitest';
import { loadTopology } from './topology.ts';
import { proposalKinds, UsageError } from './consortium-kinds.ts';

const topology = loadTopology();

describe('the kinds of change the consortium CLI proposes', () => {
  it('builds a block timer change, and refuses a missing or malformed duration in one sentence', async () => {
    const kind = proposalKinds.get('batch-timeout');
    if (kind === undefined) throw new Error('no batch-timeout kind');
    const built = await kind.build(['750ms'], topology);
    expect(built.description).toBe('set the block timer to 750ms');
    expect(typeof built.change).toBe('function');
    await expect(Promise.resolve().then(() => kind.build([], topology))).rejects.toThrow(
      UsageError,
    );
    await expect(Promise.resolve().then(() => kind.build(['soon'], topology))).rejects.toThrow(
      /not a duration/,
    );
  });
});
