import { randomBytes } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import {
  signAction,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import {
  connectAs,
  ensureFabricBinaries,
  ensureIdentity,
  orgLayout,
  userIdentity,
  type LedgerConnection,
  type Organization,
} from '@consent-ledger/network';
import { contractOf, org, topology } from './ledger.ts';

const base32 = 'abcdefghijklmnopqrstuvwxyz234567';
const randomBase32 = (length: number): string =>
  [...randomBytes(length)].map((byte) => base32[byte % 32]).join('');

/** A fresh patient pseudonym: `pid-` and 16 base32 characters. */
export function newPatientId(): string {
  return `pid-${randomBase32(16)}`;
}

/** A fresh guardian ID: `rp-` and 16 base32 characters. */
export function newGuardianId(): string {
  return `rp-${randomBase32(16)}`;
}

/**
 * A user enrolled with an organization's CA for a test, connected to its organization's peer.
 * Staff only in the ledger's design: patients have no certificates (docs/patient-keys.md); a
 * `role: 'patient'` user exists only to show that such a certificate authorizes nothing.
 */
export interface TestUser {
  readonly org: Organization;
  readonly id: string;
  readonly role: string;
  readonly patientId?: string;
  readonly practitionerId?: string;
  readonly connection: LedgerConnection;
  /** A contract of the consent-ledger chaincode, as this user. */
  contract(name: string): Contract;
}

/** Options of {@link enrollUser}. */
export interface EnrollOptions {
  readonly org: string;
  readonly role: string;
  /** A `patientId` certificate attribute (what a CA could mint; the chaincode honours none). */
  readonly patientId?: string;
  readonly practitionerId?: string;
  /** An `institution` certificate attribute (a member institution of the organization, or not). */
  readonly institution?: string;
  /** Leave the role attribute out (to test callers without one). */
  readonly withoutRole?: boolean;
}

const connections: LedgerConnection[] = [];

/**
 * Registers a uniquely named user with the organization's Fabric CA, with `role` (and
 * `patientId` / `practitionerId`) as certificate attributes, enrolls it, and connects it. The
 * enrollment ID is opaque (no user name: docs/privacy.md).
 */
export async function enrollUser(options: EnrollOptions): Promise<TestUser> {
  const organization = org(options.org);
  const install = await ensureFabricBinaries(topology);
  const id = `it-${randomBytes(8).toString('hex')}`;
  const attributes: Record<string, string> = {};
  if (options.withoutRole !== true) attributes.role = options.role;
  if (options.patientId !== undefined) attributes.patientId = options.patientId;
  if (options.practitionerId !== undefined) attributes.practitionerId = options.practitionerId;
  if (options.institution !== undefined) attributes.institution = options.institution;
  const layout = orgLayout(organization);
  const identity = userIdentity(layout, id);
  await ensureIdentity(install, layout, { id, type: 'client', attributes }, identity);
  const connection = connectAs({ org: organization, identity });
  connections.push(connection);
  return {
    org: organization,
    id,
    role: options.role,
    ...(options.patientId === undefined ? {} : { patientId: options.patientId }),
    ...(options.practitionerId === undefined ? {} : { practitionerId: options.practitionerId }),
    connection,
    contract: (name) => contractOf(connection.gateway, name),
  };
}

/** Closes every connection opened by {@link enrollUser}. */
export function closeUsers(): void {
  for (const connection of connections.splice(0)) connection.close();
}

/** Signs an action for a patient with a key, as the patient or (with `guardianId`) a guardian. */
export function signAs<A extends PatientActionName>(
  key: PatientKey,
  statement: Readonly<{
    patientId: string;
    action: A;
    payload: PatientActions[A];
    guardianId?: string;
    now?: Date;
    ttlMillis?: number;
  }>,
): Promise<SignedAction<A>> {
  return signAction(key, {
    action: statement.action,
    channel: topology.channel.name,
    chaincode: topology.chaincode.name,
    patientId: statement.patientId,
    signer:
      statement.guardianId === undefined
        ? { kind: 'patient', id: statement.patientId }
        : { kind: 'guardian', id: statement.guardianId },
    payload: statement.payload,
    now: statement.now ?? new Date(),
    ...(statement.ttlMillis === undefined ? {} : { ttlMillis: statement.ttlMillis }),
  });
}
