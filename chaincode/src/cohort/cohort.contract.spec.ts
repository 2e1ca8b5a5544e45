import { beforeEach, describe, expect, it } from 'vitest';
import { encodeBookmark } from '../ledger/pagination';
import { bootstrap, consentInput, MSP, ok, patient, pid, refused, who } from '../testing/fixtures';
import { createTestNetwork, type TestNetwork } from '../testing/harness';
import { createCompositeKey } from '../testing/in-memory-ledger';

const alice = patient(1);

describe('cohort contract', () => {
  let network: TestNetwork;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  const grant = async (who_ = alice, input = consentInput()): Promise<string> =>
    ok(await network.as(who_).submit('consent:GrantConsent', [input])).consentId;

  describe('RequestCohort', () => {
    const research = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
      consentInput({
        grantee: { org: MSP.research },
        purposes: ['research'],
        categories: ['genomic', 'laboratory'],
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
      ok(await network.as(patient(5)).submit('consent:RevokeConsent', [revoked]));
      await grant(
        patient(6),
        consentInput({
          grantee: { org: MSP.tertiary },
          purposes: ['research'],
          categories: ['genomic'],
        }),
      );
      await grant(patient(7), research());
    });

    it('includes the patients with an active research permit to the organization, one event each', async () => {
      const result = await network
        .as(who.researcher)
        .submit('cohort:RequestCohort', [{ studyId: 'study-42', categories: ['genomic'] }]);
      const cohort = ok(result);
      expect(cohort.included).toEqual([pid(1), pid(2), pid(7)]);
      expect(cohort.events).toHaveLength(3);
      expect(cohort.bookmark).toBe('');
      expect(result.event).toEqual({
        name: 'CohortRecorded',
        payload: {
          studyId: 'study-42',
          accessorOrg: MSP.research,
          included: 3,
          eventIds: cohort.events,
          timestamp: result.timestamp,
        },
      });
      const event = ok(
        await network.as(who.regulator).evaluate('audit:GetAccessEvent', [cohort.events[0] ?? '']),
      );
      expect(event).toMatchObject({
        patientId: pid(1),
        purpose: 'research',
        cohort: { studyId: 'study-42' },
        decision: 'permit',
        breakGlass: false,
      });
    });

    it('pages through the grantee index patient by patient', async () => {
      const included: string[] = [];
      let bookmark = '';
      let calls = 0;
      do {
        const page = ok(
          await network.as(who.researcher).submit('cohort:RequestCohort', [
            {
              studyId: 'study-42',
              categories: ['genomic'],
              pageSize: 1,
              ...(bookmark === '' ? {} : { bookmark }),
            },
          ]),
        );
        expect(page.included.length).toBeLessThanOrEqual(1);
        included.push(...page.included);
        bookmark = page.bookmark;
        calls += 1;
      } while (bookmark !== '' && calls < 20);
      expect(included).toEqual([pid(1), pid(2), pid(7)]);
    });

    it('evaluates the patients named, as one page', async () => {
      const cohort = ok(
        await network
          .as(who.researcher)
          .submit('cohort:RequestCohort', [
            { studyId: 's', categories: ['imaging'], patientIds: [pid(3), pid(1), pid(9), pid(3)] },
          ]),
      );
      expect(cohort).toMatchObject({ included: [pid(1), pid(3)], bookmark: '' });
    });

    it('refuses malformed requests and bookmarks outside its own organization', async () => {
      for (const input of [
        { studyId: 'study 42', categories: ['genomic'] },
        { studyId: 's', categories: [] },
        { studyId: 's', categories: ['genomic'], patientIds: [pid(1)], pageSize: 5 },
        { studyId: 's', categories: ['genomic'], patientIds: [] },
        {
          studyId: 's',
          categories: ['genomic'],
          bookmark: encodeBookmark(createCompositeKey('con~gra', [MSP.tertiary, pid(6), 'con-x'])),
        },
      ]) {
        refused(
          await network.as(who.researcher).submit('cohort:RequestCohort', [input]),
          'INVALID_ARGUMENT',
        );
      }
    });
  });
});
