import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  GUARDIAN_RELATIONSHIPS,
  LedgerError,
  PATIENT_ACTION_NAMES,
  PURPOSES,
  RETENTION_KINDS,
  type LedgerErrorCode,
} from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { z } from 'zod';
import { parseAccessRequest, parseEmergencyRequest } from '../access/access-input';
import {
  ID_PREFIX,
  parseDay,
  parseDayCounts,
  parseEventId,
  parseEventQuery,
  parsePurgeList,
  parsePurgeOrder,
  parseReview,
  parseReviewQuery,
  parseStatisticsQuery,
} from '../audit/audit-input';
import { dayCounts } from '../audit/statistics';
import { parseCohortQuery, parseCohortRequest } from '../cohort/cohort-input';
import {
  consentErasure,
  consentRevocation,
  consentTerms,
  parseConsentId,
  parseConsentInput,
  parseConsentQuery,
  parseConsentUpdate,
} from '../consent/consent-input';
import {
  activationPayload,
  devicePayload,
  deviceRemovalPayload,
  guardianActivationPayload,
  parseGuardianProposal,
  parseGuardianRef,
  parsePatientId,
  parseRecoveryRequest,
  parseRegistration,
} from '../patient/patient-input';
import { parseStatement } from '../patient/statement';
import {
  parseAnchorQuery,
  parseBatchId,
  parseBatchInput,
  parseBatchMemberClaim,
  parseRecordId,
  parseRecordItem,
  parseSha256,
  parseVersion,
} from '../records/record-input';
import { parseReferralId, parseReferralInput } from '../referral/referral-input';
import { parseMspId, parseOrganizationInput } from '../registry/organization-input';
import { FUZZ_TIMEOUT_MS, fuzzParameters } from '../testing/fuzz';
import { marshalText } from './marshal';
import { decodeRequest } from './request';
import { parseJsonArgument } from './validation';

/**
 * Fuzz of every input factory of the chaincode: arbitrary strings, arbitrary JSON and mutations of
 * valid inputs either parse, and then re-parse to the same value (normalization is idempotent), or
 * are refused with a coded `INVALID_ARGUMENT` whose message is short and free of control
 * characters (it never echoes the input verbatim). Anything else thrown is a bug. The factories
 * cover the transient request itself, the signed statements' envelope (whose non-canonical text
 * is FORBIDDEN) and every signed payload.
 */

const FUZZ = fuzzParameters();

// ---- Valid inputs ------------------------------------------------------------------------------

const base32 = fc.constantFrom(...Array.from('abcdefghijklmnopqrstuvwxyz234567'));
const hex = fc.constantFrom(...Array.from('0123456789abcdef'));
const text = (chars: fc.Arbitrary<string>, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(chars, { minLength: min, maxLength: max }).map((list) => list.join(''));

const patientId = text(base32, 16, 32).map((body) => `pid-${body}`);
const sha256 = text(hex, 64, 64);
const externalId = fc
  .tuple(
    fc.constantFrom(...Array.from('abcXYZ019')),
    text(fc.constantFrom(...Array.from('abcXYZ019._:-')), 0, 40),
  )
  .map(([head, tail]) => head + tail);
const mspId = fc.constantFrom('TertiaryHospitalMSP', 'CommunityHospitalMSP', 'ResearchMSP', 'X');
const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) })
  .map((ms) => new Date(ms).toISOString());
const purposes = fc.subarray([...PURPOSES], { minLength: 1 });
const categories = fc.subarray([...CATEGORIES], { minLength: 1 });
const category = fc.constantFrom(...CATEGORIES);
const pageSize = fc.integer({ min: 1, max: 100 });
const ordered = fc
  .tuple(instant, instant)
  .filter(([a, b]) => a !== b)
  .map(([a, b]): readonly [string, string] => (a < b ? [a, b] : [b, a]));

const grantee = fc.record(
  {
    org: mspId,
    role: fc.constantFrom('clinician', 'researcher', 'analyst'),
    practitionerId: text(fc.constantFrom(...Array.from('abc0123456789')), 8, 32).map(
      (b) => `prac-${b}`,
    ),
  },
  { requiredKeys: ['org'] },
);

const consent = fc
  .record(
    {
      grantee,
      purposes,
      categories,
      validity: ordered,
      data: ordered,
      exceptions: fc.array(
        fc.record(
          { purposes, categories, grantee: fc.record({ org: mspId }, { requiredKeys: [] }) },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: ['grantee', 'purposes', 'categories'] },
  )
  .map(({ validity, data, ...rest }) => ({
    ...rest,
    ...(validity === undefined ? {} : { validFrom: validity[0], validUntil: validity[1] }),
    ...(data === undefined ? {} : { dataFrom: data[0], dataUntil: data[1] }),
  }));

const recordItem = fc.record({ recordId: externalId, patientId, category, sha256 });
const base64url16 = text(fc.constantFrom(...Array.from('abcXYZ019-_')), 22, 22);
const batchItem = fc.record({
  recordId: externalId,
  patientId,
  category,
  sha256,
  salt: base64url16,
});
const guardianId = text(base32, 16, 32).map((body) => `rp-${body}`);
const enrolment = fc.record({ hash: sha256, salt: base64url16 });
const publicKey = text(fc.constantFrom(...Array.from('abcXYZ019-_')), 122, 122);
const code = text(fc.constantFrom(...Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')), 16, 16);

/** A validator of decoded JSON, as a factory of JSON text (INVALID_ARGUMENT for bad JSON). */
const fromJson =
  (validator: (value: unknown) => unknown) =>
  (json: string): unknown =>
    validator(parseJsonArgument(z.unknown(), { json, what: 'payload' }));

/** A stub that carries a transient request and nothing else (for decodeRequest). */
function requestStub(request: string): ChaincodeStub {
  return {
    getFunctionAndParameters: () => ({ fcn: 'consent:GetConsent', params: [] }),
    getTransient: () => new Map([['request', Buffer.from(request, 'utf8')]]),
  } as unknown as ChaincodeStub;
}

const statement = fc
  .record({
    action: fc.constantFrom(...PATIENT_ACTION_NAMES),
    nonce: base64url16,
    keyId: base64url16,
    issuedAt: instant,
    patientId,
  })
  .map((drawn) => ({
    statement: canonicalJson({
      version: 1,
      action: drawn.action,
      channel: 'health',
      chaincode: 'consent-ledger',
      patientId: drawn.patientId,
      signer: { kind: 'patient', id: drawn.patientId, keyId: drawn.keyId },
      nonce: drawn.nonce,
      issuedAt: drawn.issuedAt,
      expiresAt: drawn.issuedAt,
      payload: {},
    }),
    signature: 'A'.repeat(86),
  }));

/** An input factory, with an arbitrary of inputs it accepts. */
interface Factory {
  readonly name: string;
  readonly parse: (value: string) => unknown;
  readonly valid: fc.Arbitrary<unknown>;
  /** Its argument is a JSON object (else a plain string). */
  readonly json: boolean;
  /** The codes it may refuse with (INVALID_ARGUMENT only by default). */
  readonly codes?: readonly LedgerErrorCode[];
}

const factories: Factory[] = [
  { name: 'parseConsentInput', parse: parseConsentInput, valid: consent, json: true },
  {
    name: 'parseConsentUpdate',
    parse: parseConsentUpdate,
    valid: fc
      .tuple(consent, fc.integer({ min: 1, max: 1000 }), text(hex, 24, 24))
      .map(([input, expectedVersion, id]) => ({
        ...input,
        consentId: `con-${id}`,
        expectedVersion,
      })),
    json: true,
  },
  {
    name: 'consentTerms (signed payload)',
    parse: fromJson(consentTerms),
    valid: consent,
    json: true,
  },
  {
    name: 'consentRevocation (signed payload)',
    parse: fromJson(consentRevocation),
    valid: fc.record({
      consentId: text(hex, 24, 24).map((id) => `con-${id}`),
      expectedVersion: fc.integer({ min: 1, max: 1000 }),
    }),
    json: true,
  },
  {
    name: 'consentErasure (signed payload)',
    parse: fromJson(consentErasure),
    valid: fc.record({ consentId: text(hex, 24, 24).map((id) => `con-${id}`) }),
    json: true,
  },
  {
    name: 'activationPayload (signed payload)',
    parse: fromJson(activationPayload),
    valid: fc.record({ publicKey, enrolmentCode: code }),
    json: true,
  },
  {
    name: 'guardianActivationPayload (signed payload)',
    parse: fromJson(guardianActivationPayload),
    valid: fc.record({ publicKey, enrolmentCode: code, guardianId }),
    json: true,
  },
  {
    name: 'devicePayload (signed payload)',
    parse: fromJson(devicePayload),
    valid: fc.record({ publicKey }),
    json: true,
  },
  {
    name: 'deviceRemovalPayload (signed payload)',
    parse: fromJson(deviceRemovalPayload),
    valid: fc.record({ keyId: base64url16 }),
    json: true,
  },
  {
    name: 'parseStatement (signed action envelope)',
    parse: (json) => {
      const parsed = parseStatement(json);
      return { statement: parsed.text, signature: parsed.signature };
    },
    valid: statement,
    json: true,
    codes: ['INVALID_ARGUMENT', 'FORBIDDEN'],
  },
  {
    name: 'decodeRequest (the transient request)',
    parse: (json) => {
      const { args, salt } = decodeRequest(requestStub(json), 'consent:GetConsent');
      return { args, ...(salt === undefined ? {} : { salt }) };
    },
    valid: fc.record({ args: fc.tuple(text(hex, 1, 30)) }),
    json: true,
  },
  {
    name: 'parseRegistration',
    parse: parseRegistration,
    valid: fc.record(
      {
        patientId,
        enrolment,
        adultFrom: instant.map((each) => each.slice(0, 10)),
      },
      { requiredKeys: ['patientId', 'enrolment'] },
    ),
    json: true,
  },
  {
    name: 'parseRecoveryRequest',
    parse: parseRecoveryRequest,
    valid: fc.record({ patientId, enrolment }),
    json: true,
  },
  {
    name: 'parseGuardianProposal',
    parse: parseGuardianProposal,
    valid: fc
      .record({
        patientId,
        guardianId,
        relationship: fc.constantFrom(...GUARDIAN_RELATIONSHIPS),
        period: ordered,
        enrolment,
      })
      .map(({ period, ...rest }) => ({ ...rest, validFrom: period[0], validUntil: period[1] })),
    json: true,
  },
  {
    name: 'parseGuardianRef',
    parse: parseGuardianRef,
    valid: fc.record({ patientId, guardianId }),
    json: true,
  },
  {
    name: 'parsePurgeOrder',
    parse: parsePurgeOrder,
    valid: fc.record(
      {
        collection: fc.constantFrom('org_TertiaryHospitalMSP', 'pair_A_B', 'org_GovMSP'),
        kind: fc.constantFrom(...RETENTION_KINDS),
        before: instant,
        limit: fc.integer({ min: 1, max: 500 }),
      },
      { requiredKeys: ['collection', 'kind', 'before'] },
    ),
    json: true,
  },
  {
    name: 'parsePurgeList',
    parse: parsePurgeList,
    valid: fc.constantFrom(...RETENTION_KINDS).chain((kind) =>
      fc.record({
        collection: fc.constantFrom('org_TertiaryHospitalMSP', 'pair_A_B', 'org_GovMSP'),
        kind: fc.constant(kind),
        before: instant,
        ids: fc.array(
          text(hex, 24, 24).map((h) => `${ID_PREFIX[kind]}-${h}`),
          { minLength: 1, maxLength: 5 },
        ),
      }),
    ),
    json: true,
  },
  {
    name: 'parseDayCounts',
    parse: parseDayCounts,
    // What CountDay answers for any day's entries.
    valid: fc
      .tuple(
        instant.map((each) => each.slice(0, 10)),
        fc.array(
          fc.record({
            p: fc.constantFrom(...PURPOSES),
            c: categories,
            d: fc.constantFrom('permit' as const, 'deny' as const),
            r: fc.constantFrom('330106', '330100', '440000', '440305'),
            b: fc.constantFrom(0 as const, 1 as const),
          }),
          { maxLength: 30 },
        ),
      )
      .map(([day, entries]) => dayCounts(day, entries)),
    json: true,
  },
  { name: 'parsePatientId', parse: parsePatientId, valid: patientId, json: false },
  {
    name: 'parseConsentQuery',
    parse: parseConsentQuery,
    valid: fc.record(
      {
        patientId,
        grantee: fc.oneof(mspId, fc.constant('*')),
        status: fc.constantFrom('active', 'revoked', 'expired'),
        pageSize,
      },
      { requiredKeys: [] },
    ),
    json: true,
  },
  {
    name: 'parseAccessRequest',
    parse: parseAccessRequest,
    valid: fc.record(
      {
        patientId,
        purpose: fc.constantFrom(...PURPOSES.filter((purpose) => purpose !== 'emergency')),
        categories,
        recordIds: fc.array(externalId, { maxLength: 5 }),
      },
      { requiredKeys: ['patientId', 'purpose', 'categories'] },
    ),
    json: true,
  },
  {
    name: 'parseEmergencyRequest',
    parse: parseEmergencyRequest,
    valid: fc.record({
      patientId,
      categories,
      reasonCode: fc.constantFrom(...EMERGENCY_REASON_CODES),
      justificationHash: sha256,
    }),
    json: true,
  },
  {
    name: 'parseReview',
    parse: parseReview,
    valid: fc.record({ outcome: fc.constantFrom('justified', 'unjustified'), commentHash: sha256 }),
    json: true,
  },
  {
    name: 'parseCohortRequest',
    parse: parseCohortRequest,
    valid: fc.record({
      studyId: externalId,
      categories,
      patientIds: fc.array(patientId, { minLength: 1, maxLength: 5 }),
    }),
    json: true,
  },
  {
    name: 'parseCohortQuery',
    parse: parseCohortQuery,
    valid: fc.record(
      { categories, pageSize, bookmark: text(hex, 0, 40) },
      { requiredKeys: ['categories'] },
    ),
    json: true,
  },
  {
    name: 'parseReferralInput',
    parse: parseReferralInput,
    valid: fc.record({ patientId, toOrg: mspId, categories, validUntil: instant }),
    json: true,
  },
  {
    name: 'parseEventQuery',
    parse: parseEventQuery,
    valid: fc
      .record(
        {
          patientId,
          accessorOrg: mspId,
          window: ordered,
          decision: fc.constantFrom('permit', 'deny'),
          breakGlass: fc.boolean(),
          order: fc.constantFrom('desc', 'asc'),
          withTotal: fc.boolean(),
          pageSize,
        },
        { requiredKeys: [] },
      )
      .map(({ window, ...rest }) => ({
        ...rest,
        ...(window === undefined ? {} : { from: window[0], to: window[1] }),
      })),
    json: true,
  },
  {
    name: 'parseReviewQuery',
    parse: parseReviewQuery,
    valid: fc.record({ pageSize }, { requiredKeys: [] }),
    json: true,
  },
  {
    name: 'parseStatisticsQuery',
    parse: parseStatisticsQuery,
    valid: fc.tuple(instant, fc.integer({ min: 1, max: 300 * 86_400_000 })).map(([from, span]) => ({
      from,
      to: new Date(Date.parse(from) + span).toISOString(),
      level: 'city',
      region: '330100',
    })),
    json: true,
  },
  { name: 'parseRecordItem', parse: parseRecordItem, valid: recordItem, json: true },
  {
    name: 'parseBatchInput',
    parse: parseBatchInput,
    valid: fc.record({
      batchId: externalId,
      items: fc.uniqueArray(batchItem, {
        minLength: 1,
        maxLength: 5,
        selector: (item) => item.recordId,
      }),
    }),
    json: true,
  },
  {
    name: 'parseBatchMemberClaim',
    parse: parseBatchMemberClaim,
    valid: fc.record({
      batchId: externalId,
      item: batchItem,
      leafIndex: fc.integer({ min: 0, max: 1000 }),
      auditPath: fc.array(sha256, { maxLength: 4 }),
    }),
    json: true,
  },
  {
    name: 'parseAnchorQuery',
    parse: parseAnchorQuery,
    valid: fc.record({ patientId, org: mspId, pageSize }, { requiredKeys: [] }),
    json: true,
  },
  {
    name: 'parseOrganizationInput',
    parse: parseOrganizationInput,
    valid: fc.oneof(
      fc.record({
        mspId,
        type: fc.constant('hospital'),
        tier: fc.constantFrom('tertiary', 'community'),
        region: fc.constant({ province: '330000', city: '330100', county: '330106' }),
      }),
      fc.record({
        mspId,
        type: fc.constantFrom('enterprise', 'research'),
        region: fc.constant({ province: '110000' }),
      }),
    ),
    json: true,
  },
  {
    name: 'parseConsentId',
    parse: parseConsentId,
    valid: text(hex, 24, 24).map((h) => `con-${h}`),
    json: false,
  },
  {
    name: 'parseEventId',
    parse: parseEventId,
    valid: text(hex, 24, 24).map((h) => `evt-${h}`),
    json: false,
  },
  {
    name: 'parseReferralId',
    parse: parseReferralId,
    valid: text(hex, 24, 24).map((h) => `ref-${h}`),
    json: false,
  },
  { name: 'parseRecordId', parse: parseRecordId, valid: externalId, json: false },
  { name: 'parseBatchId', parse: parseBatchId, valid: externalId, json: false },
  { name: 'parseSha256', parse: parseSha256, valid: sha256, json: false },
  { name: 'parseMspId', parse: parseMspId, valid: mspId, json: false },
  {
    name: 'parseVersion',
    parse: parseVersion,
    valid: fc.integer({ min: 1, max: 999_999_999 }).map(String),
    json: false,
  },
  {
    name: 'parseDay',
    parse: parseDay,
    valid: instant.map((each) => each.slice(0, 10)),
    json: false,
  },
];

// ---- Hostile inputs ----------------------------------------------------------------------------

const hostileStrings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\nb',
    '\u202Epid-abcdefghijklmnop',
    '\uD800',
    '💥'.repeat(20),
    "' OR '1'='1",
    '{"$ne": null}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '2026-02-30T00:00:00.000Z',
    '2026-02-30',
    '__proto__',
    'constructor',
    'NaN',
    '1e309',
    '-0',
  ),
);

/** Any JSON value, with hostile strings and keys among them. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    hostileStrings,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(hostileStrings, fc.constantFrom('__proto__', 'items', 'grantee')),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
})).value;

/** A valid input with one field deleted, replaced by hostile JSON, or one unknown field added. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom('delete', 'replace', 'add', 'nest'), hostileJson)
    .map(([value, pick, how, junk]) => {
      if (typeof value !== 'object' || value === null) return junk;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys[pick % Math.max(1, keys.length)] ?? 'x';
      if (how === 'delete') Reflect.deleteProperty(copy, key);
      else if (how === 'replace') copy[key] = junk;
      else if (how === 'add') copy[`${key}_extra`] = junk;
      else copy[key] = [copy[key], junk];
      return copy;
    });
}

// ---- The property ------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Parses; a refusal must be a coded INVALID_ARGUMENT, an acceptance must re-parse to itself. */
function check(factory: Factory, argument: string): void {
  let parsed: unknown;
  try {
    parsed = factory.parse(argument);
  } catch (error) {
    expect(error, `${factory.name} threw a non-ledger error`).toBeInstanceOf(LedgerError);
    const ledgerError = error as LedgerError;
    expect(factory.codes ?? ['INVALID_ARGUMENT']).toContain(ledgerError.code);
    expect(ledgerError.message.startsWith(`${ledgerError.code}: `)).toBe(true);
    expect(ledgerError.message.length).toBeLessThanOrEqual(1024);
    expect(ledgerError.message).not.toMatch(CONTROL);
    return;
  }
  const again = factory.json
    ? marshalText(parsed)
    : typeof parsed === 'string' || typeof parsed === 'number'
      ? String(parsed)
      : '';
  expect(factory.parse(again), `${factory.name} does not re-parse its own output`).toEqual(parsed);
}

describe('fuzz: every input factory of the chaincode', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it.each(factories)('$name accepts what it should, and round-trips it', (factory) => {
    fc.assert(
      fc.property(factory.valid, (value) => {
        const argument = factory.json ? JSON.stringify(value) : String(value);
        expect(() => factory.parse(argument)).not.toThrow();
        check(factory, argument);
      }),
      FUZZ,
    );
  });

  it.each(factories)('$name refuses arbitrary strings with INVALID_ARGUMENT only', (factory) => {
    fc.assert(
      fc.property(hostileStrings, (value) => {
        check(factory, value);
      }),
      FUZZ,
    );
  });

  it.each(factories.filter((factory) => factory.json))(
    '$name refuses arbitrary and mutated JSON with INVALID_ARGUMENT only',
    (factory) => {
      fc.assert(
        fc.property(fc.oneof(hostileJson, mutated(factory.valid)), (value) => {
          check(factory, JSON.stringify(value));
        }),
        FUZZ,
      );
    },
  );
});
