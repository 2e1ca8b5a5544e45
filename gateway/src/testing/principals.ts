import type { OrganizationType, Role } from '@consent-ledger/ledger-api';
import type { Principal } from '../auth/principal.js';

/** A principal for service tests. */
export function principal(
  role: Role,
  options: Readonly<{
    mspId?: string;
    orgType?: OrganizationType;
    patientId?: string;
    username?: string;
  }> = {},
): Principal {
  const username = options.username ?? `${role}-1`;
  return {
    username,
    role,
    mspId: options.mspId ?? 'TertiaryHospitalMSP',
    orgType: options.orgType ?? 'hospital',
    ...(role === 'patient' ? { patientId: options.patientId ?? 'pid-abcdefghijklmnop' } : {}),
    walletLabel: `user:${username}`,
  };
}

/** The GovMSP regulator. */
export function regulator(): Principal {
  return principal('regulator', { mspId: 'GovMSP', orgType: 'government' });
}
