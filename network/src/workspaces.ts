import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
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

function userId(name: string): number | undefined {
  try {
    return Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: 'pipe' }).trim());
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
  let uid = userId(name);
  if (uid === undefined) {
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
      if (userId(name) === undefined) throw error;
    }
    uid = userId(name);
  }
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

/**
 * Runs a command as an organization's own user (synchronously). What the operator reads, writes or
 * makes inside an organization's workspace goes through it: a link the organization's user left
 * there then leads only where that user can reach anyway, never to another member's secrets or to
 * the machine's files.
 */
function asOrgSync(user: OrgUser, argv: readonly string[], input?: string): string {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('no command');
  return execFileSync(command, args, {
    uid: user.uid,
    gid: user.gid,
    encoding: 'utf8',
    ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input }),
  });
}

/**
 * Makes a folder inside an organization's workspace (and the workspace itself, 0700), as the
 * organization's user.
 */
export function workspaceFolder(orgName: string, folder: string): string {
  const root = workspaceDir(orgName);
  if (!existsSync(root)) mkdirSync(root, { recursive: true, mode: 0o700 });
  const user = orgUser(orgName);
  const stat = statSync(root);
  if ((stat.mode & 0o777) !== 0o700) chmodSync(root, 0o700);
  if (user !== undefined && stat.uid !== user.uid) chownSync(root, user.uid, user.gid);
  if (existsSync(folder)) return folder;
  if (user === undefined) mkdirSync(folder, { recursive: true, mode: 0o700 });
  else asOrgSync(user, ['sh', '-c', 'umask 077 && mkdir -p "$1"', 'sh', folder]);
  return folder;
}

/**
 * Writes a file of an organization's workspace (mode 0600), as the organization's user;
 * `exclusive`: only if it does not exist yet (throws otherwise).
 */
export function writeWorkspaceFile(
  orgName: string,
  file: string,
  data: string,
  options: Readonly<{ exclusive?: boolean }> = {},
): void {
  const user = orgUser(orgName);
  if (user === undefined) {
    writeFileSync(file, data, { mode: 0o600, flag: options.exclusive === true ? 'wx' : 'w' });
    return;
  }
  const noClobber = options.exclusive === true ? 'set -C && ' : '';
  asOrgSync(user, ['sh', '-c', `umask 077 && ${noClobber}cat > "$1"`, 'sh', file], data);
}

/** Moves a file inside an organization's workspace, as the organization's user. */
export function moveWorkspaceFile(orgName: string, from: string, to: string): void {
  const user = orgUser(orgName);
  if (user === undefined) renameSync(from, to);
  else asOrgSync(user, ['mv', '-f', '-T', from, to]);
}

/** Reads a file of an organization's workspace, as the organization's user. */
export function readWorkspaceFile(orgName: string, file: string): string {
  const user = orgUser(orgName);
  return user === undefined ? readFileSync(file, 'utf8') : asOrgSync(user, ['cat', file]);
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
      // The operator owns every shared folder: a member that made one first (as its own user)
      // would otherwise, as its owner, replace what the others put in it despite the sticky bit.
      const gid = consortiumGroupId();
      const stat = lstatSync(level);
      if (stat.isSymbolicLink())
        throw new Error(`${level} is a link, not a folder of the exchange`);
      if (stat.uid !== 0 || stat.gid !== gid) chownSync(level, 0, gid);
      if ((stat.mode & 0o7777) !== 0o3775) chmodSync(level, 0o3775);
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

/**
 * Writes a file of the exchange whole or not at all: a temporary file of a random name, created
 * exclusively (never through a link a member left in its place), renamed into place.
 */
export function writeExchangeFile(file: string, data: string | Uint8Array): void {
  exchangeFolder(path.dirname(file));
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, data, { flag: 'wx' });
  renameSync(temporary, file);
}
