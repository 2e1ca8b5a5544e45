import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  PURPOSES,
  SENSITIVITY_LABELS,
  labelsOfRequest,
  type Category,
  type Consent,
  type Purpose,
  type Referral,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';
import { FUZZ_TIMEOUT_MS, fuzzParameters } from '../testing/fuzz';
import {
  evaluateConsents,
  evaluateEmergency,
  granteeMatches,
  isConsentActive,
  isReferralOpen,
  periodContains,
  type EvaluationInput,
} from './consent-evaluation';
import { parseConsentInput } from './consent-input';

/**
 * Fuzz of consent evaluation over consents as the input factory makes them (so only shapes the
 * ledger can hold), with instants at millisecond resolution around a few boundaries, arbitrary
 * statuses and referrals. The properties are the rules of docs/ledger-api.md, "Consent evaluation".
 */

const FUZZ = fuzzParameters();

const ORGS = ['HospA', 'HospB', 'Lab'];
const PRACTITIONERS = ['prac-00000001', 'prac-00000002'];
const BASE = Date.UTC(2026, 5, 1);
/** Instants clustered around a few boundaries, so that equal and adjacent bounds are common. */
const instant = fc
  .tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-1, 0, 0, 1, 7))
  .map(([day, ms]) => new Date(BASE + day * 86_400_000 + ms).toISOString());
const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });
const someOf = <T>(values: readonly T[]): fc.Arbitrary<T[]> =>
  fc.subarray([...values], { minLength: 1 });

const grantee = fc.record(
  {
    org: fc.constantFrom(...ORGS),
    role: fc.constantFrom('clinician', 'researcher', 'analyst'),
    practitionerId: fc.constantFrom(...PRACTITIONERS),
  },
  { requiredKeys: [] },
);

/** A pair of optional bounds, ordered when both are given. */
const bounds = fc.tuple(optional(instant), optional(instant)).map(([a, b]) => {
  if (a !== undefined && b !== undefined && a > b) return [b, a] as const;
  return [a, b] as const;
});

const terms = fc
  .record({
    provision: fc.constantFrom('permit', 'deny'),
    grantee,
    purposes: optional(someOf(PURPOSES)),
    categories: optional(someOf(CATEGORIES)),
    sensitive: optional(someOf(SENSITIVITY_LABELS)),
    validFrom: instant,
    validUntil: optional(instant),
    data: bounds,
    exceptions: fc.array(
      fc.record(
        {
          purposes: someOf(PURPOSES),
          categories: someOf(CATEGORIES),
          sensitive: someOf(SENSITIVITY_LABELS),
          grantee,
          data: bounds,
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  })
  .map((drawn) => {
    const permit = drawn.provision === 'permit';
    const input = {
      provision: drawn.provision,
      grantee: permit ? { ...drawn.grantee, org: drawn.grantee.org ?? 'HospA' } : drawn.grantee,
      purposes: drawn.purposes ?? (permit ? ['treatment'] : undefined),
      categories: drawn.categories ?? (permit ? ['outpatient'] : undefined),
      sensitive: drawn.sensitive,
      validFrom: drawn.validFrom,
      validUntil:
        drawn.validUntil !== undefined && drawn.validUntil > drawn.validFrom
          ? drawn.validUntil
          : undefined,
      dataFrom: drawn.data[0],
      dataUntil: drawn.data[1],
      exceptions: permit
        ? drawn.exceptions.map(({ data, ...rest }) => ({
            ...rest,
            dataFrom: data?.[0],
            dataUntil: data?.[1],
          }))
        : [],
    };
    // Through the factory: only what GrantConsent would store.
    return parseConsentInput(JSON.stringify(input));
  });

const consent = fc
  .tuple(terms, fc.nat(99), fc.constantFrom('active', 'active', 'revoked' as const))
  .map(([consentTerms, n, status]): Consent => ({
    ...consentTerms,
    validFrom: consentTerms.validFrom ?? new Date(BASE).toISOString(),
    consentId: `con-${n.toString(16).padStart(24, '0')}`,
    patientId: 'pid-aaaaaaaaaaaaaaaa',
    patientHome: 'Lab',
    status,
    version: 1,
    createdAt: new Date(BASE).toISOString(),
    updatedAt: new Date(BASE).toISOString(),
    signedBy: { kind: 'patient', id: 'pid-aaaaaaaaaaaaaaaa' },
    txId: '0'.repeat(64),
    salt: 'A'.repeat(22),
  }));

const referral = fc
  .record({
    toOrg: fc.constantFrom(...ORGS),
    categories: someOf(CATEGORIES),
    validUntil: instant,
    status: fc.constantFrom('open', 'closed' as const),
  })
  .map((drawn): Referral => ({
    ...drawn,
    categories: [...drawn.categories].sort(),
    status: drawn.status,
    referralId: 'ref-000000000000000000000001',
    patientId: 'pid-aaaaaaaaaaaaaaaa',
    patientHome: 'Lab',
    fromOrg: 'Lab',
    createdAt: new Date(BASE).toISOString(),
    createdBy: '0'.repeat(64),
    txId: '0'.repeat(64),
    salt: 'A'.repeat(22),
  }));

const randomQuestion = fc
  .record({
    accessor: fc.record(
      {
        org: fc.constantFrom(...ORGS),
        role: fc.constantFrom('clinician', 'researcher', 'analyst'),
        practitionerId: fc.constantFrom(...PRACTITIONERS),
      },
      { requiredKeys: ['org', 'role'] },
    ),
    purpose: fc.constantFrom(...PURPOSES.filter((purpose) => purpose !== 'emergency')),
    categories: someOf(CATEGORIES).map((list) => [...list].sort()),
    labels: optional(someOf(SENSITIVITY_LABELS).map((list) => [...list].sort())),
    data: bounds,
    now: instant,
    consents: fc.array(consent, { maxLength: 8 }),
    referrals: fc.array(referral, { maxLength: 2 }),
  })
  .map(
    ({ data, labels, ...rest }): EvaluationInput & { purpose: Exclude<Purpose, 'emergency'> } => ({
      ...rest,
      ...(labels === undefined ? {} : { labels }),
      ...(data[0] === undefined ? {} : { dataFrom: data[0] }),
      ...(data[1] === undefined ? {} : { dataUntil: data[1] }),
    }),
  );

/** A question aimed at the first consent (its grantee, a purpose and categories of it, its start). */
const question = fc.oneof(
  randomQuestion,
  randomQuestion.chain((input) => {
    const target = input.consents[0];
    if (target?.provision !== 'permit') return fc.constant(input);
    const usable = (target.purposes ?? []).filter((purpose) => purpose !== 'emergency');
    return fc
      .tuple(
        fc.constantFrom(...(usable.length > 0 ? usable : ['treatment' as const])),
        someOf(target.categories ?? ['outpatient' as const]),
        fc.subarray([...(target.sensitive ?? [])]),
        fc.boolean(),
      )
      .map(([purpose, categories, labels, ownPeriod]) => ({
        ...input,
        // Half of the time the target's own data period, which it contains.
        ...(ownPeriod
          ? {
              dataFrom: target.dataFrom ?? input.dataFrom,
              dataUntil: target.dataUntil ?? input.dataUntil,
            }
          : {}),
        labels: [...labels].sort(),
        accessor: {
          org: target.grantee?.org ?? 'HospA',
          role: target.grantee?.role ?? 'clinician',
          ...(target.grantee?.practitionerId === undefined
            ? {}
            : { practitionerId: target.grantee.practitionerId }),
        },
        purpose,
        categories: [...categories].sort(),
        now: target.validFrom,
      }));
  }),
);

/** Whether a consent (or exception) is a deny that matches the question (rules 1-3). */
function denies(input: EvaluationInput, each: Consent): boolean {
  return (
    each.provision === 'deny' &&
    isConsentActive(each, input.now) &&
    granteeMatches(each.grantee, input.accessor) &&
    (each.purposes === undefined || each.purposes.includes(input.purpose)) &&
    (each.categories === undefined ||
      input.categories.some((category) => each.categories?.includes(category))) &&
    (each.sensitive === undefined ||
      labelsOfRequest(input.categories, input.labels).some((label) =>
        each.sensitive?.includes(label),
      )) &&
    (each.dataFrom === undefined ||
      input.dataUntil === undefined ||
      each.dataFrom <= input.dataUntil) &&
    (each.dataUntil === undefined ||
      input.dataFrom === undefined ||
      input.dataFrom <= each.dataUntil)
  );
}

/** Whether a consent is an active matching permit for the question's purpose naming `label`. */
function namesLabel(input: EvaluationInput, each: Consent, label: SensitivityLabel): boolean {
  return (
    each.provision === 'permit' &&
    isConsentActive(each, input.now) &&
    granteeMatches(each.grantee, input.accessor) &&
    each.purposes?.includes(input.purpose) === true &&
    each.sensitive?.includes(label) === true &&
    input.categories.some((category) => each.categories?.includes(category)) &&
    periodContains(each, input)
  );
}

/** Whether some consent of the question opens `label` for its purpose. */
function opensFor(input: EvaluationInput, label: SensitivityLabel): boolean {
  return input.consents.some((each) => namesLabel(input, each, label));
}

describe('fuzz: consent evaluation', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('is deterministic and leaves its input untouched', () => {
    fc.assert(
      fc.property(question, (input) => {
        const copy = structuredClone(input);
        const first = evaluateConsents(input);
        expect(evaluateConsents(copy)).toEqual(first);
        expect(input).toEqual(copy);
        expect(first.consentIds).toEqual([...new Set(first.consentIds)].sort());
      }),
      FUZZ,
    );
  });

  it('deny overrides: a matching active deny always decides, and adding consents never lifts it', () => {
    fc.assert(
      fc.property(question, fc.array(consent, { maxLength: 4 }), (input, more) => {
        const outcome = evaluateConsents(input);
        if (input.consents.some((each) => denies(input, each))) {
          expect(outcome).toMatchObject({ decision: 'deny', reason: 'DENIED_BY_CONSENT' });
        }
        if (outcome.reason === 'DENIED_BY_CONSENT' || outcome.reason === 'DENIED_BY_EXCEPTION') {
          const widened = evaluateConsents({ ...input, consents: [...input.consents, ...more] });
          expect(widened.decision).toBe('deny');
        }
      }),
      FUZZ,
    );
  });

  it('revoked consents and consents outside their validity never permit', () => {
    fc.assert(
      fc.property(question, fc.boolean(), (input, revoke) => {
        const outcome = evaluateConsents(input);
        if (outcome.decision === 'permit') {
          for (const id of outcome.consentIds) {
            const deciding = input.consents.filter((each) => each.consentId === id);
            expect(deciding.some((each) => isConsentActive(each, input.now))).toBe(true);
          }
        }
        const inactive = input.consents.map((each) =>
          revoke
            ? { ...each, status: 'revoked' as const }
            : { ...each, validUntil: each.validFrom },
        );
        expect(evaluateConsents({ ...input, consents: inactive })).toMatchObject({
          decision: 'deny',
          reason: 'NO_MATCHING_CONSENT',
          consentIds: [],
        });
      }),
      FUZZ,
    );
  });

  it('a permit is covered, category by category, by the consents it names', () => {
    let permits = 0;
    fc.assert(
      fc.property(question, (input) => {
        const outcome = evaluateConsents(input);
        if (outcome.decision !== 'permit') return;
        permits += 1;
        const deciding = input.consents.filter((each) =>
          outcome.consentIds.includes(each.consentId),
        );
        for (const category of input.categories as Category[]) {
          expect(
            deciding.some(
              (each) =>
                each.provision === 'permit' &&
                isConsentActive(each, input.now) &&
                granteeMatches(each.grantee, input.accessor) &&
                each.purposes?.includes(input.purpose) === true &&
                each.categories?.includes(category) === true &&
                periodContains(each, input),
            ),
          ).toBe(true);
        }
        if (input.purpose === 'referral') {
          expect(
            (input.referrals ?? []).some(
              (each) =>
                isReferralOpen(each, input.now) &&
                each.toOrg === input.accessor.org &&
                input.categories.every((category) => each.categories.includes(category)),
            ),
          ).toBe(true);
        }
      }),
      FUZZ,
    );
    // The property is not vacuous: the generator reaches permits.
    expect(permits).toBeGreaterThan(0);
  });

  it('does not depend on the order of the consents, and removing a deny never turns a permit into a deny', () => {
    fc.assert(
      fc.property(question, fc.nat(), (input, seed) => {
        const outcome = evaluateConsents(input);
        const rotated = input.consents.map((_, index, all) => all[(index + seed) % all.length]!);
        expect(evaluateConsents({ ...input, consents: rotated })).toEqual(outcome);
        if (outcome.decision === 'permit') {
          const withoutDenies = input.consents.filter((each) => each.provision !== 'deny');
          expect(evaluateConsents({ ...input, consents: withoutDenies }).decision).toBe('permit');
        }
      }),
      FUZZ,
    );
  });

  it('break-glass is permitted unless a deny covering emergency matches or sensitive data was not allowed in advance', () => {
    fc.assert(
      fc.property(question, (input) => {
        const emergency = { ...input, purpose: 'emergency' as const };
        const outcome = evaluateEmergency(input);
        const deniedByPatient = emergency.consents.some((each) => denies(emergency, each));
        if (deniedByPatient) expect(outcome.reason).toBe('EMERGENCY_DENIED_BY_PATIENT');
        const denied = ['DENIED_BY_CONSENT', 'DENIED_BY_EXCEPTION'].includes(
          evaluateConsents(emergency).reason,
        );
        const allowed = labelsOfRequest(input.categories, input.labels).every((label) =>
          opensFor(emergency, label),
        );
        expect(outcome.decision === 'permit').toBe(!denied && allowed);
        if (!denied && !allowed) expect(outcome.reason).toBe('EMERGENCY_SENSITIVE_NOT_ALLOWED');
      }),
      FUZZ,
    );
  });

  it('never permits sensitive data that no deciding permit names, for any purpose or break-glass', () => {
    let sensitivePermits = 0;
    fc.assert(
      fc.property(question, (input) => {
        const labels = labelsOfRequest(input.categories, input.labels);
        const emergency = { ...input, purpose: 'emergency' as const };
        for (const [asked, outcome] of [
          [input, evaluateConsents(input)],
          [emergency, evaluateEmergency(input)],
        ] as const) {
          if (outcome.decision !== 'permit' || labels.length === 0) continue;
          sensitivePermits += 1;
          const deciding = asked.consents.filter((each) =>
            outcome.consentIds.includes(each.consentId),
          );
          for (const label of labels)
            expect(deciding.some((each) => namesLabel(asked, each, label))).toBe(true);
        }
      }),
      FUZZ,
    );
    // The property is not vacuous: the generator reaches permits of sensitive data.
    expect(sensitivePermits).toBeGreaterThan(0);
  });

  it('a permit that does not name a label never opens it, whatever else it covers', () => {
    fc.assert(
      fc.property(question, fc.constantFrom(...SENSITIVITY_LABELS), (input, label) => {
        // Strip the label from every consent: no request carrying it may be permitted.
        const consents = input.consents.map((each): Consent => {
          const rest = (each.sensitive ?? []).filter((named) => named !== label);
          const { sensitive: _named, ...others } = each;
          return rest.length === 0 ? others : { ...others, sensitive: rest };
        });
        const asked = { ...input, consents, labels: [...(input.labels ?? []), label].sort() };
        expect(evaluateConsents(asked).decision).toBe('deny');
        expect(evaluateEmergency(asked).decision).toBe('deny');
      }),
      FUZZ,
    );
  });
});
