import type { MessageEvent } from '@nestjs/common';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePrivateBlock } from '../ledger/private-block.js';
import { openDatabase } from '../storage/database.js';
import { compositeKey, testBlock, type TestTransaction } from '../testing/blocks.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { patientSession, principal, regulator } from '../testing/principals.js';
import { createEventStore, subjectsOf } from './event.store.js';
import { EventsService, parseLastEventId, visibilityOf } from './events.service.js';
import { ledgerEventsOf } from './ledger-event.builder.js';
import { LedgerEventsListener } from './ledger-events.listener.js';

const PATIENT = 'pid-abcdefghijklmnop';
const PAIR = 'pair_CommunityHospitalMSP_TertiaryHospitalMSP';
const SALT = Uint8Array.of(7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7);

/** An access event as the chaincode stores it (ledger-api AccessEvent). */
function accessEvent(eventId: string, txId: string, extra: object = {}): object {
  return {
    eventId,
    patientId: PATIENT,
    patientHome: 'TertiaryHospitalMSP',
    accessor: { org: 'CommunityHospitalMSP', role: 'clinician', idHash: 'ab'.repeat(32) },
    accessorRegion: { province: '330000' },
    purpose: 'treatment',
    categories: ['imaging'],
    recordIds: [],
    decision: 'permit',
    reason: 'PERMITTED_BY_CONSENT',
    consentIds: ['con-000000000000000000000001'],
    breakGlass: false,
    timestamp: '2026-12-06T08:00:00.000Z',
    txId,
    salt: 'c2FsdHNhbHRzYWx0c2FsdA',
    ...extra,
  };
}

/** A consent as the chaincode stores it (ledger-api Consent). */
function consent(consentId: string, extra: object = {}): object {
  return {
    consentId,
    patientId: PATIENT,
    patientHome: 'TertiaryHospitalMSP',
    provision: 'deny',
    categories: ['genomic'],
    validFrom: '2026-12-06T08:00:00.000Z',
    exceptions: [],
    status: 'active',
    version: 1,
    createdAt: '2026-12-06T08:00:00.000Z',
    updatedAt: '2026-12-06T08:00:00.000Z',
    signedBy: { kind: 'patient', id: PATIENT },
    txId: 'tx-consent',
    salt: 'c2FsdHNhbHRzYWx0c2FsdA',
    ...extra,
  };
}

/** What a tertiary-hospital peer holds of a block of every kind of transaction. */
const TRANSACTIONS: readonly TestTransaction[] = [
  {
    txId: 'tx-access',
    eventName: 'AccessRecorded',
    privateWrites: [
      {
        collection: PAIR,
        key: compositeKey('evt', 'evt-000000000000000000000001'),
        value: accessEvent('evt-000000000000000000000001', 'tx-access'),
      },
      {
        collection: PAIR,
        key: compositeKey('evt~pat', PATIENT, '2026-12-06T08:00:00.000Z', 'evt-1'),
        value: SALT,
      },
    ],
  },
  {
    // A deny to everyone: one copy in the home's collection and in each pair.
    txId: 'tx-deny',
    eventName: 'ConsentGranted',
    privateWrites: [
      {
        collection: 'org_TertiaryHospitalMSP',
        key: compositeKey('con', 'con-000000000000000000000002'),
        value: consent('con-000000000000000000000002'),
      },
      {
        collection: PAIR,
        key: compositeKey('con', 'con-000000000000000000000002'),
        value: consent('con-000000000000000000000002'),
      },
    ],
  },
  // An access whose private data only other organizations hold: nothing here.
  { txId: 'tx-elsewhere', eventName: 'AccessRecorded' },
  {
    txId: 'tx-invalid',
    eventName: 'AccessRecorded',
    valid: false,
    privateWrites: [
      {
        collection: PAIR,
        key: compositeKey('evt', 'evt-000000000000000000000009'),
        value: accessEvent('evt-000000000000000000000009', 'tx-invalid'),
      },
    ],
  },
  {
    txId: 'tx-anchor',
    eventName: 'RecordAnchored',
    eventPayload: {
      recordId: 'emr-1',
      version: 1,
      owner: 'TertiaryHospitalMSP',
      sha256: 'a'.repeat(64),
      timestamp: '2026-12-06T08:00:00.000Z',
    },
  },
  { txId: 'tx-other-chaincode', chaincode: 'another', eventName: 'AccessRecorded' },
  { txId: 'tx-unknown-event', eventName: 'SomethingElse' },
  {
    txId: 'tx-referral',
    eventName: 'ReferralClosed',
    privateWrites: [
      {
        collection: PAIR,
        key: compositeKey('ref', 'ref-000000000000000000000001'),
        value: {
          referralId: 'ref-000000000000000000000001',
          patientId: PATIENT,
          patientHome: 'TertiaryHospitalMSP',
          fromOrg: 'TertiaryHospitalMSP',
          toOrg: 'CommunityHospitalMSP',
          categories: ['imaging'],
          validUntil: '2027-01-01T00:00:00.000Z',
          status: 'closed',
          createdAt: '2026-12-01T00:00:00.000Z',
          createdBy: 'a'.repeat(64),
          closedAt: '2026-12-06T09:00:00.000Z',
          txId: 'tx-referral',
          salt: 'c2FsdHNhbHRzYWx0c2FsdA',
        },
      },
    ],
  },
  {
    txId: 'tx-binding',
    eventName: 'PatientBindingChanged',
    privateWrites: [
      {
        collection: 'org_TertiaryHospitalMSP',
        key: compositeKey('pat', PATIENT),
        value: {
          patientId: PATIENT,
          home: 'TertiaryHospitalMSP',
          status: 'active',
          keys: [],
          guardians: [],
          version: 3,
          createdAt: '2026-12-01T00:00:00.000Z',
          updatedAt: '2026-12-06T00:00:00.000Z',
          txId: 'tx-binding',
          salt: 'c2FsdHNhbHRzYWx0c2FsdA',
        },
      },
      {
        collection: 'org_TertiaryHospitalMSP',
        key: compositeKey('pat~ver', PATIENT, '0000000003'),
        value: {
          version: 3,
          change: 'device-added',
          by: { kind: 'patient', id: PATIENT },
          txId: 'tx-binding',
          time: '2026-12-06T00:00:00.000Z',
        },
      },
    ],
  },
  {
    txId: 'tx-erased',
    eventName: 'ConsentErased',
    privateWrites: [
      {
        collection: PAIR,
        key: compositeKey('con', 'con-000000000000000000000002'),
        value: new Uint8Array(),
        isDelete: true,
      },
      {
        collection: 'org_TertiaryHospitalMSP',
        key: compositeKey('era', PATIENT, '2026-12-06T10:00:00.000Z', 'tx-erased'),
        value: {
          patientId: PATIENT,
          kind: 'consent',
          subject: 'con-000000000000000000000002',
          erasedAt: '2026-12-06T10:00:00.000Z',
          txId: 'tx-erased',
          requestedBy: { kind: 'patient', id: PATIENT },
          salt: 'c2FsdHNhbHRzYWx0c2FsdA',
        },
      },
    ],
  },
  {
    txId: 'tx-review',
    eventName: 'EmergencyReviewed',
    privateWrites: [
      {
        collection: PAIR,
        key: compositeKey('evt', 'evt-000000000000000000000003'),
        value: accessEvent('evt-000000000000000000000003', 'tx-emergency', {
          breakGlass: true,
          emergency: {
            reasonCode: 'LIFE_THREATENING',
            justificationHash: 'c'.repeat(64),
            review: {
              status: 'reviewed',
              outcome: 'justified',
              reviewedAt: '2026-12-07T00:00:00.000Z',
            },
          },
        }),
      },
    ],
  },
  {
    txId: 'tx-cohort',
    eventName: 'CohortRecorded',
    privateWrites: ['5', '4'].map((n) => ({
      collection: 'pair_ResearchMSP_TertiaryHospitalMSP',
      key: compositeKey('evt', `evt-00000000000000000000000${n}`),
      value: accessEvent(`evt-00000000000000000000000${n}`, 'tx-cohort', {
        accessor: { org: 'ResearchMSP', role: 'researcher', idHash: 'ab'.repeat(32) },
        purpose: 'research',
        cohort: { studyId: 'study-1' },
      }),
    })),
  },
];

describe('the live events of a block with private data', () => {
  it('builds each payload from the private writes this organization holds, and nothing else', () => {
    const block = decodePrivateBlock(testBlock(42, TRANSACTIONS), 'consent-ledger');
    expect(block.number).toBe(42n);
    const events = ledgerEventsOf(block);
    expect(events.map((event) => [event.txId, event.eventName])).toEqual([
      ['tx-access', 'AccessRecorded'],
      ['tx-deny', 'ConsentGranted'],
      ['tx-anchor', 'RecordAnchored'],
      ['tx-referral', 'ReferralClosed'],
      ['tx-binding', 'PatientBindingChanged'],
      ['tx-erased', 'ConsentErased'],
      ['tx-review', 'EmergencyReviewed'],
      ['tx-cohort', 'CohortRecorded'],
    ]);
    const payloads = Object.fromEntries(events.map((event) => [event.txId, event.payload]));
    expect(payloads['tx-access']).toEqual({
      eventId: 'evt-000000000000000000000001',
      patientId: PATIENT,
      accessorOrg: 'CommunityHospitalMSP',
      purpose: 'treatment',
      categories: ['imaging'],
      decision: 'permit',
      reason: 'PERMITTED_BY_CONSENT',
      breakGlass: false,
      timestamp: '2026-12-06T08:00:00.000Z',
    });
    expect(payloads['tx-deny']).toEqual({
      consentId: 'con-000000000000000000000002',
      patientId: PATIENT,
      provision: 'deny',
      granteeOrg: '*',
      status: 'active',
      change: 'granted',
      version: 1,
      timestamp: '2026-12-06T08:00:00.000Z',
    });
    expect(payloads['tx-anchor']).toMatchObject({
      recordId: 'emr-1',
      owner: 'TertiaryHospitalMSP',
    });
    expect(payloads['tx-referral']).toEqual({
      referralId: 'ref-000000000000000000000001',
      patientId: PATIENT,
      fromOrg: 'TertiaryHospitalMSP',
      toOrg: 'CommunityHospitalMSP',
      categories: ['imaging'],
      status: 'closed',
      timestamp: '2026-12-06T09:00:00.000Z',
    });
    expect(payloads['tx-binding']).toEqual({ patientId: PATIENT, change: 'device-added' });
    expect(payloads['tx-erased']).toEqual({
      consentId: 'con-000000000000000000000002',
      patientId: PATIENT,
      timestamp: '2026-12-06T10:00:00.000Z',
    });
    expect(payloads['tx-review']).toEqual({
      eventId: 'evt-000000000000000000000003',
      accessorOrg: 'CommunityHospitalMSP',
      outcome: 'justified',
      reviewedAt: '2026-12-07T00:00:00.000Z',
    });
    expect(payloads['tx-cohort']).toEqual({
      studyId: 'study-1',
      accessorOrg: 'ResearchMSP',
      included: 2,
      eventIds: ['evt-000000000000000000000004', 'evt-000000000000000000000005'],
      timestamp: '2026-12-06T08:00:00.000Z',
    });
    // No salt, no home, no identity hash reaches a stream: the home is kept beside the payload,
    // for the patients' inbox, from the same private writes.
    expect(JSON.stringify(events.map((event) => event.payload))).not.toMatch(
      /salt|idHash|patientHome/,
    );
    const contexts = Object.fromEntries(events.map((event) => [event.txId, event.context]));
    expect(contexts).toEqual({
      'tx-access': { patientHome: 'TertiaryHospitalMSP' },
      'tx-deny': { patientHome: 'TertiaryHospitalMSP' },
      'tx-anchor': undefined,
      'tx-referral': undefined,
      'tx-binding': { patientHome: 'TertiaryHospitalMSP' },
      'tx-erased': { patientHome: 'TertiaryHospitalMSP' },
      'tx-review': undefined,
      'tx-cohort': undefined,
    });
  });
});

describe('the event store', () => {
  const encodeEvents = (txIds: readonly string[]) =>
    txIds.map((txId) => ({
      txId,
      eventName: 'AccessRecorded',
      payload: { eventId: 'evt-1', patientId: PATIENT, accessorOrg: 'CommunityHospitalMSP' },
    }));

  it("stores a block's events and the next block together, and skips a stored transaction", () => {
    const db = openDatabase(':memory:');
    const store = createEventStore(db);
    expect(store.nextBlock()).toBe(0n);
    const stored = store.appendBlock({ blockNumber: 7n, events: encodeEvents(['tx-a']) });
    expect(stored).toMatchObject([
      { seq: 1, blockNumber: 7, patientId: PATIENT, orgs: ['CommunityHospitalMSP'] },
    ]);
    expect(store.nextBlock()).toBe(8n);
    // A block read again (a restart between blocks) stores nothing twice.
    expect(store.appendBlock({ blockNumber: 7n, events: encodeEvents(['tx-a']) })).toEqual([]);
    expect(store.appendBlock({ blockNumber: 8n, events: [] })).toEqual([]);
    expect(store.lastSeq()).toBe(1);
    // A reopened store resumes from the same checkpoint.
    expect(createEventStore(db).nextBlock()).toBe(9n);
  });

  it('moves the checkpoint forward to a snapshot-joined peer’s first block, never back', () => {
    const store = createEventStore(openDatabase(':memory:'));
    expect(store.skipTo(1351n)).toBe(true);
    expect(store.nextBlock()).toBe(1351n);
    expect(store.skipTo(1351n)).toBe(false);
    expect(store.skipTo(12n)).toBe(false);
    expect(store.nextBlock()).toBe(1351n);
    store.appendBlock({ blockNumber: 1351n, events: encodeEvents(['tx-b']) });
    expect(store.nextBlock()).toBe(1352n);
  });

  it('answers each caller only what they may see', () => {
    const store = createEventStore(openDatabase(':memory:'));
    const events = [
      {
        eventName: 'ConsentGranted',
        payload: { patientId: 'pid-aaaaaaaaaaaaaaaa', granteeOrg: 'CommunityHospitalMSP' },
      },
      {
        eventName: 'AccessRecorded',
        payload: { patientId: 'pid-bbbbbbbbbbbbbbbb', accessorOrg: 'TertiaryHospitalMSP' },
      },
      { eventName: 'RecordAnchored', payload: { owner: 'TertiaryHospitalMSP', recordId: 'r' } },
      {
        eventName: 'ConsentGranted',
        payload: { patientId: 'pid-aaaaaaaaaaaaaaaa', granteeOrg: '*' },
      },
    ];
    events.forEach((event, index) =>
      store.appendBlock({
        blockNumber: BigInt(index + 1),
        events: [{ txId: `t${String(index)}`, ...event }],
      }),
    );
    const seqs = (visibility: Parameters<typeof store.after>[1]) =>
      store.after(0, visibility).map((event) => event.seq);
    expect(seqs({ all: true })).toEqual([1, 2, 3, 4]);
    expect(seqs({ patientId: 'pid-aaaaaaaaaaaaaaaa' })).toEqual([1, 4]);
    expect(seqs({ org: 'TertiaryHospitalMSP' })).toEqual([2, 3]);
    expect(seqs({ org: 'CommunityHospitalMSP' })).toEqual([1]);
    expect(store.after(2, { all: true }).map((event) => event.seq)).toEqual([3, 4]);
    expect(subjectsOf({ accessor: { org: 'X' }, fromOrg: 'Y', toOrg: 'Z' }).orgs).toEqual([
      'X',
      'Y',
      'Z',
    ]);
  });

  it('gives the regulator everything, a patient (and their guardian) their own, others their organization’s', () => {
    expect(visibilityOf(regulator())).toEqual({ all: true });
    expect(visibilityOf(principal('patient'))).toEqual({ patientId: PATIENT });
    expect(visibilityOf(patientSession({ guardianId: 'rp-aaaaaaaaaaaaaaaa' }))).toEqual({
      patientId: PATIENT,
    });
    expect(visibilityOf(principal('clinician'))).toEqual({ org: 'TertiaryHospitalMSP' });
    expect(parseLastEventId(undefined)).toBeUndefined();
    expect(parseLastEventId('42')).toBe(42);
    expect(() => parseLastEventId('abc')).toThrow();
  });
});

describe('the event listener and stream', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { GATEWAY_EVENTS: 'on' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('listens to blocks with private data from the first block as the service identity, stores, and streams with resume', async () => {
    const listener = t.app.get(LedgerEventsListener);
    const events = t.app.get(EventsService);
    await expect.poll(() => t.ledger.blockRequests.length).toBe(1);
    expect(t.ledger.blockRequests[0]).toEqual({ identity: 'gateway-service', startBlock: 0n });
    expect(listener.connected).toBe(true);

    const clinician = principal('clinician');
    const live = firstValueFrom(events.stream(clinician, undefined).pipe(take(2), toArray()));
    const access = (txId: string, accessorOrg: string): TestTransaction => ({
      txId,
      eventName: 'AccessRecorded',
      privateWrites: [
        {
          collection: 'org_TertiaryHospitalMSP',
          key: compositeKey('evt', txId),
          value: accessEvent(`evt-${txId}`, txId, {
            accessor: { org: accessorOrg, role: 'clinician', idHash: 'ab'.repeat(32) },
          }),
        },
      ],
    });
    t.ledger.pushBlock(testBlock(0, [access('tx-1', 'TertiaryHospitalMSP')]));
    t.ledger.pushBlock(
      testBlock(1, [
        access('tx-2', 'ResearchMSP'),
        {
          txId: 'tx-3',
          eventName: 'RecordAnchored',
          eventPayload: { owner: 'TertiaryHospitalMSP', recordId: 'emr-1' },
        },
      ]),
    );
    const received: MessageEvent[] = await live;
    expect(received.map((message) => message.id)).toEqual(['1', '3']);
    expect(received[1]?.data).toMatchObject({
      eventName: 'RecordAnchored',
      blockNumber: 1,
      payload: { owner: 'TertiaryHospitalMSP' },
    });

    // Resume after event 1: the stored ones are replayed first.
    const resumed = await firstValueFrom(events.stream(regulator(), 1).pipe(take(2), toArray()));
    expect(resumed.map((message) => message.id)).toEqual(['2', '3']);
    // A patient sees their own.
    const own = await firstValueFrom(events.stream(patientSession(), 0).pipe(take(2), toArray()));
    expect(own.map((message) => message.id)).toEqual(['1', '2']);
  });
});
