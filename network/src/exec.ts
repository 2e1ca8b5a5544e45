import { execFile } from 'node:child_process';
import type { OrgUser } from './workspaces.ts';

/** Options of {@link run}. */
export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Standard input to write, if any. */
  readonly input?: string;
  /** The Unix user to run as (an organization's, network/src/workspaces.ts); the caller's if none. */
  readonly user?: OrgUser | undefined;
}

/** A failed command, with what it printed. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly code = 'COMMAND_FAILED';
  readonly stdout: string;
  readonly stderr: string;
  constructor(
    message: string,
    output: Readonly<{ stdout: string; stderr: string }>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.stdout = output.stdout;
    this.stderr = output.stderr;
  }
}

/** Runs a command to completion and returns its output; throws {@link CommandError} on failure. */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        env: options.env,
        cwd: options.cwd,
        ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const shown = `${command.split('/').pop()} ${args.join(' ')}`;
          const detail = (stderr || stdout).trim().split('\n').slice(-20).join('\n');
          reject(
            new CommandError(
              `${shown} failed: ${error.message}\n${detail}`,
              { stdout, stderr },
              { cause: error },
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
