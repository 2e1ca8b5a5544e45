import { KeyEndorsementPolicy } from 'fabric-shim';

/**
 * Key-level (state-based) endorsement policies: fabric-shim's KeyEndorsementPolicy builds the
 * SignaturePolicyEnvelope. A record head carries "a peer of the owning organization", so a new
 * version of the record needs the owner's endorsement whatever the chaincode's code says; with the
 * chaincode-level policy still applying to the other keys of the transaction (version, indexes),
 * the owner plus one more organization endorse every new version.
 */

/** The policy "a peer of `mspId` must endorse", as validation-parameter bytes. */
export function ownerEndorsementPolicy(mspId: string): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', mspId);
  return policy.getPolicy();
}

/** The organizations a key-level policy requires (for checks and tests). */
export function policyOrganizations(policy: Uint8Array): string[] {
  return new KeyEndorsementPolicy(policy).listOrgs().sort();
}
