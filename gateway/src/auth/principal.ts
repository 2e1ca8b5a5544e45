import type { OrgType } from '../config/connection-profile.js';
import type { Role } from '../identities/roles.js';

/** The logged-in user a request acts for. */
export interface Principal {
  readonly username: string;
  readonly role: Role;
  readonly mspId: string;
  readonly orgType: OrgType;
  readonly patientId?: string;
  readonly practitionerId?: string;
  /** Wallet label of the user's own ledger identity: every ledger call is made with it. */
  readonly walletLabel: string;
}
