import { peer } from '@hyperledger/fabric-protos';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTHORIZED_NAMES,
  DEFAULT_RETENTION_POLICY,
  GOVERNMENT_MSP,
  batchLeaf,
  generatePatientKey,
  hashEnrolmentCode,
  inclusionProof,
  merkleRoot,
  newEnrolmentCode,
  noticeDigest,
  newSalt,
  orgCollection,
  pairCollection,
  requestedConsent,
  signAction,
  toHex,
  type AccessEvent,
  type BatchItem,
  type Consent,
  type ConsentInput,
  type OrganizationInput,
  type PatientKey,
  type TransactionName,
} from '@consent-ledger/ledger-api';
import type { LedgerConnection } from '@consent-ledger/network';
import { decodeTransaction } from '@consent-ledger/verifier';
import {
  closeUsers,
  enrollUser,
  newGuardianId,
  newPatientId,
  type TestUser,
} from '../support/identities.ts';
import { evaluate, submit } from '../support/ledger-calls.ts';
import { expectLedgerError } from '../support/ledger-errors.ts';
import { connectAdmin, endorsingMsps, topology } from '../support/ledger.ts';
import { registerPatient, signFor, type TestPatient } from '../support/patients.ts';

/**
 * The chaincode on the real network, every transaction of the catalogue through the tests' typed
 * calls (inputs as transient data, a fresh salt per submit, endorsers named: support/ledger-calls)
 * and patients made as the design has it (registered by their home's admin, a key of their own,
 * signed statements carried by the home: support/patients). Covers the registry, the patient
 * contract (registration, activation, devices, recovery with the regulator, guardians with their
 * period and the age of majority, LocatePatient), consents and their erasure, access and
 * break-glass, referrals, two-step cohorts, records (public anchors, private links), the audit
 * trail, two-step statistics roll-ups and retention purges, and the collections' endorsement
 * policies.
 */

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');

const TERTIARY = 'TertiaryHospitalMSP';
const COMMUNITY = 'CommunityHospitalMSP';
const ENTERPRISE = 'EnterpriseMSP';
const RESEARCH = 'ResearchMSP';

/** The validation code of a failed commit (ledger-calls' submit puts it on the error). */
async function commitCode(call: Promise<unknown>): Promise<number | undefined> {
  const error: unknown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected a failed commit').toBeInstanceOf(Error);
  return (error as { code?: number }).code;
}

/** Grants a consent as a patient: their signed statement, carried by their home's admin. */
async function grant(patient: TestPatient, terms: ConsentInput): Promise<Consent> {
  const action = await patient.sign('consent:GrantConsent', terms);
  return (await submit(patient.carrier, 'consent:GrantConsent', [action])).result;
}

/** Revokes a consent at a version as its patient. */
async function revoke(patient: TestPatient, consentId: string, version: number): Promise<Consent> {
  const action = await patient.sign('consent:RevokeConsent', {
    consentId,
    expectedVersion: version,
  });
  return (await submit(patient.carrier, 'consent:RevokeConsent', [action])).result;
}

/** Every consent of a patient as the home's admin lists them. */
async function consentsOf(patient: TestPatient): Promise<string[]> {
  const page = await evaluate(patient.carrier, 'consent:QueryConsents', {
    patientId: patient.patientId,
    pageSize: 100,
  });
  return page.items.map((item) => item.consentId).sort();
}

/** The regulator and the patient's home endorse what the regulator writes about the patient. */
const withHome = (patient: TestPatient) => ({ endorsers: [GOVERNMENT_MSP, patient.homeMsp] });

describe('the consent-ledger chaincode on the real network', () => {
  let patient: TestPatient;
  let otherPatient: TestPatient;
  let tertiaryAdmin: TestUser;
  let tertiaryClinician: TestUser;
  let communityClinician: TestUser;
  let communityAnalyst: TestUser;
  let communityAdmin: TestUser;
  let researcher: TestUser;
  let regulator: TestUser;
  let consentId: string;
  const covered = new Set<TransactionName>();
  const cover = (...names: TransactionName[]): void => {
    for (const name of names) covered.add(name);
  };

  beforeAll(async () => {
    [
      tertiaryAdmin,
      tertiaryClinician,
      communityClinician,
      communityAnalyst,
      communityAdmin,
      researcher,
      regulator,
    ] = await Promise.all([
      enrollUser({ org: 'tertiary', role: 'admin' }),
      enrollUser({ org: 'tertiary', role: 'clinician' }),
      enrollUser({ org: 'community', role: 'clinician' }),
      enrollUser({ org: 'community', role: 'analyst' }),
      enrollUser({ org: 'community', role: 'admin' }),
      enrollUser({ org: 'research', role: 'researcher' }),
      enrollUser({ org: 'gov', role: 'regulator' }),
    ]);
    patient = await registerPatient('tertiary', { carrier: tertiaryAdmin });
    otherPatient = await registerPatient('tertiary', { carrier: tertiaryAdmin });
  });

  afterAll(() => {
    closeUsers();
  });

  describe('registry', () => {
    it('lists the five registered organizations with type and region', async () => {
      const orgs = await evaluate(researcher, 'registry:ListOrganizations');
      expect(orgs.map((each) => each.mspId)).toEqual([
        COMMUNITY,
        ENTERPRISE,
        GOVERNMENT_MSP,
        RESEARCH,
        TERTIARY,
      ]);
      const tertiary = await evaluate(communityClinician, 'registry:GetOrganization', TERTIARY);
      expect(tertiary).toMatchObject({ type: 'hospital', tier: 'tertiary' });
      expect(tertiary).not.toHaveProperty('institutions');
      // Member institutions (network/topology.yaml): codes, types and regions, sorted by ID.
      expect(
        orgs.map((each) => [
          each.mspId,
          (each.institutions ?? []).map((entry) => `${entry.institutionId} ${entry.type}`),
        ]),
      ).toEqual([
        [COMMUNITY, []],
        [
          ENTERPRISE,
          ['inst-devices01 device-maker', 'inst-insurer01 insurer', 'inst-insurer02 insurer'],
        ],
        [GOVERNMENT_MSP, []],
        [RESEARCH, ['inst-research01 research-institute', 'inst-research02 research-institute']],
        [TERTIARY, []],
      ]);
      cover('registry:ListOrganizations', 'registry:GetOrganization');
    });

    it('lets only the government admin register organizations', async () => {
      const hospitalAdmin = connectAdmin('tertiary');
      try {
        await expectLedgerError(
          submit(
            { connection: hospitalAdmin },
            'registry:RegisterOrganization',
            [{ mspId: TERTIARY, type: 'government', region: { province: '330000' } }],
            { endorsers: [TERTIARY, GOVERNMENT_MSP] },
          ),
          'FORBIDDEN',
        );
      } finally {
        hospitalAdmin.close();
      }
      // The government's admin registers (here: re-registers the research institute as it is).
      const current = await evaluate(researcher, 'registry:GetOrganization', RESEARCH);
      const input: OrganizationInput = {
        mspId: current.mspId,
        type: current.type,
        region: current.region,
        // A registration replaces the member institutions: the same ones.
        ...(current.institutions === undefined ? {} : { institutions: current.institutions }),
      };
      const govAdmin = connectAdmin('gov');
      try {
        const { result } = await submit(
          { connection: govAdmin },
          'registry:RegisterOrganization',
          [input],
          { endorsers: [GOVERNMENT_MSP, RESEARCH] },
        );
        expect(result).toMatchObject({ ...input, registeredAt: current.registeredAt });
      } finally {
        govAdmin.close();
      }
      cover('registry:RegisterOrganization');
    });

    it('lets only the government admin deregister organizations, never itself', async () => {
      const hospitalAdmin = connectAdmin('tertiary');
      try {
        await expectLedgerError(
          submit({ connection: hospitalAdmin }, 'registry:DeregisterOrganization', [RESEARCH], {
            endorsers: [TERTIARY, GOVERNMENT_MSP],
          }),
          'FORBIDDEN',
        );
      } finally {
        hospitalAdmin.close();
      }
      const govAdmin = connectAdmin('gov');
      try {
        await expectLedgerError(
          submit({ connection: govAdmin }, 'registry:DeregisterOrganization', [GOVERNMENT_MSP], {
            endorsers: [GOVERNMENT_MSP, RESEARCH],
          }),
          'RULE_VIOLATION',
        );
        // An organization that is not registered (a removal that ran already): nothing to do.
        const { result } = await submit(
          { connection: govAdmin },
          'registry:DeregisterOrganization',
          ['AbsentHospitalMSP'],
          { endorsers: [GOVERNMENT_MSP, RESEARCH] },
        );
        expect(result).toEqual({ mspId: 'AbsentHospitalMSP', removed: false });
      } finally {
        govAdmin.close();
      }
      expect(await evaluate(researcher, 'registry:ListOrganizations')).toHaveLength(5);
      cover('registry:DeregisterOrganization');
    });
  });

  describe('patients and their keys', () => {
    it('registers a pseudonym at its home, binds the key the patient made, and locates it for anyone', async () => {
      const binding = await evaluate(tertiaryAdmin, 'patient:GetBinding', patient.patientId);
      expect(binding).toMatchObject({
        patientId: patient.patientId,
        home: TERTIARY,
        status: 'active',
        keys: [{ keyId: patient.key.keyId, publicKey: patient.key.publicKey }],
        guardians: [],
      });
      expect(binding).not.toHaveProperty('enrolment');
      const history = await evaluate(regulator, 'patient:GetBindingHistory', patient.patientId);
      expect(history.map((version) => [version.version, version.change, version.by])).toEqual([
        [1, 'registered', { kind: 'org', id: TERTIARY }],
        [2, 'activated', { kind: 'patient', id: patient.patientId }],
      ]);
      // Where a pseudonym lives is no secret to members; what it is bound to is.
      expect(await evaluate(researcher, 'patient:LocatePatient', patient.patientId)).toEqual({
        patientId: patient.patientId,
        home: TERTIARY,
      });
      await expectLedgerError(
        evaluate(researcher, 'patient:LocatePatient', newPatientId()),
        'PATIENT_NOT_FOUND',
      );
      for (const stranger of [communityAdmin, tertiaryClinician]) {
        await expectLedgerError(
          evaluate(stranger, 'patient:GetBinding', patient.patientId),
          'FORBIDDEN',
        );
      }
      cover(
        'patient:RegisterPatient',
        'patient:ActivatePatient',
        'patient:GetBinding',
        'patient:GetBindingHistory',
        'patient:LocatePatient',
      );
    });

    it('lets no admin make a second identity for an existing pseudonym', async () => {
      for (const admin of [communityAdmin, tertiaryAdmin]) {
        await expectLedgerError(
          submit(admin, 'patient:RegisterPatient', [
            { patientId: patient.patientId, enrolment: hashEnrolmentCode(newEnrolmentCode()) },
          ]),
          'CONFLICT',
        );
      }
      await expectLedgerError(
        submit(communityClinician, 'patient:RegisterPatient', [
          { patientId: newPatientId(), enrolment: hashEnrolmentCode(newEnrolmentCode()) },
        ]),
        'FORBIDDEN',
      );
    });

    it('activates once, with the right code only, by the key the statement carries', async () => {
      const pending = await registerPatient('tertiary', {
        carrier: tertiaryAdmin,
        activate: false,
      });
      const wrong = await pending.sign('patient:ActivatePatient', {
        publicKey: pending.key.publicKey,
        enrolmentCode: newEnrolmentCode(),
      });
      await expectLedgerError(
        submit(tertiaryAdmin, 'patient:ActivatePatient', [wrong]),
        'FORBIDDEN',
      );
      // A pending patient signs nothing else yet.
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await pending.sign('consent:GrantConsent', {
            grantee: { org: COMMUNITY },
            purposes: ['treatment'],
            categories: ['imaging'],
          }),
        ]),
        'FORBIDDEN',
      );
      const right = await pending.sign('patient:ActivatePatient', {
        publicKey: pending.key.publicKey,
        enrolmentCode: pending.enrolmentCode,
      });
      const { result } = await submit(tertiaryAdmin, 'patient:ActivatePatient', [right]);
      expect(result.status).toBe('active');
      // The code works once: a second device cannot activate with it.
      const second = await generatePatientKey();
      const again = await signFor({
        key: second,
        patientId: pending.patientId,
        action: 'patient:ActivatePatient',
        payload: { publicKey: second.publicKey, enrolmentCode: pending.enrolmentCode },
      });
      await expectLedgerError(
        submit(tertiaryAdmin, 'patient:ActivatePatient', [again]),
        'FORBIDDEN',
      );
    });

    it('adds a device signed by a bound key, and removes one: the removed key stops at once', async () => {
      const device = await registerPatient('tertiary', { carrier: tertiaryAdmin });
      const tablet = await generatePatientKey();
      const added = await submit(tertiaryAdmin, 'patient:AddDevice', [
        await device.sign('patient:AddDevice', { publicKey: tablet.publicKey }),
      ]);
      expect(added.result.keys.map((key) => key.keyId)).toEqual([device.key.keyId, tablet.keyId]);
      const removal = (keyId: string) =>
        signFor({
          key: tablet,
          patientId: device.patientId,
          action: 'patient:RemoveDevice',
          payload: { keyId },
        });
      // The new device signs; it removes the first one.
      const removed = await submit(tertiaryAdmin, 'patient:RemoveDevice', [
        await removal(device.key.keyId),
      ]);
      expect(
        removed.result.keys.find((key) => key.keyId === device.key.keyId)?.revokedAt,
      ).toBeDefined();
      const terms: ConsentInput = {
        grantee: { org: COMMUNITY },
        purposes: ['treatment'],
        categories: ['imaging'],
      };
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await device.sign('consent:GrantConsent', terms),
        ]),
        'FORBIDDEN',
      );
      expect(await consentsOf(device)).toEqual([]);
      const byTablet = await submit(tertiaryAdmin, 'consent:GrantConsent', [
        await signFor({
          key: tablet,
          patientId: device.patientId,
          action: 'consent:GrantConsent',
          payload: terms,
        }),
      ]);
      expect(byTablet.result.signedBy).toEqual({ kind: 'patient', id: device.patientId });
      // The last active key is not removed (recovery replaces it).
      await expectLedgerError(
        submit(tertiaryAdmin, 'patient:RemoveDevice', [await removal(tablet.keyId)]),
        'RULE_VIOLATION',
      );
      cover('patient:AddDevice', 'patient:RemoveDevice');
    });

    it('replaces a lost key with the home and the regulator together; the old key stops at once', async () => {
      const lost = await registerPatient('tertiary', { carrier: tertiaryAdmin });
      const code = newEnrolmentCode();
      await expectLedgerError(
        submit(communityAdmin, 'patient:RequestRecovery', [
          { patientId: lost.patientId, enrolment: hashEnrolmentCode(code) },
        ]),
        'FORBIDDEN',
      );
      const requested = await submit(tertiaryAdmin, 'patient:RequestRecovery', [
        { patientId: lost.patientId, enrolment: hashEnrolmentCode(code) },
      ]);
      expect(requested.result.status).toBe('recovering');
      // The home alone cannot approve; nor activate before the regulator did.
      await expectLedgerError(
        submit(tertiaryAdmin, 'patient:ApproveRecovery', [lost.patientId]),
        'FORBIDDEN',
      );
      const replacement = await generatePatientKey();
      const activation = (key: PatientKey) =>
        signFor({
          key,
          patientId: lost.patientId,
          action: 'patient:ActivatePatient',
          payload: { publicKey: key.publicKey, enrolmentCode: code },
        });
      await expectLedgerError(
        submit(tertiaryAdmin, 'patient:ActivatePatient', [await activation(replacement)]),
        'FORBIDDEN',
      );
      const approved = await submit(
        regulator,
        'patient:ApproveRecovery',
        [lost.patientId],
        withHome(lost),
      );
      expect(approved.result.keys.every((key) => key.revokedAt !== undefined)).toBe(true);
      const terms: ConsentInput = {
        grantee: { org: COMMUNITY },
        purposes: ['treatment'],
        categories: ['imaging'],
      };
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await lost.sign('consent:GrantConsent', terms),
        ]),
        'FORBIDDEN',
      );
      await submit(tertiaryAdmin, 'patient:ActivatePatient', [await activation(replacement)]);
      const consent = await submit(tertiaryAdmin, 'consent:GrantConsent', [
        await signFor({
          key: replacement,
          patientId: lost.patientId,
          action: 'consent:GrantConsent',
          payload: terms,
        }),
      ]);
      expect(consent.result.status).toBe('active');
      const history = await evaluate(tertiaryAdmin, 'patient:GetBindingHistory', lost.patientId);
      expect(history.map((version) => version.change)).toEqual([
        'registered',
        'activated',
        'recovery-requested',
        'recovery-approved',
        'activated',
      ]);
      cover('patient:RequestRecovery', 'patient:ApproveRecovery');
    });

    it('binds a guardian for a period: the guardian signs for a minor, the minor not alone, nobody after the period', async () => {
      const minor = await registerPatient('tertiary', {
        carrier: tertiaryAdmin,
        adultFrom: '2040-01-01',
      });
      const terms: ConsentInput = {
        grantee: { org: COMMUNITY, role: 'clinician' },
        purposes: ['treatment'],
        categories: ['outpatient'],
      };
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await minor.sign('consent:GrantConsent', terms),
        ]),
        'FORBIDDEN',
      );
      const bind = async (validUntil: string) => {
        const guardianId = newGuardianId();
        const code = newEnrolmentCode();
        await submit(tertiaryAdmin, 'patient:ProposeGuardian', [
          {
            patientId: minor.patientId,
            guardianId,
            relationship: 'parent',
            validFrom: new Date(Date.now() - 60_000).toISOString(),
            validUntil,
            enrolment: hashEnrolmentCode(code),
          },
        ]);
        // Only the regulator approves; a guardian not approved cannot activate.
        const key = await generatePatientKey();
        const activation = await signFor({
          key,
          patientId: minor.patientId,
          guardianId,
          action: 'patient:ActivateGuardian',
          payload: { publicKey: key.publicKey, enrolmentCode: code, guardianId },
        });
        await expectLedgerError(
          submit(tertiaryAdmin, 'patient:ActivateGuardian', [activation]),
          'FORBIDDEN',
        );
        await expectLedgerError(
          submit(tertiaryAdmin, 'patient:ApproveGuardian', [
            { patientId: minor.patientId, guardianId },
          ]),
          'FORBIDDEN',
        );
        await submit(
          regulator,
          'patient:ApproveGuardian',
          [{ patientId: minor.patientId, guardianId }],
          withHome(minor),
        );
        await submit(tertiaryAdmin, 'patient:ActivateGuardian', [activation]);
        return { guardianId, key };
      };
      const parent = await bind(new Date(Date.now() + 365 * 86_400_000).toISOString());
      const signedByParent = await submit(tertiaryAdmin, 'consent:GrantConsent', [
        await signFor({
          key: parent.key,
          patientId: minor.patientId,
          guardianId: parent.guardianId,
          action: 'consent:GrantConsent',
          payload: terms,
        }),
      ]);
      expect(signedByParent.result.signedBy).toEqual({ kind: 'guardian', id: parent.guardianId });

      // A guardianship of twenty seconds: refused once its period is over.
      const shortUntil = new Date(Date.now() + 20_000).toISOString();
      const brief = await bind(shortUntil);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, Date.parse(shortUntil) - Date.now() + 1_500)),
      );
      const before = await consentsOf(minor);
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await signFor({
            key: brief.key,
            patientId: minor.patientId,
            guardianId: brief.guardianId,
            action: 'consent:GrantConsent',
            payload: terms,
          }),
        ]),
        'FORBIDDEN',
      );
      expect(await consentsOf(minor)).toEqual(before);

      // The regulator ends the parent's guardianship: the parent's statements stop too.
      const ended = await submit(
        regulator,
        'patient:EndGuardianship',
        [{ patientId: minor.patientId, guardianId: parent.guardianId }],
        withHome(minor),
      );
      expect(
        ended.result.guardians.find((each) => each.guardianId === parent.guardianId)?.status,
      ).toBe('ended');
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await signFor({
            key: parent.key,
            patientId: minor.patientId,
            guardianId: parent.guardianId,
            action: 'consent:GrantConsent',
            payload: terms,
          }),
        ]),
        'FORBIDDEN',
      );
      cover(
        'patient:ProposeGuardian',
        'patient:ApproveGuardian',
        'patient:ActivateGuardian',
        'patient:EndGuardianship',
      );
    });

    it('ends a guardian’s say when the patient comes of age: from adultFrom the patient acts alone', async () => {
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const adult = await registerPatient('tertiary', {
        carrier: tertiaryAdmin,
        adultFrom: yesterday,
      });
      const guardianId = newGuardianId();
      const code = newEnrolmentCode();
      await submit(tertiaryAdmin, 'patient:ProposeGuardian', [
        {
          patientId: adult.patientId,
          guardianId,
          relationship: 'parent',
          validFrom: new Date(Date.now() - 60_000).toISOString(),
          validUntil: new Date(Date.now() + 86_400_000).toISOString(),
          enrolment: hashEnrolmentCode(code),
        },
      ]);
      await submit(
        regulator,
        'patient:ApproveGuardian',
        [{ patientId: adult.patientId, guardianId }],
        withHome(adult),
      );
      const key = await generatePatientKey();
      await submit(tertiaryAdmin, 'patient:ActivateGuardian', [
        await signFor({
          key,
          patientId: adult.patientId,
          guardianId,
          action: 'patient:ActivateGuardian',
          payload: { publicKey: key.publicKey, enrolmentCode: code, guardianId },
        }),
      ]);
      const terms: ConsentInput = {
        grantee: { org: COMMUNITY },
        purposes: ['treatment'],
        categories: ['imaging'],
      };
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await signFor({
            key,
            patientId: adult.patientId,
            guardianId,
            action: 'consent:GrantConsent',
            payload: terms,
          }),
        ]),
        'FORBIDDEN',
      );
      const own = await submit(tertiaryAdmin, 'consent:GrantConsent', [
        await adult.sign('consent:GrantConsent', terms),
      ]);
      expect(own.result.signedBy).toEqual({ kind: 'patient', id: adult.patientId });
    });

    it('refuses a certificate with role patient everywhere: patients have no certificates', async () => {
      const holder = await enrollUser({
        org: 'tertiary',
        role: 'patient',
        patientId: patient.patientId,
      });
      await expectLedgerError(
        evaluate(holder, 'consent:QueryConsents', { patientId: patient.patientId }),
        'FORBIDDEN',
      );
      await expectLedgerError(
        submit(holder, 'consent:GrantConsent', [
          await patient.sign('consent:GrantConsent', {
            grantee: { org: ENTERPRISE },
            purposes: ['insurance'],
            categories: ['genomic'],
          }),
        ]),
        'FORBIDDEN',
      );
    });
  });

  describe('consent', () => {
    const terms: ConsentInput = {
      grantee: { org: COMMUNITY, role: 'clinician' },
      purposes: ['treatment'],
      categories: ['outpatient', 'laboratory'],
    };

    it('grants a consent by the patient’s statement, endorsed by home and regulator, readable by the grantee', async () => {
      const action = await patient.sign('consent:GrantConsent', terms);
      const granted = await submit(tertiaryAdmin, 'consent:GrantConsent', [action]);
      const consent = granted.result;
      expect(consent).toMatchObject({
        patientId: patient.patientId,
        patientHome: TERTIARY,
        status: 'active',
        version: 1,
        signedBy: { kind: 'patient', id: patient.patientId },
      });
      expect(consent.salt).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      consentId = consent.consentId;
      expect(await endorsingMsps(tertiaryAdmin.connection.gateway, granted.txId)).toEqual([
        GOVERNMENT_MSP,
        TERTIARY,
      ]);
      const seen = await evaluate(communityClinician, 'consent:GetConsent', consentId);
      expect(seen).toMatchObject({ consentId, categories: ['laboratory', 'outpatient'] });
      // A replay of the same statement writes nothing: its nonce was used.
      await expectLedgerError(submit(tertiaryAdmin, 'consent:GrantConsent', [action]), 'CONFLICT');
      expect(await consentsOf(patient)).toEqual([consentId]);
      cover('consent:GrantConsent', 'consent:GetConsent');
    });

    it('keeps every version in the history, and refuses an update of a replaced version', async () => {
      const update = {
        ...terms,
        purposes: ['treatment', 'referral'],
        categories: ['outpatient', 'laboratory', 'imaging'],
        consentId,
        expectedVersion: 1,
      } as const;
      const updated = await submit(tertiaryAdmin, 'consent:UpdateConsent', [
        await patient.sign('consent:UpdateConsent', update),
      ]);
      expect(updated.result.version).toBe(2);
      const history = await evaluate(tertiaryAdmin, 'consent:GetConsentHistory', consentId);
      expect(history.map((entry) => [entry.version, entry.change])).toEqual([
        [1, 'granted'],
        [2, 'updated'],
      ]);
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:UpdateConsent', [
          await patient.sign('consent:UpdateConsent', update),
        ]),
        'CONFLICT',
      );
      cover('consent:UpdateConsent', 'consent:GetConsentHistory');
    });

    it('refuses altered, misdirected, expired and foreign statements, and bad input, with coded errors', async () => {
      const good = await patient.sign('consent:RevokeConsent', { consentId, expectedVersion: 2 });
      const altered = {
        ...good,
        statement: good.statement.replace('"expectedVersion":2', '"expectedVersion":3'),
      };
      expect(altered.statement).not.toBe(good.statement);
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:RevokeConsent', [altered]),
        'FORBIDDEN',
      );
      const elsewhere = await signAction(patient.key, {
        action: 'consent:RevokeConsent',
        channel: 'another-channel',
        chaincode: topology.chaincode.name,
        patientId: patient.patientId,
        signer: { kind: 'patient', id: patient.patientId },
        payload: { consentId, expectedVersion: 2 },
        now: new Date(),
      });
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:RevokeConsent', [elsewhere]),
        'FORBIDDEN',
      );
      const stale = await signFor({
        key: patient.key,
        patientId: patient.patientId,
        action: 'consent:RevokeConsent',
        payload: { consentId, expectedVersion: 2 },
        now: new Date(Date.now() - 30 * 60_000),
      });
      await expectLedgerError(submit(tertiaryAdmin, 'consent:RevokeConsent', [stale]), 'FORBIDDEN');
      // A statement for another action.
      const grantStatement = await patient.sign('consent:GrantConsent', terms);
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:RevokeConsent', [
          { statement: grantStatement.statement, signature: grantStatement.signature },
        ]),
        'FORBIDDEN',
      );
      // Another patient's key cannot speak for this patient, nor the home's own key.
      const foreign = await signFor({
        key: otherPatient.key,
        patientId: patient.patientId,
        action: 'consent:RevokeConsent',
        payload: { consentId, expectedVersion: 2 },
      });
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:RevokeConsent', [foreign]),
        'FORBIDDEN',
      );
      // Another patient revoking this patient's consent with their own key.
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:RevokeConsent', [
          await otherPatient.sign('consent:RevokeConsent', { consentId, expectedVersion: 2 }),
        ]),
        'FORBIDDEN',
      );
      // The grantee's organization cannot carry a statement into a collection it does not hold.
      await expectLedgerError(
        submit(
          communityClinician,
          'consent:GrantConsent',
          [await patient.sign('consent:GrantConsent', terms)],
          { endorsers: [COMMUNITY, GOVERNMENT_MSP] },
        ),
        'FORBIDDEN',
      );
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:GrantConsent', [
          await patient.sign('consent:GrantConsent', {
            ...terms,
            purposes: ['shopping' as 'treatment'],
          }),
        ]),
        'INVALID_ARGUMENT',
      );
      await expectLedgerError(
        evaluate(tertiaryAdmin, 'consent:GetConsent', 'con-000000000000000000000000'),
        'CONSENT_NOT_FOUND',
      );
      expect((await evaluate(tertiaryAdmin, 'consent:GetConsent', consentId)).status).toBe(
        'active',
      );
    });

    it('lists the consent by patient for the home, by grantee for the grantee, nothing for others', async () => {
      expect(await consentsOf(patient)).toContain(consentId);
      const granted = await evaluate(communityClinician, 'consent:QueryConsents', {
        grantee: COMMUNITY,
        pageSize: 100,
      });
      expect(granted.items.every((each) => each.grantee?.org === COMMUNITY)).toBe(true);
      await expectLedgerError(
        evaluate(communityClinician, 'consent:QueryConsents', { grantee: RESEARCH }),
        'FORBIDDEN',
      );
      const research = await evaluate(researcher, 'consent:QueryConsents', {
        grantee: RESEARCH,
        patientId: patient.patientId,
      });
      expect(research.items).toEqual([]);
      cover('consent:QueryConsents');
    });
  });

  describe('access', () => {
    it('permits a consented request and records the event', async () => {
      const question = {
        patientId: patient.patientId,
        purpose: 'treatment',
        categories: ['outpatient'],
      } as const;
      const check = await evaluate(communityClinician, 'access:CheckAccess', question);
      expect(check.decision).toBe('permit');
      const { result: event, txId } = await submit(
        communityClinician,
        'access:RequestAccess',
        [{ ...question, recordIds: ['rec-1'] }],
        { endorsers: [COMMUNITY, TERTIARY] },
      );
      expect(event).toMatchObject({
        decision: 'permit',
        reason: 'PERMITTED_BY_CONSENT',
        consentIds: [consentId],
        breakGlass: false,
        patientHome: TERTIARY,
        accessor: { org: COMMUNITY, role: 'clinician' },
      });
      expect(await endorsingMsps(communityClinician.connection.gateway, txId)).toEqual([
        COMMUNITY,
        TERTIARY,
      ]);
      cover('access:CheckAccess', 'access:RequestAccess');
    });

    it('denies a category that was not consented and records the denial too', async () => {
      const { result: event } = await submit(communityClinician, 'access:RequestAccess', [
        { patientId: patient.patientId, purpose: 'treatment', categories: ['genomic'] },
      ]);
      expect(event.decision).toBe('deny');
      const fetched = await evaluate(regulator, 'audit:GetAccessEvent', event.eventId);
      expect(fetched.eventId).toBe(event.eventId);
      cover('audit:GetAccessEvent');
    });

    it('grants break-glass access to a hospital clinician and queues it for review', async () => {
      const justificationHash = sha256('Unconscious patient in the emergency room');
      const { result: event } = await submit(tertiaryClinician, 'access:RequestEmergencyAccess', [
        {
          patientId: otherPatient.patientId,
          categories: ['medication'],
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justificationHash,
        },
      ]);
      expect(event).toMatchObject({
        decision: 'permit',
        breakGlass: true,
        emergency: {
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justificationHash,
          review: { status: 'pending' },
        },
      });
      await expectLedgerError(
        submit(researcher, 'access:RequestEmergencyAccess', [
          {
            patientId: otherPatient.patientId,
            categories: ['medication'],
            reasonCode: 'OTHER',
            justificationHash,
          },
        ]),
        'FORBIDDEN',
      );
      const pending: string[] = [];
      let bookmark = '';
      for (let page = 0; page < 50; page += 1) {
        const queue = await evaluate(regulator, 'audit:QueryEmergencyReviews', {
          pageSize: 100,
          ...(bookmark === '' ? {} : { bookmark }),
        });
        pending.push(...queue.items.map((each) => each.eventId));
        bookmark = queue.bookmark;
        if (bookmark === '' || pending.includes(event.eventId)) break;
      }
      expect(pending).toContain(event.eventId);
      const reviewed = await submit(
        regulator,
        'audit:ReviewEmergencyAccess',
        [event.eventId, { outcome: 'justified', commentHash: 'ef'.repeat(32) }],
        withHome(otherPatient),
      );
      expect(reviewed.result.emergency?.review).toMatchObject({
        status: 'reviewed',
        outcome: 'justified',
        commentHash: 'ef'.repeat(32),
      });
      await expectLedgerError(
        submit(communityClinician, 'audit:ReviewEmergencyAccess', [
          event.eventId,
          { outcome: 'justified', commentHash: 'ef'.repeat(32) },
        ]),
        'FORBIDDEN',
      );
      cover(
        'access:RequestEmergencyAccess',
        'audit:QueryEmergencyReviews',
        'audit:ReviewEmergencyAccess',
      );
    });

    it('denies after the patient revokes', async () => {
      const revoked = await revoke(patient, consentId, 2);
      expect(revoked).toMatchObject({ status: 'revoked', version: 3 });
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:RevokeConsent', [
          await patient.sign('consent:RevokeConsent', { consentId, expectedVersion: 3 }),
        ]),
        'CONFLICT',
      );
      const { result: event } = await submit(communityClinician, 'access:RequestAccess', [
        { patientId: patient.patientId, purpose: 'treatment', categories: ['outpatient'] },
      ]);
      expect(event).toMatchObject({ decision: 'deny', consentIds: [] });
      cover('consent:RevokeConsent');
    });
  });

  describe('audit', () => {
    it('shows the regulator every event of the patient, the home its patient’s, an analyst only their organization’s', async () => {
      const regulatorView = await evaluate(regulator, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
        pageSize: 50,
      });
      expect(regulatorView.items.map((each) => each.decision).sort()).toEqual([
        'deny',
        'deny',
        'permit',
      ]);
      // The home's admins read for the patient (the gateway does, for the patient's session).
      const homeView = await evaluate(tertiaryAdmin, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
      });
      expect(homeView.items.every((each) => each.patientId === patient.patientId)).toBe(true);
      expect(homeView.items).toHaveLength(3);

      const researchView = await evaluate(researcher, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
      });
      expect(researchView.items).toEqual([]);

      const analystView = await evaluate(communityAnalyst, 'audit:QueryAccessEvents', {
        decision: 'deny',
        pageSize: 100,
      });
      expect(analystView.items.every((each) => each.accessor.org === COMMUNITY)).toBe(true);
      cover('audit:QueryAccessEvents');
    });

    it('pages with bookmarks', async () => {
      const first = await evaluate(regulator, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
        pageSize: 2,
      });
      expect(first.items).toHaveLength(2);
      expect(first.bookmark).not.toBe('');
      const second = await evaluate(regulator, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
        pageSize: 2,
        bookmark: first.bookmark,
      });
      expect(second.items).toHaveLength(1);
      expect(second.bookmark).toBe('');
    });

    it('answers newest first or oldest first, each with its own bookmarks, and counts the matches', async () => {
      const query = { patientId: patient.patientId, withTotal: true };
      const newest = await evaluate(regulator, 'audit:QueryAccessEvents', query);
      const times = newest.items.map((each) => each.timestamp);
      expect(times).toEqual([...times].sort().reverse());
      expect(newest.total).toEqual({ count: 3, exact: true });
      const oldest = await evaluate(regulator, 'audit:QueryAccessEvents', {
        ...query,
        order: 'asc',
      });
      expect(oldest.items.map((each) => each.eventId)).toEqual(
        newest.items.map((each) => each.eventId).reverse(),
      );
      expect(oldest.total).toEqual({ count: 3, exact: true });
      const paged = await evaluate(regulator, 'audit:QueryAccessEvents', {
        ...query,
        order: 'asc',
        pageSize: 2,
      });
      const rest = await evaluate(regulator, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
        order: 'asc',
        pageSize: 2,
        bookmark: paged.bookmark,
      });
      expect([...paged.items, ...rest.items].map((each) => each.eventId)).toEqual(
        oldest.items.map((each) => each.eventId),
      );
      expect(rest.total).toBeUndefined();
      // The count follows the caller's rights: the community analyst counts its own denies only.
      const denies = await evaluate(communityAnalyst, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
        withTotal: true,
      });
      expect(denies.total).toEqual({ count: denies.items.length, exact: true });
      expect(denies.items.every((each) => each.accessor.org === COMMUNITY)).toBe(true);
      await expectLedgerError(
        evaluate(regulator, 'audit:QueryAccessEvents', {
          patientId: patient.patientId,
          bookmark: paged.bookmark,
        }),
        'INVALID_ARGUMENT',
      );
    });

    it('gives the regulator statistics without patient identifiers', async () => {
      const day = new Date().toISOString().slice(0, 10);
      const stats = await evaluate(regulator, 'audit:GetStatistics', {
        from: `${day}T00:00:00.000Z`,
        to: new Date(Date.now() + 86_400_000).toISOString(),
        level: 'city',
      });
      expect(JSON.stringify(stats)).not.toContain(patient.patientId);
      expect(JSON.stringify(stats)).toContain('330100');
      await expectLedgerError(
        evaluate(communityAnalyst, 'audit:GetStatistics', {
          from: `${day}T00:00:00.000Z`,
          to: `${day}T23:59:59.000Z`,
          level: 'city',
        }),
        'FORBIDDEN',
      );
      cover('audit:GetStatistics');
    });

    it('states its retention policy, packaged with the chaincode', async () => {
      const policy = await evaluate(researcher, 'audit:GetRetentionPolicy');
      expect(policy).toEqual(topology.chaincode.retention);
      expect(policy).not.toEqual({ ...DEFAULT_RETENTION_POLICY, consent: 0 });
      cover('audit:GetRetentionPolicy');
    });
  });

  describe('erasure', () => {
    it('erases a revoked consent on the patient’s request: no peer returns it, the receipt stays at home', async () => {
      const active = await grant(patient, {
        grantee: { org: COMMUNITY },
        purposes: ['treatment'],
        categories: ['medication'],
      });
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:EraseConsent', [
          await patient.sign('consent:EraseConsent', { consentId: active.consentId }),
        ]),
        'RULE_VIOLATION',
      );
      await expectLedgerError(
        submit(tertiaryAdmin, 'consent:EraseConsent', [
          await otherPatient.sign('consent:EraseConsent', { consentId }),
        ]),
        'FORBIDDEN',
      );
      const { result: receipt, txId } = await submit(tertiaryAdmin, 'consent:EraseConsent', [
        await patient.sign('consent:EraseConsent', { consentId }),
      ]);
      expect(receipt).toMatchObject({
        patientId: patient.patientId,
        kind: 'consent',
        subject: consentId,
        txId,
        requestedBy: { kind: 'patient', id: patient.patientId },
      });
      // Every entitled organization's peer: the home, the grantee, the regulator.
      for (const reader of [tertiaryAdmin, communityClinician, regulator]) {
        await expectLedgerError(
          evaluate(reader, 'consent:GetConsent', consentId),
          'CONSENT_NOT_FOUND',
        );
        await expectLedgerError(
          evaluate(reader, 'consent:GetConsentHistory', consentId),
          'CONSENT_NOT_FOUND',
        );
      }
      expect(await consentsOf(patient)).not.toContain(consentId);
      const erasures = await evaluate(tertiaryAdmin, 'patient:QueryErasures', patient.patientId);
      expect(erasures).toEqual([expect.objectContaining({ subject: consentId, txId })]);
      await expectLedgerError(
        evaluate(communityAdmin, 'patient:QueryErasures', patient.patientId),
        'FORBIDDEN',
      );
      // The access events that named the consent still do.
      const events = await evaluate(regulator, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
        decision: 'permit',
      });
      expect(events.items.some((event: AccessEvent) => event.consentIds.includes(consentId))).toBe(
        true,
      );
      cover('consent:EraseConsent', 'patient:QueryErasures');
    });

    it('erases data past its retention period only: FindExpired then PurgeExpired, refused inside the period', async () => {
      const collection = orgCollection(TERTIARY);
      const policy = await evaluate(regulator, 'audit:GetRetentionPolicy');
      const now = Date.now();
      const tooRecent = new Date(now - (policy.consent - 1) * 86_400_000).toISOString();
      const oldEnough = new Date(now - (policy.consent + 1) * 86_400_000).toISOString();
      await expectLedgerError(
        evaluate(regulator, 'audit:FindExpired', {
          collection,
          kind: 'consent',
          before: tooRecent,
        }),
        'FORBIDDEN',
      );
      const found = await evaluate(regulator, 'audit:FindExpired', {
        collection,
        kind: 'consent',
        before: oldEnough,
        limit: 10,
      });
      expect(found).toMatchObject({ collection, kind: 'consent', before: oldEnough });
      // Nothing on this network is that old: the finding is empty.
      expect(found.ids).toEqual([]);
      const recent = await grant(otherPatient, {
        grantee: { org: TERTIARY },
        purposes: ['treatment'],
        categories: ['imaging'],
      });
      await revoke(otherPatient, recent.consentId, 1);
      await expectLedgerError(
        submit(
          regulator,
          'audit:PurgeExpired',
          [{ collection, kind: 'consent', before: tooRecent, ids: [recent.consentId] }],
          withHome(otherPatient),
        ),
        'FORBIDDEN',
      );
      // Named anyway with an old cut-off: each item is checked again, and this one is kept.
      const { result } = await submit(
        regulator,
        'audit:PurgeExpired',
        [{ collection, kind: 'consent', before: oldEnough, ids: [recent.consentId] }],
        withHome(otherPatient),
      );
      expect(result).toMatchObject({ collection, kind: 'consent', purged: 0 });
      expect((await evaluate(tertiaryAdmin, 'consent:GetConsent', recent.consentId)).status).toBe(
        'revoked',
      );
      await expectLedgerError(
        evaluate(tertiaryAdmin, 'audit:FindExpired', {
          collection,
          kind: 'consent',
          before: oldEnough,
        }),
        'FORBIDDEN',
      );
      cover('audit:FindExpired', 'audit:PurgeExpired');
    });
  });

  describe('records', () => {
    const recordId = `rec-${randomBytes(6).toString('hex')}`;
    const original = sha256(`discharge summary ${recordId}`);

    it('anchors a record publicly without its patient, links it privately, and verifies it anywhere', async () => {
      cover(
        'records:AnchorRecord',
        'records:VerifyRecord',
        'records:GetRecord',
        'records:FindAnchorsByHash',
      );
      const { result: anchor, txId } = await submit(tertiaryClinician, 'records:AnchorRecord', [
        { recordId, patientId: patient.patientId, category: 'inpatient', sha256: original },
      ]);
      // Found by its content alone, by anyone, without its patient or category.
      const byHash = await evaluate(researcher, 'records:FindAnchorsByHash', original);
      expect(byHash.matches).toEqual([
        {
          anchor: expect.objectContaining({ recordId, version: 1, owner: TERTIARY }) as unknown,
          latestVersion: 1,
        },
      ]);
      expect(byHash.matches[0]?.anchor).not.toHaveProperty('patientId');
      expect(anchor).toMatchObject({
        version: 1,
        owner: TERTIARY,
        patientId: patient.patientId,
        category: 'inpatient',
      });
      // The block's public write set holds the anchor: no patient, no category.
      const connection = connectAdmin('research');
      try {
        const qscc = connection.gateway.getNetwork(topology.channel.name).getContract('qscc');
        const processed = peer.ProcessedTransaction.deserializeBinary(
          await qscc.evaluateTransaction('GetTransactionByID', topology.channel.name, txId),
        );
        const envelope = processed.getTransactionenvelope()?.serializeBinary();
        if (envelope === undefined) throw new Error('no envelope');
        const decoded = decodeTransaction(envelope);
        const publicText = decoded.writes
          .map((write) => `${write.key} ${Buffer.from(write.value).toString()}`)
          .join('\n');
        expect(publicText).toContain(original);
        expect(publicText).not.toContain(patient.patientId);
        expect(publicText).not.toContain('inpatient');
        expect(decoded.hashedWrites.map((write) => write.collection)).toContain(
          orgCollection(TERTIARY),
        );
        // Nor anything else the block holds of the transaction (its result included).
        const whole = Buffer.from(envelope).toString('latin1');
        expect(whole).not.toContain(patient.patientId);
        expect(whole).not.toContain('"category"');
      } finally {
        connection.close();
      }
      // A record is named by its ID and its owner (record IDs are scoped by the owner).
      const good = await evaluate(
        researcher,
        'records:VerifyRecord',
        recordId,
        original,
        '',
        TERTIARY,
      );
      expect(good.verified).toBe(true);
      // An organization that does not hold the link sees the anchor only.
      expect(good.anchor).not.toHaveProperty('patientId');
      expect(good.anchor).not.toHaveProperty('category');
      const bad = await evaluate(
        communityClinician,
        'records:VerifyRecord',
        recordId,
        sha256('altered'),
        '',
        TERTIARY,
      );
      expect(bad.verified).toBe(false);
      const byOwner = await evaluate(tertiaryClinician, 'records:GetRecord', recordId, '');
      expect(byOwner.head).toMatchObject({ patientId: patient.patientId, category: 'inpatient' });
      const byRegulator = await evaluate(regulator, 'records:GetRecord', recordId, TERTIARY);
      expect(byRegulator.head).toMatchObject({ patientId: patient.patientId });
      const byStranger = await evaluate(researcher, 'records:GetRecord', recordId, TERTIARY);
      expect(byStranger.head).not.toHaveProperty('patientId');
      expect(byStranger.head.sha256).toBe(original);
    });

    it('lets only the owning hospital anchor a new version; another anchors the ID as its own record', async () => {
      const next = await submit(tertiaryClinician, 'records:AnchorRecord', [
        { recordId, patientId: patient.patientId, category: 'inpatient', sha256: sha256('v2') },
      ]);
      expect(next.result.version).toBe(2);
      // The community hospital's anchor of the same ID: its own record (record IDs are scoped by
      // their owner), never a version of the tertiary hospital's.
      const theirs = await submit(communityClinician, 'records:AnchorRecord', [
        { recordId, patientId: patient.patientId, category: 'imaging', sha256: sha256('theirs') },
      ]);
      expect(theirs.result).toMatchObject({ version: 1, owner: COMMUNITY, category: 'imaging' });
      const record = await evaluate(regulator, 'records:GetRecord', recordId, TERTIARY);
      expect(record.versions.map((each) => each.version)).toEqual([1, 2]);
      const other = await evaluate(regulator, 'records:GetRecord', recordId, COMMUNITY);
      expect(other.versions.map((each) => [each.version, each.sha256])).toEqual([
        [1, sha256('theirs')],
      ]);
      const old = await evaluate(
        regulator,
        'records:VerifyRecord',
        recordId,
        original,
        '1',
        TERTIARY,
      );
      expect(old.verified).toBe(true);
    });

    it('enforces the owner through the key-level endorsement policy, not only in code', async () => {
      // A community patient's record owned by the tertiary hospital: the link is in the pair's
      // collection, which the community hospital and the regulator hold too. The owner submits, so
      // the code check passes on every peer; but only those two endorse. That satisfies the
      // chaincode's policy and the collection's, not the record's key-level policy naming the
      // owner's peer: validation marks the transaction invalid.
      const local = await registerPatient('community', { carrier: communityAdmin });
      const shared = `rec-${randomBytes(6).toString('hex')}`;
      const item = { recordId: shared, patientId: local.patientId, category: 'imaging' } as const;
      await submit(tertiaryClinician, 'records:AnchorRecord', [{ ...item, sha256: sha256('v1') }], {
        endorsers: [TERTIARY, COMMUNITY],
      });
      const code = await commitCode(
        submit(tertiaryClinician, 'records:AnchorRecord', [{ ...item, sha256: sha256('v2') }], {
          endorsers: [COMMUNITY, GOVERNMENT_MSP],
        }),
      );
      expect(code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
      const record = await evaluate(regulator, 'records:GetRecord', shared, TERTIARY);
      expect(record.versions).toHaveLength(1);
    });

    it('anchors a Merkle batch of salted leaves and verifies a member with its inclusion proof', async () => {
      const items: BatchItem[] = Array.from({ length: 5 }, (_, index) => ({
        recordId: `lab-${recordId}-${index}`,
        patientId: patient.patientId,
        category: 'laboratory',
        sha256: sha256(`lab result ${index}`),
        salt: newSalt(),
      }));
      const { result: batch, txId } = await submit(tertiaryClinician, 'records:AnchorBatch', [
        { items },
      ]);
      expect(batch.size).toBe(5);
      expect(batch.root).toMatch(/^[0-9a-f]{64}$/);
      expect(batch).not.toHaveProperty('categories');
      const fetched = await evaluate(communityClinician, 'records:GetBatch', batch.batchId);
      expect(fetched.root).toBe(batch.root);
      // Nothing of the items is in the block: they travelled as transient data.
      const connection = connectAdmin('enterprise');
      try {
        const qscc = connection.gateway.getNetwork(topology.channel.name).getContract('qscc');
        const bytes = Buffer.from(
          await qscc.evaluateTransaction('GetTransactionByID', topology.channel.name, txId),
        ).toString('latin1');
        for (const each of items) {
          expect(bytes).not.toContain(each.recordId);
          expect(bytes).not.toContain(each.salt);
        }
        expect(bytes).not.toContain(patient.patientId);
      } finally {
        connection.close();
      }

      // The root is the RFC 6962 root of the items' salted leaves, computable by their holder.
      const leaves = items.map((item) => batchLeaf(item));
      expect(toHex(merkleRoot(leaves))).toBe(batch.root);
      const member = (index: number, item: BatchItem) => ({
        batchId: batch.batchId,
        item,
        leafIndex: index,
        auditPath: inclusionProof(leaves, index).map(toHex),
      });
      const third = items[2]!;
      expect(
        (await evaluate(communityClinician, 'records:VerifyBatchMember', member(2, third)))
          .verified,
      ).toBe(true);
      expect(
        (
          await evaluate(
            communityClinician,
            'records:VerifyBatchMember',
            member(2, { ...third, sha256: sha256('forged') }),
          )
        ).verified,
      ).toBe(false);
      expect(
        (
          await evaluate(
            communityClinician,
            'records:VerifyBatchMember',
            member(2, { ...third, salt: newSalt() }),
          )
        ).verified,
      ).toBe(false);
      cover('records:AnchorBatch', 'records:GetBatch', 'records:VerifyBatchMember');
    });
  });

  describe('the collections’ endorsement policies', () => {
    it('refuses a write into a pair endorsed by two organizations outside it', async () => {
      const local = await registerPatient('community', { carrier: communityAdmin });
      const code = await commitCode(
        submit(
          tertiaryClinician,
          'access:RequestAccess',
          [{ patientId: local.patientId, purpose: 'treatment', categories: ['imaging'] }],
          { endorsers: [ENTERPRISE, RESEARCH] },
        ),
      );
      expect(code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
      const events = await evaluate(regulator, 'audit:QueryAccessEvents', {
        patientId: local.patientId,
      });
      expect(events.items).toEqual([]);
      expect(pairCollection(COMMUNITY, TERTIARY)).toBe(
        'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
      );
    });

    it('lets the home not write its own collection alone: the regulator must endorse', async () => {
      const patientId = newPatientId();
      const code = await commitCode(
        submit(
          tertiaryAdmin,
          'patient:RegisterPatient',
          [{ patientId, enrolment: hashEnrolmentCode(newEnrolmentCode()) }],
          { endorsers: [TERTIARY, COMMUNITY] },
        ),
      );
      expect(code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
      await expectLedgerError(
        evaluate(researcher, 'patient:LocatePatient', patientId),
        'PATIENT_NOT_FOUND',
      );
    });
  });

  it('refuses the benchmark’s seeding outside the benchmark’s own deployment', async () => {
    const govAdmin = connectAdmin('gov');
    try {
      await expectLedgerError(
        submit(
          { connection: govAdmin },
          'bench:SeedAccessEvents',
          [{ first: 0, size: 1, patients: 1, days: 1, startDay: '2026-01-01' }],
          { endorsers: [GOVERNMENT_MSP, TERTIARY] },
        ),
        'FORBIDDEN',
      );
    } finally {
      govAdmin.close();
    }
  });

  it('covered every transaction of the matrix in this file or the next', () => {
    // The referral, cohort, wearable and roll-up transactions are the next describe's; the
    // notices', consent requests' and research thresholds' the last one's.
    const next: TransactionName[] = [
      'notice:PublishNotice',
      'notice:GetNotice',
      'notice:ListNotices',
      'notice:CountConsentsByNotice',
      'request:RequestConsent',
      'request:ApproveRequest',
      'request:DeclineRequest',
      'request:WithdrawRequest',
      'request:GetRequest',
      'request:QueryRequests',
      'request:SetRequestLimits',
      'request:GetRequestLimits',
      'cohort:SetResearchThreshold',
      'cohort:ListResearchThresholds',
      'cohort:QueryCohortRefusals',
      'audit:GetOpenStatistics',
      'referral:CreateReferral',
      'referral:CloseReferral',
      'referral:GetReferral',
      'cohort:FindCohort',
      'cohort:RequestCohort',
      'records:QueryAnchors',
      'audit:CountDay',
      'audit:RollupStatistics',
    ];
    const missing = AUTHORIZED_NAMES.filter((name) => !covered.has(name) && !next.includes(name));
    expect(missing).toEqual([]);
  });
});

describe('referrals, cohorts, wearables and roll-ups on the real network', () => {
  let patient: TestPatient;
  let communityAdmin: TestUser;
  let tertiaryClinician: TestUser;
  let communityClinician: TestUser;
  let researcher: TestUser;
  let device: TestUser;
  let regulator: TestUser;

  beforeAll(async () => {
    [communityAdmin, tertiaryClinician, communityClinician, researcher, device, regulator] =
      await Promise.all([
        enrollUser({ org: 'community', role: 'admin' }),
        enrollUser({ org: 'tertiary', role: 'clinician' }),
        enrollUser({ org: 'community', role: 'clinician' }),
        enrollUser({ org: 'research', role: 'researcher' }),
        enrollUser({ org: 'enterprise', role: 'analyst' }),
        enrollUser({ org: 'gov', role: 'regulator' }),
      ]);
    patient = await registerPatient('community', { carrier: communityAdmin });
  });

  afterAll(() => {
    closeUsers();
  });

  it('opens a referral from the home to the tertiary hospital, gates referral access by it, and ends access when closed', async () => {
    await grant(patient, {
      grantee: { org: TERTIARY },
      purposes: ['referral'],
      categories: ['outpatient', 'imaging', 'laboratory'],
    });
    const ask = async (categories: ConsentInput['categories']): Promise<AccessEvent> =>
      (
        await submit(
          tertiaryClinician,
          'access:RequestAccess',
          [{ patientId: patient.patientId, purpose: 'referral', categories: categories ?? [] }],
          { endorsers: [TERTIARY, COMMUNITY] },
        )
      ).result;
    expect(await ask(['imaging'])).toMatchObject({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
    });

    const { result: referral } = await submit(
      communityClinician,
      'referral:CreateReferral',
      [
        {
          patientId: patient.patientId,
          toOrg: TERTIARY,
          categories: ['imaging', 'outpatient'],
          validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        },
      ],
      { endorsers: [COMMUNITY, TERTIARY] },
    );
    expect(referral).toMatchObject({
      fromOrg: COMMUNITY,
      toOrg: TERTIARY,
      patientHome: COMMUNITY,
      status: 'open',
    });
    expect(await ask(['imaging'])).toMatchObject({ decision: 'permit' });
    // Consented but not referred: the referral bounds what the tertiary hospital may read.
    expect((await ask(['laboratory'])).decision).toBe('deny');
    expect(
      (await evaluate(communityAdmin, 'referral:GetReferral', referral.referralId)).status,
    ).toBe('open');
    await expectLedgerError(
      evaluate(researcher, 'referral:GetReferral', referral.referralId),
      'FORBIDDEN',
    );

    const { result: closed } = await submit(
      tertiaryClinician,
      'referral:CloseReferral',
      [referral.referralId],
      { endorsers: [TERTIARY, COMMUNITY] },
    );
    expect(closed.status).toBe('closed');
    await expectLedgerError(
      submit(tertiaryClinician, 'referral:CloseReferral', [referral.referralId]),
      'CONFLICT',
    );
    expect(await ask(['imaging'])).toMatchObject({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
    });
  });

  it('refuses a referral between two hospitals when neither is the patient’s home', async () => {
    const enterpriseAdmin = await enrollUser({ org: 'enterprise', role: 'admin' });
    const elsewhere = await registerPatient('enterprise', { carrier: enterpriseAdmin });
    await expectLedgerError(
      submit(
        communityClinician,
        'referral:CreateReferral',
        [
          {
            patientId: elsewhere.patientId,
            toOrg: TERTIARY,
            categories: ['imaging'],
            validUntil: new Date(Date.now() + 86_400_000).toISOString(),
          },
        ],
        { endorsers: [COMMUNITY, TERTIARY] },
      ),
      'RULE_VIOLATION',
    );
  });

  it('finds cohort candidates, then includes only patients with an active research consent', async () => {
    const withoutConsent = await registerPatient('community', { carrier: communityAdmin });
    await grant(patient, {
      grantee: { org: RESEARCH },
      purposes: ['research'],
      categories: ['laboratory'],
    });
    // Step one (an evaluate): the candidates, page by page, include the consenting patient.
    const candidates: string[] = [];
    let bookmark = '';
    for (let page = 0; page < 200; page += 1) {
      const found = await evaluate(researcher, 'cohort:FindCohort', {
        categories: ['laboratory'],
        pageSize: 100,
        ...(bookmark === '' ? {} : { bookmark }),
      });
      candidates.push(...found.candidates);
      bookmark = found.bookmark;
      if (bookmark === '' || candidates.includes(patient.patientId)) break;
    }
    expect(candidates).toContain(patient.patientId);
    expect(candidates).not.toContain(withoutConsent.patientId);
    // Step two (a submit): the study's cohort, exactly the patients named.
    const { result: cohort } = await submit(researcher, 'cohort:RequestCohort', [
      {
        studyId: `study-${randomBytes(3).toString('hex')}`,
        categories: ['laboratory'],
        patientIds: [patient.patientId, withoutConsent.patientId],
      },
    ]);
    expect(cohort.included).toEqual([patient.patientId]);
    expect(cohort.events).toHaveLength(1);
    const event = await evaluate(regulator, 'audit:GetAccessEvent', cohort.events[0]!);
    expect(event).toMatchObject({
      patientId: patient.patientId,
      decision: 'permit',
      purpose: 'research',
      accessor: { org: RESEARCH },
    });
    await expectLedgerError(
      evaluate(device, 'cohort:FindCohort', { categories: ['laboratory'] }),
      'FORBIDDEN',
    );
  });

  it('lists consents granted to an organization for its own members only', async () => {
    const page = await evaluate(tertiaryClinician, 'consent:QueryConsents', {
      grantee: TERTIARY,
      pageSize: 100,
    });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((each) => each.grantee?.org === TERTIARY)).toBe(true);
    await expectLedgerError(
      evaluate(tertiaryClinician, 'consent:QueryConsents', { grantee: RESEARCH }),
      'FORBIDDEN',
    );
  });

  it('lets a device maker anchor wearable readings only under the patient’s wearable consent', async () => {
    const reading = {
      recordId: `wear-${randomBytes(4).toString('hex')}`,
      patientId: patient.patientId,
      category: 'wearable',
      sha256: sha256('heart rate 72'),
    } as const;
    await expectLedgerError(submit(device, 'records:AnchorRecord', [reading]), 'FORBIDDEN');
    await grant(patient, {
      grantee: { org: ENTERPRISE },
      purposes: ['treatment'],
      categories: ['wearable'],
    });
    const { result: anchor } = await submit(device, 'records:AnchorRecord', [reading]);
    expect(anchor).toMatchObject({ owner: ENTERPRISE, version: 1 });
    // The home reads the patient's records (the gateway does, for the patient's session).
    const anchors = await evaluate(communityAdmin, 'records:QueryAnchors', {
      patientId: patient.patientId,
    });
    expect(anchors.items.map((each) => each.recordId)).toContain(reading.recordId);
    // An organization holding no link of the patient's lists nothing.
    const stranger = await evaluate(researcher, 'records:QueryAnchors', {
      patientId: patient.patientId,
    });
    expect(stranger.items.map((each) => each.recordId)).not.toContain(reading.recordId);
  });

  it('rolls a past day up in two steps for the regulator only, and refuses a day not yet over', async () => {
    const pastDay = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const counts = await evaluate(regulator, 'audit:CountDay', pastDay);
    expect(counts.day).toBe(pastDay);
    const { result: rolled } = await submit(regulator, 'audit:RollupStatistics', [counts]);
    expect(rolled).toMatchObject({ day: pastDay, total: counts.total });
    const today = new Date().toISOString().slice(0, 10);
    const todays = await evaluate(regulator, 'audit:CountDay', today);
    await expectLedgerError(
      submit(regulator, 'audit:RollupStatistics', [todays]),
      'RULE_VIOLATION',
    );
    await expectLedgerError(evaluate(researcher, 'audit:CountDay', pastDay), 'FORBIDDEN');
    await expectLedgerError(submit(researcher, 'audit:RollupStatistics', [counts]), 'FORBIDDEN');
    // The window's statistics now come from the roll-up for that whole day.
    const stats = await evaluate(regulator, 'audit:GetStatistics', {
      from: `${pastDay}T00:00:00.000Z`,
      to: new Date(Date.parse(`${pastDay}T00:00:00.000Z`) + 86_400_000).toISOString(),
      level: 'province',
    });
    expect(stats).toMatchObject({ total: counts.total, rolledUpDays: 1, scannedDays: 0 });
  });
});

describe('notices, consent requests and research thresholds on the real network', () => {
  let patient: TestPatient;
  let communityAdmin: TestUser;
  let analyst: TestUser;
  let regulator: TestUser;
  let govAdmin: LedgerConnection;
  let tertiaryAdmin: LedgerConnection;

  beforeAll(async () => {
    [communityAdmin, analyst, regulator] = await Promise.all([
      enrollUser({ org: 'community', role: 'admin' }),
      enrollUser({ org: 'enterprise', role: 'analyst' }),
      enrollUser({ org: 'gov', role: 'regulator' }),
    ]);
    govAdmin = connectAdmin('gov');
    tertiaryAdmin = connectAdmin('tertiary');
    patient = await registerPatient('community', { carrier: communityAdmin });
  });

  afterAll(() => {
    govAdmin.close();
    tertiaryAdmin.close();
    closeUsers();
  });

  it('publishes a notice version, checks the one a consent names, and counts consents per version', async () => {
    const noticeId = `it-${randomBytes(6).toString('hex')}`;
    const texts = { 'zh-CN': '集成测试告知书', en: 'Integration notice' };
    const { result: notice } = await submit({ connection: tertiaryAdmin }, 'notice:PublishNotice', [
      { noticeId, version: 1, texts },
    ]);
    expect(notice).toMatchObject({
      org: TERTIARY,
      noticeId,
      version: 1,
      sha256: noticeDigest(texts),
    });
    await expectLedgerError(
      submit({ connection: tertiaryAdmin }, 'notice:PublishNotice', [
        { noticeId, version: 1, texts },
      ]),
      'CONFLICT',
    );
    expect(await evaluate(communityAdmin, 'notice:GetNotice', TERTIARY, noticeId, 1)).toMatchObject(
      { sha256: notice.sha256, texts },
    );
    expect(
      (await evaluate(communityAdmin, 'notice:ListNotices', TERTIARY)).map((each) => each.noticeId),
    ).toContain(noticeId);
    const ref = { org: TERTIARY, noticeId, version: 1, sha256: notice.sha256 };
    const consent = await grant(patient, {
      grantee: { org: TERTIARY },
      purposes: ['treatment'],
      categories: ['outpatient'],
      notice: ref,
    });
    expect(consent.notice).toEqual(ref);
    expect(await evaluate(regulator, 'notice:CountConsentsByNotice', TERTIARY, noticeId)).toEqual({
      org: TERTIARY,
      noticeId,
      versions: [{ version: 1, consents: 1 }],
    });
    await expectLedgerError(
      evaluate(communityAdmin, 'notice:CountConsentsByNotice', TERTIARY, noticeId),
      'FORBIDDEN',
    );
  });

  it('asks a patient for consent, who approves exactly that and declines another; the requester withdraws a third', async () => {
    const limits = await evaluate(analyst, 'request:GetRequestLimits');
    // The regulator sets the limits in force again (the values other tests rely on).
    // Public state: the chaincode's own policy wants a second organization besides the regulator's.
    const { result: set } = await submit(
      regulator,
      'request:SetRequestLimits',
      [{ maxOpen: limits.maxOpen, maxPerWindow: limits.maxPerWindow }],
      { endorsers: [GOVERNMENT_MSP, TERTIARY] },
    );
    expect(set).toMatchObject({ maxOpen: limits.maxOpen, source: 'ledger' });
    await expectLedgerError(
      submit(analyst, 'request:SetRequestLimits', [{ maxOpen: 50, maxPerWindow: 50 }]),
      'FORBIDDEN',
    );
    const terms = {
      grantee: { org: ENTERPRISE },
      purposes: ['insurance' as const],
      categories: ['outpatient' as const],
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    };
    const ask = async (): Promise<string> =>
      (
        await submit(analyst, 'request:RequestConsent', [
          { patientId: patient.patientId, terms, reason: 'CLAIM_ASSESSMENT' },
        ])
      ).result.requestId;
    const [first, second, third] = [await ask(), await ask(), await ask()];
    const approval = await patient.sign('request:ApproveRequest', {
      requestId: first,
      consent: requestedConsent(
        (await evaluate(communityAdmin, 'request:GetRequest', first)).terms,
      ),
    });
    const { result: approved } = await submit(patient.carrier, 'request:ApproveRequest', [
      approval,
    ]);
    expect(approved.request).toMatchObject({
      status: 'approved',
      consentId: approved.consent.consentId,
    });
    const decline = await patient.sign('request:DeclineRequest', {
      requestId: second,
      reason: 'TERMS_TOO_BROAD',
    });
    await submit(patient.carrier, 'request:DeclineRequest', [decline]);
    await submit(analyst, 'request:WithdrawRequest', [third]);
    const page = await evaluate(analyst, 'request:QueryRequests', {
      patientId: patient.patientId,
      pageSize: 10,
    });
    const status = new Map(page.items.map((each) => [each.requestId, each.status]));
    expect([status.get(first), status.get(second), status.get(third)]).toEqual([
      'approved',
      'declined',
      'withdrawn',
    ]);
  });

  it('sets a research threshold, lists it, pages refusals and answers open statistics', async () => {
    // Beijing: no organization of the network is there, so no study of another test is affected.
    const { result: threshold } = await submit(
      { connection: govAdmin },
      'cohort:SetResearchThreshold',
      [{ region: '110000', minCohortSize: 5, ethicsApprovalRequired: true }],
      { endorsers: [GOVERNMENT_MSP, TERTIARY] },
    );
    expect(threshold).toMatchObject({ region: '110000', minCohortSize: 5 });
    await expectLedgerError(
      submit(regulator, 'cohort:SetResearchThreshold', [
        { region: '110000', minCohortSize: 1, ethicsApprovalRequired: false },
      ]),
      'FORBIDDEN',
    );
    expect(
      (await evaluate(analyst, 'cohort:ListResearchThresholds')).find(
        (each) => each.region === '110000',
      ),
    ).toMatchObject({ minCohortSize: 5, ethicsApprovalRequired: true });
    const refusals = await evaluate(regulator, 'cohort:QueryCohortRefusals', { pageSize: 5 });
    expect(Array.isArray(refusals.refusals)).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    const open = await evaluate(regulator, 'audit:GetOpenStatistics', { from: today, to: today });
    expect(open).toMatchObject({ from: today, to: today });
    for (const cell of open.cells)
      expect((cell.count === undefined) !== (cell.lessThan === undefined)).toBe(true);
  });
});
