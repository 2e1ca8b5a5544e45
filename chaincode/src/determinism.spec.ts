import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  requestedConsent,
  TRANSACTION_SHAPES,
  type ConsentRequestTerms,
  type PatientActionName,
  type PatientActions,
} from '@consent-ledger/ledger-api';
import {
  adminOf,
  bootstrap,
  consentInput,
  derived,
  enrolmentCode,
  enrolmentOf,
  keyOf,
  MSP,
  nth,
  ok,
  pid,
  registerPatients,
  rid,
  signFor,
  who,
  type TestPatient,
} from './testing/fixtures';
import {
  createTestNetwork,
  saltOf,
  type Argument,
  type InvokeResult,
  type TestIdentity,
  type TestNetwork,
} from './testing/harness';
import type { PrivateWriteEntry, WriteEntry } from './testing/in-memory-ledger';

interface Step {
  readonly who: TestIdentity;
  readonly transaction: string;
  readonly args: (previous: readonly InvokeResult[], context: StepContext) => Promise<Argument[]>;
}

interface StepContext {
  readonly network: TestNetwork;
  readonly at: string;
}

const HASH = 'ef'.repeat(32);
const REQUEST_LIMITS = { maxOpen: 2, maxPerWindow: 4 };
const REQUESTED: ConsentRequestTerms = {
  grantee: { org: MSP.enterprise },
  purposes: ['insurance'],
  categories: ['inpatient'],
  validUntil: '2027-06-01T00:00:00.000Z',
};
const idOf = (result: InvokeResult | undefined, field: string): string => {
  const value: unknown = result?.json();
  return typeof value === 'object' && value !== null
    ? String((value as Record<string, unknown>)[field])
    : '';
};

const code = enrolmentCode('determinism');
const guardianCode = enrolmentCode('determinism-guardian');

async function alice(): Promise<TestPatient> {
  return {
    patientId: pid(1),
    home: MSP.tertiary,
    carrier: who.tertiaryAdmin,
    key: await keyOf('patient:1'),
    signer: { kind: 'patient', id: pid(1) },
  };
}

/** A step of a patient's action, signed at the step's time and carried by the home's admin. */
function signed<A extends PatientActionName>(
  action: A,
  payload: (previous: readonly InvokeResult[]) => Promise<PatientActions[A]>,
  as: () => Promise<TestPatient> = alice,
): Step {
  return {
    who: who.tertiaryAdmin,
    transaction: action,
    args: async (done, { network, at }) => [
      await signFor(network, {
        patient: await as(),
        action: action,
        payload: await payload(done),
        at,
      }),
    ],
  };
}

const value =
  <T>(result: T): (() => Promise<T>) =>
  () =>
    Promise.resolve(result);

/** Every submit transaction of the ledger, in an order in which each succeeds. */
const STEPS: Step[] = [
  {
    who: who.tertiaryAdmin,
    transaction: 'patient:RegisterPatient',
    args: value([{ patientId: pid(1), enrolment: enrolmentOf(code, 'determinism') }]),
  },
  signed('patient:ActivatePatient', async () => ({
    publicKey: (await alice()).key.publicKey,
    enrolmentCode: code,
  })),
  signed('consent:GrantConsent', () =>
    Promise.resolve(
      consentInput({
        categories: ['outpatient', 'wearable'],
        purposes: ['treatment', 'research'],
      }) as PatientActions['consent:GrantConsent'],
    ),
  ),
  signed('consent:GrantConsent', () =>
    Promise.resolve(
      consentInput({
        grantee: { org: MSP.research },
        purposes: ['research'],
        categories: ['genomic'],
        sensitive: ['GDIS'],
      }) as PatientActions['consent:GrantConsent'],
    ),
  ),
  signed('consent:GrantConsent', () =>
    Promise.resolve(
      consentInput({
        grantee: { org: MSP.enterprise },
        purposes: ['insurance'],
        categories: ['wearable'],
      }) as PatientActions['consent:GrantConsent'],
    ),
  ),
  signed('consent:UpdateConsent', (done) =>
    Promise.resolve({
      ...(consentInput({ categories: ['imaging'] }) as PatientActions['consent:GrantConsent']),
      consentId: idOf(done[2], 'consentId'),
      expectedVersion: 1,
    }),
  ),
  {
    who: who.tertiaryClinician,
    transaction: 'records:AnchorRecord',
    args: value([{ recordId: 'rec-1', patientId: pid(1), category: 'outpatient', sha256: HASH }]),
  },
  {
    who: who.enterpriseAnalyst,
    transaction: 'records:AnchorRecord',
    args: value([{ recordId: 'watch-1', patientId: pid(1), category: 'wearable', sha256: HASH }]),
  },
  {
    who: who.tertiaryClinician,
    transaction: 'records:AnchorBatch',
    args: value([
      {
        items: [1, 2, 3].map((n) => ({
          recordId: `b-${n}`,
          patientId: pid(n),
          category: 'imaging',
          sha256: HASH,
          salt: derived(`item:${n}`),
        })),
      },
    ]),
  },
  {
    who: who.communityClinician,
    transaction: 'access:RequestAccess',
    args: value([{ patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] }]),
  },
  {
    who: who.tertiaryClinician,
    transaction: 'access:RequestEmergencyAccess',
    args: value([
      {
        patientId: pid(1),
        categories: ['medication'],
        reasonCode: 'URGENT_TREATMENT',
        justificationHash: HASH,
      },
    ]),
  },
  {
    who: who.regulator,
    transaction: 'audit:ReviewEmergencyAccess',
    args: (done) =>
      Promise.resolve([
        idOf(done[10], 'eventId'),
        { outcome: 'justified', commentHash: 'ef'.repeat(32) },
      ]),
  },
  {
    who: who.researcher,
    transaction: 'cohort:RequestCohort',
    // The candidates as FindCohort (an evaluate) finds them: the first step of a cohort.
    args: async (_, { network, at }) => [
      {
        studyId: 'study-1',
        categories: ['genomic'],
        patientIds: ok(
          await network
            .as(who.researcher, { at })
            .evaluate('cohort:FindCohort', [{ categories: ['genomic'] }]),
        ).candidates,
      },
    ],
  },
  {
    who: who.tertiaryClinician,
    transaction: 'referral:CreateReferral',
    args: value([
      {
        patientId: pid(1),
        toOrg: MSP.community,
        categories: ['outpatient'],
        validUntil: '2026-12-24T00:00:00.000Z',
      },
    ]),
  },
  {
    who: who.communityClinician,
    transaction: 'referral:CloseReferral',
    args: (done) => Promise.resolve([idOf(done[13], 'referralId')]),
  },
  { who: who.regulator, transaction: 'request:SetRequestLimits', args: value([REQUEST_LIMITS]) },
  {
    who: who.enterpriseAnalyst,
    transaction: 'request:RequestConsent',
    args: value([{ patientId: pid(1), terms: REQUESTED, reason: 'CLAIM_ASSESSMENT' }]),
  },
  signed('request:ApproveRequest', (done) =>
    Promise.resolve({
      requestId: idOf(done[16], 'requestId'),
      consent: requestedConsent(REQUESTED),
    }),
  ),
  {
    who: who.enterpriseAnalyst,
    transaction: 'request:RequestConsent',
    args: value([{ patientId: pid(1), terms: REQUESTED, reason: 'FOLLOW_UP' }]),
  },
  signed('request:DeclineRequest', (done) =>
    Promise.resolve({ requestId: idOf(done[18], 'requestId'), reason: 'NOT_NEEDED' }),
  ),
  {
    who: who.enterpriseAnalyst,
    transaction: 'request:RequestConsent',
    args: value([{ patientId: pid(1), terms: REQUESTED, reason: 'SECOND_OPINION' }]),
  },
  {
    who: who.enterpriseAnalyst,
    transaction: 'request:WithdrawRequest',
    args: (done) => Promise.resolve([idOf(done[20], 'requestId')]),
  },
  signed('consent:RevokeConsent', (done) =>
    Promise.resolve({ consentId: idOf(done[3], 'consentId'), expectedVersion: 1 }),
  ),
  signed('consent:EraseConsent', (done) =>
    Promise.resolve({ consentId: idOf(done[3], 'consentId') }),
  ),
  signed('patient:AddDevice', async () => ({
    publicKey: (await keyOf('patient:1:phone')).publicKey,
  })),
  signed('patient:RemoveDevice', async () => ({ keyId: (await keyOf('patient:1:phone')).keyId })),
  {
    who: who.tertiaryAdmin,
    transaction: 'patient:ProposeGuardian',
    args: value([
      {
        patientId: pid(1),
        guardianId: rid(1),
        relationship: 'legal-proxy',
        validFrom: '2026-11-01T00:00:00.000Z',
        validUntil: '2027-11-01T00:00:00.000Z',
        enrolment: enrolmentOf(guardianCode, 'determinism-guardian'),
      },
    ]),
  },
  {
    who: who.regulator,
    transaction: 'patient:ApproveGuardian',
    args: value([{ patientId: pid(1), guardianId: rid(1) }]),
  },
  signed(
    'patient:ActivateGuardian',
    async () => ({
      publicKey: (await keyOf('guardian:1')).publicKey,
      enrolmentCode: guardianCode,
      guardianId: rid(1),
    }),
    async () => ({
      ...(await alice()),
      key: await keyOf('guardian:1'),
      signer: { kind: 'guardian', id: rid(1) },
    }),
  ),
  {
    who: who.regulator,
    transaction: 'patient:EndGuardianship',
    args: value([{ patientId: pid(1), guardianId: rid(1) }]),
  },
  {
    who: who.tertiaryAdmin,
    transaction: 'patient:RequestRecovery',
    args: value([{ patientId: pid(1), enrolment: enrolmentOf(code, 'determinism-2') }]),
  },
  { who: who.regulator, transaction: 'patient:ApproveRecovery', args: value([pid(1)]) },
  {
    who: who.regulator,
    transaction: 'audit:RollupStatistics',
    // The day's counts as CountDay (an evaluate) gives them.
    args: async (_, { network, at }) => [
      ok(await network.as(who.regulator, { at }).evaluate('audit:CountDay', ['2026-11-23'])),
    ],
  },
  {
    who: who.regulator,
    transaction: 'audit:PurgeExpired',
    // The items FindExpired (an evaluate) finds past their retention period.
    args: async (_, { network, at }) => {
      const { ids } = ok(
        await network.as(who.regulator, { at }).evaluate('audit:FindExpired', [
          {
            collection: `org_${MSP.tertiary}`,
            kind: 'accessEvent',
            before: '2026-11-24T00:00:00.000Z',
          },
        ]),
      );
      expect(ids.length).toBeGreaterThan(0);
      return [
        {
          collection: `org_${MSP.tertiary}`,
          kind: 'accessEvent',
          before: '2026-11-24T00:00:00.000Z',
          ids,
        },
      ];
    },
  },
  {
    who: who.govAdmin,
    transaction: 'cohort:SetResearchThreshold',
    args: value([{ region: '330106', minCohortSize: 20, ethicsApprovalRequired: true }]),
  },
  {
    // Refused by the threshold just set: only the refusal record is written.
    who: who.researcher,
    transaction: 'cohort:RequestCohort',
    args: value([{ studyId: 'study-2', categories: ['genomic'], patientIds: [pid(1)] }]),
  },
  {
    who: who.govAdmin,
    transaction: 'registry:RegisterOrganization',
    args: value([{ mspId: MSP.research, type: 'research', region: { province: '330000' } }]),
  },
  {
    who: who.researchAdmin,
    transaction: 'notice:PublishNotice',
    args: value([
      { noticeId: 'consent-sharing', version: 1, texts: { 'zh-CN': '告知书', en: 'Notice' } },
    ]),
  },
  {
    who: who.govAdmin,
    transaction: 'registry:DeregisterOrganization',
    args: value([MSP.research]),
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
        : step.transaction === 'audit:PurgeExpired'
          ? '2036-12-01T00:00:00.000Z'
          : `2026-11-23T08:00:${String(second).padStart(2, '0')}.000Z`;
    const args = await step.args(done, { network, at });
    const result = await network.as(step.who, { at }).submit(step.transaction, args);
    ok(result);
    // Fabric refuses a transaction that writes and range-queries private data: no submit scans.
    expect(
      result.privateReads.filter((read) => read.kind === 'range'),
      step.transaction,
    ).toEqual([]);
    done.push(result);
  }
  return done;
}

const bytes = (writes: readonly (WriteEntry | PrivateWriteEntry)[]): string[] =>
  writes.map(
    (write) =>
      `${'collection' in write ? write.collection : ''}:${write.key}=${Buffer.from(write.value ?? []).toString('base64')}`,
  );

describe('determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('replays every submit transaction on two fresh ledgers with byte-identical writes, events and results', async () => {
    // Keys are made on the patients' devices before: the chaincode itself never makes randomness.
    await keyOf('patient:1');
    await keyOf('patient:1:phone');
    await keyOf('guardian:1');
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
      expect(bytes(other?.privateWrites ?? []), result.transaction).toEqual(
        bytes(result.privateWrites),
      );
      expect(other?.payload.equals(result.payload), result.transaction).toBe(true);
      expect(other?.event, result.transaction).toEqual(result.event);
    });
    const events = (network: readonly InvokeResult[]): string[] =>
      network.map((result) => result.event?.name ?? '-');
    expect(events(first)).toEqual([
      'PatientBindingChanged',
      'PatientBindingChanged',
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
      '-',
      'ConsentRequested',
      'ConsentRequestAnswered',
      'ConsentRequested',
      'ConsentRequestAnswered',
      'ConsentRequested',
      'ConsentRequestAnswered',
      'ConsentRevoked',
      'ConsentErased',
      'PatientBindingChanged',
      'PatientBindingChanged',
      'PatientBindingChanged',
      'PatientBindingChanged',
      'PatientBindingChanged',
      'PatientBindingChanged',
      'PatientBindingChanged',
      'PatientBindingChanged',
      '-',
      'DataPurged',
      '-',
      '-',
      '-',
      '-',
      '-',
    ]);
    // Events about private data carry their name only.
    for (const result of first) {
      if (
        result.event !== undefined &&
        !['RecordAnchored', 'BatchAnchored', 'DataPurged'].includes(result.event.name)
      ) {
        expect(result.event.payload, result.transaction).toEqual({});
      }
    }
  });

  it('runs every submit transaction of the catalogue (the benchmark yardstick and seeding in their own specs)', () => {
    const submits = Object.entries(TRANSACTION_SHAPES)
      .filter(([, shape]) => shape.kind === 'submit')
      .map(([name]) => name)
      .sort();
    expect(
      [
        ...new Set([
          ...STEPS.map((step) => step.transaction),
          'baseline:Put',
          'bench:SeedAccessEvents',
        ]),
      ].sort(),
    ).toEqual(submits);
  });

  it('derives IDs and private bytes from the transient salt: another salt, other IDs and hashes', async () => {
    const network = createTestNetwork();
    await bootstrap(network);
    const patient = nth(await registerPatients(network, [1]), 0);
    const statement = await signFor(network, {
      patient: patient,
      action: 'consent:GrantConsent',
      payload: {
        grantee: { org: MSP.tertiary },
        purposes: ['treatment'],
        categories: ['outpatient'],
      },
    });
    const txId = 'cd'.repeat(32);
    const endorse = (salt: string) =>
      network.as(patient.carrier, { txId, salt }).endorse('consent:GrantConsent', [statement]);
    const one = await endorse(saltOf('one'));
    const again = await endorse(saltOf('one'));
    const other = await endorse(saltOf('two'));
    expect(one.result.message).toBe('');
    expect(bytes(again.simulation.privateWrites())).toEqual(bytes(one.simulation.privateWrites()));
    expect(idOf(other.result, 'consentId')).not.toBe(idOf(one.result, 'consentId'));
    const values = (result: { simulation: { privateWrites(): PrivateWriteEntry[] } }) =>
      result.simulation
        .privateWrites()
        .map((write) => Buffer.from(write.value ?? []).toString('base64'));
    for (const written of values(other)) expect(values(one)).not.toContain(written);
  });

  it('writes every document as sorted-key JSON, public index entries as 0x00, private ones as the salt', async () => {
    await keyOf('patient:1');
    const network = createTestNetwork();
    const results = await replay(network);
    const check = (key: string, stored: Uint8Array | undefined): void => {
      const value = Buffer.from(stored ?? []);
      if (value.length <= 16) {
        expect(value.length === 1 ? value : value.length, key).toEqual(
          value.length === 1 ? Buffer.of(0) : 16,
        );
        return;
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
    };
    for (const key of network.ledger.keys()) check(key, network.ledger.get(key));
    for (const collection of network.ledger.collections()) {
      for (const key of network.ledger.privateKeys(collection)) {
        const stored = network.ledger.privateGet(collection, key);
        check(key, stored);
        const text = Buffer.from(stored ?? []).toString('utf8');
        // Every private document carries a salt (a version snapshot: its consent's; a compact
        // statistics entry: `s`).
        if (text.startsWith('{')) expect(text, key).toMatch(/"(salt|s)":"[A-Za-z0-9_-]{22,}"/);
      }
    }
    expect(results.every((result) => result.payload.toString('utf8').startsWith('{'))).toBe(true);
  });

  it('lets transactions about different patients and records commit concurrently (no shared keys)', async () => {
    const network = createTestNetwork();
    await bootstrap(network);
    const patients = await registerPatients(network, [1, 2, 3, 11, 12, 13]);
    const endorsed = [];
    for (const n of [1, 2, 3]) {
      const patient = nth(patients, n - 1);
      endorsed.push(
        await network.as(patient.carrier).endorse('consent:GrantConsent', [
          await signFor(network, {
            patient: patient,
            action: 'consent:GrantConsent',
            payload: consentInput(),
          }),
        ]),
      );
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
    // A replayed signed statement is one grant only: the second use of its nonce is invalidated.
    const patient = nth(patients, 0);
    const statement = await signFor(network, {
      patient: patient,
      action: 'consent:GrantConsent',
      payload: consentInput(),
    });
    const twice = [
      await network.as(patient.carrier).endorse('consent:GrantConsent', [statement]),
      await network.as(adminOf(MSP.gov)).endorse('consent:GrantConsent', [statement]),
    ];
    expect(twice.map(({ result }) => result.message)).toEqual(['', '']);
    expect(network.ledger.commit(twice[0]?.simulation ?? a.simulation)).toBe('VALID');
    expect(network.ledger.commit(twice[1]?.simulation ?? a.simulation)).toBe('MVCC_READ_CONFLICT');
  });
});
