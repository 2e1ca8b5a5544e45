import { describe, expect, it } from 'vitest';
import type { ApiRequest, ApiResponse, GatewayClient } from './gateway-client.ts';
import { createConsoleNarrator, formatEvidence, silentNarrator } from './narrator.ts';
import { ORG_NAMES, startRun, type OrgName } from './scenario-kit.ts';

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
