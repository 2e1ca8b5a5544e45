import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  computeConfigUpdate,
  configOfBlock,
  copyConfig,
  revocationListChange,
  signConfigUpdateBytes,
  signedConfigUpdateEnvelope,
  type ConfigSigner,
} from './config-tx.ts';
import { ConfigUpdateError, sendConfigUpdate } from './config-update.ts';

/**
 * People leave (docs/governance.md, "People leave"): an identity's certificates are revoked at its
 * organization's CA, and the CA's certificate revocation list (CRL) goes into the organization's
 * MSP in the channel configuration (`revocation_list`), where every peer and orderer checks it.
 *
 * The CRL is the organization's own business: its group in the channel configuration has
 * mod_policy `Admins`, the organization's own Admins policy (OR('<MSP>.admin')), so the
 * organization's admin alone signs and submits the update; no other member is asked.
 */

/** What a gateway needs besides {@link publishRevocationList}: its organization's admin as a signer. */
export { adminSigner } from './config-update.ts';
export type { ConfigSigner } from './config-tx.ts';

const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();

/**
 * Publishes an organization's CRLs to the channel without a topology (the gateway uses this): reads
 * the configuration with `readConfigBlock`, replaces the organization's revocation list, signs the
 * update as the organization's admin (`admin`), sends it to the orderers, and waits until
 * `readConfigBlock` answers the new configuration (30 s at most). Answers the new sequence.
 */
export async function publishRevocationList(
  options: Readonly<{
    channel: string;
    mspId: string;
    crls: readonly string[];
    admin: ConfigSigner;
    readConfigBlock: () => Promise<Uint8Array>;
    orderers: readonly Readonly<{ name: string; address: string; tlsCa: Uint8Array }>[];
  }>,
): Promise<number> {
  const config = configOfBlock(await options.readConfigBlock());
  const updated = copyConfig(config);
  revocationListChange(options.mspId, options.crls)(updated);
  const update = computeConfigUpdate({ channel: options.channel, original: config, updated });
  const configUpdate = update.serializeBinary();
  const signature = await signConfigUpdateBytes({
    configUpdate,
    signer: options.admin,
    nonce: randomBytes(24),
    digest: sha256,
  });
  const envelope = await signedConfigUpdateEnvelope({
    channel: options.channel,
    configUpdate,
    signatures: [signature],
    submitter: options.admin,
    nonce: randomBytes(24),
    digest: sha256,
  });
  await sendConfigUpdate(options.orderers, envelope);
  const sequence = config.getSequence() + 1;
  const deadline = Date.now() + 30_000;
  while (configOfBlock(await options.readConfigBlock()).getSequence() < sequence) {
    if (Date.now() > deadline)
      throw new ConfigUpdateError(
        'PEERS_BEHIND',
        `the peer does not have configuration ${sequence} after 30 s`,
      );
    await sleep(250);
  }
  return sequence;
}
