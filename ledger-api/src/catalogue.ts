import type { AccessTransactions } from './access.api.ts';
import type { AuditTransactions } from './audit.api.ts';
import type { BaselineTransactions } from './baseline.api.ts';
import type { CohortTransactions } from './cohort.api.ts';
import type { ConsentTransactions } from './consent.api.ts';
import type { NoticeTransactions } from './notice.api.ts';
import type { ConsentRequestTransactions } from './consent-request.api.ts';
import type { PatientTransactions } from './patient.api.ts';
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
    NoticeTransactions,
    PatientTransactions,
    ConsentTransactions,
    AccessTransactions,
    ReferralTransactions,
    CohortTransactions,
    RecordsTransactions,
    AuditTransactions,
    BaselineTransactions,
    ConsentRequestTransactions {}

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
 * transaction of the catalogue, taking only the context (the inputs travel as transient data, see
 * request.ts, and the context hands them out typed by {@link TransactionArguments}) and resolving
 * to the catalogue's result. `class ConsentContract extends LedgerContract implements
 * ChaincodeContract<'consent', LedgerContext>` makes the compiler hold the two together.
 */
export type ChaincodeContract<C extends ContractName, Context> = {
  [N in TransactionsOf<C> as FunctionName<N>]: (ctx: Context) => Promise<ResultOf<N>>;
};

/**
 * How a transaction reads its inputs from its context: `ctx.argsOf('consent:GrantConsent')` is the
 * catalogue's argument tuple of that transaction, one string each (strings as they are, other
 * values as JSON text), as decoded from the proposal's transient request.
 */
export interface TransactionArguments {
  argsOf<N extends TransactionName>(name: N): WireArgs<ArgsOf<N>>;
}

/** What the catalogue says of a transaction at run time: its kind and how many arguments it takes. */
export interface TransactionShape {
  readonly kind: 'submit' | 'evaluate';
  /** Arguments of the catalogue's tuple. */
  readonly args: number;
  /** Arguments a caller must give; the rest may be left out (empty). `args` when absent. */
  readonly required?: number;
}

/**
 * Every transaction's kind and argument count, for code that checks requests at run time (the
 * chaincode refuses a request with another count; submits need a salt). Typed against the
 * catalogue: an entry whose kind or count differs from its catalogue entry does not compile.
 */
export const TRANSACTION_SHAPES: {
  readonly [N in TransactionName]: TransactionShape & {
    readonly kind: LedgerTransactions[N]['kind'];
    readonly args: ArgsOf<N>['length'];
  };
} = {
  'registry:RegisterOrganization': { kind: 'submit', args: 1 },
  'registry:DeregisterOrganization': { kind: 'submit', args: 1 },
  'registry:GetOrganization': { kind: 'evaluate', args: 1 },
  'registry:ListOrganizations': { kind: 'evaluate', args: 0 },
  'notice:PublishNotice': { kind: 'submit', args: 1 },
  'notice:GetNotice': { kind: 'evaluate', args: 3 },
  'notice:ListNotices': { kind: 'evaluate', args: 1 },
  'notice:CountConsentsByNotice': { kind: 'evaluate', args: 2 },
  'patient:RegisterPatient': { kind: 'submit', args: 1 },
  'patient:ActivatePatient': { kind: 'submit', args: 1 },
  'patient:AddDevice': { kind: 'submit', args: 1 },
  'patient:RemoveDevice': { kind: 'submit', args: 1 },
  'patient:RequestRecovery': { kind: 'submit', args: 1 },
  'patient:ApproveRecovery': { kind: 'submit', args: 1 },
  'patient:ProposeGuardian': { kind: 'submit', args: 1 },
  'patient:ApproveGuardian': { kind: 'submit', args: 1 },
  'patient:ActivateGuardian': { kind: 'submit', args: 1 },
  'patient:EndGuardianship': { kind: 'submit', args: 1 },
  'patient:GetBinding': { kind: 'evaluate', args: 1 },
  'patient:GetBindingHistory': { kind: 'evaluate', args: 1 },
  'patient:QueryErasures': { kind: 'evaluate', args: 1 },
  'patient:LocatePatient': { kind: 'evaluate', args: 1 },
  'consent:GrantConsent': { kind: 'submit', args: 1 },
  'consent:UpdateConsent': { kind: 'submit', args: 1 },
  'consent:RevokeConsent': { kind: 'submit', args: 1 },
  'consent:EraseConsent': { kind: 'submit', args: 1 },
  'consent:GetConsent': { kind: 'evaluate', args: 1 },
  'consent:GetConsentHistory': { kind: 'evaluate', args: 1 },
  'consent:QueryConsents': { kind: 'evaluate', args: 1 },
  'access:RequestAccess': { kind: 'submit', args: 1 },
  'access:CheckAccess': { kind: 'evaluate', args: 1 },
  'access:RequestEmergencyAccess': { kind: 'submit', args: 1 },
  'referral:CreateReferral': { kind: 'submit', args: 1 },
  'referral:CloseReferral': { kind: 'submit', args: 1 },
  'referral:GetReferral': { kind: 'evaluate', args: 1 },
  'cohort:FindCohort': { kind: 'evaluate', args: 1 },
  'cohort:RequestCohort': { kind: 'submit', args: 1 },
  'cohort:SetResearchThreshold': { kind: 'submit', args: 1 },
  'cohort:ListResearchThresholds': { kind: 'evaluate', args: 0 },
  'cohort:QueryCohortRefusals': { kind: 'evaluate', args: 1 },
  'records:AnchorRecord': { kind: 'submit', args: 1 },
  'records:AnchorBatch': { kind: 'submit', args: 1 },
  'records:VerifyRecord': { kind: 'evaluate', args: 4, required: 2 },
  'records:FindAnchorsByHash': { kind: 'evaluate', args: 1 },
  'records:VerifyBatchMember': { kind: 'evaluate', args: 1 },
  'records:GetRecord': { kind: 'evaluate', args: 2, required: 1 },
  'records:GetBatch': { kind: 'evaluate', args: 1 },
  'records:QueryAnchors': { kind: 'evaluate', args: 1 },
  'audit:QueryAccessEvents': { kind: 'evaluate', args: 1 },
  'audit:GetAccessEvent': { kind: 'evaluate', args: 1 },
  'audit:QueryEmergencyReviews': { kind: 'evaluate', args: 1 },
  'audit:ReviewEmergencyAccess': { kind: 'submit', args: 2 },
  'audit:GetStatistics': { kind: 'evaluate', args: 1 },
  'audit:CountDay': { kind: 'evaluate', args: 1 },
  'audit:RollupStatistics': { kind: 'submit', args: 1 },
  'audit:FindExpired': { kind: 'evaluate', args: 1 },
  'audit:PurgeExpired': { kind: 'submit', args: 1 },
  'audit:GetRetentionPolicy': { kind: 'evaluate', args: 0 },
  'audit:GetOpenStatistics': { kind: 'evaluate', args: 1 },
  'baseline:Put': { kind: 'submit', args: 2 },
  'baseline:Get': { kind: 'evaluate', args: 1 },
  'bench:SeedAccessEvents': { kind: 'submit', args: 1 },
  'request:RequestConsent': { kind: 'submit', args: 1 },
  'request:ApproveRequest': { kind: 'submit', args: 1 },
  'request:DeclineRequest': { kind: 'submit', args: 1 },
  'request:WithdrawRequest': { kind: 'submit', args: 1 },
  'request:GetRequest': { kind: 'evaluate', args: 1 },
  'request:QueryRequests': { kind: 'evaluate', args: 1 },
  'request:SetRequestLimits': { kind: 'submit', args: 1 },
  'request:GetRequestLimits': { kind: 'evaluate', args: 0 },
};

/** The run-time shape of a qualified transaction name, if the catalogue has it. */
export function transactionShape(name: string): TransactionShape | undefined {
  return Object.hasOwn(TRANSACTION_SHAPES, name)
    ? TRANSACTION_SHAPES[name as TransactionName]
    : undefined;
}

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
