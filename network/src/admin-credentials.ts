import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gatewayDataDir } from './layout.ts';
import type { Organization } from './topology.ts';
import { readWorkspaceFile, workspaceFolder, writeWorkspaceFile } from './workspaces.ts';

/** A gateway's bootstrap admin. */
export interface AdminCredentials {
  readonly username: string;
  readonly password: string;
}

/** The bootstrap admin's username: `admin` unless GATEWAY_ADMIN_USERNAME names another. */
function adminUsername(): string {
  return process.env.GATEWAY_ADMIN_USERNAME ?? 'admin';
}

/** The password GATEWAY_ADMIN_PASSWORD gives every gateway, if set (empty counts as unset). */
function givenPassword(): string | undefined {
  const given = process.env.GATEWAY_ADMIN_PASSWORD;
  return given === undefined || given === '' ? undefined : given;
}

function orgName(org: Organization | string): string {
  return typeof org === 'string' ? org : org.name;
}

/**
 * The file that keeps an organization's generated admin password (mode 0600), in its gateway's
 * data directory in the organization's workspace: where the gateway keeps its other secrets.
 */
export function adminPasswordFile(org: Organization | string): string {
  return path.join(gatewayDataDir(orgName(org)), 'secrets', 'admin.password');
}

/**
 * Makes the organization's admin password once, unless GATEWAY_ADMIN_PASSWORD gives one: 24
 * random base64url characters (144 bits), written 0600. Answers whether it was made now (and so
 * is to be shown, once).
 */
export function ensureAdminPassword(org: Organization | string): { readonly created: boolean } {
  if (givenPassword() !== undefined) return { created: false };
  const file = adminPasswordFile(org);
  if (existsSync(file)) return { created: false };
  workspaceFolder(orgName(org), path.dirname(file));
  writeWorkspaceFile(orgName(org), file, randomBytes(18).toString('base64url'), {
    exclusive: true,
  });
  return { created: true };
}

/**
 * The credentials of an organization's bootstrap admin, as its gateway was given them:
 * GATEWAY_ADMIN_USERNAME / GATEWAY_ADMIN_PASSWORD when set, else the generated password file.
 * Everything that signs in as the admin (tests, demo, benchmark) reads them here.
 */
export function adminCredentials(org: Organization | string): AdminCredentials {
  const password = givenPassword();
  if (password !== undefined) return { username: adminUsername(), password };
  const file = adminPasswordFile(org);
  if (!existsSync(file))
    throw new Error(
      `${file} is missing: start the network with \`npm start\`, or set GATEWAY_ADMIN_PASSWORD`,
    );
  return { username: adminUsername(), password: readWorkspaceFile(orgName(org), file).trim() };
}
