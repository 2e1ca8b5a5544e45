/**
 * The bad-input corpus of the reliability tests (docs/reliability.md, "Bad input"), as data: named
 * cases, each a target (a chaincode transaction, or a gateway endpoint) and a payload, generated
 * from a valid payload per target by the mutations of each category below. The chaincode suite
 * (test/integration/bad-input.test.ts) and the gateway suite (test/e2e/bad-input.test.ts) send
 * every case and expect a coded refusal; nothing may reach the ledger.
 */

/** What is wrong with a case. */
export const BAD_INPUT_CATEGORIES = [
  'malformed-json',
  'wrong-type',
  'missing-field',
  'unknown-field',
  'oversized',
  'invalid-hash',
  'invalid-id',
  'unicode',
  'injection',
  'impossible-date',
  'unknown-enum',
  'wrong-content-type',
] as const;

/** A category of bad input. */
export type BadInputCategory = (typeof BAD_INPUT_CATEGORIES)[number];

/** How many cases there are of each category (every category, zero included). */
export function countByCategory(
  cases: readonly { readonly category: BadInputCategory }[],
): Record<BadInputCategory, number> {
  return Object.fromEntries(
    BAD_INPUT_CATEGORIES.map((category) => [
      category,
      cases.filter((each) => each.category === category).length,
    ]),
  ) as Record<BadInputCategory, number>;
}

/** How a field is validated, which decides the bad values tried in it. */
export type FieldKind =
  | 'patientId'
  | 'sha256'
  | 'recordId'
  | 'instant'
  | 'mspId'
  | 'purposes'
  | 'purpose'
  | 'categories'
  | 'category'
  | 'pageSize'
  | 'recordIds'
  | 'patientIds'
  | 'enum'
  | 'boolean'
  | 'object'
  | 'list'
  | 'count'
  | 'text';

/** A bad value for a field. */
export interface BadValue {
  readonly category: BadInputCategory;
  readonly label: string;
  readonly value: unknown;
}

/** A JSON payload: a value to serialize, or raw text (malformed JSON, hostile bytes). */
export type Payload =
  { readonly json: unknown } | { readonly raw: string } | { readonly bytes: Uint8Array };

/** One generated variant of a target's payload. */
export interface Variant {
  readonly category: BadInputCategory;
  readonly label: string;
  readonly payload: Payload;
}

/** A valid payload, its fields' kinds and which of them are required. */
export interface Template {
  readonly valid: Record<string, unknown>;
  readonly fields: Readonly<Record<string, FieldKind>>;
  readonly required: readonly string[];
  /** Largest accepted payload in bytes: a case goes beyond it (none when absent). */
  readonly maxBytes?: number;
}

const big = (length: number): string => 'a'.repeat(length);

/** Bad values of each kind of field (`rest` drops those a gateway normalizes on purpose). */
export function badValues(kind: FieldKind, level: 'chaincode' | 'rest'): BadValue[] {
  const common: BadValue[] = [
    { category: 'wrong-type', label: 'null', value: null },
    { category: 'injection', label: 'NoSQL operator object', value: { $ne: null } },
  ];
  switch (kind) {
    case 'patientId':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 42 },
        { category: 'invalid-id', label: 'not a pseudonym', value: 'patient-42' },
        { category: 'invalid-id', label: 'upper case', value: 'pid-ABCDEFGHIJKLMNOP' },
        { category: 'oversized', label: '5000 characters', value: `pid-${big(5000)}` },
        { category: 'unicode', label: 'NUL inside', value: 'pid-abcdefghijklmno\u0000' },
        { category: 'unicode', label: 'RTL override', value: '\u202epid-abcdefghijklmnop' },
        { category: 'unicode', label: 'emoji', value: 'pid-abcdefghijklmn💥' },
        { category: 'unicode', label: 'lone surrogate', value: 'pid-abcdefghijklmno\ud800' },
        { category: 'injection', label: 'SQL', value: "pid-' OR '1'='1' --" },
      ];
    case 'sha256':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 12345 },
        { category: 'invalid-hash', label: '63 digits', value: big(63) },
        { category: 'invalid-hash', label: 'not hex', value: 'g'.repeat(64) },
        {
          category: 'invalid-hash',
          label: 'base64 digest',
          value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
        },
        { category: 'invalid-hash', label: '65 digits', value: big(65) },
        // The gateways lower-case a hex digest on purpose; the chaincode takes lower case only.
        ...(level === 'chaincode'
          ? [{ category: 'invalid-hash' as const, label: 'upper case', value: 'A'.repeat(64) }]
          : []),
        { category: 'unicode', label: 'control character', value: `${big(63)}\u0007` },
      ];
    case 'recordId':
      return [
        ...common,
        { category: 'wrong-type', label: 'array', value: ['rec-1'] },
        { category: 'invalid-id', label: 'empty', value: '' },
        { category: 'invalid-id', label: 'space', value: 'rec 1' },
        { category: 'oversized', label: '129 characters', value: big(129) },
        { category: 'injection', label: 'path traversal', value: '../../etc/passwd' },
        { category: 'injection', label: 'SQL', value: "rec-1'; DROP TABLE records; --" },
        { category: 'injection', label: 'script', value: '<script>alert(1)</script>' },
        { category: 'injection', label: 'log4shell', value: '${jndi:ldap://x/a}' },
        { category: 'unicode', label: 'NUL', value: 'rec\u0000' },
        { category: 'unicode', label: 'newline', value: 'rec-1\nrec-2' },
        { category: 'unicode', label: 'full-width digits', value: 'rec-１２３' },
      ];
    case 'instant':
      return [
        ...common,
        { category: 'wrong-type', label: 'epoch number', value: 1_790_000_000_000 },
        { category: 'impossible-date', label: '2026-02-30', value: '2026-02-30T00:00:00.000Z' },
        { category: 'impossible-date', label: 'month 13', value: '2026-13-01T00:00:00.000Z' },
        { category: 'impossible-date', label: 'hour 24', value: '2026-11-22T24:00:00.000Z' },
        // The gateways normalize other ISO 8601 forms to UTC milliseconds on purpose.
        ...(level === 'chaincode'
          ? [
              {
                category: 'impossible-date' as const,
                label: 'no milliseconds',
                value: '2026-11-22T03:27:06Z',
              },
              {
                category: 'impossible-date' as const,
                label: 'offset',
                value: '2026-11-22T03:27:06.155+08:00',
              },
            ]
          : []),
        { category: 'impossible-date', label: 'words', value: 'tomorrow' },
        { category: 'oversized', label: '5000 characters', value: big(5000) },
      ];
    case 'mspId':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 7 },
        { category: 'invalid-id', label: 'space', value: 'Gov MSP' },
        { category: 'injection', label: 'path traversal', value: '../GovMSP' },
        { category: 'oversized', label: '65 characters', value: `A${big(64)}` },
        { category: 'unicode', label: 'Cyrillic look-alike', value: 'GоvMSP' },
      ];
    case 'purposes':
      return [
        ...common,
        { category: 'unknown-enum', label: 'unknown purpose', value: ['gossip'] },
        { category: 'unknown-enum', label: 'upper case', value: ['TREATMENT'] },
        { category: 'wrong-type', label: 'string, not a list', value: 17 },
        { category: 'missing-field', label: 'empty list', value: [] },
        { category: 'oversized', label: '50 entries', value: Array(50).fill('treatment') },
        { category: 'wrong-type', label: 'list of null', value: [null] },
      ];
    case 'categories':
      return [
        ...common,
        { category: 'unknown-enum', label: 'unknown category', value: ['dental'] },
        { category: 'wrong-type', label: 'object', value: { imaging: true } },
        { category: 'missing-field', label: 'empty list', value: [] },
        { category: 'oversized', label: '50 entries', value: Array(50).fill('imaging') },
        { category: 'unicode', label: 'zero-width space', value: ['imaging\u200b'] },
      ];
    case 'purpose':
      return [
        ...common,
        { category: 'unknown-enum', label: 'unknown purpose', value: 'gossip' },
        { category: 'wrong-type', label: 'list', value: ['treatment'] },
        { category: 'unicode', label: 'emoji', value: 'treatment💊' },
      ];
    case 'category':
      return [
        ...common,
        { category: 'unknown-enum', label: 'unknown category', value: 'dental' },
        { category: 'wrong-type', label: 'number', value: 3 },
      ];
    case 'enum':
      return [
        ...common,
        { category: 'unknown-enum', label: 'unknown value', value: 'maybe' },
        { category: 'unknown-enum', label: 'upper case', value: 'PERMIT' },
        { category: 'wrong-type', label: 'number', value: 1 },
      ];
    case 'pageSize':
      return [
        { category: 'wrong-type', label: 'fraction', value: 2.5 },
        { category: 'oversized', label: '101', value: 101 },
        { category: 'wrong-type', label: 'zero', value: 0 },
        { category: 'wrong-type', label: 'negative', value: -1 },
      ];
    case 'recordIds':
      return [
        ...common,
        {
          category: 'oversized',
          label: '101 IDs',
          value: Array.from({ length: 101 }, (_, i) => `r${i}`),
        },
        { category: 'invalid-id', label: 'ID with a slash', value: ['a/b'] },
        // The gateways take a single value for a list on purpose (query strings).
        ...(level === 'chaincode'
          ? [{ category: 'wrong-type' as const, label: 'string', value: 'rec-1' }]
          : []),
      ];
    case 'patientIds':
      return [
        ...common,
        {
          category: 'oversized',
          label: '101 patients',
          value: Array.from(
            { length: 101 },
            (_, i) =>
              `pid-${'a'.repeat(14)}${'abcdefghijklmnopqrstuvwxyz234567'[i % 32] ?? 'a'}${'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(i / 32)] ?? 'a'}`,
          ),
        },
        { category: 'invalid-id', label: 'bad pseudonym', value: ['patient-1'] },
        { category: 'missing-field', label: 'empty list', value: [] },
      ];
    case 'boolean':
      return [
        { category: 'wrong-type', label: 'string', value: 'perhaps' },
        { category: 'wrong-type', label: 'number', value: 2 },
      ];
    case 'object':
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'TertiaryHospitalMSP' },
        { category: 'wrong-type', label: 'list', value: [] },
        {
          category: 'unknown-field',
          label: 'unknown inner field',
          value: { org: 'GovMSP', note: 'x' },
        },
      ];
    case 'list':
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'x' },
        {
          category: 'oversized',
          label: '17 entries',
          value: Array(17).fill({ purposes: ['research'] }),
        },
        { category: 'unknown-field', label: 'unknown inner field', value: [{ note: 'x' }] },
      ];
    case 'count':
      return [
        ...common,
        { category: 'wrong-type', label: 'fraction', value: 2.5 },
        { category: 'wrong-type', label: 'negative', value: -1 },
        { category: 'wrong-type', label: 'numeric string', value: '3' },
        { category: 'oversized', label: '1e12', value: 1e12 },
      ];
    case 'text':
      return [
        { category: 'wrong-type', label: 'number', value: 5 },
        { category: 'oversized', label: '5000 characters', value: big(5000) },
      ];
  }
}

/**
 * Every variant of a template: each field with each bad value of its kind, each required field
 * left out, unknown fields (also `__proto__`), malformed and non-object JSON, a payload over the
 * size limit, and bytes that are not UTF-8 (an overlong encoding of `/`).
 */
export function variants(template: Template, level: 'chaincode' | 'rest'): Variant[] {
  const out: Variant[] = [];
  const withField = (field: string, value: unknown): Record<string, unknown> => ({
    ...template.valid,
    [field]: value,
  });
  for (const [field, kind] of Object.entries(template.fields)) {
    for (const bad of badValues(kind, level)) {
      // The gateways read null in an optional field as absent, as class-validator does.
      if (level === 'rest' && bad.value === null && !template.required.includes(field)) continue;
      out.push({
        category: bad.category,
        label: `${field}: ${bad.label}`,
        payload: { json: withField(field, bad.value) },
      });
    }
  }
  for (const field of template.required) {
    const copy = { ...template.valid };
    Reflect.deleteProperty(copy, field);
    out.push({ category: 'missing-field', label: `without ${field}`, payload: { json: copy } });
  }
  const validText = JSON.stringify(template.valid);
  out.push(
    {
      category: 'unknown-field',
      label: 'free-text note',
      payload: { json: { ...template.valid, note: 'free text' } },
    },
    {
      category: 'unknown-field',
      label: '__proto__ pollution',
      payload: { raw: `{"__proto__":{"admin":true},${validText.slice(1)}` },
    },
    {
      category: 'injection',
      label: '$where operator field',
      payload: { json: { ...template.valid, $where: 'sleep(1000)' } },
    },
    { category: 'malformed-json', label: 'truncated', payload: { raw: validText.slice(0, -3) } },
    {
      category: 'malformed-json',
      label: 'single quotes',
      payload: { raw: validText.replaceAll('"', "'") },
    },
    {
      category: 'malformed-json',
      label: 'trailing comma',
      payload: { raw: `${validText.slice(0, -1)},}` },
    },
    {
      category: 'malformed-json',
      label: 'two objects',
      payload: { raw: `${validText}${validText}` },
    },
    {
      category: 'wrong-type',
      label: 'a list instead of an object',
      payload: { json: [template.valid] },
    },
    {
      category: 'wrong-type',
      label: 'a string instead of an object',
      payload: { json: 'consent' },
    },
    { category: 'wrong-type', label: 'null instead of an object', payload: { raw: 'null' } },
    {
      category: 'unicode',
      label: 'overlong UTF-8 (0xC0 0xAF)',
      payload: {
        bytes: Buffer.concat([
          Buffer.from(validText.slice(0, -1)),
          Buffer.from(',"x":"'),
          Buffer.from([0xc0, 0xaf, 0xff]),
          Buffer.from('"}'),
        ]),
      },
    },
  );
  if (template.maxBytes !== undefined) {
    out.push({
      category: 'oversized',
      label: `over ${template.maxBytes} bytes`,
      payload: { json: { ...template.valid, pad: big(template.maxBytes + 16) } },
    });
  }
  return out;
}

/** The serialized payload, as a chaincode argument or an HTTP body. */
export function payloadBytes(payload: Payload): string | Uint8Array {
  if ('bytes' in payload) return payload.bytes;
  if ('raw' in payload) return payload.raw;
  return JSON.stringify(payload.json);
}

/** IDs of existing state the cases aim at (so that only the input can be wrong). */
export interface Targets {
  readonly patientId: string;
  readonly consentId: string;
  readonly eventId: string;
  readonly referralId: string;
  readonly recordId: string;
}

const DAY = 86_400_000;
/** A time `days` from now, ISO. */
export const fromNow = (days: number): string => new Date(Date.now() + days * DAY).toISOString();

// ---- Chaincode ---------------------------------------------------------------------------------

/** Who sends a chaincode case (an identity enrolled by the suite). */
export type Caller = 'patient' | 'clinician' | 'regulator' | 'researcher' | 'govAdmin';

/** A chaincode case: transaction, caller, arguments and the coded error expected. */
export interface ChaincodeCase {
  readonly name: string;
  readonly category: BadInputCategory;
  readonly contract: string;
  readonly transaction: string;
  readonly kind: 'submit' | 'evaluate';
  readonly caller: Caller;
  readonly args: readonly (string | Uint8Array)[];
  readonly code: string;
}

interface ChaincodeTarget {
  readonly contract: string;
  readonly transaction: string;
  readonly kind: 'submit' | 'evaluate';
  readonly caller: Caller;
  readonly before?: readonly string[];
  readonly template: Template;
}

const KIB64 = 64 * 1024;

function consentTemplate(): Template {
  return {
    valid: {
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['outpatient'],
      validUntil: fromNow(30),
      dataFrom: '2020-01-01T00:00:00.000Z',
    },
    fields: {
      provision: 'enum',
      grantee: 'object',
      purposes: 'purposes',
      categories: 'categories',
      validUntil: 'instant',
      dataFrom: 'instant',
      exceptions: 'list',
    },
    required: ['grantee', 'purposes', 'categories'],
    maxBytes: KIB64,
  };
}

/** The JSON-argument transactions of the chaincode with a valid payload each. */
function chaincodeTargets(targets: Targets): ChaincodeTarget[] {
  const { patientId } = targets;
  const item = {
    recordId: targets.recordId,
    patientId,
    category: 'imaging',
    sha256: 'b'.repeat(64),
  };
  const itemFields = {
    recordId: 'recordId',
    patientId: 'patientId',
    category: 'category',
    sha256: 'sha256',
  } as const;
  return [
    {
      contract: 'registry',
      transaction: 'RegisterOrganization',
      kind: 'submit',
      caller: 'govAdmin',
      template: {
        // ResearchMSP as registered (network/topology.yaml): were a case accepted, nothing changed.
        valid: {
          mspId: 'ResearchMSP',
          type: 'research',
          region: { province: '330000', city: '330100', county: '330106' },
        },
        fields: { mspId: 'mspId', type: 'enum', tier: 'enum', region: 'object' },
        required: ['mspId', 'type', 'region'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'consent',
      transaction: 'GrantConsent',
      kind: 'submit',
      caller: 'patient',
      template: consentTemplate(),
    },
    {
      contract: 'consent',
      transaction: 'UpdateConsent',
      kind: 'submit',
      caller: 'patient',
      before: [targets.consentId],
      template: consentTemplate(),
    },
    {
      contract: 'access',
      transaction: 'RequestAccess',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: {
          patientId,
          purpose: 'treatment',
          categories: ['imaging'],
          recordIds: ['rec-1'],
          dataFrom: '2020-01-01T00:00:00.000Z',
        },
        fields: {
          patientId: 'patientId',
          purpose: 'purpose',
          categories: 'categories',
          recordIds: 'recordIds',
          dataFrom: 'instant',
          dataUntil: 'instant',
        },
        required: ['patientId', 'purpose', 'categories'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'access',
      transaction: 'RequestEmergencyAccess',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: {
          patientId,
          categories: ['medication'],
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justificationHash: 'c'.repeat(64),
        },
        fields: {
          patientId: 'patientId',
          categories: 'categories',
          reasonCode: 'enum',
          justificationHash: 'sha256',
          recordIds: 'recordIds',
        },
        required: ['patientId', 'categories', 'reasonCode', 'justificationHash'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      transaction: 'ReviewEmergencyAccess',
      kind: 'submit',
      caller: 'regulator',
      before: [targets.eventId],
      template: {
        valid: { outcome: 'justified' },
        fields: { outcome: 'enum' },
        required: ['outcome'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'cohort',
      transaction: 'RequestCohort',
      kind: 'submit',
      caller: 'researcher',
      template: {
        valid: { studyId: 'study-bad-input', categories: ['laboratory'], patientIds: [patientId] },
        fields: {
          studyId: 'recordId',
          categories: 'categories',
          patientIds: 'patientIds',
          pageSize: 'pageSize',
        },
        required: ['studyId', 'categories'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'referral',
      transaction: 'CreateReferral',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: {
          patientId,
          toOrg: 'CommunityHospitalMSP',
          categories: ['imaging'],
          validUntil: fromNow(7),
        },
        fields: {
          patientId: 'patientId',
          toOrg: 'mspId',
          categories: 'categories',
          validUntil: 'instant',
        },
        required: ['patientId', 'toOrg', 'categories', 'validUntil'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'records',
      transaction: 'AnchorRecord',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: item,
        fields: itemFields,
        required: Object.keys(itemFields),
        maxBytes: KIB64,
      },
    },
    {
      contract: 'records',
      transaction: 'AnchorBatch',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: { batchId: `${targets.recordId}-batch`, items: [item] },
        fields: { batchId: 'recordId', items: 'recordIds' },
        required: ['items'],
        // 32 MiB: the oversized case is built by oversizedBatch() instead (a payload this big
        // per mutation would be wasteful).
        maxBytes: undefined,
      },
    },
    {
      contract: 'consent',
      transaction: 'QueryConsents',
      kind: 'evaluate',
      caller: 'patient',
      template: {
        valid: { patientId, status: 'active', pageSize: 10 },
        fields: { patientId: 'patientId', grantee: 'mspId', status: 'enum', pageSize: 'pageSize' },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'access',
      transaction: 'CheckAccess',
      kind: 'evaluate',
      caller: 'clinician',
      template: {
        valid: { patientId, purpose: 'treatment', categories: ['imaging'] },
        fields: {
          patientId: 'patientId',
          purpose: 'purpose',
          categories: 'categories',
          dataUntil: 'instant',
        },
        required: ['patientId', 'purpose', 'categories'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'records',
      transaction: 'VerifyBatchMember',
      kind: 'evaluate',
      caller: 'clinician',
      template: {
        valid: { batchId: 'batch-1', item, leafIndex: 0, auditPath: ['d'.repeat(64)] },
        fields: { batchId: 'recordId', item: 'object', leafIndex: 'count', auditPath: 'recordIds' },
        required: ['batchId', 'item', 'leafIndex', 'auditPath'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      transaction: 'QueryAccessEvents',
      kind: 'evaluate',
      caller: 'regulator',
      template: {
        valid: {
          patientId,
          from: '2026-01-01T00:00:00.000Z',
          decision: 'permit',
          breakGlass: false,
        },
        fields: {
          patientId: 'patientId',
          accessorOrg: 'mspId',
          from: 'instant',
          to: 'instant',
          decision: 'enum',
          breakGlass: 'boolean',
          pageSize: 'pageSize',
        },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      transaction: 'GetStatistics',
      kind: 'evaluate',
      caller: 'regulator',
      template: {
        valid: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', level: 'city' },
        fields: { from: 'instant', to: 'instant', level: 'enum', region: 'mspId' },
        required: ['from', 'to', 'level'],
        maxBytes: KIB64,
      },
    },
  ];
}

/** Bad plain-string arguments (IDs, days, digests) of the transactions that take them. */
function idCases(targets: Targets): ChaincodeCase[] {
  const ids: BadValue[] = [
    { category: 'invalid-id', label: 'empty', value: '' },
    { category: 'invalid-id', label: 'wrong prefix', value: 'xyz-000000000000000000000000' },
    { category: 'invalid-id', label: 'upper-case hex', value: 'con-ABCDEF000000000000000000' },
    { category: 'injection', label: 'path traversal', value: '../../etc/passwd' },
    { category: 'injection', label: 'SQL', value: "' OR 1=1 --" },
    { category: 'injection', label: 'NoSQL', value: '{"$gt":""}' },
    { category: 'unicode', label: 'NUL', value: 'con-\u0000' },
    { category: 'unicode', label: 'RTL override', value: '\u202econ-000000000000000000000000' },
    { category: 'oversized', label: '100 KiB', value: big(100 * 1024) },
  ];
  const days: BadValue[] = [
    { category: 'impossible-date', label: '2026-02-30', value: '2026-02-30' },
    { category: 'impossible-date', label: 'month 00', value: '2026-00-10' },
    { category: 'impossible-date', label: 'instant, not a day', value: '2026-01-01T00:00:00.000Z' },
    { category: 'unicode', label: 'Arabic-Indic digits', value: '٢٠٢٦-٠١-٠١' },
    { category: 'injection', label: 'SQL', value: "2026-01-01' --" },
  ];
  const plain = (
    contract: string,
    transaction: string,
    kind: 'submit' | 'evaluate',
    caller: Caller,
    values: readonly BadValue[],
    args: (value: string) => string[],
  ): ChaincodeCase[] =>
    values.map((bad) => ({
      name: `${contract}:${transaction} ${bad.label}`,
      category: bad.category,
      contract,
      transaction,
      kind,
      caller,
      args: args(String(bad.value)),
      code: 'INVALID_ARGUMENT',
    }));
  const review = JSON.stringify({ outcome: 'justified' });
  return [
    ...plain('consent', 'RevokeConsent', 'submit', 'patient', ids, (id) => [id]),
    ...plain('consent', 'UpdateConsent', 'submit', 'patient', ids, (id) => [
      id,
      JSON.stringify(consentTemplate().valid),
    ]),
    ...plain('referral', 'CloseReferral', 'submit', 'clinician', ids, (id) => [id]),
    ...plain('audit', 'ReviewEmergencyAccess', 'submit', 'regulator', ids, (id) => [id, review]),
    ...plain('audit', 'RollupStatistics', 'submit', 'regulator', days, (day) => [day]),
    ...plain('consent', 'GetConsent', 'evaluate', 'patient', ids, (id) => [id]),
    ...plain('audit', 'GetAccessEvent', 'evaluate', 'regulator', ids, (id) => [id]),
    ...plain('records', 'GetRecord', 'evaluate', 'clinician', ids.slice(3), (id) => [id]),
    ...plain('registry', 'GetOrganization', 'evaluate', 'clinician', ids.slice(3), (id) => [id]),
    ...plain(
      'records',
      'VerifyRecord',
      'evaluate',
      'clinician',
      badValues('sha256', 'chaincode').filter((bad) => typeof bad.value === 'string'),
      (hash) => [targets.recordId, hash],
    ),
    ...plain(
      'records',
      'VerifyRecord',
      'evaluate',
      'clinician',
      [
        { category: 'wrong-type', label: 'version 0', value: '0' },
        { category: 'wrong-type', label: 'version -1', value: '-1' },
        { category: 'wrong-type', label: 'version 1.5', value: '1.5' },
        { category: 'oversized', label: 'version 1e10', value: '10000000000' },
        { category: 'unicode', label: 'version in full-width digits', value: '１' },
      ],
      (version) => [targets.recordId, 'e'.repeat(64), version],
    ),
  ];
}

/** An AnchorBatch over the item limit (100,001 items, about 17 MB: under the 32 MiB byte limit). */
export function oversizedBatch(patientId: string): string {
  const items = Array.from({ length: 100_001 }, (_, i) => ({
    recordId: `over-${i}`,
    patientId,
    category: 'imaging',
    sha256: 'f'.repeat(64),
  }));
  return JSON.stringify({ items });
}

/**
 * The valid payload of each JSON-argument transaction, the one its cases mutate: a suite checks
 * that each is accepted (endorsed, and not submitted), so that a case fails for its mutation only.
 */
export function chaincodeBaselines(targets: Targets): Omit<ChaincodeCase, 'category' | 'code'>[] {
  return chaincodeTargets(targets).map((target) => ({
    name: `${target.contract}:${target.transaction} valid`,
    contract: target.contract,
    transaction: target.transaction,
    kind: target.kind,
    caller: target.caller,
    args: [...(target.before ?? []), JSON.stringify(target.template.valid)],
  }));
}

/** Every chaincode case, for the state in `targets`. */
export function chaincodeCorpus(targets: Targets): ChaincodeCase[] {
  const cases = chaincodeTargets(targets).flatMap((target) =>
    variants(target.template, 'chaincode').map((variant): ChaincodeCase => ({
      name: `${target.contract}:${target.transaction} ${variant.label}`,
      category: variant.category,
      contract: target.contract,
      transaction: target.transaction,
      kind: target.kind,
      caller: target.caller,
      args: [...(target.before ?? []), payloadBytes(variant.payload)],
      code: 'INVALID_ARGUMENT',
    })),
  );
  return [
    ...cases,
    ...idCases(targets),
    {
      name: 'records:AnchorBatch 100,001 items',
      category: 'oversized',
      contract: 'records',
      transaction: 'AnchorBatch',
      kind: 'submit',
      caller: 'clinician',
      args: [oversizedBatch(targets.patientId)],
      code: 'INVALID_ARGUMENT',
    },
    {
      name: 'access:NoSuchTransaction',
      category: 'unknown-enum',
      contract: 'access',
      transaction: 'NoSuchTransaction',
      kind: 'submit',
      caller: 'clinician',
      args: [],
      code: 'INVALID_ARGUMENT',
    },
  ];
}

// ---- REST --------------------------------------------------------------------------------------

/** Who sends a REST case (a user the suite creates through the gateways). */
export type RestCaller = 'patient' | 'doctor' | 'regulator' | 'admin' | 'anonymous';

/** A REST case: endpoint, caller, body or query, and the status expected. */
export interface RestCase {
  readonly name: string;
  readonly category: BadInputCategory;
  /** The gateway (organization short name). */
  readonly org: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly caller: RestCaller;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
  readonly status: number;
}

interface RestTarget {
  readonly org: string;
  readonly method: 'POST' | 'PUT' | 'GET';
  readonly path: string;
  readonly caller: RestCaller;
  readonly template: Template;
}

const MB40 = 40 * 1024 * 1024;

function restTargets(targets: Targets): RestTarget[] {
  const { patientId } = targets;
  const consent = { ...consentTemplate(), maxBytes: undefined };
  const item = {
    recordId: targets.recordId,
    patientId,
    category: 'imaging',
    sha256: 'b'.repeat(64),
  };
  const itemFields = {
    recordId: 'recordId',
    patientId: 'patientId',
    category: 'category',
    sha256: 'sha256',
  } as const;
  return [
    {
      org: 'tertiary',
      method: 'POST',
      path: '/consents',
      caller: 'patient',
      template: { ...consent, maxBytes: MB40 },
    },
    {
      org: 'tertiary',
      method: 'PUT',
      path: `/consents/${targets.consentId}`,
      caller: 'patient',
      template: consent,
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/access-requests',
      caller: 'doctor',
      template: {
        valid: { patientId, purpose: 'treatment', categories: ['imaging'], recordIds: ['rec-1'] },
        fields: {
          patientId: 'patientId',
          purpose: 'purpose',
          categories: 'categories',
          recordIds: 'recordIds',
          dataFrom: 'instant',
        },
        required: ['patientId', 'purpose', 'categories'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/access-requests/emergency',
      caller: 'doctor',
      template: {
        valid: {
          patientId,
          categories: ['medication'],
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justification: 'unconscious in the ER',
        },
        fields: {
          patientId: 'patientId',
          categories: 'categories',
          reasonCode: 'enum',
          justification: 'text',
          recordIds: 'recordIds',
        },
        required: ['patientId', 'categories', 'reasonCode', 'justification'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/records',
      caller: 'doctor',
      template: {
        valid: item,
        fields: itemFields,
        required: ['recordId', 'patientId', 'category'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/records/batches',
      caller: 'doctor',
      template: {
        valid: { batchId: `${targets.recordId}-b`, items: [item] },
        fields: { batchId: 'recordId', items: 'recordIds' },
        required: ['items'],
        maxBytes: MB40,
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/records/verify',
      caller: 'doctor',
      template: {
        valid: { recordId: targets.recordId, sha256: 'e'.repeat(64) },
        fields: { recordId: 'recordId', sha256: 'sha256' },
        required: ['recordId'],
      },
    },
    {
      org: 'gov',
      method: 'POST',
      path: `/audit/emergency-reviews/${targets.eventId}`,
      caller: 'regulator',
      template: {
        valid: { outcome: 'justified' },
        fields: { outcome: 'enum' },
        required: ['outcome'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/identities',
      caller: 'admin',
      template: {
        valid: { username: 'bad-input-user', password: 'a-long-password', role: 'clinician' },
        fields: {
          username: 'recordId',
          password: 'text',
          role: 'enum',
          patientId: 'patientId',
          practitionerId: 'mspId',
        },
        required: ['username', 'password', 'role'],
      },
    },
  ];
}

/** GET endpoints and their query fields (a query string has no types: only strings vary). */
function queryCases(targets: Targets): RestCase[] {
  const stringsOnly = (kind: FieldKind): BadValue[] =>
    badValues(kind, 'rest').filter(
      (bad) => typeof bad.value === 'string' || typeof bad.value === 'number',
    );
  const endpoints: {
    org: string;
    path: string;
    caller: RestCaller;
    valid: Record<string, string>;
    fields: Record<string, FieldKind>;
  }[] = [
    {
      org: 'tertiary',
      path: '/consents',
      caller: 'patient',
      valid: {},
      fields: { patientId: 'patientId', grantee: 'mspId', status: 'enum', pageSize: 'pageSize' },
    },
    {
      org: 'tertiary',
      path: '/access-decisions',
      caller: 'doctor',
      valid: { patientId: targets.patientId, purpose: 'treatment', categories: 'imaging' },
      fields: {
        patientId: 'patientId',
        purpose: 'purpose',
        categories: 'category',
        dataFrom: 'instant',
      },
    },
    {
      org: 'gov',
      path: '/audit/access-events',
      caller: 'regulator',
      valid: {},
      fields: {
        patientId: 'patientId',
        accessorOrg: 'mspId',
        from: 'instant',
        decision: 'enum',
        breakGlass: 'boolean',
        pageSize: 'pageSize',
      },
    },
    {
      org: 'gov',
      path: '/audit/statistics',
      caller: 'regulator',
      valid: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', level: 'city' },
      fields: { from: 'instant', to: 'instant', level: 'enum' },
    },
  ];
  return endpoints.flatMap((endpoint) =>
    Object.entries(endpoint.fields).flatMap(([field, kind]) =>
      stringsOnly(kind).map((bad) => ({
        name: `GET ${endpoint.path}?${field}: ${bad.label}`,
        category: bad.category,
        org: endpoint.org,
        method: 'GET' as const,
        path: `${endpoint.path}?${new URLSearchParams({ ...endpoint.valid, [field]: String(bad.value) }).toString()}`,
        caller: endpoint.caller,
        status: 400,
      })),
    ),
  );
}

/** Malformed path parameters. */
function pathCases(): RestCase[] {
  const ids = [
    'con-123',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    '%E2%80%AEcon-000000000000000000000000',
    "'%20OR%201%3D1",
    'a'.repeat(300),
  ];
  const paths = [
    ['tertiary', 'GET', '/consents/'],
    ['tertiary', 'POST', '/consents/:id/revoke'],
    ['tertiary', 'GET', '/records/'],
    ['gov', 'GET', '/audit/access-events/'],
  ] as const;
  return paths.flatMap(([org, method, path]) =>
    // con-123 is a well-formed record ID (not found, 404), so not bad input there.
    ids
      .filter((id) => !(path === '/records/' && id === 'con-123'))
      .map((id) => ({
        name: `${method} ${path} ${id.slice(0, 24)}`,
        category: id.startsWith('con')
          ? ('invalid-id' as const)
          : id.includes('%')
            ? ('injection' as const)
            : ('oversized' as const),
        org,
        method,
        path: path.includes(':id') ? path.replace(':id', id) : `${path}${id}`,
        caller: org === 'gov' ? ('regulator' as const) : ('patient' as const),
        status: 400,
      })),
  );
}

/** Every REST case, for the state in `targets`. */
export function restCorpus(targets: Targets): RestCase[] {
  const bodies = restTargets(targets).flatMap((target) => {
    const cases = variants(target.template, 'rest').map((variant): RestCase => ({
      name: `${target.method} ${target.path} ${variant.label}`,
      category: variant.category,
      org: target.org,
      method: target.method,
      path: target.path,
      caller: target.caller,
      body: payloadBytes(variant.payload),
      contentType: 'application/json',
      status: variant.category === 'oversized' && variant.label.startsWith('over ') ? 413 : 400,
    }));
    const valid = JSON.stringify(target.template.valid);
    const contentTypes: [string, number][] = [
      ['text/plain', 400],
      ['application/xml', 400],
      ['application/x-www-form-urlencoded', 400],
      ['application/json; charset=iso-8859-1', 415],
      ['application/json; charset=utf-7', 415],
    ];
    return [
      ...cases,
      ...contentTypes.map(([contentType, status]): RestCase => ({
        name: `${target.method} ${target.path} as ${contentType}`,
        category: 'wrong-content-type',
        org: target.org,
        method: target.method,
        path: target.path,
        caller: target.caller,
        body: valid,
        contentType,
        status,
      })),
      {
        name: `${target.method} ${target.path} empty body`,
        category: 'missing-field' as const,

        org: target.org,
        method: target.method,
        path: target.path,
        caller: target.caller,
        body: '',
        contentType: 'application/json',
        status: 400,
      },
    ];
  });
  return [...bodies, ...queryCases(targets), ...pathCases()];
}
