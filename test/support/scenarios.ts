import {
  createGatewayClient,
  type GatewayClient,
  SCENARIO_PASSWORD,
  ORG_NAMES,
  type OrgName,
  type StaffRole,
} from '@consent-ledger/demo';
import { adminCredentials } from '@consent-ledger/network';
import { startGatewayInProcess, type InProcessGateway } from './gateway-app.ts';
import { gatewayBase, uniqueName } from './gateways.ts';

/** The five organizations' gateways for a scenario test, and how to let them go. */
export interface ScenarioGateways {
  readonly clients: Readonly<Record<OrgName, GatewayClient>>;
  /** `running` (the gateways the system runs) or `in-process` (started here, current code). */
  readonly kind: 'running' | 'in-process';
  /** A staff member of an organization, created as its bootstrap admin and logged in. */
  user(org: OrgName, role: StaffRole): Promise<Readonly<{ username: string; token: string }>>;
  /** Logs a scenario's user in (staff, or a patient's session account at the home gateway). */
  login(org: OrgName, username: string): Promise<string>;
  close(): Promise<void>;
}

async function servesScenarioEndpoints(base: string): Promise<boolean> {
  try {
    const get = (route: string, method = 'GET') =>
      fetch(`${base}${route}`, { method, signal: AbortSignal.timeout(5_000) });
    const [cohorts, referrals, patients, ledger] = await Promise.all([
      get('/cohorts', 'POST'),
      get('/referrals/ref-000000000000000000000000'),
      get('/patients', 'POST'),
      get('/ledger'),
    ]);
    return (
      cohorts.status === 401 &&
      referrals.status === 401 &&
      patients.status === 401 &&
      ledger.status === 200
    );
  } catch {
    return false;
  }
}

/**
 * The gateways for the scenario tests: the running ones when they all serve the scenarios'
 * endpoints (`/referrals`, `/cohorts`, `/patients`, `/ledger`: a current build), else each
 * organization's gateway started in this process with its real connection profile (the real CA
 * and peer) and a temporary data directory.
 */
export async function scenarioGateways(): Promise<ScenarioGateways> {
  const running = await Promise.all(
    ORG_NAMES.map((name) => servesScenarioEndpoints(gatewayBase(name))),
  );
  let started: InProcessGateway[] = [];
  let bases: string[];
  if (running.every(Boolean)) {
    bases = ORG_NAMES.map((name) => gatewayBase(name));
  } else {
    started = await Promise.all(
      ORG_NAMES.map((name) => startGatewayInProcess(name, { env: { GATEWAY_EVENTS: 'off' } })),
    );
    bases = started.map((gateway) => gateway.base);
  }
  const clients = Object.fromEntries(
    ORG_NAMES.map((name, index) => [name, createGatewayClient(bases[index] ?? '')]),
  ) as Record<OrgName, GatewayClient>;
  return {
    clients,
    kind: started.length === 0 ? 'running' : 'in-process',
    user: async (org, role) => {
      const { username: adminName, password } = adminCredentials(org);
      const admin = await clients[org].login(adminName, password);
      const username = uniqueName(`t-${role}`);
      await clients[org].call('POST', '/identities', {
        token: admin,
        body: { username, password: SCENARIO_PASSWORD, role },
      });
      return { username, token: await clients[org].login(username, SCENARIO_PASSWORD) };
    },
    login: (org, username) => clients[org].login(username, SCENARIO_PASSWORD),
    close: async () => {
      await Promise.all(started.map((gateway) => gateway.close()));
    },
  };
}

/** An access event as GET /audit/access-events/:eventId answers it. */
export interface AuditedEvent {
  readonly eventId: string;
  readonly patientId: string;
  readonly accessor: { readonly org: string; readonly role: string };
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly decision: string;
  readonly reason: string;
  readonly breakGlass: boolean;
  readonly cohort?: { readonly studyId: string };
  readonly txId: string;
}

/** Reads an access event through a gateway (throws unless 200). */
export function auditedEvent(
  client: GatewayClient,
  token: string,
  eventId: string,
): Promise<AuditedEvent> {
  return client.call<AuditedEvent>('GET', `/audit/access-events/${eventId}`, { token });
}

/** The decision a request would get now (GET /access-decisions: CheckAccess, nothing written). */
export async function decisionOf(
  client: GatewayClient,
  token: string,
  question: Readonly<Record<string, string | readonly string[]>>,
): Promise<{ decision: string; reason: string }> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(question))
    query.set(key, Array.isArray(value) ? value.join(',') : (value as string));
  return client.call('GET', `/access-decisions?${query.toString()}`, { token });
}
