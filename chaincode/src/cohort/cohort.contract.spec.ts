import { beforeEach, describe, expect, it } from 'vitest';
import { collectionFor, orgCollection } from '@consent-ledger/ledger-api';
import { encodeBookmark } from '../ledger/pagination';
import {
  bootstrap,
  consentInput,
  grant as grantAs,
  MSP,
  ok,
  patientClient,
  pid,
  refused,
  registerPatient,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type TestNetwork } from '../testing/harness';
import { createCompositeKey } from '../testing/in-memory-ledger';

describe('cohort contract', () => {
  let network: TestNetwork;
  /** Patients 1 to 8, homed alternately at the tertiary and the community hospital. */
  let patients: TestPatient[];
  const patient = (n: number): TestPatient => {
    const found = patients[n - 1];
    if (found === undefined) throw new Error(`no patient ${n}`);
    return found;
  };
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    patients = [];
    for (let n = 1; n <= 8; n += 1) {
      patients.push(
        await registerPatient(network, { n: n, home: n % 2 === 1 ? MSP.tertiary : MSP.community }),
      );
    }
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  const grant = async (
    who_: TestPatient,
    input: Record<string, unknown> = consentInput(),
  ): Promise<string> => (await grantAs(network, { patient: who_, input: input })).consentId;

  describe('RequestCohort', () => {
    const research = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
      consentInput({
        grantee: { org: MSP.research },
        purposes: ['research'],
        categories: ['genomic', 'laboratory'],
        // Genomic data is genetic data throughout (ledger-api CATEGORY_LABELS): named explicitly.
        sensitive: ['GDIS'],
        ...overrides,
      });

    beforeEach(async () => {
      await grant(patient(1), research());
      await grant(patient(1), research({ categories: ['imaging'] }));
      await grant(patient(2), research());
      await grant(patient(3), research({ categories: ['imaging'] }));
      await grant(patient(4), research());
      await grant(patient(4), { provision: 'deny', purposes: ['research'] });
      const revoked = await grant(patient(5), research());
      ok(
        await patientClient(network, patient(5)).submit('consent:RevokeConsent', {
          consentId: revoked,
          expectedVersion: 1,
        }),
      );
      await grant(
        patient(6),
        consentInput({
          grantee: { org: MSP.tertiary },
          purposes: ['research'],
          categories: ['genomic'],
        }),
      );
      await grant(patient(7), research());
      // Genomic data for research without naming it as genetic data: opens no genomic cohort.
      await grant(patient(8), research({ sensitive: undefined }));
    });

    it('finds the patients with an active research permit to the organization (evaluate, no writes)', async () => {
      const found = await network
        .as(who.researcher)
        .evaluate('cohort:FindCohort', [{ categories: ['genomic'] }]);
      expect(ok(found)).toEqual({ candidates: [pid(1), pid(2), pid(7)], bookmark: '' });
      expect(found.privateWrites).toEqual([]);
      expect(found.writes).toEqual([]);
      // Found in the institute's own collections, through the grantee index.
      expect(found.privateReads.some((read) => read.kind === 'range')).toBe(true);
      const imaging = await network
        .as(who.researcher)
        .evaluate('cohort:FindCohort', [{ categories: ['imaging'] }]);
      expect(ok(imaging).candidates).toEqual([pid(1), pid(3)]);
      // Patient 8 named no genetic data (GDIS): found for laboratory data, never for genomic.
      const laboratory = await network
        .as(who.researcher)
        .evaluate('cohort:FindCohort', [{ categories: ['laboratory'] }]);
      expect(ok(laboratory).candidates).toEqual([pid(1), pid(2), pid(7), pid(8)]);
    });

    it('includes the patients named whose consents permit the study, one event each, by point reads', async () => {
      const result = await network.as(who.researcher).submit('cohort:RequestCohort', [
        {
          studyId: 'study-42',
          categories: ['genomic'],
          patientIds: [pid(1), pid(2), pid(3), pid(4), pid(5), pid(6), pid(7), pid(8)],
        },
      ]);
      const cohort = ok(result);
      expect(cohort.included).toEqual([pid(1), pid(2), pid(7)]);
      expect(cohort.events).toHaveLength(3);
      expect(cohort).not.toHaveProperty('bookmark');
      expect(result.event).toEqual({ name: 'CohortRecorded', payload: {} });
      // Fabric refuses a writing transaction that range-queries private data: none here.
      expect(result.privateReads.filter((read) => read.kind === 'range')).toEqual([]);
      // Each event is kept with the patient's home and the institute.
      expect([...new Set(result.privateWrites.map((write) => write.collection))].sort()).toEqual(
        [
          collectionFor(MSP.tertiary, MSP.research),
          collectionFor(MSP.community, MSP.research),
        ].sort(),
      );
      expect(result.writes).toEqual([]);
      const event = ok(
        await network.as(who.regulator).evaluate('audit:GetAccessEvent', [cohort.events[0] ?? '']),
      );
      expect(event).toMatchObject({
        patientId: pid(1),
        patientHome: MSP.tertiary,
        purpose: 'research',
        cohort: { studyId: 'study-42' },
        decision: 'permit',
        breakGlass: false,
      });
    });

    it('pages through the candidates patient by patient, then records what was found', async () => {
      const candidates: string[] = [];
      let bookmark = '';
      let calls = 0;
      do {
        const page = ok(
          await network.as(who.researcher).evaluate('cohort:FindCohort', [
            {
              categories: ['genomic'],
              pageSize: 1,
              ...(bookmark === '' ? {} : { bookmark }),
            },
          ]),
        );
        expect(page.candidates.length).toBeLessThanOrEqual(1);
        candidates.push(...page.candidates);
        bookmark = page.bookmark;
        calls += 1;
      } while (bookmark !== '' && calls < 20);
      expect(candidates).toEqual([pid(1), pid(2), pid(7)]);
      // A candidate whose consent changed between the two steps is decided again, and left out.
      expect(await grant(patient(2), { provision: 'deny', purposes: ['research'] })).toMatch(
        /^con-/,
      );
      const cohort = ok(
        await network
          .as(who.researcher)
          .submit('cohort:RequestCohort', [
            { studyId: 'study-42', categories: ['genomic'], patientIds: candidates },
          ]),
      );
      expect(cohort.included).toEqual([pid(1), pid(7)]);
    });

    it('evaluates the patients named, sorted and once each, leaving unknown pseudonyms out', async () => {
      const cohort = ok(
        await network
          .as(who.researcher)
          .submit('cohort:RequestCohort', [
            { studyId: 's', categories: ['imaging'], patientIds: [pid(3), pid(1), pid(9), pid(3)] },
          ]),
      );
      expect(cohort).toEqual({ included: [pid(1), pid(3)], events: expect.any(Array) as string[] });
      expect(cohort.events).toHaveLength(2);
      // Nobody included: no event recorded, still one transaction (its chaincode event).
      const none = await network
        .as(who.researcher)
        .submit('cohort:RequestCohort', [
          { studyId: 's', categories: ['imaging'], patientIds: [pid(6)] },
        ]);
      expect(ok(none)).toEqual({ included: [], events: [] });
      expect(none.privateWrites).toEqual([]);
    });

    describe('research thresholds', () => {
      const threshold = async (input: Record<string, unknown>) =>
        ok(await network.as(who.govAdmin).submit('cohort:SetResearchThreshold', [input]));
      const everyone = [pid(1), pid(2), pid(3), pid(4), pid(5), pid(6), pid(7), pid(8)];
      const study = (overrides: Record<string, unknown> = {}) => ({
        studyId: 'study-7',
        categories: ['genomic'],
        patientIds: everyone,
        ...overrides,
      });
      const refusals = async () =>
        ok(await network.as(who.regulator).evaluate('cohort:QueryCohortRefusals', [{}]));

      it('refuses a study without the ethics approval its region requires, logging only the refusal', async () => {
        // The institute is registered in county 330106 of city 330100, province 330000.
        await threshold({ region: '330000', minCohortSize: 0, ethicsApprovalRequired: true });
        const result = await network.as(who.researcher).submit('cohort:RequestCohort', [study()]);
        const refusal = {
          refusalId: result.txId,
          code: 'ETHICS_APPROVAL_REQUIRED',
          studyId: 'study-7',
          requesterOrg: MSP.research,
          region: '330106',
          threshold: { minCohortSize: 0, ethicsApprovalRequired: true, source: '330000' },
          // The transaction's time (the test network's clock moves a little with each one).
          refusedAt: expect.stringMatching(/^2026-11-22T08:00:/) as string,
          salt: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/) as string,
        };
        expect(ok(result)).toEqual({ included: [], events: [], refusal });
        // No access event, no chaincode event, nothing public: one record, kept by the institute
        // and the regulator only (no other member's peer holds it), naming no patient.
        expect(result.event).toBeUndefined();
        expect(result.writes).toEqual([]);
        expect(result.privateWrites.map((write) => write.collection)).toEqual([
          orgCollection(MSP.research),
        ]);
        expect(
          result.privateWrites
            .map((write) => Buffer.from(write.value ?? []).toString('utf8'))
            .join(),
        ).not.toContain('pid-');
        expect(await refusals()).toEqual({ refusals: [refusal], bookmark: '' });
        // With its reference, the same study goes ahead.
        const cohort = ok(
          await network
            .as(who.researcher)
            .submit('cohort:RequestCohort', [study({ ethicsApproval: 'IRB-2026-017' })]),
        );
        expect(cohort.included).toEqual([pid(1), pid(2), pid(7)]);
        expect(cohort).not.toHaveProperty('refusal');
      });

      it('refuses a cohort smaller than the minimum of the most specific region, naming no patient', async () => {
        await threshold({ minCohortSize: 2, ethicsApprovalRequired: false });
        await threshold({ region: '330000', minCohortSize: 10, ethicsApprovalRequired: true });
        await threshold({ region: '330106', minCohortSize: 4, ethicsApprovalRequired: false });
        // Three of the eight named permit the study: below the county's four.
        const small = await network.as(who.researcher).submit('cohort:RequestCohort', [study()]);
        expect(ok(small)).toMatchObject({
          included: [],
          events: [],
          refusal: {
            code: 'COHORT_TOO_SMALL',
            region: '330106',
            threshold: { minCohortSize: 4, ethicsApprovalRequired: false, source: '330106' },
          },
        });
        // Only the refusal is written, in the institute's collection with the regulator.
        expect(small.privateWrites.map((write) => write.collection)).toEqual([
          orgCollection(MSP.research),
        ]);
        expect(JSON.stringify(ok(small))).not.toContain('pid-');
        // Fewer patients named than the minimum: refused before any patient is decided.
        const few = await network
          .as(who.researcher)
          .submit('cohort:RequestCohort', [study({ patientIds: [pid(1)] })]);
        expect(ok(few).refusal?.code).toBe('COHORT_TOO_SMALL');
        expect(few.privateReads).toEqual([]);
        // The county at three: the same study is recorded.
        await threshold({ region: '330106', minCohortSize: 3, ethicsApprovalRequired: false });
        expect(
          ok(await network.as(who.researcher).submit('cohort:RequestCohort', [study()])).included,
        ).toEqual([pid(1), pid(2), pid(7)]);
        // Without the county's threshold the city's would apply, then the province's, then the
        // channel-wide default; the list has the default first.
        const listed = ok(
          await network.as(who.researcher).evaluate('cohort:ListResearchThresholds', []),
        );
        expect(listed.map((entry) => entry.region ?? 'default')).toEqual([
          'default',
          '330000',
          '330106',
        ]);
        const page = await refusals();
        expect(page.refusals.map((refusal) => refusal.code)).toEqual([
          'COHORT_TOO_SMALL',
          'COHORT_TOO_SMALL',
        ]);
      });

      it('lets only the government admin set thresholds and only the regulator read refusals', async () => {
        const input = { minCohortSize: 5, ethicsApprovalRequired: true };
        for (const caller of [
          who.regulator,
          who.researcher,
          who.tertiaryAdmin,
          who.researchAdmin,
        ]) {
          refused(
            await network.as(caller).submit('cohort:SetResearchThreshold', [input]),
            'FORBIDDEN',
          );
        }
        for (const caller of [who.govAdmin, who.researcher, who.researchAdmin]) {
          refused(
            await network.as(caller).evaluate('cohort:QueryCohortRefusals', [{}]),
            'FORBIDDEN',
          );
        }
        expect(await threshold(input)).toEqual({
          ...input,
          setAt: expect.stringMatching(/^2026-11-22T08:00:/) as string,
          txId: expect.any(String) as string,
        });
      });

      it('pages the refusals newest first', async () => {
        await threshold({ minCohortSize: 100, ethicsApprovalRequired: false });
        for (const [n, at] of [
          [1, '2026-11-22T09:00:00.000Z'],
          [2, '2026-11-22T10:00:00.000Z'],
          [3, '2026-11-22T11:00:00.000Z'],
        ] as const) {
          network.setTime(at);
          ok(
            await network
              .as(who.researcher)
              .submit('cohort:RequestCohort', [study({ studyId: `s-${String(n)}` })]),
          );
        }
        const first = ok(
          await network.as(who.regulator).evaluate('cohort:QueryCohortRefusals', [{ pageSize: 2 }]),
        );
        expect(first.refusals.map((refusal) => refusal.studyId)).toEqual(['s-3', 's-2']);
        const second = ok(
          await network
            .as(who.regulator)
            .evaluate('cohort:QueryCohortRefusals', [{ pageSize: 2, bookmark: first.bookmark }]),
        );
        expect(second).toMatchObject({ bookmark: '' });
        expect(second.refusals.map((refusal) => refusal.studyId)).toEqual(['s-1']);
      });

      it('refuses malformed thresholds, references and refusal queries', async () => {
        for (const input of [
          { minCohortSize: -1, ethicsApprovalRequired: false },
          { minCohortSize: 10_001, ethicsApprovalRequired: false },
          { minCohortSize: 2.5, ethicsApprovalRequired: false },
          { minCohortSize: '5', ethicsApprovalRequired: false },
          { minCohortSize: 5 },
          { minCohortSize: 5, ethicsApprovalRequired: 'yes' },
          { region: '33010', minCohortSize: 5, ethicsApprovalRequired: false },
          { region: 'default', minCohortSize: 5, ethicsApprovalRequired: false },
          { minCohortSize: 5, ethicsApprovalRequired: false, note: 'x' },
        ]) {
          refused(
            await network.as(who.govAdmin).submit('cohort:SetResearchThreshold', [input]),
            'INVALID_ARGUMENT',
          );
        }
        for (const ethicsApproval of ['approved by the board', '', 'x'.repeat(129), 42]) {
          refused(
            await network
              .as(who.researcher)
              .submit('cohort:RequestCohort', [study({ ethicsApproval })]),
            'INVALID_ARGUMENT',
          );
        }
        for (const query of [{ pageSize: 0 }, { bookmark: 'not a bookmark' }, { studyId: 's' }]) {
          refused(
            await network.as(who.regulator).evaluate('cohort:QueryCohortRefusals', [query]),
            'INVALID_ARGUMENT',
          );
        }
        expect(
          ok(await network.as(who.researcher).evaluate('cohort:ListResearchThresholds', [])),
        ).toEqual([]);
      });
    });

    it('refuses malformed requests and bookmarks outside its own organization', async () => {
      for (const input of [
        { studyId: 'study 42', categories: ['genomic'], patientIds: [pid(1)] },
        { studyId: 's', categories: [], patientIds: [pid(1)] },
        { studyId: 's', categories: ['genomic'], patientIds: [pid(1)], pageSize: 5 },
        { studyId: 's', categories: ['genomic'], patientIds: [] },
        { studyId: 's', categories: ['genomic'] },
        {
          studyId: 's',
          categories: ['genomic'],
          patientIds: Array.from({ length: 101 }, (_, i) => pid(i)),
        },
      ]) {
        refused(
          await network.as(who.researcher).submit('cohort:RequestCohort', [input]),
          'INVALID_ARGUMENT',
        );
      }
      for (const query of [
        { categories: [] },
        { categories: ['genomic'], pageSize: 0 },
        { categories: ['genomic'], studyId: 's' },
        {
          categories: ['genomic'],
          bookmark: encodeBookmark(createCompositeKey('con~gra', [MSP.tertiary, pid(6), 'con-x'])),
        },
      ]) {
        refused(
          await network.as(who.researcher).evaluate('cohort:FindCohort', [query]),
          'INVALID_ARGUMENT',
        );
      }
    });
  });
});
