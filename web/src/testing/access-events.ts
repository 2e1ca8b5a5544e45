import type { AccessEvent } from '@consent-ledger/ledger-api';

/**
 * Access events as the web app's specs use them (fakes shared from one place): an ordinary access
 * of a patient of the community hospital by a tertiary hospital clinician, permitted by consent.
 */
export const ACCESS_EVENT: AccessEvent = {
  eventId: 'evt-0000000000000000000000000001',
  patientId: 'pid-aaaaaaaaaaaaaaaa',
  patientHome: 'CommunityHospitalMSP',
  accessor: { org: 'TertiaryHospitalMSP', role: 'clinician', idHash: 'b'.repeat(64) },
  accessorRegion: { province: '330000', city: '330100', county: '330106' },
  purpose: 'treatment',
  categories: ['laboratory', 'outpatient'],
  recordIds: [],
  decision: 'permit',
  reason: 'PERMITTED_BY_CONSENT',
  consentIds: ['con-1'],
  breakGlass: false,
  timestamp: '2026-12-06T08:30:00.000Z',
  txId: 'a'.repeat(64),
  salt: 's',
};

/** A break-glass access of the same patient, reviewed and found justified. */
export const EMERGENCY_EVENT: AccessEvent = {
  ...ACCESS_EVENT,
  eventId: 'evt-0000000000000000000000000002',
  reason: 'EMERGENCY_ACCESS',
  breakGlass: true,
  emergency: {
    reasonCode: 'LIFE_THREATENING',
    justificationHash: 'c'.repeat(64),
    review: { status: 'reviewed', outcome: 'justified' },
  },
};
