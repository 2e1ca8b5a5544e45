import {
  GOVERNMENT_MSP,
  ledgerError,
  type ChaincodeContract,
  type Organization,
  type OrganizationRemoval,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { parseMspId, parseOrganizationInput } from './organization-input';
import {
  deleteOrganization,
  listOrganizations,
  readOrganization,
  requireOrganization,
  writeOrganization,
} from './organization-store';

/**
 * The organization registry: the type, tier and region of every organization of the channel and
 * its member institutions (codes, types, regions: no names), maintained by the government's admin
 * (public state: it is about no patient). Its transactions
 * also serve organizations that are not registered yet, so the network can bootstrap itself.
 */
@Info({ title: 'Registry', description: 'Organizations of the channel: type, tier, region' })
export class RegistryContract
  extends LedgerContract
  implements ChaincodeContract<'registry', LedgerContext>
{
  constructor() {
    super('registry');
  }

  /**
   * Registers an organization or updates its registration (GovMSP admin); its institutions are
   * kept sorted by ID, and a registration replaces them (an institution leaves by omission).
   */
  @Transaction()
  @Returns('Organization')
  async RegisterOrganization(ctx: LedgerContext): Promise<Organization> {
    const [organizationJson] = ctx.argsOf('registry:RegisterOrganization');
    const input = parseOrganizationInput(organizationJson);
    if ((input.mspId === GOVERNMENT_MSP) !== (input.type === 'government')) {
      throw ledgerError(
        'RULE_VIOLATION',
        `${GOVERNMENT_MSP} is the one government organization and must be registered as such`,
      );
    }
    const existing = await readOrganization(ctx.stub, input.mspId);
    const organization: Organization = {
      mspId: input.mspId,
      type: input.type,
      ...(input.tier === undefined ? {} : { tier: input.tier }),
      region: input.region,
      ...(input.institutions === undefined || input.institutions.length === 0
        ? {}
        : {
            institutions: [...input.institutions].sort((a, b) =>
              a.institutionId < b.institutionId ? -1 : 1,
            ),
          }),
      registeredAt: existing?.registeredAt ?? ctx.txTime,
      updatedAt: ctx.txTime,
      txId: ctx.txId,
    };
    await writeOrganization(ctx.stub, organization);
    return organization;
  }

  /**
   * Removes an organization that leaves the channel (GovMSP admin): from then on the chaincode's
   * member list, its collections and the patients' possible homes leave it out. Idempotent.
   */
  @Transaction()
  @Returns('OrganizationRemoval')
  async DeregisterOrganization(ctx: LedgerContext): Promise<OrganizationRemoval> {
    const [mspIdArgument] = ctx.argsOf('registry:DeregisterOrganization');
    const mspId = parseMspId(mspIdArgument);
    if (mspId === GOVERNMENT_MSP) {
      throw ledgerError('RULE_VIOLATION', `${GOVERNMENT_MSP}, the regulator, cannot leave`);
    }
    const existing = await readOrganization(ctx.stub, mspId);
    if (existing !== undefined) await deleteOrganization(ctx.stub, mspId);
    return { mspId, removed: existing !== undefined };
  }

  /** One organization's registration. */
  @Transaction(false)
  @Returns('Organization')
  async GetOrganization(ctx: LedgerContext): Promise<Organization> {
    const [mspId] = ctx.argsOf('registry:GetOrganization');
    return requireOrganization(ctx.stub, parseMspId(mspId));
  }

  /** Every registered organization, sorted by MSP ID. */
  @Transaction(false)
  @Returns('Organization[]')
  async ListOrganizations(ctx: LedgerContext): Promise<Organization[]> {
    return listOrganizations(ctx.stub);
  }
}
