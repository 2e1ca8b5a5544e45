import { collectionNames, GOVERNMENT_MSP, type Organization } from '@consent-ledger/ledger-api';
import { listOrganizations } from '../registry/organization-store';
import type { RequestContext } from './ledger-context';

/**
 * The organizations of the channel as the chaincode knows them: the registry (public state), plus
 * GovMSP (the regulator, also before it registers itself). The collections are ledger-api's
 * functions of that list, as network/ generates the collection configuration from the same
 * organizations (topology.yaml): a registered organization has its collections.
 */

/** Every registered organization, read once per transaction. */
export function registeredOrganizations(ctx: RequestContext): Promise<readonly Organization[]> {
  return ctx.memo('organizations', () => listOrganizations(ctx.stub));
}

/** The MSP IDs of the channel, sorted. */
export async function channelMspIds(ctx: RequestContext): Promise<readonly string[]> {
  const registered = (await registeredOrganizations(ctx)).map((org) => org.mspId);
  return [...new Set([...registered, GOVERNMENT_MSP])].sort();
}

/** Every collection of the channel, sorted. */
export async function channelCollections(ctx: RequestContext): Promise<readonly string[]> {
  return collectionNames(await channelMspIds(ctx));
}

/** The organizations that can be a patient's home (hospitals and enterprises), sorted. */
export async function homeOrganizations(ctx: RequestContext): Promise<readonly string[]> {
  return (await registeredOrganizations(ctx))
    .filter((org) => org.type === 'hospital' || org.type === 'enterprise')
    .map((org) => org.mspId)
    .sort();
}
