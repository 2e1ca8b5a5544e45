/**
 * @consent-ledger/ledger-api: the Consent Ledger's contract, declared once and imported by every
 * package by this name (docs/architecture.md). Each contract's API file holds its models, inputs,
 * events, catalogue entries, access rules and REST answers; this entry gathers them.
 */
export * from './vocabulary.ts';
export * from './ids.ts';
export * from './errors.ts';
export * from './request.ts';
export * from './session-keeper.ts';
export * from './ledger-block.ts';
export * from './sealed-result.ts';
export * from './collections.ts';
export * from './signed-action.ts';
export * from './patient-client.ts';
export * from './enrolment.ts';
export type { Page } from './page.ts';
export type { Evaluate, Submit, TransactionSpec } from './transaction.ts';
export * from './access-rule.ts';
export * from './registry.api.ts';
export * from './notice.api.ts';
export * from './patient.api.ts';
export * from './consent.api.ts';
export * from './access.api.ts';
export * from './referral.api.ts';
export * from './cohort.api.ts';
export * from './records.api.ts';
export * from './audit.api.ts';
export * from './baseline.api.ts';
export * from './consent-request.api.ts';
export * from './catalogue.ts';
export * from './events.ts';
export * from './authorization.ts';
export * from './merkle.ts';
export * from './csv.ts';
export * from './gateway.api.ts';
