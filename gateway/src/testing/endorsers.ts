import { createEndorsers, type Endorsers, type PatientHomes } from '../ledger/endorsers.js';
import type { LedgerClient } from '../ledger/ledger.client.js';

/** Patients' homes in memory. */
export function memoryHomes(): PatientHomes {
  const homes = new Map<string, string>();
  return {
    get: (patientId) => homes.get(patientId),
    put: (patientId, home) => {
      homes.set(patientId, home);
    },
  };
}

/** The real endorsers of a gateway of `own` over a (fake) ledger, homes kept in memory. */
export function testEndorsers(ledger: LedgerClient, own = 'TertiaryHospitalMSP'): Endorsers {
  return createEndorsers({ ledger, own, homes: memoryHomes() });
}
