import type { OrganizationType, Role } from '@consent-ledger/ledger-api';
import type { PatientSession, Principal } from '../auth/principal.js';

/**
 * A principal for service tests: staff with their own wallet label `user:<username>`; a patient's
 * session (role `patient`) with the pseudonym `pid-abcdefghijklmnop` and no wallet label.
 */
export function principal(
  role: Role,
  options: Readonly<{
    mspId?: string;
    orgType?: OrganizationType;
    patientId?: string;
    guardianId?: string;
    username?: string;
  }> = {},
): Principal {
  const username = options.username ?? `${role}-1`;
  return {
    username,
    role,
    mspId: options.mspId ?? 'TertiaryHospitalMSP',
    orgType: options.orgType ?? 'hospital',
    ...(role === 'patient'
      ? {
          patientId: options.patientId ?? 'pid-abcdefghijklmnop',
          ...(options.guardianId === undefined ? {} : { guardianId: options.guardianId }),
        }
      : { walletLabel: `user:${username}` }),
  };
}

/** A patient's session (or, with `guardianId`, a guardian's acting for the patient). */
export function patientSession(
  options: Readonly<{ patientId?: string; guardianId?: string; mspId?: string }> = {},
): PatientSession {
  return principal('patient', options) as PatientSession;
}

/** The GovMSP regulator. */
export function regulator(): Principal {
  return principal('regulator', { mspId: 'GovMSP', orgType: 'government' });
}
