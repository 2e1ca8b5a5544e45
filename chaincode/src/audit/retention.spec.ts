import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  collectionFor,
  DEFAULT_RETENTION_POLICY,
  RETENTION_POLICY_FILE,
  type AccessEvent,
} from '@consent-ledger/ledger-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { unmarshal } from '../ledger/marshal';
import { loadRetentionPolicy } from '../ledger/retention';
import {
  bootstrap,
  consentInput,
  grant,
  MSP,
  nth,
  ok,
  patientClient,
  pid,
  refused,
  registerPatients,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type TestNetwork } from '../testing/harness';
import { createCompositeKey } from '../testing/in-memory-ledger';

const HOME = `org_${MSP.tertiary}`;
const PAIR = collectionFor(MSP.tertiary, MSP.community);
/** Ten years and a day after the data: past every default retention period. */
const LATER = '2036-12-01T00:00:00.000Z';

describe('retention policy', () => {
  it('is the file at the package root, else the defaults; an invalid file stops the chaincode', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'retention-'));
    try {
      expect(loadRetentionPolicy(directory)).toEqual(DEFAULT_RETENTION_POLICY);
      expect(DEFAULT_RETENTION_POLICY).toEqual({
        accessEvent: 3650,
        consent: 1825,
        referral: 1825,
      });
      const file = path.join(directory, RETENTION_POLICY_FILE);
      writeFileSync(file, JSON.stringify({ accessEvent: 30, consent: 7, referral: 1 }));
      expect(loadRetentionPolicy(directory)).toEqual({ accessEvent: 30, consent: 7, referral: 1 });
      for (const bad of [
        '{"accessEvent": 30, "consent": 7}',
        '{"accessEvent": 30, "consent": 7, "referral": 0}',
        '{"accessEvent": 30, "consent": 7, "referral": 1.5}',
        '{"accessEvent": 30, "consent": 7, "referral": 1, "photos": 3}',
        '[]',
        'not json',
      ]) {
        writeFileSync(file, bad);
        expect(() => loadRetentionPolicy(directory), bad).toThrow(/is not a retention policy/);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('is served to every member', async () => {
    const network = createTestNetwork();
    await bootstrap(network);
    for (const caller of [who.researcher, who.tertiaryClinician, who.regulator]) {
      expect(ok(await network.as(caller).evaluate('audit:GetRetentionPolicy'))).toEqual(
        DEFAULT_RETENTION_POLICY,
      );
    }
  });
});

describe('audit:PurgeExpired', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  let events: AccessEvent[];
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    alice = nth(await registerPatients(network, [1]), 0);
    await grant(network, { patient: alice });
    events = [];
    for (const caller of [who.tertiaryClinician, who.communityClinician, who.tertiaryClinician]) {
      events.push(
        ok(
          await network
            .as(caller)
            .submit('access:RequestAccess', [
              { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] },
            ]),
        ),
      );
    }
  });

  const find = (order: Record<string, unknown>, at = LATER, caller = who.regulator) =>
    network.as(caller, { at }).evaluate('audit:FindExpired', [order]);
  /** The two steps, as the regulator makes them: FindExpired (evaluate), then PurgeExpired. */
  const purge = async (order: Record<string, unknown>, at = LATER, caller = who.regulator) => {
    const found = await find(order, at, caller);
    if (!found.ok) return found;
    const { collection, kind, before, ids } = ok(found);
    return network
      .as(caller, { at })
      .submit('audit:PurgeExpired', [{ collection, kind, before, ids }]);
  };
  const purgeList = (list: Record<string, unknown>, at = LATER, caller = who.regulator) =>
    network.as(caller, { at }).submit('audit:PurgeExpired', [list]);

  it("erases a kind's items ended before the cut-off from one collection, with a receipt for each patient", async () => {
    const result = await purge({
      collection: HOME,
      kind: 'accessEvent',
      before: '2026-12-01T00:00:00.000Z',
    });
    expect(ok(result)).toEqual({ collection: HOME, kind: 'accessEvent', purged: 2, more: false });
    expect(result.event).toEqual({
      name: 'DataPurged',
      payload: { collection: HOME, kind: 'accessEvent', purged: 2, more: false },
    });
    const [first, inPair, third] = events as [AccessEvent, AccessEvent, AccessEvent];
    for (const event of [first, third]) {
      refused(
        await network.as(who.regulator).evaluate('audit:GetAccessEvent', [event.eventId]),
        'EVENT_NOT_FOUND',
      );
      expect(
        network.ledger.privateHash(HOME, createCompositeKey('evt', [event.eventId])),
      ).toBeUndefined();
      expect(network.ledger.privateKeys(HOME).filter((key) => key.includes(event.eventId))).toEqual(
        [],
      );
    }
    // The other collection is not touched: one kind, one collection per order.
    ok(await network.as(who.regulator).evaluate('audit:GetAccessEvent', [inPair.eventId]));
    const receipts = ok(
      await network
        .as(who.tertiaryAdmin, { at: LATER })
        .evaluate('patient:QueryErasures', [pid(1)]),
    );
    expect(receipts).toEqual([
      {
        patientId: pid(1),
        kind: 'retention',
        subject: 'accessEvent before 2026-12-01T00:00:00.000Z',
        erasedAt: LATER,
        txId: result.txId,
        requestedBy: { kind: 'org', id: MSP.gov },
        salt: expect.any(String) as string,
      },
    ]);
  });

  it('finds at most `limit` items, says whether some are left, and erases what it found', async () => {
    const order = {
      collection: HOME,
      kind: 'accessEvent',
      before: LATER.replace('2036', '2026'),
      limit: 1,
    };
    const found = await find(order);
    expect(ok(found)).toEqual({
      collection: HOME,
      kind: 'accessEvent',
      before: order.before,
      ids: [events[0]?.eventId],
      more: true,
    });
    // Finding writes nothing.
    expect(found.privateWrites).toEqual([]);
    const first = ok(await purge(order));
    expect(first).toMatchObject({ purged: 1, more: false });
    expect(ok(await find(order, '2036-12-02T00:00:00.000Z'))).toMatchObject({
      ids: [events[2]?.eventId],
      more: false,
    });
    const second = ok(await purge(order, '2036-12-02T00:00:00.000Z'));
    expect(second).toMatchObject({ purged: 1, more: false });
    expect(ok(await find(order, '2036-12-03T00:00:00.000Z'))).toMatchObject({
      ids: [],
      more: false,
    });
  });

  it('checks every item again by its key before erasing it, by point reads only', async () => {
    const [first, inPair, third] = events as [AccessEvent, AccessEvent, AccessEvent];
    const before = '2026-12-01T00:00:00.000Z';
    const result = await purgeList({
      collection: HOME,
      kind: 'accessEvent',
      before,
      // Held in another collection; unknown; the first two are due.
      ids: [inPair.eventId, 'evt-000000000000000000000000', first.eventId, third.eventId],
    });
    expect(ok(result)).toMatchObject({ purged: 2 });
    expect(result.privateReads.filter((read) => read.kind === 'range')).toEqual([]);
    ok(await network.as(who.regulator).evaluate('audit:GetAccessEvent', [inPair.eventId]));
    // Ended after the cut-off: left as it is (and no receipt).
    const late = ok(
      await network
        .as(who.tertiaryClinician, { at: '2026-12-05T00:00:00.000Z' })
        .submit('access:RequestAccess', [
          { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] },
        ]),
    );
    const kept = await purgeList({
      collection: HOME,
      kind: 'accessEvent',
      before,
      ids: [late.eventId],
    });
    expect(ok(kept)).toMatchObject({ purged: 0 });
    expect(kept.privateWrites).toEqual([]);
    ok(await network.as(who.regulator).evaluate('audit:GetAccessEvent', [late.eventId]));
    // An ID of another kind, no IDs, too many: INVALID_ARGUMENT.
    for (const ids of [
      [late.eventId.replace('evt-', 'con-')],
      [],
      Array.from({ length: 501 }, (_, i) => `evt-${i.toString(16).padStart(24, '0')}`),
    ]) {
      refused(
        await purgeList({ collection: HOME, kind: 'accessEvent', before, ids }),
        'INVALID_ARGUMENT',
      );
    }
  });

  it('erases revoked and expired consents and closed referrals past their retention', async () => {
    const consent = await grant(network, {
      patient: alice,
      input: consentInput({
        grantee: { org: MSP.community },
        validUntil: '2027-01-01T00:00:00.000Z',
      }),
    });
    const active = await grant(network, {
      patient: alice,
      input: consentInput({ grantee: { org: MSP.community } }),
    });
    const referral = ok(
      await network.as(who.tertiaryClinician).submit('referral:CreateReferral', [
        {
          patientId: pid(1),
          toOrg: MSP.community,
          categories: ['outpatient'],
          validUntil: '2026-12-22T00:00:00.000Z',
        },
      ]),
    );
    ok(
      await network
        .as(who.communityClinician)
        .submit('referral:CloseReferral', [referral.referralId]),
    );
    const at = '2032-06-01T00:00:00.000Z';
    expect(
      ok(
        await purge({ collection: PAIR, kind: 'consent', before: '2027-06-01T00:00:00.000Z' }, at),
      ),
    ).toMatchObject({ purged: 1, more: false });
    refused(
      await network.as(who.regulator, { at }).evaluate('consent:GetConsent', [consent.consentId]),
      'CONSENT_NOT_FOUND',
    );
    // An open-ended active consent never ends, and is never erased for retention.
    ok(await network.as(who.regulator, { at }).evaluate('consent:GetConsent', [active.consentId]));
    // The expired consent left the set document the community hospital's decisions read.
    const set = network.ledger.privateGet(
      PAIR,
      createCompositeKey('con~set', [pid(1), MSP.community]),
    );
    expect(unmarshal(set ?? new Uint8Array())).toMatchObject({ ids: [active.consentId] });
    // A closed referral left its set when it was closed: the set is gone.
    expect(
      network.ledger.privateGet(PAIR, createCompositeKey('ref~set', [pid(1), MSP.community])),
    ).toBeUndefined();
    expect(
      ok(
        await purge({ collection: PAIR, kind: 'referral', before: '2027-01-01T00:00:00.000Z' }, at),
      ),
    ).toMatchObject({ purged: 1 });
    refused(
      await network
        .as(who.regulator, { at })
        .evaluate('referral:GetReferral', [referral.referralId]),
      'REFERRAL_NOT_FOUND',
    );
  });

  it('refuses a cut-off inside the retention period, nothing erased (FORBIDDEN)', async () => {
    for (const [order, at] of [
      [
        {
          collection: HOME,
          kind: 'accessEvent',
          before: '2026-12-01T00:00:00.000Z',
          ids: [events[0]?.eventId],
        },
        '2036-11-01T00:00:00.000Z',
      ],
      [
        { collection: PAIR, kind: 'consent', before: '2026-12-01T00:00:00.000Z' },
        '2031-11-01T00:00:00.000Z',
      ],
      [
        { collection: PAIR, kind: 'referral', before: '2026-12-01T00:00:00.000Z' },
        '2027-01-01T00:00:00.000Z',
      ],
    ] as const) {
      const { ids, ...findOrder } = order as typeof order & { ids?: unknown };
      refused(await find(findOrder, at), { code: 'FORBIDDEN', message: /is kept \d+ days/ });
      const someId = `${{ accessEvent: 'evt', consent: 'con', referral: 'ref' }[order.kind]}-${'0'.repeat(24)}`;
      const result = await purgeList({ ...findOrder, ids: ids ?? [someId] }, at);
      refused(result, { code: 'FORBIDDEN', message: /is kept \d+ days/ });
      expect(result.privateWrites).toEqual([]);
    }
    ok(
      await network.as(who.regulator).evaluate('audit:GetAccessEvent', [events[0]?.eventId ?? '']),
    );
  });

  it('is for the regulator only, on a collection of the channel, with a well-formed order', async () => {
    const order = { collection: HOME, kind: 'accessEvent', before: '2026-12-01T00:00:00.000Z' };
    const list = { ...order, ids: [events[0]?.eventId] };
    for (const caller of [who.govAdmin, who.tertiaryAdmin]) {
      refused(await purge(order, LATER, caller), { code: 'FORBIDDEN', message: /may not call/ });
      refused(await purgeList(list, LATER, caller), { code: 'FORBIDDEN', message: /may not call/ });
    }
    refused(await purge({ ...order, collection: 'pair_GovMSP_TertiaryHospitalMSP' }), {
      code: 'INVALID_ARGUMENT',
      message: /not a collection of this channel/,
    });
    refused(await purgeList({ ...list, collection: 'pair_GovMSP_TertiaryHospitalMSP' }), {
      code: 'INVALID_ARGUMENT',
      message: /not a collection of this channel/,
    });
    for (const bad of [
      { ...list, kind: 'photos' },
      { ...list, before: '2026-12-01' },
      { ...list, limit: 1 },
      { ...list, collection: 'org_' },
      { ...list, ids: 'evt-1' },
    ]) {
      refused(await purgeList(bad), 'INVALID_ARGUMENT');
    }
    for (const bad of [
      { ...order, kind: 'photos' },
      { ...order, before: '2026-12-01' },
      { ...order, limit: 0 },
      { ...order, limit: 501 },
      { ...order, collection: 'org_' },
      { ...order, extra: true },
    ]) {
      refused(await purge(bad), 'INVALID_ARGUMENT');
    }
  });

  it("leaves the history's hashes: what was written before stays in the blocks", async () => {
    const key = createCompositeKey('evt', [events[0]?.eventId ?? '']);
    const before = network.ledger.privateHistory().filter((write) => write.key === key);
    expect(before).toHaveLength(1);
    ok(await purge({ collection: HOME, kind: 'accessEvent', before: '2026-12-01T00:00:00.000Z' }));
    const after = network.ledger.privateHistory().filter((write) => write.key === key);
    expect(after.map((write) => write.purge)).toEqual([false, true]);
    // A patient's signed action is still refused for what it can no longer find.
    refused(
      await patientClient(network, { ...alice, at: LATER }).submit('consent:RevokeConsent', {
        consentId: 'con-000000000000000000000000',
        expectedVersion: 1,
      }),
      'CONSENT_NOT_FOUND',
    );
  });
});
