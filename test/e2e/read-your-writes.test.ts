import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessOutcome } from '@consent-ledger/ledger-api';
import {
  createSignedInUser,
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';
import { ledgerHeight } from '../support/ledger.ts';

/**
 * Read-your-writes across organizations (gateway/src/ledger/ledger-position.ts): a write answers
 * `Ledger-Block`, the block it was committed in; a request with `Ledger-Min-Block` is answered once
 * the gateway's own peer has that block. The requests here set the header themselves (the shared
 * client would send the file's last block on its own).
 */

interface EventPage {
  readonly items: readonly { readonly eventId: string }[];
}

describe('read-your-writes across organizations (Ledger-Block, Ledger-Min-Block)', () => {
  let research: GatewayApi;
  let tertiary: GatewayApi;
  let patient: GatewayPatient;
  let analyst: string;

  beforeAll(async () => {
    research = gateway('research');
    tertiary = gateway('tertiary');
    patient = await enrolPatient(tertiary);
    const admin = await research.loginAdmin();
    analyst = (
      await createSignedInUser(research, admin, {
        username: uniqueName('ryw-analyst'),
        password: 'read-your-writes-password-1',
        role: 'analyst',
      })
    ).token;
  }, 180_000);

  it('names the block of a write, and the home answers the patient from a peer that has it', async () => {
    const requested = await research.post<AccessOutcome>('/access-requests', {
      token: analyst,
      body: { patientId: patient.patientId, purpose: 'research', categories: ['genomic'] },
    });
    expect(requested.status, requested.text).toBe(201);
    const block = requested.headers.get('ledger-block');
    expect(block).toMatch(/^\d+$/);
    // The research organization's own peer has the block when its gateway answers.
    expect(await ledgerHeight('research')).toBeGreaterThan(BigInt(block ?? ''));
    const history = await tertiary.request<EventPage>(
      'GET',
      `/audit/access-events?patientId=${patient.patientId}`,
      { token: patient.token, headers: { 'Ledger-Min-Block': block ?? '' } },
    );
    expect(history.status, history.text).toBe(200);
    expect(history.body.items.map((item) => item.eventId)).toContain(requested.body.eventId);
    expect(await ledgerHeight('tertiary')).toBeGreaterThan(BigInt(block ?? ''));
    // A read commits nothing and names no block.
    expect(history.headers.get('ledger-block')).toBeNull();
  });

  it('refuses a malformed Ledger-Min-Block with INVALID_ARGUMENT', async () => {
    for (const bad of ['latest', '-1', '1.5', '99999999999999999999']) {
      const answer = await tertiary.request('GET', '/consents', {
        token: patient.token,
        headers: { 'Ledger-Min-Block': bad },
      });
      expect(answer.status, bad).toBe(400);
      expect(answer.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });

  it('answers 503 LEDGER_UNAVAILABLE when the peer does not reach the block in time, and 401 at once without credentials', async () => {
    const ahead = ((await ledgerHeight('tertiary')) + 1_000_000n).toString();
    const anonymous = performance.now();
    const unauthenticated = await tertiary.request('GET', '/consents', {
      headers: { 'Ledger-Min-Block': ahead },
    });
    expect(unauthenticated.status).toBe(401);
    expect(performance.now() - anonymous).toBeLessThan(2_000);
    const started = performance.now();
    const behind = await tertiary.request('GET', '/consents', {
      token: patient.token,
      headers: { 'Ledger-Min-Block': ahead },
    });
    expect(behind.status, behind.text).toBe(503);
    expect(behind.body).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    // The gateway waited (LEDGER_MIN_BLOCK_WAIT_MS, 10 s by default) before it gave up.
    expect(performance.now() - started).toBeGreaterThanOrEqual(9_000);
  }, 30_000);
});
