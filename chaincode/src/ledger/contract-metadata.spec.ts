import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadAndValidateMetadata } from 'fabric-shim/lib/contract-spi/bootstrap.js';
import { describe, expect, it } from 'vitest';
import {
  requestedConsent,
  type ConsentInput,
  type PatientActionName,
  type PatientActions,
} from '@consent-ledger/ledger-api';
import {
  bootstrap,
  consentInput,
  derived,
  enrolmentCode,
  enrolmentOf,
  keyOf,
  MSP,
  ok,
  pid,
  registerPatient,
  rid,
  signFor,
  who,
  type TestPatient,
} from '../testing/fixtures';
import {
  BUILT_METADATA_FILE,
  chaincodeRouter,
  createTestNetwork,
  TOPOLOGY_MSP_IDS,
  type Argument,
  type InvokeResult,
  type TestIdentity,
} from '../testing/harness';

/**
 * The contract metadata the build generates (scripts/generate-metadata.mjs): the file the package
 * ships passes the check the peer runs at startup, its object schemas (generated from ledger-api's
 * types) compile with fabric-shim's own ajv as its router compiles them, it names the transactions
 * of the code, and every result the chaincode returns is valid against its transaction's schema.
 */

interface Transaction {
  readonly name: string;
  readonly tag?: readonly string[];
  readonly returns?: unknown;
  readonly parameters?: readonly { readonly name: string }[];
}

interface Metadata {
  readonly contracts: Record<string, { readonly transactions: readonly Transaction[] }>;
  readonly components: { readonly schemas: Record<string, Record<string, unknown>> };
}

interface Validator {
  (data: unknown): boolean;
  errors?: unknown;
}

/** ajv v6 as fabric-shim requires it (the one the peer's chaincode compiles schemas with). */
const Ajv = createRequire(require.resolve('fabric-shim/package.json'))('ajv') as new (options: {
  readonly useDefaults?: boolean;
  readonly coerceTypes?: boolean;
  readonly allErrors?: boolean;
  readonly schemas?: readonly object[];
}) => { compile(schema: object): Validator; getSchema(id: string): Validator | undefined };

const built = (): Metadata => JSON.parse(readFileSync(BUILT_METADATA_FILE, 'utf8')) as Metadata;

/** Every `$ref` of a schema, wherever it is. */
function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (value === null || typeof value !== 'object') return [];
  const node = value as Record<string, unknown>;
  const own = typeof node.$ref === 'string' ? [node.$ref] : [];
  return [...own, ...Object.values(node).flatMap(refsOf)];
}

describe('contract metadata', () => {
  it('passes the startup check and compiles with fabric-shim ajv, every reference resolved', () => {
    const metadata = loadAndValidateMetadata(BUILT_METADATA_FILE) as Metadata;
    const schemas = metadata.components.schemas;
    const ajv = new Ajv({
      useDefaults: true,
      coerceTypes: false,
      allErrors: true,
      schemas: Object.values(schemas),
    });
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema.$id).toBe(name);
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('definitions');
      expect(typeof ajv.getSchema(name)).toBe('function');
      for (const ref of refsOf(schema)) expect(Object.keys(schemas)).toContain(ref);
    }
    const returned = Object.values(metadata.contracts)
      .flatMap((contract) => contract.transactions)
      .flatMap((transaction) => refsOf(transaction.returns));
    expect(returned.length).toBeGreaterThan(0);
    for (const ref of returned) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(Object.keys(schemas)).toContain(ref.slice('#/components/schemas/'.length));
    }
  });

  it('describes the contracts and transactions of the code', () => {
    const shape = (metadata: Pick<Metadata, 'contracts'>): Record<string, string[]> =>
      Object.fromEntries(
        Object.entries(metadata.contracts).map(([name, contract]) => [
          name,
          contract.transactions.map(
            (transaction) =>
              `${transaction.name}(${(transaction.parameters ?? []).map((p) => p.name).join()})`,
          ),
        ]),
      );
    expect(shape(built())).toEqual(shape(chaincodeRouter().metadata));
  });

  it('validates every result of the ledger transactions against its schema', async () => {
    const metadata = built();
    const network = createTestNetwork({
      start: '2026-11-22T00:00:00.000Z',
      mspIds: [...TOPOLOGY_MSP_IDS, 'ThirdHospitalMSP'],
    });
    await bootstrap(network);
    const hash = 'ab'.repeat(32);
    const item = { recordId: 'rec-1', patientId: pid(1), category: 'outpatient', sha256: hash };
    const batchItem = { ...item, salt: derived('batch-item') };
    const results: InvokeResult[] = [];
    const call = async (
      caller: TestIdentity,
      transaction: string,
      args: readonly Argument[] = [],
      at?: string,
    ): Promise<InvokeResult> => {
      const client = network.as(caller, at === undefined ? {} : { at });
      const [contract = '', name] = transaction.split(':');
      const described = metadata.contracts[contract]?.transactions.find((tx) => tx.name === name);
      expect(described, transaction).toBeDefined();
      const result = await (described?.tag?.includes('SUBMIT') === true
        ? client.submit(transaction, args)
        : client.evaluate(transaction, args));
      ok(result);
      results.push(result);
      return result;
    };
    const field = (result: InvokeResult, name: string): string =>
      String((result.json() as Record<string, unknown>)[name]);
    /** A patient action, signed and carried by the patient's home admin. */
    const act = async <A extends PatientActionName>(
      patient: TestPatient,
      action: A,
      payload: PatientActions[A],
    ): Promise<InvokeResult> =>
      call(patient.carrier, action, [
        await signFor(network, { patient: patient, action: action, payload: payload }),
      ]);

    await call(who.govAdmin, 'registry:RegisterOrganization', [
      {
        mspId: 'ThirdHospitalMSP',
        type: 'hospital',
        tier: 'community',
        region: { province: '330000' },
      },
    ]);
    await call(who.govAdmin, 'registry:GetOrganization', [MSP.tertiary]);
    await call(who.govAdmin, 'registry:ListOrganizations');
    await call(who.govAdmin, 'registry:DeregisterOrganization', ['ThirdHospitalMSP']);

    const alice: TestPatient = {
      patientId: pid(1),
      home: MSP.tertiary,
      carrier: who.tertiaryAdmin,
      key: await keyOf('patient:1'),
      signer: { kind: 'patient', id: pid(1) },
    };
    const code = enrolmentCode('alice');
    await call(who.tertiaryAdmin, 'patient:RegisterPatient', [
      { patientId: pid(1), enrolment: enrolmentOf(code, 'alice') },
    ]);
    await act(alice, 'patient:ActivatePatient', {
      publicKey: alice.key.publicKey,
      enrolmentCode: code,
    });
    const phone = await keyOf('patient:1:phone');
    await act(alice, 'patient:AddDevice', { publicKey: phone.publicKey });
    await act(alice, 'patient:RemoveDevice', { keyId: phone.keyId });
    const guardianCode = enrolmentCode('guardian');
    await call(who.tertiaryAdmin, 'patient:ProposeGuardian', [
      {
        patientId: pid(1),
        guardianId: rid(1),
        relationship: 'parent',
        validFrom: '2026-11-01T00:00:00.000Z',
        validUntil: '2027-11-01T00:00:00.000Z',
        enrolment: enrolmentOf(guardianCode, 'guardian'),
      },
    ]);
    await call(who.regulator, 'patient:ApproveGuardian', [
      { patientId: pid(1), guardianId: rid(1) },
    ]);
    const guardianKey = await keyOf('guardian:1');
    await act(
      { ...alice, key: guardianKey, signer: { kind: 'guardian', id: rid(1) } },
      'patient:ActivateGuardian',
      { publicKey: guardianKey.publicKey, enrolmentCode: guardianCode, guardianId: rid(1) },
    );
    await call(who.regulator, 'patient:EndGuardianship', [
      { patientId: pid(1), guardianId: rid(1) },
    ]);
    const carol = await registerPatient(network, 3);
    await call(who.tertiaryAdmin, 'patient:RequestRecovery', [
      { patientId: carol.patientId, enrolment: enrolmentOf(enrolmentCode('carol-2'), 'carol-2') },
    ]);
    await call(who.regulator, 'patient:ApproveRecovery', [carol.patientId]);
    await call(who.tertiaryAdmin, 'patient:GetBinding', [pid(1)]);
    await call(who.regulator, 'patient:GetBindingHistory', [pid(1)]);
    await call(who.communityAdmin, 'patient:LocatePatient', [pid(1)]);

    const published = await call(who.tertiaryAdmin, 'notice:PublishNotice', [
      { noticeId: 'consent-sharing', version: 1, texts: { 'zh-CN': '告知书', en: 'Notice' } },
    ]);
    await call(who.communityClinician, 'notice:GetNotice', [MSP.tertiary, 'consent-sharing', 1]);
    await call(who.communityClinician, 'notice:ListNotices', [MSP.tertiary]);
    const consent = await act(
      alice,
      'consent:GrantConsent',
      consentInput({
        purposes: ['treatment', 'referral'],
        categories: ['outpatient', 'wearable'],
        notice: {
          org: MSP.tertiary,
          noticeId: 'consent-sharing',
          version: 1,
          sha256: field(published, 'sha256'),
        },
      }) as ConsentInput,
    );
    await call(who.regulator, 'notice:CountConsentsByNotice', [MSP.tertiary, 'consent-sharing']);
    await act(
      alice,
      'consent:GrantConsent',
      consentInput({
        grantee: { org: MSP.research },
        purposes: ['research'],
        categories: ['genomic'],
        sensitive: ['GDIS'],
      }) as ConsentInput,
    );
    const consentId = field(consent, 'consentId');
    await act(alice, 'consent:UpdateConsent', {
      ...(consentInput() as ConsentInput),
      consentId,
      expectedVersion: 1,
    });
    await call(who.tertiaryAdmin, 'consent:GetConsent', [consentId]);
    await call(who.tertiaryAdmin, 'consent:GetConsentHistory', [consentId]);
    await call(who.tertiaryAdmin, 'consent:QueryConsents', [{ patientId: pid(1) }]);
    const bob = await registerPatient(network, 2);
    const revoked = await act(bob, 'consent:GrantConsent', consentInput() as ConsentInput);
    const revokedId = field(revoked, 'consentId');
    await act(bob, 'consent:RevokeConsent', { consentId: revokedId, expectedVersion: 1 });
    await act(bob, 'consent:EraseConsent', { consentId: revokedId });
    await call(who.tertiaryAdmin, 'patient:QueryErasures', [pid(2)]);
    const access = { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] };
    await call(who.tertiaryClinician, 'access:RequestAccess', [access]);
    await call(who.tertiaryClinician, 'access:CheckAccess', [access]);
    const emergency = await call(who.tertiaryClinician, 'access:RequestEmergencyAccess', [
      {
        patientId: pid(1),
        categories: ['outpatient'],
        reasonCode: 'OTHER',
        justificationHash: hash,
      },
    ]);
    await call(who.regulator, 'audit:QueryEmergencyReviews', ['']);
    await call(who.regulator, 'audit:ReviewEmergencyAccess', [
      field(emergency, 'eventId'),
      { outcome: 'justified', commentHash: 'ef'.repeat(32) },
    ]);
    const referral = await call(who.tertiaryClinician, 'referral:CreateReferral', [
      {
        patientId: pid(1),
        toOrg: MSP.community,
        categories: ['outpatient'],
        validUntil: '2026-12-01T00:00:00.000Z',
      },
    ]);
    await call(who.communityClinician, 'referral:GetReferral', [field(referral, 'referralId')]);
    await call(who.communityClinician, 'referral:CloseReferral', [field(referral, 'referralId')]);
    const asked = {
      grantee: { org: MSP.community },
      purposes: ['treatment'],
      categories: ['outpatient'],
      validUntil: '2027-06-01T00:00:00.000Z',
    } as const;
    await call(who.regulator, 'request:SetRequestLimits', [{ maxOpen: 2, maxPerWindow: 4 }]);
    await call(who.communityClinician, 'request:GetRequestLimits');
    const approvedRequest = await call(who.communityClinician, 'request:RequestConsent', [
      { patientId: pid(1), terms: asked, reason: 'CARE_CONTINUITY' },
    ]);
    await act(alice, 'request:ApproveRequest', {
      requestId: field(approvedRequest, 'requestId'),
      consent: requestedConsent(asked),
    });
    const declinedRequest = await call(who.communityClinician, 'request:RequestConsent', [
      { patientId: pid(1), terms: asked, reason: 'FOLLOW_UP' },
    ]);
    await act(alice, 'request:DeclineRequest', {
      requestId: field(declinedRequest, 'requestId'),
      reason: 'NOT_NEEDED',
    });
    const withdrawnRequest = await call(who.communityClinician, 'request:RequestConsent', [
      { patientId: pid(1), terms: asked, reason: 'SECOND_OPINION' },
    ]);
    await call(who.communityClinician, 'request:WithdrawRequest', [
      field(withdrawnRequest, 'requestId'),
    ]);
    await call(who.tertiaryAdmin, 'request:GetRequest', [field(approvedRequest, 'requestId')]);
    await call(who.tertiaryAdmin, 'request:QueryRequests', [{ patientId: pid(1) }]);
    const found = await call(who.researcher, 'cohort:FindCohort', [{ categories: ['genomic'] }]);
    await call(who.researcher, 'cohort:RequestCohort', [
      {
        studyId: 's-1',
        categories: ['genomic'],
        patientIds: (found.json() as { candidates: string[] }).candidates,
      },
    ]);
    await call(who.researcher, 'cohort:ListResearchThresholds');
    await call(who.govAdmin, 'cohort:SetResearchThreshold', [
      { region: '330106', minCohortSize: 50, ethicsApprovalRequired: true },
    ]);
    // Refused (no ethics approval): the result carries the refusal instead of patients.
    await call(who.researcher, 'cohort:RequestCohort', [
      { studyId: 's-2', categories: ['genomic'], patientIds: [pid(1)] },
    ]);
    await call(who.regulator, 'cohort:QueryCohortRefusals', [{}]);
    await call(who.govAdmin, 'audit:GetOpenStatistics', [{ from: '2026-11-22', to: '2026-11-22' }]);
    await call(who.tertiaryClinician, 'records:AnchorRecord', [item]);
    const batch = await call(who.tertiaryClinician, 'records:AnchorBatch', [
      { batchId: 'batch-1', items: [batchItem] },
    ]);
    await call(who.tertiaryClinician, 'records:VerifyRecord', ['rec-1', hash, '']);
    await call(who.tertiaryClinician, 'records:FindAnchorsByHash', [hash]);
    await call(who.tertiaryClinician, 'records:VerifyBatchMember', [
      { batchId: field(batch, 'batchId'), item: batchItem, leafIndex: 0, auditPath: [] },
    ]);
    await call(who.tertiaryClinician, 'records:GetRecord', ['rec-1']);
    await call(who.tertiaryClinician, 'records:GetBatch', ['batch-1']);
    await call(who.tertiaryClinician, 'records:QueryAnchors', ['']);
    await call(who.regulator, 'audit:QueryAccessEvents', ['']);
    await call(who.regulator, 'audit:GetAccessEvent', [field(emergency, 'eventId')]);
    await call(who.regulator, 'audit:GetStatistics', [
      { from: '2026-11-22T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', level: 'city' },
    ]);
    const counts = await call(who.regulator, 'audit:CountDay', ['2026-11-22']);
    await call(
      who.regulator,
      'audit:RollupStatistics',
      [counts.json() as object],
      '2026-11-24T00:00:00.000Z',
    );
    const purge = {
      collection: 'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
      kind: 'referral',
      before: '2027-01-01T00:00:00.000Z',
    };
    const later = '2032-06-01T00:00:00.000Z';
    const expired = await call(who.regulator, 'audit:FindExpired', [purge], later);
    await call(
      who.regulator,
      'audit:PurgeExpired',
      [{ ...purge, ids: (expired.json() as { ids: string[] }).ids }],
      later,
    );
    await call(who.communityClinician, 'audit:GetRetentionPolicy');

    const ajv = new Ajv({ useDefaults: true, coerceTypes: false, allErrors: true });
    const covered = new Set<string>();
    for (const result of results) {
      const [contract = '', name] = result.transaction.split(':');
      const returns = metadata.contracts[contract]?.transactions.find(
        (tx) => tx.name === name,
      )?.returns;
      expect(returns, result.transaction).toBeDefined();
      // As fabric-shim's DataMarshall validates: the schema beside the components it refers to.
      const validate = ajv.compile({
        properties: { prop: returns },
        components: { schemas: metadata.components.schemas },
      });
      expect(validate({ prop: result.json() }), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ prop: { unexpected: true } }), result.transaction).toBe(false);
      covered.add(result.transaction);
    }
    const withResults = Object.entries(metadata.contracts)
      .filter(([name]) => !['baseline', 'bench', 'org.hyperledger.fabric'].includes(name))
      .flatMap(([name, contract]) =>
        contract.transactions
          .filter((tx) => tx.returns !== undefined)
          .map((tx) => `${name}:${tx.name}`),
      );
    expect([...covered].sort()).toEqual(withResults.sort());
  });
});
