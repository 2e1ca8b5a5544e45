import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { canonicalJson, RETENTION_POLICY_FILE } from '@consent-ledger/ledger-api';
import { create as createTar } from 'tar';
import { bin, type FabricInstall } from './binaries.ts';
import { writeCollectionsConfig } from './collections.ts';
import { run } from './exec.ts';
import { orgLayout } from './layout.ts';
import { adminCli } from './nodes.ts';
import { cacheDir, repoRoot, runPaths } from './paths.ts';
import { endpoint, ordererNodes, type Organization, type Topology } from './topology.ts';
import { exchangeFolder } from './workspaces.ts';

const chaincodeDir = path.join(repoRoot, 'chaincode');

/** A chaincode package ready to install. */
export interface ChaincodePackage {
  readonly file: string;
  readonly label: string;
  /** `label:sha256(package)`, as the peer computes it. */
  readonly packageId: string;
}

/** The endorsement policy of the chaincode definition: any N distinct organizations' peers. */
export function endorsementPolicy(topology: Topology): string {
  const peers = topology.organizations.map((org) => `'${org.mspId}.peer'`).join(', ');
  return `OutOf(${topology.chaincode.endorsement.outOf}, ${peers})`;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The chaincode's retention policy as packaged (`retention.json` at the package root): the
 * topology's days per kind of data, as sorted-key JSON, so the same policy gives the same bytes.
 */
export function retentionJson(topology: Topology): string {
  return `${canonicalJson(topology.chaincode.retention)}\n`;
}

/**
 * Every regular file under a folder, relative and sorted, so that archives are byte-for-byte
 * reproducible. Symbolic links (node_modules/.bin) are left out: the peer refuses them in a package.
 */
function listFiles(root: string, relative = ''): string[] {
  const entries = readdirSync(path.join(root, relative)).sort();
  return entries.flatMap((entry) => {
    const rel = relative === '' ? entry : `${relative}/${entry}`;
    const stat = lstatSync(path.join(root, rel));
    if (stat.isDirectory()) return listFiles(root, rel);
    return stat.isFile() ? [rel] : [];
  });
}

async function reproducibleTarGz(
  cwd: string,
  files: readonly string[],
  output: string,
): Promise<void> {
  await createTar(
    { gzip: true, portable: true, mtime: new Date(0), cwd, file: output, noDirRecurse: true },
    [...files],
  );
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The names of the repository's workspace packages (root package.json `workspaces`). */
function workspacePackages(): ReadonlySet<string> {
  const root = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    readonly workspaces: readonly string[];
  };
  return new Set(root.workspaces.map((folder) => readManifest(path.join(repoRoot, folder)).name));
}

/**
 * The installed version of a dependency as Node resolves it from a folder: the first
 * `node_modules/<name>/package.json` up the tree (read directly: a package's `exports` may not
 * expose its package.json).
 */
function installedVersion(fromDir: string, name: string): string {
  const lookup = createRequire(path.join(fromDir, 'package.json')).resolve.paths(name) ?? [];
  for (const modules of lookup) {
    const manifest = path.join(modules, name, 'package.json');
    if (existsSync(manifest)) {
      return (JSON.parse(readFileSync(manifest, 'utf8')) as Manifest).version;
    }
  }
  throw new Error(`${name} (a dependency of ${fromDir}) is not installed: run \`npm install\``);
}

/**
 * A workspace's runtime dependencies from the registry, pinned to the installed versions;
 * workspace packages are left out (the package carries their builds, see {@link CARRIED}).
 */
function registryDependencies(
  dir: string,
  workspaces: ReadonlySet<string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.keys(readManifest(dir).dependencies ?? {})
      .filter((name) => !workspaces.has(name))
      .sort()
      .map((name) => [name, installedVersion(dir, name)]),
  );
}

/** A workspace package the chaincode package carries as built JavaScript. */
interface CarriedWorkspace {
  /** The workspace's folder. */
  readonly dir: string;
  /** Its build output, relative to the folder. */
  readonly dist: string;
  /** Its module entry inside the build output. */
  readonly entry: string;
  /** The command that builds it. */
  readonly build: string;
}

/**
 * The workspace packages the chaincode may depend on, by name: @consent-ledger/ledger-api, exported
 * as TypeScript source in the repository, travels built (`npm run build -w
 * @consent-ledger/ledger-api` writes ledger-api/dist, ESM with `.js` imports), which the
 * chaincode, CommonJS, loads with require(esm).
 */
const CARRIED: Readonly<Record<string, CarriedWorkspace>> = {
  '@consent-ledger/ledger-api': {
    dir: path.join(repoRoot, 'ledger-api'),
    dist: 'dist',
    entry: 'index.js',
    build: 'npm run build -w @consent-ledger/ledger-api',
  },
};

/** The carried workspace packages the chaincode depends on, sorted by name. */
function carriedWorkspaces(workspaces: ReadonlySet<string>): [string, CarriedWorkspace][] {
  const names = Object.keys(readManifest(chaincodeDir).dependencies ?? {})
    .filter((name) => workspaces.has(name))
    .sort();
  return names.map((name) => {
    const carried = CARRIED[name];
    if (carried === undefined) {
      throw new Error(`the chaincode depends on workspace ${name}, which its package cannot carry`);
    }
    if (!existsSync(path.join(carried.dir, carried.dist, carried.entry))) {
      throw new Error(
        `${path.relative(repoRoot, path.join(carried.dir, carried.dist))} is missing: run \`${carried.build}\` (or \`npm run build\`) first`,
      );
    }
    return [name, carried];
  });
}

/** The dependencies of one package install, merged; the same name must have the same version. */
function mergeDependencies(sets: readonly Record<string, string>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const set of sets) {
    for (const [name, version] of Object.entries(set)) {
      const other = merged[name];
      if (other !== undefined && other !== version) {
        throw new Error(`${name} is needed both at ${other} and at ${version}`);
      }
      merged[name] = version;
    }
  }
  return Object.fromEntries(
    Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * Copies a built workspace into the staged node_modules with a package.json of its own: the build's
 * JavaScript only (no source maps, no declarations), `exports` to its entry, its registry
 * dependencies pinned (installed beside it by {@link productionModules}).
 */
function stageWorkspace(
  stage: string,
  workspace: { readonly name: string; readonly carried: CarriedWorkspace },
  dependencies: Record<string, string>,
): void {
  const { name, carried } = workspace;
  const target = path.join(stage, 'node_modules', ...name.split('/'));
  rmSync(target, { recursive: true, force: true });
  cpSync(path.join(carried.dir, carried.dist), path.join(target, carried.dist), {
    recursive: true,
    filter: (src) => lstatSync(src).isDirectory() || src.endsWith('.js'),
  });
  const manifest = readManifest(carried.dir);
  const exported = `./${carried.dist}/${carried.entry}`;
  writeFileSync(
    path.join(target, 'package.json'),
    `${JSON.stringify(
      {
        name,
        version: manifest.version,
        private: true,
        type: 'module',
        main: exported,
        exports: { '.': exported },
        dependencies,
      },
      null,
      2,
    )}\n`,
  );
}

/**
 * Production node_modules for the chaincode, installed once per dependency set into the cache,
 * so that the package carries what it needs and the peers' builder runs offline.
 */
async function productionModules(dependencies: Record<string, string>): Promise<string> {
  const key = sha256(JSON.stringify(dependencies)).slice(0, 16);
  const dir = path.join(cacheDir, 'chaincode-modules', key);
  if (existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules');
  const scratch = `${dir}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(
    path.join(scratch, 'package.json'),
    JSON.stringify({ name: 'chaincode-modules', private: true, dependencies }),
  );
  await run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'],
    {
      cwd: scratch,
      env: process.env,
      timeoutMs: 600_000,
    },
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  return path.join(dir, 'node_modules');
}

/**
 * Builds the chaincode package from the compiled chaincode (chaincode/dist, META-INF), the builds
 * of the workspace packages it depends on (ledger-api/dist), the production dependencies of
 * both, installed from the registry, and the topology's retention policy (`retention.json` at the
 * root). The archive is reproducible: the same code and policy give the same package ID.
 */
export async function packageChaincode(
  topology: Topology,
  extraFiles: Readonly<Record<string, string>> = {},
): Promise<ChaincodePackage> {
  const dist = path.join(chaincodeDir, 'dist');
  if (!existsSync(path.join(dist, 'index.js'))) {
    throw new Error('chaincode/dist is missing: run `npm run build` first');
  }
  const workspaces = workspacePackages();
  const carried = carriedWorkspaces(workspaces);
  const chaincodeDependencies = registryDependencies(chaincodeDir, workspaces);
  const carriedDependencies = carried.map(([, workspace]) =>
    registryDependencies(workspace.dir, workspaces),
  );
  const stage = path.join(runPaths.chaincode, 'stage');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const manifest = readManifest(chaincodeDir);
  const dependencies = mergeDependencies([
    chaincodeDependencies,
    Object.fromEntries(
      carried.map(([name, workspace]) => [name, readManifest(workspace.dir).version]),
    ),
  ]);
  writeFileSync(
    path.join(stage, 'package.json'),
    `${JSON.stringify({ name: manifest.name, version: manifest.version, main: 'dist/index.js', private: true, dependencies }, null, 2)}\n`,
  );
  cpSync(dist, path.join(stage, 'dist'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map'),
  });
  if (existsSync(path.join(chaincodeDir, 'META-INF'))) {
    cpSync(path.join(chaincodeDir, 'META-INF'), path.join(stage, 'META-INF'), { recursive: true });
  }
  const modules = await productionModules(
    mergeDependencies([chaincodeDependencies, ...carriedDependencies]),
  );
  cpSync(modules, path.join(stage, 'node_modules'), { recursive: true });
  carried.forEach(([name, workspace], i) => {
    stageWorkspace(stage, { name, carried: workspace }, carriedDependencies[i] ?? {});
  });
  if (Object.hasOwn(extraFiles, RETENTION_POLICY_FILE)) {
    throw new Error(
      `${RETENTION_POLICY_FILE} comes from the topology's chaincode.retention, not extraFiles`,
    );
  }
  writeFileSync(path.join(stage, RETENTION_POLICY_FILE), retentionJson(topology));
  for (const [name, content] of Object.entries(extraFiles)) {
    writeFileSync(path.join(stage, path.basename(name)), content);
  }

  const work = path.join(runPaths.chaincode, 'package');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await reproducibleTarGz(stage, listFiles(stage), path.join(work, 'code.tar.gz'));
  const codeHash = sha256(readFileSync(path.join(work, 'code.tar.gz')));
  const label = `${topology.chaincode.name}_${codeHash.slice(0, 16)}`;
  writeFileSync(
    path.join(work, 'metadata.json'),
    JSON.stringify({ type: 'node', label, path: '' }),
  );
  // The package goes to the exchange: every member installs the same file.
  const file = path.join(exchangeFolder(runPaths.chaincodeExchange), `${label}.tar.gz`);
  await reproducibleTarGz(work, ['code.tar.gz', 'metadata.json'], file);
  return { file, label, packageId: `${label}:${sha256(readFileSync(file))}` };
}

/** An orderer to send to, trusted through its organization's CA as published in the exchange. */
function ordererArgs(topology: Topology): string[] {
  const [first] = ordererNodes(topology);
  if (first === undefined) throw new Error('no orderer');
  return ['-o', endpoint(first), '--tls', '--cafile', orgLayout(first.org).publicCaCert];
}

function firstPeer(org: Organization): Organization['peers'][number] {
  const [peer] = org.peers;
  if (peer === undefined) throw new Error(`${org.name} has no peer`);
  return peer;
}

async function installOnPeers(
  install: FabricInstall,
  topology: Topology,
  pkg: ChaincodePackage,
): Promise<void> {
  for (const org of topology.organizations) {
    for (const peer of org.peers) {
      const cli = adminCli(install, org, peer);
      const installed = await run(
        bin(install, 'peer'),
        ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'],
        cli,
      );
      const list =
        (JSON.parse(installed || '{}') as { installed_chaincodes?: { package_id: string }[] })
          .installed_chaincodes ?? [];
      if (list.some((entry) => entry.package_id === pkg.packageId)) continue;
      await run(bin(install, 'peer'), ['lifecycle', 'chaincode', 'install', pkg.file], {
        ...cli,
        timeoutMs: 600_000,
      });
    }
  }
}

/** What identifies a definition beyond its sequence: the package and the version. */
interface DefinitionIdentity {
  readonly packageId: string | undefined;
  readonly version: string | undefined;
}

/** The package and version an organization approved at a sequence, if any. */
async function approvedDefinition(
  install: FabricInstall,
  topology: Topology,
  org: Organization,
  sequence: number,
): Promise<DefinitionIdentity | undefined> {
  try {
    const output = await run(
      bin(install, 'peer'),
      [
        'lifecycle',
        'chaincode',
        'queryapproved',
        '-C',
        topology.channel.name,
        '-n',
        topology.chaincode.name,
        '--sequence',
        String(sequence),
        '--output',
        'json',
      ],
      adminCli(install, org, firstPeer(org)),
    );
    const approved = JSON.parse(output) as {
      version?: string;
      source?: { Type?: { LocalPackage?: { package_id?: string } } };
    };
    return {
      packageId: approved.source?.Type?.LocalPackage?.package_id,
      version: approved.version,
    };
  } catch {
    return undefined;
  }
}

/** The committed definition's sequence (0 when there is none) and version. */
async function committedDefinition(
  install: FabricInstall,
  topology: Topology,
): Promise<{ readonly sequence: number; readonly version: string | undefined }> {
  const [org] = topology.organizations;
  if (org === undefined) throw new Error('no organization');
  try {
    const output = await run(
      bin(install, 'peer'),
      [
        'lifecycle',
        'chaincode',
        'querycommitted',
        '-C',
        topology.channel.name,
        '-n',
        topology.chaincode.name,
        '--output',
        'json',
      ],
      adminCli(install, org, firstPeer(org)),
    );
    const committed = JSON.parse(output) as { sequence: number; version?: string };
    return { sequence: committed.sequence, version: committed.version };
  } catch {
    return { sequence: 0, version: undefined };
  }
}

/**
 * The definition's version: the package's code hash (as in its label) and a hash of everything
 * else the definition holds that this tool sets (the endorsement policy, the collections
 * configuration), `<16 hex>.<12 hex>`. Every organization approves it, and it is what
 * `queryapproved` and `querycommitted` answer, so comparing versions compares the collections too:
 * a changed collection (a new organization in the topology) changes the version and bumps the
 * sequence, like a changed package.
 */
export function definitionVersion(
  options: Readonly<{ label: string; policy: string; collectionsSha256: string }>,
): string {
  const code = options.label.split('_').pop() ?? '1';
  const rest = sha256(`policy ${options.policy}\ncollections ${options.collectionsSha256}\n`);
  return `${code}.${rest.slice(0, 12)}`;
}

const sameDefinition = (
  found: DefinitionIdentity | undefined,
  wanted: Readonly<{ packageId: string; version: string }>,
): boolean => found?.packageId === wanted.packageId && found.version === wanted.version;

/** What a deployment did. */
export interface DeployResult {
  readonly packageId: string;
  readonly sequence: number;
  readonly changed: boolean;
}

/** Options of {@link deployChaincode}. */
export interface DeployOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  readonly log?: (line: string) => void;
  /** Extra files to put in the package (a changed package, for upgrade tests). */
  readonly extraFiles?: Readonly<Record<string, string>>;
}

/**
 * Deploys the chaincode with the real lifecycle: package, install on every peer, approve by every
 * organization, commit, with the topology's private data collections (network/src/collections.ts,
 * written to the run folder). A changed package or a changed collection configuration or policy
 * bumps the sequence; an unchanged definition is left alone; a deployment cut off halfway resumes
 * where it stopped.
 */
export async function deployChaincode(options: DeployOptions): Promise<DeployResult> {
  const { install, topology } = options;
  const log = options.log ?? (() => undefined);
  const pkg = await packageChaincode(topology, options.extraFiles);
  const policy = endorsementPolicy(topology);
  const collections = writeCollectionsConfig(topology);
  const wanted = {
    packageId: pkg.packageId,
    version: definitionVersion({
      label: pkg.label,
      policy,
      collectionsSha256: collections.sha256,
    }),
  };
  await installOnPeers(install, topology, pkg);
  const committed = await committedDefinition(install, topology);
  if (committed.sequence > 0 && committed.version === wanted.version) {
    const approvals = await Promise.all(
      topology.organizations.map((org) =>
        approvedDefinition(install, topology, org, committed.sequence),
      ),
    );
    if (approvals.every((approval) => sameDefinition(approval, wanted))) {
      log(
        `Chaincode ${topology.chaincode.name} is up to date (sequence ${committed.sequence}, version ${wanted.version})`,
      );
      return { packageId: pkg.packageId, sequence: committed.sequence, changed: false };
    }
  }
  const sequence = committed.sequence + 1;
  const definition = [
    '-C',
    topology.channel.name,
    '-n',
    topology.chaincode.name,
    '--version',
    wanted.version,
    '--sequence',
    String(sequence),
    '--signature-policy',
    policy,
    '--collections-config',
    collections.file,
  ];
  for (const org of topology.organizations) {
    if (sameDefinition(await approvedDefinition(install, topology, org, sequence), wanted))
      continue;
    await run(
      bin(install, 'peer'),
      [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...ordererArgs(topology),
        ...definition,
        '--package-id',
        pkg.packageId,
        '--waitForEvent',
      ],
      { ...adminCli(install, org, firstPeer(org)), timeoutMs: 120_000 },
    );
  }
  const [committer] = topology.organizations;
  if (committer === undefined) throw new Error('no organization');
  const peerArgs = topology.organizations.flatMap((org) => [
    '--peerAddresses',
    endpoint(firstPeer(org)),
    '--tlsRootCertFiles',
    orgLayout(org).publicCaCert,
  ]);
  await run(
    bin(install, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...ordererArgs(topology),
      ...definition,
      ...peerArgs,
      '--waitForEvent',
    ],
    { ...adminCli(install, committer, firstPeer(committer)), timeoutMs: 120_000 },
  );
  log(
    `Chaincode ${topology.chaincode.name} committed at sequence ${sequence} (${pkg.label}, version ${wanted.version})`,
  );
  return { packageId: pkg.packageId, sequence, changed: true };
}
