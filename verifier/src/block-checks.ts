import { dataHash, headerHash, type BlockHeader } from './block-hash.ts';
import type { Checkpoint, EvidenceBundle, HeaderJson } from './bundle.ts';

/** A check's outcome (structurally a {@link CheckResult} of verify-bundle.ts). */
interface Outcome {
  readonly name: 'block-data-hash' | 'validation-code' | 'header-chain';
  readonly ok: boolean;
  readonly detail: string;
}

/** A bundle header as a {@link BlockHeader}. */
export function toHeader(json: HeaderJson): BlockHeader {
  return {
    number: BigInt(json.number),
    previousHash: Buffer.from(json.previousHash, 'hex'),
    dataHash: Buffer.from(json.dataHash, 'hex'),
  };
}

/** The hex hashes of bundle headers. */
export function blockHashes(headers: readonly HeaderJson[]): string[] {
  return headers.map((each) => headerHash(toHeader(each)).toString('hex'));
}

/** Inputs of {@link dataHashCheck}. */
export interface DataHashInput {
  readonly header: HeaderJson;
  readonly data: readonly Uint8Array[];
  readonly envelope: Uint8Array;
}

/** The envelope is one of the block's data entries, and they hash to the header's data hash. */
export function dataHashCheck(input: Readonly<DataHashInput>): Outcome {
  const envelope = Buffer.from(input.envelope);
  const index = input.data.findIndex((entry) => envelope.equals(entry));
  const actual = dataHash(input.data).toString('hex');
  const ok = index >= 0 && actual === input.header.dataHash;
  const detail =
    index < 0
      ? 'the envelope is not among the block’s data'
      : `envelope ${index} of ${input.data.length}; data hash ${actual} ${
          actual === input.header.dataHash ? 'matches' : `≠ header ${input.header.dataHash}`
        }`;
  return { name: 'block-data-hash', ok, detail };
}

/** Inputs of {@link validationCheck}. */
export interface ValidationInput {
  readonly data: readonly Uint8Array[];
  readonly envelope: Uint8Array;
  /** The block's TRANSACTIONS_FILTER metadata: one validation code per transaction. */
  readonly filter?: Uint8Array;
}

/**
 * The transaction was valid when committed (validation code 0). Fabric keeps invalid
 * transactions (an MVCC conflict, a failed endorsement policy) in their block without applying
 * their writes, so a transaction that is merely in a block proves nothing. The codes are the
 * committing peer's record, not signed by the orderers: they are as trustworthy as the peers
 * that agree on them (docs/evidence-bundle.md).
 */
export function validationCheck(input: Readonly<ValidationInput>): Outcome {
  const envelope = Buffer.from(input.envelope);
  const index = input.data.findIndex((entry) => envelope.equals(entry));
  if (input.filter === undefined) {
    return { name: 'validation-code', ok: false, detail: 'the bundle has no validation codes' };
  }
  const code = index < 0 ? undefined : input.filter[index];
  if (code === undefined) {
    return { name: 'validation-code', ok: false, detail: 'no validation code for the envelope' };
  }
  return {
    name: 'validation-code',
    ok: code === 0,
    detail: code === 0 ? 'committed as VALID' : `committed as invalid (validation code ${code})`,
  };
}

/** Inputs of {@link chainCheck}. */
export interface ChainInput {
  readonly bundle: EvidenceBundle;
  readonly trust: Checkpoint;
}

/**
 * The block's header hash links, header by header through `chain` (each previousHash is the hash
 * of the header before), to the checkpoint's block number and hash.
 */
export function chainCheck(input: Readonly<ChainInput>): Outcome {
  const { bundle, trust } = input;
  const fail = (detail: string): Outcome => ({ name: 'header-chain', ok: false, detail });
  if (trust.channel !== bundle.channel) {
    return fail(`the checkpoint is of channel ${trust.channel}, not ${bundle.channel}`);
  }
  let previous = toHeader(bundle.block.header);
  let previousHash = headerHash(previous).toString('hex');
  for (const json of bundle.chain ?? []) {
    const header = toHeader(json);
    if (header.number !== previous.number + 1n) {
      return fail(`chain header ${header.number} does not follow block ${previous.number}`);
    }
    if (json.previousHash !== previousHash) {
      return fail(`block ${header.number} does not link to block ${previous.number}`);
    }
    previous = header;
    previousHash = headerHash(header).toString('hex');
  }
  if (previous.number !== BigInt(trust.number)) {
    return fail(`the chain ends at block ${previous.number}, the checkpoint is ${trust.number}`);
  }
  if (previousHash !== trust.headerHash) {
    return fail(`block ${previous.number} hashes to ${previousHash}, not the checkpoint’s`);
  }
  return {
    name: 'header-chain',
    ok: true,
    detail: `block ${bundle.block.header.number} links to checkpoint block ${trust.number}`,
  };
}
