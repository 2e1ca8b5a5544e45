import { beforeEach, describe, expect, it } from 'vitest';
import { collectionFor } from '@consent-ledger/ledger-api';
import {
  bootstrap,
  MSP,
  ok,
  pid,
  refused,
  registerPatient,
  registerPatients,
  who,
} from '../testing/fixtures';
import {
  createTestNetwork,
  identity,
  TOPOLOGY_MSP_IDS,
  type TestNetwork,
} from '../testing/harness';
import { splitCompositeKey } from '../testing/in-memory-ledger';

describe('referral contract', () => {
  let network: TestNetwork;
  beforeEach(async () => {
    network = createTestNetwork({
      start: '2026-11-22T00:00:00.000Z',
      mspIds: [...TOPOLOGY_MSP_IDS, 'ThirdHospitalMSP'],
    });
    await bootstrap(network);
    await registerPatients(network, [1, 2]);
    network.setTime('2026-11-22T08:00:00.000Z');
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
        .submit('referral:CreateReferral', [referral()]);
      const value = ok(created);
      expect(value).toEqual({
        referralId: expect.stringMatching(/^ref-[0-9a-f]{24}$/) as string,
        patientId: pid(1),
        patientHome: MSP.tertiary,
        fromOrg: MSP.tertiary,
        toOrg: MSP.community,
        categories: ['imaging', 'outpatient'],
        validUntil: '2026-12-22T00:00:00.000Z',
        status: 'open',
        createdAt: created.timestamp,
        createdBy: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        txId: created.txId,
        salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as string,
      });
      expect(created.event).toEqual({ name: 'ReferralCreated', payload: {} });
      expect(created.writes).toEqual([]);
      expect(
        created.privateWrites.map((write) => [
          write.collection,
          splitCompositeKey(write.key).objectType,
        ]),
      ).toEqual(
        ['ref', 'ref~end', 'ref~pat', 'ref~set'].map((type) => [
          collectionFor(MSP.tertiary, MSP.community),
          type,
        ]),
      );
      for (const reader of [
        who.tertiaryAdmin,
        who.regulator,
        who.tertiaryClinician,
        who.communityClinician,
      ]) {
        expect(
          ok(await network.as(reader).evaluate('referral:GetReferral', [value.referralId])).status,
        ).toBe('open');
      }
      for (const stranger of [who.enterpriseAdmin, who.researcher, who.govAdmin]) {
        refused(
          await network.as(stranger).evaluate('referral:GetReferral', [value.referralId]),
          'FORBIDDEN',
        );
      }
      const expired = await network
        .as(who.tertiaryAdmin, {
          at: '2026-12-22T00:00:00.000Z',
        })
        .evaluate('referral:GetReferral', [value.referralId]);
      expect(ok(expired).status).toBe('expired');
      const closed = await network
        .as(who.communityClinician)
        .submit('referral:CloseReferral', [value.referralId]);
      expect(ok(closed)).toMatchObject({
        status: 'closed',
        closedAt: closed.timestamp,
        txId: closed.txId,
      });
      expect(closed.event).toEqual({ name: 'ReferralClosed', payload: {} });
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CloseReferral', [value.referralId]),
        'CONFLICT',
      );
    });

    it('refuses referrals to unknown, non-hospital or own organizations, and bad validity', async () => {
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [referral({ toOrg: 'NopeMSP' })]),
        'ORG_NOT_FOUND',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [referral({ toOrg: MSP.enterprise })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [referral({ toOrg: MSP.tertiary })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [
            referral({ validUntil: '2026-11-01T00:00:00.000Z' }),
          ]),
        { code: 'INVALID_ARGUMENT', message: /future/ },
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [
            referral({ validUntil: '2028-01-01T00:00:00.000Z' }),
          ]),
        { code: 'INVALID_ARGUMENT', message: /366 days/ },
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [referral({ note: 'x' })]),
        'INVALID_ARGUMENT',
      );
    });

    it("refuses referrals between two hospitals neither of which is the patient's home", async () => {
      await registerPatient(network, { n: 3, home: MSP.enterprise });
      const result = await network
        .as(who.tertiaryClinician)
        .submit('referral:CreateReferral', [referral({ patientId: pid(3) })]);
      refused(result, { code: 'RULE_VIOLATION', message: /patient's home/ });
      expect(result.privateWrites).toEqual([]);
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [referral({ patientId: pid(99) })]),
        'PATIENT_NOT_FOUND',
      );
    });

    it('creates a referral back of a referral, from its receiving hospital to its referring one', async () => {
      const outbound = ok(
        await network
          .as(who.communityClinician)
          .submit('referral:CreateReferral', [referral({ toOrg: MSP.tertiary })]),
      );
      const back = (overrides: Record<string, unknown>): Record<string, unknown> =>
        referral({ categories: ['inpatient'], returnOf: outbound.referralId, ...overrides });
      const returned = ok(
        await network.as(who.tertiaryClinician).submit('referral:CreateReferral', [back({})]),
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
          .submit('referral:CreateReferral', [back({ patientId: pid(2) })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.communityClinician)
          .submit('referral:CreateReferral', [back({ toOrg: MSP.tertiary })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [back({ returnOf: 'ref-000000000000000000000000' })]),
        'REFERRAL_NOT_FOUND',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('referral:CreateReferral', [back({ returnOf: 'con-000000000000000000000000' })]),
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
        await network.as(who.tertiaryClinician).submit('referral:CreateReferral', [referral()]),
      );
      refused(
        await network.as(third).submit('referral:CloseReferral', [created.referralId]),
        'FORBIDDEN',
      );
      refused(
        await network.as(third).submit('referral:CloseReferral', ['ref-000000000000000000000000']),
        'REFERRAL_NOT_FOUND',
      );
      refused(
        await network.as(third).submit('referral:CloseReferral', ['ref']),
        'INVALID_ARGUMENT',
      );
      refused(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('referral:GetReferral', ['ref-000000000000000000000000']),
        'REFERRAL_NOT_FOUND',
      );
      refused(
        await network.as(who.tertiaryAdmin).evaluate('referral:GetReferral', ['nope']),
        'INVALID_ARGUMENT',
      );
    });
  });
});
