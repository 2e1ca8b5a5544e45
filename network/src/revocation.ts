import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bin, type FabricInstall } from './binaries.ts';
import {
  computeConfigUpdate,
  configOfBlock,
  copyConfig,
  revocationListChange,
  signConfigUpdateBytes,
  signedConfigUpdateEnvelope,
  type ConfigSigner,
} from './config-tx.ts';
import {
  ConfigUpdateError,
  proposeConfigUpdate,
  sendConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
} from './config-update.ts';
import { run } from './exec.ts';
import { orgLayout } from './layout.ts';
import type { Organization, Topology } from './topology.ts';

/**
 * People leave (docs/governance.md, "People leave"): an identity's certificates are revoked at its
 * organization's CA, and the CA's certificate revocation list (CRL) goes into the organization's
 * MSP in the channel configuration (`revocation_list`), where every peer and orderer checks it.
 *
 * The CRL is the organization's own business: its group in the channel configuration has
 * mod_policy `Admins`, the organization's own Admins policy (OR('<MSP>.admin')), so the
 * organization's admin alone signs and submits the update; no other member is asked.
 */

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

/** What {@link revokeIdentity} did. */
export interface Revocation {
  readonly enrollmentId: string;
  /** The CA's CRL (PEM) now in the organization's MSP in the channel configuration. */
  readonly crl: string;
  /** The configuration update that published it, and the sequence every peer has. */
  readonly proposalId: string;
  readonly sequence: number;
}

/**
 * Revokes every certificate of an enrollment ID at its organization's CA with the CA's registrar
 * (`fabric-ca-client revoke --gencrl`; the registrar has hf.Revoker and hf.GenCRL), then puts the
 * CA's CRL into the organization's MSP in the channel configuration: proposed, signed and
 * submitted by the organization's admin alone, and waited for on every peer.
 */
export async function revokeIdentity(
  options: Readonly<{
    install: FabricInstall;
    topology: Topology;
    org: Organization;
    enrollmentId: string;
    reason?: string;
  }>,
): Promise<Revocation> {
  const { install, topology, org, enrollmentId } = options;
  const layout = orgLayout(org);
  if (!existsSync(path.join(layout.registrarHome, 'msp', 'signcerts', 'cert.pem')))
    throw new Error(`${org.name}'s registrar is not enrolled in ${layout.registrarHome}`);
  await run(
    bin(install, 'fabric-ca-client'),
    [
      'revoke',
      '-e',
      enrollmentId,
      '-r',
      options.reason ?? 'cessationofoperation',
      '--gencrl',
      '-u',
      `https://${layout.ca.host}:${layout.ca.port}`,
      '--caname',
      layout.caName,
      '--tls.certfiles',
      layout.caCert,
      '-H',
      layout.registrarHome,
    ],
    { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeoutMs: 60_000 },
  );
  const crl = readFileSync(path.join(layout.registrarHome, 'msp', 'crls', 'crl.pem'), 'utf8');
  const proposal = await proposeConfigUpdate({
    install,
    topology,
    proposer: org,
    kind: 'revocation-list',
    description: `publish ${org.mspId}'s CRL (revoked ${enrollmentId})`,
    change: revocationListChange(org.mspId, [crl]),
  });
  await signConfigUpdate({ install, topology, id: proposal.id, org });
  const submission = await submitConfigUpdate({ install, topology, id: proposal.id, org });
  return { enrollmentId, crl, proposalId: proposal.id, sequence: submission.sequence };
}
