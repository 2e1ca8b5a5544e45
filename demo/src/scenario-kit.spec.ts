import { describe, expect, it } from 'vitest';
import type { ApiRequest, ApiResponse, GatewayClient } from './gateway-client.ts';
import { createConsoleNarrator, formatEvidence, silentNarrator } from './narrator.ts';
import { MSP, ORG_NAMES, consentFor, startRun, type OrgName } from './scenario-kit.ts';

/** A gateway client answering from a table of `METHOD path` handlers, recording each call. */
function fakeGateway(
  handlers: Record<string, (options: ApiRequest) => unknown>,
  calls: string[],
): GatewayClient {
  const request = <T>(method: string, path: string, options: ApiRequest = {}) => {
    calls.push(`${method} ${path}`);
    const handler = handlers[`${method} ${path}`];
    const response: ApiResponse<T> =
      handler === undefined
        ? { status: 404, body: { code: 'NOT_FOUND', message: path } as T }
        : { status: 200, body: handler(options) as T };
    return Promise.resolve(response);
  };
  return {
    base: 'fake',
    request,
    call: async <T>(method: string, path: string, options: ApiRequest = {}) => {
      const response = await request<T>(method, path, options);
      if (response.status !== 200) throw new Error(`${String(response.status)} ${path}`);
      return response.body;
    },
    login: (username) => Promise.resolve(`token-${username}`),
  };
}

function gateways(handlers: Record<string, (options: ApiRequest) => unknown>, calls: string[]) {
  return Object.fromEntries(
    ORG_NAMES.map((name) => [name, fakeGateway(handlers, calls)]),
  ) as Record<OrgName, GatewayClient>;
}

describe('scenario runs', () => {
  const outcome = (decision: string, reason: string, n: number) => ({
    eventId: `evt-${String(n).padStart(24, '0')}`,
    decision,
    reason,
    consentIds: [],
    breakGlass: false,
    txId: `tx-${String(n)}`,
  });

  it('records decisions, evidence and unmet expectations', async () => {
    const calls: string[] = [];
    let n = 0;
    const answers = [
      outcome('permit', 'PERMITTED_BY_CONSENT', 1),
      outcome('permit', 'PERMITTED_BY_CONSENT', 2),
    ];
    const run = startRun({
      gateways: gateways(
        {
          'POST /identities': () => ({ patientId: 'pid-abcdefghijklmnop' }),
          'POST /access-requests': () => answers[n++],
        },
        calls,
      ),
      narrator: silentNarrator,
      runId: 'r1',
      name: 'test',
      title: 'Test',
      summary: 'A test.',
    });
    const patient = await run.user('community', 'patient', 'pt');
    expect(patient).toMatchObject({
      username: 'pt-r1',
      token: 'token-pt-r1',
      patientId: 'pid-abcdefghijklmnop',
    });
    const question = {
      patientId: 'pid-abcdefghijklmnop',
      purpose: 'treatment',
      categories: ['imaging'],
    };
    await run.access('allowed', { user: patient, question, expected: 'permit' });
    await run.access('should be refused', { user: patient, question, expected: 'deny' });
    run.evidence({ txId: 'tx-1', referralId: 'ref-1' });
    const result = run.result({ patientId: 'pid-abcdefghijklmnop' });
    expect(
      result.decisions.map((decision) => [decision.label, decision.decision, decision.expected]),
    ).toEqual([
      ['allowed', 'permit', 'permit'],
      ['should be refused', 'permit', 'deny'],
    ]);
    expect(result.eventIds).toHaveLength(2);
    expect(result.txIds).toEqual(['tx-1', 'tx-2']);
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual(['denied as expected']);
    expect(result.ids).toEqual({ patientId: 'pid-abcdefghijklmnop' });
    expect(calls).toEqual(['POST /identities', 'POST /access-requests', 'POST /access-requests']);
  });

  it('revokes consents and narrates block evidence when the bundle has a block', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const run = startRun({
      gateways: gateways(
        {
          'POST /identities': () => ({ patientId: 'pid-abcdefghijklmnop' }),
          'POST /consents/con-1/revoke': () => ({
            consentId: 'con-1',
            txId: 'tx-revoke',
            consent: { status: 'revoked' },
          }),
          'GET /audit/access-events/evt-1/proof': () => ({ block: { header: { number: '9' } } }),
        },
        calls,
      ),
      narrator: createConsoleNarrator((line) => lines.push(line)),
      runId: 'r2',
      name: 'test',
      title: 'Test',
      summary: 'A test.',
    });
    const patient = await run.user('community', 'patient', 'pt');
    const revoked = await run.revoke(patient, 'con-1');
    expect(revoked.txId).toBe('tx-revoke');
    expect(await run.blockEvidence(patient, 'evt-1')).toBe('9');
    expect(await run.blockEvidence(patient, 'evt-2')).toBeUndefined();
    const result = run.result({});
    expect(result.txIds).toEqual(['tx-revoke']);
    expect(result.eventIds).toEqual(['evt-1']);
    expect(lines.filter((line) => line.includes('ledger:'))).toEqual([
      '      ledger: status revoked · consent con-1 · tx tx-revoke',
      '      ledger: access event evt-1 · block 9',
    ]);
  });

  it('builds consent bodies for an organization role, valid for a year by default', () => {
    const body = consentFor('tertiary', 'clinician', {
      purposes: ['referral'],
      categories: ['imaging'],
    });
    expect(body).toMatchObject({
      grantee: { org: MSP.tertiary, role: 'clinician' },
      purposes: ['referral'],
      categories: ['imaging'],
    });
    const days = (Date.parse(String(body.validUntil)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364.9);
    expect(days).toBeLessThanOrEqual(365);
    expect(
      consentFor('research', 'researcher', {
        purposes: [],
        categories: [],
        validUntil: '2030-01-01T00:00:00.000Z',
      }).validUntil,
    ).toBe('2030-01-01T00:00:00.000Z');
  });

  it('narrates steps, evidence and checks in plain lines', () => {
    const lines: string[] = [];
    const narrator = createConsoleNarrator((line) => lines.push(line));
    narrator.scenario('Title', 'Summary.');
    narrator.step('Something happens.');
    narrator.evidence({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
      txId: 'abc',
      blockNumber: '7',
    });
    narrator.check(false, 'it was expected');
    expect(lines).toEqual([
      '',
      '=== Title ===',
      'Summary.',
      ' 1. Something happens.',
      '      ledger: decision deny · reason NO_ACTIVE_REFERRAL · tx abc · block 7',
      '      FAIL it was expected',
    ]);
    expect(formatEvidence({})).toBe('');
  });
});
