import { LedgerError } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { describe, expect, it } from 'vitest';
import {
  createCompositeKey,
  createInMemoryLedger,
  type InMemoryLedger,
} from '../testing/in-memory-ledger';
import { INDEX_VALUE } from './keys';
import {
  compareKeys,
  decodeBookmark,
  encodeBookmark,
  scanPage,
  type ScanOptions,
} from './pagination';
import type { IndexEntry } from './state';

const creator = { mspid: 'TestMSP', idBytes: Buffer.from('x') };
const PATIENTS = ['pid-aaaaaaaaaaaaaaaa', 'pid-bbbbbbbbbbbbbbbb'];
const times = Array.from(
  { length: 12 },
  (_, i) => `2026-11-22T${String(i).padStart(2, '0')}:00:00.000Z`,
);

async function seeded(): Promise<InMemoryLedger> {
  const ledger = createInMemoryLedger();
  const simulation = ledger.simulate({
    txId: 'seed',
    timestamp: times[0] ?? '',
    creator,
    args: ['seed'],
  });
  for (const patientId of PATIENTS) {
    for (const [i, ts] of times.entries()) {
      await simulation.stub.putState(
        createCompositeKey('evt~pat', [patientId, ts, `evt-${i}`]),
        INDEX_VALUE,
      );
    }
  }
  ledger.commit(simulation);
  return ledger;
}

let queries = 0;
function stubOf(ledger: InMemoryLedger): ChaincodeStub {
  queries += 1;
  return ledger.simulate({ txId: `q${queries}`, timestamp: times[0] ?? '', creator, args: ['q'] })
    .stub;
}

const timeOf = (entry: IndexEntry): string => entry.attributes[1] ?? '';
const base = (overrides: Partial<ScanOptions<string>> = {}): ScanOptions<string> => ({
  type: 'eventByPatient',
  prefix: [PATIENTS[0] ?? ''],
  pageSize: 5,
  readOnly: true,
  select: (entry) => Promise.resolve(timeOf(entry)),
  ...overrides,
});

async function allPages(ledger: InMemoryLedger, options: ScanOptions<string>): Promise<string[][]> {
  const pages: string[][] = [];
  let bookmark = '';
  do {
    const page = await scanPage(stubOf(ledger), { ...options, bookmark });
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

  it('pages through an index with bookmarks that are the next start key', async () => {
    const ledger = await seeded();
    const pages = await allPages(ledger, base());
    expect(pages).toEqual([times.slice(0, 5), times.slice(5, 10), times.slice(10)]);
    const first = await scanPage(stubOf(ledger), base());
    expect(first.bookmark).toBe(
      encodeBookmark(createCompositeKey('evt~pat', [PATIENTS[0] ?? '', times[5] ?? '', 'evt-5'])),
    );
    const exact = await allPages(ledger, base({ pageSize: 6 }));
    expect(exact).toEqual([times.slice(0, 6), times.slice(6)]);
  });

  it('serves a time window: starts at [prefix, from], stops before the first entry at or after to', async () => {
    const ledger = await seeded();
    const window = base({
      from: [times[3] ?? ''],
      isPastEnd: (entry) => timeOf(entry) >= (times[9] ?? ''),
      pageSize: 4,
    });
    expect(await allPages(ledger, window)).toEqual([times.slice(3, 7), times.slice(7, 9)]);
    const page = await scanPage(stubOf(ledger), window);
    await expect(
      scanPage(stubOf(ledger), {
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
    const theirs = await scanPage(stubOf(ledger), base({ prefix: [PATIENTS[1] ?? ''] }));
    await expect(scanPage(stubOf(ledger), base({ bookmark: theirs.bookmark }))).rejects.toThrow(
      /INVALID_ARGUMENT: bookmark: not a bookmark of this query/,
    );
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
    const one = await scanPage(stubOf(ledger), { ...unlimited, pageSize: 1 });
    expect(one.items).toEqual([]);
    expect(one.bookmark).not.toBe('');
    const two = await scanPage(stubOf(ledger), unlimited);
    expect(two).toEqual({
      items: ['2026-11-22T10:00:00.000Z', '2026-11-22T11:00:00.000Z'],
      bookmark: '',
    });
  });

  it('answers an empty page when the peer sends no query metadata (an empty range)', async () => {
    const stub = stubOf(await seeded());
    // fabric-shim leaves `metadata` out of a paginated query's result when the peer sends none.
    const withoutMetadata = Object.create(stub) as ChaincodeStub;
    const paginated = stub.getStateByPartialCompositeKeyWithPagination.bind(stub);
    withoutMetadata.getStateByPartialCompositeKeyWithPagination = (async (
      ...args: Parameters<typeof paginated>
    ) => {
      const { iterator } = await paginated(...args);
      return { iterator };
    }) as unknown as typeof paginated;
    const page = await scanPage(withoutMetadata, base({ prefix: ['pid-cccccccccccccccc'] }));
    expect(page).toEqual({ items: [], bookmark: '' });
  });

  it('gives the same pages without paginated queries (for submit transactions)', async () => {
    const ledger = await seeded();
    const window = base({ from: [times[2] ?? ''], pageSize: 3 });
    const paged = await allPages(ledger, window);
    const iterated = await allPages(ledger, { ...window, readOnly: false });
    expect(iterated).toEqual(paged);
    const writer = ledger.simulate({ txId: 'w', timestamp: times[0] ?? '', creator, args: ['w'] });
    await writer.stub.putState('out', Buffer.from('x'));
    const page = await scanPage(writer.stub, { ...window, readOnly: false });
    expect(page.items).toEqual(times.slice(2, 5));
    await expect(scanPage(writer.stub, window)).rejects.toThrow(/read-only transaction/);
  });
});
