import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { bin, type FabricInstall } from './binaries.ts';
import { CommandError, run } from './exec.ts';
import { waitForHealth } from './health.ts';
import { caProcessName, type IdentityLayout, type OrgLayout } from './layout.ts';
import { startProcess } from './processes.ts';
import { exchangeFolder, handOver, orgUser, workspaceFolder } from './workspaces.ts';

/** NodeOU config that makes the certificate's OU (client, peer, admin, orderer) its Fabric role. */
const nodeOuConfig = stringify({
  NodeOUs: {
    Enable: true,
    ClientOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'client' },
    PeerOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'peer' },
    AdminOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'admin' },
    OrdererOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'orderer' },
  },
});

interface Secrets {
  registrar: string;
  identities: Record<string, string>;
}

function readSecrets(org: OrgLayout): Secrets {
  if (existsSync(org.secretsFile))
    return JSON.parse(readFileSync(org.secretsFile, 'utf8')) as Secrets;
  const secrets: Secrets = { registrar: randomBytes(18).toString('base64url'), identities: {} };
  workspaceFolder(org.name, org.dir);
  writeFileSync(org.secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  handOver(org.name, org.secretsFile);
  return secrets;
}

function secretFor(org: OrgLayout, identity: string): string {
  const secrets = readSecrets(org);
  const existing = secrets.identities[identity];
  if (existing !== undefined) return existing;
  const secret = randomBytes(18).toString('base64url');
  secrets.identities[identity] = secret;
  writeFileSync(org.secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  handOver(org.name, org.secretsFile);
  return secret;
}

/** The CA registrar's credentials, which the gateways use to register and enroll users. */
export function registrarCredentials(org: OrgLayout): {
  enrollmentId: string;
  enrollmentSecret: string;
} {
  return { enrollmentId: 'admin', enrollmentSecret: readSecrets(org).registrar };
}

function caServerConfig(org: OrgLayout, displayName: string): string {
  const { host, port, operationsPort } = org.ca;
  return stringify({
    version: '1.5.15',
    port,
    address: host,
    debug: false,
    crlsizelimit: 512000,
    tls: { enabled: true, clientauth: { type: 'noclientcert' } },
    ca: { name: org.caName },
    crl: { expiry: '24h' },
    registry: {
      maxenrollments: -1,
      identities: [
        {
          name: 'admin',
          pass: readSecrets(org).registrar,
          type: 'client',
          affiliation: '',
          attrs: {
            'hf.Registrar.Roles': '*',
            'hf.Registrar.DelegateRoles': '*',
            'hf.Revoker': true,
            'hf.IntermediateCA': true,
            'hf.GenCRL': true,
            'hf.Registrar.Attributes': '*',
            'hf.AffiliationMgr': true,
          },
        },
      ],
    },
    db: { type: 'sqlite3', datasource: 'fabric-ca-server.db' },
    affiliations: {},
    signing: {
      default: { usage: ['digital signature'], expiry: '8760h' },
      profiles: {
        ca: {
          usage: ['cert sign', 'crl sign'],
          expiry: '43800h',
          caconstraint: { isca: true, maxpathlen: 0 },
        },
        tls: {
          usage: ['signing', 'key encipherment', 'server auth', 'client auth', 'key agreement'],
          expiry: '8760h',
        },
      },
    },
    csr: {
      cn: `ca.${org.name}.consent-ledger`,
      keyrequest: { algo: 'ecdsa', size: 256 },
      names: [{ C: 'CN', ST: 'Zhejiang', L: 'Hangzhou', O: displayName, OU: 'Consent Ledger' }],
      hosts: [...new Set([host, 'localhost', '127.0.0.1'])],
      ca: { expiry: '131400h', pathlength: 1 },
    },
    bccsp: {
      default: 'SW',
      sw: { hash: 'SHA2', security: 256, filekeystore: { keystore: 'msp/keystore' } },
    },
    cfg: { identities: { passwordattempts: 10 } },
    operations: { listenAddress: `${host}:${operationsPort}`, tls: { enabled: false } },
    metrics: { provider: 'prometheus' },
  });
}

/**
 * Starts an organization's CA server (TLS on) if it is not running, as the organization's user in
 * its workspace, and waits for its health.
 */
export async function startCa(
  install: FabricInstall,
  org: OrgLayout,
  displayName: string,
): Promise<void> {
  workspaceFolder(org.name, org.caHome);
  const configFile = path.join(org.caHome, 'fabric-ca-server-config.yaml');
  if (!existsSync(configFile)) {
    writeFileSync(configFile, caServerConfig(org, displayName), { mode: 0o600 });
    handOver(org.name, configFile);
  }
  const name = caProcessName(org);
  startProcess({
    name,
    command: bin(install, 'fabric-ca-server'),
    args: ['start', '--home', org.caHome],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: org.caHome },
    user: orgUser(org.name),
  });
  await waitForHealth({ name, url: `http://${org.ca.host}:${org.ca.operationsPort}/healthz` });
  // The CA writes its certificate before it serves, but wait for the file to be safe.
  if (!existsSync(org.caCert)) throw new Error(`${name} is healthy but wrote no ${org.caCert}`);
}

function caUrl(org: OrgLayout, user?: string, secret?: string): string {
  const credentials =
    user === undefined ? '' : `${encodeURIComponent(user)}:${encodeURIComponent(secret ?? '')}@`;
  return `https://${credentials}${org.ca.host}:${org.ca.port}`;
}

/** Runs fabric-ca-client for an organization, as its user, at home in its workspace. */
async function caClient(
  install: FabricInstall,
  org: OrgLayout,
  args: readonly string[],
): Promise<string> {
  return run(bin(install, 'fabric-ca-client'), args, {
    env: { PATH: process.env.PATH, HOME: org.dir },
    timeoutMs: 60_000,
    user: orgUser(org.name),
  });
}

async function ensureRegistrar(install: FabricInstall, org: OrgLayout): Promise<void> {
  if (existsSync(path.join(org.registrarHome, 'msp', 'signcerts', 'cert.pem'))) return;
  workspaceFolder(org.name, org.registrarHome);
  await caClient(install, org, [
    'enroll',
    '-u',
    caUrl(org, 'admin', readSecrets(org).registrar),
    '--caname',
    org.caName,
    '--tls.certfiles',
    org.caCert,
    '-H',
    org.registrarHome,
  ]);
}

/**
 * A fresh opaque enrollment ID for a user identity: `u-` and 24 random hex digits. A certificate's
 * enrollment ID (`hf.EnrollmentID`, and its common name) is in every block the identity submits,
 * readable by every member (docs/privacy.md): it must not name a person. Nodes and the
 * organizations' admins keep their descriptive names.
 */
export function opaqueEnrollmentId(): string {
  return `u-${randomBytes(12).toString('hex')}`;
}

/** What a node or user identity is, for registration. */
export interface IdentitySpec {
  /**
   * The enrollment ID (also the certificate's common name and the local folder's name). For a
   * user (`client`) it is written in every block the user submits: no person's name, see
   * {@link opaqueEnrollmentId}.
   */
  readonly id: string;
  readonly type: 'peer' | 'orderer' | 'admin' | 'client';
  /** Host names and IPs for the TLS certificate; none means no TLS certificate is enrolled. */
  readonly tlsHosts?: readonly string[];
  /** Certificate attributes, put in the enrollment certificate (ecert). */
  readonly attributes?: Readonly<Record<string, string>>;
}

function normaliseMsp(mspDir: string): void {
  const cacerts = path.join(mspDir, 'cacerts');
  const [first] = readdirSync(cacerts);
  if (first !== undefined && first !== 'ca.pem')
    renameSync(path.join(cacerts, first), path.join(cacerts, 'ca.pem'));
  writeFileSync(path.join(mspDir, 'config.yaml'), nodeOuConfig);
}

function normaliseTls(identity: IdentityLayout): void {
  const enrolled = path.join(identity.tlsDir, 'enrolled');
  const [key] = readdirSync(path.join(enrolled, 'keystore'));
  const [ca] = readdirSync(path.join(enrolled, 'tlscacerts'));
  if (key === undefined || ca === undefined)
    throw new Error(`TLS enrollment in ${enrolled} is incomplete`);
  copyFileSync(path.join(enrolled, 'signcerts', 'cert.pem'), identity.tlsCert);
  copyFileSync(path.join(enrolled, 'keystore', key), identity.tlsKey);
  copyFileSync(path.join(enrolled, 'tlscacerts', ca), identity.tlsCa);
}

/**
 * Registers an identity with its organization's CA (once) and enrolls its MSP and, when it has TLS
 * hosts, its TLS key pair. Does nothing when the identity is already enrolled.
 */
export async function ensureIdentity(
  install: FabricInstall,
  org: OrgLayout,
  spec: IdentitySpec,
  identity: IdentityLayout,
): Promise<void> {
  const mspDone = existsSync(path.join(identity.mspDir, 'config.yaml'));
  const tlsDone = spec.tlsHosts === undefined || existsSync(identity.tlsCa);
  if (mspDone && tlsDone) return;
  await ensureRegistrar(install, org);
  const secret = secretFor(org, spec.id);
  const attrs = Object.entries(spec.attributes ?? {}).map(
    ([key, value]) => `${key}=${value}:ecert`,
  );
  try {
    await caClient(install, org, [
      'register',
      '-u',
      caUrl(org),
      '--caname',
      org.caName,
      '--tls.certfiles',
      org.caCert,
      '-H',
      org.registrarHome,
      '--id.name',
      spec.id,
      '--id.secret',
      secret,
      '--id.type',
      spec.type,
      ...(attrs.length > 0 ? ['--id.attrs', attrs.join(',')] : []),
    ]);
  } catch (error) {
    if (!(error instanceof CommandError && /already registered/i.test(error.stderr + error.stdout)))
      throw error;
  }
  workspaceFolder(org.name, identity.dir);
  const enroll = (extra: readonly string[]): Promise<string> =>
    caClient(install, org, [
      'enroll',
      '-u',
      caUrl(org, spec.id, secret),
      '--caname',
      org.caName,
      '--tls.certfiles',
      org.caCert,
      '-H',
      identity.dir,
      ...extra,
    ]);
  if (!mspDone) {
    rmSync(identity.mspDir, { recursive: true, force: true });
    await enroll(['-M', identity.mspDir, '--csr.cn', spec.id]);
    normaliseMsp(identity.mspDir);
    handOver(org.name, identity.mspDir);
  }
  if (spec.tlsHosts !== undefined && !tlsDone) {
    const enrolled = path.join(identity.tlsDir, 'enrolled');
    rmSync(identity.tlsDir, { recursive: true, force: true });
    await enroll([
      '-M',
      enrolled,
      '--enrollment.profile',
      'tls',
      '--csr.cn',
      spec.id,
      '--csr.hosts',
      spec.tlsHosts.join(','),
    ]);
    normaliseTls(identity);
    handOver(org.name, identity.tlsDir);
  }
}

/**
 * Publishes the organization MSP (trust anchors and NodeOU config) in the exchange, where the
 * channel configuration and the other members take it from. Public: no key.
 */
export function writeOrgMsp(org: OrgLayout): void {
  for (const folder of ['cacerts', 'tlscacerts']) {
    exchangeFolder(path.join(org.mspDir, folder));
    copyFileSync(org.caCert, path.join(org.mspDir, folder, 'ca.pem'));
  }
  writeFileSync(path.join(org.mspDir, 'config.yaml'), nodeOuConfig);
}

/** Publishes an orderer's TLS certificate in the exchange, for the channel's consenter list. */
export function publishOrdererTlsCert(identity: IdentityLayout, target: string): void {
  exchangeFolder(path.dirname(target));
  copyFileSync(identity.tlsCert, target);
}
