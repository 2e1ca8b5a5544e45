import { afterEach, describe, expect, it, vi } from 'vitest';
import { bootstrap, MSP, ok, refused, who } from '../testing/fixtures';
import { createTestNetwork } from '../testing/harness';
import { BenchContract, seedPatientId } from './bench.contract';

const seed = { first: 16, size: 8, patients: 3, days: 2, startDay: '2026-11-01' };

describe('bench:SeedAccessEvents', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is refused when the package does not enable seeding (production)', async () => {
    const network = createTestNetwork();
    await bootstrap(network);
    const result = await network.as(who.govAdmin).submit('bench:SeedAccessEvents', [seed]);
    refused(result, 'FORBIDDEN');
    expect(result.writes).toEqual([]);
    expect(result.privateWrites).toEqual([]);
  });

  it('writes access events with the keys, indexes and collections RequestAccess writes, queryable by audit', async () => {
    vi.spyOn(BenchContract, 'seedingEnabled').mockReturnValue(true);
    const network = createTestNetwork();
    await bootstrap(network);
    const result = await network.as(who.govAdmin).submit('bench:SeedAccessEvents', [seed]);
    expect(result.message).toBe('');
    expect(result.ok).toBe(true);
    // 8 events x (document, patient, org, newest, time, decision), in their collections; nothing public.
    expect(result.writes).toEqual([]);
    expect(result.privateWrites).toHaveLength(48);
    // Writes only: no range query of private data (Fabric would refuse the transaction).
    expect(result.privateReads.filter((read) => read.kind === 'range')).toEqual([]);
    expect(result.event).toBeUndefined();
    const patientId = seedPatientId(16 % 3);
    const page = ok(
      await network
        .as(who.regulator)
        .evaluate('audit:QueryAccessEvents', [{ patientId, pageSize: 100 }]),
    ) as {
      items: readonly { patientId: string; timestamp: string; accessor: { org: string } }[];
    };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((event) => event.patientId === patientId)).toBe(true);
    const byOrg = ok(
      await network.as(who.regulator).evaluate('audit:QueryAccessEvents', [
        {
          accessorOrg: MSP.tertiary,
          from: '2026-11-01T00:00:00.000Z',
          to: '2026-11-03T00:00:00.000Z',
          pageSize: 100,
        },
      ]),
    ) as { items: readonly unknown[] };
    expect(byOrg.items.length).toBeGreaterThan(0);
  });

  it('writes byte-identical state on two ledgers for the same transaction (deterministic)', async () => {
    vi.spyOn(BenchContract, 'seedingEnabled').mockReturnValue(true);
    const writes = [];
    for (const txSeed of ['one', 'two']) {
      const network = createTestNetwork({ txSeed });
      await bootstrap(network);
      const result = await network
        .as(who.govAdmin, { txId: 'ab'.repeat(32), at: '2026-11-23T10:00:00.000Z' })
        .submit('bench:SeedAccessEvents', [seed]);
      expect(result.ok).toBe(true);
      writes.push(result.privateWrites);
    }
    expect(writes[0]).toEqual(writes[1]);
  });

  it('refuses malformed seeding input', async () => {
    vi.spyOn(BenchContract, 'seedingEnabled').mockReturnValue(true);
    const network = createTestNetwork();
    await bootstrap(network);
    const result = await network
      .as(who.govAdmin)
      .submit('bench:SeedAccessEvents', [{ ...seed, size: 0 }]);
    refused(result, 'INVALID_ARGUMENT');
  });

  it('names synthetic patients with valid pseudonyms', () => {
    expect(seedPatientId(0)).toBe('pid-seedaaaaaaaaaaaa');
    expect(seedPatientId(33)).toBe('pid-seedaaaaaaaaaabb');
  });
});
