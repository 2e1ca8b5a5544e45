import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConsentInput } from '@consent-ledger/ledger-api';
import { openDatabase } from '../storage/database.js';
import { signed } from '../testing/statements.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { requestFingerprint } from './idempotency.interceptor.js';
import { IDEMPOTENCY_TTL_MS, createIdempotencyStore } from './idempotency.store.js';

const consent: ConsentInput = {
  grantee: { org: 'CommunityHospitalMSP' },
  purposes: ['treatment'],
  categories: ['imaging'],
};

/** POST /consents's body: the terms signed by the patient's key. */
async function signedBody(terms: ConsentInput): Promise<object> {
  return { action: await signed('consent:GrantConsent', terms) };
}

describe('the idempotency store', () => {
  it('claims, replays, detects mismatches, releases and expires', () => {
    let now = 1_000_000;
    const store = createIdempotencyStore(openDatabase(':memory:'), () => now);
    const key = { owner: 'alice', key: 'k', fingerprint: 'f1' };
    expect(store.claim(key)).toEqual({ state: 'new' });
    expect(store.claim(key)).toEqual({ state: 'in-flight' });
    expect(store.claim({ ...key, owner: 'bob' })).toEqual({ state: 'new' });
    store.complete(key, { status: 201, body: { id: 1 } });
    expect(store.claim(key)).toEqual({ state: 'done', status: 201, body: { id: 1 } });
    expect(store.claim({ ...key, fingerprint: 'f2' })).toEqual({ state: 'mismatch' });
    const other = { owner: 'alice', key: 'k2', fingerprint: 'f' };
    store.claim(other);
    store.release(other);
    expect(store.claim(other)).toEqual({ state: 'new' });
    expect(store.releaseAllInFlight()).toBe(2);
    now += IDEMPOTENCY_TTL_MS + 1;
    expect(store.claim(key)).toEqual({ state: 'new' });
  });

  it("keeps the block of the first answer's writes", () => {
    const store = createIdempotencyStore(openDatabase(':memory:'));
    const key = { owner: 'alice', key: 'k', fingerprint: 'f' };
    store.claim(key);
    store.complete(key, { status: 201, body: { id: 1 }, ledgerBlock: 12_345_678_901_234n });
    expect(store.claim(key)).toEqual({
      state: 'done',
      status: 201,
      body: { id: 1 },
      ledgerBlock: 12_345_678_901_234n,
    });
  });

  it('adds the block column to a database from before it', () => {
    const db = openDatabase(':memory:');
    db.sql.exec(`CREATE TABLE idempotency_keys (
      owner TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('in-flight', 'done')), status INTEGER, body TEXT,
      created_at INTEGER NOT NULL, PRIMARY KEY (owner, key)) STRICT`);
    db.run(
      `INSERT INTO idempotency_keys VALUES ('alice', 'old', 'f', 'done', 201, '{"id":1}', ?)`,
      Date.now(),
    );
    const store = createIdempotencyStore(db);
    expect(store.claim({ owner: 'alice', key: 'old', fingerprint: 'f' })).toEqual({
      state: 'done',
      status: 201,
      body: { id: 1 },
    });
    const key = { owner: 'alice', key: 'new', fingerprint: 'f' };
    store.claim(key);
    store.complete(key, { status: 201, body: null, ledgerBlock: 7n });
    expect(store.claim(key)).toMatchObject({ state: 'done', ledgerBlock: 7n });
  });

  it('fingerprints method, path and body regardless of key order', () => {
    const a = requestFingerprint({
      method: 'POST',
      path: '/x',
      body: { a: 1, b: [1, { c: 2, d: 3 }] },
    });
    const b = requestFingerprint({
      method: 'POST',
      path: '/x',
      body: { b: [1, { d: 3, c: 2 }], a: 1 },
    });
    expect(a).toBe(b);
    expect(requestFingerprint({ method: 'POST', path: '/y', body: { a: 1 } })).not.toBe(
      requestFingerprint({ method: 'POST', path: '/x', body: { a: 1 } }),
    );
  });
});

describe('Idempotency-Key on POST', () => {
  let t: TestApp;
  let token: string;
  let release: (() => void) | undefined;
  let body: object;

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.patient({ username: 'pat' });
    body = await signedBody(consent);
    t.ledger.on('consent:GrantConsent', async () => {
      if (release !== undefined) await new Promise<void>((resolve) => (release = resolve));
      return {
        consentId: `con-${String(t.ledger.submits.length).padStart(24, '0')}`,
        patientId: 'pid-x',
      };
    });
  });
  beforeEach(() => {
    release = undefined;
  });
  afterAll(async () => {
    await t.close();
  });

  const grant = (key?: string, sent: object = body) => {
    const request = t.http().post('/consents').set('authorization', `Bearer ${token}`);
    return (key === undefined ? request : request.set('Idempotency-Key', key)).send(sent);
  };

  it('answers a retry with the first result and writes once', async () => {
    const before = t.ledger.submits.length;
    const first = await grant('retry-1');
    const second = await grant('retry-1');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(t.ledger.submits.length).toBe(before + 1);
    const third = await grant(undefined, await signedBody(consent));
    expect(third.status).toBe(201);
    expect(t.ledger.submits.length).toBe(before + 2);
  });

  it("names the first answer's block on a replay (the retrying client may have lost it)", async () => {
    const first = await grant('block-1');
    const block = first.headers['ledger-block'];
    expect(block).toMatch(/^\d+$/);
    await grant(undefined, await signedBody(consent));
    const replay = await grant('block-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['ledger-block']).toBe(block);
  });

  it('answers 409 to a duplicate while the first is in flight', async () => {
    release = () => undefined;
    const first = grant('busy-1').then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const duplicate = await grant('busy-1');
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'CONFLICT' });
    release();
    expect((await first).status).toBe(201);
  });

  it('answers 422 when the key is reused for another request', async () => {
    expect((await grant('mismatch-1')).status).toBe(201);
    const other = await grant(
      'mismatch-1',
      await signedBody({ ...consent, categories: ['laboratory'] }),
    );
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'RULE_VIOLATION' });
  });

  it('releases the key of a failed request', async () => {
    const bad = await grant(
      'fail-1',
      await signedBody({ ...consent, purposes: ['nope'] } as unknown as ConsentInput),
    );
    expect(bad.status).toBe(400);
    t.ledger.on('consent:GrantConsent', () => {
      throw new Error('ledger down');
    });
    expect((await grant('fail-2')).status).toBe(500);
    t.ledger.on('consent:GrantConsent', () => ({ consentId: 'con-aaaaaaaaaaaaaaaaaaaaaaaa' }));
    expect((await grant('fail-2')).status).toBe(201);
  });

  it('refuses a malformed key', async () => {
    const response = await grant('x'.repeat(300));
    expect(response.status).toBe(400);
  });

  it('refuses a key where the answer is shown once (an enrolment code is never stored)', async () => {
    const admin = await t.loginAdmin();
    const before = t.ledger.calls.length;
    const response = await t
      .http()
      .post('/patients')
      .set('authorization', `Bearer ${admin}`)
      .set('Idempotency-Key', 'register-1')
      .send({});
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(t.ledger.calls.length).toBe(before);
  });
});
