import { gzipSync } from 'node:zlib';
import {
  base64url,
  buildStatement,
  canonicalJson,
  requestedConsent,
  type ConsentRequestTerms,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
} from '@consent-ledger/ledger-api';

/**
 * The bad-input corpus of the reliability tests (docs/reliability.md, "Bad input"), as data: named
 * cases, each a target (a chaincode transaction, or a gateway endpoint) and what is sent, generated
 * from a valid input per target by the mutations of each category below, plus the transport's own
 * cases (the transient request a proposal carries: docs/ledger-api.md, "Calling conventions") and
 * malformed signed statements (docs/patient-keys.md). The chaincode suite
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
  'malformed-request',
  'malformed-statement',
] as const;

/** A category of bad input. */
export type BadInputCategory = (typeof BAD_INPUT_CATEGORIES)[number];

/** The categories only the gateways have (HTTP content types). */
export const REST_ONLY_CATEGORIES: readonly BadInputCategory[] = ['wrong-content-type'];
/** The categories only the chaincode has (the transient request of a proposal). */
export const CHAINCODE_ONLY_CATEGORIES: readonly BadInputCategory[] = ['malformed-request'];

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
  | 'guardianId'
  | 'sha256'
  | 'recordId'
  | 'consentId'
  | 'eventId'
  | 'instant'
  | 'day'
  | 'mspId'
  | 'purposes'
  | 'purpose'
  | 'categories'
  | 'labels'
  | 'category'
  | 'pageSize'
  | 'recordIds'
  | 'patientIds'
  | 'eventIds'
  | 'enum'
  | 'boolean'
  | 'object'
  | 'list'
  | 'count'
  | 'version'
  | 'text'
  | 'publicKey'
  | 'keyId'
  | 'noticeId'
  | 'noticeTexts'
  | 'noticeRef'
  | 'enrolmentCode'
  | 'handoff'
  | 'enrolment'
  | 'salt'
  | 'collection'
  | 'bookmark'
  | 'items'
  | 'institutionId'
  | 'institutions';

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
const base32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Bad derived IDs (`con-`, `evt-`, `ref-` + 24 hex) of a prefix. */
function derivedIds(prefix: string): BadValue[] {
  return [
    { category: 'invalid-id', label: 'empty', value: '' },
    { category: 'invalid-id', label: 'too short', value: `${prefix}-123` },
    { category: 'invalid-id', label: 'wrong prefix', value: 'xyz-000000000000000000000000' },
    {
      category: 'invalid-id',
      label: 'upper-case hex',
      value: `${prefix}-ABCDEF000000000000000000`,
    },
    { category: 'injection', label: 'path traversal', value: '../../etc/passwd' },
    {
      category: 'unicode',
      label: 'RTL override',
      value: `\u202e${prefix}-000000000000000000000000`,
    },
    { category: 'oversized', label: '5000 characters', value: `${prefix}-${big(5000)}` },
  ];
}

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
        { category: 'invalid-id', label: 'a guardian ID', value: 'rp-abcdefghijklmnop' },
        { category: 'oversized', label: '5000 characters', value: `pid-${big(5000)}` },
        { category: 'unicode', label: 'NUL inside', value: 'pid-abcdefghijklmno\u0000' },
        { category: 'unicode', label: 'RTL override', value: '\u202epid-abcdefghijklmnop' },
        { category: 'unicode', label: 'emoji', value: 'pid-abcdefghijklmn💥' },
        { category: 'unicode', label: 'lone surrogate', value: 'pid-abcdefghijklmno\ud800' },
        { category: 'injection', label: 'SQL', value: "pid-' OR '1'='1' --" },
      ];
    case 'guardianId':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 7 },
        { category: 'invalid-id', label: 'a pseudonym', value: 'pid-abcdefghijklmnop' },
        { category: 'invalid-id', label: 'too short', value: 'rp-abc' },
        { category: 'invalid-id', label: 'upper case', value: 'rp-ABCDEFGHIJKLMNOP' },
        { category: 'oversized', label: '5000 characters', value: `rp-${big(5000)}` },
        { category: 'unicode', label: 'zero-width space', value: 'rp-abcdefghijklmnop\u200b' },
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
    case 'consentId':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 1 },
        ...derivedIds('con'),
      ];
    case 'eventId':
      return [...common, ...derivedIds('evt')];
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
    case 'day':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 20260101 },
        { category: 'impossible-date', label: '2026-02-30', value: '2026-02-30' },
        { category: 'impossible-date', label: 'month 00', value: '2026-00-10' },
        { category: 'impossible-date', label: 'no leading zeros', value: '2026-1-1' },
        { category: 'impossible-date', label: 'an instant', value: '2026-01-01T00:00:00.000Z' },
        { category: 'unicode', label: 'Arabic-Indic digits', value: '٢٠٢٦-٠١-٠١' },
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
        { category: 'wrong-type', label: 'number, not a list', value: 17 },
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
    case 'labels':
      return [
        ...common,
        { category: 'unknown-enum', label: 'unknown sensitivity label', value: ['MENTAL'] },
        { category: 'unknown-enum', label: 'lower case', value: ['psy'] },
        // (Not a bare string: the access endpoints take 'PSY' for ['PSY'], as a query string would.)
        { category: 'wrong-type', label: 'number, not a list', value: 17 },
        { category: 'wrong-type', label: 'list of numbers', value: [1, 2] },
        { category: 'missing-field', label: 'empty list', value: [] },
        { category: 'oversized', label: '50 entries', value: Array(50).fill('HIV') },
        { category: 'unicode', label: 'full-width letters', value: ['ＰＳＹ'] },
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
          value: Array.from({ length: 101 }, (_, i) => `r${String(i)}`),
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
              `pid-${'a'.repeat(14)}${base32[i % 32] ?? 'a'}${base32[Math.floor(i / 32)] ?? 'a'}`,
          ),
        },
        { category: 'invalid-id', label: 'bad pseudonym', value: ['patient-1'] },
        { category: 'missing-field', label: 'empty list', value: [] },
      ];
    case 'eventIds':
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'evt-000000000000000000000000' },
        { category: 'missing-field', label: 'empty list', value: [] },
        { category: 'invalid-id', label: 'bad event ID', value: ['evt-123'] },
        {
          category: 'oversized',
          label: '501 IDs',
          value: Array.from({ length: 501 }, (_, i) => `evt-${i.toString(16).padStart(24, '0')}`),
        },
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
    case 'version':
      return [
        ...common,
        { category: 'wrong-type', label: 'zero', value: 0 },
        { category: 'wrong-type', label: 'fraction', value: 1.5 },
        { category: 'wrong-type', label: 'numeric string', value: '1' },
        { category: 'oversized', label: '1e12', value: 1e12 },
      ];
    case 'institutionId':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 7 },
        { category: 'invalid-id', label: 'a name, not a code', value: 'West Lake Mutual' },
        { category: 'invalid-id', label: 'upper case', value: 'inst-INSURER01' },
        { category: 'oversized', label: '5000 characters', value: `inst-${big(5000)}` },
        { category: 'unicode', label: 'Cyrillic look-alike', value: 'inst-insurеr01' },
      ];
    case 'institutions': {
      const institute = {
        institutionId: 'inst-research01',
        type: 'research-institute',
        region: { province: '330000' },
      };
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'inst-research01' },
        {
          category: 'invalid-id',
          label: 'a name, not a code',
          value: [{ ...institute, institutionId: 'Provincial Genomics Institute' }],
        },
        { category: 'invalid-id', label: 'listed twice', value: [institute, institute] },
        {
          category: 'unknown-enum',
          label: 'unknown type',
          value: [{ ...institute, type: 'bank' }],
        },
        {
          category: 'unknown-enum',
          label: 'a type its organization type cannot list',
          value: [{ ...institute, type: 'insurer' }],
        },
        {
          category: 'unknown-field',
          label: 'a display name',
          value: [{ ...institute, displayName: 'Provincial Genomics Institute' }],
        },
        {
          category: 'oversized',
          label: '65 institutions',
          value: Array.from({ length: 65 }, (_, n) => ({
            ...institute,
            institutionId: `inst-r${String(n).padStart(4, '0')}`,
          })),
        },
      ];
    }
    case 'text':
      return [
        { category: 'wrong-type', label: 'number', value: 5 },
        { category: 'oversized', label: '5000 characters', value: big(5000) },
      ];
    case 'publicKey':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 5 },
        {
          category: 'invalid-id',
          label: 'too short',
          value: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
        },
        { category: 'invalid-id', label: 'standard base64', value: `${'A+/'.repeat(40)}AA==` },
        { category: 'invalid-id', label: 'PEM text', value: '-----BEGIN PUBLIC KEY-----' },
        { category: 'oversized', label: '5000 characters', value: big(5000) },
        { category: 'unicode', label: 'NUL inside', value: `${big(121)}\u0000` },
      ];
    case 'noticeId':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 7 },
        { category: 'invalid-id', label: 'a title', value: 'Consent Sharing' },
        { category: 'invalid-id', label: 'upper case', value: 'CONSENT' },
        { category: 'invalid-id', label: 'a digit first', value: '1-notice' },
        { category: 'oversized', label: '65 characters', value: `n${big(64)}` },
        { category: 'unicode', label: 'NUL inside', value: 'consent\u0000' },
        { category: 'injection', label: 'path', value: '../consent' },
      ];
    case 'noticeTexts':
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'notice' },
        { category: 'missing-field', label: 'no English', value: { 'zh-CN': '告知书' } },
        {
          category: 'unknown-field',
          label: 'a third language',
          value: { 'zh-CN': '告知书', en: 'Notice', fr: 'Avis' },
        },
        {
          category: 'wrong-type',
          label: 'blank English',
          value: { 'zh-CN': '告知书', en: '  \n' },
        },
        {
          category: 'oversized',
          label: '8001 characters',
          value: { 'zh-CN': '告知书', en: big(8001) },
        },
        {
          category: 'unicode',
          label: 'a control character',
          value: { 'zh-CN': '告知书', en: 'bell\u0007' },
        },
      ];
    case 'noticeRef':
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'consent-sharing' },
        {
          category: 'missing-field',
          label: 'no sha256',
          value: { org: 'TertiaryHospitalMSP', noticeId: 'consent-sharing', version: 1 },
        },
        {
          category: 'invalid-hash',
          label: 'upper-case sha256',
          value: {
            org: 'TertiaryHospitalMSP',
            noticeId: 'consent-sharing',
            version: 1,
            sha256: 'A'.repeat(64),
          },
        },
        {
          category: 'wrong-type',
          label: 'version 0',
          value: {
            org: 'TertiaryHospitalMSP',
            noticeId: 'consent-sharing',
            version: 0,
            sha256: 'a'.repeat(64),
          },
        },
        {
          category: 'unknown-field',
          label: 'a title',
          value: {
            org: 'TertiaryHospitalMSP',
            noticeId: 'consent-sharing',
            version: 1,
            sha256: 'a'.repeat(64),
            title: 'x',
          },
        },
      ];
    case 'keyId':
      return [
        ...common,
        { category: 'invalid-id', label: 'too short', value: 'abc' },
        { category: 'invalid-id', label: 'standard base64', value: 'AAAAAAAAAAAAAAAAAAAA+/' },
        { category: 'oversized', label: '5000 characters', value: big(5000) },
      ];
    case 'enrolmentCode':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 1234 },
        { category: 'invalid-id', label: 'too short', value: 'ABCD-EFGH' },
        { category: 'invalid-id', label: 'not base32 (digit 1)', value: 'ABCD-EFGH-IJKL-MNO1' },
        { category: 'invalid-id', label: '17 characters', value: 'ABCDEFGHIJKLMNOPQ' },
        { category: 'oversized', label: '5000 characters', value: big(5000) },
        { category: 'unicode', label: 'full-width letters', value: 'ＡＢＣＤ-EFGH-IJKL-MNOP' },
      ];
    case 'handoff':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 43 },
        { category: 'invalid-id', label: 'too short', value: 'A'.repeat(42) },
        { category: 'invalid-id', label: 'standard base64', value: `${'A+/'.repeat(14)}A` },
        { category: 'unicode', label: 'full-width letters', value: 'Ａ'.repeat(43) },
        { category: 'injection', label: 'SQL', value: `' OR 1=1 --${'A'.repeat(32)}` },
        // Within the 4 KiB that /auth routes take (the validator refuses it); larger is a 413.
        { category: 'oversized', label: '2000 characters', value: big(2000) },
      ];
    case 'enrolment':
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'ABCD-EFGH-IJKL-MNOP' },
        { category: 'missing-field', label: 'without salt', value: { hash: 'c'.repeat(64) } },
        {
          category: 'invalid-hash',
          label: 'upper-case hash',
          value: { hash: 'C'.repeat(64), salt: 'AAAAAAAAAAAAAAAAAAAAAA' },
        },
        {
          category: 'invalid-id',
          label: 'short salt',
          value: { hash: 'c'.repeat(64), salt: 'AAAA' },
        },
        {
          category: 'unknown-field',
          label: 'the code itself beside its hash',
          value: { hash: 'c'.repeat(64), salt: 'AAAAAAAAAAAAAAAAAAAAAA', code: 'ABCDEFGHIJKLMNOP' },
        },
      ];
    case 'salt':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 16 },
        { category: 'invalid-id', label: '8 bytes', value: 'AAAAAAAAAAA' },
        { category: 'invalid-id', label: 'standard base64', value: 'AAAAAAAAAAAAAAAAAAA+/==' },
        { category: 'oversized', label: '200 characters', value: big(200) },
      ];
    case 'collection':
      return [
        ...common,
        { category: 'invalid-id', label: 'no such collection', value: 'org_NoSuchMSP' },
        {
          category: 'invalid-id',
          label: 'a pair the wrong way round',
          value: 'pair_TertiaryHospitalMSP_CommunityHospitalMSP',
        },
        { category: 'injection', label: 'path traversal', value: '../org_GovMSP' },
        { category: 'oversized', label: '5000 characters', value: big(5000) },
      ];
    case 'bookmark':
      return [
        ...common,
        { category: 'wrong-type', label: 'number', value: 12 },
        { category: 'invalid-id', label: 'not base64url', value: 'not a bookmark!' },
        { category: 'injection', label: 'path traversal', value: '../../etc/passwd' },
        { category: 'oversized', label: '3000 characters', value: big(3000) },
      ];
    case 'items':
      return [
        ...common,
        { category: 'wrong-type', label: 'string', value: 'rec-1' },
        { category: 'missing-field', label: 'empty list', value: [] },
        {
          category: 'missing-field',
          label: 'an item without its salt',
          value: [{ recordId: 'x' }],
        },
        { category: 'unknown-field', label: 'an item with a note', value: [{ note: 'x' }] },
      ];
  }
}

/**
 * Every variant of a template: each field with each bad value of its kind, each required field
 * left out, unknown fields (also `__proto__`), malformed and non-object JSON, a payload over the
 * size limit, and bytes that are not UTF-8 (an overlong encoding of `/`). With `jsonOnly` (a
 * payload inside a signed statement, which is JSON by construction), only the JSON variants.
 */
export function variants(
  template: Template,
  level: 'chaincode' | 'rest',
  options: Readonly<{ jsonOnly?: boolean }> = {},
): Variant[] {
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
  out.push(
    {
      category: 'unknown-field',
      label: 'free-text note',
      payload: { json: { ...template.valid, note: 'free text' } },
    },
    {
      category: 'injection',
      label: '$where operator field',
      payload: { json: { ...template.valid, $where: 'sleep(1000)' } },
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
  );
  if (template.maxBytes !== undefined) {
    out.push({
      category: 'oversized',
      label: `over ${String(template.maxBytes)} bytes`,
      payload: { json: { ...template.valid, pad: big(template.maxBytes + 16) } },
    });
  }
  if (options.jsonOnly === true) return out;
  const validText = JSON.stringify(template.valid);
  out.push(
    {
      category: 'unknown-field',
      label: '__proto__ pollution',
      payload: { raw: `{"__proto__":{"admin":true},${validText.slice(1)}` },
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
    { category: 'wrong-type', label: 'null instead of an object', payload: { raw: 'null' } },
    {
      category: 'unicode',
      label: 'overlong UTF-8 (0xC0 0xAF)',
      payload: {
        bytes: concat(
          new TextEncoder().encode(`${validText.slice(0, -1)},"x":"`),
          Uint8Array.of(0xc0, 0xaf, 0xff),
          new TextEncoder().encode('"}'),
        ),
      },
    },
  );
  return out;
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The serialized payload, as an argument's text or an HTTP body. */
export function payloadBytes(payload: Payload): string | Uint8Array {
  if ('bytes' in payload) return payload.bytes;
  if ('raw' in payload) return payload.raw;
  return JSON.stringify(payload.json);
}

/** IDs and values of existing state the cases aim at (so that only the input can be wrong). */
export interface Targets {
  /** An active patient of the suite's home organization, whose statements the suite signs. */
  readonly patientId: string;
  /** An active consent of the patient, and its version. */
  readonly consentId: string;
  readonly consentVersion: number;
  /** A revoked consent of the patient. */
  readonly revokedConsentId: string;
  /** A second device key of the patient (RemoveDevice may remove it). */
  readonly deviceKeyId: string;
  /** A pending patient (not activated) and the key the suite signs the activation with. */
  readonly pending: {
    readonly patientId: string;
    readonly enrolmentCode: string;
    readonly publicKey: string;
  };
  /** A guardian approved and not activated, and the key the suite signs the activation with. */
  readonly guardian: {
    readonly patientId: string;
    readonly guardianId: string;
    readonly enrolmentCode: string;
    readonly publicKey: string;
  };
  readonly eventId: string;
  readonly referralId: string;
  readonly recordId: string;
  /** An open consent request of {@link requestTerms} to the patient (the chaincode suite's). */
  readonly requestId?: string;
}

/** The statement a case signs: any action and payload, with fields of its envelope overridden. */
export interface StatementRequest {
  readonly action: string;
  readonly payload: unknown;
  /** Envelope fields replaced (or, when `undefined`, removed) after the statement is built. */
  readonly envelope?: Readonly<Record<string, unknown>>;
}

/**
 * Signs statements for the corpus's cases when a case is sent (statements expire): the suite's
 * patient's key, or for the activations the key the payload names (targets' pending patient and
 * guardian). Answers the SignedAction's fields as sent: the statement's canonical text and the
 * signature.
 */
export type CorpusSigner = (
  request: StatementRequest,
) => Promise<{ readonly statement: string; readonly signature: string }>;

/** Who signs a statement: a key, and the patient (and guardian) it speaks for. */
export interface StatementIdentity {
  readonly key: PatientKey;
  readonly patientId: string;
  readonly guardianId?: string;
}

/**
 * A {@link CorpusSigner} over real keys: the activations are signed by the identities that
 * activate (the pending patient's or guardian's new key), everything else by the patient's key.
 * Statements live ten minutes; `envelope` fields are replaced (removed when `undefined`) before the
 * statement is made canonical and signed, so that only what a case changes is wrong.
 */
export function statementSigner(
  options: Readonly<{
    channel: string;
    chaincode: string;
    patient: StatementIdentity;
    activation: StatementIdentity;
    guardian: StatementIdentity;
  }>,
): CorpusSigner {
  return async ({ action, payload, envelope }) => {
    const who =
      action === 'patient:ActivatePatient'
        ? options.activation
        : action === 'patient:ActivateGuardian'
          ? options.guardian
          : options.patient;
    const built = buildStatement({
      action: action as PatientActionName,
      channel: options.channel,
      chaincode: options.chaincode,
      patientId: who.patientId,
      signer:
        who.guardianId === undefined
          ? { kind: 'patient', id: who.patientId, keyId: who.key.keyId }
          : { kind: 'guardian', id: who.guardianId, keyId: who.key.keyId },
      payload: payload as PatientActions[PatientActionName],
      now: new Date(),
      ttlMillis: 10 * 60_000,
    });
    const fields: Record<string, unknown> = { ...built };
    for (const [name, value] of Object.entries(envelope ?? {})) {
      if (value === undefined) Reflect.deleteProperty(fields, name);
      else fields[name] = value;
    }
    const statement = canonicalJson(fields);
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      who.key.privateKey,
      new TextEncoder().encode(statement),
    );
    return { statement, signature: base64url(new Uint8Array(signature)) };
  };
}

const DAY = 86_400_000;
/** A time `days` from now, ISO. */
export const fromNow = (days: number): string => new Date(Date.now() + days * DAY).toISOString();

// ---- Chaincode ---------------------------------------------------------------------------------

/** Who sends a chaincode case (an identity enrolled by the suite). */
export type Caller = 'homeAdmin' | 'clinician' | 'regulator' | 'researcher' | 'govAdmin';

/** What a chaincode case sends: the proposal's transient map, and arguments on the proposal itself. */
export interface RawProposal {
  readonly transient: Record<string, Uint8Array>;
  /** Proposal arguments (the old transport, refused: inputs travel as transient data). */
  readonly arguments?: readonly string[];
}

/** A chaincode case: transaction, caller, what it sends and the coded error expected. */
export interface ChaincodeCase {
  readonly name: string;
  readonly category: BadInputCategory;
  readonly contract: string;
  readonly fn: string;
  readonly kind: 'submit' | 'evaluate';
  readonly caller: Caller;
  readonly code: string;
  /** Builds the proposal when the case is sent. */
  build(sign: CorpusSigner): Promise<RawProposal>;
}

/** A valid call of a transaction, as the baselines and the transport cases use it. */
export interface ValidCall {
  readonly name: string;
  readonly contract: string;
  readonly fn: string;
  readonly kind: 'submit' | 'evaluate';
  readonly caller: Caller;
  /** The arguments (strings as they travel), made when the call is sent. */
  args(sign: CorpusSigner): Promise<readonly string[]>;
}

const encoder = new TextEncoder();
const encode = (text: string): Uint8Array => encoder.encode(text);
/** A fixed random-looking salt (22 base64url characters: 16 bytes). */
const SALT = 'c2FsdHNhbHRzYWx0c2FsdA';

/** The transient map of a request `{args, salt?}` (as ledger-api's transientRequest makes it). */
function request(args: readonly string[], kind: 'submit' | 'evaluate'): Record<string, Uint8Array> {
  return {
    request: encode(JSON.stringify(kind === 'submit' ? { args, salt: freshSalt() } : { args })),
  };
}

/** 16 random bytes, base64url (a fresh salt for every submit). */
function freshSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

interface ChaincodeTarget {
  readonly contract: string;
  readonly fn: string;
  readonly kind: 'submit' | 'evaluate';
  readonly caller: Caller;
  /** Plain arguments before the JSON one. */
  readonly before?: readonly string[];
  readonly template: Template;
  /** The JSON argument is the payload of a statement of this action, signed. */
  readonly signed?: string;
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
      sensitive: 'labels',
      validUntil: 'instant',
      dataFrom: 'instant',
      exceptions: 'list',
      notice: 'noticeRef',
    },
    required: ['grantee', 'purposes', 'categories'],
    maxBytes: 24 * 1024,
  };
}

const ENROLMENT = { hash: 'c'.repeat(64), salt: SALT };

/** The JSON-argument transactions of the chaincode with a valid input each. */
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
  const batchItem = { ...item, salt: SALT };
  const consent = consentTemplate();
  return [
    {
      contract: 'registry',
      fn: 'RegisterOrganization',
      kind: 'submit',
      caller: 'govAdmin',
      template: {
        // ResearchMSP as registered (network/topology.yaml): were a case accepted, nothing changed.
        valid: {
          mspId: 'ResearchMSP',
          type: 'research',
          region: { province: '330000', city: '330100', county: '330106' },
          institutions: [
            {
              institutionId: 'inst-research01',
              type: 'research-institute',
              region: { province: '330000', city: '330100', county: '330106' },
            },
            {
              institutionId: 'inst-research02',
              type: 'research-institute',
              region: { province: '330000', city: '330100' },
            },
          ],
        },
        fields: {
          mspId: 'mspId',
          type: 'enum',
          tier: 'enum',
          region: 'object',
          institutions: 'institutions',
        },
        required: ['mspId', 'type', 'region'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'notice',
      fn: 'PublishNotice',
      kind: 'submit',
      caller: 'homeAdmin',
      template: {
        // A notice never published (the valid call is endorsed only, never submitted).
        valid: {
          noticeId: 'bad-input-corpus',
          version: 1,
          texts: { 'zh-CN': '告知书', en: 'Notice' },
        },
        fields: { noticeId: 'noticeId', version: 'version', texts: 'noticeTexts' },
        required: ['noticeId', 'version', 'texts'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'patient',
      fn: 'RegisterPatient',
      kind: 'submit',
      caller: 'homeAdmin',
      template: {
        // A pseudonym registered already: were a case accepted, CONFLICT, nothing written.
        valid: { patientId, enrolment: ENROLMENT, adultFrom: '2040-01-01' },
        fields: { patientId: 'patientId', enrolment: 'enrolment', adultFrom: 'day' },
        required: ['patientId', 'enrolment'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'patient',
      fn: 'RequestRecovery',
      kind: 'submit',
      caller: 'homeAdmin',
      template: {
        valid: { patientId, enrolment: ENROLMENT },
        fields: { patientId: 'patientId', enrolment: 'enrolment' },
        required: ['patientId', 'enrolment'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'patient',
      fn: 'ProposeGuardian',
      kind: 'submit',
      caller: 'homeAdmin',
      template: {
        valid: {
          patientId,
          guardianId: 'rp-abcdefghijklmnop',
          relationship: 'parent',
          validFrom: fromNow(0),
          validUntil: fromNow(30),
          enrolment: ENROLMENT,
        },
        fields: {
          patientId: 'patientId',
          guardianId: 'guardianId',
          relationship: 'enum',
          validFrom: 'instant',
          validUntil: 'instant',
          enrolment: 'enrolment',
        },
        required: [
          'patientId',
          'guardianId',
          'relationship',
          'validFrom',
          'validUntil',
          'enrolment',
        ],
        maxBytes: KIB64,
      },
    },
    ...(['ApproveGuardian', 'EndGuardianship'] as const).map((fn): ChaincodeTarget => ({
      contract: 'patient',
      fn,
      kind: 'submit',
      caller: 'regulator',
      template: {
        valid: { patientId: targets.guardian.patientId, guardianId: targets.guardian.guardianId },
        fields: { patientId: 'patientId', guardianId: 'guardianId' },
        required: ['patientId', 'guardianId'],
        maxBytes: KIB64,
      },
    })),
    {
      contract: 'patient',
      fn: 'ActivatePatient',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'patient:ActivatePatient',
      template: {
        valid: {
          publicKey: targets.pending.publicKey,
          enrolmentCode: targets.pending.enrolmentCode,
        },
        fields: { publicKey: 'publicKey', enrolmentCode: 'enrolmentCode' },
        required: ['publicKey', 'enrolmentCode'],
      },
    },
    {
      contract: 'patient',
      fn: 'ActivateGuardian',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'patient:ActivateGuardian',
      template: {
        valid: {
          publicKey: targets.guardian.publicKey,
          enrolmentCode: targets.guardian.enrolmentCode,
          guardianId: targets.guardian.guardianId,
        },
        fields: {
          publicKey: 'publicKey',
          enrolmentCode: 'enrolmentCode',
          guardianId: 'guardianId',
        },
        required: ['publicKey', 'enrolmentCode', 'guardianId'],
      },
    },
    {
      contract: 'patient',
      fn: 'AddDevice',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'patient:AddDevice',
      template: {
        valid: { publicKey: targets.pending.publicKey },
        fields: { publicKey: 'publicKey' },
        required: ['publicKey'],
      },
    },
    {
      contract: 'patient',
      fn: 'RemoveDevice',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'patient:RemoveDevice',
      template: {
        valid: { keyId: targets.deviceKeyId },
        fields: { keyId: 'keyId' },
        required: ['keyId'],
      },
    },
    {
      contract: 'consent',
      fn: 'GrantConsent',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'consent:GrantConsent',
      template: consent,
    },
    {
      contract: 'consent',
      fn: 'UpdateConsent',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'consent:UpdateConsent',
      template: {
        ...consent,
        valid: {
          ...consent.valid,
          consentId: targets.consentId,
          expectedVersion: targets.consentVersion,
        },
        fields: { ...consent.fields, consentId: 'consentId', expectedVersion: 'version' },
        required: [...consent.required, 'consentId', 'expectedVersion'],
      },
    },
    {
      contract: 'consent',
      fn: 'RevokeConsent',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'consent:RevokeConsent',
      template: {
        valid: { consentId: targets.consentId, expectedVersion: targets.consentVersion },
        fields: { consentId: 'consentId', expectedVersion: 'version' },
        required: ['consentId', 'expectedVersion'],
      },
    },
    {
      contract: 'consent',
      fn: 'EraseConsent',
      kind: 'submit',
      caller: 'homeAdmin',
      signed: 'consent:EraseConsent',
      template: {
        valid: { consentId: targets.revokedConsentId },
        fields: { consentId: 'consentId' },
        required: ['consentId'],
      },
    },
    {
      contract: 'access',
      fn: 'RequestAccess',
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
          labels: 'labels',
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
      fn: 'RequestEmergencyAccess',
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
          labels: 'labels',
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
      fn: 'ReviewEmergencyAccess',
      kind: 'submit',
      caller: 'regulator',
      before: [targets.eventId],
      template: {
        valid: { outcome: 'justified', commentHash: 'e'.repeat(64) },
        fields: { outcome: 'enum', commentHash: 'sha256' },
        required: ['outcome', 'commentHash'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'cohort',
      fn: 'FindCohort',
      kind: 'evaluate',
      caller: 'researcher',
      template: {
        valid: { categories: ['laboratory'], pageSize: 10 },
        fields: { categories: 'categories', pageSize: 'pageSize', bookmark: 'bookmark' },
        required: ['categories'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'cohort',
      fn: 'RequestCohort',
      kind: 'submit',
      caller: 'researcher',
      template: {
        valid: { studyId: 'study-bad-input', categories: ['laboratory'], patientIds: [patientId] },
        fields: {
          studyId: 'recordId',
          categories: 'categories',
          patientIds: 'patientIds',
          ethicsApproval: 'recordId',
        },
        required: ['studyId', 'categories', 'patientIds'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'cohort',
      fn: 'SetResearchThreshold',
      kind: 'submit',
      caller: 'govAdmin',
      template: {
        // A region no organization of the network is in.
        valid: { region: '110000', minCohortSize: 0, ethicsApprovalRequired: false },
        fields: { region: 'mspId', minCohortSize: 'count', ethicsApprovalRequired: 'boolean' },
        required: ['minCohortSize', 'ethicsApprovalRequired'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'cohort',
      fn: 'QueryCohortRefusals',
      kind: 'evaluate',
      caller: 'regulator',
      template: {
        valid: { pageSize: 10 },
        fields: { pageSize: 'pageSize', bookmark: 'bookmark' },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'referral',
      fn: 'CreateReferral',
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
          returnOf: 'consentId',
        },
        required: ['patientId', 'toOrg', 'categories', 'validUntil'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'records',
      fn: 'AnchorRecord',
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
      fn: 'AnchorBatch',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: { batchId: `${targets.recordId}-batch`, items: [batchItem] },
        fields: { batchId: 'recordId', items: 'items' },
        required: ['items'],
        // 32 MiB: the oversized case is built by oversizedBatch() instead (a payload this big
        // per mutation would be wasteful).
      },
    },
    {
      contract: 'records',
      fn: 'AnchorBatch',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: batchItem,
        fields: { ...itemFields, salt: 'salt' },
        required: [...Object.keys(itemFields), 'salt'],
      },
    },
    {
      contract: 'consent',
      fn: 'QueryConsents',
      kind: 'evaluate',
      caller: 'homeAdmin',
      template: {
        valid: { patientId, status: 'active', pageSize: 10 },
        fields: { patientId: 'patientId', grantee: 'mspId', status: 'enum', pageSize: 'pageSize' },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'access',
      fn: 'CheckAccess',
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
      fn: 'VerifyBatchMember',
      kind: 'evaluate',
      caller: 'clinician',
      template: {
        valid: { batchId: 'batch-1', item: batchItem, leafIndex: 0, auditPath: ['d'.repeat(64)] },
        fields: { batchId: 'recordId', item: 'object', leafIndex: 'count', auditPath: 'recordIds' },
        required: ['batchId', 'item', 'leafIndex', 'auditPath'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'records',
      fn: 'QueryAnchors',
      kind: 'evaluate',
      caller: 'regulator',
      template: {
        valid: { patientId, org: 'TertiaryHospitalMSP', pageSize: 10 },
        fields: { patientId: 'patientId', org: 'mspId', pageSize: 'pageSize' },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      fn: 'QueryAccessEvents',
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
          region: 'mspId',
          pageSize: 'pageSize',
        },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      fn: 'QueryEmergencyReviews',
      kind: 'evaluate',
      caller: 'regulator',
      template: {
        valid: { pageSize: 10 },
        fields: { pageSize: 'pageSize', bookmark: 'bookmark' },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      fn: 'GetStatistics',
      kind: 'evaluate',
      caller: 'regulator',
      template: {
        valid: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', level: 'city' },
        fields: { from: 'instant', to: 'instant', level: 'enum', region: 'mspId' },
        required: ['from', 'to', 'level'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      fn: 'GetOpenStatistics',
      kind: 'evaluate',
      caller: 'govAdmin',
      template: {
        valid: { from: '2026-01-01', to: '2026-01-31' },
        fields: { from: 'day', to: 'day' },
        required: ['from', 'to'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      fn: 'FindExpired',
      kind: 'evaluate',
      caller: 'regulator',
      template: {
        valid: {
          collection: 'org_TertiaryHospitalMSP',
          kind: 'accessEvent',
          before: fromNow(-3_651),
          limit: 10,
        },
        fields: { collection: 'collection', kind: 'enum', before: 'instant', limit: 'count' },
        required: ['collection', 'kind', 'before'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      fn: 'PurgeExpired',
      kind: 'submit',
      caller: 'regulator',
      template: {
        valid: {
          collection: 'org_TertiaryHospitalMSP',
          kind: 'accessEvent',
          before: fromNow(-3_651),
          ids: [targets.eventId],
        },
        fields: { collection: 'collection', kind: 'enum', before: 'instant', ids: 'eventIds' },
        required: ['collection', 'kind', 'before', 'ids'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'audit',
      fn: 'RollupStatistics',
      kind: 'submit',
      caller: 'regulator',
      template: {
        valid: { day: '2026-01-01', total: 0, regions: {} },
        fields: { day: 'day', total: 'count', regions: 'object' },
        required: ['day', 'total', 'regions'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'request',
      fn: 'RequestConsent',
      kind: 'submit',
      caller: 'clinician',
      template: {
        valid: { patientId, terms: requestTerms(), reason: 'FOLLOW_UP' },
        fields: { patientId: 'patientId', terms: 'object', reason: 'enum' },
        required: ['patientId', 'terms', 'reason'],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'request',
      fn: 'QueryRequests',
      kind: 'evaluate',
      caller: 'homeAdmin',
      template: {
        valid: { patientId, status: 'open', pageSize: 10 },
        fields: {
          patientId: 'patientId',
          requesterOrg: 'mspId',
          status: 'enum',
          pageSize: 'pageSize',
          bookmark: 'bookmark',
        },
        required: [],
        maxBytes: KIB64,
      },
    },
    {
      contract: 'request',
      fn: 'SetRequestLimits',
      kind: 'submit',
      caller: 'regulator',
      template: {
        valid: { maxOpen: 3, maxPerWindow: 5 },
        fields: { maxOpen: 'count', maxPerWindow: 'count' },
        required: ['maxOpen', 'maxPerWindow'],
        maxBytes: KIB64,
      },
    },
    ...(targets.requestId === undefined
      ? []
      : ([
          {
            contract: 'request',
            fn: 'ApproveRequest',
            kind: 'submit',
            caller: 'homeAdmin',
            signed: 'request:ApproveRequest',
            template: {
              valid: {
                requestId: targets.requestId,
                consent: requestedConsent(requestTerms()),
              },
              fields: { requestId: 'consentId', consent: 'object' },
              required: ['requestId', 'consent'],
              maxBytes: 24 * 1024,
            },
          },
          {
            contract: 'request',
            fn: 'DeclineRequest',
            kind: 'submit',
            caller: 'homeAdmin',
            signed: 'request:DeclineRequest',
            template: {
              valid: { requestId: targets.requestId, reason: 'NOT_NEEDED' },
              fields: { requestId: 'consentId', reason: 'enum' },
              required: ['requestId'],
            },
          },
        ] satisfies ChaincodeTarget[])),
  ];
}

/**
 * The terms of the consent request the suites make and mutate: a consent to the tertiary hospital
 * (the chaincode suite's clinician's organization), fixed to the day so that an approval's
 * signed consent equals them.
 */
export function requestTerms(): ConsentRequestTerms {
  return {
    grantee: { org: 'TertiaryHospitalMSP' },
    purposes: ['treatment'],
    categories: ['imaging'],
    validUntil: `${fromNow(60).slice(0, 10)}T00:00:00.000Z`,
  };
}

/** The argument text of a target's JSON input (signed into a statement for the signed ones). */
async function argumentOf(
  target: ChaincodeTarget,
  payload: Payload,
  sign: CorpusSigner,
): Promise<string | Uint8Array> {
  if (target.signed === undefined) return payloadBytes(payload);
  if (!('json' in payload)) throw new Error('a signed payload is JSON');
  return JSON.stringify(await sign({ action: target.signed, payload: payload.json }));
}

/**
 * The transient map of a request whose arguments may hold bytes that are not UTF-8: such an
 * argument is spliced into the request's JSON text raw (so that the request is not UTF-8).
 */
function requestWith(
  args: readonly (string | Uint8Array)[],
  kind: 'submit' | 'evaluate',
): Record<string, Uint8Array> {
  const raw = args.findIndex((arg) => typeof arg !== 'string');
  if (raw < 0) return request(args as string[], kind);
  const marker = '\u0001RAW\u0001';
  const text = JSON.stringify({
    args: args.map((arg) => (typeof arg === 'string' ? arg : marker)),
    ...(kind === 'submit' ? { salt: freshSalt() } : {}),
  });
  const [head, tail] = text.split(JSON.stringify(marker).slice(1, -1)) as [string, string];
  return { request: concat(encode(head), args[raw] as Uint8Array, encode(tail)) };
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
  const pseudonyms = badValues('patientId', 'chaincode').filter(
    (bad) => typeof bad.value === 'string',
  );
  const days = badValues('day', 'chaincode').filter((bad) => typeof bad.value === 'string');
  const plain = (
    name: string,
    kind: 'submit' | 'evaluate',
    caller: Caller,
    values: readonly BadValue[],
    args: (value: string) => string[],
  ): ChaincodeCase[] =>
    values.map((bad) => {
      const [contract, fn] = name.split(':') as [string, string];
      return {
        name: `${name} ${bad.label}`,
        category: bad.category,
        contract,
        fn,
        kind,
        caller,
        code: 'INVALID_ARGUMENT',
        build: () => Promise.resolve({ transient: request(args(String(bad.value)), kind) }),
      };
    });
  const review = JSON.stringify({ outcome: 'justified', commentHash: 'e'.repeat(64) });
  return [
    ...plain('referral:CloseReferral', 'submit', 'clinician', ids, (id) => [id]),
    ...plain('referral:GetReferral', 'evaluate', 'clinician', ids, (id) => [id]),
    ...plain('request:WithdrawRequest', 'submit', 'clinician', ids, (id) => [id]),
    ...plain('request:GetRequest', 'evaluate', 'homeAdmin', ids, (id) => [id]),
    ...plain('audit:ReviewEmergencyAccess', 'submit', 'regulator', ids, (id) => [id, review]),
    ...plain('audit:CountDay', 'evaluate', 'regulator', days, (day) => [day]),
    ...plain('consent:GetConsent', 'evaluate', 'homeAdmin', ids, (id) => [id]),
    ...plain('consent:GetConsentHistory', 'evaluate', 'homeAdmin', ids, (id) => [id]),
    ...plain('audit:GetAccessEvent', 'evaluate', 'regulator', ids, (id) => [id]),
    ...plain('records:GetRecord', 'evaluate', 'clinician', ids.slice(3), (id) => [id]),
    ...plain('records:GetBatch', 'evaluate', 'clinician', ids.slice(3), (id) => [id]),
    ...plain('registry:GetOrganization', 'evaluate', 'clinician', ids.slice(3), (id) => [id]),
    ...plain('registry:DeregisterOrganization', 'submit', 'govAdmin', ids.slice(3), (id) => [id]),
    ...plain('patient:ApproveRecovery', 'submit', 'regulator', pseudonyms, (id) => [id]),
    ...plain('patient:GetBinding', 'evaluate', 'homeAdmin', pseudonyms, (id) => [id]),
    ...plain('patient:GetBindingHistory', 'evaluate', 'homeAdmin', pseudonyms, (id) => [id]),
    ...plain('patient:QueryErasures', 'evaluate', 'homeAdmin', pseudonyms, (id) => [id]),
    ...plain('patient:LocatePatient', 'evaluate', 'clinician', pseudonyms, (id) => [id]),
    ...plain(
      'records:VerifyRecord',
      'evaluate',
      'clinician',
      badValues('sha256', 'chaincode').filter((bad) => typeof bad.value === 'string'),
      (hash) => [targets.recordId, hash],
    ),
    ...plain(
      'records:FindAnchorsByHash',
      'evaluate',
      'clinician',
      badValues('sha256', 'chaincode').filter((bad) => typeof bad.value === 'string'),
      (hash) => [hash],
    ),
    ...plain(
      'records:VerifyRecord',
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
    // The owner naming a record (record IDs are scoped by their owner organization).
    ...plain('records:VerifyRecord', 'evaluate', 'clinician', badOwners, (owner) => [
      targets.recordId,
      'e'.repeat(64),
      '',
      owner,
    ]),
    ...plain('records:GetRecord', 'evaluate', 'clinician', badOwners, (owner) => [
      targets.recordId,
      owner,
    ]),
  ];
}

/** Owners that name no organization: not an MSP ID. */
const badOwners = [
  { category: 'invalid-id', label: 'owner with a space', value: 'Tertiary MSP' },
  { category: 'injection', label: 'owner with a NUL', value: 'TertiaryHospitalMSP\u0000x' },
  { category: 'oversized', label: 'owner of 300 characters', value: 'M'.repeat(300) },
  { category: 'unicode', label: 'owner in full-width letters', value: 'ＭＳＰ' },
] as const;

/**
 * The transport's cases (docs/ledger-api.md, "Calling conventions"): a proposal without its
 * transient request, a request that is not UTF-8 JSON or not `{args, salt?}`, a wrong number of
 * arguments, a submit without a valid salt, arguments on the proposal itself, an unknown
 * transaction. `calls` are valid calls whose request each case breaks in one way.
 */
export function transportCases(calls: readonly ValidCall[]): ChaincodeCase[] {
  const out: ChaincodeCase[] = [];
  for (const call of calls) {
    const add = (
      category: BadInputCategory,
      label: string,
      build: (args: readonly string[]) => RawProposal,
    ): void => {
      out.push({
        name: `${call.name} ${label}`,
        category,
        contract: call.contract,
        fn: call.fn,
        kind: call.kind,
        caller: call.caller,
        code: 'INVALID_ARGUMENT',
        build: async (sign) => build(await call.args(sign)),
      });
    };
    const salted = call.kind === 'submit' ? { salt: freshSalt() } : {};
    const json = (value: unknown): RawProposal => ({
      transient: { request: encode(JSON.stringify(value)) },
    });
    add('malformed-request', 'without a transient request', () => ({ transient: {} }));
    add('malformed-request', 'an empty request', () => ({
      transient: { request: new Uint8Array() },
    }));
    add('malformed-request', 'the request under another key', (args) => ({
      transient: { Request: encode(JSON.stringify({ args, ...salted })) },
    }));
    add('malformed-request', 'a request that is not JSON', (args) => ({
      transient: { request: encode(`{args: ${JSON.stringify(args)}`) },
    }));
    add('malformed-request', 'a request that is not UTF-8', () => ({
      transient: {
        request: concat(encode('{"args":["'), Uint8Array.of(0xc0, 0xaf), encode('"]}')),
      },
    }));
    add('malformed-request', 'a request that is a list', (args) => json([args]));
    add('malformed-request', 'a request that is null', () => json(null));
    add('malformed-request', 'args not a list', (args) =>
      json({ args: args.join(','), ...salted }),
    );
    add('malformed-request', 'an argument that is a number', (args) =>
      json({ args: args.map((_, i) => (i === 0 ? 42 : args[i])), ...salted }),
    );
    add('malformed-request', 'an unknown request field', (args) =>
      json({ args, ...salted, caller: 'GovMSP' }),
    );
    add('malformed-request', 'one argument too many', (args) =>
      json({ args: [...args, 'x'], ...salted }),
    );
    add('malformed-request', '17 arguments', () => json({ args: Array(17).fill('x'), ...salted }));
    if (call.kind === 'submit') {
      add('malformed-request', 'no salt', (args) => json({ args }));
      add('malformed-request', 'a salt of 8 bytes', (args) => json({ args, salt: 'AAAAAAAAAAA' }));
      add('malformed-request', 'a salt of standard base64', (args) =>
        json({ args, salt: 'AAAAAAAAAAAAAAAAAAA+/==' }),
      );
      add('malformed-request', 'a salt of 200 characters', (args) =>
        json({ args, salt: big(200) }),
      );
      add('malformed-request', 'a salt that is a number', (args) =>
        json({ args, salt: 1234567890 }),
      );
      add('malformed-request', 'an empty salt', (args) => json({ args, salt: '' }));
    } else {
      add('malformed-request', 'a malformed salt on an evaluate', (args) =>
        json({ args, salt: 'not a salt!' }),
      );
    }
    add('malformed-request', 'one argument too few', (args) =>
      json({ args: args.slice(0, -1), ...salted }),
    );
    add('malformed-request', 'its arguments on the proposal', (args) => ({
      transient: {},
      arguments: args.length === 0 ? ['x'] : [...args],
    }));
    add('malformed-request', 'arguments on the proposal beside the request', (args) => ({
      transient: request(args, call.kind),
      arguments: args.length === 0 ? ['x'] : [...args],
    }));
  }
  const first = calls[0];
  if (first !== undefined) {
    out.push({
      name: `${first.contract}:NoSuchTransaction`,
      category: 'unknown-enum',
      contract: first.contract,
      fn: 'NoSuchTransaction',
      kind: 'submit',
      caller: first.caller,
      code: 'INVALID_ARGUMENT',
      build: async (sign) => ({ transient: request(await first.args(sign), 'submit') }),
    });
  }
  return out;
}

/**
 * Malformed signed statements (docs/patient-keys.md, docs/ledger-api.md "Signed patient actions")
 * for a signed action: a SignedAction of the wrong shape or with a malformed signature, a statement
 * that is not JSON or not canonical (FORBIDDEN: what was signed must be exactly what is read), an
 * envelope of the wrong shape (INVALID_ARGUMENT naming it), an oversized statement.
 */
export function statementCases(action: string, payload: unknown, caller: Caller): ChaincodeCase[] {
  const [contract, fn] = action.split(':') as [string, string];
  const out: ChaincodeCase[] = [];
  const add = (
    label: string,
    code: string,
    signedAction: (sign: CorpusSigner) => Promise<unknown>,
    raw = false,
  ): void => {
    out.push({
      name: `${action} ${label}`,
      category: 'malformed-statement',
      contract,
      fn,
      kind: 'submit',
      caller,
      code,
      build: async (sign) => {
        const value = await signedAction(sign);
        return { transient: request([raw ? String(value) : JSON.stringify(value)], 'submit') };
      },
    });
  };
  const signed = (sign: CorpusSigner, envelope?: Record<string, unknown>) =>
    sign({ action, payload, ...(envelope === undefined ? {} : { envelope }) });
  add('a SignedAction without its signature', 'INVALID_ARGUMENT', async (sign) => ({
    statement: (await signed(sign)).statement,
  }));
  add('a SignedAction with an unknown field', 'INVALID_ARGUMENT', async (sign) => ({
    ...(await signed(sign)),
    publicKey: 'x',
  }));
  add('a SignedAction that is a list', 'INVALID_ARGUMENT', async (sign) => [await signed(sign)]);
  add(
    'a SignedAction that is not JSON',
    'INVALID_ARGUMENT',
    async (sign) => {
      const text = JSON.stringify(await signed(sign));
      return text.slice(0, -2);
    },
    true,
  );
  add('a signature of standard base64', 'INVALID_ARGUMENT', async (sign) => {
    const { statement, signature } = await signed(sign);
    return { statement, signature: `${signature.slice(0, 84)}+/` };
  });
  add('a signature of 63 bytes', 'INVALID_ARGUMENT', async (sign) => {
    const { statement, signature } = await signed(sign);
    return { statement, signature: signature.slice(0, 84) };
  });
  add('an empty signature', 'INVALID_ARGUMENT', async (sign) => ({
    statement: (await signed(sign)).statement,
    signature: '',
  }));
  add('a signature that is a number', 'INVALID_ARGUMENT', async (sign) => ({
    statement: (await signed(sign)).statement,
    signature: 12345,
  }));
  add('a statement that is not JSON', 'FORBIDDEN', async (sign) => {
    const { statement, signature } = await signed(sign);
    return { statement: statement.slice(0, -1), signature };
  });
  add('a statement that is not canonical (spaces)', 'FORBIDDEN', async (sign) => {
    const { statement, signature } = await signed(sign);
    return { statement: JSON.stringify(JSON.parse(statement), null, 1), signature };
  });
  add('a statement that is not canonical (key order)', 'FORBIDDEN', async (sign) => {
    const { statement, signature } = await signed(sign);
    const parsed = JSON.parse(statement) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(parsed).reverse());
    return { statement: JSON.stringify(reversed), signature };
  });
  add('a statement over 32 KiB', 'INVALID_ARGUMENT', async (sign) => {
    const { signature } = await signed(sign);
    return { statement: `{"pad":"${big(33 * 1024)}"}`, signature };
  });
  const envelope = (label: string, fields: Record<string, unknown>): void => {
    add(`an envelope with ${label}`, 'INVALID_ARGUMENT', (sign) => signed(sign, fields));
  };
  envelope('version 2', { version: 2 });
  envelope('version "1"', { version: '1' });
  envelope('no version', { version: undefined });
  envelope('an unknown action', { action: 'consent:ForgeConsent' });
  envelope('an action that is a list', { action: [action] });
  envelope('no channel', { channel: undefined });
  envelope('an oversized chaincode name', { chaincode: big(300) });
  envelope('a malformed patient ID', { patientId: 'patient-1' });
  envelope('a signer of an unknown kind', {
    signer: { kind: 'hospital', id: 'pid-abcdefghijklmnop', keyId: 'AAAAAAAAAAAAAAAAAAAAAA' },
  });
  envelope('a signer without keyId', { signer: { kind: 'patient', id: 'pid-abcdefghijklmnop' } });
  envelope('a malformed key ID', {
    signer: { kind: 'patient', id: 'pid-abcdefghijklmnop', keyId: 'short' },
  });
  envelope('a nonce of 8 bytes', { nonce: 'AAAAAAAAAAA' });
  envelope('no nonce', { nonce: undefined });
  envelope('an impossible issuedAt', { issuedAt: '2026-02-30T00:00:00.000Z' });
  envelope('an expiresAt in another form', { expiresAt: '2026-12-06T08:10:00Z' });
  envelope('an unknown field', { note: 'free text' });
  envelope('no payload', { payload: undefined });
  return out;
}

/** An AnchorBatch over the item limit (100,001 items, about 17 MB: under the 32 MiB byte limit). */
export function oversizedBatch(patientId: string): string {
  const items = Array.from({ length: 100_001 }, (_, i) => ({
    recordId: `over-${String(i)}`,
    patientId,
    category: 'imaging',
    sha256: 'f'.repeat(64),
    salt: SALT,
  }));
  return JSON.stringify({ items });
}

/**
 * The valid input of each JSON-argument transaction, the one its cases mutate: a suite checks
 * that each is accepted (endorsed, and not submitted), so that a case fails for its mutation only.
 */
export function chaincodeBaselines(targets: Targets): ValidCall[] {
  return chaincodeTargets(targets)
    .filter((target) => !(target.fn === 'AnchorBatch' && !('items' in target.template.valid)))
    .map((target) => ({
      name: `${target.contract}:${target.fn}`,
      contract: target.contract,
      fn: target.fn,
      kind: target.kind,
      caller: target.caller,
      args: async (sign) => [
        ...(target.before ?? []),
        String(await argumentOf(target, { json: target.template.valid }, sign)),
      ],
    }));
}

/** Every chaincode case, for the state in `targets`. */
export function chaincodeCorpus(targets: Targets): ChaincodeCase[] {
  const cases = chaincodeTargets(targets).flatMap((target) => {
    // The second AnchorBatch target is one batch item, mutated inside a valid batch.
    const itemOfBatch = target.fn === 'AnchorBatch' && !('items' in target.template.valid);
    return variants(target.template, 'chaincode', { jsonOnly: target.signed !== undefined }).map(
      (variant): ChaincodeCase => ({
        name: `${target.contract}:${target.fn}${itemOfBatch ? ' item' : ''} ${variant.label}`,
        category: variant.category,
        contract: target.contract,
        fn: target.fn,
        kind: target.kind,
        caller: target.caller,
        code: 'INVALID_ARGUMENT',
        build: async (sign) => {
          const payload: Payload =
            itemOfBatch && 'json' in variant.payload
              ? { json: { items: [variant.payload.json] } }
              : variant.payload;
          const argument = await argumentOf(target, payload, sign);
          return { transient: requestWith([...(target.before ?? []), argument], target.kind) };
        },
      }),
    );
  });
  const statementTargets = chaincodeTargets(targets).filter(
    (target) => target.signed === 'consent:GrantConsent' || target.signed === 'patient:AddDevice',
  );
  return [
    ...cases,
    ...idCases(targets),
    ...statementTargets.flatMap((target) =>
      statementCases(target.signed ?? '', target.template.valid, target.caller),
    ),
    ...transportCases(
      chaincodeBaselines(targets).filter((call) =>
        [
          'consent:GrantConsent',
          'access:RequestAccess',
          'consent:QueryConsents',
          'patient:RegisterPatient',
        ].includes(call.name),
      ),
    ),
    ...transportCases([
      {
        name: 'audit:GetRetentionPolicy',
        contract: 'audit',
        fn: 'GetRetentionPolicy',
        kind: 'evaluate',
        caller: 'clinician',
        args: () => Promise.resolve([]),
      },
      {
        name: 'audit:ReviewEmergencyAccess',
        contract: 'audit',
        fn: 'ReviewEmergencyAccess',
        kind: 'submit',
        caller: 'regulator',
        args: () =>
          Promise.resolve([
            targets.eventId,
            JSON.stringify({ outcome: 'justified', commentHash: 'e'.repeat(64) }),
          ]),
      },
    ]).filter((each) => /one argument too many|17 arguments|no salt|proposal/.test(each.name)),
    {
      name: 'records:AnchorBatch 100,001 items',
      category: 'oversized',
      contract: 'records',
      fn: 'AnchorBatch',
      kind: 'submit',
      caller: 'clinician',
      code: 'INVALID_ARGUMENT',
      build: () =>
        Promise.resolve({ transient: request([oversizedBatch(targets.patientId)], 'submit') }),
    },
  ];
}

// ---- REST --------------------------------------------------------------------------------------

/** Who sends a REST case (a user the suite creates through the gateways). */
export type RestCaller = 'patient' | 'doctor' | 'regulator' | 'admin' | 'anonymous' | 'govAdmin';

/** A REST case: endpoint, caller, body or query, and the status (and code) expected. */
export interface RestCase {
  readonly name: string;
  readonly category: BadInputCategory;
  /** The gateway (organization short name). */
  readonly org: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly caller: RestCaller;
  /** The body, or a function making it when the case is sent (a statement signed then). */
  readonly body?: string | Uint8Array | ((sign: CorpusSigner) => Promise<string | Uint8Array>);
  readonly contentType?: string;
  /** More request headers (e.g. Content-Encoding). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly status: number;
  /** The code expected, when not any code. */
  readonly code?: string;
}

interface RestTarget {
  readonly org: string;
  readonly method: 'POST' | 'PUT' | 'GET';
  readonly path: string;
  readonly caller: RestCaller;
  readonly template: Template;
  /** The body is `{action}` (or, with `account`, `{username, password, action}`), the payload signed. */
  readonly signed?: string;
  readonly account?: boolean;
}

const MB40 = 40 * 1024 * 1024;
const MB = 1024 * 1024;

/** `[0,0,…]` of about `bytes` bytes. */
function zeros(bytes: number): string {
  return `[${'0,'.repeat(Math.max(0, Math.floor(bytes / 2) - 1))}0]`;
}

/**
 * The hostile-body cases of issue 19 at one body route: a 1 MB JSON array (413 at a route's
 * limit, or 400 where a signed-in caller may send more: the batch), 10,000 zeros in an otherwise
 * valid body, the valid body gzip-compressed (415), a duplicate key (DUPLICATE_KEY) and a
 * `constructor` key (FORBIDDEN_KEY).
 */
function hostileBodyCases(
  target: Readonly<{
    org: string;
    method: 'POST' | 'PUT' | 'GET';
    path: string;
    caller: RestCaller;
  }>,
  valid: (sign: CorpusSigner) => Promise<string>,
  options: Readonly<{ largeLimit: boolean; fieldZeros: number }>,
): RestCase[] {
  const common = {
    org: target.org,
    method: target.method,
    path: target.path,
    caller: target.caller,
    contentType: 'application/json',
  };
  const name = (label: string): string => `${target.method} ${target.path} ${label}`;
  const withKey = (key: string, value: string) => async (sign: CorpusSigner) => {
    const text = await valid(sign);
    return `{"${key}":${value},${text.slice(1)}`;
  };
  return [
    {
      ...common,
      name: name('a 1 MB JSON array'),
      category: 'oversized',
      body: zeros(MB),
      status: options.largeLimit ? 400 : 413,
      code: options.largeLimit ? 'INVALID_ARGUMENT' : 'PAYLOAD_TOO_LARGE',
    },
    {
      ...common,
      name: name(`${options.fieldZeros.toLocaleString('en')} zeros in a field`),
      category: 'oversized',
      body: async (sign) =>
        `{"pad":${zeros(options.fieldZeros * 2)},${(await valid(sign)).slice(1)}`,
      status: 400,
    },
    {
      ...common,
      name: name('gzip-compressed'),
      category: 'wrong-content-type',
      body: async (sign) => new Uint8Array(gzipSync(await valid(sign))),
      headers: { 'content-encoding': 'gzip' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      ...common,
      name: name('a duplicate key'),
      category: 'malformed-json',
      body: async (sign) => {
        const text = await valid(sign);
        const key = /^\{"([^"]+)":/.exec(text)?.[1] ?? 'x';
        return `{"${key}":null,${text.slice(1)}`;
      },
      status: 400,
      code: 'DUPLICATE_KEY',
    },
    {
      ...common,
      name: name('a constructor key'),
      category: 'injection',
      body: withKey('constructor', '{"prototype":{"admin":true}}'),
      status: 400,
      code: 'FORBIDDEN_KEY',
    },
  ];
}

/** The body of a signed target: the template's valid fields (or the payload's) around the action. */
async function restBody(
  target: RestTarget,
  payload: Payload,
  sign: CorpusSigner,
): Promise<string | Uint8Array> {
  if (target.signed === undefined) return payloadBytes(payload);
  if (!('json' in payload)) throw new Error('a signed payload is JSON');
  const action = await sign({ action: target.signed, payload: payload.json });
  return JSON.stringify(
    target.account === true
      ? {
          username: `bad-input-${String(Math.random()).slice(2, 12)}`,
          password: 'a-long-pass-phrase-7',
          action,
        }
      : { action },
  );
}

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
      signed: 'consent:GrantConsent',
      template: consent,
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/consent-requests',
      caller: 'doctor',
      template: {
        valid: { patientId, terms: requestTerms(), reason: 'FOLLOW_UP' },
        fields: { patientId: 'patientId', terms: 'object', reason: 'enum' },
        required: ['patientId', 'terms', 'reason'],
      },
    },
    {
      org: 'gov',
      method: 'PUT',
      path: '/consent-requests/limits',
      caller: 'regulator',
      template: {
        valid: { maxOpen: 3, maxPerWindow: 5 },
        fields: { maxOpen: 'count', maxPerWindow: 'count' },
        required: ['maxOpen', 'maxPerWindow'],
      },
    },
    ...(targets.requestId === undefined
      ? []
      : ([
          {
            org: 'tertiary',
            method: 'POST',
            path: `/consent-requests/${targets.requestId}/approve`,
            caller: 'patient',
            signed: 'request:ApproveRequest',
            template: {
              valid: { requestId: targets.requestId, consent: requestedConsent(requestTerms()) },
              fields: { requestId: 'consentId', consent: 'object' },
              required: ['requestId', 'consent'],
            },
          },
          {
            org: 'tertiary',
            method: 'POST',
            path: `/consent-requests/${targets.requestId}/decline`,
            caller: 'patient',
            signed: 'request:DeclineRequest',
            template: {
              valid: { requestId: targets.requestId, reason: 'NOT_NEEDED' },
              fields: { requestId: 'consentId', reason: 'enum' },
              required: ['requestId'],
            },
          },
        ] satisfies RestTarget[])),
    {
      org: 'tertiary',
      method: 'PUT',
      path: `/consents/${targets.consentId}`,
      caller: 'patient',
      signed: 'consent:UpdateConsent',
      template: {
        ...consent,
        valid: {
          ...consent.valid,
          consentId: targets.consentId,
          expectedVersion: targets.consentVersion,
        },
        fields: { ...consent.fields, consentId: 'consentId', expectedVersion: 'version' },
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: `/consents/${targets.consentId}/revoke`,
      caller: 'patient',
      signed: 'consent:RevokeConsent',
      template: {
        valid: { consentId: targets.consentId, expectedVersion: targets.consentVersion },
        fields: { consentId: 'consentId', expectedVersion: 'version' },
        required: ['consentId', 'expectedVersion'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: `/consents/${targets.revokedConsentId}/erase`,
      caller: 'patient',
      signed: 'consent:EraseConsent',
      template: {
        valid: { consentId: targets.revokedConsentId },
        fields: { consentId: 'consentId' },
        required: ['consentId'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/patients/me/devices',
      caller: 'patient',
      signed: 'patient:AddDevice',
      template: {
        valid: { publicKey: targets.pending.publicKey },
        fields: { publicKey: 'publicKey' },
        required: ['publicKey'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/patients/me/devices/remove',
      caller: 'patient',
      signed: 'patient:RemoveDevice',
      template: {
        valid: { keyId: targets.deviceKeyId },
        fields: { keyId: 'keyId' },
        required: ['keyId'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/patients/activate',
      caller: 'anonymous',
      signed: 'patient:ActivatePatient',
      account: true,
      template: {
        valid: {
          publicKey: targets.pending.publicKey,
          enrolmentCode: targets.pending.enrolmentCode,
        },
        fields: { publicKey: 'publicKey', enrolmentCode: 'enrolmentCode' },
        required: ['publicKey', 'enrolmentCode'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/guardians/activate',
      caller: 'anonymous',
      signed: 'patient:ActivateGuardian',
      account: true,
      // The gateway refuses (403) a guardian activation whose payload names another guardian than
      // its signer: the guardian ID is not varied here (the chaincode corpus varies it).
      template: {
        valid: {
          publicKey: targets.guardian.publicKey,
          enrolmentCode: targets.guardian.enrolmentCode,
          guardianId: targets.guardian.guardianId,
        },
        fields: { publicKey: 'publicKey', enrolmentCode: 'enrolmentCode' },
        required: ['publicKey', 'enrolmentCode'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/patients',
      caller: 'admin',
      template: {
        valid: { adultFrom: '2040-01-01' },
        fields: { adultFrom: 'day' },
        required: [],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/patients',
      caller: 'admin',
      template: {
        valid: { birthDate: '2016-06-15' },
        fields: { birthDate: 'day' },
        required: [],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/inbox/read-all',
      caller: 'patient',
      template: { valid: { upTo: 1 }, fields: { upTo: 'version' }, required: [] },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/notices',
      caller: 'admin',
      template: {
        valid: {
          noticeId: 'bad-input-corpus',
          version: 1,
          texts: { 'zh-CN': '告知书', en: 'Notice' },
        },
        fields: { noticeId: 'noticeId', version: 'version', texts: 'noticeTexts' },
        required: ['noticeId', 'version', 'texts'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: `/patients/${patientId}/guardians`,
      caller: 'admin',
      template: {
        valid: { relationship: 'parent', validFrom: fromNow(0), validUntil: fromNow(30) },
        fields: { relationship: 'enum', validFrom: 'instant', validUntil: 'instant' },
        required: ['relationship', 'validFrom', 'validUntil'],
      },
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
          labels: 'labels',
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
          labels: 'labels',
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
        valid: { recordId: targets.recordId, sha256: 'e'.repeat(64), owner: 'TertiaryHospitalMSP' },
        fields: { recordId: 'recordId', sha256: 'sha256', owner: 'mspId' },
        required: ['recordId'],
      },
    },
    {
      org: 'gov',
      method: 'POST',
      path: `/audit/emergency-reviews/${targets.eventId}`,
      caller: 'regulator',
      template: {
        valid: { outcome: 'justified', comment: 'seen in the call log' },
        fields: { outcome: 'enum', comment: 'text' },
        required: ['outcome', 'comment'],
      },
    },
    {
      org: 'tertiary',
      method: 'POST',
      path: '/identities',
      caller: 'admin',
      template: {
        valid: { username: 'bad-input-user', password: 'a-long-pass-phrase-7', role: 'clinician' },
        fields: {
          username: 'recordId',
          password: 'text',
          role: 'enum',
          patientId: 'patientId',
          practitionerId: 'mspId',
          institution: 'institutionId',
        },
        required: ['username', 'password', 'role'],
      },
    },
    {
      // A region no organization of the network is in.
      org: 'gov',
      method: 'PUT',
      path: '/research/thresholds/110000',
      caller: 'govAdmin',
      template: {
        valid: { minCohortSize: 0, ethicsApprovalRequired: false },
        fields: { minCohortSize: 'count', ethicsApprovalRequired: 'boolean' },
        required: ['minCohortSize', 'ethicsApprovalRequired'],
      },
    },
    {
      // The one-time code of an identity provider's sign-in (refused before it is looked up).
      org: 'tertiary',
      method: 'POST',
      path: '/auth/oidc/session',
      caller: 'anonymous',
      template: {
        valid: { handoff: 'A'.repeat(43) },
        fields: { handoff: 'handoff' },
        required: ['handoff'],
        maxBytes: 4096,
      },
    },
  ];
}

/**
 * Malformed signed-action bodies at the gateway (`{action: {statement, signature}}`): a missing
 * or mistyped action, a statement that is not JSON or not a statement, names another action,
 * channel or chaincode or no patient, a malformed signature. The gateway refuses them before
 * anything is endorsed (400); a statement that is not canonical is the chaincode's to refuse
 * (403, FORBIDDEN), and an envelope field of the wrong shape too (400).
 */
function signedBodyCases(targets: Targets): RestCase[] {
  const routes: { path: string; action: string; payload: unknown }[] = [
    {
      path: '/consents',
      action: 'consent:GrantConsent',
      payload: consentTemplate().valid,
    },
    {
      path: '/patients/me/devices',
      action: 'patient:AddDevice',
      payload: { publicKey: targets.pending.publicKey },
    },
  ];
  return routes.flatMap((route) => {
    const signed = (sign: CorpusSigner, envelope?: Record<string, unknown>) =>
      sign({
        action: route.action,
        payload: route.payload,
        ...(envelope === undefined ? {} : { envelope }),
      });
    const body =
      (make: (sign: CorpusSigner) => Promise<unknown>) =>
      async (sign: CorpusSigner): Promise<string> =>
        JSON.stringify(await make(sign));
    const one = (
      label: string,
      make: (sign: CorpusSigner) => Promise<unknown>,
      status = 400,
      code?: string,
    ): RestCase => ({
      name: `POST ${route.path} ${label}`,
      category: 'malformed-statement',
      org: 'tertiary',
      method: 'POST',
      path: route.path,
      caller: 'patient',
      body: body(make),
      contentType: 'application/json',
      status,
      ...(code === undefined ? {} : { code }),
    });
    return [
      one('without an action', () => Promise.resolve({})),
      one('an action that is a string', async (sign) => ({
        action: JSON.stringify(await signed(sign)),
      })),
      one('a statement that is a number', async (sign) => ({
        action: { statement: 42, signature: (await signed(sign)).signature },
      })),
      one('an empty statement', async (sign) => ({
        action: { statement: '', signature: (await signed(sign)).signature },
      })),
      one('a statement over 16 KiB', async (sign) => ({
        action: {
          statement: `{"pad":"${big(17 * 1024)}"}`,
          signature: (await signed(sign)).signature,
        },
      })),
      one('a statement that is not JSON', async (sign) => {
        const { statement, signature } = await signed(sign);
        return { action: { statement: statement.slice(0, -1), signature } };
      }),
      one('a signature of standard base64', async (sign) => {
        const { statement, signature } = await signed(sign);
        return { action: { statement, signature: `${signature.slice(0, 84)}+/` } };
      }),
      one('a signature of 63 bytes', async (sign) => {
        const { statement, signature } = await signed(sign);
        return { action: { statement, signature: signature.slice(0, 84) } };
      }),
      one('an unknown field beside the action', async (sign) => ({
        action: await signed(sign),
        patientId: targets.patientId,
      })),
      one('a statement of version 2', async (sign) => ({
        action: await signed(sign, { version: 2 }),
      })),
      one('a statement for another action', async (sign) => ({
        action: await signed(sign, { action: 'consent:RevokeConsent' }),
      })),
      one('a statement for another channel', async (sign) => ({
        action: await signed(sign, { channel: 'another-channel' }),
      })),
      one('a statement for another chaincode', async (sign) => ({
        action: await signed(sign, { chaincode: 'another-chaincode' }),
      })),
      one('a statement naming no patient', async (sign) => ({
        action: await signed(sign, { patientId: undefined }),
      })),
      one('a statement without a payload', async (sign) => ({
        action: await signed(sign, { payload: undefined }),
      })),
      one('a statement with an unknown envelope field', async (sign) => ({
        action: await signed(sign, { note: 'free text' }),
      })),
      one('a statement with a nonce of 8 bytes', async (sign) => ({
        action: await signed(sign, { nonce: 'AAAAAAAAAAA' }),
      })),
      one(
        'a statement that is not canonical',
        async (sign) => {
          const { statement, signature } = await signed(sign);
          return {
            action: { statement: JSON.stringify(JSON.parse(statement), null, 1), signature },
          };
        },
        403,
        'FORBIDDEN',
      ),
    ];
  });
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
      path: '/inbox',
      caller: 'patient',
      valid: {},
      fields: { unread: 'boolean', pageSize: 'pageSize' },
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
      org: 'tertiary',
      path: '/consent-requests',
      caller: 'admin',
      valid: { patientId: targets.patientId },
      fields: {
        patientId: 'patientId',
        requesterOrg: 'mspId',
        status: 'enum',
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
    {
      org: 'gov',
      path: '/open/statistics',
      caller: 'anonymous',
      valid: { from: '2026-01-01', to: '2026-01-31' },
      fields: { from: 'day', to: 'day' },
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
/** Paths whose `:id` con-123 fills with a well-formed value. */
const WELL_FORMED_CON_123 = new Set([
  '/records/:id',
  '/notices/:id/consent-sharing/1',
  '/notices/TertiaryHospitalMSP/:id/1',
  '/notices/TertiaryHospitalMSP/:id/use',
]);

function pathCases(targets: Targets): RestCase[] {
  const ids = [
    'con-123',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    '%E2%80%AEcon-000000000000000000000000',
    "'%20OR%201%3D1",
    'a'.repeat(300),
  ];
  const paths: readonly (readonly [string, 'GET' | 'POST', string, RestCaller])[] = [
    ['tertiary', 'GET', '/consents/:id', 'patient'],
    ['tertiary', 'POST', '/consents/:id/revoke', 'patient'],
    ['tertiary', 'POST', '/consents/:id/erase', 'patient'],
    ['tertiary', 'GET', '/consents/:id/proof', 'patient'],
    ['tertiary', 'GET', '/consents/:id/receipt', 'patient'],
    ['tertiary', 'POST', '/inbox/:id/read', 'patient'],
    ['tertiary', 'GET', '/notices/:id/consent-sharing/1', 'patient'],
    ['tertiary', 'GET', '/notices/TertiaryHospitalMSP/:id/1', 'patient'],
    ['tertiary', 'GET', '/notices/TertiaryHospitalMSP/consent-sharing/:id', 'patient'],
    ['gov', 'GET', '/notices/TertiaryHospitalMSP/:id/use', 'regulator'],
    ['tertiary', 'GET', '/records/:id', 'patient'],
    ['tertiary', 'GET', '/consent-requests/:id', 'patient'],
    ['tertiary', 'GET', '/consent-requests/:id/receipt', 'patient'],
    ['tertiary', 'POST', '/consent-requests/:id/withdraw', 'doctor'],
    ['gov', 'GET', '/audit/access-events/:id', 'regulator'],
    ['tertiary', 'GET', '/patients/:id', 'admin'],
    ['tertiary', 'POST', '/patients/:id/recovery', 'admin'],
    ['gov', 'POST', '/patients/:id/recovery/approve', 'regulator'],
    ['gov', 'POST', `/patients/:id/guardians/${targets.guardian.guardianId}/approve`, 'regulator'],
    ['gov', 'POST', `/patients/${targets.guardian.patientId}/guardians/:id/end`, 'regulator'],
  ];
  return paths.flatMap(([org, method, path, caller]) =>
    // con-123 is a well-formed record ID, organization and notice ID (not found, 404), so not bad
    // input there.
    ids
      .filter((id) => !(WELL_FORMED_CON_123.has(path) && id === 'con-123'))
      .map((id) => ({
        name: `${method} ${path} ${id.slice(0, 24)}`,
        category: id.startsWith('con')
          ? ('invalid-id' as const)
          : id.includes('%')
            ? ('injection' as const)
            : ('oversized' as const),
        org,
        method,
        path: path.replace(':id', id),
        caller,
        status: 400,
      })),
  );
}

/** Every REST case, for the state in `targets`. */
export function restCorpus(targets: Targets): RestCase[] {
  const bodies = restTargets(targets).flatMap((target) => {
    const cases = variants(target.template, 'rest', {
      jsonOnly: target.signed !== undefined,
    }).map((variant): RestCase => {
      const status =
        variant.category === 'oversized' && variant.label.startsWith('over ') ? 413 : 400;
      const common = {
        name: `${target.method} ${target.path} ${variant.label}`,
        category: variant.category,
        org: target.org,
        method: target.method,
        path: target.path,
        caller: target.caller,
        contentType: 'application/json',
        status,
      };
      return target.signed === undefined
        ? { ...common, body: payloadBytes(variant.payload) }
        : {
            ...common,
            body: async (sign: CorpusSigner) =>
              String(await restBody(target, variant.payload, sign)),
          };
    });
    const valid = (sign: CorpusSigner): Promise<string> =>
      restBody(target, { json: target.template.valid }, sign).then(String);
    const hostile = hostileBodyCases(target, valid, {
      largeLimit: target.method === 'POST' && target.path === '/records/batches',
      // /auth routes take 4 KiB bodies at most.
      fieldZeros: target.path.startsWith('/auth/') ? 1_000 : 10_000,
    });
    const contentTypes: [string, number][] = [
      ['text/plain', 400],
      ['application/xml', 400],
      ['application/x-www-form-urlencoded', 400],
      ['application/json; charset=iso-8859-1', 415],
      ['application/json; charset=utf-7', 415],
    ];
    const raw = target.signed === undefined;
    // A body whose every field is optional reads as `{}` when it is empty or not JSON (the body
    // parser ignores other content types): that is a valid request, not bad input.
    const optionalOnly = target.template.required.length === 0;
    const ignoredBody = (contentType: string): boolean =>
      optionalOnly && (contentType === 'text/plain' || contentType === 'application/xml');
    return [
      ...cases,
      ...hostile,
      ...contentTypes
        .filter(([contentType]) => !ignoredBody(contentType))
        .map(([contentType, status]): RestCase => ({
          name: `${target.method} ${target.path} as ${contentType}`,
          category: 'wrong-content-type',
          org: target.org,
          method: target.method,
          path: target.path,
          caller: target.caller,
          body: raw ? JSON.stringify(target.template.valid) : valid,
          contentType,
          status,
        })),
      ...(optionalOnly
        ? []
        : [
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
          ]),
      ...(raw
        ? []
        : [
            {
              name: `${target.method} ${target.path} malformed JSON`,
              category: 'malformed-json' as const,
              org: target.org,
              method: target.method,
              path: target.path,
              caller: target.caller,
              body: '{"action": {"statement": "{}", "signature": ',
              contentType: 'application/json',
              status: 400,
            },
          ]),
    ];
  });
  const login = hostileBodyCases(
    { org: 'tertiary', method: 'POST', path: '/auth/login', caller: 'anonymous' },
    () =>
      Promise.resolve(JSON.stringify({ username: 'bad-input-nobody', password: 'x'.repeat(12) })),
    { largeLimit: false, fieldZeros: 1_000 },
  );
  return [
    ...bodies,
    ...login,
    ...signedBodyCases(targets),
    ...queryCases(targets),
    ...pathCases(targets),
  ];
}
