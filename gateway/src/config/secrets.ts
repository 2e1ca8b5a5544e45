import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GatewayConfig } from './gateway.config.js';

/** The gateway's secrets, resolved once at boot. */
export interface GatewaySecrets {
  /** AES-256 key of the wallet (32 bytes). */
  readonly walletKey: Buffer;
  /** HMAC secret of the access tokens. */
  readonly jwtSecret: string;
  /** Credentials of the bootstrap admin. */
  readonly admin: { readonly username: string; readonly password: string };
}

/** Injection token of the {@link GatewaySecrets}. */
export const GATEWAY_SECRETS = Symbol('GATEWAY_SECRETS');

/** The bootstrap admin's username unless GATEWAY_ADMIN_USERNAME names another. */
const DEFAULT_ADMIN_USERNAME = 'admin';

/** Where a gateway outside production keeps its generated bootstrap admin password. */
export function adminPasswordFile(dataDir: string): string {
  return path.join(dataDir, 'secrets', 'admin.password');
}

/** Decodes a wallet key given as 64 hex characters or base64 of 32 bytes. */
export function decodeWalletKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new Error('GATEWAY_WALLET_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/** Reads a generated secret file, creating it (mode 0600) when absent. */
function generatedFile(file: string, generate: () => string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, generate(), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * Resolves the wallet key, the token secret and the bootstrap admin. In production each must be
 * given explicitly (no generated files); in development and tests the missing ones are generated
 * once into the data directory (mode 0600). There is no default password: the admin's is random
 * when not given (`npm start` generates it and prints it once). The identities service checks it
 * against the password policy before it sets it.
 */
export function resolveSecrets(config: GatewayConfig): GatewaySecrets {
  const production = config.NODE_ENV === 'production';
  const missing = (name: string): Error =>
    new Error(`${name} is required when NODE_ENV=production`);
  const secretsDir = path.join(config.GATEWAY_DATA_DIR, 'secrets');

  let walletKey: Buffer;
  if (config.GATEWAY_WALLET_KEY !== undefined)
    walletKey = decodeWalletKey(config.GATEWAY_WALLET_KEY);
  else if (production) throw missing('GATEWAY_WALLET_KEY');
  else
    walletKey = decodeWalletKey(
      generatedFile(path.join(secretsDir, 'wallet.key'), () => randomBytes(32).toString('hex')),
    );

  let jwtSecret: string;
  if (config.GATEWAY_JWT_SECRET !== undefined) jwtSecret = config.GATEWAY_JWT_SECRET;
  else if (production) throw missing('GATEWAY_JWT_SECRET');
  else
    jwtSecret = generatedFile(path.join(secretsDir, 'jwt.secret'), () =>
      randomBytes(48).toString('base64url'),
    );
  if (jwtSecret.length < 32) throw new Error('GATEWAY_JWT_SECRET must be at least 32 characters');

  let password: string;
  if (config.GATEWAY_ADMIN_PASSWORD !== undefined) password = config.GATEWAY_ADMIN_PASSWORD;
  else if (production) throw missing('GATEWAY_ADMIN_PASSWORD');
  else
    password = generatedFile(adminPasswordFile(config.GATEWAY_DATA_DIR), () =>
      randomBytes(18).toString('base64url'),
    );
  const admin = { username: config.GATEWAY_ADMIN_USERNAME ?? DEFAULT_ADMIN_USERNAME, password };
  return { walletKey, jwtSecret, admin };
}
