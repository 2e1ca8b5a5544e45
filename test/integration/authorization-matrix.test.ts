import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchLeaf,
  canonicalJson,
  generatePatientKey,
  hashEnrolmentCode,
  inclusionProof,
  newEnrolmentCode,
  newSalt,
  requestedConsent,
  toHex,
  transientRequest,
  type ArgsOf,
  type BatchItem,
  type ConsentInput,
  type ConsentRequest,
  type ConsentRequestTerms,
  type DayCounts,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type ResultOf,
  type SignedAction,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import {
  FOREIGN_PRINCIPALS,
  UNREGISTERED_INSTITUTION_PRINCIPALS,
  HOME_ORGS,
  PRINCIPALS,
  SIGNATURE_CASES,
  SIGNED_ACTIONS,
  TRANSACTIONS,
  expectedForSignature,
  expectedForTransaction,
  principalLabel,
  renderAuthorizationDoc,
  type MatrixPrincipal,
  type SignatureCase,
  type SignatureOutcome,
  type SignedActionName,
  type TransactionRow,
} from '../support/authorization-matrix.ts';
import { mapLimit } from '../support/concurrency.ts';
import {
  closeUsers,
  enrollUser,
  newGuardianId,
  newPatientId,
  signAs,
  type TestUser,
} from '../support/identities.ts';
import { evaluate, sendRaw, submit, type Caller } from '../support/ledger-calls.ts';
import { refusalCode, refusalLine } from '../support/ledger-errors.ts';
import { writtenBy } from '../support/ledger-watch.ts';
import { contractOf, ledgerHeight, text } from '../support/ledger.ts';
import { registerPatient, type TestPatient } from '../support/patients.ts';

/**
 * The authorization matrix (test/support/authorization-matrix.ts) against the running chaincode: a
 * user of every role of every organization, enrolled with its organization's CA, calls every
 * transaction of every contract with its own certificate (certificates with role `patient` too:
 * they authorize nothing), each patient action as a statement signed with a key bound to the
 * patient; then every kind of signed statement (a guardian in and out of their period, a key not
 * bound or replaced, a replay, an alteration...) against every action a patient signs. Submit
 * transactions are endorsed only (never ordered), so nothing of the matrix run is written; the
 * fixtures it reads are committed once, up front. A refusal must be `FORBIDDEN` (or the signature
 * table's code); an allowed call anything but `FORBIDDEN`, and with valid arguments a success.
 */

const CONCURRENCY = 8;
const GOV = 'GovMSP';
const TERTIARY = 'TertiaryHospitalMSP';
const COMMUNITY = 'CommunityHospitalMSP';
const DAY_MS = 86_400_000;
/** Statements carried long after they were signed (the replays) live ten minutes. */
const LONG_TTL = 10 * 60_000;
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const fresh = (prefix: string): string => `authz-${prefix}-${randomBytes(6).toString('hex')}`;
const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (values: readonly string[]): string[] => [...new Set(values)];
/** Endorsing organizations: the given members of what is written, and the regulator. */
const endorsersOf = (...msps: string[]): string[] => unique([...msps, GOV]);

const MSP_OF: Readonly<Record<string, string>> = Object.fromEntries(
  PRINCIPALS.map((p) => [p.org, p.mspId]),
);
const MSPS = unique(PRINCIPALS.map((p) => p.mspId));

/** Evaluates any transaction by name (the matrix iterates names, not the typed catalogue). */
const evaluateAny = evaluate as unknown as (
  caller: Caller,
  name: string,
  ...args: readonly unknown[]
) => Promise<unknown>;

/** A permit covering what the fixtures' accesses, cohorts and anchors ask for. */
function termsTo(org: string): ConsentInput {
  return {
    grantee: { org },
    purposes: ['insurance', 'public-health', 'referral', 'research', 'treatment'],
    categories: ['laboratory', 'outpatient', 'wearable'],
  };
}

/** The terms of a consent request from an organization (a consent to itself). */
function askedBy(org: string): ConsentRequestTerms {
  return {
    grantee: { org },
    purposes: ['treatment'],
    categories: ['outpatient'],
    validUntil: iso(60 * DAY_MS),
  };
}

/** A call's arguments, made when it is sent (statements are signed then, and expire). */
type Build = () => Promise<readonly unknown[]>;

/** One call of the matrix run. */
interface Case {
  readonly principal: MatrixPrincipal;
  readonly row: TransactionRow;
  /** `own`: the principal's own data; `other`: someone else's (for `own` cells). */
  readonly data: 'own' | 'other';
  readonly forbidden: boolean;
  readonly build: Build;
  /** Endorsing organizations of a submit. */
  readonly endorsers: readonly string[];
}

/** What a call came to. */
interface Result {
  readonly case: Case;
  readonly outcome: 'ok' | 'forbidden' | 'error';
  readonly detail: string;
}

/** One call of the signature table: a kind of statement on an action. */
interface SignatureRun {
  readonly signature: SignatureCase;
  readonly action: SignedActionName;
  readonly expected: SignatureOutcome;
  /** `allow`, or the code it was refused with (`uncoded: ...` when none). */
  readonly got: string;
}

/** A patient of a home organization and everything the matrix reads or writes about them. */
interface HomeFixture {
  readonly msp: string;
  readonly patient: TestPatient;
  /** The patient's second device (RemoveDevice removes it). */
  readonly device: PatientKey;
  /** The patient's consents by grantee organization (all active, version 1). */
  readonly consentTo: Readonly<Record<string, string>>;
  /** A revoked consent of the patient (EraseConsent erases it). */
  readonly revoked: string;
  /** A patient registered and not activated. */
  readonly pending: { readonly patientId: string; readonly enrolmentCode: string };
  /** A patient with a guardian the regulator approved, not yet activated. */
  readonly guarded: {
    readonly patientId: string;
    readonly guardianId: string;
    readonly code: string;
  };
}

/** What the signature table signs for: a patient, their consents and a key to remove. */
interface SignatureSubject {
  readonly patientId: string;
  readonly active: string;
  readonly activeVersion: number;
  readonly revoked: string;
  readonly removableKeyId: string;
}

describe('authorization matrix: every role of every organization x every transaction', () => {
  const users = new Map<string, TestUser>();
  const user = (label: string): TestUser => {
    const found = users.get(label);
    if (found === undefined) throw new Error(`no user ${label}`);
    return found;
  };
  const cases: Case[] = [];
  const results: Result[] = [];
  const signatureRuns: SignatureRun[] = [];
  let heightBefore = 0n;
  let started = 0;

  /**
   * Commits a fixture write; one that loses an MVCC race, or whose endorsers answered differently
   * because one peer was a block behind, is sent again (never a coded refusal).
   */
  async function commit<N extends SubmitName>(
    caller: Caller,
    name: N,
    args: ArgsOf<N>,
    endorsers: readonly string[],
  ): Promise<ResultOf<N>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return (await submit(caller, name, args, { endorsers })).result;
      } catch (error) {
        if (attempt >= 5 || refusalCode(error) !== undefined) throw error;
        await sleep(1_000 * attempt);
      }
    }
  }

  beforeAll(async () => {
    started = Date.now();
    // Staff of every role of every organization, certificates of roles an organization's type does
    // not issue, and certificates without a role; the patients' certificates come once their
    // pseudonyms exist.
    const staff = [
      ...PRINCIPALS,
      ...FOREIGN_PRINCIPALS,
      ...UNREGISTERED_INSTITUTION_PRINCIPALS,
    ].filter((p) => !(p.role === 'patient' && HOME_ORGS.includes(p.org)));
    await mapLimit(staff, 4, async (principal) => {
      users.set(
        principalLabel(principal),
        await enrollUser({
          org: principal.org,
          role: principal.role,
          ...(principal.role === 'patient' ? { patientId: newPatientId() } : {}),
          ...(principal.role === '' ? { withoutRole: true } : {}),
          ...(principal.institution === undefined ? {} : { institution: principal.institution }),
        }),
      );
    });
    const regulator = user('gov/regulator');
    const carrierOf = (home: string): TestUser => user(`${home}/admin`);

    // A patient per home organization, with a second device, consents, a revoked consent; a
    // pending patient; a patient whose guardian waits for activation.
    const homeFixture = async (home: string): Promise<HomeFixture> => {
      const msp = MSP_OF[home] ?? '';
      const carrier = carrierOf(home);
      const ends = endorsersOf(msp);
      const [patient, pending, guarded] = await Promise.all([
        registerPatient(home, { carrier }),
        registerPatient(home, { carrier, activate: false }),
        registerPatient(home, { carrier }),
      ]);
      const device = await generatePatientKey();
      const guardianId = newGuardianId();
      const code = newEnrolmentCode();
      const grant = async (org: string): Promise<string> =>
        (
          await commit(
            carrier,
            'consent:GrantConsent',
            [await patient.sign('consent:GrantConsent', termsTo(org))],
            ends,
          )
        ).consentId;
      const consents = async (): Promise<readonly [Record<string, string>, string]> => {
        await commit(
          carrier,
          'patient:AddDevice',
          [await patient.sign('patient:AddDevice', { publicKey: device.publicKey })],
          ends,
        );
        const grantees =
          home === 'tertiary' ? MSPS : home === 'community' ? [msp, 'ResearchMSP'] : [msp];
        const granted: Record<string, string> = {};
        for (const org of grantees) granted[org] = await grant(org);
        const revokedId = await grant(msp);
        await commit(
          carrier,
          'consent:RevokeConsent',
          [
            await patient.sign('consent:RevokeConsent', {
              consentId: revokedId,
              expectedVersion: 1,
            }),
          ],
          ends,
        );
        return [granted, revokedId];
      };
      const guardian = async (): Promise<void> => {
        await commit(
          carrier,
          'patient:ProposeGuardian',
          [
            {
              patientId: guarded.patientId,
              guardianId,
              relationship: 'guardian',
              validFrom: iso(-60_000),
              validUntil: iso(30 * DAY_MS),
              enrolment: hashEnrolmentCode(code),
            },
          ],
          ends,
        );
        await commit(
          regulator,
          'patient:ApproveGuardian',
          [{ patientId: guarded.patientId, guardianId }],
          ends,
        );
      };
      const [[consentTo, revoked]] = await Promise.all([consents(), guardian()]);
      return {
        msp,
        patient,
        device,
        consentTo,
        revoked,
        pending: { patientId: pending.patientId, enrolmentCode: pending.enrolmentCode },
        guarded: { patientId: guarded.patientId, guardianId, code },
      };
    };

    // The signature table's patients, homed at the tertiary hospital: an adult with a history of
    // signed actions (their statements are replayed), a minor with a guardian in period and one
    // whose period ends in a minute and a half, an adult who still has a guardian, and a patient
    // whose key a recovery replaced.
    const tertiaryCarrier = carrierOf('tertiary');
    const tEnds = endorsersOf(TERTIARY);
    const carry = <N extends SubmitName>(name: N, action: SignedAction): Promise<ResultOf<N>> =>
      commit(tertiaryCarrier, name, [action] as unknown as ArgsOf<N>, tEnds);
    const grantBy = async (
      key: PatientKey,
      patientId: string,
      guardianId?: string,
    ): Promise<string> =>
      (
        await carry(
          'consent:GrantConsent',
          await signAs(key, {
            patientId,
            action: 'consent:GrantConsent',
            payload: termsTo(TERTIARY),
            ...(guardianId === undefined ? {} : { guardianId }),
          }),
        )
      ).consentId;
    const revokeBy = async (
      key: PatientKey,
      patientId: string,
      consentId: string,
      guardianId?: string,
    ): Promise<void> => {
      await carry(
        'consent:RevokeConsent',
        await signAs(key, {
          patientId,
          action: 'consent:RevokeConsent',
          payload: { consentId, expectedVersion: 1 },
          ...(guardianId === undefined ? {} : { guardianId }),
        }),
      );
    };
    const proposeAndApprove = async (
      patientId: string,
      period: Readonly<{ validFrom: string; validUntil: string }>,
    ): Promise<{ guardianId: string; key: PatientKey }> => {
      const guardianId = newGuardianId();
      const code = newEnrolmentCode();
      await commit(
        tertiaryCarrier,
        'patient:ProposeGuardian',
        [
          {
            patientId,
            guardianId,
            relationship: 'parent',
            ...period,
            enrolment: hashEnrolmentCode(code),
          },
        ],
        tEnds,
      );
      await commit(regulator, 'patient:ApproveGuardian', [{ patientId, guardianId }], tEnds);
      const key = await generatePatientKey();
      await carry(
        'patient:ActivateGuardian',
        await signAs(key, {
          patientId,
          guardianId,
          action: 'patient:ActivateGuardian',
          payload: { publicKey: key.publicKey, enrolmentCode: code, guardianId },
        }),
      );
      return { guardianId, key };
    };

    const adultHistory = async () => {
      const patient = await registerPatient('tertiary', { carrier: tertiaryCarrier });
      const { patientId, key } = patient;
      const sign = <A extends PatientActionName>(action: A, payload: PatientActions[A]) =>
        signAs(key, { patientId, action, payload, ttlMillis: LONG_TTL });
      const granted = await sign('consent:GrantConsent', termsTo(TERTIARY));
      const active = (await carry('consent:GrantConsent', granted)).consentId;
      const updated = await sign('consent:UpdateConsent', {
        ...termsTo(TERTIARY),
        consentId: active,
        expectedVersion: 1,
      });
      await carry('consent:UpdateConsent', updated);
      const revokedId = await grantBy(key, patientId);
      const revocation = await sign('consent:RevokeConsent', {
        consentId: revokedId,
        expectedVersion: 1,
      });
      await carry('consent:RevokeConsent', revocation);
      const erasedId = await grantBy(key, patientId);
      await revokeBy(key, patientId, erasedId);
      const erasure = await sign('consent:EraseConsent', { consentId: erasedId });
      await carry('consent:EraseConsent', erasure);
      const second = await generatePatientKey();
      const added = await sign('patient:AddDevice', { publicKey: second.publicKey });
      await carry('patient:AddDevice', added);
      const third = await generatePatientKey();
      await carry(
        'patient:AddDevice',
        await sign('patient:AddDevice', { publicKey: third.publicKey }),
      );
      const removed = await sign('patient:RemoveDevice', { keyId: third.keyId });
      await carry('patient:RemoveDevice', removed);
      const replays: Record<SignedActionName, SignedAction> = {
        'consent:GrantConsent': granted,
        'consent:UpdateConsent': updated,
        'consent:RevokeConsent': revocation,
        'consent:EraseConsent': erasure,
        'patient:AddDevice': added,
        'patient:RemoveDevice': removed,
      };
      const subject: SignatureSubject = {
        patientId,
        active,
        activeVersion: 2,
        revoked: revokedId,
        removableKeyId: second.keyId,
      };
      return { patient, subject, replays, firstKeyId: key.keyId };
    };

    const minorWithGuardians = async () => {
      const adultFrom = `${String(new Date().getUTCFullYear() + 10)}-01-01`;
      const minor = await registerPatient('tertiary', { carrier: tertiaryCarrier, adultFrom });
      const { patientId } = minor;
      const inPeriod = await proposeAndApprove(patientId, {
        validFrom: iso(-60_000),
        validUntil: iso(DAY_MS),
      });
      const endingAt = iso(90_000);
      const ending = await proposeAndApprove(patientId, {
        validFrom: iso(-60_000),
        validUntil: endingAt,
      });
      const active = await grantBy(inPeriod.key, patientId, inPeriod.guardianId);
      const revokedId = await grantBy(inPeriod.key, patientId, inPeriod.guardianId);
      await revokeBy(inPeriod.key, patientId, revokedId, inPeriod.guardianId);
      const subject: SignatureSubject = {
        patientId,
        active,
        activeVersion: 1,
        revoked: revokedId,
        removableKeyId: minor.key.keyId,
      };
      return { minor, inPeriod, ending, endingAt, subject };
    };

    const adultWithGuardian = async () => {
      const adult = await registerPatient('tertiary', {
        carrier: tertiaryCarrier,
        adultFrom: '2020-01-01',
      });
      const { patientId, key } = adult;
      const guardian = await proposeAndApprove(patientId, {
        validFrom: iso(-60_000),
        validUntil: iso(DAY_MS),
      });
      const active = await grantBy(key, patientId);
      const revokedId = await grantBy(key, patientId);
      await revokeBy(key, patientId, revokedId);
      const subject: SignatureSubject = {
        patientId,
        active,
        activeVersion: 1,
        revoked: revokedId,
        removableKeyId: key.keyId,
      };
      return { adult, guardian, subject };
    };

    const recovered = async () => {
      const patient = await registerPatient('tertiary', { carrier: tertiaryCarrier });
      const { patientId, key } = patient;
      const active = await grantBy(key, patientId);
      const revokedId = await grantBy(key, patientId);
      await revokeBy(key, patientId, revokedId);
      const code = newEnrolmentCode();
      await commit(
        tertiaryCarrier,
        'patient:RequestRecovery',
        [{ patientId, enrolment: hashEnrolmentCode(code) }],
        tEnds,
      );
      await commit(regulator, 'patient:ApproveRecovery', [patientId], tEnds);
      const replacement = await generatePatientKey();
      await carry(
        'patient:ActivatePatient',
        await signAs(replacement, {
          patientId,
          action: 'patient:ActivatePatient',
          payload: { publicKey: replacement.publicKey, enrolmentCode: code },
        }),
      );
      const subject: SignatureSubject = {
        patientId,
        active,
        activeVersion: 1,
        revoked: revokedId,
        removableKeyId: replacement.keyId,
      };
      return { oldKey: key, subject };
    };

    // A recovery waiting for the regulator, a guardian proposed only (the regulator's approvals).
    const regulatorFixture = async () => {
      const waiting = await registerPatient('tertiary', { carrier: tertiaryCarrier });
      await commit(
        tertiaryCarrier,
        'patient:RequestRecovery',
        [{ patientId: waiting.patientId, enrolment: hashEnrolmentCode(newEnrolmentCode()) }],
        tEnds,
      );
      const proposed = await registerPatient('tertiary', { carrier: tertiaryCarrier });
      const guardianId = newGuardianId();
      await commit(
        tertiaryCarrier,
        'patient:ProposeGuardian',
        [
          {
            patientId: proposed.patientId,
            guardianId,
            relationship: 'legal-proxy',
            validFrom: iso(0),
            validUntil: iso(30 * DAY_MS),
            enrolment: hashEnrolmentCode(newEnrolmentCode()),
          },
        ],
        tEnds,
      );
      return {
        recovering: waiting.patientId,
        proposed: { patientId: proposed.patientId, guardianId },
      };
    };

    const [homeList, history, minors, withGuardian, replaced, approvals] = await Promise.all([
      Promise.all(HOME_ORGS.map(homeFixture)),
      adultHistory(),
      minorWithGuardians(),
      adultWithGuardian(),
      recovered(),
      regulatorFixture(),
    ]);
    const homes = Object.fromEntries(HOME_ORGS.map((home, i) => [home, homeList[i]!])) as Record<
      string,
      HomeFixture
    >;
    const pt = homes.tertiary!.patient.patientId;
    const pc = homes.community!.patient.patientId;
    const pe = homes.enterprise!.patient.patientId;

    // Certificates with role patient, minted by the home organizations' CAs for their patients'
    // pseudonyms: what a CA could do, and what the chaincode honours nowhere.
    await Promise.all(
      HOME_ORGS.map(async (home) => {
        users.set(
          `${home}/patient`,
          await enrollUser({
            org: home,
            role: 'patient',
            patientId: homes[home]!.patient.patientId,
          }),
        );
      }),
    );

    // Referrals, records, a batch, access events of every accessor organization, a break-glass.
    const validUntil = iso(30 * DAY_MS);
    const hospitalEnds = endorsersOf(TERTIARY, COMMUNITY);
    const item = (patientId: string, category: BatchItem['category']): BatchItem => ({
      recordId: fresh('rec'),
      patientId,
      category,
      sha256: sha256(randomBytes(8).toString('hex')),
      salt: newSalt(),
    });
    const records = {
      tertiary: item(pt, 'outpatient'),
      community: item(pc, 'outpatient'),
      enterprise: item(pe, 'outpatient'),
    };
    const batchItems = [item(pt, 'outpatient'), item(pc, 'outpatient'), item(pe, 'outpatient')];
    const withoutSalt = ({ salt: _salt, ...rest }: BatchItem) => rest;
    const accessTo = (patientId: string) =>
      ({ patientId, purpose: 'treatment', categories: ['outpatient'] }) as const;
    // Label of the accessor, the patient, the patient's home.
    const accessors: [string, string, string][] = [
      ['gov/analyst', pt, TERTIARY],
      ['tertiary/clinician', pt, TERTIARY],
      ['community/clinician', pc, COMMUNITY],
      ['enterprise/analyst', pe, 'EnterpriseMSP'],
      ['research/researcher', pc, COMMUNITY],
    ];
    const mspOfLabel = (label: string): string => MSP_OF[label.split('/')[0] ?? ''] ?? '';
    const [referral, , , , batch, events, breakGlass] = await Promise.all([
      commit(
        user('tertiary/clinician'),
        'referral:CreateReferral',
        [{ patientId: pt, toOrg: COMMUNITY, categories: ['outpatient'], validUntil }],
        hospitalEnds,
      ),
      commit(
        user('tertiary/clinician'),
        'records:AnchorRecord',
        [withoutSalt(records.tertiary)],
        endorsersOf(TERTIARY),
      ),
      commit(
        user('community/clinician'),
        'records:AnchorRecord',
        [withoutSalt(records.community)],
        endorsersOf(COMMUNITY),
      ),
      commit(
        user('tertiary/clinician'),
        'records:AnchorRecord',
        [withoutSalt(records.enterprise)],
        endorsersOf(TERTIARY, 'EnterpriseMSP'),
      ),
      commit(
        user('tertiary/clinician'),
        'records:AnchorBatch',
        [{ items: batchItems }],
        endorsersOf(TERTIARY),
      ),
      Promise.all(
        accessors.map(([label, patientId, home]) =>
          commit(
            user(label),
            'access:RequestAccess',
            [accessTo(patientId)],
            endorsersOf(mspOfLabel(label), home),
          ),
        ),
      ),
      commit(
        user('tertiary/clinician'),
        'access:RequestEmergencyAccess',
        [
          {
            patientId: pt,
            categories: ['outpatient'],
            reasonCode: 'LIFE_THREATENING',
            justificationHash: sha256('authorization matrix'),
          },
        ],
        endorsersOf(TERTIARY),
      ),
    ]);
    // A consent request by an accessor of every organization (left open).
    const requests: ConsentRequest[] = await Promise.all(
      accessors.map(([label, patientId, home]) =>
        commit(
          user(label),
          'request:RequestConsent',
          [{ patientId, terms: askedBy(mspOfLabel(label)), reason: 'CARE_CONTINUITY' }],
          endorsersOf(mspOfLabel(label), home),
        ),
      ),
    );
    const requestList = requests.map((request) => ({
      id: request.requestId,
      home: request.patientHome,
      requester: request.requesterOrg,
    }));
    /** The open request to a home fixture's patient, by that home's own organization. */
    const requestTo = (fixture: HomeFixture): ConsentRequest => {
      const found = requests.find(
        (request) =>
          request.patientId === fixture.patient.patientId && request.requesterOrg === fixture.msp,
      );
      if (found === undefined) throw new Error(`no request to the patient of ${fixture.msp}`);
      return found;
    };
    const eventList = events.map((event) => ({
      id: event.eventId,
      home: event.patientHome,
      accessor: event.accessor.org,
    }));
    const consentList = HOME_ORGS.flatMap((home) =>
      Object.entries(homes[home]!.consentTo).map(([grantee, id]) => ({
        id,
        home: homes[home]!.msp,
        grantee,
      })),
    );
    const day = new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10);
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const dayCounts: DayCounts = await evaluate(regulator, 'audit:CountDay', day);
    const organizations = await evaluate(regulator, 'registry:ListOrganizations');
    const gov = organizations.find((each) => each.mspId === GOV);
    if (gov === undefined) throw new Error('GovMSP is not registered');
    const registration = { mspId: gov.mspId, type: gov.type, region: gov.region };
    const cutOff = iso(-3_651 * DAY_MS);
    const leaves = batchItems.map((each) => batchLeaf(each));

    // ---- The signature table ----------------------------------------------------------------
    heightBefore = await ledgerHeight();
    const waitUntil = Date.parse(minors.endingAt) + 2_000;
    if (Date.now() < waitUntil) await sleep(waitUntil - Date.now());
    const payloadFor = <A extends SignedActionName>(
      action: A,
      subject: SignatureSubject,
      newKey: PatientKey,
    ): PatientActions[A] => {
      const payloads: { [K in SignedActionName]: PatientActions[K] } = {
        'consent:GrantConsent': termsTo(TERTIARY),
        'consent:UpdateConsent': {
          ...termsTo(TERTIARY),
          categories: ['outpatient'],
          consentId: subject.active,
          expectedVersion: subject.activeVersion,
        },
        'consent:RevokeConsent': {
          consentId: subject.active,
          expectedVersion: subject.activeVersion,
        },
        'consent:EraseConsent': { consentId: subject.revoked },
        'patient:AddDevice': { publicKey: newKey.publicKey },
        'patient:RemoveDevice': { keyId: subject.removableKeyId },
      };
      return payloads[action] as PatientActions[A];
    };
    const attackerKey = await generatePatientKey();
    /** The same statement with its payload changed after signing (re-serialized canonically). */
    const alter = (signed: SignedAction, action: SignedActionName): SignedAction => {
      const statement = JSON.parse(signed.statement) as { payload: Record<string, unknown> };
      const changes: Record<SignedActionName, Record<string, unknown>> = {
        'consent:GrantConsent': { categories: ['genomic'] },
        'consent:UpdateConsent': { categories: ['genomic'] },
        'consent:RevokeConsent': { consentId: history.subject.revoked },
        'consent:EraseConsent': { consentId: history.subject.active },
        'patient:AddDevice': { publicKey: attackerKey.publicKey },
        'patient:RemoveDevice': { keyId: history.firstKeyId },
      };
      const payload = { ...statement.payload, ...changes[action] };
      return { statement: canonicalJson({ ...statement, payload }), signature: signed.signature };
    };
    const statementFor = async (
      signature: SignatureCase,
      action: SignedActionName,
    ): Promise<SignedAction> => {
      const newKey = await generatePatientKey();
      const as = (
        key: PatientKey,
        subject: SignatureSubject,
        extra: Readonly<{ guardianId?: string; now?: Date; patientId?: string }> = {},
      ) =>
        signAs(key, {
          patientId: extra.patientId ?? subject.patientId,
          action,
          payload: payloadFor(action, subject, newKey),
          ...(extra.guardianId === undefined ? {} : { guardianId: extra.guardianId }),
          ...(extra.now === undefined ? {} : { now: extra.now }),
        }) as Promise<SignedAction>;
      switch (signature.name) {
        case 'patient':
          return as(history.patient.key, history.subject);
        case 'guardian-in-period':
          return as(minors.inPeriod.key, minors.subject, {
            guardianId: minors.inPeriod.guardianId,
          });
        case 'guardian-after-period':
          return as(minors.ending.key, minors.subject, { guardianId: minors.ending.guardianId });
        case 'guardian-after-adult':
          return as(withGuardian.guardian.key, withGuardian.subject, {
            guardianId: withGuardian.guardian.guardianId,
          });
        case 'minor-alone':
          return as(minors.minor.key, minors.subject);
        case 'unbound-key':
          return as(attackerKey, history.subject);
        case 'replaced-key':
          return as(replaced.oldKey, replaced.subject);
        case 'other-patient':
          // This patient's key, on a statement naming another patient (and their consents).
          return as(history.patient.key, withGuardian.subject);
        case 'altered':
          return alter(await as(history.patient.key, history.subject), action);
        case 'expired':
          return as(history.patient.key, history.subject, {
            now: new Date(Date.now() - 40 * 60_000),
          });
        case 'replayed':
          return history.replays[action];
        default:
          throw new Error(`no statement for ${signature.name}`);
      }
    };
    const signatureCalls = SIGNATURE_CASES.flatMap((signature) =>
      SIGNED_ACTIONS.map((action) => ({ signature, action })),
    );
    signatureRuns.push(
      ...(await mapLimit(signatureCalls, CONCURRENCY, async ({ signature, action }) => {
        const [contract, fn] = action.split(':') as [string, string];
        const expected = expectedForSignature(signature, action);
        const got = await sendRaw(tertiaryCarrier, {
          contract,
          fn,
          transient: transientRequest({
            args: [await statementFor(signature, action)],
            salt: newSalt(),
          }),
          endorsers: tEnds,
        }).then(
          () => 'allow',
          (error: unknown) => refusalCode(error) ?? `uncoded: ${refusalLine(error)}`,
        );
        return { signature, action, expected, got };
      })),
    );

    // ---- The matrix -------------------------------------------------------------------------
    const homeOf = (p: MatrixPrincipal): string => (HOME_ORGS.includes(p.org) ? p.org : 'tertiary');
    const otherHomeOf = (p: MatrixPrincipal): string =>
      p.org === 'tertiary' ? 'community' : 'tertiary';
    const isRegulator = (p: MatrixPrincipal): boolean => p.mspId === GOV && p.role === 'regulator';
    /** Whether a principal reads a consent or event: the regulator, its party, its home's admins. */
    const reads = (p: MatrixPrincipal, subject: { home: string; party: string }): boolean =>
      isRegulator(p) ||
      subject.party === p.mspId ||
      (p.role === 'admin' && subject.home === p.mspId);
    const pick = <T extends { id: string }>(
      list: readonly T[],
      keep: (each: T) => boolean,
    ): string => {
      const found = list.find(keep);
      if (found === undefined) throw new Error('no fixture fits');
      return found.id;
    };

    let noticeCount = 0;
    /** The arguments (and endorsers) of a call: the principal's own data, or another's. */
    const argsFor = (
      row: TransactionRow,
      p: MatrixPrincipal,
      data: 'own' | 'other',
    ): { build: Build; endorsers: readonly string[] } | undefined => {
      const own = data === 'own';
      const home = own ? homeOf(p) : otherHomeOf(p);
      const fixture = homes[home]!;
      const subject = fixture.patient;
      const mine = p.mspId;
      const otherMsp = mine === TERTIARY ? COMMUNITY : TERTIARY;
      const at = (...msps: string[]) => endorsersOf(mine, ...msps);
      const fixed = (args: readonly unknown[], endorsers = at()) => ({
        build: () => Promise.resolve(args),
        endorsers,
      });
      const signed = <A extends PatientActionName>(
        make: () => Promise<SignedAction<A>>,
      ): { build: Build; endorsers: readonly string[] } => ({
        build: async () => [await make()],
        endorsers: at(fixture.msp),
      });
      const scoped = (field: string) =>
        isRegulator(p) ? { pageSize: 5 } : { pageSize: 5, [field]: own ? mine : otherMsp };
      const consentId = own
        ? isRegulator(p)
          ? (consentList[0]?.id ?? '')
          : pick(consentList, (c) => c.grantee === mine)
        : pick(consentList, (c) => !reads(p, { home: c.home, party: c.grantee }));
      const eventId = own
        ? isRegulator(p)
          ? (eventList[0]?.id ?? '')
          : pick(eventList, (e) => e.accessor === mine)
        : pick(eventList, (e) => !reads(p, { home: e.home, party: e.accessor }));
      const wearable = p.orgType === 'enterprise';
      const newItem = (category: BatchItem['category']): BatchItem => item(pt, category);
      switch (row.name) {
        case 'registry:RegisterOrganization':
          return fixed([registration]);
        case 'registry:GetOrganization':
          return fixed([mine]);
        case 'notice:PublishNotice':
          // A new notice each call: an allowed call publishes its version 1 under its own org.
          return {
            build: () => {
              noticeCount += 1;
              return Promise.resolve([
                {
                  noticeId: `matrix-${String(noticeCount)}`,
                  version: 1,
                  texts: { 'zh-CN': '矩阵测试告知书', en: 'Matrix notice' },
                },
              ]);
            },
            endorsers: at(),
          };
        case 'notice:GetNotice':
          // Every organization published its standard notice when the network started.
          return fixed([TERTIARY, 'consent-sharing', 1]);
        case 'notice:ListNotices':
          return fixed([mine]);
        case 'notice:CountConsentsByNotice':
          return fixed([TERTIARY, 'consent-sharing']);
        case 'registry:DeregisterOrganization':
          // An organization that is not registered: the allowed call succeeds (removed: false)
          // without taking a member out of the channel under the other cases.
          return fixed(['MatrixAbsentMSP']);
        case 'registry:ListOrganizations':
        case 'audit:GetRetentionPolicy':
          return fixed([]);
        case 'patient:RegisterPatient':
          return fixed([
            { patientId: newPatientId(), enrolment: hashEnrolmentCode(newEnrolmentCode()) },
          ]);
        case 'patient:ActivatePatient':
          return signed(async () => {
            const key = await generatePatientKey();
            return signAs(key, {
              patientId: fixture.pending.patientId,
              action: 'patient:ActivatePatient',
              payload: { publicKey: key.publicKey, enrolmentCode: fixture.pending.enrolmentCode },
            });
          });
        case 'patient:AddDevice':
          return signed(async () =>
            subject.sign('patient:AddDevice', {
              publicKey: (await generatePatientKey()).publicKey,
            }),
          );
        case 'patient:RemoveDevice':
          return signed(() =>
            subject.sign('patient:RemoveDevice', { keyId: fixture.device.keyId }),
          );
        case 'patient:ActivateGuardian':
          return signed(async () => {
            const key = await generatePatientKey();
            const { patientId, guardianId, code } = fixture.guarded;
            return signAs(key, {
              patientId,
              guardianId,
              action: 'patient:ActivateGuardian',
              payload: { publicKey: key.publicKey, enrolmentCode: code, guardianId },
            });
          });
        case 'patient:RequestRecovery':
          return fixed(
            [{ patientId: subject.patientId, enrolment: hashEnrolmentCode(newEnrolmentCode()) }],
            at(fixture.msp),
          );
        case 'patient:ProposeGuardian':
          return fixed(
            [
              {
                patientId: subject.patientId,
                guardianId: newGuardianId(),
                relationship: 'guardian',
                validFrom: iso(0),
                validUntil: iso(30 * DAY_MS),
                enrolment: hashEnrolmentCode(newEnrolmentCode()),
              },
            ],
            at(fixture.msp),
          );
        case 'patient:ApproveRecovery':
          return fixed([approvals.recovering], at(TERTIARY));
        case 'patient:ApproveGuardian':
          return fixed([approvals.proposed], at(TERTIARY));
        case 'patient:EndGuardianship': {
          const { patientId, guardianId } = homes.tertiary!.guarded;
          return fixed([{ patientId, guardianId }], at(TERTIARY));
        }
        case 'patient:GetBinding':
        case 'patient:GetBindingHistory':
        case 'patient:QueryErasures':
          return fixed([subject.patientId]);
        case 'patient:LocatePatient':
          return fixed([pt]);
        case 'consent:GrantConsent':
          return signed(() => subject.sign('consent:GrantConsent', termsTo(TERTIARY)));
        case 'consent:UpdateConsent':
          return signed(() =>
            subject.sign('consent:UpdateConsent', {
              ...termsTo(fixture.msp),
              consentId: fixture.consentTo[fixture.msp] ?? '',
              expectedVersion: 1,
            }),
          );
        case 'consent:RevokeConsent':
          return signed(() =>
            subject.sign('consent:RevokeConsent', {
              consentId: fixture.consentTo[fixture.msp] ?? '',
              expectedVersion: 1,
            }),
          );
        case 'consent:EraseConsent':
          return signed(() => subject.sign('consent:EraseConsent', { consentId: fixture.revoked }));
        case 'consent:GetConsent':
        case 'consent:GetConsentHistory':
          return fixed([consentId]);
        case 'consent:QueryConsents':
          return fixed([scoped('grantee')]);
        case 'access:RequestAccess':
        case 'access:CheckAccess':
          return fixed([accessTo(pt)], at(TERTIARY));
        case 'access:RequestEmergencyAccess':
          return fixed(
            [
              {
                patientId: pt,
                categories: ['outpatient'],
                reasonCode: 'URGENT_TREATMENT',
                justificationHash: sha256('x'),
              },
            ],
            at(TERTIARY),
          );
        case 'referral:CreateReferral': {
          const toOrg = mine === COMMUNITY ? TERTIARY : COMMUNITY;
          return fixed(
            [{ patientId: pt, toOrg, categories: ['outpatient'], validUntil }],
            at(TERTIARY, toOrg),
          );
        }
        case 'referral:CloseReferral':
          // Both hospitals of this network are on every referral: no "other" referral exists.
          return own ? fixed([referral.referralId], at(TERTIARY, COMMUNITY)) : undefined;
        case 'referral:GetReferral':
          return own ? fixed([referral.referralId]) : undefined;
        case 'cohort:FindCohort':
          return fixed([{ categories: ['outpatient'], pageSize: 1 }]);
        case 'cohort:RequestCohort':
          return fixed([{ studyId: fresh('study'), categories: ['outpatient'], patientIds: [pc] }]);
        case 'cohort:SetResearchThreshold':
          // A region no organization of the network is in: changes no other case's outcome.
          return fixed([{ region: '110000', minCohortSize: 0, ethicsApprovalRequired: false }]);
        case 'cohort:ListResearchThresholds':
          return fixed([]);
        case 'cohort:QueryCohortRefusals':
          return fixed([{ pageSize: 1 }]);
        case 'records:AnchorRecord': {
          if (wearable)
            return fixed([withoutSalt(newItem(own ? 'wearable' : 'outpatient'))], at(TERTIARY));
          // The tertiary hospital's record ID: record IDs are scoped by their owner, so the
          // tertiary hospital versions its record and any other caller anchors a record of its
          // own under the same ID (it used to be refused: squatting).
          return fixed(
            [{ ...withoutSalt(records.tertiary), sha256: sha256(fresh('v2')) }],
            at(TERTIARY),
          );
        }
        case 'records:AnchorBatch':
          return fixed(
            [{ items: [newItem(wearable && own ? 'wearable' : 'outpatient')] }],
            at(TERTIARY),
          );
        case 'records:VerifyRecord':
          return fixed([records.tertiary.recordId, records.tertiary.sha256, '', TERTIARY]);
        case 'records:FindAnchorsByHash':
          return fixed([records.tertiary.sha256]);
        case 'records:VerifyBatchMember':
          return fixed([
            {
              batchId: batch.batchId,
              item: batchItems[0],
              leafIndex: 0,
              auditPath: inclusionProof(leaves, 0).map(toHex),
            },
          ]);
        case 'records:GetRecord':
          return fixed([records.tertiary.recordId, TERTIARY]);
        case 'records:GetBatch':
          return fixed([batch.batchId]);
        case 'records:QueryAnchors':
          return fixed([scoped('org')]);
        case 'audit:QueryAccessEvents':
          return fixed([scoped('accessorOrg')]);
        case 'audit:GetAccessEvent':
          return fixed([eventId]);
        case 'audit:QueryEmergencyReviews':
          return fixed([{ pageSize: 1 }]);
        case 'audit:ReviewEmergencyAccess':
          return fixed(
            [breakGlass.eventId, { outcome: 'justified', commentHash: 'ef'.repeat(32) }],
            at(TERTIARY),
          );
        case 'audit:GetStatistics':
          return fixed([{ from: `${day}T00:00:00.000Z`, to: today, level: 'province' }]);
        case 'audit:CountDay':
          return fixed([day]);
        case 'audit:GetOpenStatistics':
          return fixed([{ from: day, to: day }]);
        case 'audit:RollupStatistics':
          return fixed([dayCounts]);
        case 'audit:FindExpired':
          return fixed([{ collection: `org_${TERTIARY}`, kind: 'accessEvent', before: cutOff }]);
        case 'audit:PurgeExpired':
          return fixed(
            [
              {
                collection: `org_${TERTIARY}`,
                kind: 'accessEvent',
                before: cutOff,
                ids: [breakGlass.eventId],
              },
            ],
            at(TERTIARY),
          );
        case 'bench:SeedAccessEvents':
          return fixed([{ first: 0, size: 1, patients: 1, days: 1, startDay: day }]);
        case 'baseline:Put':
          return fixed([fresh('key'), 'value']);
        case 'baseline:Get':
          return fixed(['authz-key']);
        case 'request:RequestConsent':
          return fixed(
            [{ patientId: pt, terms: askedBy(mine), reason: 'FOLLOW_UP' }],
            at(TERTIARY),
          );
        case 'request:ApproveRequest': {
          const request = requestTo(fixture);
          return signed(() =>
            subject.sign('request:ApproveRequest', {
              requestId: request.requestId,
              consent: requestedConsent(request.terms),
            }),
          );
        }
        case 'request:DeclineRequest': {
          const { requestId } = requestTo(fixture);
          return signed(() =>
            subject.sign('request:DeclineRequest', { requestId, reason: 'NOT_NEEDED' }),
          );
        }
        case 'request:WithdrawRequest': {
          const found = requests.find((request) =>
            own ? request.requesterOrg === mine : request.requesterOrg !== mine,
          );
          if (found === undefined) return undefined;
          return fixed([found.requestId], at(found.patientHome));
        }
        case 'request:GetRequest':
          return fixed([
            own
              ? isRegulator(p)
                ? (requestList[0]?.id ?? '')
                : pick(requestList, (r) => r.requester === mine)
              : pick(requestList, (r) => !reads(p, { home: r.home, party: r.requester })),
          ]);
        case 'request:QueryRequests':
          return fixed([scoped('requesterOrg')]);
        case 'request:SetRequestLimits':
          return fixed([{ maxOpen: 3, maxPerWindow: 5 }]);
        case 'request:GetRequestLimits':
          return fixed([]);
        default:
          throw new Error(`no arguments for ${row.name}`);
      }
    };

    for (const row of TRANSACTIONS) {
      for (const principal of PRINCIPALS) {
        const expected = expectedForTransaction(row, principal);
        // A patient's certificate is refused before its arguments are read: its organization's
        // admin's arguments (the patient's own statements, for the signed actions).
        const model =
          principal.role === 'patient'
            ? (PRINCIPALS.find((each) => each.org === principal.org && each.role === 'admin') ??
              principal)
            : principal;
        const own = argsFor(row, model, 'own');
        if (own === undefined) throw new Error(`no arguments for ${row.name}`);
        cases.push({ principal, row, data: 'own', forbidden: expected === 'deny', ...own });
        const other = expected === 'own' ? argsFor(row, principal, 'other') : undefined;
        if (other !== undefined)
          cases.push({ principal, row, data: 'other', forbidden: true, ...other });
      }
    }
    // Foreign and role-less certificates: the arguments of their organization's first role.
    for (const row of TRANSACTIONS) {
      for (const principal of [...FOREIGN_PRINCIPALS, ...UNREGISTERED_INSTITUTION_PRINCIPALS]) {
        const model = PRINCIPALS.find((each) => each.org === principal.org);
        const args = model === undefined ? undefined : argsFor(row, model, 'own');
        if (args === undefined) throw new Error(`no arguments for ${row.name}`);
        const forbidden = expectedForTransaction(row, principal) === 'deny';
        cases.push({ principal, row, data: 'own', forbidden, ...args });
      }
    }

    const run = async (each: Case): Promise<Result> => {
      const [contract, fn] = each.row.name.split(':') as [string, string];
      const caller = user(principalLabel(each.principal));
      try {
        const args = await each.build();
        if (each.row.kind === 'submit')
          await sendRaw(caller, {
            contract,
            fn,
            transient: transientRequest({ args, salt: newSalt() }),
            endorsers: each.endorsers,
          });
        else await evaluateAny(caller, each.row.name, ...args);
        return { case: each, outcome: 'ok', detail: '' };
      } catch (error) {
        return {
          case: each,
          outcome: refusalCode(error) === 'FORBIDDEN' ? 'forbidden' : 'error',
          detail: refusalLine(error),
        };
      }
    };
    results.push(...(await mapLimit(cases, CONCURRENCY, run)));
  }, 1_200_000);

  afterAll(() => {
    closeUsers();
  });

  it('lists every transaction the chaincode exposes, and nothing else', async () => {
    const metadata = JSON.parse(
      text(
        await contractOf(user('gov/admin').connection.gateway).evaluateTransaction(
          'org.hyperledger.fabric:GetMetadata',
        ),
      ),
    ) as { contracts: Record<string, { transactions: { name: string }[] }> };
    const deployed = Object.entries(metadata.contracts)
      .filter(([name]) => name !== 'org.hyperledger.fabric')
      .flatMap(([name, contract]) => contract.transactions.map((tx) => `${name}:${tx.name}`))
      .sort();
    expect(TRANSACTIONS.map((row) => row.name).sort()).toEqual(deployed);
  });

  it('docs/authorization.md is the matrix, rendered', async () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../docs/authorization.md'), 'utf8');
    expect(doc, 'run `node test/support/authorization-doc.ts`').toBe(
      await renderAuthorizationDoc(),
    );
  });

  it('refuses every denied call with FORBIDDEN and no allowed one', () => {
    const wrong = results
      .filter((result) => (result.outcome === 'forbidden') !== result.case.forbidden)
      .map(
        (result) =>
          `${result.case.row.name} as ${principalLabel(result.case.principal)} (${result.case.data} data): expected ${result.case.forbidden ? 'FORBIDDEN' : 'allowed'}, got ${result.outcome} ${result.detail}`,
      );
    expect(wrong).toEqual([]);
    expect(results).toHaveLength(cases.length);
    const allowed = results.filter((result) => !result.case.forbidden);
    const succeeded = allowed.filter((result) => result.outcome === 'ok');
    console.log(
      `[authorization] ${String(results.length)} chaincode calls (${String(TRANSACTIONS.length)} transactions x ${String(PRINCIPALS.length)} principals + ${String(FOREIGN_PRINCIPALS.length)} foreign or role-less + ${String(UNREGISTERED_INSTITUTION_PRINCIPALS.length)} with unregistered institutions, ` +
        `${String(results.filter((r) => r.case.data === 'other').length)} with another's data): ` +
        `${String(allowed.length)} allowed (${String(succeeded.length)} succeeded), ` +
        `${String(results.length - allowed.length)} FORBIDDEN, in ${String(Date.now() - started)} ms`,
    );
  });

  it('lets allowed calls with valid arguments succeed', () => {
    const failed = results
      .filter((result) => !result.case.forbidden && result.outcome !== 'ok')
      .map(
        (result) =>
          `${result.case.row.name} as ${principalLabel(result.case.principal)}: ${result.detail}`,
      );
    expect(failed).toEqual([]);
  });

  it('decides every signed statement by its signer, key, period and freshness', () => {
    const wrong = signatureRuns
      .filter((run) => run.got !== run.expected)
      .map(
        (run) => `${run.signature.name} on ${run.action}: expected ${run.expected}, got ${run.got}`,
      );
    expect(wrong).toEqual([]);
    expect(signatureRuns).toHaveLength(SIGNATURE_CASES.length * SIGNED_ACTIONS.length);
    const byOutcome = new Map<string, number>();
    for (const run of signatureRuns) byOutcome.set(run.got, (byOutcome.get(run.got) ?? 0) + 1);
    console.log(
      `[authorization] ${String(signatureRuns.length)} signed statements (${String(SIGNATURE_CASES.length)} kinds x ${String(SIGNED_ACTIONS.length)} actions): ${JSON.stringify(Object.fromEntries(byOutcome))}`,
    );
  });

  it('wrote nothing: no transaction of the matrix run reached the ledger', async () => {
    const ours = [...users.values()].map((each) => each.id);
    expect(await writtenBy({ from: heightBefore, creators: ours })).toEqual([]);
  });
});
