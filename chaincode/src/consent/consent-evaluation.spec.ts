import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  PURPOSES,
  type Category,
  type Consent,
  type Purpose,
  type Referral,
} from '@consent-ledger/ledger-api';
import {
  consentStatusAt,
  evaluateConsents,
  evaluateEmergency,
  granteeMatches,
  isConsentActive,
  isReferralOpen,
  periodContains,
  periodsOverlap,
  type AccessorIdentity,
  type EvaluationInput,
} from './consent-evaluation';

const NOW = '2026-06-01T00:00:00.000Z';
const CLINICIAN: AccessorIdentity = {
  org: 'HospA',
  role: 'clinician',
  practitionerId: 'prac-00000001',
};

let sequence = 0;
function consent(overrides: Partial<Consent> = {}): Consent {
  sequence += 1;
  return {
    consentId: `con-${String(sequence).padStart(24, '0')}`,
    patientId: 'pid-aaaaaaaaaaaaaaaa',
    patientHome: 'HospB',
    provision: 'permit',
    grantee: { org: 'HospA' },
    purposes: ['treatment'],
    categories: ['outpatient'],
    validFrom: '2026-01-01T00:00:00.000Z',
    exceptions: [],
    status: 'active',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    signedBy: { kind: 'patient', id: 'pid-aaaaaaaaaaaaaaaa' },
    txId: 'tx',
    salt: 'AAAAAAAAAAAAAAAAAAAAAA',
    ...overrides,
  };
}

function deny(overrides: Partial<Consent> = {}): Consent {
  const base = consent({ provision: 'deny', ...overrides });
  const { grantee, purposes, categories, ...rest } = base;
  return {
    ...rest,
    ...('grantee' in overrides && overrides.grantee !== undefined ? { grantee } : {}),
    ...('purposes' in overrides && overrides.purposes !== undefined ? { purposes } : {}),
    ...('categories' in overrides && overrides.categories !== undefined ? { categories } : {}),
  };
}

function ask(
  consents: readonly Consent[],
  overrides: Partial<EvaluationInput> = {},
): ReturnType<typeof evaluateConsents> {
  return evaluateConsents({
    consents,
    accessor: CLINICIAN,
    purpose: 'treatment',
    categories: ['outpatient'],
    now: NOW,
    ...overrides,
  });
}

function referral(overrides: Partial<Referral> = {}): Referral {
  return {
    referralId: 'ref-000000000000000000000001',
    patientId: 'pid-aaaaaaaaaaaaaaaa',
    patientHome: 'HospB',
    fromOrg: 'HospB',
    toOrg: 'HospA',
    categories: ['imaging', 'outpatient'],
    validUntil: '2026-12-01T00:00:00.000Z',
    status: 'open',
    createdAt: '2026-05-01T00:00:00.000Z',
    createdBy: 'x',
    txId: 'tx',
    salt: 'AAAAAAAAAAAAAAAAAAAAAA',
    ...overrides,
  };
}

describe('consent evaluation: permits', () => {
  it('denies with NO_MATCHING_CONSENT when there is no consent', () => {
    expect(ask([])).toEqual({ decision: 'deny', reason: 'NO_MATCHING_CONSENT', consentIds: [] });
  });

  it('permits with the covering consent and echoes the requested period', () => {
    const permit = consent();
    expect(ask([permit])).toEqual({
      decision: 'permit',
      reason: 'PERMITTED_BY_CONSENT',
      consentIds: [permit.consentId],
    });
    const open = consent({ dataFrom: undefined });
    expect(
      ask([open], { dataFrom: '2025-01-01T00:00:00.000Z', dataUntil: '2025-02-01T00:00:00.000Z' }),
    ).toEqual({
      decision: 'permit',
      reason: 'PERMITTED_BY_CONSENT',
      consentIds: [open.consentId],
      dataFrom: '2025-01-01T00:00:00.000Z',
      dataUntil: '2025-02-01T00:00:00.000Z',
    });
  });

  it('matches the grantee field by field', () => {
    expect(ask([consent({ grantee: { org: 'HospB' } })]).reason).toBe('NO_MATCHING_CONSENT');
    expect(ask([consent({ grantee: { org: 'HospA', role: 'clinician' } })]).decision).toBe(
      'permit',
    );
    expect(ask([consent({ grantee: { org: 'HospA', role: 'researcher' } })]).decision).toBe('deny');
    expect(
      ask([consent({ grantee: { org: 'HospA', practitionerId: 'prac-00000001' } })]).decision,
    ).toBe('permit');
    expect(
      ask([consent({ grantee: { org: 'HospA', practitionerId: 'prac-00000002' } })]).decision,
    ).toBe('deny');
    expect(
      ask([consent({ grantee: { org: 'HospA', practitionerId: 'prac-00000001' } })], {
        accessor: { org: 'HospA', role: 'clinician' },
      }).decision,
    ).toBe('deny');
  });

  it('needs the purpose to be listed', () => {
    expect(ask([consent()], { purpose: 'research' }).reason).toBe('NO_MATCHING_CONSENT');
  });

  it('needs every requested category covered', () => {
    const permit = consent({ categories: ['outpatient'] });
    expect(ask([permit], { categories: ['laboratory', 'outpatient'] })).toEqual({
      decision: 'deny',
      reason: 'CATEGORY_NOT_CONSENTED',
      consentIds: [permit.consentId],
    });
    expect(ask([permit], { categories: ['laboratory'] }).reason).toBe('NO_MATCHING_CONSENT');
  });

  it('combines permits that cover different categories, ids sorted', () => {
    const lab = consent({ categories: ['laboratory'] });
    const out = consent({ categories: ['outpatient', 'imaging'] });
    const unrelated = consent({ categories: ['genomic'] });
    expect(ask([out, unrelated, lab], { categories: ['laboratory', 'outpatient'] })).toEqual({
      decision: 'permit',
      reason: 'PERMITTED_BY_CONSENT',
      consentIds: [lab.consentId, out.consentId].sort(),
    });
  });

  it('requires the permit data period to contain the requested one', () => {
    const bounded = consent({
      dataFrom: '2020-01-01T00:00:00.000Z',
      dataUntil: '2021-01-01T00:00:00.000Z',
    });
    const inside = { dataFrom: '2020-03-01T00:00:00.000Z', dataUntil: '2020-04-01T00:00:00.000Z' };
    expect(ask([bounded], inside).decision).toBe('permit');
    expect(
      ask([bounded], {
        dataFrom: '2020-03-01T00:00:00.000Z',
        dataUntil: '2021-04-01T00:00:00.000Z',
      }),
    ).toMatchObject({ decision: 'deny', reason: 'DATA_PERIOD_NOT_CONSENTED' });
    // A permit with a data period does not cover a request without one.
    expect(ask([bounded]).reason).toBe('DATA_PERIOD_NOT_CONSENTED');
    // Only the period failed for one category, another is not listed at all.
    expect(ask([bounded], { ...inside, categories: ['outpatient', 'genomic'] }).reason).toBe(
      'CATEGORY_NOT_CONSENTED',
    );
    expect(
      ask([consent({ dataFrom: '2020-01-01T00:00:00.000Z' })], {
        dataFrom: '2019-01-01T00:00:00.000Z',
      }).reason,
    ).toBe('DATA_PERIOD_NOT_CONSENTED');
  });

  it('counts only consents active now: status, validFrom inclusive, validUntil exclusive', () => {
    expect(ask([consent({ status: 'revoked' })]).reason).toBe('NO_MATCHING_CONSENT');
    expect(ask([consent({ validFrom: '2026-07-01T00:00:00.000Z' })]).decision).toBe('deny');
    expect(ask([consent({ validFrom: NOW })]).decision).toBe('permit');
    expect(ask([consent({ validUntil: NOW })]).decision).toBe('deny');
    expect(ask([consent({ validUntil: '2026-06-01T00:00:00.001Z' })]).decision).toBe('permit');
  });
});

describe('consent evaluation: denies and exceptions', () => {
  it('lets any matching deny override every permit', () => {
    const permit = consent();
    const blanket = deny();
    expect(ask([permit, blanket])).toEqual({
      decision: 'deny',
      reason: 'DENIED_BY_CONSENT',
      consentIds: [blanket.consentId],
    });
  });

  it('applies a deny only where it matches', () => {
    const permit = consent();
    expect(ask([permit, deny({ grantee: { org: 'HospB' } })]).decision).toBe('permit');
    expect(ask([permit, deny({ grantee: { role: 'clinician' } })]).decision).toBe('deny');
    expect(ask([permit, deny({ purposes: ['research'] })]).decision).toBe('permit');
    expect(ask([permit, deny({ categories: ['genomic'] })]).decision).toBe('permit');
    expect(
      ask([permit, deny({ categories: ['genomic'] })], { categories: ['genomic', 'outpatient'] }),
    ).toMatchObject({ reason: 'DENIED_BY_CONSENT' });
    expect(ask([permit, deny({ status: 'revoked' })]).decision).toBe('permit');
    expect(ask([permit, deny({ validUntil: NOW })]).decision).toBe('permit');
  });

  it('applies a deny whose data period overlaps the request, or when either has none', () => {
    const permit = consent();
    const old = deny({
      dataFrom: '2010-01-01T00:00:00.000Z',
      dataUntil: '2011-01-01T00:00:00.000Z',
    });
    expect(
      ask([permit, old], {
        dataFrom: '2012-01-01T00:00:00.000Z',
        dataUntil: '2013-01-01T00:00:00.000Z',
      }).decision,
    ).toBe('permit');
    expect(
      ask([permit, old], {
        dataFrom: '2010-06-01T00:00:00.000Z',
        dataUntil: '2013-01-01T00:00:00.000Z',
      }).reason,
    ).toBe('DENIED_BY_CONSENT');
    // Data periods are closed: touching at one instant is overlapping.
    expect(
      ask([permit, old], {
        dataFrom: '2011-01-01T00:00:00.000Z',
        dataUntil: '2013-01-01T00:00:00.000Z',
      }).reason,
    ).toBe('DENIED_BY_CONSENT');
    expect(
      ask([permit, old], {
        dataFrom: '2011-01-01T00:00:00.001Z',
        dataUntil: '2013-01-01T00:00:00.000Z',
      }).decision,
    ).toBe('permit');
    // A single instant inside the deny's period cannot slip through.
    const instant = '2010-06-01T00:00:00.000Z';
    expect(ask([permit, old], { dataFrom: instant, dataUntil: instant }).reason).toBe(
      'DENIED_BY_CONSENT',
    );
    expect(ask([permit, old]).reason).toBe('DENIED_BY_CONSENT');
  });

  it('denies through a matching exception of a matching permit', () => {
    const permit = consent({
      categories: ['genomic', 'outpatient'],
      exceptions: [{ categories: ['genomic'] }],
    });
    expect(ask([permit], { categories: ['genomic'] })).toEqual({
      decision: 'deny',
      reason: 'DENIED_BY_EXCEPTION',
      consentIds: [permit.consentId],
    });
    expect(ask([permit], { categories: ['outpatient'] }).decision).toBe('permit');
    expect(ask([permit], { categories: ['genomic', 'outpatient'] }).reason).toBe(
      'DENIED_BY_EXCEPTION',
    );
  });

  it('applies an exception only where it matches', () => {
    const withException = (exception: Consent['exceptions'][number]): Consent =>
      consent({ purposes: ['research', 'treatment'], exceptions: [exception] });
    expect(ask([withException({ purposes: ['research'] })]).decision).toBe('permit');
    expect(ask([withException({ purposes: ['research'] })], { purpose: 'research' }).reason).toBe(
      'DENIED_BY_EXCEPTION',
    );
    expect(ask([withException({ grantee: { role: 'researcher' } })]).decision).toBe('permit');
    expect(ask([withException({ grantee: { practitionerId: 'prac-00000001' } })]).reason).toBe(
      'DENIED_BY_EXCEPTION',
    );
    const old = { dataFrom: '2010-01-01T00:00:00.000Z', dataUntil: '2011-01-01T00:00:00.000Z' };
    expect(
      ask([withException(old)], {
        dataFrom: '2015-01-01T00:00:00.000Z',
        dataUntil: '2016-01-01T00:00:00.000Z',
      }).decision,
    ).toBe('permit');
    expect(ask([withException(old)]).reason).toBe('DENIED_BY_EXCEPTION');
    // An exception of a permit that does not match the request does not deny it.
    const other = consent({ grantee: { org: 'HospB' }, exceptions: [{}] });
    expect(ask([consent(), other]).decision).toBe('permit');
    const inactive = consent({ status: 'revoked', exceptions: [{}] });
    expect(ask([consent(), inactive]).decision).toBe('permit');
  });
});

describe('consent evaluation: referrals', () => {
  const permit = consent({ purposes: ['referral'], categories: ['imaging', 'outpatient'] });
  const question = { purpose: 'referral' as const, categories: ['outpatient'] as Category[] };

  it('permits a referral access with an open referral to the accessor covering the categories', () => {
    expect(ask([permit], { ...question, referrals: [referral()] })).toMatchObject({
      decision: 'permit',
      reason: 'PERMITTED_BY_CONSENT',
    });
  });

  it('denies NO_ACTIVE_REFERRAL without one', () => {
    for (const referrals of [
      [],
      [referral({ status: 'closed' })],
      [referral({ validUntil: NOW })],
      [referral({ toOrg: 'HospC' })],
      [referral({ categories: ['imaging'] })],
    ]) {
      expect(ask([permit], { ...question, referrals })).toEqual({
        decision: 'deny',
        reason: 'NO_ACTIVE_REFERRAL',
        consentIds: [permit.consentId],
      });
    }
  });

  it('still lets a deny win and a missing consent fail first', () => {
    expect(ask([permit, deny()], { ...question, referrals: [referral()] }).reason).toBe(
      'DENIED_BY_CONSENT',
    );
    expect(ask([], { ...question, referrals: [referral()] }).reason).toBe('NO_MATCHING_CONSENT');
  });
});

describe('emergency evaluation', () => {
  const emergency = (consents: Consent[]): ReturnType<typeof evaluateEmergency> =>
    evaluateEmergency({ consents, accessor: CLINICIAN, categories: ['outpatient'], now: NOW });

  it('permits without consent', () => {
    expect(emergency([])).toEqual({
      decision: 'permit',
      reason: 'EMERGENCY_ACCESS',
      consentIds: [],
    });
    expect(emergency([consent()])).toEqual({
      decision: 'permit',
      reason: 'EMERGENCY_ACCESS',
      consentIds: [],
    });
  });

  it('names the permits that also cover emergencies', () => {
    const permit = consent({ purposes: ['emergency'] });
    expect(emergency([permit]).consentIds).toEqual([permit.consentId]);
  });

  it("refuses when the patient's deny covers emergencies", () => {
    const blanket = deny();
    expect(emergency([blanket])).toEqual({
      decision: 'deny',
      reason: 'EMERGENCY_DENIED_BY_PATIENT',
      consentIds: [blanket.consentId],
    });
    expect(emergency([deny({ purposes: ['emergency'] })]).reason).toBe(
      'EMERGENCY_DENIED_BY_PATIENT',
    );
    expect(emergency([deny({ purposes: ['treatment'] })]).decision).toBe('permit');
    const excepted = consent({
      purposes: ['emergency'],
      exceptions: [{ purposes: ['emergency'] }],
    });
    expect(emergency([excepted]).reason).toBe('EMERGENCY_DENIED_BY_PATIENT');
  });
});

describe('evaluation helpers', () => {
  it('reports expired once validUntil has passed', () => {
    expect(consentStatusAt(consent({ validUntil: NOW }), NOW)).toBe('expired');
    expect(consentStatusAt(consent({ validUntil: '2027-01-01T00:00:00.000Z' }), NOW)).toBe(
      'active',
    );
    expect(consentStatusAt(consent({ status: 'revoked', validUntil: NOW }), NOW)).toBe('revoked');
    expect(isConsentActive(consent(), NOW)).toBe(true);
  });

  it('compares closed data periods with unbounded missing bounds', () => {
    const a = { dataFrom: '2020-01-01T00:00:00.000Z', dataUntil: '2021-01-01T00:00:00.000Z' };
    expect(periodsOverlap(a, {})).toBe(true);
    expect(periodsOverlap(a, { dataFrom: '2021-01-01T00:00:00.001Z' })).toBe(false);
    expect(periodsOverlap(a, { dataFrom: '2021-01-01T00:00:00.000Z' })).toBe(true);
    expect(periodsOverlap(a, { dataUntil: '2019-12-31T23:59:59.999Z' })).toBe(false);
    expect(periodsOverlap(a, { dataUntil: '2020-01-01T00:00:00.000Z' })).toBe(true);
    expect(periodContains({}, a)).toBe(true);
    expect(periodContains(a, a)).toBe(true);
    expect(periodContains(a, {})).toBe(false);
    expect(
      periodContains({ dataUntil: a.dataUntil }, { dataUntil: '2020-06-01T00:00:00.000Z' }),
    ).toBe(true);
  });

  it('matches grantees and open referrals', () => {
    expect(granteeMatches(undefined, CLINICIAN)).toBe(true);
    expect(granteeMatches({}, CLINICIAN)).toBe(true);
    expect(granteeMatches({ org: 'HospA', role: 'clinician' }, CLINICIAN)).toBe(true);
    expect(isReferralOpen(referral(), NOW)).toBe(true);
    expect(isReferralOpen(referral({ validUntil: NOW }), NOW)).toBe(false);
  });
});

// ---- Properties -------------------------------------------------------------------------------

const INSTANTS = [
  '2025-01-01T00:00:00.000Z',
  '2026-01-01T00:00:00.000Z',
  '2026-06-01T00:00:00.000Z',
  '2027-01-01T00:00:00.000Z',
];
const ORGS = ['HospA', 'HospB'];
const ROLES = ['clinician', 'researcher', 'analyst'] as const;
const PRACTITIONERS = ['prac-00000001', 'prac-00000002'];

const optionalOf = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });
const listOf = <T extends string>(values: readonly T[]): fc.Arbitrary<T[]> =>
  fc.subarray([...values], { minLength: 1 }).map((list) => [...list].sort());

const granteeArbitrary = fc.record(
  {
    org: fc.constantFrom(...ORGS),
    role: fc.constantFrom(...ROLES),
    practitionerId: fc.constantFrom(...PRACTITIONERS),
  },
  { requiredKeys: [] },
);

const periodArbitrary = fc
  .tuple(optionalOf(fc.constantFrom(...INSTANTS)), optionalOf(fc.constantFrom(...INSTANTS)))
  .map(([a, b]) => {
    if (a !== undefined && b !== undefined) {
      if (a === b) return {};
      return a < b ? { dataFrom: a, dataUntil: b } : { dataFrom: b, dataUntil: a };
    }
    return {
      ...(a === undefined ? {} : { dataFrom: a }),
      ...(b === undefined ? {} : { dataUntil: b }),
    };
  });

const exceptionArbitrary = fc
  .tuple(
    optionalOf(listOf(PURPOSES)),
    optionalOf(listOf(CATEGORIES)),
    periodArbitrary,
    optionalOf(granteeArbitrary),
  )
  .map(([purposes, categories, period, grantee]) => ({
    ...(purposes === undefined ? {} : { purposes }),
    ...(categories === undefined ? {} : { categories }),
    ...period,
    ...(grantee === undefined ? {} : { grantee }),
  }));

const consentArbitrary: fc.Arbitrary<Consent> = fc
  .record({
    provision: fc.constantFrom('permit' as const, 'deny' as const),
    grantee: granteeArbitrary,
    purposes: listOf(PURPOSES),
    categories: listOf(CATEGORIES),
    allPurposes: fc.boolean(),
    allCategories: fc.boolean(),
    validity: fc.subarray(INSTANTS, { minLength: 1, maxLength: 2 }),
    openEnded: fc.boolean(),
    period: periodArbitrary,
    status: fc.constantFrom('active' as const, 'active' as const, 'revoked' as const),
    exceptions: fc.array(exceptionArbitrary, { maxLength: 2 }),
  })
  .map((drawn) => {
    const [validFrom = INSTANTS[0] ?? '', validUntil] = drawn.validity;
    const isDeny = drawn.provision === 'deny';
    return consent({
      provision: drawn.provision,
      grantee: isDeny ? drawn.grantee : { ...drawn.grantee, org: drawn.grantee.org ?? 'HospA' },
      ...(isDeny && drawn.allPurposes ? { purposes: undefined } : { purposes: drawn.purposes }),
      ...(isDeny && drawn.allCategories
        ? { categories: undefined }
        : { categories: drawn.categories }),
      validFrom,
      ...(drawn.openEnded || validUntil === undefined ? {} : { validUntil }),
      ...drawn.period,
      status: drawn.status,
      exceptions: isDeny ? [] : drawn.exceptions,
    });
  })
  .map((drawn) => {
    // Absent lists of a deny must be absent keys, not undefined values.
    const copy: Record<string, unknown> = { ...drawn };
    for (const key of Object.keys(copy))
      if (copy[key] === undefined) Reflect.deleteProperty(copy, key);
    return copy as unknown as Consent;
  });

const questionArbitrary = fc.record({
  accessor: fc.record(
    {
      org: fc.constantFrom(...ORGS),
      role: fc.constantFrom(...ROLES),
      practitionerId: fc.constantFrom(...PRACTITIONERS),
    },
    { requiredKeys: ['org', 'role'] },
  ),
  purpose: fc.constantFrom(
    ...PURPOSES.filter((purpose): purpose is Purpose => purpose !== 'referral'),
  ),
  categories: listOf(CATEGORIES),
  period: periodArbitrary,
  now: fc.constantFrom(...INSTANTS, '2026-03-01T00:00:00.000Z'),
});

type Question = typeof questionArbitrary extends fc.Arbitrary<infer Q> ? Q : never;

function evaluate(
  consents: readonly Consent[],
  question: Question,
): ReturnType<typeof evaluateConsents> {
  return evaluateConsents({
    consents,
    accessor: question.accessor,
    purpose: question.purpose,
    categories: question.categories,
    ...question.period,
    now: question.now,
  });
}

const consentsArbitrary = fc.array(consentArbitrary, { maxLength: 8 });
const RUNS = { numRuns: 300 };

describe('consent evaluation properties', () => {
  it('a revoked consent never permits, and revoked consents change nothing', () => {
    fc.assert(
      fc.property(consentsArbitrary, questionArbitrary, (consents, question) => {
        const revoked = consents.map((each) => ({ ...each, status: 'revoked' as const }));
        expect(evaluate(revoked, question).decision).toBe('deny');
        expect(evaluate(consents, question)).toEqual(
          evaluate(
            consents.filter((each) => each.status !== 'revoked'),
            question,
          ),
        );
      }),
      RUNS,
    );
  });

  it('any matching active deny wins (deny overrides)', () => {
    fc.assert(
      fc.property(
        fc.tuple(consentsArbitrary, questionArbitrary, fc.boolean()),
        ([consents, question, narrow]) => {
          const blanket = deny({
            validFrom: INSTANTS[0],
            // A narrower deny that still matches: exactly this accessor, purpose and a category.
            ...(narrow
              ? {
                  grantee: { org: question.accessor.org },
                  purposes: [question.purpose],
                  categories: [question.categories[0] ?? 'outpatient'],
                }
              : {}),
          });
          const decision = evaluate([...consents, blanket], question);
          if (question.now >= (INSTANTS[0] ?? '')) {
            expect(decision.decision).toBe('deny');
            expect(decision.reason).toBe('DENIED_BY_CONSENT');
            expect(decision.consentIds).toContain(blanket.consentId);
          }
        },
      ),
      RUNS,
    );
  });

  it('a consent outside its validity period never permits and changes nothing', () => {
    fc.assert(
      fc.property(consentsArbitrary, questionArbitrary, (consents, question) => {
        const outside = consents.filter(
          (each) =>
            question.now < each.validFrom ||
            (each.validUntil !== undefined && question.now >= each.validUntil),
        );
        expect(evaluate(outside, question).decision).toBe('deny');
        const inside = consents.filter((each) => !outside.includes(each));
        expect(evaluate(consents, question)).toEqual(evaluate(inside, question));
      }),
      RUNS,
    );
  });

  it('a permit never covers a category none of its consents lists', () => {
    fc.assert(
      fc.property(consentsArbitrary, questionArbitrary, (consents, question) => {
        const decision = evaluate(consents, question);
        if (decision.decision !== 'permit') return;
        const deciding = consents.filter((each) => decision.consentIds.includes(each.consentId));
        for (const category of question.categories) {
          expect(
            deciding.some(
              (each) =>
                each.provision === 'permit' &&
                isConsentActive(each, question.now) &&
                each.categories?.includes(category) === true &&
                each.purposes?.includes(question.purpose) === true &&
                granteeMatches(each.grantee, question.accessor),
            ),
          ).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('does not depend on the order of the consents', () => {
    fc.assert(
      fc.property(
        consentsArbitrary.chain((consents) =>
          fc.tuple(
            fc.constant(consents),
            fc.shuffledSubarray(consents, { minLength: consents.length }),
          ),
        ),
        questionArbitrary,
        ([consents, shuffled], question) => {
          expect(evaluate(shuffled, question)).toEqual(evaluate(consents, question));
        },
      ),
      RUNS,
    );
  });
});
