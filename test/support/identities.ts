import { randomBytes } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
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

/** A fresh patient pseudonym: `pid-` and 16 base32 characters. */
export function newPatientId(): string {
  return `pid-${[...randomBytes(16)].map((byte) => base32[byte % 32]).join('')}`;
}

/** A user enrolled with an organization's CA for a test, connected to its organization's peer. */
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
  readonly patientId?: string;
  readonly practitionerId?: string;
  /** Leave the role attribute out (to test callers without one). */
  readonly withoutRole?: boolean;
}

const connections: LedgerConnection[] = [];

/**
 * Registers a uniquely named user with the organization's Fabric CA, with `role` (and
 * `patientId` / `practitionerId`) as certificate attributes, enrolls it, and connects it.
 */
export async function enrollUser(options: EnrollOptions): Promise<TestUser> {
  const organization = org(options.org);
  const install = await ensureFabricBinaries(topology);
  const id = `it-${options.role}-${randomBytes(5).toString('hex')}`;
  const attributes: Record<string, string> = {};
  if (options.withoutRole !== true) attributes.role = options.role;
  if (options.patientId !== undefined) attributes.patientId = options.patientId;
  if (options.practitionerId !== undefined) attributes.practitionerId = options.practitionerId;
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

/** Enrolls a patient (with a fresh pseudonym) at an organization. */
export function enrollPatient(orgName: string): Promise<TestUser> {
  return enrollUser({ org: orgName, role: 'patient', patientId: newPatientId() });
}

/** Closes every connection opened by {@link enrollUser}. */
export function closeUsers(): void {
  for (const connection of connections.splice(0)) connection.close();
}
