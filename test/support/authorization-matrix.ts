/**
 * The expected authorization matrix: every role of every organization against every chaincode
 * transaction and every REST endpoint, and every kind of signed statement against every action a
 * patient signs, written from the intended policy (docs/ledger-api.md, docs/patient-keys.md,
 * gateway/README.md), independently of the code that enforces it (ledger-api's authorization.ts
 * and the chaincode's guards and statement checks, the gateway's guards and services). The
 * integration and e2e tests check the running system against it, and docs/authorization.md is
 * rendered from it (`node test/support/authorization-doc.ts`).
 */
import { format } from 'prettier';

/** What a principal gets: allowed, allowed only on its own data (see each row's `own`), or refused. */
export type Outcome = 'allow' | 'own' | 'deny';

/** Organization types of the network. */
export type OrgType = 'government' | 'hospital' | 'enterprise' | 'research';

/** A role of an organization: one column of the matrix. */
export interface MatrixPrincipal {
  /** Short organization name (topology). */
  readonly org: string;
  readonly mspId: string;
  readonly orgType: OrgType;
  readonly role: string;
  /** A member institution its certificate names (`institution` attribute). */
  readonly institution?: string;
}

const ORGS: readonly { org: string; mspId: string; orgType: OrgType; roles: string[] }[] = [
  { org: 'gov', mspId: 'GovMSP', orgType: 'government', roles: ['admin', 'analyst', 'regulator'] },
  {
    org: 'tertiary',
    mspId: 'TertiaryHospitalMSP',
    orgType: 'hospital',
    roles: ['admin', 'analyst', 'clinician', 'patient'],
  },
  {
    org: 'community',
    mspId: 'CommunityHospitalMSP',
    orgType: 'hospital',
    roles: ['admin', 'analyst', 'clinician', 'patient'],
  },
  {
    org: 'enterprise',
    mspId: 'EnterpriseMSP',
    orgType: 'enterprise',
    roles: ['admin', 'analyst', 'patient'],
  },
  {
    org: 'research',
    mspId: 'ResearchMSP',
    orgType: 'research',
    roles: ['admin', 'analyst', 'researcher'],
  },
];

/**
 * Every role of every organization (docs/ledger-api.md, "Identity of a caller"). A `patient` is a
 * patient's session at the gateway (registered by the home organization, signed in with a key of
 * their own device); for the chaincode it is a certificate with role `patient` that the
 * organization's CA could mint, which authorizes nothing: patients have no certificates.
 */
export const PRINCIPALS: readonly MatrixPrincipal[] = ORGS.flatMap(({ roles, ...org }) =>
  roles.map((role) => ({ ...org, role })),
);

/** Every role a certificate can name (docs/ledger-api.md). */
export const ALL_ROLES = ['admin', 'analyst', 'clinician', 'patient', 'regulator', 'researcher'];

/** The organizations a patient can be homed at (their hospital, or an enterprise). */
export const HOME_ORGS: readonly string[] = ORGS.filter(
  (org) => org.orgType === 'hospital' || org.orgType === 'enterprise',
).map((org) => org.org);

/**
 * Certificates an organization's CA could mint but its type does not issue (a research institute's
 * patient, an enterprise's clinician...), and certificates without a role (`role` empty): refused
 * every transaction that checks authorization.
 */
export const FOREIGN_PRINCIPALS: readonly MatrixPrincipal[] = ORGS.flatMap(({ roles, ...org }) =>
  [...ALL_ROLES.filter((role) => !roles.includes(role)), ''].map((role) => ({ ...org, role })),
);

/** The member institutions each organization lists in the registry (network/topology.yaml). */
export const INSTITUTIONS: Readonly<Record<string, readonly string[]>> = {
  enterprise: ['inst-devices01', 'inst-insurer01', 'inst-insurer02'],
  research: ['inst-research01', 'inst-research02'],
};

/**
 * Certificates naming a member institution their organization does not list (one unknown, one of
 * another organization): refused every transaction that checks authorization, whatever the role.
 */
export const UNREGISTERED_INSTITUTION_PRINCIPALS: readonly MatrixPrincipal[] = [
  {
    org: 'enterprise',
    mspId: 'EnterpriseMSP',
    orgType: 'enterprise',
    role: 'analyst',
    institution: 'inst-unknown01',
  },
  {
    org: 'research',
    mspId: 'ResearchMSP',
    orgType: 'research',
    role: 'researcher',
    institution: 'inst-insurer01',
  },
];

/** A principal's column label, `org/role` (and `@institution` when its certificate names one). */
export function principalLabel(principal: MatrixPrincipal): string {
  const label = `${principal.org}/${principal.role === '' ? '(no role)' : principal.role}`;
  return principal.institution === undefined ? label : `${label}@${principal.institution}`;
}

/**
 * A rule: `[pattern, outcome]` pairs, the first matching wins, anything unmatched is `deny`.
 * Patterns are `orgType/role` with `*` for any (`hospital/clinician`, `* /patient`).
 */
type Rule = readonly (readonly [string, Outcome])[];

function matches(pattern: string, principal: MatrixPrincipal): boolean {
  const [orgType, role] = pattern.split('/');
  return (
    (orgType === '*' || orgType === principal.orgType) && (role === '*' || role === principal.role)
  );
}

function evaluate(rule: Rule, principal: MatrixPrincipal): Outcome {
  return rule.find(([pattern]) => matches(pattern, principal))?.[1] ?? 'deny';
}

const EVERYONE: Rule = [['*/*', 'allow']];
const OWN_PATIENT: Rule = [['*/patient', 'own']];
const PATIENT_SESSION: Rule = [['*/patient', 'allow']];
const ACCESSORS: Rule = [
  ['*/analyst', 'allow'],
  ['*/clinician', 'allow'],
  ['*/researcher', 'allow'],
];
/**
 * Who may request access; an access check (CheckAccess, GET /access-decisions) has the very same
 * rule: it is answered only to a caller who could make the request itself.
 */
const ACCESS_REQUESTERS: Rule = ACCESSORS;
const CHECK_NOTE =
  'as the request (same rule); names only the consents the caller may read; not audited (below)';
const HOSPITAL_CLINICIAN: Rule = [['hospital/clinician', 'allow']];
const REGULATOR: Rule = [['government/regulator', 'allow']];
const RESEARCHER: Rule = [['research/researcher', 'allow']];
/** Admins of the organizations that register patients (a patient's home). */
const HOME_ADMINS: Rule = [
  ['hospital/admin', 'allow'],
  ['enterprise/admin', 'allow'],
];
/** Home admins for the patients of their own organization. */
const OWN_HOME_ADMINS: Rule = [
  ['hospital/admin', 'own'],
  ['enterprise/admin', 'own'],
];
/** A binding's readers: the regulator, and the home organization's admins. */
const BINDING_READERS: Rule = [['government/regulator', 'allow'], ...OWN_HOME_ADMINS];
/**
 * Who carries a statement a patient signed: any member whose organization holds the patient's home
 * collection (the home organization, or the regulator's, which holds every collection); the
 * statement, not the certificate, decides. A research institute is never a patient's home.
 */
const CARRIERS: Rule = [
  ['government/*', 'allow'],
  ['hospital/*', 'own'],
  ['enterprise/*', 'own'],
];
/** Reads scoped to the caller: the regulator all, everyone else what concerns them. */
const SCOPED_READ: Rule = [
  ['government/regulator', 'allow'],
  ['*/*', 'own'],
];
/** Queries admins may filter freely (they see their patients' and their organization's). */
const ADMIN_QUERY: Rule = [
  ['government/regulator', 'allow'],
  ['*/admin', 'allow'],
  ['*/*', 'own'],
];
/** Any member; patients (at the gateway) only about themselves. */
const PATIENT_OWN_READ: Rule = [
  ['*/patient', 'own'],
  ['*/*', 'allow'],
];
/**
 * Who anchors a record: record IDs are scoped by their owner, so a hospital anchors any ID (its own
 * record of it: a new one, or a new version); enterprises wearable data only.
 */
const ANCHOR_RECORD: Rule = [
  ['hospital/admin', 'allow'],
  ['hospital/clinician', 'allow'],
  ['enterprise/admin', 'own'],
  ['enterprise/analyst', 'own'],
];
const ANCHOR_BATCH: Rule = [
  ['hospital/admin', 'allow'],
  ['hospital/clinician', 'allow'],
  ['enterprise/admin', 'own'],
  ['enterprise/analyst', 'own'],
];
/** Referrals: the regulator, and the two hospitals (their members and their patients). */
const GET_REFERRAL: Rule = [
  ['government/regulator', 'allow'],
  ['hospital/*', 'own'],
];

/** One chaincode transaction of the matrix. */
export interface TransactionRow {
  /** Qualified name, `contract:Transaction`. */
  readonly name: string;
  readonly kind: 'submit' | 'evaluate';
  readonly rule: Rule;
  /** What "own" means for this transaction (when some cell is `own`). */
  readonly own?: string;
  /** A note for the rendered table (what the answer holds back, a rule shared with another row). */
  readonly note?: string;
  /** Checks no authorization at all: foreign, role-less and patient certificates are let in too. */
  readonly unchecked?: boolean;
  /** Its argument is a statement the patient (or a guardian) signed (docs/patient-keys.md). */
  readonly signed?: boolean;
}

const OWN_CONSENT_READ =
  "consents granted to its organization; admins: also its organization's patients'";
const OWN_QUERY = 'its own organization (`org`, `accessorOrg`, `grantee`)';
const OWN_CARRIED =
  "statements of its organization's patients (a member of the patient's home collection carries them)";
const OWN_HOME = "patients of its own organization (their home's admins)";
const OWN_REQUEST = 'consent requests its organization made';

/** Every transaction of every contract of the consent-ledger chaincode, baseline included. */
export const TRANSACTIONS: readonly TransactionRow[] = [
  {
    name: 'registry:RegisterOrganization',
    kind: 'submit',
    rule: [['government/admin', 'allow']],
  },
  {
    name: 'registry:DeregisterOrganization',
    kind: 'submit',
    rule: [['government/admin', 'allow']],
  },
  { name: 'registry:GetOrganization', kind: 'evaluate', rule: EVERYONE },
  { name: 'registry:ListOrganizations', kind: 'evaluate', rule: EVERYONE },
  {
    name: 'notice:PublishNotice',
    kind: 'submit',
    rule: [['*/admin', 'allow']],
    note: "under its own organization (the certificate's)",
  },
  { name: 'notice:GetNotice', kind: 'evaluate', rule: EVERYONE },
  { name: 'notice:ListNotices', kind: 'evaluate', rule: EVERYONE },
  { name: 'notice:CountConsentsByNotice', kind: 'evaluate', rule: REGULATOR },
  {
    name: 'patient:RegisterPatient',
    kind: 'submit',
    rule: HOME_ADMINS,
    own: 'registers at its own organization',
  },
  {
    name: 'patient:ActivatePatient',
    kind: 'submit',
    rule: CARRIERS,
    own: OWN_CARRIED,
    signed: true,
  },
  { name: 'patient:AddDevice', kind: 'submit', rule: CARRIERS, own: OWN_CARRIED, signed: true },
  { name: 'patient:RemoveDevice', kind: 'submit', rule: CARRIERS, own: OWN_CARRIED, signed: true },
  { name: 'patient:RequestRecovery', kind: 'submit', rule: OWN_HOME_ADMINS, own: OWN_HOME },
  { name: 'patient:ApproveRecovery', kind: 'submit', rule: REGULATOR },
  { name: 'patient:ProposeGuardian', kind: 'submit', rule: OWN_HOME_ADMINS, own: OWN_HOME },
  { name: 'patient:ApproveGuardian', kind: 'submit', rule: REGULATOR },
  {
    name: 'patient:ActivateGuardian',
    kind: 'submit',
    rule: CARRIERS,
    own: OWN_CARRIED,
    signed: true,
  },
  { name: 'patient:EndGuardianship', kind: 'submit', rule: REGULATOR },
  { name: 'patient:GetBinding', kind: 'evaluate', rule: BINDING_READERS, own: OWN_HOME },
  { name: 'patient:GetBindingHistory', kind: 'evaluate', rule: BINDING_READERS, own: OWN_HOME },
  { name: 'patient:QueryErasures', kind: 'evaluate', rule: BINDING_READERS, own: OWN_HOME },
  { name: 'patient:LocatePatient', kind: 'evaluate', rule: EVERYONE },
  { name: 'consent:GrantConsent', kind: 'submit', rule: CARRIERS, own: OWN_CARRIED, signed: true },
  { name: 'consent:UpdateConsent', kind: 'submit', rule: CARRIERS, own: OWN_CARRIED, signed: true },
  { name: 'consent:RevokeConsent', kind: 'submit', rule: CARRIERS, own: OWN_CARRIED, signed: true },
  { name: 'consent:EraseConsent', kind: 'submit', rule: CARRIERS, own: OWN_CARRIED, signed: true },
  { name: 'consent:GetConsent', kind: 'evaluate', rule: SCOPED_READ, own: OWN_CONSENT_READ },
  {
    name: 'consent:GetConsentHistory',
    kind: 'evaluate',
    rule: SCOPED_READ,
    own: OWN_CONSENT_READ,
  },
  { name: 'consent:QueryConsents', kind: 'evaluate', rule: ADMIN_QUERY, own: OWN_QUERY },
  { name: 'access:RequestAccess', kind: 'submit', rule: ACCESS_REQUESTERS },
  {
    name: 'access:CheckAccess',
    kind: 'evaluate',
    rule: ACCESS_REQUESTERS,
    note: CHECK_NOTE,
  },
  { name: 'access:RequestEmergencyAccess', kind: 'submit', rule: HOSPITAL_CLINICIAN },
  { name: 'referral:CreateReferral', kind: 'submit', rule: HOSPITAL_CLINICIAN },
  {
    name: 'referral:CloseReferral',
    kind: 'submit',
    rule: [['hospital/clinician', 'own']],
    own: "a clinician of one of the referral's two hospitals",
  },
  {
    name: 'referral:GetReferral',
    kind: 'evaluate',
    rule: GET_REFERRAL,
    own: "members of the referral's two hospitals",
  },
  { name: 'cohort:FindCohort', kind: 'evaluate', rule: RESEARCHER },
  { name: 'cohort:RequestCohort', kind: 'submit', rule: RESEARCHER },
  { name: 'cohort:SetResearchThreshold', kind: 'submit', rule: [['government/admin', 'allow']] },
  { name: 'cohort:ListResearchThresholds', kind: 'evaluate', rule: EVERYONE },
  { name: 'cohort:QueryCohortRefusals', kind: 'evaluate', rule: REGULATOR },
  {
    name: 'records:AnchorRecord',
    kind: 'submit',
    rule: ANCHOR_RECORD,
    own: "enterprises: wearable only, with the patient's permit; any record ID (its own record of it: IDs are scoped by their owner)",
  },
  {
    name: 'records:AnchorBatch',
    kind: 'submit',
    rule: ANCHOR_BATCH,
    own: "enterprises: wearable items only, with each patient's permit",
  },
  { name: 'records:VerifyRecord', kind: 'evaluate', rule: EVERYONE },
  { name: 'records:FindAnchorsByHash', kind: 'evaluate', rule: EVERYONE },
  { name: 'records:VerifyBatchMember', kind: 'evaluate', rule: EVERYONE },
  { name: 'records:GetRecord', kind: 'evaluate', rule: EVERYONE },
  { name: 'records:GetBatch', kind: 'evaluate', rule: EVERYONE },
  { name: 'records:QueryAnchors', kind: 'evaluate', rule: SCOPED_READ, own: OWN_QUERY },
  { name: 'audit:QueryAccessEvents', kind: 'evaluate', rule: ADMIN_QUERY, own: OWN_QUERY },
  {
    name: 'audit:GetAccessEvent',
    kind: 'evaluate',
    rule: SCOPED_READ,
    own: "events of its organization; admins: also its organization's patients'",
  },
  { name: 'audit:QueryEmergencyReviews', kind: 'evaluate', rule: REGULATOR },
  { name: 'audit:ReviewEmergencyAccess', kind: 'submit', rule: REGULATOR },
  { name: 'audit:GetStatistics', kind: 'evaluate', rule: REGULATOR },
  { name: 'audit:CountDay', kind: 'evaluate', rule: REGULATOR },
  { name: 'audit:RollupStatistics', kind: 'submit', rule: REGULATOR },
  { name: 'audit:FindExpired', kind: 'evaluate', rule: REGULATOR },
  { name: 'audit:PurgeExpired', kind: 'submit', rule: REGULATOR },
  { name: 'audit:GetRetentionPolicy', kind: 'evaluate', rule: EVERYONE },
  {
    name: 'audit:GetOpenStatistics',
    kind: 'evaluate',
    rule: [
      ['government/admin', 'allow'],
      ['government/regulator', 'allow'],
    ],
    note: "the government's gateway reads it as its service identity (an admin) for GET /open/statistics",
  },
  {
    name: 'bench:SeedAccessEvents',
    kind: 'submit',
    rule: [],
    own: "nobody: refused unless the package enables seeding (only the benchmark's own deployment)",
  },
  {
    name: 'baseline:Put',
    kind: 'submit',
    rule: [['*/admin', 'allow']],
    own: 'admins (operators) of any organization, from the certificate alone',
  },
  { name: 'baseline:Get', kind: 'evaluate', rule: EVERYONE, unchecked: true },
  {
    name: 'request:RequestConsent',
    kind: 'submit',
    rule: ACCESSORS,
    note: 'a consent to its own organization (else RULE_VIOLATION), within the limits per patient',
  },
  {
    name: 'request:ApproveRequest',
    kind: 'submit',
    rule: CARRIERS,
    own: OWN_CARRIED,
    signed: true,
  },
  {
    name: 'request:DeclineRequest',
    kind: 'submit',
    rule: CARRIERS,
    own: OWN_CARRIED,
    signed: true,
  },
  {
    name: 'request:WithdrawRequest',
    kind: 'submit',
    rule: [
      ['*/analyst', 'own'],
      ['*/clinician', 'own'],
      ['*/researcher', 'own'],
    ],
    own: OWN_REQUEST,
  },
  {
    name: 'request:GetRequest',
    kind: 'evaluate',
    rule: SCOPED_READ,
    own: `${OWN_REQUEST}; admins: also those to its organization's patients`,
  },
  {
    name: 'request:QueryRequests',
    kind: 'evaluate',
    rule: ADMIN_QUERY,
    own: 'its own organization (`requesterOrg`)',
  },
  { name: 'request:SetRequestLimits', kind: 'submit', rule: REGULATOR },
  { name: 'request:GetRequestLimits', kind: 'evaluate', rule: EVERYONE },
];

/** The actions a patient (or a guardian) signs, as the signature table's columns. */
export const SIGNED_ACTIONS = [
  'consent:GrantConsent',
  'consent:UpdateConsent',
  'consent:RevokeConsent',
  'consent:EraseConsent',
  'patient:AddDevice',
  'patient:RemoveDevice',
] as const;

/** A signed action of the signature table. */
export type SignedActionName = (typeof SIGNED_ACTIONS)[number];

/** What a signature case comes to: allowed, or refused with this code (nothing written). */
export type SignatureOutcome =
  'allow' | 'FORBIDDEN' | 'CONFLICT' | 'RULE_VIOLATION' | 'CONSENT_NOT_FOUND';

/** One kind of signed statement (a row of the signature table). */
export interface SignatureCase {
  readonly name: string;
  readonly description: string;
  /** The outcome on every action, unless `by` says otherwise. */
  readonly outcome: SignatureOutcome;
  readonly by?: Partial<Readonly<Record<SignedActionName, SignatureOutcome>>>;
}

/**
 * Who may sign what (docs/patient-keys.md, docs/ledger-api.md "Signed patient actions"): each kind
 * of statement, carried by the patient's home organization, against each action. A statement is
 * checked on every endorsing peer whoever carries it; every refusal writes nothing.
 */
export const SIGNATURE_CASES: readonly SignatureCase[] = [
  {
    name: 'patient',
    description: "signed with a key bound to the patient (an adult's own device)",
    outcome: 'allow',
  },
  {
    name: 'guardian-in-period',
    description: "an active guardian of a minor, within the guardianship's period",
    outcome: 'allow',
    by: { 'patient:AddDevice': 'FORBIDDEN', 'patient:RemoveDevice': 'FORBIDDEN' },
  },
  {
    name: 'guardian-after-period',
    description: "a guardian after the guardianship's period ended",
    outcome: 'FORBIDDEN',
  },
  {
    name: 'guardian-after-adult',
    description: "a guardian once the patient has come of age (from the binding's adultFrom)",
    outcome: 'FORBIDDEN',
  },
  {
    name: 'minor-alone',
    description: 'a minor signing alone, before adultFrom (a guardian signs for them)',
    outcome: 'FORBIDDEN',
  },
  {
    name: 'unbound-key',
    description: 'signed with a key the binding does not list (made by someone else)',
    outcome: 'FORBIDDEN',
  },
  {
    name: 'replaced-key',
    description: 'signed with a key that a recovery (home and regulator) replaced',
    outcome: 'FORBIDDEN',
  },
  {
    name: 'other-patient',
    description: "naming another patient, signed with this patient's key",
    outcome: 'FORBIDDEN',
  },
  {
    name: 'altered',
    description: 'changed after it was signed (its payload: the terms, the consent, the key)',
    outcome: 'FORBIDDEN',
  },
  {
    name: 'expired',
    description: 'past its expiresAt (and the clock skew)',
    outcome: 'FORBIDDEN',
  },
  {
    name: 'replayed',
    description:
      'a statement that was carried and committed once, sent again (nonce used, version moved on, state changed)',
    outcome: 'CONFLICT',
    by: { 'consent:EraseConsent': 'CONSENT_NOT_FOUND', 'patient:RemoveDevice': 'RULE_VIOLATION' },
  },
];

/** The expected outcome of a kind of statement on an action. */
export function expectedForSignature(
  signature: SignatureCase,
  action: SignedActionName,
): SignatureOutcome {
  return signature.by?.[action] ?? signature.outcome;
}

/** One REST endpoint of the gateway. */
export interface EndpointRow {
  readonly method: 'GET' | 'POST' | 'PUT' | 'ALL';
  /** Nest route path, with `:params`. */
  readonly path: string;
  /** Open without a token (else no token is 401). */
  readonly public?: boolean;
  readonly rule: Rule;
  readonly own?: string;
  /** A note for the rendered table. */
  readonly note?: string;
}

const OWN_REST_QUERY = 'patients: ?patientId= their own; members: ?accessorOrg= their own';
const OWN_REST_CONSENT =
  "patients: their own; members: consents granted to their organization; admins: also their organization's patients'";
const OWN_REST_EVENT =
  "patients: events about themselves; members: events of their organization; admins: also their organization's patients'";
const OWN_RECORD =
  "patients: records about themselves; `owner` names another organization's record of the ID";
const OWN_STATEMENT = "a statement speaking for the session's patient";

/** Every route of every gateway controller. */
export const ENDPOINTS: readonly EndpointRow[] = [
  { method: 'POST', path: '/auth/login', public: true, rule: EVERYONE },
  {
    method: 'POST',
    path: '/auth/refresh',
    public: true,
    rule: EVERYONE,
    own: "no token: the session's refresh token",
  },
  { method: 'POST', path: '/auth/logout', rule: EVERYONE, own: "the caller's own session" },
  {
    method: 'GET',
    path: '/auth/providers',
    public: true,
    rule: EVERYONE,
    note: 'the sign-in methods offered (the identity provider, when one is trusted)',
  },
  {
    method: 'GET',
    path: '/auth/oidc/login',
    public: true,
    rule: EVERYONE,
    note: 'a redirect to the identity provider; 404 when none is trusted',
  },
  {
    method: 'GET',
    path: '/auth/oidc/callback',
    public: true,
    rule: EVERYONE,
    note: "the identity provider's redirect back, of a sign-in this browser started",
  },
  {
    method: 'POST',
    path: '/auth/oidc/session',
    public: true,
    rule: EVERYONE,
    own: 'no token: the one-time code of a sign-in just completed',
  },
  {
    method: 'POST',
    path: '/auth/logout-everywhere',
    rule: EVERYONE,
    own: "the caller's own sessions",
  },
  {
    method: 'GET',
    path: '/identities',
    rule: [['*/admin', 'allow']],
    own: "the gateway's own organization's users",
  },
  {
    method: 'POST',
    path: '/identities/:username/disable',
    rule: [['*/admin', 'allow']],
    own: "the organization's users (not oneself: RULE_VIOLATION)",
  },
  {
    method: 'POST',
    path: '/identities/:username/enable',
    rule: [['*/admin', 'allow']],
    own: "the organization's users",
  },
  {
    method: 'POST',
    path: '/identities/:username/end-sessions',
    rule: [['*/admin', 'allow']],
    own: "the organization's users",
  },
  {
    method: 'POST',
    path: '/identities',
    rule: [['*/admin', 'own']],
    own: 'staff of the roles its organization type issues (never a patient)',
  },
  { method: 'GET', path: '/identities/me', rule: EVERYONE },
  { method: 'GET', path: '/ledger', public: true, rule: EVERYONE },
  { method: 'POST', path: '/patients', rule: HOME_ADMINS },
  {
    method: 'POST',
    path: '/patients/activate',
    public: true,
    rule: EVERYONE,
    own: "no token: the enrolment code and the new key's signature, at the patient's home gateway",
  },
  {
    method: 'POST',
    path: '/guardians/activate',
    public: true,
    rule: EVERYONE,
    own: "no token: the guardian's code and new key's signature, at the patient's home gateway",
  },
  { method: 'GET', path: '/patients/me', rule: PATIENT_SESSION },
  {
    method: 'GET',
    path: '/inbox',
    rule: PATIENT_SESSION,
    own: "the session's patient's items, at the patient's home gateway",
  },
  { method: 'GET', path: '/inbox/unread', rule: PATIENT_SESSION },
  {
    method: 'POST',
    path: '/inbox/:itemId/read',
    rule: PATIENT_SESSION,
    own: "the session's patient's items (NOT_FOUND for another's)",
  },
  { method: 'POST', path: '/inbox/read-all', rule: PATIENT_SESSION },
  { method: 'POST', path: '/patients/me/devices', rule: OWN_PATIENT, own: OWN_STATEMENT },
  { method: 'POST', path: '/patients/me/devices/remove', rule: OWN_PATIENT, own: OWN_STATEMENT },
  { method: 'GET', path: '/patients/:patientId', rule: BINDING_READERS, own: OWN_HOME },
  { method: 'POST', path: '/patients/:patientId/recovery', rule: OWN_HOME_ADMINS, own: OWN_HOME },
  { method: 'POST', path: '/patients/:patientId/recovery/approve', rule: REGULATOR },
  { method: 'POST', path: '/patients/:patientId/guardians', rule: OWN_HOME_ADMINS, own: OWN_HOME },
  { method: 'POST', path: '/patients/:patientId/guardians/:guardianId/approve', rule: REGULATOR },
  { method: 'POST', path: '/patients/:patientId/guardians/:guardianId/end', rule: REGULATOR },
  { method: 'POST', path: '/consents', rule: OWN_PATIENT, own: OWN_STATEMENT },
  {
    method: 'GET',
    path: '/consents',
    rule: ADMIN_QUERY,
    own: 'patients: ?patientId= their own; members: ?grantee= their own',
  },
  { method: 'GET', path: '/consents/:consentId', rule: SCOPED_READ, own: OWN_REST_CONSENT },
  { method: 'GET', path: '/consents/:consentId/history', rule: SCOPED_READ, own: OWN_REST_CONSENT },
  { method: 'GET', path: '/consents/:consentId/proof', rule: SCOPED_READ, own: OWN_REST_CONSENT },
  {
    method: 'GET',
    path: '/consents/:consentId/receipt',
    rule: SCOPED_READ,
    own: OWN_REST_CONSENT,
  },
  {
    method: 'POST',
    path: '/notices',
    rule: [['*/admin', 'allow']],
    note: "under the admin's own organization",
  },
  { method: 'GET', path: '/notices', rule: EVERYONE },
  { method: 'GET', path: '/notices/:org/:noticeId/:version', rule: EVERYONE },
  { method: 'GET', path: '/notices/:org/:noticeId/use', rule: REGULATOR },
  { method: 'PUT', path: '/consents/:consentId', rule: OWN_PATIENT, own: OWN_STATEMENT },
  { method: 'POST', path: '/consents/:consentId/revoke', rule: OWN_PATIENT, own: OWN_STATEMENT },
  { method: 'POST', path: '/consents/:consentId/erase', rule: OWN_PATIENT, own: OWN_STATEMENT },
  { method: 'POST', path: '/access-requests', rule: ACCESS_REQUESTERS },
  { method: 'POST', path: '/access-requests/emergency', rule: HOSPITAL_CLINICIAN },
  { method: 'GET', path: '/access-decisions', rule: ACCESS_REQUESTERS, note: CHECK_NOTE },
  { method: 'POST', path: '/referrals', rule: HOSPITAL_CLINICIAN },
  {
    method: 'GET',
    path: '/referrals/:referralId',
    rule: GET_REFERRAL,
    own: "its patient; members of the referral's two hospitals",
  },
  {
    method: 'POST',
    path: '/referrals/:referralId/close',
    rule: [['hospital/clinician', 'own']],
    own: "a clinician of one of the referral's two hospitals",
  },
  { method: 'POST', path: '/cohorts', rule: RESEARCHER },
  { method: 'GET', path: '/research/thresholds', rule: EVERYONE },
  { method: 'PUT', path: '/research/thresholds/:region', rule: [['government/admin', 'allow']] },
  { method: 'GET', path: '/research/refusals', rule: REGULATOR },
  {
    method: 'POST',
    path: '/consent-requests',
    rule: ACCESSORS,
    note: 'a consent to its own organization, within the limits per patient',
  },
  {
    method: 'GET',
    path: '/consent-requests',
    rule: ADMIN_QUERY,
    own: 'patients: their own; members: ?requesterOrg= their own',
  },
  { method: 'GET', path: '/consent-requests/limits', rule: EVERYONE },
  { method: 'PUT', path: '/consent-requests/limits', rule: REGULATOR },
  {
    method: 'GET',
    path: '/consent-requests/:requestId',
    rule: SCOPED_READ,
    own: "patients: requests to themselves; members: their organization's; admins: also those to their organization's patients",
  },
  {
    method: 'GET',
    path: '/consent-requests/:requestId/receipt',
    rule: SCOPED_READ,
    own: "patients: requests to themselves; members: their organization's; admins: also those to their organization's patients",
    note: 'a declined request only (409 CONFLICT otherwise)',
  },
  {
    method: 'POST',
    path: '/consent-requests/:requestId/approve',
    rule: OWN_PATIENT,
    own: OWN_STATEMENT,
  },
  {
    method: 'POST',
    path: '/consent-requests/:requestId/decline',
    rule: OWN_PATIENT,
    own: OWN_STATEMENT,
  },
  {
    method: 'POST',
    path: '/consent-requests/:requestId/withdraw',
    rule: [
      ['*/analyst', 'own'],
      ['*/clinician', 'own'],
      ['*/researcher', 'own'],
    ],
    own: 'consent requests its organization made',
  },
  {
    method: 'POST',
    path: '/records',
    rule: ANCHOR_RECORD,
    own: 'enterprises: wearable only; any record ID (its own record of it: IDs are scoped by their owner)',
  },
  {
    method: 'POST',
    path: '/records/batches',
    rule: ANCHOR_BATCH,
    own: 'enterprises: wearable items only',
  },
  { method: 'POST', path: '/records/verify', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  {
    method: 'GET',
    path: '/records/by-hash/:sha256',
    rule: EVERYONE,
    own: "public anchors of any owner; batch items of the gateway's organization (patients: their own)",
  },
  { method: 'GET', path: '/records/:recordId', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  { method: 'GET', path: '/records/:recordId/proof', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  { method: 'GET', path: '/audit/access-events', rule: ADMIN_QUERY, own: OWN_REST_QUERY },
  { method: 'GET', path: '/audit/access-events/export', rule: ADMIN_QUERY, own: OWN_REST_QUERY },
  {
    method: 'GET',
    path: '/audit/access-events/:eventId',
    rule: SCOPED_READ,
    own: OWN_REST_EVENT,
  },
  {
    method: 'GET',
    path: '/audit/access-events/:eventId/proof',
    rule: SCOPED_READ,
    own: OWN_REST_EVENT,
  },
  { method: 'GET', path: '/audit/emergency-reviews', rule: REGULATOR },
  { method: 'POST', path: '/audit/emergency-reviews/:eventId', rule: REGULATOR },
  { method: 'GET', path: '/audit/emergency-reviews/:eventId', rule: REGULATOR },
  { method: 'GET', path: '/audit/statistics', rule: REGULATOR },
  {
    method: 'GET',
    path: '/open/statistics',
    public: true,
    rule: EVERYONE,
    note: "no token: aggregates only, small counts suppressed; the government's gateway answers (others 501)",
  },
  {
    method: 'GET',
    path: '/events',
    rule: EVERYONE,
    own: 'everyone connects; the stream carries only what the caller may see',
  },
  { method: 'GET', path: '/health/live', public: true, rule: EVERYONE },
  { method: 'GET', path: '/health/ready', public: true, rule: EVERYONE },
  {
    method: 'GET',
    path: '/metrics',
    rule: [],
    own: 'the scraper only: GATEWAY_METRICS_TOKEN as the bearer token, no access token',
  },
  { method: 'GET', path: '/fhir/metadata', public: true, rule: EVERYONE },
  {
    method: 'POST',
    path: '/fhir/Consent',
    rule: OWN_PATIENT,
    own: "a Consent naming the session's patient, with their signed statement",
  },
  {
    method: 'GET',
    path: '/fhir/Consent',
    rule: PATIENT_OWN_READ,
    own: 'patients: ?patient= their own (members are scoped to consents granted to them)',
  },
  {
    method: 'POST',
    path: '/fhir/Consent/_search',
    rule: PATIENT_OWN_READ,
    own: 'as GET /fhir/Consent',
  },
  { method: 'GET', path: '/fhir/Consent/:id', rule: SCOPED_READ, own: OWN_REST_CONSENT },
  {
    method: 'PUT',
    path: '/fhir/Consent/:id',
    rule: OWN_PATIENT,
    own: "a Consent of the session's patient, status active (update) or inactive (revoke), with their signed statement",
  },
  {
    method: 'GET',
    path: '/fhir/Consent/:id/_history',
    rule: SCOPED_READ,
    own: OWN_REST_CONSENT,
  },
  {
    method: 'GET',
    path: '/fhir/Consent/:id/_history/:vid',
    rule: SCOPED_READ,
    own: OWN_REST_CONSENT,
  },
  {
    method: 'GET',
    path: '/fhir/AuditEvent',
    rule: PATIENT_OWN_READ,
    own: "patients: ?patient= their own (members are scoped to their organization's events)",
  },
  {
    method: 'POST',
    path: '/fhir/AuditEvent/_search',
    rule: PATIENT_OWN_READ,
    own: 'as GET /fhir/AuditEvent',
  },
  { method: 'GET', path: '/fhir/AuditEvent/:id', rule: SCOPED_READ, own: OWN_REST_EVENT },
  { method: 'GET', path: '/fhir/Provenance', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  { method: 'POST', path: '/fhir/Provenance/_search', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  {
    method: 'ALL',
    path: '/fhir',
    public: true,
    rule: EVERYONE,
    note: 'system-level interactions: 405 OperationOutcome to everyone',
  },
  {
    method: 'ALL',
    path: '/fhir/*path',
    public: true,
    rule: EVERYONE,
    note: 'any other path under /fhir: 404 (type not served) or 405 (interaction not offered) OperationOutcome to everyone',
  },
];

/** An endpoint's key, `METHOD /path`. */
export function endpointKey(endpoint: Pick<EndpointRow, 'method' | 'path'>): string {
  return `${endpoint.method} ${endpoint.path}`;
}

/**
 * The expected outcome of a transaction for a principal (foreign ones included): a certificate
 * with role `patient`, or with a role its organization's type does not issue, or with none, is
 * refused every transaction that checks authorization.
 */
export function expectedForTransaction(row: TransactionRow, principal: MatrixPrincipal): Outcome {
  const issued = ORGS.find((org) => org.org === principal.org)?.roles.includes(principal.role);
  const listed =
    principal.institution === undefined ||
    (INSTITUTIONS[principal.org] ?? []).includes(principal.institution);
  if (issued !== true || principal.role === 'patient' || !listed)
    return row.unchecked === true ? 'allow' : 'deny';
  return evaluate(row.rule, principal);
}

/** The expected outcome of an endpoint for a principal (a `patient` is a patient's session). */
export function expectedForEndpoint(row: EndpointRow, principal: MatrixPrincipal): Outcome {
  return evaluate(row.rule, principal);
}

const SYMBOL: Record<Outcome, string> = { allow: 'A', own: 'O', deny: '-' };

function markdownTable(heads: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = heads.map((head, index) =>
    Math.max(head.length, ...lines.map((line) => (line[index] ?? '').length)),
  );
  const row = (cells: readonly string[]): string =>
    `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  return [row(heads), row(widths.map((width) => '-'.repeat(width))), ...lines.map(row)].join('\n');
}

function principalTable(
  header: string,
  rows: readonly { label: string; cells: Outcome[]; extra: string[] }[],
  extraHeaders: readonly string[],
): string {
  return markdownTable(
    [header, ...PRINCIPALS.map(principalLabel), ...extraHeaders],
    rows.map((row) => [row.label, ...row.cells.map((cell) => SYMBOL[cell]), ...row.extra]),
  );
}

function count(outcomes: readonly Outcome[]): Record<Outcome, number> {
  return {
    allow: outcomes.filter((each) => each === 'allow').length,
    own: outcomes.filter((each) => each === 'own').length,
    deny: outcomes.filter((each) => each === 'deny').length,
  };
}

/** Counts of the matrix's cells. */
export function matrixCounts(): {
  readonly transactions: Record<Outcome, number>;
  readonly endpoints: Record<Outcome, number>;
  readonly signatures: Readonly<Record<SignatureOutcome, number>>;
} {
  const signatures: Record<SignatureOutcome, number> = {
    allow: 0,
    FORBIDDEN: 0,
    CONFLICT: 0,
    RULE_VIOLATION: 0,
    CONSENT_NOT_FOUND: 0,
  };
  for (const signature of SIGNATURE_CASES)
    for (const action of SIGNED_ACTIONS) signatures[expectedForSignature(signature, action)] += 1;
  return {
    transactions: count(
      TRANSACTIONS.flatMap((row) => PRINCIPALS.map((p) => expectedForTransaction(row, p))),
    ),
    endpoints: count(
      ENDPOINTS.flatMap((row) => PRINCIPALS.map((p) => expectedForEndpoint(row, p))),
    ),
    signatures,
  };
}

/** docs/authorization.md, rendered from the matrix (Prettier-formatted). */
export async function renderAuthorizationDoc(): Promise<string> {
  const counts = matrixCounts();
  const transactions = principalTable(
    'transaction',
    TRANSACTIONS.map((row) => ({
      label: `\`${row.name}\``,
      cells: PRINCIPALS.map((p) => expectedForTransaction(row, p)),
      extra: [row.kind + (row.signed === true ? ', signed' : ''), row.own ?? row.note ?? ''],
    })),
    ['kind', 'note'],
  );
  const endpoints = principalTable(
    'endpoint',
    ENDPOINTS.map((row) => ({
      label: `\`${endpointKey(row)}\``,
      cells: PRINCIPALS.map((p) => expectedForEndpoint(row, p)),
      extra: [row.public === true ? 'open' : '401', row.own ?? row.note ?? ''],
    })),
    ['no token', 'note'],
  );
  const signatures = markdownTable(
    ['statement', ...SIGNED_ACTIONS.map((action) => `\`${action}\``), 'what it is'],
    SIGNATURE_CASES.map((signature) => [
      `\`${signature.name}\``,
      ...SIGNED_ACTIONS.map((action) => {
        const outcome = expectedForSignature(signature, action);
        return outcome === 'allow' ? 'A' : `\`${outcome}\``;
      }),
      signature.description,
    ]),
  );
  const n = (value: number): string => String(value);
  const signatureCells = SIGNATURE_CASES.length * SIGNED_ACTIONS.length;
  const refusedBy = Object.entries(counts.signatures)
    .filter(([outcome, cells]) => outcome !== 'allow' && cells > 0)
    .map(([outcome, cells]) => `${outcome} ${n(cells)}`)
    .join(', ');
  const text = `# Authorization matrix

<!-- Generated from test/support/authorization-matrix.ts by
     \`node test/support/authorization-doc.ts\`; test/integration/authorization-matrix.test.ts
     fails when this file and the matrix differ. -->

Who may call what: every role of every organization (columns, \`org/role\`) against every
chaincode transaction and every REST endpoint of the gateway (rows), and every kind of signed
statement against every action a patient signs. Written from the intended policy
(docs/ledger-api.md, docs/patient-keys.md, gateway/README.md), independently of the code that
enforces it (ledger-api/src/authorization.ts, applied by the chaincode with its guards.ts and
statement checks, and by the gateway's guards and services), and tested in full against the running
network: test/integration/authorization-matrix.test.ts (chaincode, with the users' own
certificates, endorsed only: the matrix writes nothing) and test/e2e/authorization-matrix.test.ts
(REST, through the gateways).

- **A**: allowed (a chaincode call is not refused with \`FORBIDDEN\`; an endpoint answers neither
  403 nor 500).
- **O**: allowed on the caller's own data only (the row's note); tested with its own data (allowed) and,
  where such data can exist in this network, with another's (\`FORBIDDEN\` / 403).
- **-**: refused, \`FORBIDDEN\` (HTTP 403, code \`FORBIDDEN\`).
- No token (REST): every endpoint but the open ones answers 401 \`UNAUTHENTICATED\`; the chaincode
  has no such case (every caller holds a certificate of a channel member).

Cells: ${n(TRANSACTIONS.length)} transactions x ${n(PRINCIPALS.length)} principals = ${n(TRANSACTIONS.length * PRINCIPALS.length)}
(A ${n(counts.transactions.allow)}, O ${n(counts.transactions.own)}, - ${n(counts.transactions.deny)}); ${n(ENDPOINTS.length)} endpoints x ${n(PRINCIPALS.length)} principals = ${n(ENDPOINTS.length * PRINCIPALS.length)}
(A ${n(counts.endpoints.allow)}, O ${n(counts.endpoints.own)}, - ${n(counts.endpoints.deny)}); ${n(SIGNATURE_CASES.length)} kinds of statement x ${n(SIGNED_ACTIONS.length)} signed actions = ${n(signatureCells)}
(A ${n(counts.signatures.allow)}, refused ${n(signatureCells - counts.signatures.allow)}: ${refusedBy}).

## Chaincode transactions

Patients have no certificates (docs/patient-keys.md): the \`patient\` columns here are
certificates with role \`patient\` (and a \`patientId\` attribute) that the organization's CA could
mint, and every transaction that checks authorization refuses them. Transactions marked
\`signed\` take a statement the patient (or a guardian) signed with a key bound to the patient:
any member's certificate passes the role check, the carrier's organization must hold the
patient's home collection (the home organization, or the regulator's), and the statement decides
(next section).

${transactions}

Certificates whose role their organization's type does not issue (${n(FOREIGN_PRINCIPALS.length - ORGS.length)}:
e.g. ${FOREIGN_PRINCIPALS.slice(0, 3)
    .map((p) => `\`${principalLabel(p)}\``)
    .join(', ')}), and certificates without a role (one per organization), are refused every
transaction (\`FORBIDDEN\`); the integration test enrolls one of each with the organizations' CAs and
calls every transaction. The exception is \`baseline:Get\` (the benchmark's yardstick,
docs/ledger-api.md), which checks no authorization: any certificate of a channel member may call it
(the gateways' readiness check reads it). \`baseline:Put\` is for admins only (the organizations'
Fabric admins, which carry \`role=admin\` too, and the gateways' admin users), checked from the
certificate alone, without a registry read, so that it stays one bare write.

### Member institutions

Insurers and device makers share EnterpriseMSP, research institutes ResearchMSP: the registry lists
each organization's member institutions (codes such as \`inst-insurer01\`, a type, a region; no
names), and a staff certificate may name one (\`institution\` attribute, enrolled by the gateway
only for an institution its organization lists). A certificate naming an institution its
organization does not list (${UNREGISTERED_INSTITUTION_PRINCIPALS.map((p) => `\`${principalLabel(p)}\``).join(', ')}) is
refused every transaction that checks authorization (\`FORBIDDEN\`), like a foreign role; the
integration test calls every transaction with them too. A certificate naming a listed institution
has its role's column above. The institution does not widen or narrow the matrix: it decides which
consents match (a consent naming an institution matches only its staff; docs/ledger-api.md,
"Consent evaluation"). Staff without an institution act for the organization as a whole: consents
naming no institution match them, consents naming one never do.

## Signed statements

Each kind of statement (rows), carried by an admin of the patient's home organization and endorsed
by the home and the regulator, against each action a patient signs (columns): **A** allowed, else
the code it is refused with; a refused statement writes nothing.

${signatures}

The activations (\`patient:ActivatePatient\`, \`patient:ActivateGuardian\`) are signed by the key
they bind and proven by the one-time enrolment code; they are in the matrix above.

## REST endpoints

The \`patient\` columns here are patients' sessions (registered by their home organization,
activated on their device): their writes are statements they signed, carried by the gateway's
service identity; their reads are kept to their own data.

${endpoints}

Staff who sign in through their organization's identity provider (OpenID Connect,
gateway/README.md "Staff sign-in through the organization's identity provider") are the same
principals: the provider's role claim, mapped to a role of the organization's type, becomes the
gateway user's role and the \`role\` attribute of the certificate the organization's CA enrolls
for them, so every row above applies to them unchanged. A claim naming no such role (or
\`patient\`) is refused at the callback (403 \`OIDC_ROLE_REFUSED\`); a role changed at the
provider ends the session at its next refresh and enrolls the user anew at the next sign-in.

## Access checks

\`access:CheckAccess\` (\`GET /access-decisions\`) answers the decision a request would get now,
without recording it. It is answered only to a caller who could make the request itself: it has
RequestAccess's rule in the matrix (the same row above), and the chaincode checks a CheckAccess
against \`access:RequestAccess\`'s rule too, in the one function both transactions ask their
question through (chaincode \`access/access.contract.ts\`, \`accessQuestion\`), so the two cannot
drift apart. Its answer names only the deciding consents the caller may read, by the rule of every
consent read (\`consent:GetConsent\`: the regulator, the admins of the patient's home, members of
the grantee organization): a deny to everyone still decides (\`DENIED_BY_CONSENT\`), but its ID is
left out of \`consentIds\`.

**Checks are not audited**, by decision:

- A check is an evaluate: it runs on the caller's own peer and writes nothing. Recording it would
  make it an ordered transaction endorsed by the patient's home (the cost of a request), and then
  it would be a request.
- What a check reads is what the caller's own peer already holds: the collection of the patient's
  home and the caller's organization, and in it only the consents granted to the caller's
  organization and the patient's denies to everyone (docs/privacy.md). An organization can
  evaluate those on its own peer without any gateway; a record of checks made through the gateway
  would be one it can bypass at will, so it would promise the patient an oversight it cannot give.
- A check gives no data and no right: data is released on a request, and every request is recorded
  whatever its decision (the patient's history, the accessor's record, the regulator's audit). The
  recorded event names every deciding consent, a deny to everyone included: it is the audit
  record the patient's home and the regulator read.

The gateway counts checks in its request metrics like every route; it keeps no per-patient record
of them.
`;
  return format(text, { parser: 'markdown', proseWrap: 'preserve' });
}
