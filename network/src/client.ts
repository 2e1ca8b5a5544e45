import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import type { IdentityLayout } from './layout.ts';
import { orgLayout } from './layout.ts';
import { endpoint, type Organization, type Peer } from './topology.ts';

/** A gateway connection made with an enrolled identity; close it when done. */
export interface LedgerConnection {
  readonly gateway: Gateway;
  readonly client: grpc.Client;
  close(): void;
}

/** Options of {@link connectAs}. */
export interface ConnectOptions {
  readonly org: Organization;
  /** The identity's MSP folder layout (signcerts/cert.pem and one key in keystore/). */
  readonly identity: Pick<IdentityLayout, 'mspDir'>;
  /** The peer to talk to; the organization's first peer by default. */
  readonly peer?: Peer;
}

/**
 * A gRPC client for a peer over TLS, trusting the peer's organization's CA as published in the
 * exchange: any member may call it, reading nothing of the peer's organization's workspace.
 */
export function peerClient(org: Organization, peer: Peer): grpc.Client {
  const tlsCa = readFileSync(orgLayout(org).publicCaCert);
  return new grpc.Client(endpoint(peer), grpc.credentials.createSsl(tlsCa), {
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
    'grpc.max_send_message_length': 100 * 1024 * 1024,
  });
}

/** Connects to a peer's Fabric Gateway service as an enrolled identity, with deadlines on every call. */
export function connectAs(options: ConnectOptions): LedgerConnection {
  const peer = options.peer ?? options.org.peers[0];
  if (peer === undefined) throw new Error(`${options.org.name} has no peer`);
  const client = peerClient(options.org, peer);
  const keystore = path.join(options.identity.mspDir, 'keystore');
  const [keyFile] = readdirSync(keystore);
  if (keyFile === undefined) throw new Error(`no private key in ${keystore}`);
  const gateway = connect({
    client,
    identity: {
      mspId: options.org.mspId,
      credentials: readFileSync(path.join(options.identity.mspDir, 'signcerts', 'cert.pem')),
    },
    signer: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(keystore, keyFile))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
    submitOptions: () => ({ deadline: Date.now() + 30_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 120_000 }),
  });
  return {
    gateway,
    client,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
