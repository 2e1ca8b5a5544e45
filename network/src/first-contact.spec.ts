import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';

/**
 * First contact on a machine whose Node is 20: npm's scripts run through scripts/with-node.sh,
 * which puts a Node >= 22.12 first on PATH (Node 24 from the project's cache, installed there once
 * by npm) or stops with one plain sentence. The machine's Node and npm are stood in for by shims.
 */

const withNode = path.join(repoRoot, 'scripts', 'with-node.sh');
let dir: string;
let oldBin: string;
let cache: string;

/** An executable shell script in the shims folder. */
function shim(name: string, body: string): void {
  const file = path.join(oldBin, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

function run(pathEntries: readonly string[], ...command: string[]) {
  return spawnSync('sh', [withNode, ...command], {
    encoding: 'utf8',
    env: {
      PATH: [...pathEntries, '/usr/bin', '/bin'].join(':'),
      HOME: dir,
      CONSENT_LEDGER_CACHE: cache,
    },
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cl-first-contact-'));
  oldBin = path.join(dir, 'old-bin');
  cache = path.join(dir, 'cache');
  mkdirSync(oldBin);
  // Node 20: answers --version, fails the version check the way an old Node's answer would.
  shim('node', 'if [ "$1" = --version ]; then echo v20.20.2; exit 0; fi\nexit 1');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/with-node.sh', () => {
  it("uses the cache's Node 24 when the machine's Node is older", () => {
    const bin = path.join(cache, 'node24', 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = run([oldBin], 'node', '-p', 'process.versions.node');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(process.versions.node);
  });

  it("uses the machine's Node when it is recent enough, installing nothing", () => {
    const result = run(
      [path.dirname(process.execPath), oldBin],
      'node',
      '-p',
      'process.versions.node',
    );
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(process.versions.node);
    expect(existsSync(path.join(cache, 'node24'))).toBe(false);
  });

  it('installs Node 24 with npm, approving only its install script, and stops with one plain sentence when that fails', () => {
    shim('npm', `cat "$3/package.json" > "${path.join(dir, 'approved.json')}"; exit 1`);
    const result = run([oldBin], 'node', '-e', 'console.log("ran")');
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('ran');
    expect(result.stderr).toContain('installing Node.js 24 from the npm registry');
    expect(result.stderr).toContain(
      'This project needs Node.js >= 22.12: install Node.js 24 LTS, put it on PATH and run the command again.',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr.trim().split('\n')).toHaveLength(2);
    // A failed install leaves no half-installed Node behind for the next run to trust.
    expect(existsSync(path.join(cache, 'node24'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dir, 'approved.json'), 'utf8'))).toEqual({
      private: true,
      allowScripts: { node: true },
    });
  });
});
