import { beforeEach, describe, expect, it } from 'vitest';
import { encodeBookmark } from '../ledger/pagination';
import { unmarshal } from '../ledger/marshal';
import { bootstrap, consentInput, MSP, ok, patient, pid, refused, who } from '../testing/fixtures';
import { createTestNetwork, identity, type TestNetwork } from '../testing/harness';
import { createCompositeKey, splitCompositeKey } from '../testing/in-memory-ledger';

const alice = patient(1);
const bob = patient(2);
const HASH = 'ab'.repeat(32);

describe('access contract', () => {
  let network: TestNetwork;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  const grant = async (who_ = alice, input = consentInput()): Promise<string> =>
    ok(await network.as(who_).submit('consent:GrantConsent', [input])).consentId;
  const request = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    patientId: pid(1),
    purpose: 'treatment',
    categories: ['outpatient'],
    ...overrides,
  });

  describe('RequestAccess', () => {
    it('records a permitted access with its indexes, compact statistics entry and event', async () => {
      const consentId = await grant();
      const result = await network.as(who.tertiaryClinician).submit('access:RequestAccess', [
        request({
          recordIds: ['rec-2', 'rec-1', 'rec-2'],
          dataFrom: '2026-01-01T00:00:00.000Z',
          dataUntil: '2026-02-01T00:00:00.000Z',
        }),
      ]);
      const event = ok(result);
      expect(event).toEqual({
        eventId: expect.stringMatching(/^evt-[0-9a-f]{24}$/) as string,
        patientId: pid(1),
        accessor: {
          org: MSP.tertiary,
          role: 'clinician',
          practitionerId: 'prac-tertiary01',
          idHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        },
        accessorRegion: { province: '330000', city: '330100', county: '330106' },
        purpose: 'treatment',
        categories: ['outpatient'],
        recordIds: ['rec-1', 'rec-2'],
        dataFrom: '2026-01-01T00:00:00.000Z',
        dataUntil: '2026-02-01T00:00:00.000Z',
        decision: 'permit',
        reason: 'PERMITTED_BY_CONSENT',
        consentIds: [consentId],
        breakGlass: false,
        timestamp: result.timestamp,
        txId: result.txId,
      });
      expect(result.event).toEqual({
        name: 'AccessRecorded',
        payload: {
          eventId: event.eventId,
          patientId: pid(1),
          accessorOrg: MSP.tertiary,
          purpose: 'treatment',
          categories: ['outpatient'],
          decision: 'permit',
          reason: 'PERMITTED_BY_CONSENT',
          breakGlass: false,
          timestamp: result.timestamp,
        },
      });
      const ts = result.timestamp;
      expect(result.writes.map((write) => splitCompositeKey(write.key))).toEqual([
        { objectType: 'evt', attributes: [event.eventId] },
        { objectType: 'evt~dec', attributes: ['permit', ts, event.eventId] },
        { objectType: 'evt~org', attributes: [MSP.tertiary, ts, event.eventId] },
        { objectType: 'evt~pat', attributes: [pid(1), ts, event.eventId] },
        { objectType: 'evt~time', attributes: [ts.slice(0, 10), ts, event.eventId] },
      ]);
      const compact = network.ledger.get(
        createCompositeKey('evt~time', [ts.slice(0, 10), ts, event.eventId]),
      );
      expect(unmarshal(compact ?? new Uint8Array())).toEqual({
        b: 0,
        c: ['outpatient'],
        d: 'permit',
        p: 'treatment',
        r: '330106',
      });
    });

    it('records a denied access too', async () => {
      const result = await network
        .as(who.communityClinician)
        .submit('access:RequestAccess', [request()]);
      expect(ok(result)).toMatchObject({
        decision: 'deny',
        reason: 'NO_MATCHING_CONSENT',
        consentIds: [],
      });
      expect(result.writes).toHaveLength(5);
      expect(network.ledger.get(result.writes[0]?.key ?? '')).toBeDefined();
    });

    it('decides referrals with the open referral of the accessor organization', async () => {
      await grant(alice, consentInput({ grantee: { org: MSP.community }, purposes: ['referral'] }));
      const before = await network
        .as(who.communityClinician)
        .submit('access:RequestAccess', [request({ purpose: 'referral' })]);
      expect(ok(before).reason).toBe('NO_ACTIVE_REFERRAL');
      ok(
        await network.as(who.tertiaryClinician).submit('access:CreateReferral', [
          {
            patientId: pid(1),
            toOrg: MSP.community,
            categories: ['outpatient'],
            validUntil: '2026-12-01T00:00:00.000Z',
          },
        ]),
      );
      const after = await network
        .as(who.communityClinician)
        .submit('access:RequestAccess', [request({ purpose: 'referral' })]);
      expect(ok(after)).toMatchObject({ decision: 'permit', reason: 'PERMITTED_BY_CONSENT' });
    });

    it('refuses malformed requests (INVALID_ARGUMENT)', async () => {
      for (const [input, message] of [
        [request({ purpose: 'emergency' }), /RequestEmergencyAccess/],
        [request({ patientId: 'alice' }), /request\.patientId/],
        [request({ categories: [] }), /request\.categories/],
        [request({ categories: ['x-ray'] }), /request\.categories\[0\]/],
        [
          request({ dataFrom: '2026-02-01T00:00:00.000Z', dataUntil: '2026-01-01T00:00:00.000Z' }),
          /dataUntil/,
        ],
        [request({ recordIds: ['bad id'] }), /request\.recordIds\[0\]/],
        [request({ recordIds: Array.from({ length: 101 }, (_, i) => `r${i}`) }), /recordIds/],
        [request({ reason: 'checking' }), /Unrecognized key/],
      ] as const) {
        refused(await network.as(who.tertiaryClinician).submit('access:RequestAccess', [input]), {
          code: 'INVALID_ARGUMENT',
          message,
        });
      }
    });

    it('records the record IDs named as given: they need not be anchored', async () => {
      await grant();
      const event = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestAccess', [request({ recordIds: ['his:123', 'not-anchored'] })]),
      );
      expect(event).toMatchObject({ decision: 'permit', recordIds: ['his:123', 'not-anchored'] });
    });
  });

  describe('CheckAccess', () => {
    it('decides like RequestAccess and writes nothing', async () => {
      const consentId = await grant();
      const result = await network
        .as(who.tertiaryClinician)
        .evaluate('access:CheckAccess', [request()]);
      expect(ok(result)).toEqual({
        decision: 'permit',
        reason: 'PERMITTED_BY_CONSENT',
        consentIds: [consentId],
      });
      expect(result.writes).toEqual([]);
      expect(result.event).toBeUndefined();
      const denied = await network
        .as(who.researcher)
        .evaluate('access:CheckAccess', [request({ purpose: 'research' })]);
      expect(ok(denied).decision).toBe('deny');
      // A data period may be a single instant (data periods are closed).
      const instant = '2026-01-01T00:00:00.000Z';
      const point = await network
        .as(who.tertiaryClinician)
        .evaluate('access:CheckAccess', [request({ dataFrom: instant, dataUntil: instant })]);
      expect(ok(point)).toMatchObject({ dataFrom: instant, dataUntil: instant });
    });

    it('refuses what RequestAccess refuses', async () => {
      refused(
        await network.as(who.tertiaryClinician).evaluate('access:CheckAccess', ['{}']),
        'INVALID_ARGUMENT',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .evaluate('access:CheckAccess', [request({ recordIds: ['bad id'] })]),
        { code: 'INVALID_ARGUMENT', message: /request\.recordIds\[0\]/ },
      );
    });
  });

  describe('RequestEmergencyAccess and ReviewEmergencyAccess', () => {
    const emergency = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      patientId: pid(1),
      categories: ['outpatient', 'medication'],
      reasonCode: 'UNCONSCIOUS_PATIENT',
      justificationHash: HASH,
      ...overrides,
    });

    it('permits break-glass access without consent, pending review', async () => {
      const result = await network
        .as(who.tertiaryClinician)
        .submit('access:RequestEmergencyAccess', [emergency()]);
      const event = ok(result);
      expect(event).toMatchObject({
        purpose: 'emergency',
        categories: ['medication', 'outpatient'],
        decision: 'permit',
        reason: 'EMERGENCY_ACCESS',
        breakGlass: true,
        emergency: {
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justificationHash: HASH,
          review: { status: 'pending' },
        },
      });
      expect(result.event).toMatchObject({ name: 'AccessRecorded', payload: { breakGlass: true } });
      const types = result.writes.map((write) => splitCompositeKey(write.key).objectType);
      expect(types).toEqual([
        'evt',
        'evt~bg',
        'evt~dec',
        'evt~org',
        'evt~pat',
        'evt~rev',
        'evt~time',
      ]);
    });

    it("records the refusal when the patient's deny covers emergencies", async () => {
      const denyId = await grant(alice, { provision: 'deny', purposes: ['emergency'] });
      const event = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestEmergencyAccess', [emergency()]),
      );
      expect(event).toMatchObject({
        decision: 'deny',
        reason: 'EMERGENCY_DENIED_BY_PATIENT',
        consentIds: [denyId],
        breakGlass: true,
      });
    });

    it('refuses free text, bad hashes, reason codes and record IDs (INVALID_ARGUMENT)', async () => {
      for (const input of [
        emergency({ justificationHash: HASH.toUpperCase() }),
        emergency({ justificationHash: 'ab' }),
        emergency({ reasonCode: 'BORED' }),
        emergency({ justification: 'patient collapsed in the lobby' }),
        emergency({ purpose: 'emergency' }),
      ]) {
        refused(
          await network.as(who.tertiaryClinician).submit('access:RequestEmergencyAccess', [input]),
          'INVALID_ARGUMENT',
        );
      }
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestEmergencyAccess', [emergency({ recordIds: ['bad id'] })]),
        'INVALID_ARGUMENT',
      );
    });

    it("takes a reviewed event off the queue, once; the regulator's review is recorded", async () => {
      const event = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestEmergencyAccess', [emergency()]),
      );
      const pending = ok(
        await network.as(who.regulator).evaluate('audit:QueryEmergencyReviews', ['']),
      );
      expect(pending.items.map((item) => item.eventId)).toEqual([event.eventId]);
      const result = await network
        .as(who.regulator)
        .submit('access:ReviewEmergencyAccess', [event.eventId, { outcome: 'justified' }]);
      expect(ok(result).emergency?.review).toEqual({
        status: 'reviewed',
        outcome: 'justified',
        reviewedAt: result.timestamp,
        reviewerIdHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      });
      expect(result.event).toEqual({
        name: 'EmergencyReviewed',
        payload: {
          eventId: event.eventId,
          accessorOrg: MSP.tertiary,
          outcome: 'justified',
          reviewedAt: result.timestamp,
        },
      });
      expect(
        ok(await network.as(who.regulator).evaluate('audit:QueryEmergencyReviews', [''])).items,
      ).toEqual([]);
      refused(
        await network
          .as(who.regulator)
          .submit('access:ReviewEmergencyAccess', [event.eventId, { outcome: 'unjustified' }]),
        'CONFLICT',
      );
    });

    it('refuses reviews of unknown or ordinary events and malformed reviews', async () => {
      const ordinary = ok(
        await network.as(who.tertiaryClinician).submit('access:RequestAccess', [request()]),
      );
      refused(
        await network
          .as(who.regulator)
          .submit('access:ReviewEmergencyAccess', [ordinary.eventId, { outcome: 'justified' }]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.regulator)
          .submit('access:ReviewEmergencyAccess', [
            'evt-000000000000000000000000',
            { outcome: 'justified' },
          ]),
        'EVENT_NOT_FOUND',
      );
      refused(
        await network
          .as(who.regulator)
          .submit('access:ReviewEmergencyAccess', [ordinary.eventId, { outcome: 'fine' }]),
        'INVALID_ARGUMENT',
      );
      refused(
        await network
          .as(who.regulator)
          .submit('access:ReviewEmergencyAccess', ['evt-1', { outcome: 'justified' }]),
        'INVALID_ARGUMENT',
      );
    });
  });

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
        .submit('access:RequestCohort', [{ studyId: 'study-42', categories: ['genomic'] }]);
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
          await network.as(who.researcher).submit('access:RequestCohort', [
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
          .submit('access:RequestCohort', [
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
          await network.as(who.researcher).submit('access:RequestCohort', [input]),
          'INVALID_ARGUMENT',
        );
      }
    });
  });

  describe('referrals', () => {
    const referral = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      patientId: pid(1),
      toOrg: MSP.community,
      categories: ['outpatient', 'imaging'],
      validUntil: '2026-12-22T00:00:00.000Z',
      ...overrides,
    });

    it('creates, reads and closes a referral', async () => {
      const created = await network
        .as(who.tertiaryClinician)
        .submit('access:CreateReferral', [referral()]);
      const value = ok(created);
      expect(value).toEqual({
        referralId: expect.stringMatching(/^ref-[0-9a-f]{24}$/) as string,
        patientId: pid(1),
        fromOrg: MSP.tertiary,
        toOrg: MSP.community,
        categories: ['imaging', 'outpatient'],
        validUntil: '2026-12-22T00:00:00.000Z',
        status: 'open',
        createdAt: created.timestamp,
        createdBy: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        txId: created.txId,
      });
      expect(created.event).toMatchObject({
        name: 'ReferralCreated',
        payload: { status: 'open', toOrg: MSP.community },
      });
      expect(created.writes.map((write) => splitCompositeKey(write.key).objectType)).toEqual([
        'ref',
        'ref~pat',
      ]);
      for (const reader of [alice, who.regulator, who.tertiaryAdmin, who.communityClinician]) {
        expect(
          ok(await network.as(reader).evaluate('access:GetReferral', [value.referralId])).status,
        ).toBe('open');
      }
      for (const stranger of [bob, who.enterpriseAdmin, who.researcher]) {
        refused(
          await network.as(stranger).evaluate('access:GetReferral', [value.referralId]),
          'FORBIDDEN',
        );
      }
      const expired = await network
        .as(alice, {
          at: '2026-12-22T00:00:00.000Z',
        })
        .evaluate('access:GetReferral', [value.referralId]);
      expect(ok(expired).status).toBe('expired');
      const closed = await network
        .as(who.communityClinician)
        .submit('access:CloseReferral', [value.referralId]);
      expect(ok(closed)).toMatchObject({
        status: 'closed',
        closedAt: closed.timestamp,
        txId: closed.txId,
      });
      expect(closed.event).toMatchObject({ name: 'ReferralClosed', payload: { status: 'closed' } });
      refused(
        await network.as(who.tertiaryClinician).submit('access:CloseReferral', [value.referralId]),
        'CONFLICT',
      );
    });

    it('refuses referrals to unknown, non-hospital or own organizations, and bad validity', async () => {
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [referral({ toOrg: 'NopeMSP' })]),
        'ORG_NOT_FOUND',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [referral({ toOrg: MSP.enterprise })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [referral({ toOrg: MSP.tertiary })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [referral({ validUntil: '2026-11-01T00:00:00.000Z' })]),
        { code: 'INVALID_ARGUMENT', message: /future/ },
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [referral({ validUntil: '2028-01-01T00:00:00.000Z' })]),
        { code: 'INVALID_ARGUMENT', message: /366 days/ },
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [referral({ note: 'x' })]),
        'INVALID_ARGUMENT',
      );
    });

    it('creates a referral back of a referral, from its receiving hospital to its referring one', async () => {
      const outbound = ok(
        await network
          .as(who.communityClinician)
          .submit('access:CreateReferral', [referral({ toOrg: MSP.tertiary })]),
      );
      const back = (overrides: Record<string, unknown>): Record<string, unknown> =>
        referral({ categories: ['inpatient'], returnOf: outbound.referralId, ...overrides });
      const returned = ok(
        await network.as(who.tertiaryClinician).submit('access:CreateReferral', [back({})]),
      );
      expect(returned).toMatchObject({
        fromOrg: MSP.tertiary,
        toOrg: MSP.community,
        categories: ['inpatient'],
        returnOf: outbound.referralId,
        status: 'open',
      });
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [back({ patientId: pid(2) })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.communityClinician)
          .submit('access:CreateReferral', [back({ toOrg: MSP.tertiary })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [back({ returnOf: 'ref-000000000000000000000000' })]),
        'REFERRAL_NOT_FOUND',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:CreateReferral', [back({ returnOf: 'con-000000000000000000000000' })]),
        { code: 'INVALID_ARGUMENT', message: /referral\.returnOf/ },
      );
    });

    it('lets only the two hospitals close a referral', async () => {
      const third = identity({ mspId: 'ThirdHospitalMSP', role: 'clinician' });
      ok(
        await network.as(who.govAdmin).submit('registry:RegisterOrganization', [
          {
            mspId: 'ThirdHospitalMSP',
            type: 'hospital',
            tier: 'community',
            region: { province: '330000' },
          },
        ]),
      );
      const created = ok(
        await network.as(who.tertiaryClinician).submit('access:CreateReferral', [referral()]),
      );
      refused(
        await network.as(third).submit('access:CloseReferral', [created.referralId]),
        'FORBIDDEN',
      );
      refused(
        await network.as(third).submit('access:CloseReferral', ['ref-000000000000000000000000']),
        'REFERRAL_NOT_FOUND',
      );
      refused(await network.as(third).submit('access:CloseReferral', ['ref']), 'INVALID_ARGUMENT');
      refused(
        await network.as(alice).evaluate('access:GetReferral', ['ref-000000000000000000000000']),
        'REFERRAL_NOT_FOUND',
      );
      refused(await network.as(alice).evaluate('access:GetReferral', ['nope']), 'INVALID_ARGUMENT');
    });
  });
});
