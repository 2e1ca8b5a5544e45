import { beforeEach, describe, expect, it } from 'vitest';
import {
  bootstrap,
  consentInput,
  grant as grantAs,
  INSTITUTION,
  MSP,
  ok,
  ORGANIZATIONS,
  patientClient,
  pid,
  refused,
  registerPatient,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, identity, type TestNetwork } from '../testing/harness';

/**
 * Member institutions (issue 18): the registry lists them per organization, certificates carry
 * one, and a consent naming one matches only its staff, in access, checks, break-glass exceptions
 * and cohorts alike; access events record the accessor's institution.
 */
describe('member institutions', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    alice = await registerPatient(network, 1);
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  const grant = async (input: Record<string, unknown>): Promise<string> =>
    (await grantAs(network, { patient: alice, input })).consentId;
  const claim = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
    consentInput({
      grantee: { org: MSP.enterprise, institution: INSTITUTION.insurerA },
      purposes: ['insurance'],
      categories: ['outpatient'],
      ...overrides,
    });
  const request = { patientId: pid(1), purpose: 'insurance', categories: ['outpatient'] };

  describe('registry', () => {
    it('lists an organization with its institutions, sorted by ID', async () => {
      const enterprise = ok(
        await network.as(who.regulator).evaluate('registry:GetOrganization', [MSP.enterprise]),
      );
      expect(enterprise.institutions?.map((entry) => entry.institutionId)).toEqual([
        INSTITUTION.deviceMaker,
        INSTITUTION.insurerA,
        INSTITUTION.insurerB,
      ]);
      expect(enterprise.institutions?.[1]).toEqual({
        institutionId: INSTITUTION.insurerA,
        type: 'insurer',
        region: { province: '330000', city: '330100', county: '330108' },
      });
      const tertiary = ok(
        await network.as(who.regulator).evaluate('registry:GetOrganization', [MSP.tertiary]),
      );
      expect(tertiary).not.toHaveProperty('institutions');
    });

    it('replaces the list on re-registration: an institution leaves by omission', async () => {
      const fixture = ORGANIZATIONS.find((org) => org.mspId === MSP.enterprise);
      const registered = ok(
        await network.as(who.govAdmin).submit('registry:RegisterOrganization', [
          {
            ...fixture,
            institutions: [
              { institutionId: 'inst-insurer02', type: 'insurer', region: { province: '310000' } },
            ],
          },
        ]),
      );
      expect(registered.institutions).toEqual([
        { institutionId: 'inst-insurer02', type: 'insurer', region: { province: '310000' } },
      ]);
      const none = ok(
        await network
          .as(who.govAdmin)
          .submit('registry:RegisterOrganization', [{ ...fixture, institutions: [] }]),
      );
      expect(none).not.toHaveProperty('institutions');
      // The insurer that left: its staff's certificates authorize nothing any more.
      refused(await network.as(who.insurerAnalystA).evaluate('access:CheckAccess', [request]), {
        code: 'FORBIDDEN',
        message: /institution inst-insurer01 is not registered/,
      });
    });

    it('refuses malformed institution lists (INVALID_ARGUMENT naming the field)', async () => {
      const base = { mspId: 'X', type: 'enterprise', region: { province: '330000' } };
      const insurer = { institutionId: 'inst-acme0001', type: 'insurer', region: base.region };
      for (const [institutions, message] of [
        [[{ ...insurer, institutionId: 'Acme Insurance' }], /institutions\[0\]\.institutionId/],
        [[{ ...insurer, type: 'bank' }], /institutions\[0\]\.type/],
        [[insurer, insurer], /institutions\[1\]\.institutionId: inst-acme0001 is listed twice/],
        [
          [{ ...insurer, type: 'research-institute' }],
          /institutions\[0\]\.type: enterprise organizations list no research-institute/,
        ],
        [[{ ...insurer, region: { province: '330000', county: '330106' } }], /region\.county/],
        [[{ ...insurer, displayName: 'Acme' }], /Unrecognized key/],
        [
          Array.from({ length: 65 }, (_, n) => ({ ...insurer, institutionId: `inst-a${n}00` })),
          /institutions/,
        ],
      ] as const) {
        refused(
          await network
            .as(who.govAdmin)
            .submit('registry:RegisterOrganization', [{ ...base, institutions }]),
          { code: 'INVALID_ARGUMENT', message },
        );
      }
      refused(
        await network
          .as(who.govAdmin)
          .submit('registry:RegisterOrganization', [
            { mspId: MSP.gov, type: 'government', region: base.region, institutions: [insurer] },
          ]),
        { code: 'INVALID_ARGUMENT', message: /government organizations list no insurer/ },
      );
    });
  });

  describe('certificates', () => {
    it('refuses a certificate naming an institution its organization does not list (FORBIDDEN)', async () => {
      for (const [caller, message] of [
        [
          identity({
            mspId: MSP.enterprise,
            role: 'analyst',
            attributes: { institution: 'inst-unknown01' },
          }),
          /institution inst-unknown01 is not registered in organization EnterpriseMSP/,
        ],
        // A sister organization's institution is not this organization's.
        [
          identity({
            mspId: MSP.research,
            role: 'researcher',
            attributes: { institution: INSTITUTION.insurerA },
          }),
          /institution inst-insurer01 is not registered in organization ResearchMSP/,
        ],
        [
          identity({
            mspId: MSP.enterprise,
            role: 'analyst',
            attributes: { institution: 'Acme Insurance' },
          }),
          /institution attribute is malformed/,
        ],
      ] as const) {
        refused(await network.as(caller).evaluate('access:CheckAccess', [request]), {
          code: 'FORBIDDEN',
          message,
        });
        refused(await network.as(caller).evaluate('registry:ListOrganizations'), 'FORBIDDEN');
      }
    });

    it('records the accessor institution in access events, and nothing for staff without one', async () => {
      await grant(claim({ grantee: { org: MSP.enterprise } }));
      const named = ok(
        await network.as(who.insurerAnalystA).submit('access:RequestAccess', [request]),
      );
      expect(named.accessor).toEqual({
        org: MSP.enterprise,
        role: 'analyst',
        institution: INSTITUTION.insurerA,
        idHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      });
      expect(named.decision).toBe('permit');
      const unnamed = ok(
        await network.as(who.enterpriseAnalyst).submit('access:RequestAccess', [request]),
      );
      expect(unnamed.accessor).not.toHaveProperty('institution');
      const stored = ok(
        await network.as(who.regulator).evaluate('audit:GetAccessEvent', [named.eventId]),
      );
      expect(stored.accessor.institution).toBe(INSTITUTION.insurerA);
    });
  });

  describe('consents naming an institution', () => {
    it('stores the institution in the grantee', async () => {
      const consentId = await grant(claim());
      const consent = ok(
        await network.as(who.regulator).evaluate('consent:GetConsent', [consentId]),
      );
      expect(consent.grantee).toEqual({ org: MSP.enterprise, institution: INSTITUTION.insurerA });
    });

    it('refuses an institution the grantee organization does not list, or without an organization', async () => {
      for (const [grantee, expected] of [
        [
          { org: MSP.enterprise, institution: 'inst-unknown01' },
          {
            code: 'ORG_NOT_FOUND',
            message: /inst-unknown01 is not registered in organization EnterpriseMSP/,
          },
        ],
        [
          { org: MSP.research, institution: INSTITUTION.insurerA },
          {
            code: 'ORG_NOT_FOUND',
            message: /inst-insurer01 is not registered in organization ResearchMSP/,
          },
        ],
        [
          { org: MSP.enterprise, institution: 'Acme' },
          { code: 'INVALID_ARGUMENT', message: /grantee\.institution/ },
        ],
      ] as const) {
        refused(
          await patientClient(network, alice).submit('consent:GrantConsent', claim({ grantee })),
          expected,
        );
      }
      refused(
        await patientClient(network, alice).submit('consent:GrantConsent', {
          provision: 'deny',
          grantee: { institution: INSTITUTION.insurerA },
        }),
        { code: 'INVALID_ARGUMENT', message: /grantee\.org: is required with an institution/ },
      );
      refused(
        await patientClient(network, alice).submit(
          'consent:GrantConsent',
          claim({
            grantee: { org: MSP.enterprise },
            exceptions: [{ grantee: { org: MSP.enterprise, institution: 'inst-unknown02' } }],
          }),
        ),
        { code: 'ORG_NOT_FOUND', message: /inst-unknown02/ },
      );
    });

    it('permits the named insurer and denies its sister insurer and staff without one, recording both', async () => {
      const consentId = await grant(claim());
      const permitted = ok(
        await network.as(who.insurerAnalystA).submit('access:RequestAccess', [request]),
      );
      expect(permitted).toMatchObject({
        decision: 'permit',
        reason: 'PERMITTED_BY_CONSENT',
        consentIds: [consentId],
      });
      for (const other of [who.insurerAnalystB, who.enterpriseAnalyst]) {
        const denied = ok(await network.as(other).submit('access:RequestAccess', [request]));
        expect(denied).toMatchObject({ decision: 'deny', reason: 'NO_MATCHING_CONSENT' });
        expect(ok(await network.as(other).evaluate('access:CheckAccess', [request])).decision).toBe(
          'deny',
        );
      }
      const history = ok(
        await network
          .as(who.regulator)
          .evaluate('audit:QueryAccessEvents', [{ patientId: pid(1) }]),
      );
      expect(
        history.items.map((event) => [event.accessor.institution ?? '-', event.decision]).sort(),
      ).toEqual([
        ['-', 'deny'],
        [INSTITUTION.insurerA, 'permit'],
        [INSTITUTION.insurerB, 'deny'],
      ]);
    });

    it('applies denies and exceptions naming an institution to that institution only', async () => {
      const permit = await grant(
        claim({
          grantee: { org: MSP.enterprise },
          exceptions: [{ grantee: { org: MSP.enterprise, institution: INSTITUTION.insurerB } }],
        }),
      );
      expect(
        ok(await network.as(who.insurerAnalystA).evaluate('access:CheckAccess', [request])),
      ).toMatchObject({ decision: 'permit', consentIds: [permit] });
      expect(
        ok(await network.as(who.insurerAnalystB).evaluate('access:CheckAccess', [request])),
      ).toMatchObject({ decision: 'deny', reason: 'DENIED_BY_EXCEPTION' });
      const deny = await grant({
        provision: 'deny',
        grantee: { org: MSP.enterprise, institution: INSTITUTION.insurerA },
      });
      expect(
        ok(await network.as(who.insurerAnalystA).evaluate('access:CheckAccess', [request])),
      ).toMatchObject({ decision: 'deny', reason: 'DENIED_BY_CONSENT', consentIds: [deny] });
      expect(
        ok(await network.as(who.enterpriseAnalyst).evaluate('access:CheckAccess', [request])),
      ).toMatchObject({ decision: 'permit', consentIds: [permit] });
    });

    it('includes in a cohort only the researchers of the named institute, recording it', async () => {
      await grant({
        grantee: { org: MSP.research, institution: INSTITUTION.instituteA },
        purposes: ['research'],
        categories: ['laboratory'],
      });
      const cohort = { studyId: 'study-7', categories: ['laboratory'], patientIds: [pid(1)] };
      expect(
        ok(
          await network
            .as(who.instituteResearcherB)
            .evaluate('cohort:FindCohort', [{ categories: ['laboratory'] }]),
        ),
      ).toEqual({ candidates: [], bookmark: '' });
      expect(
        ok(
          await network
            .as(who.instituteResearcherA)
            .evaluate('cohort:FindCohort', [{ categories: ['laboratory'] }]),
        ).candidates,
      ).toEqual([pid(1)]);
      const sister = ok(
        await network.as(who.instituteResearcherB).submit('cohort:RequestCohort', [cohort]),
      );
      expect(sister.included).toEqual([]);
      const named = ok(
        await network.as(who.instituteResearcherA).submit('cohort:RequestCohort', [cohort]),
      );
      expect(named.included).toEqual([pid(1)]);
      const event = ok(
        await network.as(who.regulator).evaluate('audit:GetAccessEvent', [named.events[0] ?? '']),
      );
      expect(event).toMatchObject({
        accessor: { org: MSP.research, institution: INSTITUTION.instituteA },
        cohort: { studyId: 'study-7' },
      });
    });
  });
});
