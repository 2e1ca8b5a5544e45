import { keyIdOf } from '@consent-ledger/ledger-api';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  adminOf,
  bootstrap,
  enrolmentCode,
  enrolmentOf,
  keyOf,
  MSP,
  ok,
  patientClient,
  pid,
  refused,
  registerPatient,
  rid,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type TestNetwork } from '../testing/harness';
import { splitCompositeKey } from '../testing/in-memory-ledger';

const HOME = `org_${MSP.tertiary}`;

describe('patient contract', () => {
  let network: TestNetwork;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
  });

  /** A registered, not yet activated patient and the code handed over in person. */
  const registered = async (
    n: number,
    home: string = MSP.tertiary,
  ): Promise<{ patient: TestPatient; code: string }> => {
    const patient = await registerPatient(network, { n: n, home, activate: false });
    return { patient, code: enrolmentCode(patient.patientId) };
  };
  const activate = (patient: TestPatient, code: string, key = patient.key) =>
    patientClient(network, { ...patient, key }).submit('patient:ActivatePatient', {
      publicKey: key.publicKey,
      enrolmentCode: code,
    });

  describe('RegisterPatient and ActivatePatient', () => {
    it("registers a pseudonym at the admin's organization, in its collection only, pending activation", async () => {
      const code = enrolmentCode('alice');
      const result = await network
        .as(who.tertiaryAdmin)
        .submit('patient:RegisterPatient', [
          { patientId: pid(1), enrolment: enrolmentOf(code, 'alice') },
        ]);
      expect(ok(result)).toEqual({
        patientId: pid(1),
        home: MSP.tertiary,
        status: 'pending',
        keys: [],
        guardians: [],
        enrolment: enrolmentOf(code, 'alice'),
        version: 1,
        createdAt: result.timestamp,
        updatedAt: result.timestamp,
        txId: result.txId,
        salt: expect.any(String) as string,
      });
      expect(result.writes).toEqual([]);
      expect(result.event).toEqual({ name: 'PatientBindingChanged', payload: {} });
      expect(
        result.privateWrites.map((write) => [
          write.collection,
          splitCompositeKey(write.key).objectType,
        ]),
      ).toEqual([
        [HOME, 'pat'],
        [HOME, 'pat~ver'],
      ]);
    });

    it('refuses a pseudonym registered at any organization (CONFLICT): no second identity', async () => {
      await registered(1);
      for (const admin of [who.tertiaryAdmin, who.communityAdmin, who.enterpriseAdmin]) {
        const again = await network
          .as(admin)
          .submit('patient:RegisterPatient', [
            { patientId: pid(1), enrolment: enrolmentOf(enrolmentCode('x'), 'x') },
          ]);
        refused(again, { code: 'CONFLICT', message: /already registered/ });
        expect(again.privateWrites).toEqual([]);
      }
    });

    it('is for the admins of hospitals and enterprises, and refuses malformed registrations', async () => {
      const registration = { patientId: pid(1), enrolment: enrolmentOf('A', 'a') };
      for (const caller of [
        who.tertiaryClinician,
        who.researchAdmin,
        who.govAdmin,
        who.regulator,
      ]) {
        refused(await network.as(caller).submit('patient:RegisterPatient', [registration]), {
          code: 'FORBIDDEN',
          message: /may not call/,
        });
      }
      for (const [input, message] of [
        [{ ...registration, patientId: 'alice' }, /registration\.patientId/],
        [{ ...registration, enrolment: { hash: 'ab', salt: 'x' } }, /registration\.enrolment/],
        [{ ...registration, adultFrom: '2030-02-30' }, /registration\.adultFrom/],
        [{ ...registration, name: 'Zhang San' }, /Unrecognized key/],
      ] as const) {
        refused(await network.as(who.tertiaryAdmin).submit('patient:RegisterPatient', [input]), {
          code: 'INVALID_ARGUMENT',
          message,
        });
      }
    });

    it("binds the device's key with the code, once; a wrong code binds nothing (FORBIDDEN)", async () => {
      const { patient, code } = await registered(1);
      const wrong = await activate(patient, enrolmentCode('guess'));
      refused(wrong, { code: 'FORBIDDEN', message: /enrolment code is wrong/ });
      expect(wrong.privateWrites).toEqual([]);
      const result = await activate(patient, code.toLowerCase().replaceAll('-', ''));
      const binding = ok(result);
      expect(binding).toMatchObject({
        status: 'active',
        keys: [
          { keyId: patient.key.keyId, publicKey: patient.key.publicKey, addedAt: result.timestamp },
        ],
        version: 2,
      });
      expect(binding.enrolment).toBeUndefined();
      const attacker = await keyOf('attacker');
      refused(await activate(patient, code, attacker), {
        code: 'FORBIDDEN',
        message: /already activated/,
      });
      // The statement must be signed by the key it binds.
      const { patient: other, code: otherCode } = await registered(2);
      refused(
        await patientClient(network, { ...other, key: attacker }).submit(
          'patient:ActivatePatient',
          { publicKey: other.key.publicKey, enrolmentCode: otherCode },
        ),
        { code: 'FORBIDDEN', message: /key ID is not the payload key's/ },
      );
      refused(
        await patientClient(network, { ...other, key: attacker })
          .with({ keyId: other.key.keyId })
          .submit('patient:ActivatePatient', {
            publicKey: other.key.publicKey,
            enrolmentCode: otherCode,
          }),
        { code: 'FORBIDDEN', message: /signature does not verify/ },
      );
    });
  });

  describe('devices', () => {
    it('adds a device by a statement of a bound key, and removes one; not the last', async () => {
      const alice = await registerPatient(network, 1);
      const phone = await keyOf('patient:1:phone');
      const client = patientClient(network, alice);
      const added = ok(await client.submit('patient:AddDevice', { publicKey: phone.publicKey }));
      expect(added.keys.map((key) => key.keyId)).toEqual([alice.key.keyId, phone.keyId]);
      refused(await client.submit('patient:AddDevice', { publicKey: phone.publicKey }), 'CONFLICT');
      refused(
        await client.submit('patient:AddDevice', { publicKey: 'A'.repeat(122) }),
        'INVALID_ARGUMENT',
      );
      const removed = ok(
        await client
          .with({ key: phone })
          .submit('patient:RemoveDevice', { keyId: alice.key.keyId }),
      );
      expect(removed.keys.find((key) => key.keyId === alice.key.keyId)?.revokedAt).toBeDefined();
      refused(
        await client.with({ key: phone }).submit('patient:RemoveDevice', { keyId: phone.keyId }),
        {
          code: 'RULE_VIOLATION',
          message: /last active key/,
        },
      );
      refused(
        await client
          .with({ key: phone })
          .submit('patient:RemoveDevice', { keyId: keyIdOf(alice.key.publicKey) }),
        { code: 'RULE_VIOLATION', message: /not an active key/ },
      );
    });
  });

  describe('recovery', () => {
    it('needs the home organization and the regulator; the old keys stop at the approval', async () => {
      const alice = await registerPatient(network, 1);
      const newCode = enrolmentCode('recovered');
      const laptop = await keyOf('patient:1:laptop');
      refused(await network.as(who.regulator).submit('patient:ApproveRecovery', [pid(1)]), {
        code: 'RULE_VIOLATION',
        message: /no recovery/,
      });
      refused(
        await network
          .as(who.communityAdmin)
          .submit('patient:RequestRecovery', [
            { patientId: pid(1), enrolment: enrolmentOf(newCode, 'recovered') },
          ]),
        { code: 'FORBIDDEN', message: /not a patient of CommunityHospitalMSP/ },
      );
      ok(
        await network
          .as(who.tertiaryAdmin)
          .submit('patient:RequestRecovery', [
            { patientId: pid(1), enrolment: enrolmentOf(newCode, 'recovered') },
          ]),
      );
      refused(
        await network
          .as(who.tertiaryAdmin)
          .submit('patient:RequestRecovery', [
            { patientId: pid(1), enrolment: enrolmentOf(newCode, 'recovered') },
          ]),
        'CONFLICT',
      );
      // The home alone cannot rebind: the new code works only once the regulator approves.
      refused(await activate(alice, newCode, laptop), {
        code: 'FORBIDDEN',
        message: /waits for the regulator/,
      });
      refused(await network.as(who.tertiaryAdmin).submit('patient:ApproveRecovery', [pid(1)]), {
        code: 'FORBIDDEN',
        message: /may not call/,
      });
      const approved = ok(
        await network.as(who.regulator).submit('patient:ApproveRecovery', [pid(1)]),
      );
      expect(approved.keys.every((key) => key.revokedAt !== undefined)).toBe(true);
      refused(
        await network.as(who.regulator).submit('patient:ApproveRecovery', [pid(1)]),
        'CONFLICT',
      );
      refused(await activate(alice, newCode, alice.key), {
        code: 'FORBIDDEN',
        message: /was bound before/,
      });
      expect(ok(await activate(alice, newCode, laptop)).status).toBe('active');
      // The patient sees every rebinding, and who made it.
      const history = ok(
        await network.as(who.tertiaryAdmin).evaluate('patient:GetBindingHistory', [pid(1)]),
      );
      expect(history.map((version) => [version.version, version.change, version.by])).toEqual([
        [1, 'registered', { kind: 'org', id: MSP.tertiary }],
        [2, 'activated', { kind: 'patient', id: pid(1) }],
        [3, 'recovery-requested', { kind: 'org', id: MSP.tertiary }],
        [4, 'recovery-approved', { kind: 'org', id: MSP.gov }],
        [5, 'activated', { kind: 'patient', id: pid(1) }],
      ]);
    });
  });

  describe('guardians', () => {
    const code = enrolmentCode('guardian');
    const proposal = (overrides: Record<string, unknown> = {}) => ({
      patientId: pid(1),
      guardianId: rid(1),
      relationship: 'legal-proxy',
      validFrom: '2026-11-22T00:00:00.000Z',
      validUntil: '2027-11-22T00:00:00.000Z',
      enrolment: enrolmentOf(code, 'guardian'),
      ...overrides,
    });

    it('are proposed by the home, approved by the regulator, activated with their code by their own key', async () => {
      const alice = await registerPatient(network, 1);
      const key = await keyOf('guardian:1');
      const guardian = { ...alice, key, signer: { kind: 'guardian', id: rid(1) } } as const;
      const activateGuardian = (enrolmentCode: string) =>
        patientClient(network, guardian).submit('patient:ActivateGuardian', {
          publicKey: key.publicKey,
          enrolmentCode,
          guardianId: rid(1),
        });
      refused(
        await network.as(who.communityAdmin).submit('patient:ProposeGuardian', [proposal()]),
        'FORBIDDEN',
      );
      refused(
        await network
          .as(who.tertiaryAdmin)
          .submit('patient:ProposeGuardian', [
            proposal({ validUntil: '2026-01-01T00:00:00.000Z' }),
          ]),
        'INVALID_ARGUMENT',
      );
      ok(await network.as(who.tertiaryAdmin).submit('patient:ProposeGuardian', [proposal()]));
      refused(
        await network.as(who.tertiaryAdmin).submit('patient:ProposeGuardian', [proposal()]),
        'CONFLICT',
      );
      refused(await activateGuardian(code), { code: 'FORBIDDEN', message: /not approved/ });
      const ref = { patientId: pid(1), guardianId: rid(1) };
      refused(
        await network.as(who.tertiaryAdmin).submit('patient:ApproveGuardian', [ref]),
        'FORBIDDEN',
      );
      refused(
        await network
          .as(who.regulator)
          .submit('patient:ApproveGuardian', [{ ...ref, guardianId: rid(9) }]),
        'NOT_FOUND',
      );
      ok(await network.as(who.regulator).submit('patient:ApproveGuardian', [ref]));
      refused(await network.as(who.regulator).submit('patient:ApproveGuardian', [ref]), 'CONFLICT');
      refused(await activateGuardian(enrolmentCode('wrong')), {
        code: 'FORBIDDEN',
        message: /enrolment code is wrong/,
      });
      const active = ok(await activateGuardian(code));
      expect(active.guardians).toEqual([
        expect.objectContaining({
          guardianId: rid(1),
          status: 'active',
          keys: [expect.objectContaining({ keyId: key.keyId })],
        }),
      ]);
      ok(await network.as(who.regulator).submit('patient:EndGuardianship', [ref]));
      refused(await network.as(who.regulator).submit('patient:EndGuardianship', [ref]), 'CONFLICT');
      // A guardian adds no device of the patient's.
      refused(
        await patientClient(network, guardian).submit('patient:AddDevice', {
          publicKey: (await keyOf('x')).publicKey,
        }),
        'FORBIDDEN',
      );
    });
  });

  describe('reads', () => {
    it("shows a binding, its history and erasures to the home's admins and the regulator only", async () => {
      await registerPatient(network, 1);
      for (const reader of [who.tertiaryAdmin, who.regulator]) {
        expect(ok(await network.as(reader).evaluate('patient:GetBinding', [pid(1)])).home).toBe(
          MSP.tertiary,
        );
        expect(
          ok(await network.as(reader).evaluate('patient:GetBindingHistory', [pid(1)])),
        ).toHaveLength(2);
        expect(ok(await network.as(reader).evaluate('patient:QueryErasures', [pid(1)]))).toEqual(
          [],
        );
      }
      for (const stranger of [who.communityAdmin, who.enterpriseAdmin, who.govAdmin]) {
        for (const transaction of [
          'patient:GetBinding',
          'patient:GetBindingHistory',
          'patient:QueryErasures',
        ]) {
          refused(await network.as(stranger).evaluate(transaction, [pid(1)]), 'FORBIDDEN');
        }
      }
      refused(await network.as(who.tertiaryClinician).evaluate('patient:GetBinding', [pid(1)]), {
        code: 'FORBIDDEN',
        message: /may not call/,
      });
      refused(
        await network.as(who.regulator).evaluate('patient:GetBinding', [pid(9)]),
        'PATIENT_NOT_FOUND',
      );
    });

    it("tells any member a pseudonym's home, by hash alone", async () => {
      await registerPatient(network, { n: 1, home: MSP.enterprise });
      for (const caller of [who.researcher, who.communityClinician, adminOf(MSP.tertiary)]) {
        const located = await network.as(caller).evaluate('patient:LocatePatient', [pid(1)]);
        expect(ok(located)).toEqual({ patientId: pid(1), home: MSP.enterprise });
        expect(located.privateReads.every((read) => read.kind === 'hash')).toBe(true);
      }
      refused(
        await network.as(who.researcher).evaluate('patient:LocatePatient', [pid(2)]),
        'PATIENT_NOT_FOUND',
      );
      refused(
        await network.as(who.researcher).evaluate('patient:LocatePatient', ['pid-1']),
        'INVALID_ARGUMENT',
      );
    });
  });
});
