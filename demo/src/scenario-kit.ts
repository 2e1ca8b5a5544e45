import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { adminCredentials, type AdminCredentials } from '@consent-ledger/network';
import type {
  AccessOutcome,
  Category,
  ConsentInput,
  ConsentWrite,
  GranteeRole,
  Purpose,
} from '@consent-ledger/ledger-api';
import type { GatewayClient } from './gateway-client.ts';
import type { Evidence, Narrator } from './narrator.ts';
import { activatePatient, registerPatient, type PatientSession } from './patient-device.ts';

/** The five organizations' gateways by short name (network/topology.yaml). */
export const ORG_NAMES = ['gov', 'tertiary', 'community', 'enterprise', 'research'] as const;
export type OrgName = (typeof ORG_NAMES)[number];

/**
 * Organizations that join the consortium later (network/topology.yaml `joins: later`): a
 * scenario that needs one is given its gateway once it has joined.
 */
export const JOINING_ORG_NAMES = ['county'] as const;
export type JoiningOrgName = (typeof JOINING_ORG_NAMES)[number];
/** A founding or a joining organization. */
export type AnyOrgName = OrgName | JoiningOrgName;

/** MSP IDs of the organizations (network/topology.yaml). */
export const MSP: Readonly<Record<AnyOrgName, string>> = {
  gov: 'GovMSP',
  tertiary: 'TertiaryHospitalMSP',
  community: 'CommunityHospitalMSP',
  enterprise: 'EnterpriseMSP',
  research: 'ResearchMSP',
  county: 'CountyHospitalMSP',
};

/** What every scenario function takes. */
export interface ScenarioOptions {
  /** The REST gateway of each organization. */
  readonly gateways: Readonly<Record<OrgName, GatewayClient>> &
    Readonly<Partial<Record<JoiningOrgName, GatewayClient>>>;
  readonly narrator: Narrator;
  /**
   * Each gateway's bootstrap admin; by default the one its gateway was started with
   * (GATEWAY_ADMIN_PASSWORD, or the password `npm start` generated: network's adminCredentials).
   */
  readonly admin?: (org: AnyOrgName) => AdminCredentials;
  /** Makes usernames unique (default: time and randomness). */
  readonly runId?: string;
  /**
   * Where the patients' devices keep their key files (`<pseudonym>.pem`, 0600); in memory when
   * absent. The keys never leave this machine: only signed statements reach the gateways.
   */
  readonly keyDir?: string;
}

/** One access decision taken during a scenario. */
export interface DecisionRecord {
  readonly label: string;
  readonly accessorOrg: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly decision: 'permit' | 'deny';
  readonly reason: string;
  readonly expected: 'permit' | 'deny';
  readonly eventId: string;
  readonly txId: string;
}

/** One expectation of a scenario. */
export interface CheckRecord {
  readonly text: string;
  readonly met: boolean;
}

/** What a scenario answers. */
export interface ScenarioResult<Ids extends object = Record<string, unknown>> {
  readonly name: string;
  readonly title: string;
  /** The access decisions, in order, with the expected ones. */
  readonly decisions: readonly DecisionRecord[];
  /** Every access event recorded by the scenario's requests. */
  readonly eventIds: readonly string[];
  /** Every transaction the scenario submitted. */
  readonly txIds: readonly string[];
  readonly checks: readonly CheckRecord[];
  /** The texts of the checks not met. */
  readonly failures: readonly string[];
  readonly passed: boolean;
  /** Consent, referral, batch, patient... IDs of the scenario. */
  readonly ids: Ids;
}

/** An access question. */
export interface AccessQuestion {
  readonly patientId: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
}

/** A user created for the scenario, logged in: staff, or a patient with their device. */
export interface ScenarioUser {
  readonly username: string;
  readonly token: string;
  readonly gateway: GatewayClient;
  readonly org: AnyOrgName;
  readonly patientId?: string;
  /** A patient's session at the home gateway, with the device that signs their statements. */
  readonly session?: PatientSession;
}

/** The recorder of one scenario run: narrates each step and collects its evidence. */
export interface ScenarioRun {
  readonly narrator: Narrator;
  /** Narrates a step. */
  step(text: string): void;
  /** Narrates and collects ledger evidence. */
  evidence(evidence: Evidence): void;
  /** Records an expectation (narrated); answers whether it was met. */
  check(met: boolean, text: string): boolean;
  /** Records a decision the ledger took in a transaction of several (e.g. a cohort's inclusions). */
  decision(record: DecisionRecord): void;
  /** Requests access (recorded on the ledger whatever the decision) and checks the decision. */
  access(
    label: string,
    options: Readonly<{
      user: ScenarioUser;
      question: AccessQuestion;
      expected: 'permit' | 'deny';
      expectedReason?: string;
    }>,
  ): Promise<AccessOutcome>;
  /** A staff member of an organization, created through its gateway's identity endpoint. */
  user(org: AnyOrgName, role: StaffRole, label: string): Promise<ScenarioUser>;
  /** A staff member of one of its organization's member institutions (certificate attribute). */
  member(options: Readonly<StaffOptions & { institution: string }>): Promise<ScenarioUser>;
  /**
   * A patient of a home organization: registered by its admin (POST /patients), activated on
   * the patient's own device with the one-time code (POST /patients/activate).
   */
  patient(home: AnyOrgName, label: string): Promise<ScenarioUser>;
  /** Grants a consent as a patient: a statement signed on the patient's device. */
  grant(patient: ScenarioUser, consent: Readonly<ConsentInput>): Promise<ConsentWrite>;
  /** Revokes a consent as its patient (a signed statement) and narrates the new status. */
  revoke(patient: ScenarioUser, consentId: string): Promise<ConsentWrite>;
  /** The block number of an access event's transaction (from its evidence bundle). */
  blockOf(user: ScenarioUser, eventId: string): Promise<string | undefined>;
  /** The block number of an access event's transaction, narrated when the bundle has one. */
  blockEvidence(user: ScenarioUser, eventId: string): Promise<string | undefined>;
  /** The result, with the scenario's IDs. */
  result<Ids extends object>(ids: Ids): ScenarioResult<Ids>;
}

/** The roles of staff (patients are registered, not created: {@link ScenarioRun.patient}). */
export type StaffRole = 'admin' | 'analyst' | 'clinician' | 'regulator' | 'researcher';

/** Who {@link ScenarioRun.member} creates: organization, role and username label. */
export interface StaffOptions {
  readonly org: AnyOrgName;
  readonly role: StaffRole;
  readonly label: string;
}

/** The session of a patient user (throws for staff). */
export function sessionOf(user: ScenarioUser): PatientSession {
  if (user.session === undefined) throw new Error(`${user.username} is not a patient`);
  return user.session;
}

/** The password of every user a scenario creates. */
export const SCENARIO_PASSWORD = 'scenario-password-1';

/** A fresh run ID: base-36 time and randomness (usernames: 3-64 of [a-z0-9._-]). */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Starts recording a scenario run. */
export function startRun(
  options: Readonly<ScenarioOptions & { name: string; title: string; summary: string }>,
): ScenarioRun {
  const { narrator, gateways } = options;
  const admin = options.admin ?? adminCredentials;
  const runId = options.runId ?? newRunId();
  const decisions: DecisionRecord[] = [];
  const eventIds: string[] = [];
  const txIds: string[] = [];
  const checks: CheckRecord[] = [];
  const adminTokens = new Map<AnyOrgName, Promise<string>>();
  const gatewayOf = (org: AnyOrgName): GatewayClient => {
    const gateway = (gateways as Partial<Record<AnyOrgName, GatewayClient>>)[org];
    if (gateway === undefined)
      throw new Error(`no gateway for ${org}: has it joined the consortium?`);
    return gateway;
  };
  narrator.scenario(options.title, options.summary);

  const adminToken = (org: AnyOrgName): Promise<string> => {
    let token = adminTokens.get(org);
    if (token === undefined) {
      const { username, password } = admin(org);
      token = gatewayOf(org).login(username, password);
      adminTokens.set(org, token);
    }
    return token;
  };
  const collect = (evidence: Evidence): void => {
    if (evidence.txId !== undefined && !txIds.includes(evidence.txId)) txIds.push(evidence.txId);
    if (evidence.eventId !== undefined && !eventIds.includes(evidence.eventId))
      eventIds.push(evidence.eventId);
  };
  const check = (met: boolean, text: string): boolean => {
    checks.push({ text, met });
    narrator.check(met, text);
    return met;
  };

  const blockOf = async (user: ScenarioUser, eventId: string): Promise<string | undefined> => {
    const bundle = await user.gateway.request<{ block?: { header?: { number?: string } } }>(
      'GET',
      `/audit/access-events/${eventId}/proof`,
      { token: user.token },
    );
    return bundle.status === 200 ? bundle.body.block?.header?.number : undefined;
  };

  return {
    narrator,
    step: (text) => {
      narrator.step(text);
    },
    evidence: (evidence) => {
      collect(evidence);
      narrator.evidence(evidence);
    },
    check,
    decision: (record) => {
      decisions.push(record);
      collect({ eventId: record.eventId, txId: record.txId });
    },
    access: async (label, { user, question, expected, expectedReason }) => {
      narrator.step(label);
      const outcome = await user.gateway.call<AccessOutcome>('POST', '/access-requests', {
        token: user.token,
        body: question,
      });
      const evidence = {
        decision: outcome.decision,
        reason: outcome.reason,
        eventId: outcome.eventId,
        txId: outcome.txId,
      };
      collect(evidence);
      narrator.evidence(evidence);
      decisions.push({
        label,
        accessorOrg: MSP[user.org],
        purpose: question.purpose,
        categories: [...question.categories],
        decision: outcome.decision,
        reason: outcome.reason,
        expected,
        eventId: outcome.eventId,
        txId: outcome.txId,
      });
      check(
        outcome.decision === expected &&
          (expectedReason === undefined || outcome.reason === expectedReason),
        `${expected === 'permit' ? 'permitted' : 'denied'}${expectedReason === undefined ? '' : ` (${expectedReason})`} as expected`,
      );
      return outcome;
    },
    user: async (org, role, label) => {
      const username = `${label}-${runId}`;
      await gatewayOf(org).call('POST', '/identities', {
        token: await adminToken(org),
        body: { username, password: SCENARIO_PASSWORD, role },
      });
      const token = await gatewayOf(org).login(username, SCENARIO_PASSWORD);
      return { username, token, gateway: gatewayOf(org), org };
    },
    member: async ({ org, role, label, institution }) => {
      const username = `${label}-${runId}`;
      await gatewayOf(org).call('POST', '/identities', {
        token: await adminToken(org),
        body: { username, password: SCENARIO_PASSWORD, role, institution },
      });
      const token = await gatewayOf(org).login(username, SCENARIO_PASSWORD);
      return { username, token, gateway: gatewayOf(org), org };
    },
    patient: async (home, label) => {
      const username = `${label}-${runId}`;
      const client = gatewayOf(home);
      const enrolment = await registerPatient(client, await adminToken(home));
      collect({ txId: enrolment.txId });
      const session = await activatePatient({
        client,
        enrolment,
        username,
        password: SCENARIO_PASSWORD,
        ...(options.keyDir === undefined
          ? {}
          : { keyFile: path.join(options.keyDir, `${enrolment.patientId}.pem`) }),
      });
      const { keyId } = session.device.key;
      narrator.evidence({
        txId: enrolment.txId,
        detail: `patient ${enrolment.patientId} registered by ${MSP[home]}; device key ${keyId}${session.device.keyFile === undefined ? '' : ` in ${session.device.keyFile}`}`,
      });
      return {
        username,
        token: session.token,
        gateway: client,
        org: home,
        patientId: enrolment.patientId,
        session,
      };
    },
    grant: async (patient, consent) => {
      const written = await sessionOf(patient).grant(consent);
      collect({ txId: written.txId });
      narrator.evidence({ consentId: written.consentId, txId: written.txId });
      return written;
    },
    revoke: async (patient, consentId) => {
      const revoked = await sessionOf(patient).revoke(consentId);
      const evidence = { consentId, status: revoked.consent.status, txId: revoked.txId };
      collect(evidence);
      narrator.evidence(evidence);
      return revoked;
    },
    blockOf,
    blockEvidence: async (user, eventId) => {
      const block = await blockOf(user, eventId);
      if (block !== undefined) {
        const evidence = { eventId, blockNumber: block };
        collect(evidence);
        narrator.evidence(evidence);
      }
      return block;
    },
    result: (ids) => {
      const failures = checks.filter((item) => !item.met).map((item) => item.text);
      return {
        name: options.name,
        title: options.title,
        decisions,
        eventIds,
        txIds,
        checks,
        failures,
        passed: failures.length === 0,
        ids,
      };
    },
  };
}

/** The patient pseudonym of a patient user (throws for other users). */
export function patientIdOf(user: ScenarioUser): string {
  if (user.patientId === undefined) throw new Error(`${user.username} is not a patient`);
  return user.patientId;
}

/** An ISO timestamp `millis` from now. */
export function fromNow(millis: number): string {
  return new Date(Date.now() + millis).toISOString();
}

/** An ISO timestamp `days` days from now. */
export function daysFromNow(days: number): string {
  return fromNow(days * 86_400_000);
}

/** What a consent grants: purposes and categories, and any further ConsentInput fields. */
export type ConsentTerms = Readonly<
  Omit<ConsentInput, 'grantee' | 'purposes' | 'categories'> & {
    purposes: readonly Purpose[];
    categories: readonly Category[];
  }
>;

/**
 * A consent's terms (what the patient signs, consent:GrantConsent) for the users of `org` with
 * `role`, valid for a year unless the terms say otherwise.
 */
export function consentFor(org: AnyOrgName, role: GranteeRole, terms: ConsentTerms): ConsentInput {
  return { grantee: { org: MSP[org], role }, validUntil: daysFromNow(365), ...terms };
}
