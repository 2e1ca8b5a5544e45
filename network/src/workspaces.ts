import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot, runDir, runPaths } from './paths.ts';

/**
 * One workspace per organization, one exchange for what members share (docs/deployment.md,
 * "Workspaces").
 *
 * Each organization's workspace (`.run/network/organizations/<org>/`, mode 0700) holds only its
 * own secrets: its CA's home and keys, its registrar, its admin, its nodes' identities, ledgers
 * and configs, and its gateway's data. The exchange (`.run/network/exchange/`) holds what members
 * share and nothing secret: MSP folders (CA certificates and NodeOU config), orderer TLS
 * certificates, the channel's blocks and configuration updates with their signatures, snapshots,
 * the chaincode package and the collections configuration.
 *
 * When `npm start` runs as root, every organization has its own Unix user (`cl-<org>`, in the
 * group `cl-consortium`, which owns the exchange): its workspace belongs to that user, and every
 * process and command that acts for the organization (its CA, peers, orderers and gateway, the
 * fabric-ca-client, peer, osnadmin and configtxgen commands run for it) runs as that user, so it
 * cannot read another organization's workspace (test/integration/workspaces.test.ts proves it).
 * Run as another user, everything runs as that user: the layout is the same, the separation is not
 * enforced (the one-machine developer setup); CONSENT_LEDGER_SEPARATION=off turns it off as root.
 */

/** The group of every organization's user: it owns the exchange. */
export const CONSORTIUM_GROUP = 'cl-consortium';

/** A Unix identity a process runs as. */
export interface OrgUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Whether organizations run as their own Unix users on this machine. */
export function separationEnabled(): boolean {
  if (process.env.CONSENT_LEDGER_SEPARATION === 'off') return false;
  return process.getuid?.() === 0;
}

/** The Unix user name of an organization. */
export function orgUserName(orgName: string): string {
  return `cl-${orgName}`;
}

const users = new Map<string, OrgUser>();

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
  } catch {
    return undefined;
  }
}

function groupId(name: string): number | undefined {
  try {
    const line = execFileSync('getent', ['group', name], { encoding: 'utf8', stdio: 'pipe' });
    return Number(line.split(':')[2]);
  } catch {
    return undefined;
  }
}

let consortiumGid: number | undefined;

/** The consortium group's ID, making the group if it does not exist (root only). */
function consortiumGroupId(): number {
  if (consortiumGid !== undefined) return consortiumGid;
  if (groupId(CONSORTIUM_GROUP) === undefined) {
    execFileSync('groupadd', ['--system', '--force', CONSORTIUM_GROUP], { stdio: 'pipe' });
  }
  consortiumGid = groupId(CONSORTIUM_GROUP);
  if (consortiumGid === undefined) throw new Error(`could not make the group ${CONSORTIUM_GROUP}`);
  return consortiumGid;
}

/** Makes the organization's user (in the consortium group) if it does not exist (root only). */
function ensureUser(orgName: string): OrgUser {
  const name = orgUserName(orgName);
  const known = users.get(name);
  if (known !== undefined) return known;
  const gid = consortiumGroupId();
  if (idOf('-u', name) === undefined) {
    try {
      execFileSync(
        'useradd',
        [
          '--system',
          '--no-create-home',
          '--home-dir',
          '/nonexistent',
          '--shell',
          '/usr/sbin/nologin',
          '--gid',
          CONSORTIUM_GROUP,
          name,
        ],
        { stdio: 'pipe' },
      );
    } catch (error) {
      // Another run made it at the same moment.
      if (idOf('-u', name) === undefined) throw error;
    }
  }
  const uid = idOf('-u', name);
  if (uid === undefined) throw new Error(`could not make the user ${name}`);
  const user = { name, uid, gid };
  users.set(name, user);
  return user;
}

/**
 * The Unix user an organization's processes and commands run as, or undefined when separation is
 * off (they run as the caller).
 */
export function orgUser(orgName: string): OrgUser | undefined {
  return separationEnabled() ? ensureUser(orgName) : undefined;
}

/** An organization's workspace folder. */
export function workspaceDir(orgName: string): string {
  return path.join(runPaths.organizations, orgName);
}

/** Gives a path (recursively) to the organization's user; nothing without separation. */
export function handOver(orgName: string, target: string): void {
  const user = orgUser(orgName);
  if (user === undefined || !existsSync(target)) return;
  const walk = (file: string): void => {
    const stat = lstatSync(file);
    if (stat.uid !== user.uid || stat.gid !== user.gid) chownSync(file, user.uid, user.gid);
    if (stat.isDirectory()) for (const entry of readdirSync(file)) walk(path.join(file, entry));
  };
  walk(target);
}

/**
 * Makes a folder inside an organization's workspace (and the workspace itself, 0700), owned by the
 * organization's user.
 */
export function workspaceFolder(orgName: string, folder: string): string {
  const root = workspaceDir(orgName);
  if (!existsSync(root)) mkdirSync(root, { recursive: true, mode: 0o700 });
  chmodSync(root, 0o700);
  const user = orgUser(orgName);
  if (user !== undefined) chownSync(root, user.uid, user.gid);
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // Hand over every created level below the workspace root.
    let level = folder;
    while (user !== undefined && level.startsWith(`${root}${path.sep}`)) {
      chownSync(level, user.uid, user.gid);
      level = path.dirname(level);
    }
  }
  return folder;
}

/**
 * Makes an exchange folder: readable by all, writable by the consortium group, sticky (a member
 * cannot remove or replace another member's files) and setgid (files stay in the group).
 */
export function exchangeFolder(folder: string): string {
  const levels: string[] = [];
  for (let level = folder; level.startsWith(runPaths.exchange); level = path.dirname(level)) {
    levels.unshift(level);
  }
  for (const level of levels) {
    if (!existsSync(level)) {
      mkdirSync(level);
      // Made by a member's own user (a step run as the organization), or by the operator.
      chmodSync(level, 0o3775);
    }
    if (separationEnabled()) {
      const gid = consortiumGroupId();
      if (statSync(level).gid !== gid) chownSync(level, 0, gid);
      if ((statSync(level).mode & 0o7777) !== 0o3775) chmodSync(level, 0o3775);
    }
  }
  return folder;
}

/**
 * Lets the organizations' users reach what they run: the repository (code, builders, node_modules),
 * the cache (Fabric binaries, Node) and the run folder. Folders on the way that others cannot
 * traverse get the others' execute bit only (no listing). Root only; nothing otherwise.
 */
export function ensureTraversable(log: (line: string) => void): void {
  if (!separationEnabled()) return;
  for (const target of [repoRoot, cacheDir, runDir, path.dirname(process.execPath)]) {
    for (let level = target; ; level = path.dirname(level)) {
      if (existsSync(level)) {
        const mode = statSync(level).mode;
        if ((mode & 0o001) === 0) {
          chmodSync(level, mode | 0o001);
          log(`Let the organizations' users traverse ${level} (o+x)`);
        }
      }
      if (path.dirname(level) === level) break;
    }
  }
  if (!existsSync(runDir)) mkdirSync(runDir, { recursive: true });
  for (const folder of [runPaths.network, runPaths.organizations]) {
    if (!existsSync(folder)) mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o755);
  }
}
