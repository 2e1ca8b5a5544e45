import type { LedgerErrorCode } from '@consent-ledger/ledger-api';
import { expect } from 'vitest';
import {
  identity,
  type InvokeResult,
  type TestIdentity,
  type TestNetwork,
  type TransactionResult,
} from './harness';

/** The organizations of the network topology (network/topology.yaml), as the bootstrap registers them. */
export const ORGANIZATIONS = [
  { mspId: 'GovMSP', type: 'government', region: { province: '330000', city: '330100' } },
  {
    mspId: 'TertiaryHospitalMSP',
    type: 'hospital',
    tier: 'tertiary',
    region: { province: '330000', city: '330100', county: '330106' },
  },
  {
    mspId: 'CommunityHospitalMSP',
    type: 'hospital',
    tier: 'community',
    region: { province: '330000', city: '330100', county: '330110' },
  },
  {
    mspId: 'EnterpriseMSP',
    type: 'enterprise',
    region: { province: '330000', city: '330100', county: '330108' },
  },
  {
    mspId: 'ResearchMSP',
    type: 'research',
    region: { province: '330000', city: '330100', county: '330106' },
  },
] as const;

/** MSP IDs by short name. */
export const MSP = {
  gov: 'GovMSP',
  tertiary: 'TertiaryHospitalMSP',
  community: 'CommunityHospitalMSP',
  enterprise: 'EnterpriseMSP',
  research: 'ResearchMSP',
} as const;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A valid patient pseudonym for a small number (`pid-` + 16 base32 characters). */
export function pid(n: number): string {
  let digits = '';
  for (let rest = n, i = 0; i < 16; i += 1, rest = Math.floor(rest / 32)) {
    digits = (BASE32[rest % 32] ?? 'a') + digits;
  }
  return `pid-${digits}`;
}

/** A patient enrolled by an organization (the tertiary hospital by default). */
export function patient(n: number, mspId: string = MSP.tertiary): TestIdentity {
  return identity({ mspId, role: 'patient', patientId: pid(n) });
}

/** The usual callers of the tests. */
export const who = {
  govAdmin: identity({ mspId: MSP.gov, role: 'admin' }),
  regulator: identity({ mspId: MSP.gov, role: 'regulator' }),
  govAnalyst: identity({ mspId: MSP.gov, role: 'analyst' }),
  tertiaryClinician: identity({
    mspId: MSP.tertiary,
    role: 'clinician',
    practitionerId: 'prac-tertiary01',
  }),
  tertiaryClinician2: identity({
    mspId: MSP.tertiary,
    role: 'clinician',
    practitionerId: 'prac-tertiary02',
  }),
  tertiaryAdmin: identity({ mspId: MSP.tertiary, role: 'admin' }),
  communityClinician: identity({
    mspId: MSP.community,
    role: 'clinician',
    practitionerId: 'prac-community01',
  }),
  communityAdmin: identity({ mspId: MSP.community, role: 'admin' }),
  enterpriseAdmin: identity({ mspId: MSP.enterprise, role: 'admin' }),
  enterpriseAnalyst: identity({ mspId: MSP.enterprise, role: 'analyst' }),
  researcher: identity({ mspId: MSP.research, role: 'researcher' }),
  researchAdmin: identity({ mspId: MSP.research, role: 'admin' }),
} as const;

/** Registers the five organizations as the GovMSP admin (what network bootstrap does). */
export async function bootstrap(network: TestNetwork): Promise<void> {
  for (const organization of ORGANIZATIONS) {
    const result = await network
      .as(who.govAdmin)
      .submit('registry:RegisterOrganization', [organization]);
    if (!result.ok) throw new Error(`bootstrap failed: ${result.message}`);
  }
}

/** Asserts a successful invocation and returns its decoded result. */
export function ok<N extends string>(result: InvokeResult<N>): TransactionResult<N> {
  expect(result.message, `${result.transaction} should succeed`).toBe('');
  expect(result.ok).toBe(true);
  return result.json();
}

/** An expected refusal: its code, and optionally what its message says. */
export type Refusal =
  LedgerErrorCode | { readonly code: LedgerErrorCode; readonly message: string | RegExp };

/** Asserts a refusal with a code (and a message fragment when given). */
export function refused(result: InvokeResult, expected: Refusal): void {
  const { code, message } =
    typeof expected === 'string' ? { code: expected, message: undefined } : expected;
  expect(result.ok, `${result.transaction} should fail with ${code}`).toBe(false);
  expect(result.code, result.message).toBe(code);
  expect(result.message.startsWith(`${code}: `)).toBe(true);
  if (message !== undefined) expect(result.message).toMatch(message);
  expect(result.outcome).toBe('NOT_COMMITTED');
}

/** A consent input with defaults: a permit to the tertiary hospital for treatment, outpatient. */
export function consentInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provision: 'permit',
    grantee: { org: MSP.tertiary },
    purposes: ['treatment'],
    categories: ['outpatient'],
    ...overrides,
  };
}
