import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { peer } from '@hyperledger/fabric-protos';
import { splitName, type TransactionName } from '@consent-ledger/ledger-api';
import {
  createLedgerSession,
  type BlockEventsOptions,
  type Committed,
  type Endorsement,
  type LedgerCall,
  type LedgerClient,
  type LedgerSession,
  type LedgerTransport,
  type SessionOptions,
  type SystemCall,
} from '../ledger/ledger.client.js';
import { recordCommit } from '../ledger/ledger-position.js';

/** What a fake transaction answers: a JSON-able result, raw bytes, or a thrown error. */
export type FakeAnswer = unknown;

/** A recorded call: who called which `contract:Transaction` with which encoded arguments. */
export interface RecordedCall {
  readonly kind: 'evaluate' | 'submit';
  /** Wallet label of the calling identity. */
  readonly identity: string;
  readonly contract: string;
  readonly transaction: string;
  /** The arguments as they would travel to the chaincode (ledger-api's encodeArguments). */
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
  /** The endorsers a submit named. */
  readonly endorsers?: Endorsement;
}

/** A handler of one `contract:Transaction`; throw to refuse. */
export type FakeHandler = (call: RecordedCall) => unknown;

const encoder = new TextEncoder();

function toBytes(answer: FakeAnswer): Uint8Array {
  if (answer instanceof Uint8Array) return answer;
  if (answer === undefined) return new Uint8Array();
  return encoder.encode(typeof answer === 'string' ? answer : JSON.stringify(answer));
}

/** The home a fake patient:LocatePatient answers for a patient the test did not place. */
export const FAKE_HOME = 'TertiaryHospitalMSP';

/**
 * A {@link LedgerClient} for tests: its sessions encode arguments and decode results as the real
 * one does (ledger-api's encodeArguments and decodeResult), answer from handlers keyed by
 * `contract:Transaction`, record every call (with the endorsers it named), number transactions
 * `tx-1`, `tx-2`, ... (transaction N committed in block N), and deliver the blocks with private data that the test pushes, from the
 * start block each stream asks for. patient:LocatePatient answers {@link FAKE_HOME}, or the home
 * set with {@link FakeLedgerClient.place}, unless the test gives it a handler.
 */
export class FakeLedgerClient implements LedgerClient {
  readonly calls: RecordedCall[] = [];
  readonly forgotten: string[] = [];
  readonly #handlers = new Map<string, FakeHandler>();
  readonly #systemHandlers = new Map<string, (call: SystemCall) => unknown>();
  /** Recorded system chaincode calls. */
  readonly systemCalls: SystemCall[] = [];
  #txCount = 0;
  readonly #blocks: peer.BlockAndPrivateData[] = [];
  readonly #wakers = new Set<() => void>();
  readonly #homes = new Map<string, string>();
  /** Options of each blockAndPrivateDataEvents() call. */
  readonly blockRequests: BlockEventsOptions[] = [];
  readonly #transport: LedgerTransport = {
    evaluate: async (call) => toBytes(await this.#answer(this.#record('evaluate', call))),
    submit: async (call) => this.#commit(call),
  };

  /** Places a patient at a home organization (what patient:LocatePatient answers). */
  place(patientId: string, home: string): this {
    this.#homes.set(patientId, home);
    return this;
  }

  /** Answers `transaction` (e.g. `consent:GrantConsent`) with `handler`. */
  on(transaction: TransactionName, handler: FakeHandler): this {
    this.#handlers.set(transaction, handler);
    return this;
  }

  /** Answers a system chaincode transaction (e.g. `qscc:GetBlockByTxID`) with `handler`. */
  onSystem(transaction: string, handler: (call: SystemCall) => unknown): this {
    this.#systemHandlers.set(transaction, handler);
    return this;
  }

  /** Calls of one transaction. */
  callsOf(transaction: TransactionName): RecordedCall[] {
    return this.calls.filter((call) => `${call.contract}:${call.transaction}` === transaction);
  }

  /** Submitted calls. */
  get submits(): RecordedCall[] {
    return this.calls.filter((call) => call.kind === 'submit');
  }

  as(identity: string, options: Readonly<SessionOptions> = {}): LedgerSession {
    return createLedgerSession({ ...options, transport: this.#transport, identity });
  }

  async evaluateSystem(call: SystemCall): Promise<Uint8Array> {
    this.systemCalls.push(call);
    const name = `${call.chaincode}:${call.transaction}`;
    const handler = this.#systemHandlers.get(name);
    if (handler === undefined) throw new Error(`FakeLedgerClient: no handler for ${name}`);
    return toBytes(await handler(call));
  }

  /** Adds a block with its private data: every open stream past its start delivers it. */
  pushBlock(block: peer.BlockAndPrivateData): void {
    this.#blocks.push(block);
    for (const wake of this.#wakers) wake();
  }

  blockAndPrivateDataEvents(
    options: BlockEventsOptions,
  ): Promise<CloseableAsyncIterable<peer.BlockAndPrivateData>> {
    this.blockRequests.push(options);
    let closed = false;
    let wake: (() => void) | undefined;
    let position = 0;
    const next = async (): Promise<IteratorResult<peer.BlockAndPrivateData>> => {
      for (;;) {
        if (closed) return { done: true, value: undefined };
        const block = this.#blocks[position];
        if (block !== undefined) {
          position += 1;
          const number = BigInt(block.getBlock()?.getHeader()?.getNumber() ?? 0);
          if (number >= options.startBlock) return { done: false, value: block };
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.#wakers.add(resolve);
        });
        if (wake !== undefined) this.#wakers.delete(wake);
      }
    };
    const close = (): void => {
      closed = true;
      wake?.();
    };
    return Promise.resolve({
      [Symbol.asyncIterator]: () => ({ next }),
      close,
      [Symbol.dispose]: close,
    });
  }

  forget(identity: string): void {
    this.forgotten.push(identity);
  }

  close(): void {
    for (const wake of this.#wakers) wake();
  }

  #record(kind: RecordedCall['kind'], call: LedgerCall): RecordedCall {
    const { contract, fn } = splitName(call.name);
    const recorded: RecordedCall = {
      kind,
      identity: call.identity,
      contract,
      transaction: fn,
      args: call.args,
      ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
      ...(call.endorsers === undefined ? {} : { endorsers: call.endorsers }),
    };
    this.calls.push(recorded);
    return recorded;
  }

  async #commit(call: LedgerCall): Promise<Committed<Uint8Array>> {
    const result = toBytes(await this.#answer(this.#record('submit', call)));
    this.#txCount += 1;
    // One transaction per block: transaction N is committed in block N.
    recordCommit(BigInt(this.#txCount));
    return { result, txId: `tx-${this.#txCount}` };
  }

  async #answer(call: RecordedCall): Promise<FakeAnswer> {
    const name = `${call.contract}:${call.transaction}`;
    const handler = this.#handlers.get(name);
    if (handler === undefined && name === 'patient:LocatePatient') {
      const patientId = call.args?.[0] ?? '';
      return { patientId, home: this.#homes.get(patientId) ?? FAKE_HOME };
    }
    if (handler === undefined) throw new Error(`FakeLedgerClient: no handler for ${name}`);
    return await handler(call);
  }
}

/** The JSON argument `index` of a recorded call. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the test names the argument's type
export function jsonArg<T extends object = Record<string, unknown>>(
  call: RecordedCall | undefined,
  index = 0,
): T {
  const text = call?.args?.[index];
  if (text === undefined) throw new Error(`no argument ${index}`);
  return JSON.parse(text) as T;
}
