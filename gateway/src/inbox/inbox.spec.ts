import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxItem, InboxPage } from '@consent-ledger/ledger-api';
import {
  EVENT_STORE,
  createEventStore,
  type EventStore,
  type IncomingEvent,
} from '../events/event.store.js';
import { openDatabase, type Database } from '../storage/database.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { inboxChangesOf } from './inbox-changes.js';
import { InboxService } from './inbox.service.js';
import { createInboxStore, type InboxStore } from './inbox.store.js';

const HOME = 'TertiaryHospitalMSP';
const OTHER = 'CommunityHospitalMSP';
const PATIENT = 'pid-abcdefghijklmnop';
const STRANGER = 'pid-qrstuvwxyzabcdef';
const NOW = new Date('2026-12-06T12:00:00.000Z');
const DAY = 86_400_000;
const SWEEP = { now: NOW, warnDays: 14, keepReadDays: 365 } as const;

let blockNumber = 0n;
let txCounter = 0;

function access(
  patientId: string,
  options: Readonly<{ breakGlass: boolean; home?: string; eventId?: string }>,
): IncomingEvent {
  txCounter += 1;
  return {
    txId: `tx-${String(txCounter)}`,
    eventName: 'AccessRecorded',
    payload: {
      eventId: options.eventId ?? `evt-${String(txCounter).padStart(24, '0')}`,
      patientId,
      accessorOrg: OTHER,
      purpose: options.breakGlass ? 'emergency' : 'treatment',
      categories: ['imaging'],
      decision: 'permit',
      reason: options.breakGlass ? 'BREAK_GLASS' : 'PERMITTED_BY_CONSENT',
      breakGlass: options.breakGlass,
      timestamp: '2026-12-06T08:00:00.000Z',
    },
    context: { patientHome: options.home ?? HOME },
  };
}

function consent(
  name: 'ConsentGranted' | 'ConsentUpdated' | 'ConsentRevoked',
  options: Readonly<{ consentId: string; version: number; validUntil?: string; home?: string }>,
): IncomingEvent {
  txCounter += 1;
  return {
    txId: `tx-${String(txCounter)}`,
    eventName: name,
    payload: {
      consentId: options.consentId,
      patientId: PATIENT,
      provision: 'permit',
      granteeOrg: OTHER,
      status: name === 'ConsentRevoked' ? 'revoked' : 'active',
      change:
        name === 'ConsentRevoked' ? 'revoked' : name === 'ConsentUpdated' ? 'updated' : 'granted',
      version: options.version,
      ...(options.validUntil === undefined ? {} : { validUntil: options.validUntil }),
      timestamp: '2026-12-06T08:00:00.000Z',
    },
    context: { patientHome: options.home ?? HOME },
  };
}

function request(
  name: 'ConsentRequested' | 'ConsentRequestAnswered',
  status: string,
  requestId = 'req-000000000000000000000001',
): IncomingEvent {
  txCounter += 1;
  return {
    txId: `tx-${String(txCounter)}`,
    eventName: name,
    payload: {
      requestId,
      patientId: PATIENT,
      requesterOrg: 'EnterpriseMSP',
      status,
      ...(status === 'approved' ? { consentId: 'con-000000000000000000000009' } : {}),
      timestamp: '2026-12-06T09:00:00.000Z',
    },
    context: { patientHome: HOME },
  };
}

function kindsOf(items: readonly InboxItem[]): string[] {
  return items.map((item) => item.kind);
}

describe('the inbox store, fed by stored ledger events', () => {
  let db: Database;
  let events: EventStore;
  let store: InboxStore;

  /** Stores a block and applies what the inbox has not applied yet (what the service does). */
  function feed(...incoming: IncomingEvent[]): void {
    blockNumber += 1n;
    events.appendBlock({ blockNumber, events: incoming });
    const batch = events.after(store.cursor(), { all: true });
    const last = batch.at(-1);
    if (last !== undefined) store.apply(batch.flatMap(inboxChangesOf), last.seq);
  }

  const itemsOf = (patientId: string): InboxItem[] =>
    store.page({ patientId, unreadOnly: false, pageSize: 100 });

  beforeEach(() => {
    db = openDatabase(':memory:');
    events = createEventStore(db);
    store = createInboxStore(db, HOME);
  });

  afterEach(() => {
    db.close();
  });

  it('keeps a break-glass access to a patient homed here, with its review, and nothing for others', () => {
    feed(
      access(PATIENT, { breakGlass: true, eventId: 'evt-000000000000000000000001' }),
      access(PATIENT, { breakGlass: false }),
      access(STRANGER, { breakGlass: true, home: OTHER }),
    );
    const [item] = itemsOf(PATIENT);
    expect(itemsOf(PATIENT)).toHaveLength(1);
    expect(item).toMatchObject({
      kind: 'break-glass',
      patientId: PATIENT,
      time: '2026-12-06T08:00:00.000Z',
      details: {
        eventId: 'evt-000000000000000000000001',
        accessorOrg: OTHER,
        purpose: 'emergency',
      },
    });
    expect(item?.readAt).toBeUndefined();
    expect(itemsOf(STRANGER)).toEqual([]);
    expect(store.counts(PATIENT)).toEqual({
      unread: 1,
      byKind: { 'break-glass': 1, 'consent-request': 0, 'consent-expiring': 0, erasure: 0 },
    });

    feed({
      txId: 'tx-review',
      eventName: 'EmergencyReviewed',
      payload: {
        eventId: 'evt-000000000000000000000001',
        accessorOrg: OTHER,
        outcome: 'justified',
        reviewedAt: '2026-12-07T00:00:00.000Z',
      },
    });
    expect(itemsOf(PATIENT)[0]?.details).toMatchObject({ review: 'justified' });
    // Reviewed, not read: the patient has still to see it.
    expect(store.counts(PATIENT).unread).toBe(1);
  });

  it('follows a consent request: answered by the patient it is read, withdrawn it stays unread', () => {
    feed(request('ConsentRequested', 'open'));
    expect(itemsOf(PATIENT)).toMatchObject([
      { kind: 'consent-request', details: { status: 'open', requesterOrg: 'EnterpriseMSP' } },
    ]);
    feed(request('ConsentRequestAnswered', 'approved'));
    const [answered] = itemsOf(PATIENT);
    expect(answered?.details).toMatchObject({
      status: 'approved',
      consentId: 'con-000000000000000000000009',
    });
    expect(answered?.readAt).toBeDefined();

    const second = 'req-000000000000000000000002';
    feed(request('ConsentRequested', 'open', second));
    feed(request('ConsentRequestAnswered', 'withdrawn', second));
    const withdrawn = itemsOf(PATIENT).find(
      (item) => item.kind === 'consent-request' && item.details.requestId === second,
    );
    expect(withdrawn?.details).toMatchObject({ status: 'withdrawn' });
    expect(withdrawn?.readAt).toBeUndefined();
  });

  it('warns of a consent ending within the window once, again after an extension, never after a revocation', () => {
    const soon = new Date(NOW.getTime() + 3 * DAY).toISOString();
    const later = new Date(NOW.getTime() + 60 * DAY).toISOString();
    feed(
      consent('ConsentGranted', { consentId: 'con-a', version: 1, validUntil: soon }),
      consent('ConsentGranted', { consentId: 'con-b', version: 1, validUntil: later }),
      consent('ConsentGranted', { consentId: 'con-c', version: 1, validUntil: soon }),
      consent('ConsentGranted', { consentId: 'con-d', version: 1 }),
      consent('ConsentGranted', { consentId: 'con-e', version: 1, validUntil: soon, home: OTHER }),
    );
    feed(consent('ConsentRevoked', { consentId: 'con-c', version: 2, validUntil: soon }));
    expect(store.sweep(SWEEP)).toBe(1);
    expect(store.sweep(SWEEP)).toBe(0);
    expect(itemsOf(PATIENT)).toMatchObject([
      {
        kind: 'consent-expiring',
        time: NOW.toISOString(),
        details: { consentId: 'con-a', version: 1, granteeOrg: OTHER, validUntil: soon },
      },
    ]);

    // con-a extended, and its new end comes near in its turn: a second warning.
    const extended = new Date(NOW.getTime() + 40 * DAY).toISOString();
    feed(consent('ConsentUpdated', { consentId: 'con-a', version: 2, validUntil: extended }));
    const inFiveWeeks = new Date(NOW.getTime() + 35 * DAY);
    expect(store.sweep({ ...SWEEP, now: inFiveWeeks })).toBe(1);
    expect(store.sweep({ ...SWEEP, now: new Date(NOW.getTime() + 50 * DAY) })).toBe(1); // con-b
    expect(
      itemsOf(PATIENT)
        .filter(
          (item): item is Extract<InboxItem, { kind: 'consent-expiring' }> =>
            item.kind === 'consent-expiring',
        )
        .map((item) => item.details.consentId),
    ).toEqual(['con-b', 'con-a', 'con-a']);
  });

  it('keeps erasures: a consent erased, and retention erasures for patients known to be homed here', () => {
    feed(access(PATIENT, { breakGlass: false }));
    feed({
      txId: 'tx-erase',
      eventName: 'ConsentErased',
      payload: { consentId: 'con-x', patientId: PATIENT, timestamp: '2026-12-06T10:00:00.000Z' },
      context: { patientHome: HOME },
    });
    feed({
      txId: 'tx-purge',
      eventName: 'DataPurged',
      payload: {
        collection: 'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
        kind: 'accessEvent',
        purged: 3,
        more: false,
      },
      context: {
        erased: { patientIds: [PATIENT, STRANGER], erasedAt: '2026-12-06T11:00:00.000Z' },
      },
    });
    expect(itemsOf(PATIENT)).toMatchObject([
      {
        kind: 'erasure',
        txId: 'tx-purge',
        details: { kind: 'retention', retentionKind: 'accessEvent' },
      },
      { kind: 'erasure', txId: 'tx-erase', details: { kind: 'consent', consentId: 'con-x' } },
    ]);
    // STRANGER was never seen homed here (the pair collection is also the other hospital's).
    expect(itemsOf(STRANGER)).toEqual([]);
  });

  it('applies each event once: the cursor moves with the changes, a replay adds nothing', () => {
    feed(access(PATIENT, { breakGlass: true }));
    const cursor = store.cursor();
    expect(cursor).toBeGreaterThan(0);
    const all = events.after(0, { all: true });
    store.apply(all.flatMap(inboxChangesOf), cursor);
    expect(itemsOf(PATIENT)).toHaveLength(1);
    expect(store.cursor()).toBe(cursor);
  });

  it('pages newest first, marks read one or all up to a point, and drops long-read items only', () => {
    for (let i = 0; i < 5; i += 1) feed(access(PATIENT, { breakGlass: true }));
    const all = itemsOf(PATIENT);
    const ids = all.map((item) => item.itemId);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const firstPage = store.page({ patientId: PATIENT, unreadOnly: false, pageSize: 2 });
    expect(firstPage).toHaveLength(3); // one more than asked: more exist
    const newest = ids[0] ?? 0;
    const oldest = ids.at(-1) ?? 0;

    expect(store.markRead(STRANGER, newest, NOW)).toBeUndefined();
    expect(store.markRead(PATIENT, newest, NOW)?.readAt).toBe(NOW.toISOString());
    // Marked again later, it keeps the time it was first read.
    expect(store.markRead(PATIENT, newest, new Date(NOW.getTime() + DAY))?.readAt).toBe(
      NOW.toISOString(),
    );
    expect(store.markAllRead(PATIENT, NOW, oldest)).toBe(1);
    expect(store.page({ patientId: PATIENT, unreadOnly: true, pageSize: 10 })).toHaveLength(3);
    expect(store.counts(PATIENT).unread).toBe(3);

    // A year and a day on, the read items go; the unread ones stay however old.
    store.sweep({ ...SWEEP, now: new Date(NOW.getTime() + 366 * DAY) });
    expect(itemsOf(PATIENT)).toHaveLength(3);
    expect(itemsOf(PATIENT).every((item) => item.readAt === undefined)).toBe(true);
  });
});

describe('GET /inbox and its marks, through the gateway', () => {
  let testApp: TestApp;

  beforeEach(async () => {
    testApp = await createTestApp();
  });

  afterEach(async () => {
    await testApp.close();
  });

  function store(...incoming: IncomingEvent[]): void {
    blockNumber += 1n;
    testApp.app.get<EventStore>(EVENT_STORE).appendBlock({ blockNumber, events: incoming });
    testApp.app.get(InboxService).catchUp();
  }

  it("answers the patient's own items and counts, marks them read, and refuses everyone else", async () => {
    const token = await testApp.patient({ username: 'inbox-patient', patientId: PATIENT });
    const other = await testApp.patient({ username: 'inbox-other', patientId: STRANGER });
    const clinician = await testApp.user({ username: 'inbox-clinician', role: 'clinician' });
    store(
      access(PATIENT, { breakGlass: true }),
      access(PATIENT, { breakGlass: true }),
      request('ConsentRequested', 'open', 'req-000000000000000000000077'),
    );

    const page = await testApp.http().get('/inbox?pageSize=2').auth(token, { type: 'bearer' });
    expect(page.status).toBe(200);
    const body = page.body as InboxPage;
    expect(kindsOf(body.items)).toEqual(['consent-request', 'break-glass']);
    expect(body.counts.unread).toBe(3);
    expect(body.bookmark).toBeDefined();
    const next = await testApp
      .http()
      .get(`/inbox?pageSize=2&bookmark=${String(body.bookmark)}`)
      .auth(token, { type: 'bearer' });
    expect(kindsOf((next.body as InboxPage).items)).toEqual(['break-glass']);
    expect((next.body as InboxPage).bookmark).toBeUndefined();

    const [first] = body.items;
    const itemId = String(first?.itemId);
    const notTheirs = await testApp
      .http()
      .post(`/inbox/${itemId}/read`)
      .auth(other, { type: 'bearer' });
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body).toMatchObject({ code: 'NOT_FOUND' });
    const read = await testApp.http().post(`/inbox/${itemId}/read`).auth(token, { type: 'bearer' });
    expect(read.status).toBe(200);
    expect((read.body as InboxItem).readAt).toBeDefined();
    const unread = await testApp.http().get('/inbox/unread').auth(token, { type: 'bearer' });
    expect(unread.body).toMatchObject({
      unread: 2,
      byKind: { 'break-glass': 2, 'consent-request': 0 },
    });
    const all = await testApp
      .http()
      .post('/inbox/read-all')
      .send({})
      .auth(token, { type: 'bearer' });
    expect(all.body).toMatchObject({ marked: 2, counts: { unread: 0 } });
    const onlyUnread = await testApp
      .http()
      .get('/inbox?unread=true')
      .auth(token, { type: 'bearer' });
    expect((onlyUnread.body as InboxPage).items).toEqual([]);
    const strangers = await testApp.http().get('/inbox').auth(other, { type: 'bearer' });
    expect((strangers.body as InboxPage).items).toEqual([]);

    const staff = await testApp.http().get('/inbox').auth(clinician, { type: 'bearer' });
    expect(staff.status).toBe(403);
    expect(staff.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await testApp.http().get('/inbox')).status).toBe(401);
  });

  it('refuses bad input with a coded 400', async () => {
    const token = await testApp.patient({ username: 'inbox-bad-input', patientId: PATIENT });
    for (const [method, url, body] of [
      ['get', '/inbox?bookmark=abc', undefined],
      ['get', '/inbox?bookmark=0', undefined],
      ['get', '/inbox?unread=maybe', undefined],
      ['get', '/inbox?pageSize=0', undefined],
      ['post', '/inbox/abc/read', undefined],
      ['post', '/inbox/0/read', undefined],
      ['post', '/inbox/read-all', { upTo: 'x' }],
      ['post', '/inbox/read-all', { upTo: 0 }],
      ['post', '/inbox/read-all', { everything: true }],
    ] as const) {
      const call =
        method === 'get'
          ? testApp.http().get(url)
          : testApp
              .http()
              .post(url)
              .send(body ?? {});
      const response = await call.auth(token, { type: 'bearer' });
      expect({
        url,
        body,
        status: response.status,
        code: (response.body as { code?: string }).code,
      }).toEqual({
        url,
        body,
        status: 400,
        code: 'INVALID_ARGUMENT',
      });
    }
  });
});
