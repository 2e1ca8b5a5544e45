import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  PURPOSES,
  type Category,
  type Consent,
  type Purpose,
} from '@consent-ledger/ledger-api';
import { FUZZ_TIMEOUT_MS, fuzzParameters } from '../testing/fuzz';
import { evaluateConsents, type EvaluationInput } from './consent-evaluation';
import { parseConsentInput } from './consent-input';

/**
 * Fuzz of member institutions in consent evaluation (issue 18): a permit naming an institution
 * never admits a sister institution of the same organization, whatever else the patient granted.
 * Consents are made by the input factory (shapes the ledger can hold); accessors are the staff of
 * two sister insurers and of no institution.
 */

const FUZZ = fuzzParameters();

const ORG = 'EnterpriseMSP';
const NAMED = 'inst-insurer01';
const SISTER = 'inst-insurer02';
const BASE = Date.UTC(2026, 5, 1);
const instant = fc
  .integer({ min: -3, max: 3 })
  .map((day) => new Date(BASE + day * 86_400_000).toISOString());
const someOf = <T>(values: readonly T[]): fc.Arbitrary<T[]> =>
  fc.subarray([...values], { minLength: 1 });
const purpose = fc.constantFrom(...PURPOSES.filter((each) => each !== 'emergency'));

const grantee = fc.record(
  {
    org: fc.constantFrom(ORG, 'HospA'),
    role: fc.constantFrom('analyst', 'researcher'),
    institution: fc.constantFrom(NAMED, SISTER),
  },
  { requiredKeys: [] },
);

function consentOf(terms: Record<string, unknown>, n: number): Consent {
  const parsed = parseConsentInput(JSON.stringify(terms));
  return {
    ...parsed,
    validFrom: parsed.validFrom ?? new Date(BASE - 10 * 86_400_000).toISOString(),
    consentId: `con-${n.toString(16).padStart(24, '0')}`,
    patientId: 'pid-aaaaaaaaaaaaaaaa',
    patientHome: 'HospA',
    status: 'active',
    version: 1,
    createdAt: new Date(BASE).toISOString(),
    updatedAt: new Date(BASE).toISOString(),
    signedBy: { kind: 'patient', id: 'pid-aaaaaaaaaaaaaaaa' },
    txId: '0'.repeat(64),
    salt: 'A'.repeat(22),
  };
}

/** Any consent: permits (with exceptions) and denies, naming institutions or not. */
const anyTerms = fc
  .record({
    provision: fc.constantFrom('permit', 'deny'),
    grantee,
    purposes: someOf(PURPOSES),
    categories: someOf(CATEGORIES),
    exceptions: fc.array(fc.record({ grantee, purposes: someOf(PURPOSES) }, { requiredKeys: [] }), {
      maxLength: 2,
    }),
  })
  .map(({ provision, grantee: who, exceptions, ...rest }) => {
    const org = who.org ?? (who.institution === undefined ? undefined : ORG);
    const named = { ...who, ...(org === undefined ? {} : { org }) };
    const fixed = (each: typeof who) =>
      each.institution === undefined ? each : { ...each, org: each.org ?? ORG };
    return provision === 'permit'
      ? {
          provision,
          ...rest,
          grantee: { ...named, org: named.org ?? ORG },
          exceptions: exceptions.map((exception) =>
            exception.grantee === undefined
              ? exception
              : { ...exception, grantee: fixed(exception.grantee) },
          ),
        }
      : { provision, ...rest, ...(org === undefined ? {} : { grantee: named }) };
  });

/** A permit to the organization naming the first insurer, for any purposes and categories. */
const namedPermit = fc
  .record({
    role: fc.option(fc.constantFrom('analyst', 'researcher'), { nil: undefined }),
    purposes: someOf(PURPOSES),
    categories: someOf(CATEGORIES),
    validUntil: fc.option(instant, { nil: undefined }),
  })
  .map(({ role, validUntil, ...rest }) => ({
    provision: 'permit',
    grantee: { org: ORG, institution: NAMED, ...(role === undefined ? {} : { role }) },
    ...rest,
    ...(validUntil === undefined ? {} : { validUntil }),
  }));

const question: fc.Arbitrary<Asked> = fc.record({
  institution: fc.constantFrom(SISTER, undefined),
  role: fc.constantFrom('analyst', 'researcher'),
  purpose,
  categories: someOf(CATEGORIES).map((list) => [...list].sort()),
  now: instant,
});

/** A question of an enterprise analyst or researcher (of the sister insurer, or of none). */
interface Asked {
  readonly institution: string | undefined;
  readonly role: string;
  readonly purpose: Exclude<Purpose, 'emergency'>;
  readonly categories: Category[];
  readonly now: string;
}

function ask(asked: Asked, consents: readonly Consent[]): ReturnType<typeof evaluateConsents> {
  const input: EvaluationInput = {
    accessor: {
      org: ORG,
      role: asked.role,
      ...(asked.institution === undefined ? {} : { institution: asked.institution }),
    },
    purpose: asked.purpose,
    categories: asked.categories,
    now: asked.now,
    consents,
  };
  return evaluateConsents(input);
}

describe('consent evaluation: member institutions (fuzz)', () => {
  it(
    'a permit naming an institution never admits a sister institution or staff without one',
    () => {
      fc.assert(
        fc.property(
          fc.array(namedPermit, { minLength: 1, maxLength: 6 }),
          question,
          (permits, asked) => {
            const consents = permits.map((terms, n) => consentOf(terms, n));
            const decision = ask(asked, consents);
            expect(decision.decision).toBe('deny');
            expect(decision.reason).toBe('NO_MATCHING_CONSENT');
          },
        ),
        FUZZ,
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'adding permits naming an institution never changes a sister institution’s decision',
    () => {
      fc.assert(
        fc.property(
          fc.array(anyTerms, { maxLength: 6 }),
          fc.array(namedPermit, { minLength: 1, maxLength: 4 }),
          question,
          (others, permits, asked) => {
            const base = others.map((terms, n) => consentOf(terms, n));
            const named = permits.map((terms, n) => consentOf(terms, 100 + n));
            const before = ask(asked, base);
            const after = ask(asked, [...named, ...base]);
            expect(after).toEqual(before);
            // Nor does a decision ever cite a consent naming the other institution as covering.
            if (after.decision === 'permit') {
              const cited = [...base, ...named].filter((each) =>
                after.consentIds.includes(each.consentId),
              );
              for (const each of cited) expect(each.grantee?.institution).not.toBe(NAMED);
            }
          },
        ),
        FUZZ,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
