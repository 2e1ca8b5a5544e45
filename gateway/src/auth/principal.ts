import type { IdentityView } from '@consent-ledger/ledger-api';

/** The logged-in user a request acts for: the user as the API shows it, and its wallet label. */
export interface Principal extends Omit<IdentityView, 'enrollmentId' | 'createdAt'> {
  /** Wallet label of the user's own ledger identity: every ledger call is made with it. */
  readonly walletLabel: string;
}
