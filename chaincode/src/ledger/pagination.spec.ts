import { LedgerError } from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import {
  collectionConfig,
  createCompositeKey,
  createInMemoryLedger,
  type InMemoryLedger,
  type Simulation,
} from '../testing/in-memory-ledger';
import {
  compareKeys,
  countEntries,
  decodeBookmark,
  encodeBookmark,
  mergedEntries,
  scanPage,
  scanPageReversed,
  type ScanOptions,
} from './pagination';
import type { IndexEntry } from './state';

const creator = { mspid: 'GovMSP', idBytes: Buffer.from('x') };
const MSPS = ['GovMSP', 'HospAMSP', 'HospBMSP'];
const ORG_A = 'org_HospAMSP';
const PAIR = 'pair_HospAMSP_HospBMSP';
const PATIENTS = ['pid-aaaaaaaaaaaaaaaa', 'pid-bbbbbbbbbbbbbbbb'];
const times = Array.from(
  { length: 12 },
  (_, i) => `2026-11-22T${String(i).padStart(2, '0')}:00:00.000Z`,
);

/** Patient 0's even hours in org_A, odd hours in the pair; hour 6 in both (a copy). */
async function seeded(): Promise<InMemoryLedger> {
  const ledger = createInMemoryLedger({ collections: collectionConfig(MSPS) });
  const simulation = ledger.simulate({
    txId: 'seed',
    timestamp: times[0] ?? '',
    creator,
    args: ['seed'],
  });
  for (const patientId of PATIENTS) {
    for (const [i, ts] of times.entries()) {
      const key = createCompositeKey('evt~pat', [patientId, ts, `evt-${i}`]);
      const collections = i === 6 ? [ORG_A, PAIR] : [i % 2 === 0 ? ORG_A : PAIR];
      for (const collection of collections) {
        await simulation.stub.putPrivateData(collection, key, Uint8Array.of(1));
      }
    }
  }
  ledger.commit(simulation);
  return ledger;
}

let queries = 0;
function simulationOf(ledger: InMemoryLedger): Simulation {
  queries += 1;
  return ledger.simulate({ txId: `q${queries}`, timestamp: times[0] ?? '', creator, args: ['q'] });
}

const timeOf = (entry: IndexEntry): string => entry.attributes[1] ?? '';
const base = (overrides: Partial<ScanOptions<string>> = {}): ScanOptions<string> => ({
  collections: [ORG_A, PAIR],
  type: 'eventByPatient',
  prefix: [PATIENTS[0] ?? ''],
  pageSize: 5,
  select: (entry) => Promise.resolve(timeOf(entry)),
  ...overrides,
});

async function allPages(ledger: InMemoryLedger, options: ScanOptions<string>): Promise<string[][]> {
  const pages: string[][] = [];
  let bookmark = '';
  do {
    const page = await scanPage(simulationOf(ledger).stub, { ...options, bookmark });
    pages.push([...page.items]);
    bookmark = page.bookmark;
  } while (bookmark !== '' && pages.length < 50);
  return pages;
}

describe('index scans and bookmarks', () => {
  it('encodes bookmarks as base64url of the next start key and decodes them back', () => {
    const key = createCompositeKey('evt~pat', ['pid-a', times[3] ?? '', 'evt-3']);
    const bookmark = encodeBookmark(key);
    expect(bookmark).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeBookmark(bookmark, { prefixKey: createCompositeKey('evt~pat', ['pid-a']) })).toBe(
      key,
    );
  });

  it('refuses bookmarks outside the prefix, at the prefix, before the floor, or not canonical', () => {
    const prefix = createCompositeKey('evt~pat', ['pid-a']);
    const other = encodeBookmark(createCompositeKey('evt~pat', ['pid-ab', 'x']));
    const refuse = (bookmark: string, floor?: string): void => {
      expect(() => decodeBookmark(bookmark, { prefixKey: prefix, floorKey: floor })).toThrow(
        LedgerError,
      );
      expect(() => decodeBookmark(bookmark, { prefixKey: prefix, floorKey: floor })).toThrow(
        /^INVALID_ARGUMENT: bookmark/,
      );
    };
    refuse(other);
    refuse(encodeBookmark(prefix));
    refuse(encodeBookmark(createCompositeKey('evt~org', ['pid-a', 'x'])));
    refuse(`${encodeBookmark(createCompositeKey('evt~pat', ['pid-a', 'x']))}=`);
    refuse('+/+/');
    refuse(
      encodeBookmark(createCompositeKey('evt~pat', ['pid-a', 'a'])),
      createCompositeKey('evt~pat', ['pid-a', 'b']),
    );
    expect(compareKeys('a', 'b')).toBeLessThan(0);
    expect(compareKeys('\uffff', '\u{10000}')).toBeLessThan(0);
  });

  it('merges several collections in key order, a key held by two of them once', async () => {
    const ledger = await seeded();
    const keys: string[] = [];
    for await (const entry of mergedEntries(simulationOf(ledger).stub, {
      collections: [PAIR, ORG_A],
      type: 'eventByPatient',
      prefix: [PATIENTS[0] ?? ''],
    })) {
      keys.push(`${timeOf(entry)}@${entry.collection ?? ''}`);
    }
    expect(keys).toEqual(times.map((ts, i) => `${ts}@${i === 6 || i % 2 === 0 ? ORG_A : PAIR}`));
  });

  it('pages through merged collections with one bookmark: the next key, for every collection', async () => {
    const ledger = await seeded();
    const pages = await allPages(ledger, base());
    expect(pages).toEqual([times.slice(0, 5), times.slice(5, 10), times.slice(10)]);
    const first = await scanPage(simulationOf(ledger).stub, base());
    expect(first.bookmark).toBe(
      encodeBookmark(createCompositeKey('evt~pat', [PATIENTS[0] ?? '', times[5] ?? '', 'evt-5'])),
    );
    const exact = await allPages(ledger, base({ pageSize: 6 }));
    expect(exact).toEqual([times.slice(0, 6), times.slice(6)]);
    expect(await allPages(ledger, base({ collections: [ORG_A] }))).toEqual([
      times.filter((_, i) => i % 2 === 0).slice(0, 5),
      times.filter((_, i) => i % 2 === 0).slice(5),
    ]);
  });

  it('reads O(pageSize) entries of each collection it scans', async () => {
    const ledger = await seeded();
    const simulation = simulationOf(ledger);
    await scanPage(simulation.stub, base({ pageSize: 2 }));
    const read = simulation.privateReads().filter((each) => each.kind === 'range');
    // Two items, the key after them (the bookmark), and each collection's head: at most 2 + 1 + 2.
    expect(read.length).toBeLessThanOrEqual(5);
    expect(new Set(read.map((each) => each.collection))).toEqual(new Set([ORG_A, PAIR]));
  });

  it('serves a time window: starts at [prefix, from], stops before the first entry at or after to', async () => {
    const ledger = await seeded();
    const window = base({
      from: [times[3] ?? ''],
      isPastEnd: (entry) => timeOf(entry) >= (times[9] ?? ''),
      pageSize: 4,
    });
    expect(await allPages(ledger, window)).toEqual([times.slice(3, 7), times.slice(7, 9)]);
    const page = await scanPage(simulationOf(ledger).stub, window);
    await expect(
      scanPage(simulationOf(ledger).stub, {
        ...window,
        bookmark: encodeBookmark(
          createCompositeKey('evt~pat', [PATIENTS[0] ?? '', times[1] ?? '', 'evt-1']),
        ),
      }),
    ).rejects.toThrow(/before the start of this query/);
    expect(page.bookmark).not.toBe('');
  });

  it("refuses a bookmark into another patient's range", async () => {
    const ledger = await seeded();
    const theirs = await scanPage(simulationOf(ledger).stub, base({ prefix: [PATIENTS[1] ?? ''] }));
    await expect(
      scanPage(simulationOf(ledger).stub, base({ bookmark: theirs.bookmark })),
    ).rejects.toThrow(/INVALID_ARGUMENT: bookmark: not a bookmark of this query/);
  });

  it('examines at most scanLimit entries and returns a short page with a bookmark', async () => {
    const ledger = await seeded();
    const rare = base({
      pageSize: 2,
      scanLimit: 3,
      select: (entry) =>
        Promise.resolve(timeOf(entry).startsWith('2026-11-22T1') ? timeOf(entry) : undefined),
    });
    expect(await allPages(ledger, rare)).toEqual([
      [],
      [],
      [],
      ['2026-11-22T10:00:00.000Z', '2026-11-22T11:00:00.000Z'],
    ]);
    // By default 10 x pageSize entries: 10 are not enough to reach hour 10, 20 are.
    const { scanLimit: _ignored, ...unlimited } = rare;
    const one = await scanPage(simulationOf(ledger).stub, { ...unlimited, pageSize: 1 });
    expect(one.items).toEqual([]);
    expect(one.bookmark).not.toBe('');
    const two = await scanPage(simulationOf(ledger).stub, unlimited);
    expect(two).toEqual({
      items: ['2026-11-22T10:00:00.000Z', '2026-11-22T11:00:00.000Z'],
      bookmark: '',
    });
  });

  it('answers an empty page for an empty range or no collection', async () => {
    const ledger = await seeded();
    expect(
      await scanPage(simulationOf(ledger).stub, base({ prefix: ['pid-cccccccccccccccc'] })),
    ).toEqual({ items: [], bookmark: '' });
    expect(await scanPage(simulationOf(ledger).stub, base({ collections: [] }))).toEqual({
      items: [],
      bookmark: '',
    });
  });

  it('is for transactions that write nothing: Fabric refuses a private scan after a write, and a write after it', async () => {
    const ledger = await seeded();
    const window = base({ from: [times[2] ?? ''], pageSize: 3 });
    const writer = simulationOf(ledger);
    await writer.stub.putPrivateData(ORG_A, 'out', Buffer.from('x'));
    await expect(scanPage(writer.stub, window)).rejects.toThrow(
      /Queries on pvt data is supported only in a read-only transaction/,
    );
    const reader = simulationOf(ledger);
    expect((await scanPage(reader.stub, window)).items).toEqual(times.slice(2, 5));
    await expect(reader.stub.putPrivateData(ORG_A, 'out', Buffer.from('x'))).rejects.toThrow(
      /already performed queries on pvt data. Writes are not allowed/,
    );
    expect((await allPages(ledger, window)).flat()).toEqual(times.slice(2));
  });

  it('counts a window over merged collections, a copy once: exact within the limit, else at least', async () => {
    const ledger = await seeded();
    const range = {
      collections: [ORG_A, PAIR],
      type: 'eventByPatient',
      prefix: [PATIENTS[0] ?? ''],
    } as const;
    const count = (options: Partial<Parameters<typeof countEntries>[1]> = {}) =>
      countEntries(simulationOf(ledger).stub, { ...range, limit: 100, ...options });
    // Twelve hours, hour 6 held by both collections: twelve events.
    expect(await count()).toEqual({ count: 12, exact: true });
    expect(await count({ limit: 12 })).toEqual({ count: 12, exact: true });
    expect(await count({ limit: 11 })).toEqual({ count: 11, exact: false });
    expect(
      await count({
        from: [times[3] ?? ''],
        isPastEnd: (entry) => timeOf(entry) >= (times[9] ?? ''),
      }),
    ).toEqual({ count: 6, exact: true });
    const even = (entry: IndexEntry) =>
      Promise.resolve(Number(timeOf(entry).slice(11, 13)) % 2 === 0);
    expect(await count({ select: even })).toEqual({ count: 6, exact: true });
    // The limit bounds the entries examined, not those counted: past it, a lower bound.
    expect(await count({ select: even, limit: 5 })).toEqual({ count: 3, exact: false });
    expect(await count({ prefix: ['pid-nobody'] })).toEqual({ count: 0, exact: true });
  });

  it('reads a window backwards page by page, with its own bookmarks, or gives up past keyLimit', async () => {
    const ledger = await seeded();
    const window = base({
      from: [times[3] ?? ''],
      isPastEnd: (entry) => timeOf(entry) >= (times[9] ?? ''),
      pageSize: 4,
    });
    const backwards = { ...window, keyLimit: 100 };
    const first = await scanPageReversed(simulationOf(ledger).stub, backwards);
    expect(first?.items).toEqual(times.slice(5, 9).reverse());
    expect(first?.bookmark).toMatch(/^r/);
    const second = await scanPageReversed(simulationOf(ledger).stub, {
      ...backwards,
      bookmark: first?.bookmark ?? '',
    });
    expect(second).toEqual({ items: times.slice(3, 5).reverse(), bookmark: '' });
    // Each direction refuses the other's bookmark.
    const forward = await scanPage(simulationOf(ledger).stub, window);
    await expect(
      scanPageReversed(simulationOf(ledger).stub, { ...backwards, bookmark: forward.bookmark }),
    ).rejects.toThrow(/not a bookmark of this query/);
    await expect(
      scanPage(simulationOf(ledger).stub, { ...window, bookmark: first?.bookmark ?? '' }),
    ).rejects.toThrow(/INVALID_ARGUMENT: bookmark/);
    // Six entries in the window: a limit of five gives up, six reads it.
    expect(await scanPageReversed(simulationOf(ledger).stub, { ...backwards, keyLimit: 5 })).toBe(
      undefined,
    );
    expect(
      (await scanPageReversed(simulationOf(ledger).stub, { ...backwards, keyLimit: 6 }))?.items,
    ).toHaveLength(4);
  });
});
