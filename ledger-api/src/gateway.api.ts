import type { LedgerEventName, LedgerEvents } from './events.ts';
import type { OrganizationType, Role } from './vocabulary.ts';

/**
 * The gateway's own REST answers that are not about one contract: sign-in, identities and the live
 * event stream (each contract's answers are in its API file). The gateway declares its answers with
 * these types and the web app and scripts read them with the same ones.
 */

/** What POST /auth/login answers. */
export interface AccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the token expires. */
  readonly expiresIn: number;
}

/** A user as the API shows it (no secrets): POST /identities and GET /identities/me. */
export interface IdentityView {
  readonly username: string;
  readonly role: Role;
  readonly mspId: string;
  readonly orgType: OrganizationType;
  readonly patientId?: string;
  readonly practitionerId?: string;
  readonly enrollmentId: string;
  readonly createdAt: string;
}

/** A user to create (POST /identities; the gateway's admins). */
export interface NewIdentity {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  /** A patient's pseudonym; generated when absent. */
  readonly patientId?: string;
  readonly practitionerId?: string;
}

/** The data of one server-sent ledger event of GET /events (its SSE `id` is the resume point). */
export interface LedgerEventMessage<N extends LedgerEventName = LedgerEventName> {
  readonly eventName: N;
  readonly txId: string;
  readonly blockNumber: number;
  readonly payload: LedgerEvents[N];
}
