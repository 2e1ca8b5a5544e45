import { randomBytes, createPrivateKey } from 'node:crypto';
import { connect, signers } from '@hyperledger/fabric-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_WALLET, type IdentityWallet } from '@consent-ledger/gateway';
import {
  applicationAclChange,
  configUpdateStatus,
  ConfigUpdateError,
  groupAt,
  organizationMsp,
  ordererTargets,
  orgLayout,
  peerClient,
  peerConfig,
  proposeConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
  valuesOf,
  waitForConfigSequence,
  type Organization,
} from '@consent-ledger/network';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, uniqueName } from '../support/gateways.ts';
import { org, topology } from '../support/ledger.ts';

/**
 * Governance by the members on the real network (docs/governance.md): a channel configuration
 * update needs a majority of the members' admins, each signing on its own, and the orderer refuses
 * fewer; and people leave: a clinician an admin disables at the gateway has its certificate revoked
 * and the CRL published, and from then on every peer refuses a proposal it signs, sent straight to
 * the peer without the gateway.
 */

const [gov, tertiary, community] = ['gov', 'tertiary', 'community'].map(org) as [
  Organization,
  Organization,
  Organization,
];
const everyPeer = topology.organizations.flatMap((peerOrg) =>
  peerOrg.peers.map((peer) => ({ peerOrg, peer })),
);

/** The ACLs value of the Application group, as a peer has it, decoded to text. */
async function aclsOn(peerOrg: Organization): Promise<string> {
  const { config } = await peerConfig({ topology, org: gov, peerOrg });
  const application = groupAt(config, ['Application']);
  const value = application === undefined ? undefined : valuesOf(application).get('ACLs');
  return value === undefined ? '' : Buffer.from(value.getValue_asU8()).toString('latin1');
}

describe('channel configuration updates signed by the members', () => {
  it('refuses an Application change signed by 2 of 5 members and takes it with 3, on every peer', async () => {
    const resource = `governance-test/${randomBytes(4).toString('hex')}`;
    const proposal = await proposeConfigUpdate({
      topology,
      proposer: gov,
      description: `an ACL entry ${resource}`,
      kind: 'acl',
      change: applicationAclChange(resource, '/Channel/Application/Readers'),
    });
    // A new ACLs value, or a changed one: either way the Application group's Admins decide.
    expect(proposal.changes.map((change) => change.policy)).toEqual([
      '/Channel/Application/Admins',
    ]);
    await signConfigUpdate({ topology, id: proposal.id, org: gov });
    await signConfigUpdate({ topology, id: proposal.id, org: tertiary });
    const partly = configUpdateStatus({ id: proposal.id });
    expect(partly.signedBy).toEqual(['GovMSP', 'TertiaryHospitalMSP']);
    expect(partly.needed).toBe(3);
    expect(partly.enough).toBe(false);

    const refused = await submitConfigUpdate({ topology, id: proposal.id, org: gov }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigUpdateError);
    expect((refused as ConfigUpdateError).code).toBe('POLICY_NOT_SATISFIED');
    expect((refused as ConfigUpdateError).message).toMatch(
      /2 sub-policies were satisfied, but this policy requires 3/,
    );
    for (const { peerOrg } of everyPeer) expect(await aclsOn(peerOrg)).not.toContain(resource);

    await signConfigUpdate({ topology, id: proposal.id, org: community });
    const signed = configUpdateStatus({ id: proposal.id });
    expect(signed.signedBy).toEqual(['CommunityHospitalMSP', 'GovMSP', 'TertiaryHospitalMSP']);
    expect(signed.enough).toBe(true);
    const submission = await submitConfigUpdate({ topology, id: proposal.id, org: tertiary });
    expect(submission.sequence).toBe(proposal.baseSequence + 1);
    for (const { peerOrg } of everyPeer) expect(await aclsOn(peerOrg)).toContain(resource);
    expect(configUpdateStatus({ id: proposal.id }).submission?.submitter).toBe(
      'TertiaryHospitalMSP',
    );
  });
});

describe('people leave: a disabled clinician is refused by every peer', () => {
  let gatewayApp: InProcessGateway;
  let api: GatewayApi;
  let adminToken = '';

  beforeAll(async () => {
    const [orderer] = ordererTargets(topology);
    gatewayApp = await startGatewayInProcess('tertiary', {
      env: {
        GATEWAY_FABRIC_ADMIN_MSP: orgLayout(tertiary).admin.mspDir,
        GATEWAY_ORDERERS: ordererTargets(topology)
          .map((target) => target.address)
          .join(','),
        GATEWAY_ORDERER_TLS_CA: orderer?.tlsCaFile ?? '',
      },
    });
    api = new GatewayApi(gatewayApp.base, 'tertiary');
    adminToken = await api.login(gatewayApp.admin.username, gatewayApp.admin.password);
  });

  afterAll(async () => {
    await gatewayApp.close();
  });

  /** Asks one peer, straight over its gRPC port as the holder of `credentials`, for the chain height. */
  async function askPeer(
    credentials: Readonly<{ certificate: string; privateKey: string }>,
    target: (typeof everyPeer)[number],
  ): Promise<void> {
    const client = peerClient(target.peerOrg, target.peer);
    const gateway = connect({
      client,
      identity: { mspId: tertiary.mspId, credentials: Buffer.from(credentials.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(credentials.privateKey)),
      evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    });
    try {
      await gateway
        .getNetwork(topology.channel.name)
        .getContract('qscc')
        .evaluateTransaction('GetChainInfo', topology.channel.name);
    } finally {
      gateway.close();
      client.close();
    }
  }

  it('revokes the certificate at the CA, publishes the CRL, and every peer refuses it', async () => {
    const username = uniqueName('leaver');
    await api.createUser(adminToken, {
      username,
      password: 'a-clinician-pass-phrase-8',
      role: 'clinician',
    });
    const wallet = gatewayApp.app.get<IdentityWallet>(IDENTITY_WALLET);
    const before = await wallet.get(`user:${username}`);
    if (before === undefined) throw new Error('the clinician has no certificate in the wallet');
    for (const target of everyPeer) await askPeer(before, target);

    const { sequence } = await peerConfig({ topology, org: tertiary });
    const disabled = await api.post<{ disabledAt?: string; fabric?: unknown }>(
      `/identities/${username}/disable`,
      { token: adminToken },
    );
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabledAt).toBeDefined();
    expect(disabled.body.fabric).toEqual({ certificateRevoked: true, crlPublished: true });
    await waitForConfigSequence({ topology, org: tertiary, sequence: sequence + 1 });
    const { config } = await peerConfig({ topology, org: gov });
    expect(organizationMsp(config, tertiary.mspId).getRevocationListList().length).toBe(1);

    for (const target of everyPeer)
      await expect(askPeer(before, target), `${target.peerOrg.name}'s peer`).rejects.toThrow(
        /access denied|revoked|creator|identity/i,
      );

    // Enabled again, the clinician gets a new certificate, which every peer answers.
    const enabled = await api.post(`/identities/${username}/enable`, { token: adminToken });
    expect(enabled.status).toBe(200);
    const after = await wallet.get(`user:${username}`);
    expect(after?.certificate).not.toBe(before.certificate);
    if (after === undefined) throw new Error('no certificate after enabling');
    for (const target of everyPeer) await askPeer(after, target);
  });
});
