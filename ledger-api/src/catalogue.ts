import type { AccessTransactions } from './access.api.ts';
import type { AuditTransactions } from './audit.api.ts';
import type { BaselineTransactions } from './baseline.api.ts';
import type { CohortTransactions } from './cohort.api.ts';
import type { ConsentTransactions } from './consent.api.ts';
import type { RecordsTransactions } from './records.api.ts';
import type { ReferralTransactions } from './referral.api.ts';
import type { RegistryTransactions } from './registry.api.ts';

/**
 * The transaction catalogue: every transaction of the chaincode by its qualified name
 * (`contract:Transaction`), with its kind, its arguments and its result (docs/ledger-api.md). The
 * chaincode's contracts implement it (checked at compile time), the gateway's ledger facade and the
 * tests call through it.
 */
export interface LedgerTransactions
  extends
    RegistryTransactions,
    ConsentTransactions,
    AccessTransactions,
    ReferralTransactions,
    CohortTransactions,
    RecordsTransactions,
    AuditTransactions,
    BaselineTransactions {}

/** A qualified transaction name of the catalogue. */
export type TransactionName = keyof LedgerTransactions;

/** The arguments of a transaction, as a labelled tuple in the chaincode's order. */
export type ArgsOf<N extends TransactionName> = LedgerTransactions[N]['args'];

/** The decoded result of a transaction. */
export type ResultOf<N extends TransactionName> = LedgerTransactions[N]['result'];

/** The transactions that are submitted (they write). */
export type SubmitName = {
  [N in TransactionName]: LedgerTransactions[N]['kind'] extends 'submit' ? N : never;
}[TransactionName];

/** The transactions that are evaluated (they only read). */
export type EvaluateName = Exclude<TransactionName, SubmitName>;

/** A contract of the chaincode: the part of a qualified name before the colon. */
export type ContractName = TransactionName extends `${infer C}:${string}` ? C : never;

/** The transactions of one contract. */
export type TransactionsOf<C extends ContractName> = Extract<TransactionName, `${C}:${string}`>;

/** The function part of a qualified name (`consent:GrantConsent` -> `GrantConsent`). */
export type FunctionName<N extends TransactionName> = N extends `${string}:${infer F}` ? F : never;

/** Arguments as they travel to the chaincode: one string each. */
export type WireArgs<Args extends readonly unknown[]> = { [I in keyof Args]: string };

/**
 * What a contract class of the chaincode must implement for contract `C`: one method per
 * transaction of the catalogue, taking the context and the arguments as strings, resolving to the
 * catalogue's result. `class ConsentContract extends LedgerContract implements
 * ChaincodeContract<'consent', LedgerContext>` makes the compiler hold the two together.
 */
export type ChaincodeContract<C extends ContractName, Context> = {
  [N in TransactionsOf<C> as FunctionName<N>]: (
    ctx: Context,
    ...args: WireArgs<ArgsOf<N>>
  ) => Promise<ResultOf<N>>;
};

/** The qualified name of a contract's function. */
export function qualifiedName(contract: string, fn: string): string {
  return `${contract}:${fn}`;
}

/** Splits a qualified name into its contract and its function. */
export function splitName<N extends TransactionName>(
  name: N,
): { readonly contract: ContractName; readonly fn: FunctionName<N> } {
  const colon = name.indexOf(':');
  return {
    contract: name.slice(0, colon) as ContractName,
    fn: name.slice(colon + 1) as FunctionName<N>,
  };
}

/**
 * The arguments of a call as the chaincode takes them: strings as they are, everything else as
 * JSON (fields that are undefined are left out, as JSON.stringify does).
 */
export function encodeArguments(args: readonly unknown[]): string[] {
  return args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)));
}

/** Transactions whose result is plain text rather than JSON. */
const TEXT_RESULTS: ReadonlySet<TransactionName> = new Set<TransactionName>(['baseline:Get']);

const decoder = new TextDecoder();

/**
 * A transaction's result as the chaincode returned it, decoded: JSON (the chaincode's sorted-key
 * JSON), or text for the few transactions that answer text; undefined for an empty result.
 */
export function decodeResult<N extends TransactionName>(name: N, bytes: Uint8Array): ResultOf<N> {
  const text = decoder.decode(bytes);
  if (TEXT_RESULTS.has(name)) return text;
  return (text === '' ? undefined : JSON.parse(text)) as ResultOf<N>;
}
