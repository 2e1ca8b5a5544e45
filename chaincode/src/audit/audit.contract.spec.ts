import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessEvent } from '@consent-ledger/ledger-api';
import { encodeBookmark } from '../ledger/pagination';
import { descendingTime } from '../ledger/time';
import {
  bootstrap,
  consentInput,
  grant,
  MSP,
  ok,
  pid,
  refused,
  registerPatients,
  who,
} from '../testing/fixtures';
import { createTestNetwork, type TestIdentity, type TestNetwork } from '../testing/harness';
import { createCompositeKey } from '../testing/in-memory-ledger';

const DAY1 = '2026-11-22';
const DAY2 = '2026-11-23';
const HASH = 'cd'.repeat(32);
const EMERGENCY_HASH = 'ab'.repeat(32);
/** A review comment's commitment (made by the regulator's gateway). */
const COMMENT_HASH = 'ef'.repeat(32);

describe('audit contract', () => {
  let network: TestNetwork;
  let events: AccessEvent[];

  const access = async (
    caller: TestIdentity,
    { at, ...overrides }: { at: string } & Record<string, unknown>,
  ): Promise<AccessEvent> => {
    const event = ok(
      await network
        .as(caller, { at })
        .submit('access:RequestAccess', [
          { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'], ...overrides },
        ]),
    );
    events.push(event);
    return event;
  };
  const emergency = async (at: string, patientN = 1): Promise<AccessEvent> => {
    const event = ok(
      await network.as(who.tertiaryClinician, { at }).submit('access:RequestEmergencyAccess', [
        {
          patientId: pid(patientN),
          categories: ['medication'],
          reasonCode: 'LIFE_THREATENING',
          justificationHash: HASH,
        },
      ]),
    );
    events.push(event);
    return event;
  };

  beforeEach(async () => {
    events = [];
    network = createTestNetwork({ start: '2026-11-21T00:00:00.000Z' });
    await bootstrap(network);
    const [alice] = await registerPatients(network, [1, 2]);
    if (alice === undefined) throw new Error('no patient');
    await grant(network, {
      patient: alice,
      input: consentInput({ categories: ['laboratory', 'outpatient'] }),
    });
    await access(who.tertiaryClinician, { at: `${DAY1}T08:00:00.000Z` });
    await access(who.communityClinician, { at: `${DAY1}T09:00:00.000Z` });
    await access(who.tertiaryClinician, { at: `${DAY1}T10:00:00.000Z`, patientId: pid(2) });
    await emergency(`${DAY1}T11:00:00.000Z`);
    await access(who.govAnalyst, {
      at: `${DAY1}T23:59:59.999Z`,
      purpose: 'public-health',
      categories: ['laboratory', 'outpatient'],
    });
    await access(who.tertiaryClinician, {
      at: `${DAY2}T00:00:00.000Z`,
      categories: ['laboratory', 'outpatient'],
    });
    await emergency(`${DAY2}T06:00:00.000Z`, 2);
    await access(who.researcher, {
      at: `${DAY2}T07:00:00.000Z`,
      purpose: 'research',
      categories: ['genomic'],
    });
  });

  const idsOf = (page: { readonly items: readonly AccessEvent[] }): string[] =>
    page.items.map((event) => event.eventId);
  const query = async (caller: TestIdentity, input: Record<string, unknown>): Promise<string[]> =>
    idsOf(ok(await network.as(caller).evaluate('audit:QueryAccessEvents', [input])));
  const ids = (...indexes: number[]): string[] =>
    indexes.map((index) => events[index]?.eventId ?? '');
  /** Expects a query's events newest first by default and oldest first with `order: 'asc'`. */
  const inBothOrders = async (
    caller: TestIdentity,
    input: Record<string, unknown>,
    oldestFirst: readonly number[],
  ): Promise<void> => {
    expect(await query(caller, input)).toEqual(ids(...oldestFirst).reverse());
    expect(await query(caller, { ...input, order: 'desc' })).toEqual(ids(...oldestFirst).reverse());
    expect(await query(caller, { ...input, order: 'asc' })).toEqual(ids(...oldestFirst));
  };

  describe('QueryAccessEvents', () => {
    it('lets the regulator see everything, newest first or oldest first, with every filter', async () => {
      await inBothOrders(who.regulator, {}, [0, 1, 2, 3, 4, 5, 6, 7]);
      await inBothOrders(who.regulator, { patientId: pid(2) }, [2, 6]);
      await inBothOrders(who.regulator, { accessorOrg: MSP.community }, [1]);
      await inBothOrders(who.regulator, { decision: 'deny' }, [1, 2, 4, 7]);
      await inBothOrders(who.regulator, { breakGlass: true }, [3, 6]);
      await inBothOrders(who.regulator, { breakGlass: false }, [0, 1, 2, 4, 5, 7]);
      await inBothOrders(who.regulator, { patientId: pid(1), decision: 'permit' }, [0, 3, 5]);
      await inBothOrders(who.regulator, { accessorOrg: MSP.tertiary, breakGlass: true }, [3, 6]);
      await inBothOrders(who.regulator, { breakGlass: true, decision: 'deny' }, []);
    });

    it("filters by the accessor organization's region at any level", async () => {
      // Community (330110) made event 1, the government (city 330100, no county) event 4, tertiary
      // and research (both county 330106) the others.
      await inBothOrders(who.regulator, { region: '330110' }, [1]);
      await inBothOrders(who.regulator, { region: '330106' }, [0, 2, 3, 5, 6, 7]);
      await inBothOrders(who.regulator, { region: '330100' }, [0, 1, 2, 3, 4, 5, 6, 7]);
      await inBothOrders(who.regulator, { region: '330000' }, [0, 1, 2, 3, 4, 5, 6, 7]);
      await inBothOrders(who.regulator, { region: '110000' }, []);
      await inBothOrders(who.regulator, { region: '330110', breakGlass: true }, []);
      refused(
        await network.as(who.regulator).evaluate('audit:QueryAccessEvents', [{ region: '33011' }]),
        { code: 'INVALID_ARGUMENT', message: /query\.region/ },
      );
    });

    it('serves time windows [from, to) on every index, across days', async () => {
      const window = { from: `${DAY1}T10:00:00.000Z`, to: `${DAY2}T06:00:00.000Z` };
      await inBothOrders(who.regulator, window, [2, 3, 4, 5]);
      await inBothOrders(who.regulator, { ...window, patientId: pid(1) }, [3, 4, 5]);
      await inBothOrders(who.regulator, { ...window, accessorOrg: MSP.tertiary }, [2, 3, 5]);
      await inBothOrders(who.regulator, { ...window, decision: 'deny' }, [2, 4]);
      await inBothOrders(who.regulator, { ...window, breakGlass: true }, [3]);
      await inBothOrders(who.regulator, { from: `${DAY2}T00:00:00.000Z` }, [5, 6, 7]);
      await inBothOrders(who.regulator, { to: `${DAY1}T09:00:00.000Z` }, [0]);
      refused(
        await network
          .as(who.regulator)
          .evaluate('audit:QueryAccessEvents', [{ from: window.to, to: window.from }]),
        { code: 'INVALID_ARGUMENT', message: /query\.to: must be after from/ },
      );
      refused(
        await network
          .as(who.regulator)
          .evaluate('audit:QueryAccessEvents', [{ from: '2026-11-31T00:00:00.000Z' }]),
        'INVALID_ARGUMENT',
      );
    });

    it("shows the home's admins their patients' histories, others their organization's events", async () => {
      // A patient's history, read for the patient by the home's admin, across its collections.
      await inBothOrders(who.tertiaryAdmin, { patientId: pid(1) }, [0, 1, 3, 4, 5, 7]);
      await inBothOrders(who.tertiaryAdmin, { patientId: pid(2), breakGlass: true }, [6]);
      await inBothOrders(who.tertiaryAdmin, {}, [0, 1, 2, 3, 4, 5, 6, 7]);
      await inBothOrders(who.tertiaryAdmin, { accessorOrg: MSP.community }, [1]);
      // Another organization's admin sees its own accesses only, even asking for more.
      await inBothOrders(who.communityAdmin, { patientId: pid(1) }, [1]);
      await inBothOrders(who.communityAdmin, { accessorOrg: MSP.tertiary }, []);
      await inBothOrders(who.tertiaryClinician, {}, [0, 2, 3, 5, 6]);
      await inBothOrders(who.communityClinician, { patientId: pid(1) }, [1]);
      refused(
        await network
          .as(who.tertiaryClinician)
          .evaluate('audit:QueryAccessEvents', [{ accessorOrg: MSP.community }]),
        'FORBIDDEN',
      );
      await inBothOrders(who.govAdmin, {}, [4]);
      await inBothOrders(who.tertiaryAdmin, { patientId: pid(99) }, []);
    });

    it('round-trips bookmarks page by page, in either order', async () => {
      for (const filter of [
        {},
        { patientId: pid(1) },
        { from: `${DAY1}T09:00:00.000Z`, to: `${DAY2}T07:00:00.000Z` },
        { order: 'asc' },
        { order: 'asc', patientId: pid(1) },
        { order: 'asc', from: `${DAY1}T09:00:00.000Z`, to: `${DAY2}T07:00:00.000Z` },
      ]) {
        const everything = await query(who.regulator, filter);
        const paged: string[] = [];
        let bookmark = '';
        do {
          const page = ok(
            await network
              .as(who.regulator)
              .evaluate('audit:QueryAccessEvents', [
                { ...filter, pageSize: 2, ...(bookmark === '' ? {} : { bookmark }) },
              ]),
          );
          expect(page.items.length).toBeLessThanOrEqual(2);
          paged.push(...idsOf(page));
          bookmark = page.bookmark;
        } while (bookmark !== '');
        expect(paged).toEqual(everything);
      }
    });

    it('returns short filtered pages with a bookmark after scanning 10 x pageSize entries', async () => {
      const before = await access(who.tertiaryClinician, { at: '2026-11-23T23:00:00.000Z' });
      for (let i = 0; i < 25; i += 1) {
        await emergency(`2026-11-24T00:00:${String(i).padStart(2, '0')}.000Z`);
      }
      const after = await access(who.tertiaryClinician, { at: '2026-11-24T01:00:00.000Z' });
      // Oldest first from the emergencies on, and newest first from them back: 25 to skip either way.
      for (const [filter, found] of [
        [{ order: 'asc', from: '2026-11-24T00:00:00.000Z' }, after],
        [{ from: '2026-11-23T08:00:00.000Z', to: '2026-11-24T00:30:00.000Z' }, before],
      ] as const) {
        const paged = { ...filter, breakGlass: false, pageSize: 1 };
        const first = ok(
          await network.as(who.regulator).evaluate('audit:QueryAccessEvents', [paged]),
        );
        expect(first.items).toEqual([]);
        expect(first.bookmark).not.toBe('');
        const second = ok(
          await network
            .as(who.regulator)
            .evaluate('audit:QueryAccessEvents', [{ ...paged, bookmark: first.bookmark }]),
        );
        expect(second.items).toEqual([]);
        const third = ok(
          await network
            .as(who.regulator)
            .evaluate('audit:QueryAccessEvents', [{ ...paged, bookmark: second.bookmark }]),
        );
        expect(idsOf(third)).toEqual([found.eventId]);
        expect(third.bookmark).toBe('');
      }
      // Oldest first with a filter an index carries reads that index backwards: full pages.
      const history = ok(
        await network
          .as(who.regulator)
          .evaluate('audit:QueryAccessEvents', [
            { order: 'asc', patientId: pid(1), from: '2026-11-23T08:00:00.000Z', pageSize: 2 },
          ]),
      );
      expect(idsOf(history)).toEqual([before.eventId, events.at(-26)?.eventId]);
      expect(history.bookmark).not.toBe('');
    });

    it('counts every match over all pages when asked, under the same filters and rights', async () => {
      const totalOf = async (caller: TestIdentity, input: Record<string, unknown>) =>
        ok(
          await network
            .as(caller)
            .evaluate('audit:QueryAccessEvents', [{ ...input, withTotal: true, pageSize: 1 }]),
        ).total;
      const exact = (count: number) => ({ count, exact: true });
      expect(await totalOf(who.regulator, {})).toEqual(exact(8));
      expect(await totalOf(who.regulator, { order: 'asc' })).toEqual(exact(8));
      expect(await totalOf(who.regulator, { patientId: pid(1) })).toEqual(exact(6));
      expect(await totalOf(who.regulator, { decision: 'deny' })).toEqual(exact(4));
      expect(await totalOf(who.regulator, { breakGlass: true })).toEqual(exact(2));
      // Filters the index does not carry are counted on the events themselves.
      expect(await totalOf(who.regulator, { breakGlass: false, order: 'asc' })).toEqual(exact(6));
      expect(await totalOf(who.regulator, { region: '330106' })).toEqual(exact(6));
      expect(await totalOf(who.regulator, { patientId: pid(1), decision: 'permit' })).toEqual(
        exact(3),
      );
      const window = { from: `${DAY1}T10:00:00.000Z`, to: `${DAY2}T06:00:00.000Z` };
      expect(await totalOf(who.regulator, window)).toEqual(exact(4));
      expect(await totalOf(who.regulator, { ...window, order: 'asc' })).toEqual(exact(4));
      expect(await totalOf(who.regulator, { ...window, accessorOrg: MSP.tertiary })).toEqual(
        exact(3),
      );
      // What each caller may read, as its pages show it.
      expect(await totalOf(who.communityAdmin, { patientId: pid(1) })).toEqual(exact(1));
      expect(await totalOf(who.tertiaryClinician, {})).toEqual(exact(5));
      expect(await totalOf(who.govAdmin, {})).toEqual(exact(1));
      // A later page may skip it; without withTotal there is none.
      const page = ok(await network.as(who.regulator).evaluate('audit:QueryAccessEvents', [{}]));
      expect(page.total).toBeUndefined();
      refused(
        await network.as(who.regulator).evaluate('audit:QueryAccessEvents', [{ withTotal: 'yes' }]),
        { code: 'INVALID_ARGUMENT', message: /query\.withTotal/ },
      );
      refused(
        await network.as(who.regulator).evaluate('audit:QueryAccessEvents', [{ order: 'up' }]),
        { code: 'INVALID_ARGUMENT', message: /query\.order/ },
      );
    });

    it("refuses bookmarks pointing outside the query's own range", async () => {
      const home = network.as(who.tertiaryAdmin);
      const alicePage = ok(
        await home.evaluate('audit:QueryAccessEvents', [{ patientId: pid(1), pageSize: 1 }]),
      );
      expect(alicePage.bookmark).not.toBe('');
      refused(
        await home.evaluate('audit:QueryAccessEvents', [
          { patientId: pid(2), pageSize: 1, bookmark: alicePage.bookmark },
        ]),
        { code: 'INVALID_ARGUMENT', message: /not a bookmark of this query/ },
      );
      const forged = encodeBookmark(
        createCompositeKey('evt~pat', [
          pid(1),
          `${DAY1}T00:00:00.000Z`,
          'evt-000000000000000000000000',
        ]),
      );
      refused(
        await home.evaluate('audit:QueryAccessEvents', [{ patientId: pid(2), bookmark: forged }]),
        'INVALID_ARGUMENT',
      );
      // The community hospital may not continue in the tertiary hospital's range either.
      const tertiaryKey = createCompositeKey('evt~org', [
        MSP.tertiary,
        `${DAY1}T00:00:00.000Z`,
        'evt-0',
      ]);
      refused(
        await network
          .as(who.communityClinician)
          .evaluate('audit:QueryAccessEvents', [{ bookmark: encodeBookmark(tertiaryKey) }]),
        'INVALID_ARGUMENT',
      );
      // Nor may a bookmark lead before the window's start: newest first, newer than its end...
      const newer = encodeBookmark(
        createCompositeKey('evt~pat', [pid(1), descendingTime(`${DAY2}T06:00:00.000Z`), 'evt-0']),
      );
      refused(
        await home.evaluate('audit:QueryAccessEvents', [
          { patientId: pid(1), to: `${DAY2}T00:00:00.000Z`, bookmark: newer },
        ]),
        { code: 'INVALID_ARGUMENT', message: /before the start/ },
      );
      // ...oldest first, older than its start; and a bookmark of one order is not one of the other.
      const early = encodeBookmark(
        createCompositeKey('evt~time', [DAY1, `${DAY1}T00:00:00.000Z`, 'evt-0']),
      );
      refused(
        await network
          .as(who.regulator)
          .evaluate('audit:QueryAccessEvents', [
            { order: 'asc', from: `${DAY2}T00:00:00.000Z`, bookmark: early },
          ]),
        { code: 'INVALID_ARGUMENT', message: /before the start/ },
      );
      refused(
        await home.evaluate('audit:QueryAccessEvents', [
          { patientId: pid(1), order: 'asc', bookmark: alicePage.bookmark },
        ]),
        { code: 'INVALID_ARGUMENT', message: /not a bookmark of this query/ },
      );
      refused(
        await home.evaluate('audit:QueryAccessEvents', [
          { patientId: pid(1), bookmark: `${encodeBookmark('x')}=` },
        ]),
        'INVALID_ARGUMENT',
      );
    });
  });

  describe('GetAccessEvent', () => {
    it("shows an event to its home's admins, the accessor organization and the regulator", async () => {
      const [first] = ids(0);
      const [byCommunity] = ids(1);
      for (const reader of [who.tertiaryAdmin, who.tertiaryClinician2, who.regulator]) {
        expect(
          ok(await network.as(reader).evaluate('audit:GetAccessEvent', [first ?? ''])).eventId,
        ).toBe(first);
      }
      for (const stranger of [who.communityClinician, who.govAdmin, who.researcher]) {
        refused(
          await network.as(stranger).evaluate('audit:GetAccessEvent', [first ?? '']),
          'FORBIDDEN',
        );
      }
      for (const reader of [who.tertiaryAdmin, who.communityClinician]) {
        ok(await network.as(reader).evaluate('audit:GetAccessEvent', [byCommunity ?? '']));
      }
      refused(
        await network
          .as(who.tertiaryClinician)
          .evaluate('audit:GetAccessEvent', [byCommunity ?? '']),
        'FORBIDDEN',
      );
      refused(
        await network
          .as(who.regulator)
          .evaluate('audit:GetAccessEvent', ['evt-000000000000000000000000']),
        'EVENT_NOT_FOUND',
      );
      refused(
        await network.as(who.regulator).evaluate('audit:GetAccessEvent', ['evt-0']),
        'INVALID_ARGUMENT',
      );
    });
  });

  describe('QueryEmergencyReviews', () => {
    it('lists pending break-glass events oldest first, page by page', async () => {
      const first = ok(
        await network.as(who.regulator).evaluate('audit:QueryEmergencyReviews', [{ pageSize: 1 }]),
      );
      expect(idsOf(first)).toEqual(ids(3));
      const second = ok(
        await network
          .as(who.regulator)
          .evaluate('audit:QueryEmergencyReviews', [{ pageSize: 1, bookmark: first.bookmark }]),
      );
      expect(idsOf(second)).toEqual(ids(6));
      expect(second.bookmark).toBe('');
      refused(
        await network
          .as(who.regulator)
          .evaluate('audit:QueryEmergencyReviews', [{ status: 'pending' }]),
        'INVALID_ARGUMENT',
      );
    });
  });

  describe('GetStatistics, CountDay and RollupStatistics', () => {
    const statistics = async (input: Record<string, unknown>, at = '2026-11-25T00:00:00.000Z') =>
      ok(await network.as(who.regulator, { at }).evaluate('audit:GetStatistics', [input]));
    /** The two steps: the regulator's peer counts the day (evaluate), the rollup keeps it. */
    const rollUp = async (day: string, at: string) => {
      const counts = ok(await network.as(who.regulator, { at }).evaluate('audit:CountDay', [day]));
      return network.as(who.regulator, { at }).submit('audit:RollupStatistics', [counts]);
    };
    const twoDays = { from: `${DAY1}T00:00:00.000Z`, to: '2026-11-24T00:00:00.000Z' };

    it('counts by purpose, category, decision, break-glass and region, without patient IDs', async () => {
      const county = await statistics({ ...twoDays, level: 'county' });
      expect(county).toEqual({
        from: twoDays.from,
        to: twoDays.to,
        level: 'county',
        total: 8,
        byPurpose: { emergency: 2, 'public-health': 1, research: 1, treatment: 4 },
        byCategory: { genomic: 1, laboratory: 2, medication: 2, outpatient: 5 },
        byDecision: { deny: 4, permit: 4 },
        byBreakGlass: { false: 6, true: 2 },
        byRegion: { '330100': 1, '330106': 6, '330110': 1 },
        rolledUpDays: 0,
        scannedDays: 2,
      });
      expect(JSON.stringify(county)).not.toContain('pid-');
      expect((await statistics({ ...twoDays, level: 'city' })).byRegion).toEqual({ '330100': 8 });
      expect((await statistics({ ...twoDays, level: 'province' })).byRegion).toEqual({
        '330000': 8,
      });
      const within = await statistics({ ...twoDays, level: 'county', region: '330110' });
      expect(within).toMatchObject({ total: 1, region: '330110', byRegion: { '330110': 1 } });
      expect((await statistics({ ...twoDays, level: 'county', region: '330100' })).total).toBe(8);
      expect((await statistics({ ...twoDays, level: 'county', region: '110000' })).total).toBe(0);
    });

    it('gives the same counts from day rollups as from scanning, and mixes both', async () => {
      const scanned = await statistics({ ...twoDays, level: 'county' });
      const rollup = await rollUp(DAY1, '2026-11-23T01:00:00.000Z');
      expect(ok(rollup)).toMatchObject({
        day: DAY1,
        total: 5,
        regions: {
          '330100': { total: 1, byPurpose: { 'public-health': 1 } },
          '330106': { total: 3, byBreakGlass: { false: 2, true: 1 } },
          '330110': { total: 1, byDecision: { deny: 1 } },
        },
        rolledUpAt: '2026-11-23T01:00:00.000Z',
        txId: rollup.txId,
      });
      expect(rollup.event).toBeUndefined();
      const mixed = await statistics({ ...twoDays, level: 'county' });
      expect(mixed).toEqual({ ...scanned, rolledUpDays: 1, scannedDays: 1 });
      ok(await rollUp(DAY2, '2026-11-25T00:00:00.000Z'));
      expect(await statistics({ ...twoDays, level: 'county' })).toEqual({
        ...scanned,
        rolledUpDays: 2,
        scannedDays: 0,
      });
      // A partial day is scanned even when it has a rollup.
      const partial = await statistics({
        from: `${DAY1}T09:00:00.000Z`,
        to: `${DAY1}T12:00:00.000Z`,
        level: 'city',
      });
      expect(partial).toMatchObject({ total: 3, rolledUpDays: 0, scannedDays: 1 });
    });

    it('rolls up only days that ended over an hour ago, and may redo them', async () => {
      const counts = ok(await network.as(who.regulator).evaluate('audit:CountDay', [DAY1]));
      // CountDay counts over every collection and writes nothing.
      expect(counts).toEqual({
        day: DAY1,
        total: 5,
        regions: expect.any(Object) as object,
      });
      refused(
        await network
          .as(who.regulator, {
            at: '2026-11-23T00:59:59.999Z',
          })
          .submit('audit:RollupStatistics', [counts]),
        'RULE_VIOLATION',
      );
      ok(
        await network
          .as(who.regulator, {
            at: '2026-11-23T01:00:00.000Z',
          })
          .submit('audit:RollupStatistics', [counts]),
      );
      ok(
        await network
          .as(who.regulator, {
            at: '2026-11-24T01:00:00.000Z',
          })
          .submit('audit:RollupStatistics', [counts]),
      );
      for (const day of ['2026-02-30', '2026-11-22T00:00:00.000Z', '', '20261122']) {
        refused(
          await network.as(who.regulator).evaluate('audit:CountDay', [day]),
          'INVALID_ARGUMENT',
        );
        refused(
          await network.as(who.regulator).submit('audit:RollupStatistics', [{ ...counts, day }]),
          'INVALID_ARGUMENT',
        );
      }
    });

    it('keeps only counts of the shape CountDay gives, adding up (INVALID_ARGUMENT)', async () => {
      const counts = ok(await network.as(who.regulator).evaluate('audit:CountDay', [DAY1]));
      const region = counts.regions['330106'];
      if (region === undefined) throw new Error('no counts for 330106');
      const withRegion = (changed: Record<string, unknown>) => ({
        ...counts,
        regions: { ...counts.regions, '330106': { ...region, ...changed } },
      });
      const at = '2026-11-24T00:00:00.000Z';
      for (const [bad, message] of [
        [{ ...counts, total: counts.total + 1 }, /counts\.total/],
        [withRegion({ byPurpose: { ...region.byPurpose, treatment: 99 } }), /byPurpose/],
        [withRegion({ byDecision: { maybe: region.total } }), /byDecision\.maybe/],
        [withRegion({ byBreakGlass: { yes: region.total } }), /byBreakGlass/],
        [withRegion({ byCategory: {} }), /byCategory/],
        [withRegion({ byCategory: { 'x-ray': region.total } }), /byCategory/],
        [withRegion({ total: 0 }), /total/],
        [withRegion({ total: 1.5 }), /total/],
        [{ ...counts, regions: { '33010': region } }, /regions/],
        [{ ...counts, rolledUpAt: at }, /Unrecognized key/],
        [{ day: DAY1, total: 0 }, /regions/],
      ] as const) {
        refused(await network.as(who.regulator, { at }).submit('audit:RollupStatistics', [bad]), {
          code: 'INVALID_ARGUMENT',
          message,
        });
      }
      // An empty day is a valid rollup.
      const empty = { day: '2026-11-20', total: 0, regions: {} };
      expect(
        ok(await network.as(who.regulator).evaluate('audit:CountDay', ['2026-11-20'])),
      ).toEqual(empty);
      expect(
        ok(await network.as(who.regulator, { at }).submit('audit:RollupStatistics', [empty])),
      ).toMatchObject({ ...empty, rolledUpAt: at });
    });

    describe('GetOpenStatistics', () => {
      const open = async (input: Record<string, unknown>, caller = who.govAdmin) =>
        ok(
          await network
            .as(caller, { at: '2026-11-25T00:00:00.000Z' })
            .evaluate('audit:GetOpenStatistics', [input]),
        );
      const days = { from: DAY1, to: '2026-11-23' };
      const threshold = async (input: Record<string, unknown>) =>
        ok(await network.as(who.govAdmin).submit('cohort:SetResearchThreshold', [input]));

      it('counts by day, city and purpose, every cell given, no totals, no patient IDs', async () => {
        const plain = await open(days);
        // One city (every organization is in 330100), six purposes, two days.
        expect(plain.cells).toHaveLength(2 * 6);
        expect(Object.keys(plain).sort()).toEqual(['cells', 'from', 'to']);
        expect(plain.cells.every((cell) => cell.region === '330100')).toBe(true);
        expect(plain.cells.every((cell) => cell.lessThan === undefined)).toBe(true);
        expect(plain.cells.reduce((sum, cell) => sum + (cell.count ?? 0), 0)).toBe(8);
        const byPurpose: Record<string, number> = {};
        for (const cell of plain.cells)
          byPurpose[cell.purpose] = (byPurpose[cell.purpose] ?? 0) + (cell.count ?? 0);
        expect(byPurpose).toEqual({
          emergency: 2,
          insurance: 0,
          'public-health': 1,
          referral: 0,
          research: 1,
          treatment: 4,
        });
        expect(JSON.stringify(plain)).not.toContain('pid-');
        // The regulator may read them too; no other organization (its peer lacks the data).
        expect((await open(days, who.regulator)).cells).toEqual(plain.cells);
        refused(
          await network.as(who.tertiaryAdmin).evaluate('audit:GetOpenStatistics', [days]),
          'FORBIDDEN',
        );
        refused(
          await network.as(who.govAnalyst).evaluate('audit:GetOpenStatistics', [days]),
          'FORBIDDEN',
        );
      });

      it("suppresses every count below the city's threshold, the strictest set inside it included", async () => {
        const plain = (await open(days)).cells;
        await threshold({ region: '330100', minCohortSize: 3, ethicsApprovalRequired: false });
        const suppressed = (await open(days)).cells;
        expect(suppressed).toHaveLength(plain.length);
        plain.forEach((cell, index) => {
          const count = cell.count ?? -1;
          expect(suppressed[index]).toEqual(
            count < 3
              ? { day: cell.day, region: cell.region, purpose: cell.purpose, lessThan: 3 }
              : cell,
          );
        });
        // Zeros are suppressed too: an absent purpose is not told from a rare one.
        expect(suppressed.find((cell) => cell.purpose === 'insurance')).toMatchObject({
          lessThan: 3,
        });
        // A county inside the city with a larger minimum raises the city's floor.
        await threshold({ region: '330110', minCohortSize: 50, ethicsApprovalRequired: false });
        const strictest = (await open(days)).cells;
        expect(strictest.every((cell) => cell.lessThan === 50 && cell.count === undefined)).toBe(
          true,
        );
        // The channel-wide default applies where no region sets one.
        await threshold({ region: '330110', minCohortSize: 0, ethicsApprovalRequired: false });
        await threshold({ region: '330100', minCohortSize: 0, ethicsApprovalRequired: false });
        expect((await open(days)).cells).toEqual(plain);
      });

      it('answers the same from a rollup as from a scan', async () => {
        const scanned = await open(days);
        const counts = ok(await network.as(who.regulator).evaluate('audit:CountDay', [DAY1]));
        ok(
          await network
            .as(who.regulator, { at: '2026-11-24T00:00:00.000Z' })
            .submit('audit:RollupStatistics', [counts]),
        );
        expect(await open(days)).toEqual(scanned);
      });

      it('refuses malformed windows', async () => {
        for (const input of [
          { from: '2026-11-23', to: DAY1 },
          { from: '2026-10-01', to: '2026-11-01' },
          { from: '2026-11-22T00:00:00.000Z', to: '2026-11-23' },
          { from: '2026-02-30', to: '2026-03-01' },
          // A malformed last day after a good first one (its span is never measured).
          { from: DAY1, to: '2026-11-3' },
          { from: DAY1, to: '2026-11-23T00:00:00.000Z' },
          { from: DAY1, to: 'x'.repeat(5000) },
          { from: DAY1 },
          { ...days, level: 'city' },
        ]) {
          refused(
            await network.as(who.govAdmin).evaluate('audit:GetOpenStatistics', [input]),
            'INVALID_ARGUMENT',
          );
        }
        // 31 days, both included, is the longest window.
        expect((await open({ from: '2026-10-24', to: '2026-11-23' })).cells).toHaveLength(31 * 6);
      });
    });

    it('refuses malformed windows', async () => {
      for (const input of [
        { ...twoDays, level: 'street' },
        { from: twoDays.to, to: twoDays.from, level: 'city' },
        { from: '2025-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z', level: 'city' },
        { ...twoDays, level: 'city', region: '33010' },
        { ...twoDays, level: 'city', region: '000000' },
        { ...twoDays },
      ]) {
        refused(
          await network.as(who.regulator).evaluate('audit:GetStatistics', [input]),
          'INVALID_ARGUMENT',
        );
      }
    });
  });
});

describe('audit contract: ReviewEmergencyAccess', () => {
  let network: TestNetwork;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    await registerPatients(network, [1]);
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  const request = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    patientId: pid(1),
    purpose: 'treatment',
    categories: ['outpatient'],
    ...overrides,
  });
  const emergency = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    patientId: pid(1),
    categories: ['outpatient', 'medication'],
    reasonCode: 'UNCONSCIOUS_PATIENT',
    justificationHash: EMERGENCY_HASH,
    ...overrides,
  });

  it("takes a reviewed event off the queue, once; the regulator's review is recorded", async () => {
    const event = ok(
      await network
        .as(who.tertiaryClinician)
        .submit('access:RequestEmergencyAccess', [emergency()]),
    );
    const pending = ok(
      await network.as(who.regulator).evaluate('audit:QueryEmergencyReviews', ['']),
    );
    expect(pending.items.map((item) => item.eventId)).toEqual([event.eventId]);
    const result = await network
      .as(who.regulator)
      .submit('audit:ReviewEmergencyAccess', [
        event.eventId,
        { outcome: 'justified', commentHash: COMMENT_HASH },
      ]);
    expect(ok(result).emergency?.review).toEqual({
      status: 'reviewed',
      outcome: 'justified',
      reviewedAt: result.timestamp,
      reviewerIdHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      commentHash: COMMENT_HASH,
    });
    expect(result.event).toEqual({ name: 'EmergencyReviewed', payload: {} });
    expect(result.privateWrites.map((write) => write.collection)).toEqual([
      `org_${MSP.tertiary}`,
      `org_${MSP.tertiary}`,
    ]);
    expect(
      ok(await network.as(who.regulator).evaluate('audit:QueryEmergencyReviews', [''])).items,
    ).toEqual([]);
    refused(
      await network
        .as(who.regulator)
        .submit('audit:ReviewEmergencyAccess', [
          event.eventId,
          { outcome: 'unjustified', commentHash: COMMENT_HASH },
        ]),
      'CONFLICT',
    );
  });

  it('refuses reviews of unknown or ordinary events and malformed reviews', async () => {
    const ordinary = ok(
      await network.as(who.tertiaryClinician).submit('access:RequestAccess', [request()]),
    );
    refused(
      await network
        .as(who.regulator)
        .submit('audit:ReviewEmergencyAccess', [
          ordinary.eventId,
          { outcome: 'justified', commentHash: COMMENT_HASH },
        ]),
      'RULE_VIOLATION',
    );
    refused(
      await network
        .as(who.regulator)
        .submit('audit:ReviewEmergencyAccess', [
          'evt-000000000000000000000000',
          { outcome: 'justified', commentHash: COMMENT_HASH },
        ]),
      'EVENT_NOT_FOUND',
    );
    refused(
      await network
        .as(who.regulator)
        .submit('audit:ReviewEmergencyAccess', [
          ordinary.eventId,
          { outcome: 'fine', commentHash: COMMENT_HASH },
        ]),
      'INVALID_ARGUMENT',
    );
    refused(
      await network
        .as(who.regulator)
        .submit('audit:ReviewEmergencyAccess', [
          'evt-1',
          { outcome: 'justified', commentHash: COMMENT_HASH },
        ]),
      'INVALID_ARGUMENT',
    );
    // A review commits to a comment: none, or anything but a SHA-256, is refused (the comment
    // itself, free text, is not accepted on the ledger at all).
    const pending = ok(
      await network
        .as(who.tertiaryClinician)
        .submit('access:RequestEmergencyAccess', [emergency()]),
    );
    for (const review of [
      { outcome: 'justified' },
      { outcome: 'justified', commentHash: 'AB'.repeat(32) },
      { outcome: 'justified', commentHash: 'short' },
      { outcome: 'justified', commentHash: COMMENT_HASH, comment: 'the patient was unconscious' },
    ]) {
      refused(
        await network
          .as(who.regulator)
          .submit('audit:ReviewEmergencyAccess', [pending.eventId, review]),
        { code: 'INVALID_ARGUMENT', message: /review/ },
      );
    }
  });
});
