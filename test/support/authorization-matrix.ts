/**
 * The expected authorization matrix: every role of every organization against every chaincode
 * transaction and every REST endpoint, written from the intended policy (docs/ledger-api.md,
 * gateway/README.md), independently of the matrix the code enforces (ledger-api's authorization.ts,
 * applied by the chaincode and by the gateway's `@Authorize` guard). The integration and e2e tests check the running system against it, and
 * docs/authorization.md is rendered from it (`node test/support/authorization-doc.ts`).
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

/** Every role of every organization (docs/ledger-api.md, "Identity of a caller"). */
export const PRINCIPALS: readonly MatrixPrincipal[] = ORGS.flatMap(({ roles, ...org }) =>
  roles.map((role) => ({ ...org, role })),
);

/** Every role a certificate can name (docs/ledger-api.md). */
export const ALL_ROLES = ['admin', 'analyst', 'clinician', 'patient', 'regulator', 'researcher'];

/**
 * Certificates an organization's CA could mint but its type does not issue (a research institute's
 * patient, an enterprise's clinician...), and certificates without a role (`role` empty): refused
 * every transaction that checks authorization.
 */
export const FOREIGN_PRINCIPALS: readonly MatrixPrincipal[] = ORGS.flatMap(({ roles, ...org }) =>
  [...ALL_ROLES.filter((role) => !roles.includes(role)), ''].map((role) => ({ ...org, role })),
);

/** A principal's column label, `org/role`. */
export function principalLabel(principal: MatrixPrincipal): string {
  return `${principal.org}/${principal.role === '' ? '(no role)' : principal.role}`;
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
const PATIENT: Rule = [['*/patient', 'allow']];
const OWN_PATIENT: Rule = [['*/patient', 'own']];
const ACCESSORS: Rule = [
  ['*/analyst', 'allow'],
  ['*/clinician', 'allow'],
  ['*/researcher', 'allow'],
];
const HOSPITAL_CLINICIAN: Rule = [['hospital/clinician', 'allow']];
const REGULATOR: Rule = [['government/regulator', 'allow']];
/** Reads scoped to the caller: regulator all, patients their own, members their organization's. */
const SCOPED_READ: Rule = [
  ['government/regulator', 'allow'],
  ['*/*', 'own'],
];
/** Any member; patients only about themselves. */
const PATIENT_OWN_READ: Rule = [
  ['*/patient', 'own'],
  ['*/*', 'allow'],
];
const ANCHOR_RECORD: Rule = [
  ['hospital/admin', 'own'],
  ['hospital/clinician', 'own'],
  ['enterprise/admin', 'own'],
  ['enterprise/analyst', 'own'],
];
const ANCHOR_BATCH: Rule = [
  ['hospital/admin', 'allow'],
  ['hospital/clinician', 'allow'],
  ['enterprise/admin', 'own'],
  ['enterprise/analyst', 'own'],
];
const GET_REFERRAL: Rule = [
  ['government/regulator', 'allow'],
  ['*/patient', 'own'],
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
  /** Checks no authorization at all: foreign and role-less certificates are let in too. */
  readonly unchecked?: boolean;
}

const OWN_CONSENT_READ = 'its patient; members of its grantee organization';
const OWN_QUERY = 'patients: their own patient ID; members: their own organization';
const OWN_RECORD = 'patients: records about themselves';

/** Every transaction of every contract of the consent-ledger chaincode, baseline included. */
export const TRANSACTIONS: readonly TransactionRow[] = [
  {
    name: 'registry:RegisterOrganization',
    kind: 'submit',
    rule: [['government/admin', 'allow']],
  },
  { name: 'registry:GetOrganization', kind: 'evaluate', rule: EVERYONE },
  { name: 'registry:ListOrganizations', kind: 'evaluate', rule: EVERYONE },
  { name: 'consent:GrantConsent', kind: 'submit', rule: PATIENT },
  { name: 'consent:UpdateConsent', kind: 'submit', rule: OWN_PATIENT, own: 'its patient' },
  { name: 'consent:RevokeConsent', kind: 'submit', rule: OWN_PATIENT, own: 'its patient' },
  { name: 'consent:GetConsent', kind: 'evaluate', rule: SCOPED_READ, own: OWN_CONSENT_READ },
  {
    name: 'consent:GetConsentHistory',
    kind: 'evaluate',
    rule: SCOPED_READ,
    own: OWN_CONSENT_READ,
  },
  {
    name: 'consent:QueryConsents',
    kind: 'evaluate',
    rule: SCOPED_READ,
    own: 'patients: their own; members: consents granted to their organization',
  },
  { name: 'access:RequestAccess', kind: 'submit', rule: ACCESSORS },
  { name: 'access:CheckAccess', kind: 'evaluate', rule: ACCESSORS },
  { name: 'access:RequestEmergencyAccess', kind: 'submit', rule: HOSPITAL_CLINICIAN },
  { name: 'audit:ReviewEmergencyAccess', kind: 'submit', rule: REGULATOR },
  { name: 'cohort:RequestCohort', kind: 'submit', rule: [['research/researcher', 'allow']] },
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
    own: "its patient; members of the referral's two hospitals",
  },
  {
    name: 'records:AnchorRecord',
    kind: 'submit',
    rule: ANCHOR_RECORD,
    own: "a new record ID or one the organization owns; enterprises: wearable only, with the patient's permit",
  },
  {
    name: 'records:AnchorBatch',
    kind: 'submit',
    rule: ANCHOR_BATCH,
    own: "enterprises: wearable items only, with each patient's permit",
  },
  { name: 'records:VerifyRecord', kind: 'evaluate', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  {
    name: 'records:VerifyBatchMember',
    kind: 'evaluate',
    rule: PATIENT_OWN_READ,
    own: 'patients: items about themselves',
  },
  { name: 'records:GetRecord', kind: 'evaluate', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  { name: 'records:GetBatch', kind: 'evaluate', rule: EVERYONE },
  { name: 'records:QueryAnchors', kind: 'evaluate', rule: SCOPED_READ, own: OWN_QUERY },
  { name: 'audit:QueryAccessEvents', kind: 'evaluate', rule: SCOPED_READ, own: OWN_QUERY },
  {
    name: 'audit:GetAccessEvent',
    kind: 'evaluate',
    rule: SCOPED_READ,
    own: 'patients: events about themselves; members: events of their organization',
  },
  { name: 'audit:QueryEmergencyReviews', kind: 'evaluate', rule: REGULATOR },
  { name: 'audit:GetStatistics', kind: 'evaluate', rule: REGULATOR },
  { name: 'audit:RollupStatistics', kind: 'submit', rule: REGULATOR },
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
];

/** One REST endpoint of the gateway. */
export interface EndpointRow {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Nest route path, with `:params`. */
  readonly path: string;
  /** Open without a token (else no token is 401). */
  readonly public?: boolean;
  readonly rule: Rule;
  readonly own?: string;
}

const OWN_REST_QUERY = 'patients: ?patientId= their own; members: ?accessorOrg= their own';

/** Every route of every gateway controller. */
export const ENDPOINTS: readonly EndpointRow[] = [
  { method: 'POST', path: '/auth/login', public: true, rule: EVERYONE },
  {
    method: 'POST',
    path: '/identities',
    rule: [['*/admin', 'own']],
    own: 'users of the roles its organization type issues',
  },
  { method: 'GET', path: '/identities/me', rule: EVERYONE },
  { method: 'POST', path: '/consents', rule: PATIENT },
  {
    method: 'GET',
    path: '/consents',
    rule: SCOPED_READ,
    own: 'patients: ?patientId= their own; members: ?grantee= their own',
  },
  { method: 'GET', path: '/consents/:consentId', rule: SCOPED_READ, own: OWN_CONSENT_READ },
  {
    method: 'GET',
    path: '/consents/:consentId/history',
    rule: SCOPED_READ,
    own: OWN_CONSENT_READ,
  },
  { method: 'PUT', path: '/consents/:consentId', rule: OWN_PATIENT, own: 'its patient' },
  {
    method: 'POST',
    path: '/consents/:consentId/revoke',
    rule: OWN_PATIENT,
    own: 'its patient',
  },
  { method: 'POST', path: '/access-requests', rule: ACCESSORS },
  { method: 'POST', path: '/access-requests/emergency', rule: HOSPITAL_CLINICIAN },
  { method: 'GET', path: '/access-decisions', rule: ACCESSORS },
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
  { method: 'POST', path: '/cohorts', rule: [['research/researcher', 'allow']] },
  {
    method: 'POST',
    path: '/records',
    rule: ANCHOR_RECORD,
    own: 'a new record ID or its own; enterprises: wearable only',
  },
  {
    method: 'POST',
    path: '/records/batches',
    rule: ANCHOR_BATCH,
    own: 'enterprises: wearable items only',
  },
  { method: 'POST', path: '/records/verify', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  { method: 'GET', path: '/records/:recordId', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  { method: 'GET', path: '/records/:recordId/proof', rule: PATIENT_OWN_READ, own: OWN_RECORD },
  { method: 'GET', path: '/audit/access-events', rule: SCOPED_READ, own: OWN_REST_QUERY },
  { method: 'GET', path: '/audit/access-events/export', rule: SCOPED_READ, own: OWN_REST_QUERY },
  {
    method: 'GET',
    path: '/audit/access-events/:eventId',
    rule: SCOPED_READ,
    own: 'patients: events about themselves; members: events of their organization',
  },
  {
    method: 'GET',
    path: '/audit/access-events/:eventId/proof',
    rule: SCOPED_READ,
    own: 'patients: events about themselves; members: events of their organization',
  },
  { method: 'GET', path: '/audit/emergency-reviews', rule: REGULATOR },
  { method: 'POST', path: '/audit/emergency-reviews/:eventId', rule: REGULATOR },
  { method: 'GET', path: '/audit/statistics', rule: REGULATOR },
  {
    method: 'GET',
    path: '/events',
    rule: EVERYONE,
    own: 'everyone connects; the stream carries only what the caller may see',
  },
  { method: 'GET', path: '/health/live', public: true, rule: EVERYONE },
  { method: 'GET', path: '/health/ready', public: true, rule: EVERYONE },
  { method: 'GET', path: '/metrics', public: true, rule: EVERYONE },
  { method: 'GET', path: '/fhir/metadata', public: true, rule: EVERYONE },
  {
    method: 'POST',
    path: '/fhir/Consent',
    rule: OWN_PATIENT,
    own: 'a Consent naming the caller as its patient',
  },
  {
    method: 'GET',
    path: '/fhir/Consent',
    rule: PATIENT_OWN_READ,
    own: 'patients: ?patient= their own (members are scoped to consents granted to them)',
  },
  { method: 'GET', path: '/fhir/Consent/:id', rule: SCOPED_READ, own: OWN_CONSENT_READ },
  {
    method: 'GET',
    path: '/fhir/AuditEvent',
    rule: PATIENT_OWN_READ,
    own: "patients: ?patient= their own (members are scoped to their organization's events)",
  },
  { method: 'GET', path: '/fhir/Provenance', rule: PATIENT_OWN_READ, own: OWN_RECORD },
];

/** An endpoint's key, `METHOD /path`. */
export function endpointKey(endpoint: Pick<EndpointRow, 'method' | 'path'>): string {
  return `${endpoint.method} ${endpoint.path}`;
}

/** The expected outcome of a transaction for a principal (foreign ones included). */
export function expectedForTransaction(row: TransactionRow, principal: MatrixPrincipal): Outcome {
  const issued = ORGS.find((org) => org.org === principal.org)?.roles.includes(principal.role);
  if (issued !== true) return row.unchecked === true ? 'allow' : 'deny';
  return evaluate(row.rule, principal);
}

/** The expected outcome of an endpoint for a principal. */
export function expectedForEndpoint(row: EndpointRow, principal: MatrixPrincipal): Outcome {
  return evaluate(row.rule, principal);
}

const SYMBOL: Record<Outcome, string> = { allow: 'A', own: 'O', deny: '-' };

function table(
  header: string,
  rows: readonly { label: string; cells: Outcome[]; extra: string[] }[],
  extraHeaders: readonly string[],
): string {
  const heads = [header, ...PRINCIPALS.map(principalLabel), ...extraHeaders];
  const lines = rows.map((row) => [
    row.label,
    ...row.cells.map((cell) => SYMBOL[cell]),
    ...row.extra,
  ]);
  const widths = heads.map((head, index) =>
    Math.max(head.length, ...lines.map((line) => (line[index] ?? '').length)),
  );
  const format = (cells: readonly string[]): string =>
    `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  return [
    format(heads),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
  ].join('\n');
}

/** Counts of the matrix's cells. */
export function matrixCounts(): Record<'transactions' | 'endpoints', Record<Outcome, number>> {
  const count = (outcomes: Outcome[]): Record<Outcome, number> => ({
    allow: outcomes.filter((each) => each === 'allow').length,
    own: outcomes.filter((each) => each === 'own').length,
    deny: outcomes.filter((each) => each === 'deny').length,
  });
  return {
    transactions: count(
      TRANSACTIONS.flatMap((row) => PRINCIPALS.map((p) => expectedForTransaction(row, p))),
    ),
    endpoints: count(
      ENDPOINTS.flatMap((row) => PRINCIPALS.map((p) => expectedForEndpoint(row, p))),
    ),
  };
}

/** docs/authorization.md, rendered from the matrix (Prettier-formatted). */
export async function renderAuthorizationDoc(): Promise<string> {
  const counts = matrixCounts();
  const transactions = table(
    'transaction',
    TRANSACTIONS.map((row) => ({
      label: `\`${row.name}\``,
      cells: PRINCIPALS.map((p) => expectedForTransaction(row, p)),
      extra: [row.kind, row.own ?? ''],
    })),
    ['kind', 'note'],
  );
  const endpoints = table(
    'endpoint',
    ENDPOINTS.map((row) => ({
      label: `\`${endpointKey(row)}\``,
      cells: PRINCIPALS.map((p) => expectedForEndpoint(row, p)),
      extra: [row.public === true ? 'open' : '401', row.own ?? ''],
    })),
    ['no token', 'note'],
  );
  const text = `# Authorization matrix

<!-- Generated from test/support/authorization-matrix.ts by
     \`node test/support/authorization-doc.ts\`; test/integration/authorization-matrix.test.ts
     fails when this file and the matrix differ. -->

Who may call what: every role of every organization (columns, \`org/role\`) against every
chaincode transaction and every REST endpoint of the gateway (rows). Written from the intended
policy (docs/ledger-api.md, gateway/README.md), independently of the code that enforces it
(ledger-api/src/authorization.ts, applied by the chaincode with its guards.ts and by the gateway's
\`@Authorize\` guard), and tested in full
against the running network: test/integration/authorization-matrix.test.ts (chaincode, with the
users' own certificates) and test/e2e/authorization-matrix.test.ts (REST, through the gateways).

- **A**: allowed (a chaincode call is not refused with \`FORBIDDEN\`; an endpoint answers neither
  403 nor 500).
- **O**: allowed on the caller's own data only (the row's note); tested with its own data (allowed) and,
  where such data can exist in this network, with another's (\`FORBIDDEN\` / 403).
- **-**: refused, \`FORBIDDEN\` (HTTP 403, code \`FORBIDDEN\`).
- No token (REST): every endpoint but the open ones answers 401 \`UNAUTHENTICATED\`; the chaincode
  has no such case (every caller holds a certificate of a channel member).

Cells: ${String(TRANSACTIONS.length)} transactions x ${String(PRINCIPALS.length)} principals = ${String(TRANSACTIONS.length * PRINCIPALS.length)}
(A ${String(counts.transactions.allow)}, O ${String(counts.transactions.own)}, - ${String(counts.transactions.deny)}); ${String(ENDPOINTS.length)} endpoints x ${String(PRINCIPALS.length)} principals = ${String(ENDPOINTS.length * PRINCIPALS.length)}
(A ${String(counts.endpoints.allow)}, O ${String(counts.endpoints.own)}, - ${String(counts.endpoints.deny)}).

## Chaincode transactions

${transactions}

Certificates whose role their organization's type does not issue (${String(FOREIGN_PRINCIPALS.length - ORGS.length)}:
e.g. ${FOREIGN_PRINCIPALS.slice(0, 3)
    .map((p) => `\`${principalLabel(p)}\``)
    .join(', ')}), and certificates without a role (one per organization), are refused every
transaction (\`FORBIDDEN\`); the integration test enrolls one of each with the organizations' CAs and
calls every transaction. The exception is \`baseline:Get\` (the benchmark's yardstick,
docs/ledger-api.md), which checks no authorization: any certificate of a channel member may call it
(the gateways' readiness check reads it). \`baseline:Put\` is for admins only (the organizations'
Fabric admins, which carry \`role=admin\` too, and the gateways' admin users), checked from the
certificate alone, without a registry read, so that it stays one bare write.

## REST endpoints

${endpoints}
`;
  return format(text, { parser: 'markdown', proseWrap: 'preserve' });
}
