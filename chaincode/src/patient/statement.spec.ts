import {
  canonicalJson,
  MAX_STATEMENT_MILLIS,
  type ConsentInput,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  bootstrap,
  consentInput,
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
  signFor,
  who,
  type StatementOverrides,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type InvokeResult, type TestNetwork } from '../testing/harness';

const T0 = '2026-11-22T08:00:00.000Z';
const terms = consentInput() as ConsentInput;

/** Asserts a refusal that wrote nothing at all. */
function refusedCleanly(
  result: InvokeResult,
  code: 'FORBIDDEN' | 'CONFLICT',
  message: RegExp,
): void {
  refused(result, { code, message });
  expect(result.writes).toEqual([]);
  expect(result.privateWrites).toEqual([]);
}

describe('signed statements: every refusal, nothing written', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    alice = await registerPatient(network, 1);
    network.setTime(T0);
  });

  const grantWith = (overrides: Readonly<StatementOverrides>, patient = alice) =>
    patientClient(network, patient).with(overrides).submit('consent:GrantConsent', terms);

  it('accepts a statement within its validity, signed by a bound key, and records who signed', async () => {
    const consent = ok(await grantWith({}));
    expect(consent.signedBy).toEqual({ kind: 'patient', id: pid(1) });
  });

  it('refuses a replayed statement: its nonce was used (CONFLICT), also by another carrier', async () => {
    const statement = await signFor(network, {
      patient: alice,
      action: 'consent:GrantConsent',
      payload: terms,
    });
    ok(await network.as(alice.carrier).submit('consent:GrantConsent', [statement]));
    for (const carrier of [alice.carrier, who.tertiaryClinician, who.regulator]) {
      refusedCleanly(
        await network.as(carrier).submit('consent:GrantConsent', [statement]),
        'CONFLICT',
        /nonce was used before/,
      );
    }
    const revoking = await signFor(network, {
      patient: alice,
      action: 'consent:RevokeConsent',
      payload: {
        consentId: 'con-000000000000000000000000',
        expectedVersion: 1,
      },
    });
    refused(
      await network.as(alice.carrier).submit('consent:RevokeConsent', [revoking]),
      'CONSENT_NOT_FOUND',
    );
  });

  it('refuses an altered statement: what was signed is exactly what is read', async () => {
    const statement = await signFor(network, {
      patient: alice,
      action: 'consent:GrantConsent',
      payload: terms,
    });
    const altered: SignedAction = {
      ...statement,
      statement: statement.statement.replace('"outpatient"', '"genomic"'),
    };
    expect(altered.statement).not.toBe(statement.statement);
    refusedCleanly(
      await network.as(alice.carrier).submit('consent:GrantConsent', [altered]),
      'FORBIDDEN',
      /signature does not verify/,
    );
    // The same content, not in its canonical form (keys reordered, spaces): refused as such.
    const parsed = JSON.parse(statement.statement) as Record<string, unknown>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()));
    expect(canonicalJson(JSON.parse(reordered))).toBe(statement.statement);
    for (const text of [reordered, JSON.stringify(parsed, null, 1), `${statement.statement} `]) {
      refusedCleanly(
        await network
          .as(alice.carrier)
          .submit('consent:GrantConsent', [{ ...statement, statement: text }]),
        'FORBIDDEN',
        /not canonical JSON/,
      );
    }
    refusedCleanly(
      await network
        .as(alice.carrier)
        .submit('consent:GrantConsent', [{ ...statement, statement: 'not json' }]),
      'FORBIDDEN',
      /not JSON/,
    );
  });

  it('refuses a statement for another action, channel, chaincode or patient', async () => {
    refusedCleanly(
      await grantWith({ claimedAction: 'consent:RevokeConsent' }),
      'FORBIDDEN',
      /is for consent:RevokeConsent/,
    );
    refusedCleanly(await grantWith({ channel: 'other' }), 'FORBIDDEN', /another channel/);
    refusedCleanly(
      await grantWith({ chaincode: 'consent-ledger-bench' }),
      'FORBIDDEN',
      /another chaincode/,
    );
    // A statement signed for the benchmark's deployment works there, and only there.
    const bench = createTestNetwork({ start: T0, chaincode: 'consent-ledger-bench' });
    await bootstrap(bench);
    const there = await registerPatient(bench, 1);
    ok(
      await patientClient(bench, there)
        .with({
          chaincode: 'consent-ledger-bench',
        })
        .submit('consent:GrantConsent', terms),
    );
    // Another patient's pseudonym: alice's key is not bound to bob.
    const bob = await registerPatient(network, 2);
    refusedCleanly(
      await grantWith({ patientId: bob.patientId }),
      'FORBIDDEN',
      /signer is another patient/,
    );
    refusedCleanly(
      await grantWith({ patientId: bob.patientId, signer: { kind: 'patient', id: bob.patientId } }),
      'FORBIDDEN',
      /not bound to the patient/,
    );
    refused(
      await grantWith({ patientId: pid(99), signer: { kind: 'patient', id: pid(99) } }),
      'PATIENT_NOT_FOUND',
    );
  });

  it('refuses an expired statement, one not issued yet, and one valid for too long', async () => {
    const skew = 5 * 60_000;
    const at = (millis: number): string => new Date(Date.parse(T0) + millis).toISOString();
    // The transaction's time is T0; the statements are issued around it.
    const client = patientClient(network, { ...alice, at: T0 });
    const issued = (millis: number) =>
      client.with({ at: at(millis) }).submit('consent:GrantConsent', terms);
    // Valid 5 minutes, and 5 more of clock skew: refused from 10 minutes after issue.
    refusedCleanly(await issued(-10 * 60_000), 'FORBIDDEN', /has expired/);
    ok(await issued(-10 * 60_000 + 1));
    refusedCleanly(await issued(skew + 1), 'FORBIDDEN', /not issued yet/);
    ok(await issued(skew));
    // buildStatement caps the validity: a statement made by hand for an hour is refused.
    const statement = await signFor(network, {
      patient: alice,
      action: 'consent:GrantConsent',
      payload: terms,
    });
    const parsed = JSON.parse(statement.statement) as Record<string, string>;
    const long = canonicalJson({
      ...parsed,
      expiresAt: new Date(
        Date.parse(parsed.issuedAt ?? T0) + MAX_STATEMENT_MILLIS + 1,
      ).toISOString(),
    });
    const inverted = canonicalJson({ ...parsed, expiresAt: parsed.issuedAt });
    const sign = async (text: string): Promise<SignedAction> => {
      const signature = new Uint8Array(
        await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          alice.key.privateKey,
          new TextEncoder().encode(text),
        ),
      );
      return { statement: text, signature: Buffer.from(signature).toString('base64url') };
    };
    refusedCleanly(
      await network.as(alice.carrier).submit('consent:GrantConsent', [await sign(long)]),
      'FORBIDDEN',
      /valid for too long/,
    );
    refusedCleanly(
      await network.as(alice.carrier).submit('consent:GrantConsent', [await sign(inverted)]),
      'FORBIDDEN',
      /expires before it is issued/,
    );
  });

  it('refuses a key the patient removed, and every key once a recovery is approved', async () => {
    const phone = await keyOf('patient:1:phone');
    ok(
      await patientClient(network, alice).submit('patient:AddDevice', {
        publicKey: phone.publicKey,
      }),
    );
    ok(await grantWith({ key: phone }));
    ok(await patientClient(network, alice).submit('patient:RemoveDevice', { keyId: phone.keyId }));
    refusedCleanly(
      await grantWith({ key: phone }),
      'FORBIDDEN',
      /not bound to the patient, or no longer/,
    );
    ok(await grantWith({}));
    // Recovery: asked by the home, in force once the regulator approves.
    const newCode = enrolmentCode('alice-recovered');
    ok(
      await network
        .as(who.tertiaryAdmin)
        .submit('patient:RequestRecovery', [
          { patientId: pid(1), enrolment: enrolmentOf(newCode, 'alice-recovered') },
        ]),
    );
    ok(await grantWith({}));
    ok(await network.as(who.regulator).submit('patient:ApproveRecovery', [pid(1)]));
    refusedCleanly(await grantWith({}), 'FORBIDDEN', /no longer/);
    const laptop = await keyOf('patient:1:laptop');
    const activated = await patientClient(network, { ...alice, key: laptop }).submit(
      'patient:ActivatePatient',
      { publicKey: laptop.publicKey, enrolmentCode: newCode },
    );
    expect(ok(activated).status).toBe('active');
    ok(await grantWith({ key: laptop }));
    refusedCleanly(await grantWith({}), 'FORBIDDEN', /no longer/);
  });

  describe('guardians', () => {
    const guardianCode = enrolmentCode('guardian');
    let child: TestPatient;
    let guardian: TestPatient;
    const propose = async (
      patient: TestPatient,
      period: { validFrom: string; validUntil: string },
      guardianId = rid(1),
    ): Promise<void> => {
      ok(
        await network.as(who.tertiaryAdmin).submit('patient:ProposeGuardian', [
          {
            patientId: patient.patientId,
            guardianId,
            relationship: 'parent',
            ...period,
            enrolment: enrolmentOf(guardianCode, guardianId),
          },
        ]),
      );
      ok(
        await network
          .as(who.regulator)
          .submit('patient:ApproveGuardian', [{ patientId: patient.patientId, guardianId }]),
      );
      const key = await keyOf(`guardian:${guardianId}`);
      ok(
        await patientClient(network, {
          ...patient,
          key,
          signer: { kind: 'guardian', id: guardianId },
        }).submit('patient:ActivateGuardian', {
          publicKey: key.publicKey,
          enrolmentCode: guardianCode,
          guardianId,
        }),
      );
    };

    beforeEach(async () => {
      // A minor: of age from 1 January 2030.
      child = await registerPatient(network, { n: 7, adultFrom: '2030-01-01' });
      await propose(child, {
        validFrom: '2026-11-22T00:00:00.000Z',
        validUntil: '2035-01-01T00:00:00.000Z',
      });
      guardian = {
        ...child,
        key: await keyOf(`guardian:${rid(1)}`),
        signer: { kind: 'guardian', id: rid(1) },
      };
    });

    const grantAs = (patient: TestPatient, at?: string) =>
      patientClient(network, { ...patient, ...(at === undefined ? {} : { at }) }).submit(
        'consent:GrantConsent',
        terms,
      );

    it("lets a guardian sign for a minor, recorded as the guardian's; the minor cannot sign alone", async () => {
      const consent = ok(await grantAs(guardian));
      expect(consent.signedBy).toEqual({ kind: 'guardian', id: rid(1) });
      refusedCleanly(await grantAs(child), 'FORBIDDEN', /minor cannot sign alone/);
    });

    it('refuses the guardian from the day the patient comes of age; the patient then acts alone', async () => {
      const adult = '2030-01-01T00:00:00.000Z';
      const before = '2029-12-31T23:59:00.000Z';
      ok(await grantAs(guardian, before));
      refusedCleanly(await grantAs(guardian, adult), 'FORBIDDEN', /of age/);
      ok(await grantAs(child, adult));
    });

    it('refuses a guardian before and after their period', async () => {
      const adult = await registerPatient(network, 8);
      await propose(
        adult,
        { validFrom: '2026-12-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' },
        rid(2),
      );
      const proxy: TestPatient = {
        ...adult,
        key: await keyOf(`guardian:${rid(2)}`),
        signer: { kind: 'guardian', id: rid(2) },
      };
      refusedCleanly(
        await grantAs(proxy, '2026-11-30T23:59:00.000Z'),
        'FORBIDDEN',
        /has not begun/,
      );
      ok(await grantAs(proxy, '2026-12-15T00:00:00.000Z'));
      refusedCleanly(
        await grantAs(proxy, '2027-01-01T00:00:00.000Z'),
        'FORBIDDEN',
        /period is over/,
      );
      // The adult patient signs alone throughout.
      ok(await grantAs(adult, '2026-12-15T00:00:00.000Z'));
    });

    it('refuses a guardian once the guardianship is ended, and a guardian of another patient', async () => {
      ok(
        await network
          .as(who.regulator)
          .submit('patient:EndGuardianship', [{ patientId: child.patientId, guardianId: rid(1) }]),
      );
      refusedCleanly(await grantAs(guardian), 'FORBIDDEN', /not an active guardian/);
      refusedCleanly(
        await grantAs({ ...guardian, patientId: alice.patientId }),
        'FORBIDDEN',
        /not an active guardian/,
      );
    });

    it('refuses a guardian signing with a key not bound to them, and a proposed guardian not yet active', async () => {
      refusedCleanly(
        await patientClient(network, { ...guardian, key: alice.key }).submit(
          'consent:GrantConsent',
          terms,
        ),
        'FORBIDDEN',
        /not bound to the guardian/,
      );
      ok(
        await network.as(who.tertiaryAdmin).submit('patient:ProposeGuardian', [
          {
            patientId: child.patientId,
            guardianId: rid(3),
            relationship: 'guardian',
            validFrom: '2026-11-22T00:00:00.000Z',
            validUntil: '2030-01-01T00:00:00.000Z',
            enrolment: enrolmentOf(guardianCode, rid(3)),
          },
        ]),
      );
      refusedCleanly(
        await grantAs({
          ...guardian,
          key: await keyOf(`guardian:${rid(3)}`),
          signer: { kind: 'guardian', id: rid(3) },
        }),
        'FORBIDDEN',
        /not an active guardian/,
      );
      expect(MSP.tertiary).toBe(child.home);
    });
  });
});
