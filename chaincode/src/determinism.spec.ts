import { afterEach, describe, expect, it, vi } from 'vitest';
import { bootstrap, consentInput, MSP, ok, patient, pid, who } from './testing/fixtures';
import {
  createTestNetwork,
  type Argument,
  type InvokeResult,
  type TestIdentity,
  type TestNetwork,
} from './testing/harness';
import type { WriteEntry } from './testing/in-memory-ledger';

interface Step {
  readonly who: TestIdentity;
  readonly transaction: string;
  readonly args: (previous: readonly InvokeResult[]) => Argument[];
}

const HASH = 'ef'.repeat(32);
const idOf = (result: InvokeResult | undefined, field: string): string => {
  const value: unknown = result?.json();
  return typeof value === 'object' && value !== null
    ? String((value as Record<string, unknown>)[field])
    : '';
};

/** Every submit transaction of the ledger, in an order in which each succeeds. */
const STEPS: Step[] = [
  {
    who: patient(1),
    transaction: 'consent:GrantConsent',
    args: () => [
      consentInput({ categories: ['outpatient', 'wearable'], purposes: ['treatment', 'research'] }),
    ],
  },
  {
    who: patient(1),
    transaction: 'consent:GrantConsent',
    args: () => [
      consentInput({
        grantee: { org: MSP.research },
        purposes: ['research'],
        categories: ['genomic'],
      }),
    ],
  },
  {
    who: patient(1),
    transaction: 'consent:GrantConsent',
    args: () => [
      consentInput({
        grantee: { org: MSP.enterprise },
        purposes: ['insurance'],
        categories: ['wearable'],
      }),
    ],
  },
  {
    who: patient(1),
    transaction: 'consent:UpdateConsent',
    args: (done) => [idOf(done[0], 'consentId'), consentInput({ grantee: { org: MSP.community } })],
  },
  {
    who: who.tertiaryClinician,
    transaction: 'records:AnchorRecord',
    args: () => [{ recordId: 'rec-1', patientId: pid(1), category: 'outpatient', sha256: HASH }],
  },
  {
    who: who.enterpriseAnalyst,
    transaction: 'records:AnchorRecord',
    args: () => [{ recordId: 'watch-1', patientId: pid(1), category: 'wearable', sha256: HASH }],
  },
  {
    who: who.tertiaryClinician,
    transaction: 'records:AnchorBatch',
    args: () => [
      {
        items: [1, 2, 3].map((n) => ({
          recordId: `b-${n}`,
          patientId: pid(n),
          category: 'imaging',
          sha256: HASH,
        })),
      },
    ],
  },
  {
    who: who.communityClinician,
    transaction: 'access:RequestAccess',
    args: () => [{ patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] }],
  },
  {
    who: who.tertiaryClinician,
    transaction: 'access:RequestEmergencyAccess',
    args: () => [
      {
        patientId: pid(1),
        categories: ['medication'],
        reasonCode: 'URGENT_TREATMENT',
        justificationHash: HASH,
      },
    ],
  },
  {
    who: who.regulator,
    transaction: 'audit:ReviewEmergencyAccess',
    args: (done) => [idOf(done[8], 'eventId'), { outcome: 'justified' }],
  },
  {
    who: who.researcher,
    transaction: 'cohort:RequestCohort',
    args: () => [{ studyId: 'study-1', categories: ['genomic'] }],
  },
  {
    who: who.tertiaryClinician,
    transaction: 'referral:CreateReferral',
    args: () => [
      {
        patientId: pid(1),
        toOrg: MSP.community,
        categories: ['outpatient'],
        validUntil: '2026-12-24T00:00:00.000Z',
      },
    ],
  },
  {
    who: who.communityClinician,
    transaction: 'referral:CloseReferral',
    args: (done) => [idOf(done[11], 'referralId')],
  },
  {
    who: patient(1),
    transaction: 'consent:RevokeConsent',
    args: (done) => [idOf(done[1], 'consentId')],
  },
  { who: who.regulator, transaction: 'audit:RollupStatistics', args: () => ['2026-11-23'] },
  {
    who: who.govAdmin,
    transaction: 'registry:RegisterOrganization',
    args: () => [{ mspId: MSP.research, type: 'research', region: { province: '330000' } }],
  },
];

async function replay(network: TestNetwork): Promise<InvokeResult[]> {
  await bootstrap(network);
  const done: InvokeResult[] = [];
  let second = 0;
  for (const step of STEPS) {
    second += 1;
    const at =
      step.transaction === 'audit:RollupStatistics'
        ? '2026-11-24T02:00:00.000Z'
        : `2026-11-23T08:00:${String(second).padStart(2, '0')}.000Z`;
    const result = await network.as(step.who, { at }).submit(step.transaction, step.args(done));
    ok(result);
    done.push(result);
  }
  return done;
}

const bytes = (writes: readonly WriteEntry[]): string[] =>
  writes.map((write) => `${write.key}=${Buffer.from(write.value ?? []).toString('base64')}`);

describe('determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('replays every submit transaction on two fresh ledgers with byte-identical writes, events and results', async () => {
    const random = vi.spyOn(Math, 'random');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2001-01-01T00:00:00.000Z'));
    const first = await replay(createTestNetwork({ txSeed: 'same' }));
    vi.setSystemTime(new Date('2049-06-15T12:34:56.789Z'));
    const second = await replay(createTestNetwork({ txSeed: 'same' }));
    expect(random).not.toHaveBeenCalled();

    expect(second.map((result) => result.transaction)).toEqual(
      STEPS.map((step) => step.transaction),
    );
    first.forEach((result, i) => {
      const other = second[i];
      expect(other?.txId).toBe(result.txId);
      expect(bytes(other?.writes ?? []), result.transaction).toEqual(bytes(result.writes));
      expect(other?.payload.equals(result.payload), result.transaction).toBe(true);
      expect(other?.event, result.transaction).toEqual(result.event);
    });
    const events = (network: readonly InvokeResult[]): string[] =>
      network.map((result) => result.event?.name ?? '-');
    expect(events(first)).toEqual([
      'ConsentGranted',
      'ConsentGranted',
      'ConsentGranted',
      'ConsentUpdated',
      'RecordAnchored',
      'RecordAnchored',
      'BatchAnchored',
      'AccessRecorded',
      'AccessRecorded',
      'EmergencyReviewed',
      'CohortRecorded',
      'ReferralCreated',
      'ReferralClosed',
      'ConsentRevoked',
      '-',
      '-',
    ]);
  });

  it('writes every value as sorted-key JSON and every index entry as one byte', async () => {
    const network = createTestNetwork();
    const results = await replay(network);
    for (const key of network.ledger.keys()) {
      const value = Buffer.from(network.ledger.get(key) ?? []);
      if (value.length === 1) {
        expect(value).toEqual(Buffer.of(0));
        continue;
      }
      const text = value.toString('utf8');
      const sortedKeys = (node: unknown): boolean =>
        typeof node !== 'object' || node === null
          ? true
          : Array.isArray(node)
            ? node.every(sortedKeys)
            : Object.keys(node).join() === Object.keys(node).sort().join() &&
              Object.values(node).every(sortedKeys);
      expect(sortedKeys(JSON.parse(text)), key).toBe(true);
      expect(text).not.toMatch(/\n| {2}/);
    }
    expect(results.every((result) => result.payload.toString('utf8').startsWith('{'))).toBe(true);
  });

  it('lets transactions about different patients and records commit concurrently (no shared keys)', async () => {
    const network = createTestNetwork();
    await bootstrap(network);
    const endorsed = [];
    for (const n of [1, 2, 3]) {
      endorsed.push(await network.as(patient(n)).endorse('consent:GrantConsent', [consentInput()]));
      endorsed.push(
        await network
          .as(who.tertiaryClinician)
          .endorse('access:RequestAccess', [
            { patientId: pid(n + 10), purpose: 'treatment', categories: ['outpatient'] },
          ]),
      );
      endorsed.push(
        await network
          .as(who.tertiaryClinician)
          .endorse('records:AnchorRecord', [
            { recordId: `rec-${n}`, patientId: pid(n), category: 'outpatient', sha256: HASH },
          ]),
      );
    }
    for (const { result, simulation } of endorsed) {
      expect(result.message).toBe('');
      expect(network.ledger.commit(simulation), result.transaction).toBe('VALID');
    }
    // The same patient's access requests do not collide either: each writes its own event keys.
    const a = await network
      .as(who.tertiaryClinician)
      .endorse('access:RequestAccess', [
        { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] },
      ]);
    const b = await network
      .as(who.communityClinician)
      .endorse('access:RequestAccess', [
        { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] },
      ]);
    expect(network.ledger.commit(a.simulation)).toBe('VALID');
    expect(network.ledger.commit(b.simulation)).toBe('VALID');
  });
});
