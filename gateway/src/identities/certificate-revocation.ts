import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { connect } from '@hyperledger/fabric-gateway';
import {
  adminSigner,
  publishRevocationList,
  type ConfigSigner,
} from '@consent-ledger/network/revocation';
import type { OrgProfile } from '../config/connection-profile.js';
import type { GatewayConfig } from '../config/gateway.config.js';
import type { CertificateAuthority } from './certificate-authority.js';

/** What became of a disabled user's Fabric certificate (the response of a disable says it). */
export interface RevocationOutcome {
  /** Revoked at the organization's CA. */
  readonly certificateRevoked: boolean;
  /** The CA's CRL is in the organization's MSP in the channel configuration: every peer refuses it. */
  readonly crlPublished: boolean;
  /** Why not, when either is false: a code and a sentence. */
  readonly error?: Readonly<{ code: string; message: string }>;
}

/**
 * Revokes a user's Fabric certificate at the organization's CA and publishes the CA's CRL to the
 * channel configuration (docs/governance.md, "People leave"). Never throws: the outcome says what
 * was done, so that a disable takes effect at the gateway whatever the CA or the orderers answer.
 */
export interface CertificateRevocation {
  revoke(certificatePem: string): Promise<RevocationOutcome>;
}

/** Injection token of the {@link CertificateRevocation}. */
export const CERTIFICATE_REVOCATION = Symbol('CERTIFICATE_REVOCATION');

/** How the gateway reaches the channel's configuration as the organization's Fabric admin. */
interface Publishing {
  /** The organization's Fabric admin (from GATEWAY_FABRIC_ADMIN_MSP), read once at start. */
  readonly admin: ConfigSigner;
  readonly orderers: readonly string[];
  readonly ordererTlsCa: Uint8Array;
}

const codeOf = (error: unknown): string =>
  error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'INTERNAL';
const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

class FabricCertificateRevocation implements CertificateRevocation {
  readonly #profile: OrgProfile;
  readonly #ca: CertificateAuthority;
  readonly #publishing: Publishing | undefined;
  /** One revocation at a time: two CRL updates at once would conflict on the channel. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(profile: OrgProfile, ca: CertificateAuthority, publishing: Publishing | undefined) {
    this.#profile = profile;
    this.#ca = ca;
    this.#publishing = publishing;
  }

  revoke(certificatePem: string): Promise<RevocationOutcome> {
    const outcome = this.#queue.then(() => this.#revoke(certificatePem));
    this.#queue = outcome.catch(() => undefined);
    return outcome;
  }

  async #revoke(certificatePem: string): Promise<RevocationOutcome> {
    try {
      await this.#ca.revokeCertificate(certificatePem, 'cessationofoperation');
    } catch (error) {
      return {
        certificateRevoked: false,
        crlPublished: false,
        error: { code: codeOf(error), message: messageOf(error) },
      };
    }
    if (this.#publishing === undefined)
      return {
        certificateRevoked: true,
        crlPublished: false,
        error: {
          code: 'CRL_PUBLISHING_OFF',
          message: 'the gateway has no Fabric admin (GATEWAY_FABRIC_ADMIN_MSP) to publish the CRL',
        },
      };
    try {
      const crl = await this.#ca.generateCrl();
      // Another member's configuration update may land first: compute again from the new one.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#publish(this.#publishing, crl);
          break;
        } catch (error) {
          if (codeOf(error) !== 'STALE_PROPOSAL' || attempt >= 3) throw error;
        }
      }
      return { certificateRevoked: true, crlPublished: true };
    } catch (error) {
      return {
        certificateRevoked: true,
        crlPublished: false,
        error: { code: codeOf(error), message: messageOf(error) },
      };
    }
  }

  async #publish(publishing: Publishing, crl: string): Promise<void> {
    const { admin } = publishing;
    const { peer, mspId, channel } = this.#profile;
    const client = new grpc.Client(
      peer.endpoint,
      peer.tls
        ? grpc.credentials.createSsl(Buffer.from(peer.tlsCaPem))
        : grpc.credentials.createInsecure(),
      peer.hostOverride === undefined || isIP(peer.hostOverride) !== 0
        ? {}
        : { 'grpc.ssl_target_name_override': peer.hostOverride },
    );
    const gateway = connect({
      client,
      identity: { mspId, credentials: Buffer.from(admin.certificate) },
      signer: (digest) => admin.sign(digest),
      evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    });
    try {
      await publishRevocationList({
        channel,
        mspId,
        crls: [crl],
        admin,
        readConfigBlock: () =>
          gateway
            .getNetwork(channel)
            .getContract('cscc')
            .evaluateTransaction('GetConfigBlock', channel),
        orderers: publishing.orderers.map((address) => ({
          name: address,
          address,
          tlsCa: publishing.ordererTlsCa,
        })),
      });
    } finally {
      gateway.close();
      client.close();
    }
  }
}

/** The certificate revocation of the organization's gateway (publishing the CRL when configured). */
export function createCertificateRevocation(
  options: Readonly<{ profile: OrgProfile; ca: CertificateAuthority; config: GatewayConfig }>,
): CertificateRevocation {
  const { GATEWAY_FABRIC_ADMIN_MSP, GATEWAY_ORDERERS, GATEWAY_ORDERER_TLS_CA } = options.config;
  const publishing =
    GATEWAY_FABRIC_ADMIN_MSP === undefined ||
    GATEWAY_ORDERERS === undefined ||
    GATEWAY_ORDERER_TLS_CA === undefined
      ? undefined
      : {
          admin: adminSigner(options.profile, GATEWAY_FABRIC_ADMIN_MSP),
          orderers: GATEWAY_ORDERERS.split(','),
          ordererTlsCa: readFileSync(GATEWAY_ORDERER_TLS_CA),
        };
  return new FabricCertificateRevocation(options.profile, options.ca, publishing);
}
