import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  chmodSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './exec.ts';
import { cacheDir, repoRoot } from './paths.ts';
import type { Topology } from './topology.ts';

/** Where the Fabric binaries and their sample configuration live. */
export interface FabricInstall {
  /** Folder of peer, orderer, osnadmin, configtxgen, configtxlator, fabric-ca-server, fabric-ca-client. */
  readonly binDir: string;
  /** Fabric's sampleconfig (core.yaml, orderer.yaml) of the same version. */
  readonly sampleConfigDir: string;
  readonly release: string;
  /** The patches (network/fabric-patches) built into these binaries, by file name. */
  readonly patches: readonly string[];
}

const fabricCommands = ['peer', 'orderer', 'osnadmin', 'configtxgen', 'configtxlator'] as const;
const caCommands = ['fabric-ca-server', 'fabric-ca-client'] as const;

/** Absolute path of a Fabric command. */
export function bin(
  install: FabricInstall,
  command: (typeof fabricCommands)[number] | (typeof caCommands)[number],
): string {
  return path.join(install.binDir, command);
}

function versionOf(topology: Topology): { version: string; release: string } {
  const override = process.env.FABRIC_MODULE_VERSION;
  if (override) return { version: override, release: process.env.FABRIC_RELEASE ?? override };
  return { version: topology.fabric.version, release: topology.fabric.release };
}

/** The folder of the patches applied to the pinned Fabric source (network/fabric-patches). */
const patchesDir = path.join(repoRoot, 'network', 'fabric-patches');

/** A patch to Fabric's source: its file and its contents. */
interface FabricPatch {
  readonly file: string;
  readonly text: string;
}

/**
 * The patches for the topology's pinned Fabric version, in name order; none for another version
 * (FABRIC_MODULE_VERSION): they were written against the pinned tree, and a newer Fabric may have
 * the fix or other code there.
 */
function patchesFor(topology: Topology): readonly FabricPatch[] {
  if (versionOf(topology).version !== topology.fabric.version) return [];
  return readdirSync(patchesDir)
    .filter((file) => file.endsWith('.patch'))
    .sort()
    .map((file) => ({ file, text: readFileSync(path.join(patchesDir, file), 'utf8') }));
}

/** The install folder for the topology's pinned versions (whether built yet or not). */
export function fabricInstall(topology: Topology): FabricInstall {
  const { version, release } = versionOf(topology);
  const short = version.split('-').pop()?.slice(0, 12) ?? version;
  // Binaries built with patches live apart from unpatched ones, and are built again when a patch
  // changes: the folder names the digest of the patches.
  const patches = patchesFor(topology);
  const patched =
    patches.length === 0
      ? ''
      : `-p${createHash('sha256')
          .update(patches.map((each) => `${each.file}\n${each.text}`).join('\n'))
          .digest('hex')
          .slice(0, 8)}`;
  const root = path.join(
    cacheDir,
    `fabric-${release}-${short}${patched}-ca-${topology.fabric.ca.version}`,
  );
  return {
    binDir: path.join(root, 'bin'),
    sampleConfigDir: path.join(root, 'config'),
    release,
    patches: patches.map((each) => each.file),
  };
}

function isComplete(install: FabricInstall): boolean {
  return (
    [...fabricCommands, ...caCommands].every((command) =>
      existsSync(path.join(install.binDir, command)),
    ) &&
    ['core.yaml', 'orderer.yaml'].every((file) =>
      existsSync(path.join(install.sampleConfigDir, file)),
    )
  );
}

function goEnv(extra: Record<string, string>): Record<string, string | undefined> {
  // GOTOOLCHAIN=local: never try to download another Go toolchain; GOFLAGS=-mod=mod because
  // module zips carry no vendor folder.
  return { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', ...extra };
}

/** Downloads a module's source through the Go module proxy and returns a writable copy of it. */
async function moduleSource(module: string, version: string, scratch: string): Promise<string> {
  const json = await run('go', ['mod', 'download', '-json', `${module}@${version}`], {
    env: goEnv({}),
    cwd: scratch,
    timeoutMs: 900_000,
  }).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The Go module proxy did not give ${module}@${version}. Fabric is built from source with Go; ` +
        `check that Go >= 1.22 is installed and the module proxy is reachable.\n${message}`,
      { cause: error },
    );
  });
  const info = JSON.parse(json) as { Dir?: string; Error?: string };
  if (info.Dir === undefined)
    throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no folder'}`);
  const copy = path.join(scratch, module.split('/').pop() ?? 'module');
  cpSync(info.Dir, copy, { recursive: true });
  makeWritable(copy);
  rmSync(path.join(copy, 'vendor'), { recursive: true, force: true });
  return copy;
}

function makeWritable(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const stat = statSync(full);
    chmodSync(full, stat.mode | 0o200);
    if (stat.isDirectory()) makeWritable(full);
  }
  chmodSync(dir, statSync(dir).mode | 0o200);
}

/**
 * Makes sure the pinned Fabric and Fabric CA binaries are in the cache, building them with
 * `go build` from the Go module proxy when they are not. Returns at once when they are there.
 */
export async function ensureFabricBinaries(
  topology: Topology,
  log: (line: string) => void = () => undefined,
): Promise<FabricInstall> {
  const install = fabricInstall(topology);
  if (isComplete(install)) return install;
  const { version, release } = versionOf(topology);
  log(
    `Building Fabric ${release} and Fabric CA ${topology.fabric.ca.version} from the Go module proxy (first run only)...`,
  );
  const started = Date.now();
  mkdirSync(install.binDir, { recursive: true });
  mkdirSync(install.sampleConfigDir, { recursive: true });
  const scratch = mkdtempSync(path.join(tmpdir(), 'consent-ledger-fabric-'));
  try {
    writeFileSync(
      path.join(scratch, 'go.mod'),
      'module consent-ledger.local/fabric-build\n\ngo 1.22\n',
    );
    const fabric = await moduleSource(topology.fabric.module, version, scratch);
    for (const patch of install.patches) {
      log(`Applying ${patch} to Fabric's source`);
      await run('git', ['apply', '--verbose', path.join(patchesDir, patch)], {
        cwd: fabric,
        timeoutMs: 60_000,
      });
    }
    await run(
      'go',
      [
        'build',
        '-trimpath',
        '-o',
        `${install.binDir}/`,
        ...fabricCommands.map((c) => `./cmd/${c}`),
      ],
      {
        env: goEnv({ CGO_ENABLED: '0' }),
        cwd: fabric,
        timeoutMs: 1_800_000,
      },
    );
    for (const file of ['core.yaml', 'orderer.yaml', 'configtx.yaml']) {
      cpSync(path.join(fabric, 'sampleconfig', file), path.join(install.sampleConfigDir, file));
    }
    const ca = await moduleSource(topology.fabric.ca.module, topology.fabric.ca.version, scratch);
    // fabric-ca-server needs cgo for its sqlite registry.
    await run(
      'go',
      ['build', '-trimpath', '-o', `${install.binDir}/`, ...caCommands.map((c) => `./cmd/${c}`)],
      {
        env: goEnv({ CGO_ENABLED: '1' }),
        cwd: ca,
        timeoutMs: 1_800_000,
      },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!isComplete(install))
    throw new Error(`Fabric build finished but ${install.binDir} is incomplete`);
  log(
    `Fabric binaries built in ${((Date.now() - started) / 1000).toFixed(0)} s into ${install.binDir}`,
  );
  return install;
}
