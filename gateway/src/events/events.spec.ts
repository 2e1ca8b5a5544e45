import type { MessageEvent } from '@nestjs/common';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { principal, regulator } from '../testing/principals.js';
import { createEventStore, subjectsOf } from './event.store.js';
import { EventsService, parseLastEventId, visibilityOf } from './events.service.js';
import { LedgerEventsListener } from './ledger-events.listener.js';

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('the event store', () => {
  it('stores an event and its checkpoint together, and skips a repeated transaction', () => {
    const db = openDatabase(':memory:');
    const store = createEventStore(db);
    expect(store.checkpoint().getBlockNumber()).toBeUndefined();
    const stored = store.append({
      blockNumber: 7n,
      transactionId: 'tx-a',
      eventName: 'AccessRecorded',
      payload: encode({
        eventId: 'evt-1',
        patientId: 'pid-abcdefghijklmnop',
        accessorOrg: 'CommunityHospitalMSP',
      }),
    });
    expect(stored).toMatchObject({
      seq: 1,
      patientId: 'pid-abcdefghijklmnop',
      orgs: ['CommunityHospitalMSP'],
    });
    expect(store.checkpoint().getBlockNumber()).toBe(7n);
    expect(store.checkpoint().getTransactionId()).toBe('tx-a');
    expect(
      store.append({
        blockNumber: 7n,
        transactionId: 'tx-a',
        eventName: 'AccessRecorded',
        payload: encode({}),
      }),
    ).toBeUndefined();
    expect(store.lastSeq()).toBe(1);
    // A reopened store resumes from the same checkpoint.
    expect(createEventStore(db).checkpoint().getTransactionId()).toBe('tx-a');
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
      store.append({
        blockNumber: BigInt(index + 1),
        transactionId: `t${String(index)}`,
        eventName: event.eventName,
        payload: encode(event.payload),
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

  it('gives the regulator everything, a patient their own, others their organization’s', () => {
    expect(visibilityOf(regulator())).toEqual({ all: true });
    expect(visibilityOf(principal('patient'))).toEqual({ patientId: 'pid-abcdefghijklmnop' });
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

  it('listens from the first block with the service identity, stores, and streams with resume', async () => {
    const listener = t.app.get(LedgerEventsListener);
    const events = t.app.get(EventsService);
    await expect.poll(() => t.ledger.eventRequests.length).toBe(1);
    expect(t.ledger.eventRequests[0]).toMatchObject({
      identity: 'gateway-service',
      startBlock: 0n,
    });
    expect(listener.connected).toBe(true);

    const clinician = principal('clinician');
    const live = firstValueFrom(events.stream(clinician, undefined).pipe(take(2), toArray()));
    t.ledger.pushEvent({
      eventName: 'AccessRecorded',
      payload: { patientId: 'pid-abcdefghijklmnop', accessorOrg: 'TertiaryHospitalMSP' },
    });
    t.ledger.pushEvent({
      eventName: 'AccessRecorded',
      payload: { patientId: 'pid-abcdefghijklmnop', accessorOrg: 'ResearchMSP' },
    });
    t.ledger.pushEvent({ eventName: 'RecordAnchored', payload: { owner: 'TertiaryHospitalMSP' } });
    const received: MessageEvent[] = await live;
    expect(received.map((message) => message.id)).toEqual(['1', '3']);
    expect(received[1]?.data).toMatchObject({
      eventName: 'RecordAnchored',
      payload: { owner: 'TertiaryHospitalMSP' },
    });

    // Resume after event 1: the stored ones are replayed first.
    const resumed = await firstValueFrom(events.stream(regulator(), 1).pipe(take(2), toArray()));
    expect(resumed.map((message) => message.id)).toEqual(['2', '3']);
  });
});
