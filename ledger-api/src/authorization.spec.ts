import { describe, expect, it } from 'vitest';
import {
  AUTHORIZATION_MATRIX,
  AUTHORIZED_NAMES,
  isAllowed,
  MATRIX_AXES,
  refusal,
  ROLES_BY_ORGANIZATION_TYPE,
  type Principal,
} from './authorization.ts';

// The matrix on its own; the chaincode's spec checks that every role of every organization type
// meets it on every transaction of the running contracts.
describe('authorization matrix', () => {
  it('refuses what is not in the matrix, unregistered organizations and roles their organization type cannot issue', () => {
    const principal: Principal = {
      mspId: 'X',
      role: 'admin',
      orgType: 'hospital',
      registered: true,
    };
    expect(refusal('consent:Nope', principal)).toMatch(/not in the matrix/);
    expect(refusal('consent:GetConsent', { ...principal, registered: false })).toMatch(
      /not registered/,
    );
    expect(
      isAllowed('registry:ListOrganizations', {
        ...principal,
        orgType: undefined,
        registered: false,
      }),
    ).toBe(true);
    expect(
      isAllowed('registry:RegisterOrganization', {
        ...principal,
        orgType: 'government',
        registered: false,
      }),
    ).toBe(true);
    for (const orgType of MATRIX_AXES.orgTypes) {
      for (const role of MATRIX_AXES.roles) {
        const why = refusal('registry:ListOrganizations', { ...principal, role, orgType });
        expect(why === undefined).toBe(ROLES_BY_ORGANIZATION_TYPE[orgType].includes(role));
        if (why !== undefined) expect(why).toMatch(`${orgType} organizations have no ${role} role`);
      }
    }
    expect(Object.keys(AUTHORIZATION_MATRIX)).toHaveLength(AUTHORIZED_NAMES.length);
  });
});
