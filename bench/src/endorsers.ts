import { GOVERNMENT_MSP, collectionFor, endorsersFor } from '@consent-ledger/ledger-api';

/**
 * Who endorses each of the benchmark's transactions, by where it writes (docs/privacy.md, "Who
 * endorses"): the same choices as the gateways', so that the workloads cost what the
 * applications' calls cost.
 */

/** The channel's organizations, for the collection rules. */
export interface ChannelOrgs {
  readonly mspIds: readonly string[];
}

/**
 * A patient's signed action (grant, revoke, activation) or the home admin's registration: the
 * patient's home and the regulator, the holders of the binding the statement is checked against.
 */
export function homeEndorsers(home: string): string[] {
  return [home, GOVERNMENT_MSP];
}

/**
 * A write about a patient homed at `home` by a member of `own` (an access request, a record
 * anchor): the caller's organization and the home, or the regulator, as the collection's policy
 * needs.
 */
export function partyEndorsers(
  orgs: ChannelOrgs,
  options: Readonly<{ own: string; home: string }>,
): string[] {
  const chosen = endorsersFor({
    collections: [collectionFor(options.home, options.own)],
    own: options.own,
    preferred: [options.home, GOVERNMENT_MSP],
    mspIds: orgs.mspIds,
  });
  if (chosen === undefined)
    throw new RangeError(`no endorsers for ${options.own} about a patient of ${options.home}`);
  return chosen;
}

/** A batch anchor (its items' permits are read in several collections): the owner and the regulator. */
export function regulatorEndorsers(own: string): string[] {
  return [...new Set([own, GOVERNMENT_MSP])];
}

/**
 * A write of public state only (baseline:Put): two organizations, as the chaincode's any-two
 * policy asks, the caller's own and the regulator (another one when the caller is the regulator).
 */
export function publicEndorsers(orgs: ChannelOrgs, own: string): string[] {
  const other =
    own === GOVERNMENT_MSP ? orgs.mspIds.find((msp) => msp !== GOVERNMENT_MSP) : GOVERNMENT_MSP;
  if (other === undefined) throw new RangeError('a channel of one organization');
  return [own, other];
}

/**
 * bench:SeedAccessEvents writes events of patients of every home organization accessed by every
 * organization, into many collections at once: every organization endorses (the chaincode's
 * seeding documents this).
 */
export function seedingEndorsers(orgs: ChannelOrgs): string[] {
  return [...orgs.mspIds];
}
