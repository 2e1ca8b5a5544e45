import { beforeEach, describe, expect, it } from 'vitest';
import { collectionFor } from '@consent-ledger/ledger-api';
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
