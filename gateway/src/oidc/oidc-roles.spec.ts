import type { Role } from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import { roleFromClaims, type RoleMapping } from './oidc-roles.js';

const direct: RoleMapping = { claim: 'consent_ledger_role', map: new Map(), orgType: 'hospital' };
const mapped: RoleMapping = {
  ...direct,
  map: new Map<string, Role>([
    ['doctor', 'clinician'],
    ['it-ops', 'admin'],
    ['data', 'analyst'],
    ['front-desk', 'patient'],
  ]),
};

const refusal = (claims: Record<string, unknown>, mapping = direct): unknown => {
  try {
    roleFromClaims(claims, mapping);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('roleFromClaims', () => {
  it('takes a role by its own name, or through the map', () => {
    expect(roleFromClaims({ consent_ledger_role: 'clinician' }, direct)).toBe('clinician');
    expect(roleFromClaims({ consent_ledger_role: ['admin'] }, direct)).toBe('admin');
    expect(roleFromClaims({ consent_ledger_role: 'doctor' }, mapped)).toBe('clinician');
    // Values the map does not know are ignored beside one it knows.
    expect(roleFromClaims({ consent_ledger_role: ['staff', 'doctor'] }, mapped)).toBe('clinician');
  });

  it.each([
    ['missing', {}, direct, /gave no consent_ledger_role claim/],
    ['null', { consent_ledger_role: null }, direct, /gave no/],
    ['not a string', { consent_ledger_role: 7 }, direct, /must be a string/],
    ['an array with a number', { consent_ledger_role: ['admin', 1] }, direct, /must be a string/],
    ['unknown', { consent_ledger_role: 'surgeon' }, direct, /names no role/],
    ['empty array', { consent_ledger_role: [] }, direct, /names no role/],
    [
      'a role name when a map is set',
      { consent_ledger_role: 'clinician' },
      mapped,
      /names no role/,
    ],
    ['ambiguous', { consent_ledger_role: ['doctor', 'it-ops'] }, mapped, /more than one role/],
    ['patient', { consent_ledger_role: 'patient' }, direct, /own keys/],
    ['mapped to patient', { consent_ledger_role: 'front-desk' }, mapped, /own keys/],
    ['not of the organization type', { consent_ledger_role: 'regulator' }, direct, /no regulator/],
    ['prototype key', { consent_ledger_role: 'constructor' }, direct, /names no role/],
  ])('refuses a role claim that is %s (OIDC_ROLE_REFUSED)', (_, claims, mapping, message) => {
    const error = refusal(claims, mapping);
    expect(error).toMatchObject({ name: 'OidcRoleRefusedError', code: 'OIDC_ROLE_REFUSED' });
    expect((error as Error).message).toMatch(message);
  });

  it('reads the configured claim only', () => {
    const custom: RoleMapping = { ...direct, claim: 'groups' };
    expect(roleFromClaims({ groups: 'analyst', consent_ledger_role: 'admin' }, custom)).toBe(
      'analyst',
    );
    expect(refusal({ consent_ledger_role: 'admin' }, custom)).toMatchObject({
      code: 'OIDC_ROLE_REFUSED',
    });
  });
});
