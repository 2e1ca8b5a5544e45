import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runPaths } from './paths.ts';
import type { OrgUser } from './workspaces.ts';

/** What to start: one long-running process of the system. */
export interface ProcessSpec {
  /** Unique name, also the log and PID file's name, such as `peer0.gov`. */
  readonly name: string;
  /** Absolute path of the executable. */
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment: nothing is inherited, so stray CORE_* or ORDERER_* cannot leak in. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The Unix user it runs as (its organization's, network/src/workspaces.ts); the caller's if none. */
  readonly user?: OrgUser | undefined;
}

/** A process this project started, as recorded in its PID file. */
export interface TrackedProcess {
  readonly name: string;
  readonly pid: number;
  readonly command: string;
  /** The kernel's start time of the process (clock ticks since boot), to tell a reused PID apart. */
  readonly startTicks: number;
  readonly startedAt: string;
}

/** The log file of a named process. */
export function logFile(name: string): string {
  return path.join(runPaths.logs, `${name}.log`);
}

function pidFile(name: string): string {
  return path.join(runPaths.pids, `${name}.json`);
}

/** Kernel start time of a PID, or undefined when there is no such live (non-zombie) process. */
function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may contain spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

function readRecord(name: string): TrackedProcess | undefined {
  try {
    return JSON.parse(readFileSync(pidFile(name), 'utf8')) as TrackedProcess;
  } catch {
    return undefined;
  }
}

/** True when the recorded process is alive and is the very process we started. */
export function isAlive(record: TrackedProcess): boolean {
  return startTicksOf(record.pid) === record.startTicks;
}

/** The live tracked process of that name, if any (a stale PID file is removed). */
export function runningProcess(name: string): TrackedProcess | undefined {
  const record = readRecord(name);
  if (record === undefined) return undefined;
  if (isAlive(record)) return record;
  rmSync(pidFile(name), { force: true });
  return undefined;
}

/** Names of every process with a PID file, alive or not. */
export function trackedNames(): string[] {
  if (!existsSync(runPaths.pids)) return [];
  return readdirSync(runPaths.pids)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/**
 * Starts a process detached in its own process group (so that stopping it also stops what it
 * launched, such as a peer's chaincode), appending its output to its log, and records its PID.
 */
export function startProcess(spec: ProcessSpec): TrackedProcess {
  const existing = runningProcess(spec.name);
  if (existing !== undefined) return existing;
  // The operator's folders: the logs of every organization's processes are the operator's, not
  // readable by the organizations' users.
  for (const folder of [runPaths.logs, runPaths.pids]) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
  }
  const log = openSync(logFile(spec.name), 'a');
  try {
    writeFileSync(
      log,
      `\n=== ${new Date().toISOString()} starting ${spec.name}: ${spec.command} ${spec.args.join(' ')}\n`,
    );
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      ...(spec.user === undefined ? {} : { uid: spec.user.uid, gid: spec.user.gid }),
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) {
      throw new Error(`Could not start ${spec.name} (${spec.command}); see ${logFile(spec.name)}`);
    }
    child.unref();
    const startTicks = startTicksOf(child.pid);
    if (startTicks === undefined) {
      throw new Error(
        `${spec.name} exited at once; see ${logFile(spec.name)}:\n${tailLog(spec.name)}`,
      );
    }
    const record: TrackedProcess = {
      name: spec.name,
      pid: child.pid,
      command: spec.command,
      startTicks,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(pidFile(spec.name), JSON.stringify(record, null, 2));
    return record;
  } finally {
    closeSync(log);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * True when the recorded process group is ours to signal: its leader is the process we started,
 * or the leader is gone but members of its group (a peer's chaincode, say) remain. A PID that is
 * still some group's ID is never handed to a new process, so the second case cannot be a stranger.
 */
function ownsGroup(record: TrackedProcess): boolean {
  if (isAlive(record)) return true;
  return startTicksOf(record.pid) === undefined && groupAlive(record.pid);
}

/**
 * Stops a tracked process and its process group by PID: SIGTERM, then SIGKILL after the grace
 * period. Returns true when it was running.
 */
export async function stopProcess(name: string, graceMs = 15_000): Promise<boolean> {
  const record = readRecord(name);
  if (record === undefined || !ownsGroup(record)) {
    rmSync(pidFile(name), { force: true });
    return false;
  }
  signalGroup(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(record.pid) && Date.now() < deadline) {
    await sleep(100);
  }
  if (groupAlive(record.pid)) {
    signalGroup(record.pid, 'SIGKILL');
    while (groupAlive(record.pid)) await sleep(50);
  }
  rmSync(pidFile(name), { force: true });
  return true;
}

/** Kills a tracked process at once with SIGKILL (fault injection); its group goes with it. */
export async function killProcess(name: string): Promise<boolean> {
  const record = readRecord(name);
  if (record === undefined || !ownsGroup(record)) return false;
  signalGroup(record.pid, 'SIGKILL');
  while (groupAlive(record.pid)) await sleep(50);
  rmSync(pidFile(name), { force: true });
  return true;
}

/** The last lines of a process's log, for error messages. */
export function tailLog(name: string, lines = 15): string {
  try {
    return readFileSync(logFile(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Live processes whose command line mentions one of the given paths (the run folder, the Fabric
 * binaries, the external builder): what `npm stop` must leave none of. Read from /proc, never
 * signalled.
 */
export function processesMentioning(paths: readonly string[]): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (
        command !== '' &&
        startTicksOf(pid) !== undefined &&
        paths.some((p) => command.includes(p))
      ) {
        found.push({ pid, command });
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
