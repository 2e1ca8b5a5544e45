import './quiet-logs';
import { createDecipheriv, createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  base64url,
  parseLedgerError,
  resultIv,
  resultKey,
  TRANSIENT_REQUEST_KEY,
  transientRequest,
  type LedgerErrorCode,
  type ResultOf,
  type TransactionName,
} from '@consent-ledger/ledger-api';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import type { SerializedIdentity } from 'fabric-shim-api';
import { contracts } from '../index';
import { LEDGER_SERIALIZERS } from '../ledger/ledger-serializer';
import { marshalText, unmarshal } from '../ledger/marshal';
import { issueCertificate } from './certificates';
import {
  collectionConfig,
  createInMemoryLedger,
  type CommitOutcome,
  type InMemoryLedger,
  type PrivateRead,
  type PrivateWriteEntry,
  type Simulation,
  type WriteEntry,
} from './in-memory-ledger';

/**
 * Invokes the chaincode as a peer does: a proposal (the function name only, its inputs as the
 * transient request of ledger-api request.ts with a salt, the creator certificate, txId,
 * timestamp) is simulated against the in-memory ledger, configured with the collections of the
 * channel's organizations, through fabric-shim's own contract router (ChaincodeFromContract:
 * contract and function lookup, createContext, beforeTransaction, the transaction,
 * afterTransaction, serializer), with fabric-shim's real ClientIdentity over a generated Fabric
 * CA-style certificate. A submitted transaction that succeeds is committed (with MVCC
 * validation); a failed one leaves no trace. Salts are derived from the transaction ID, so that a
 * replay with the same transaction IDs writes the same bytes.
 */

/** The organizations of the network topology (network/topology.yaml). */
export const TOPOLOGY_MSP_IDS: readonly string[] = [
  'CommunityHospitalMSP',
  'EnterpriseMSP',
  'GovMSP',
  'ResearchMSP',
  'TertiaryHospitalMSP',
];

/**
 * The decoded result of a transaction: the catalogue's (ledger-api) for its names, unknown for
 * names outside it (the specs also call unknown transactions).
 */
export type TransactionResult<N extends string> = N extends TransactionName ? ResultOf<N> : unknown;

/** A caller: an MSP and an enrollment certificate. */
export interface TestIdentity {
  readonly mspId: string;
  readonly creator: SerializedIdentity;
  /** Attributes of its certificate. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What a test identity's certificate carries. */
export interface IdentityOptions {
  readonly mspId: string;
  readonly role?: string;
  readonly patientId?: string;
  readonly practitionerId?: string;
  /** Subject common name (derived from the attributes when absent). */
  readonly commonName?: string;
  /** Further certificate attributes. */
  readonly attributes?: Readonly<Record<string, string>>;
}

const identities = new Map<string, TestIdentity>();

/** An identity with a certificate as a Fabric CA would enroll it (cached per options). */
export function identity(options: Readonly<IdentityOptions>): TestIdentity {
  const cacheKey = marshalText(options);
  const cached = identities.get(cacheKey);
  if (cached !== undefined) return cached;
  const attributes: Record<string, string> = {
    ...(options.role === undefined ? {} : { role: options.role }),
    ...(options.patientId === undefined ? {} : { patientId: options.patientId }),
    ...(options.practitionerId === undefined ? {} : { practitionerId: options.practitionerId }),
    ...options.attributes,
  };
  const commonName =
    options.commonName ??
    (Object.values(attributes).join('.') || 'anonymous').replace(/[^A-Za-z0-9.-]/g, '-');
  const certificate = issueCertificate({ mspId: options.mspId, commonName, attributes });
  const created: TestIdentity = {
    mspId: options.mspId,
    creator: { mspid: options.mspId, idBytes: Buffer.from(certificate, 'utf8') },
    attributes,
  };
  identities.set(cacheKey, created);
  return created;
}

/** An argument: strings pass as they are, anything else as sorted-key JSON. */
export type Argument = string | number | boolean | object;

/** Options of an invocation. */
export interface InvokeOptions {
  /** Transaction timestamp (ISO); the network clock otherwise. */
  readonly at?: string;
  /** Transaction ID; a fresh one otherwise. */
  readonly txId?: string;
  /** The request's salt; derived from the txId by default, none with `null`. */
  readonly salt?: string | null;
  /** The whole transient map instead of the request the harness builds. */
  readonly transient?: Readonly<Record<string, Uint8Array>>;
  /** Arguments put on the proposal itself, after the function name (none by default). */
  readonly proposalArgs?: readonly string[];
  /** The chaincode name the proposal invokes (the network's by default). */
  readonly chaincodeName?: string;
}

/** The outcome of an invocation. */
export interface InvokeResult<N extends string = string> {
  readonly transaction: N;
  readonly txId: string;
  readonly timestamp: string;
  /** Chaincode response status (200 or 500). */
  readonly status: number;
  /** Error message of a failed invocation (`CODE: text` for ledger refusals). */
  readonly message: string;
  /** The result's bytes, opened (a submit's result is sealed on the wire: see `sealed`). */
  readonly payload: Buffer;
  /** The response payload as the chaincode returned it: sealed when the request carried a salt. */
  readonly sealed: Buffer;
  /** The response was successful (and, for a submit, the transaction committed as valid). */
  readonly ok: boolean;
  /** The ledger error code of a refusal. */
  readonly code: LedgerErrorCode | undefined;
  /** The chaincode event, decoded. */
  readonly event: { readonly name: string; readonly payload: unknown } | undefined;
  /** The public write set (sorted by key). */
  readonly writes: WriteEntry[];
  /** The private write set (by collection, then key). */
  readonly privateWrites: PrivateWriteEntry[];
  /** Every private read the transaction made, in order. */
  readonly privateReads: PrivateRead[];
  /** Commit outcome of a submitted transaction ('NOT_COMMITTED' for evaluations and failures). */
  readonly outcome: CommitOutcome | 'NOT_COMMITTED';
  /** The payload decoded as JSON; throws with the error message when the invocation failed. */
  json(): TransactionResult<N>;
}

/** Invocations as one caller (optionally at a given time, with a given txId). */
export interface TestClient {
  /** Submits a transaction: simulates it and commits it when it succeeds. */
  submit<N extends string>(transaction: N, args?: readonly Argument[]): Promise<InvokeResult<N>>;
  /** Evaluates a transaction: simulates it and commits nothing. */
  evaluate<N extends string>(transaction: N, args?: readonly Argument[]): Promise<InvokeResult<N>>;
  /** Simulates (endorses) without committing; commit later with ledger.commit(simulation). */
  endorse<N extends string>(
    transaction: N,
    args?: readonly Argument[],
  ): Promise<{ readonly result: InvokeResult<N>; readonly simulation: Simulation }>;
}

/** A test network: one in-memory ledger and a clock. */
export interface TestNetwork {
  readonly ledger: InMemoryLedger;
  /** The channel's organizations (its collections are theirs). */
  readonly mspIds: readonly string[];
  /** The channel's name. */
  readonly channel: string;
  /** The chaincode's name. */
  readonly chaincode: string;
  /** The current clock (ISO). */
  now(): string;
  /** Sets the clock. */
  setTime(instant: string): void;
  /** Moves the clock. */
  advance(millis: number): void;
  /** Invokes as a caller: `network.as(alice).submit('consent:GrantConsent', [input])`. */
  as(who: TestIdentity, options?: Readonly<InvokeOptions>): TestClient;
}

/** Options of {@link createTestNetwork}. */
export interface TestNetworkOptions {
  /** Initial clock (2026-11-22T00:00:00.000Z by default). */
  readonly start?: string;
  /** Seed of the generated transaction IDs. */
  readonly txSeed?: string;
  /** The channel's organizations, whose collections are configured (the topology's by default). */
  readonly mspIds?: readonly string[];
  /** The chaincode's name (consent-ledger by default). */
  readonly chaincode?: string;
}

/** The salt a transient map's request carries, if it is a well-formed request with one. */
function saltSent(transient: Readonly<Record<string, Uint8Array>>): string | undefined {
  const bytes = transient[TRANSIENT_REQUEST_KEY];
  if (bytes === undefined) return undefined;
  try {
    const request = JSON.parse(Buffer.from(bytes).toString('utf8')) as { salt?: unknown };
    return typeof request.salt === 'string' ? request.salt : undefined;
  } catch {
    return undefined;
  }
}

/** The salt the harness gives a transaction: 16 bytes derived from its ID. */
export function saltOf(txId: string): string {
  return base64url(createHash('sha256').update(`salt:${txId}`).digest().subarray(0, 16));
}

let router: ChaincodeFromContract | undefined;

/** The contract metadata the build generates and the package ships (what the peer loads). */
export const BUILT_METADATA_FILE = path.join(__dirname, '..', '..', 'META-INF', 'metadata.json');

/**
 * The object schemas of the built contract metadata: generated at build time from ledger-api's
 * types (scripts/generate-metadata.mjs), as the chaincode serves them.
 */
function builtComponents(): unknown {
  if (!existsSync(BUILT_METADATA_FILE)) {
    throw new Error(
      `${BUILT_METADATA_FILE} is missing: run \`npm run build -w @consent-ledger/chaincode\` first (the contract metadata's schemas are generated from ledger-api's types at build time)`,
    );
  }
  const metadata = JSON.parse(readFileSync(BUILT_METADATA_FILE, 'utf8')) as {
    readonly components?: unknown;
  };
  return metadata.components;
}

/**
 * fabric-shim's router over the chaincode's contracts, built once like the peer's chaincode does:
 * contracts and transactions from the decorators of the code under test, object schemas from the
 * built metadata (compiled with fabric-shim's ajv, as at the peer's startup).
 */
export function chaincodeRouter(): ChaincodeFromContract {
  router ??= new ChaincodeFromContract(
    [...contracts],
    { ...LEDGER_SERIALIZERS, serializers: { ...LEDGER_SERIALIZERS.serializers } },
    { components: builtComponents() },
    '@consent-ledger/chaincode',
    'test',
  );
  return router;
}

function encodeArgument(arg: Argument): string {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
  return marshalText(arg);
}

interface Invocation {
  readonly who: TestIdentity;
  readonly transaction: string;
  readonly args: readonly Argument[];
  readonly options: Readonly<InvokeOptions>;
}

interface Ran {
  readonly simulation: Simulation;
  readonly status: number;
  readonly message: string;
  /** The response payload as the chaincode returned it (sealed when the request had a salt). */
  readonly sealed: Buffer;
  /** The payload opened (the result's JSON). */
  readonly payload: Buffer;
}

interface Outcome<N extends string> {
  readonly transaction: N;
  readonly commit: CommitOutcome | 'NOT_COMMITTED';
  readonly submitted: boolean;
}

/** A fresh network with an empty ledger. */
export function createTestNetwork(options: Readonly<TestNetworkOptions> = {}): TestNetwork {
  const mspIds = [...(options.mspIds ?? TOPOLOGY_MSP_IDS)].sort();
  const chaincode = options.chaincode ?? 'consent-ledger';
  const ledger = createInMemoryLedger({
    collections: collectionConfig(mspIds),
    chaincodeName: chaincode,
  });
  let clock = Date.parse(options.start ?? '2026-11-22T00:00:00.000Z');
  let counter = 0;
  const seed = options.txSeed ?? 'tx';

  /** Opens a result the chaincode sealed for a salt and transaction (sealed-result.ts). */
  function opened(payload: Buffer, opening: Readonly<{ salt: string; txId: string }>): Buffer {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      resultKey(opening.salt),
      resultIv(opening.txId),
    );
    decipher.setAuthTag(payload.subarray(payload.length - 16));
    return Buffer.concat([
      decipher.update(payload.subarray(0, payload.length - 16)),
      decipher.final(),
    ]);
  }

  async function run(invocation: Readonly<Invocation>): Promise<Ran> {
    const { who, transaction, args, options: invokeOptions } = invocation;
    counter += 1;
    const txId =
      invokeOptions.txId ?? createHash('sha256').update(`${seed}:${counter}`).digest('hex');
    const timestamp = invokeOptions.at ?? new Date(clock).toISOString();
    const salt = invokeOptions.salt === undefined ? saltOf(txId) : invokeOptions.salt;
    const transient =
      invokeOptions.transient ??
      transientRequest({
        args: args.map(encodeArgument),
        ...(salt === null ? {} : { salt }),
      });
    const simulation = ledger.simulate({
      txId,
      timestamp,
      creator: who.creator,
      args: [transaction, ...(invokeOptions.proposalArgs ?? [])],
      transient,
      chaincodeName: invokeOptions.chaincodeName ?? chaincode,
    });
    const response = await chaincodeRouter().invokeFunctionality(simulation.stub);
    const sealed = Buffer.from(response.payload ?? new Uint8Array());
    // A request with a salt gets its result sealed (as every submit's, on the real network).
    const sealedFor = saltSent(transient);
    return {
      simulation,
      status: response.status,
      message: response.message ?? '',
      sealed,
      payload:
        response.status === 200 && sealedFor !== undefined
          ? opened(sealed, { salt: sealedFor, txId })
          : sealed,
    };
  }

  function result<N extends string>(ran: Ran, outcome: Outcome<N>): InvokeResult<N> {
    const { transaction, submitted } = outcome;
    const event = ran.simulation.event();
    const responseOk = ran.status === 200;
    const ok = responseOk && (!submitted || outcome.commit === 'VALID');
    const message = responseOk && !ok ? `transaction invalidated: ${outcome.commit}` : ran.message;
    return {
      transaction,
      txId: ran.simulation.txId,
      timestamp: ran.simulation.timestamp,
      status: ran.status,
      message,
      payload: ran.payload,
      sealed: ran.sealed,
      ok,
      code: responseOk ? undefined : parseLedgerError(ran.message)?.code,
      event:
        event === undefined ? undefined : { name: event.name, payload: unmarshal(event.payload) },
      writes: ran.simulation.writes(),
      privateWrites: ran.simulation.privateWrites(),
      privateReads: ran.simulation.privateReads(),
      outcome: outcome.commit,
      json(): TransactionResult<N> {
        if (!ok) throw new Error(`${transaction} failed: ${message}`);
        // The payload is what the chaincode serialized for this transaction's result type.
        return unmarshal(ran.payload) as TransactionResult<N>;
      },
    };
  }

  return {
    ledger,
    mspIds,
    channel: 'health',
    chaincode,
    now: () => new Date(clock).toISOString(),
    setTime: (instant) => {
      clock = Date.parse(instant);
    },
    advance: (millis) => {
      clock += millis;
    },
    as: (who, invokeOptions = {}) => ({
      async submit(transaction, args = []) {
        const ran = await run({ who, transaction, args, options: invokeOptions });
        if (invokeOptions.at === undefined) clock += 1000;
        const commit = ran.status === 200 ? ledger.commit(ran.simulation) : 'NOT_COMMITTED';
        return result(ran, { transaction, commit, submitted: true });
      },
      async evaluate(transaction, args = []) {
        const ran = await run({ who, transaction, args, options: invokeOptions });
        return result(ran, { transaction, commit: 'NOT_COMMITTED', submitted: false });
      },
      async endorse(transaction, args = []) {
        const ran = await run({ who, transaction, args, options: invokeOptions });
        return {
          result: result(ran, { transaction, commit: 'NOT_COMMITTED', submitted: false }),
          simulation: ran.simulation,
        };
      },
    }),
  };
}
