import { describe, expect, it } from 'vitest';
import { verifySignedAction } from '@consent-ledger/ledger-api';
import type { ApiRequest, ApiResponse, GatewayClient } from './gateway-client.ts';
import { createConsoleNarrator, formatEvidence, silentNarrator } from './narrator.ts';
import { MSP, ORG_NAMES, consentFor, startRun, type OrgName } from './scenario-kit.ts';

/** The handlers every patient's registration and activation needs. */
const patientHandlers = {
  'POST /patients': () => ({
    patientId: 'pid-abcdefghijklmnop',
    enrolmentCode: 'ABCD-EFGH-IJKL-MNOP',
    txId: 'tx-0',
  }),
  'GET /ledger': () => ({ channel: 'health', chaincode: 'consent-ledger', mspId: 'X' }),
  'POST /patients/activate': () => ({
    accessToken: 'token-pt',
    tokenType: 'Bearer',
    expiresIn: 900,
  }),
};

/**
 * A gateway client answering from a table of `METHOD path` handlers (201 to a POST, 200 to the
 * rest), recording each call and each body.
 */
function fakeGateway(
  handlers: Record<string, (options: ApiRequest) => unknown>,
  calls: string[],
  bodies: unknown[] = [],
): GatewayClient {
  const request = <T>(method: string, path: string, options: ApiRequest = {}) => {
    calls.push(`${method} ${path}`);
    bodies.push(options.body);
    const handler = handlers[`${method} ${path}`];
    const response: ApiResponse<T> =
      handler === undefined
        ? { status: 404, body: { code: 'NOT_FOUND', message: path } as T }
        : { status: method === 'POST' ? 201 : 200, body: handler(options) as T };
    return Promise.resolve(response);
  };
  return {
    base: 'fake',
    request,
    call: async <T>(method: string, path: string, options: ApiRequest = {}) => {
      const response = await request<T>(method, path, options);
      if (response.status >= 300) throw new Error(`${String(response.status)} ${path}`);
      return response.body;
    },
    login: (username) => Promise.resolve(`token-${username}`),
  };
}

function gateways(
  handlers: Record<string, (options: ApiRequest) => unknown>,
  calls: string[],
  bodies: unknown[] = [],
) {
  return Object.fromEntries(
    ORG_NAMES.map((name) => [
      name,
      fakeGateway({ ...patientHandlers, ...handlers }, calls, bodies),
    ]),
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
      gateways: gateways({ 'POST /access-requests': () => answers[n++] }, calls),
      narrator: silentNarrator,
      // A unit test: no network, so no generated admin password to read.
      admin: () => ({ username: 'admin', password: 'unit-test-admin-passphrase' }),
      runId: 'r1',
      name: 'test',
      title: 'Test',
      summary: 'A test.',
    });
    const patient = await run.patient('community', 'pt');
    expect(patient).toMatchObject({
      username: 'pt-r1',
      token: 'token-pt',
      patientId: 'pid-abcdefghijklmnop',
    });
    expect(patient.session?.device.signer).toEqual({
      kind: 'patient',
      id: 'pid-abcdefghijklmnop',
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
    expect(result.txIds).toEqual(['tx-0', 'tx-1', 'tx-2']);
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual(['denied as expected']);
    expect(result.ids).toEqual({ patientId: 'pid-abcdefghijklmnop' });
    expect(calls).toEqual([
      'POST /patients',
      'GET /ledger',
      'POST /patients/activate',
      'POST /access-requests',
      'POST /access-requests',
    ]);
  });

  it('creates staff through the identity endpoint, never patients', async () => {
    const calls: string[] = [];
    const bodies: unknown[] = [];
    const run = startRun({
      gateways: gateways({ 'POST /identities': () => ({}) }, calls, bodies),
      narrator: silentNarrator,
      // A unit test: no network, so no generated admin password to read.
      admin: () => ({ username: 'admin', password: 'unit-test-admin-passphrase' }),
      runId: 'r3',
      name: 'test',
      title: 'Test',
      summary: 'A test.',
    });
    const clinician = await run.user('tertiary', 'clinician', 'doc');
    expect(clinician).toMatchObject({ username: 'doc-r3', token: 'token-doc-r3' });
    expect(clinician.patientId).toBeUndefined();
    expect(calls).toEqual(['POST /identities']);
    expect(bodies[0]).toMatchObject({ username: 'doc-r3', role: 'clinician' });
  });

  it('revokes consents with a signed statement and narrates block evidence when the bundle has a block', async () => {
    const calls: string[] = [];
    const bodies: unknown[] = [];
    const lines: string[] = [];
    const run = startRun({
      gateways: gateways(
        {
          'GET /consents/con-1': () => ({ consentId: 'con-1', version: 2, status: 'active' }),
          'POST /consents/con-1/revoke': () => ({
            consentId: 'con-1',
            txId: 'tx-revoke',
            consent: { status: 'revoked' },
          }),
          'GET /audit/access-events/evt-1/proof': () => ({ block: { header: { number: '9' } } }),
        },
        calls,
        bodies,
      ),
      narrator: createConsoleNarrator((line) => lines.push(line)),
      admin: () => ({ username: 'admin', password: 'unit-test-admin-passphrase' }),
      runId: 'r2',
      name: 'test',
      title: 'Test',
      summary: 'A test.',
    });
    const patient = await run.patient('community', 'pt');
    const revoked = await run.revoke(patient, 'con-1');
    expect(revoked.txId).toBe('tx-revoke');
    const revocation = bodies[calls.indexOf('POST /consents/con-1/revoke')] as {
      action: { statement: string; signature: string };
    };
    const statement = JSON.parse(revocation.action.statement) as Record<string, unknown>;
    expect(statement).toMatchObject({
      action: 'consent:RevokeConsent',
      channel: 'health',
      chaincode: 'consent-ledger',
      patientId: 'pid-abcdefghijklmnop',
      payload: { consentId: 'con-1', expectedVersion: 2 },
    });
    expect(
      await verifySignedAction(revocation.action, patient.session?.device.key.publicKey ?? ''),
    ).toBe(true);
    expect(await run.blockEvidence(patient, 'evt-1')).toBe('9');
    expect(await run.blockEvidence(patient, 'evt-2')).toBeUndefined();
    const result = run.result({});
    expect(result.txIds).toEqual(['tx-0', 'tx-revoke']);
    expect(result.eventIds).toEqual(['evt-1']);
    expect(lines.filter((line) => line.includes('ledger:'))).toEqual([
      expect.stringMatching(
        /^ {6}ledger: tx tx-0 · patient pid-abcdefghijklmnop registered by CommunityHospitalMSP; device key [A-Za-z0-9_-]{22}$/,
      ),
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
