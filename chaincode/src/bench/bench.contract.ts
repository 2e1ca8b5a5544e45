import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  CATEGORIES,
  collectionFor,
  ledgerError,
  type AccessEvent,
  type ChaincodeContract,
  type OrganizationType,
  type Purpose,
  type Role,
  type SeedInput,
} from '@consent-ledger/ledger-api';
import { Info, Transaction } from 'fabric-contract-api';
import { z } from 'zod';
import { writeAccessEvent } from '../access/access-event-store';
import { homeOrganizations, registeredOrganizations } from '../ledger/channel';
import { deriveId, sha256Hex } from '../ledger/ids';
import { RequestContext } from '../ledger/ledger-context';
import { RequestContract } from '../ledger/ledger-contract';
import { addMillis, dayStart } from '../ledger/time';
import { daySchema, inputOf, parseJsonArgument } from '../ledger/validation';

/**
 * The file whose presence at the package root enables seeding. Only the benchmark's own
 * deployment (`consent-ledger-bench`, see bench/) packages it; the production package has none,
 * so there the transaction is refused. It is read once when the chaincode process starts: a
 * constant of the installed package, the same on every endorser (so endorsement stays
 * deterministic), never something that changes between transactions.
 */
export const SEEDING_FLAG_FILE = 'bench-seeding.enabled';

// dist/bench/bench.contract.js -> the package root.
const FLAG_PRESENT = existsSync(path.join(__dirname, '..', '..', SEEDING_FLAG_FILE));

/** Most events one seeding transaction writes (5 keys each). */
export const MAX_SEED_BATCH = 5_000;

const seedSchema = inputOf<SeedInput>()(
  z
    .object({
      /** Index of the batch's first event in the seeding run: event n is `first + i`. */
      first: z.number().int().min(0).max(1_000_000_000),
      size: z.number().int().min(1).max(MAX_SEED_BATCH),
      /** Distinct synthetic patients the events are spread over. */
      patients: z.number().int().min(1).max(10_000_000),
      /** Distinct days the events are spread over, from `startDay`. */
      days: z.number().int().min(1).max(366),
      startDay: daySchema,
    })
    .strict(),
);

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const DAY_MS = 86_400_000;

/** The synthetic patient `n` of a seeding run: `pid-seed` + 12 base32 characters. */
export function seedPatientId(n: number): string {
  let digits = '';
  for (let rest = n, i = 0; i < 12; i += 1, rest = Math.floor(rest / 32)) {
    digits = (BASE32[rest % 32] ?? 'a') + digits;
  }
  return `pid-seed${digits}`;
}

const ACCESS_BY_TYPE: Readonly<Record<OrganizationType, { role: Role; purpose: Purpose }>> = {
  government: { role: 'analyst', purpose: 'public-health' },
  hospital: { role: 'clinician', purpose: 'treatment' },
  enterprise: { role: 'analyst', purpose: 'insurance' },
  research: { role: 'researcher', purpose: 'research' },
};

/**
 * Benchmark seeding, disabled in production: writes synthetic access events in bulk, through the
 * same store (keys and indexes, in the same collections) as access:RequestAccess, so that audit
 * queries can be measured against a ledger of 10^4..10^6 events. Events are spread round-robin
 * over `patients` synthetic patients (each homed at a hospital or enterprise, round-robin), the
 * registered organizations as accessors and `days` days; every value is derived from the input
 * and the transaction (ID and salt, no clock), so endorsers agree. A seeding transaction writes
 * into many collections: its client names every organization as an endorser.
 */
@Info({ title: 'Bench', description: 'Benchmark seeding (refused unless the package enables it)' })
export class BenchContract
  extends RequestContract
  implements ChaincodeContract<'bench', RequestContext>
{
  constructor() {
    super('bench');
  }

  /** Whether this package enables seeding (the flag file is present). */
  static seedingEnabled(): boolean {
    return FLAG_PRESENT;
  }

  override beforeTransaction(ctx: RequestContext): Promise<void> {
    if (!BenchContract.seedingEnabled()) {
      return Promise.reject(
        ledgerError('FORBIDDEN', 'benchmark seeding is disabled in this deployment'),
      );
    }
    return super.beforeTransaction(ctx);
  }

  /** Writes `size` synthetic access events, events `first..first+size-1` of a seeding run. */
  @Transaction()
  async SeedAccessEvents(ctx: RequestContext): Promise<void> {
    const [seedJson] = ctx.argsOf('bench:SeedAccessEvents');
    const input = parseJsonArgument(seedSchema, { json: seedJson, what: 'seed' });
    const organizations = await registeredOrganizations(ctx);
    const homes = await homeOrganizations(ctx);
    if (organizations.length === 0 || homes.length === 0) {
      throw ledgerError(
        'RULE_VIOLATION',
        'no organization (or no home organization) is registered',
      );
    }
    const txId = ctx.txId;
    const salt = ctx.salt;
    const start = dayStart(input.startDay);
    for (let i = 0; i < input.size; i += 1) {
      const n = input.first + i;
      const org = organizations[n % organizations.length];
      if (org === undefined) continue;
      const access = ACCESS_BY_TYPE[org.type];
      const patient = n % input.patients;
      const patientId = seedPatientId(patient);
      const home = homes[patient % homes.length] ?? org.mspId;
      // Days by the round of organizations, so every organization has events on every day.
      const day = Math.floor(n / organizations.length) % input.days;
      const permitted = n % 4 !== 0;
      const event: AccessEvent = {
        eventId: deriveId({ prefix: 'evt', txId, n: i, salt }),
        patientId,
        patientHome: home,
        accessor: { org: org.mspId, role: access.role, idHash: sha256Hex(`bench:${org.mspId}`) },
        accessorRegion: org.region,
        purpose: access.purpose,
        categories: [CATEGORIES[n % CATEGORIES.length] ?? 'outpatient'],
        recordIds: [],
        decision: permitted ? 'permit' : 'deny',
        reason: permitted ? 'PERMITTED_BY_CONSENT' : 'NO_MATCHING_CONSENT',
        consentIds: permitted ? [deriveId({ prefix: 'con', txId: patientId, n: 0, salt: '' })] : [],
        breakGlass: false,
        timestamp: addMillis(start, day * DAY_MS + ((n * 7_919) % DAY_MS)),
        txId,
        salt,
      };
      await writeAccessEvent(ctx, { collection: collectionFor(home, org.mspId), event });
    }
  }
}
