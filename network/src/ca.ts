import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { bin, type FabricInstall } from './binaries.ts';
import { CommandError, run } from './exec.ts';
import { waitForHealth } from './health.ts';
import { caProcessName, type IdentityLayout, type OrgLayout } from './layout.ts';
import { startProcess } from './processes.ts';
import {
  moveWorkspaceFile,
  orgUser,
  readWorkspaceFile,
  workspaceFolder,
  writeExchangeFile,
  writeWorkspaceFile,
} from './workspaces.ts';

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

function writeSecrets(org: OrgLayout, secrets: Secrets): void {
  workspaceFolder(org.name, org.dir);
  writeWorkspaceFile(org.name, org.secretsFile, JSON.stringify(secrets, null, 2));
}

function readSecrets(org: OrgLayout): Secrets {
  if (existsSync(org.secretsFile))
    return JSON.parse(readWorkspaceFile(org.name, org.secretsFile)) as Secrets;
  const secrets: Secrets = { registrar: randomBytes(18).toString('base64url'), identities: {} };
  writeSecrets(org, secrets);
  return secrets;
}

function secretFor(org: OrgLayout, identity: string): string {
  const secrets = readSecrets(org);
  const existing = secrets.identities[identity];
  if (existing !== undefined) return existing;
  const secret = randomBytes(18).toString('base64url');
  secrets.identities[identity] = secret;
  writeSecrets(org, secrets);
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
  if (!existsSync(configFile))
    writeWorkspaceFile(org.name, configFile, caServerConfig(org, displayName));
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

/** One fabric-ca-client command against an organization's CA. */
interface CaCommand {
  /** The subcommand and its arguments, without the CA's URL, name and TLS trust (added here). */
  readonly args: readonly string[];
  /** The identity that enrolls, with its secret (enroll); none: the client home's enrollment. */
  readonly enrollment?: Readonly<{ id: string; secret: string }>;
  /** The secret of the identity being registered (register). */
  readonly idSecret?: string;
}

/**
 * Runs fabric-ca-client for an organization, as its user, at home in its workspace. Secrets travel
 * in its environment (FABRIC_CA_CLIENT_URL, FABRIC_CA_CLIENT_ID_SECRET), which only its own user
 * can read, never on its command line, which every local user can read in /proc.
 */
async function caClient(
  install: FabricInstall,
  org: OrgLayout,
  command: CaCommand,
): Promise<string> {
  const { enrollment } = command;
  const credentials =
    enrollment === undefined
      ? ''
      : `${encodeURIComponent(enrollment.id)}:${encodeURIComponent(enrollment.secret)}@`;
  return run(
    bin(install, 'fabric-ca-client'),
    [...command.args, '--caname', org.caName, '--tls.certfiles', org.caCert],
    {
      env: {
        PATH: process.env.PATH,
        HOME: org.dir,
        FABRIC_CA_CLIENT_URL: `https://${credentials}${org.ca.host}:${org.ca.port}`,
        ...(command.idSecret === undefined ? {} : { FABRIC_CA_CLIENT_ID_SECRET: command.idSecret }),
      },
      timeoutMs: 60_000,
      user: orgUser(org.name),
    },
  );
}

async function ensureRegistrar(install: FabricInstall, org: OrgLayout): Promise<void> {
  if (existsSync(path.join(org.registrarHome, 'msp', 'signcerts', 'cert.pem'))) return;
  workspaceFolder(org.name, org.registrarHome);
  await caClient(install, org, {
    args: ['enroll', '-H', org.registrarHome],
    enrollment: { id: 'admin', secret: readSecrets(org).registrar },
  });
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

/** The names a node's TLS certificate is issued for: its host, and the loopback names. */
export function tlsHosts(host: string): string[] {
  return [...new Set([host, 'localhost', '127.0.0.1'])];
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

/** Names the enrolled MSP's CA certificate `ca.pem` and adds the NodeOU config, as the organization. */
function normaliseMsp(orgName: string, mspDir: string): void {
  const cacerts = path.join(mspDir, 'cacerts');
  const [first] = readdirSync(cacerts);
  if (first !== undefined && first !== 'ca.pem')
    moveWorkspaceFile(orgName, path.join(cacerts, first), path.join(cacerts, 'ca.pem'));
  writeWorkspaceFile(orgName, path.join(mspDir, 'config.yaml'), nodeOuConfig);
}

/** Copies the enrolled TLS files to their fixed names (server.crt, server.key, ca.crt), as the organization. */
function normaliseTls(orgName: string, identity: IdentityLayout): void {
  const enrolled = path.join(identity.tlsDir, 'enrolled');
  const [key] = readdirSync(path.join(enrolled, 'keystore'));
  const [ca] = readdirSync(path.join(enrolled, 'tlscacerts'));
  if (key === undefined || ca === undefined)
    throw new Error(`TLS enrollment in ${enrolled} is incomplete`);
  const copy = (from: string, to: string): void => {
    writeWorkspaceFile(orgName, to, readWorkspaceFile(orgName, from));
  };
  copy(path.join(enrolled, 'signcerts', 'cert.pem'), identity.tlsCert);
  copy(path.join(enrolled, 'keystore', key), identity.tlsKey);
  copy(path.join(enrolled, 'tlscacerts', ca), identity.tlsCa);
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
    await caClient(install, org, {
      args: [
        'register',
        '-H',
        org.registrarHome,
        '--id.name',
        spec.id,
        '--id.type',
        spec.type,
        ...(attrs.length > 0 ? ['--id.attrs', attrs.join(',')] : []),
      ],
      idSecret: secret,
    });
  } catch (error) {
    if (!(error instanceof CommandError && /already registered/i.test(error.stderr + error.stdout)))
      throw error;
  }
  workspaceFolder(org.name, identity.dir);
  const enroll = (extra: readonly string[]): Promise<string> =>
    caClient(install, org, {
      args: ['enroll', '-H', identity.dir, ...extra],
      enrollment: { id: spec.id, secret },
    });
  if (!mspDone) {
    rmSync(identity.mspDir, { recursive: true, force: true });
    await enroll(['-M', identity.mspDir, '--csr.cn', spec.id]);
    normaliseMsp(org.name, identity.mspDir);
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
    normaliseTls(org.name, identity);
  }
}

/**
 * Publishes the organization MSP (trust anchors and NodeOU config) in the exchange, where the
 * channel configuration and the other members take it from. Public: no key.
 */
export function writeOrgMsp(org: OrgLayout): void {
  // Read as the organization's user: its CA wrote the certificate in its workspace.
  const certificate = readWorkspaceFile(org.name, org.caCert);
  for (const folder of ['cacerts', 'tlscacerts'])
    writeExchangeFile(path.join(org.mspDir, folder, 'ca.pem'), certificate);
  writeExchangeFile(path.join(org.mspDir, 'config.yaml'), nodeOuConfig);
}

/** Publishes an orderer's TLS certificate in the exchange, for the channel's consenter list. */
export function publishOrdererTlsCert(
  org: Pick<OrgLayout, 'name'>,
  identity: IdentityLayout,
  target: string,
): void {
  writeExchangeFile(target, readWorkspaceFile(org.name, identity.tlsCert));
}
