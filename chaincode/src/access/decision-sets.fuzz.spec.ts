import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY_GRANTEE,
  CATEGORIES,
  PURPOSES,
  type Consent,
  type ConsentInput,
  type Purpose,
} from '@consent-ledger/ledger-api';
import { evaluateConsents } from '../consent/consent-evaluation';
import { granteeAttribute } from '../consent/consent-store';
import { addMillis } from '../ledger/time';
import {
  bootstrap,
  MSP,
  ok,
  patientClient,
  pid,
  registerPatient,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { FUZZ_TIMEOUT_MS, fuzzParameters } from '../testing/fuzz';
import { createTestNetwork, type TestIdentity, type TestNetwork } from '../testing/harness';

/**
 * Decisions read a patient's consents through set documents (keys.ts `con~set`) rather than by
 * scanning an index, because Fabric refuses a writing transaction that range-queries private data.
 * The property: after any sequence of grants, updates, revocations, erasures and the passing of
 * time, every accessor's decision is the one the consent rules give over every consent of the
 * patient granted to its organization or to everyone (as the regulator lists them), for every
 * request: the sets change what is read, never what is decided.
 */

const FUZZ = fuzzParameters(0.1);

const ORGS = [MSP.tertiary, MSP.community, MSP.research, MSP.enterprise, MSP.gov] as const;
const ACCESSORS: readonly TestIdentity[] = [
  who.tertiaryClinician,
  who.communityClinician,
  who.researcher,
  who.enterpriseAnalyst,
  who.govAnalyst,
];
const ASKED = PURPOSES.filter((purpose) => purpose !== 'emergency');

const someOf = <T>(values: readonly T[]): fc.Arbitrary<T[]> =>
  fc.subarray([...values], { minLength: 1, maxLength: 3 });

const grantOp = fc.record({
  kind: fc.constant('grant' as const),
  provision: fc.constantFrom('permit' as const, 'deny' as const),
  // A deny to everyone as often as a consent to one organization.
  org: fc.oneof(fc.constantFrom<string | undefined>(...ORGS), fc.constant(undefined)),
  purposes: fc.option(someOf(PURPOSES), { nil: undefined }),
  categories: fc.option(someOf(CATEGORIES), { nil: undefined }),
  validHours: fc.option(fc.integer({ min: 1, max: 72 }), { nil: undefined }),
  exception: fc.option(someOf(CATEGORIES), { nil: undefined }),
});
const op = fc.oneof(
  { weight: 4, arbitrary: grantOp },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      pick: fc.nat(),
      purposes: someOf(PURPOSES),
      categories: someOf(CATEGORIES),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      hours: fc.integer({ min: 1, max: 48 }),
    }),
  },
);
const request = fc.record({
  purpose: fc.constantFrom(...ASKED),
  categories: someOf(CATEGORIES),
});

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** A consent's terms from a grant operation (permits always name an organization and lists). */
function termsOf(grant: Extract<Op, { kind: 'grant' }>, now: string): ConsentInput {
  const permit = grant.provision === 'permit';
  const org = permit ? (grant.org ?? MSP.community) : grant.org;
  return {
    provision: grant.provision,
    ...(org === undefined ? {} : { grantee: { org } }),
    ...(permit || grant.purposes !== undefined
      ? { purposes: grant.purposes ?? ['treatment'] }
      : {}),
    ...(permit || grant.categories !== undefined
      ? { categories: grant.categories ?? ['outpatient'] }
      : {}),
    ...(grant.validHours === undefined
      ? {}
      : { validUntil: addMillis(now, grant.validHours * 3_600_000) }),
    ...(permit && grant.exception !== undefined
      ? { exceptions: [{ categories: grant.exception, grantee: { role: 'researcher' as const } }] }
      : {}),
  };
}

async function run(network: TestNetwork, patient: TestPatient, ops: readonly Op[]): Promise<void> {
  const granted: Consent[] = [];
  const pick = (n: number): Consent | undefined => granted[n % Math.max(1, granted.length)];
  for (const each of ops) {
    const client = patientClient(network, patient);
    if (each.kind === 'advance') {
      network.advance(each.hours * 3_600_000);
    } else if (each.kind === 'grant') {
      const result = await client.submit('consent:GrantConsent', termsOf(each, network.now()));
      if (result.ok) granted.push(result.json());
    } else {
      const consent = pick(each.pick);
      if (consent === undefined) continue;
      const current = ok(
        await network.as(who.regulator).evaluate('consent:GetConsent', [consent.consentId]),
      );
      // Refusals (a revoked consent updated, an active one erased...) are part of the sequence.
      if (each.kind === 'update') {
        await client.submit('consent:UpdateConsent', {
          provision: current.provision,
          ...(current.grantee === undefined ? {} : { grantee: current.grantee }),
          purposes: each.purposes,
          categories: each.categories,
          consentId: current.consentId,
          expectedVersion: current.version,
        });
      } else if (each.kind === 'revoke') {
        await client.submit('consent:RevokeConsent', {
          consentId: current.consentId,
          expectedVersion: current.version,
        });
      } else {
        const erased = await client.submit('consent:EraseConsent', {
          consentId: current.consentId,
        });
        if (erased.ok) granted.splice(granted.indexOf(consent), 1);
      }
    }
  }
}

/** Every consent of the patient, as the regulator lists them (any status). */
async function allConsents(network: TestNetwork): Promise<Consent[]> {
  const consents: Consent[] = [];
  let bookmark = '';
  do {
    const page = ok(
      await network
        .as(who.regulator)
        .evaluate('consent:QueryConsents', [
          { patientId: pid(1), pageSize: 100, ...(bookmark === '' ? {} : { bookmark }) },
        ]),
    );
    consents.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return consents;
}

describe('fuzz: decisions through set documents', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('decide as the consent rules over every consent granted to the accessor or to everyone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 3, maxLength: 12 }),
        fc.array(request, { minLength: 1, maxLength: 3 }),
        async (ops, requests) => {
          const network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
          await bootstrap(network);
          const patient = await registerPatient(network, 1);
          await run(network, patient, ops);
          const consents = await allConsents(network);
          const now = network.now();
          for (const accessor of ACCESSORS) {
            const relevant = consents.filter((consent) =>
              [accessor.mspId, ANY_GRANTEE].includes(granteeAttribute(consent)),
            );
            // Random requests, and every purpose for every category (any deny that applies shows).
            const every = ASKED.map((purpose) => ({ purpose, categories: [...CATEGORIES] }));
            for (const asked of [...requests, ...every]) {
              const question = {
                patientId: pid(1),
                purpose: asked.purpose satisfies Purpose,
                categories: asked.categories,
              };
              const expected = evaluateConsents({
                accessor: {
                  org: accessor.mspId,
                  role: accessor.attributes.role ?? '',
                  ...(accessor.attributes.practitionerId === undefined
                    ? {}
                    : { practitionerId: accessor.attributes.practitionerId }),
                },
                purpose: question.purpose,
                categories: [...new Set(question.categories)].sort(),
                now,
                consents: relevant,
                referrals: [],
              });
              const decided = await network
                .as(accessor, { at: now })
                .evaluate('access:CheckAccess', [question]);
              // A check names only the consents the accessor reads: those granted to its
              // organization (a deny to everyone decides unnamed).
              const readable = new Set(
                relevant
                  .filter((consent) => consent.grantee?.org === accessor.mspId)
                  .map((consent) => consent.consentId),
              );
              expect(ok(decided), `${accessor.mspId} ${JSON.stringify(question)}`).toEqual({
                ...expected,
                consentIds: expected.consentIds.filter((id) => readable.has(id)),
              });
            }
            // The submit decides the same way, by point reads only.
            const recorded = await network
              .as(accessor, { at: now })
              .submit('access:RequestAccess', [
                { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] },
              ]);
            const event = ok(recorded);
            expect(recorded.privateReads.filter((read) => read.kind === 'range')).toEqual([]);
            const expected = evaluateConsents({
              accessor: { org: accessor.mspId, role: accessor.attributes.role ?? '' },
              purpose: 'treatment',
              categories: ['outpatient'],
              now,
              consents: relevant,
              referrals: [],
            });
            expect({
              decision: event.decision,
              reason: event.reason,
              consentIds: event.consentIds,
            }).toEqual(expected);
          }
        },
      ),
      FUZZ,
    );
  });
});
