import { GOVERNMENT_MSP } from './vocabulary.ts';

/**
 * The private data collections (docs/privacy.md): one per organization with the regulator
 * (`org_<MSP>`), one per pair of organizations with the regulator (`pair_<A>_<B>`, the MSP IDs
 * sorted), and the regulator's own (`org_GovMSP`). Everything about a patient is kept in the
 * collection of the patient's home organization and the other organization it concerns, so that
 * only their peers and the regulator's hold it. The chaincode writes by these functions, the
 * network generates the collection configuration from them, and the gateway names endorsers by
 * them: one definition of where data lives.
 */

/** The collection of one organization and the regulator (the regulator's own for GovMSP). */
export function orgCollection(mspId: string): string {
  return `org_${mspId}`;
}

/** The collection of two organizations other than the regulator, and the regulator. */
export function pairCollection(a: string, b: string): string {
  if (a === b) throw new RangeError(`a pair needs two organizations, not ${a} twice`);
  const [first, second] = a < b ? [a, b] : [b, a];
  return `pair_${first}_${second}`;
}

/**
 * Where what concerns a patient homed at `home` and organization `other` is kept: `org_<home>`
 * when `other` is the home itself or the regulator, else the pair's collection.
 */
export function collectionFor(home: string, other: string): string {
  return other === home || other === GOVERNMENT_MSP
    ? orgCollection(home)
    : pairCollection(home, other);
}

/** The organizations whose peers hold a collection (the regulator always among them). */
export function collectionMembers(collection: string, mspIds: readonly string[]): string[] {
  for (const msp of mspIds) {
    if (collection === orgCollection(msp))
      return msp === GOVERNMENT_MSP ? [GOVERNMENT_MSP] : [msp, GOVERNMENT_MSP];
  }
  for (const a of mspIds) {
    for (const b of mspIds) {
      if (
        a < b &&
        a !== GOVERNMENT_MSP &&
        b !== GOVERNMENT_MSP &&
        collection === pairCollection(a, b)
      )
        return [a, b, GOVERNMENT_MSP];
    }
  }
  throw new RangeError(`${collection} is not a collection of this channel`);
}

/** Every collection of a channel whose organizations are `mspIds`, sorted. */
export function collectionNames(mspIds: readonly string[]): string[] {
  const others = mspIds.filter((msp) => msp !== GOVERNMENT_MSP);
  const names = mspIds.map(orgCollection);
  for (const a of others) for (const b of others) if (a < b) names.push(pairCollection(a, b));
  return names.sort();
}

/** The collections whose members include an organization (all of them for the regulator). */
export function collectionsOf(mspId: string, mspIds: readonly string[]): string[] {
  return collectionNames(mspIds).filter((name) => collectionMembers(name, mspIds).includes(mspId));
}

/**
 * The endorsement policy of a collection: both peers of an organization's collection, any two of a
 * pair's three, the regulator's peer for its own. Members decide; no two outsiders can write.
 */
export function collectionEndorsement(
  collection: string,
  mspIds: readonly string[],
): {
  readonly outOf: number;
  readonly peers: readonly string[];
} {
  const members = collectionMembers(collection, mspIds);
  return { outOf: Math.min(2, members.length), peers: members };
}

/**
 * The organizations to name as endorsers of a transaction that writes `collections` (a proposal
 * with transient data must name them, so that the inputs reach members only): the caller's own
 * organization when it is a member of every one, then the preferred organizations in order
 * (usually the patient's home, then the regulator), until every collection's policy is met.
 * Undefined when no such choice exists among the candidates.
 */
export function endorsersFor(
  options: Readonly<{
    collections: readonly string[];
    own: string;
    preferred: readonly string[];
    mspIds: readonly string[];
  }>,
): string[] | undefined {
  const candidates = [...new Set([options.own, ...options.preferred])];
  const chosen: string[] = [];
  const satisfied = (): boolean =>
    options.collections.every((collection) => {
      const { outOf, peers } = collectionEndorsement(collection, options.mspIds);
      return chosen.filter((msp) => peers.includes(msp)).length >= outOf;
    });
  for (const msp of candidates) {
    if (satisfied()) break;
    const useful = options.collections.some((collection) =>
      collectionMembers(collection, options.mspIds).includes(msp),
    );
    if (useful) chosen.push(msp);
  }
  return satisfied() ? chosen : undefined;
}
