import { ledgerError, type Organization } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { publicState } from '../ledger/state';

/** Registry state (keys.ts: `org`, public). */

/** The registry entry of an organization, if registered. */
export async function readOrganization(
  stub: ChaincodeStub,
  mspId: string,
): Promise<Organization | undefined> {
  return publicState(stub).read(['organization', mspId]);
}

/** The registry entry of an organization; ORG_NOT_FOUND when it is not registered. */
export async function requireOrganization(
  stub: ChaincodeStub,
  mspId: string,
): Promise<Organization> {
  const organization = await readOrganization(stub, mspId);
  if (organization === undefined) {
    throw ledgerError('ORG_NOT_FOUND', `organization ${mspId} is not registered`);
  }
  return organization;
}

/** Every registered organization, sorted by MSP ID (key order). */
export async function listOrganizations(stub: ChaincodeStub): Promise<Organization[]> {
  const organizations: Organization[] = [];
  for await (const organization of publicState(stub).documents(['organization'])) {
    organizations.push(organization);
  }
  return organizations;
}

/** Writes an organization's registry entry. */
export async function writeOrganization(
  stub: ChaincodeStub,
  organization: Organization,
): Promise<void> {
  await publicState(stub).write({
    key: ['organization', organization.mspId],
    value: organization,
  });
}

/** Removes an organization's registry entry. */
export async function deleteOrganization(stub: ChaincodeStub, mspId: string): Promise<void> {
  await publicState(stub).delete(['organization', mspId]);
}
