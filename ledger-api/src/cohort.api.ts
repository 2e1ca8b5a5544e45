import { RESEARCHERS, type AccessRules } from './access-rule.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type { Category } from './vocabulary.ts';

/**
 * FindCohort's query: a page of the patients who have consented to the caller's organization (the
 * candidates a study may ask about). Fabric forbids a transaction that writes from scanning private
 * data, so finding (this evaluate) and recording (RequestCohort) are two steps.
 */
export interface CohortQuery {
  readonly categories: readonly Category[];
  /** 1..100 candidates (25 by default). */
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** What FindCohort found: candidates to decide (they may still be refused), and the next page. */
export interface CohortCandidates {
  readonly candidates: readonly string[];
  /** Resumes at the next patient; empty at the end. */
  readonly bookmark: string;
}

/** RequestCohort's input: a study's cohort, exactly the patients named (1..100). */
export interface CohortRequest {
  readonly studyId: string;
  readonly categories: readonly Category[];
  readonly patientIds: readonly string[];
}

/** What RequestCohort included. */
export interface CohortResult {
  /** Patients included (sorted): those whose consents permit the study's access. */
  readonly included: readonly string[];
  /** The access event recorded for each included patient, in the same order. */
  readonly events: readonly string[];
}

/** Payload of the chaincode event CohortRecorded. */
export interface CohortRecordedPayload {
  readonly studyId: string;
  readonly accessorOrg: string;
  readonly included: number;
  readonly eventIds: readonly string[];
  readonly timestamp: string;
}

/** The chaincode events of the cohort contract. */
export interface CohortEvents {
  readonly CohortRecorded: CohortRecordedPayload;
}

/** Research cohorts (contract `cohort`). */
export interface CohortTransactions {
  /** A page of candidates: patients with consents to the caller's organization (writes nothing). */
  'cohort:FindCohort': Evaluate<[query: CohortQuery], CohortCandidates>;
  /**
   * Decides each named patient like an access for purpose `research` and records one access event
   * per patient included (event CohortRecorded).
   */
  'cohort:RequestCohort': Submit<[cohort: CohortRequest], CohortResult>;
}

/** Who may call the cohort contract's transactions. */
export const COHORT_ACCESS: AccessRules<CohortTransactions> = {
  'cohort:FindCohort': { grants: RESEARCHERS },
  'cohort:RequestCohort': { grants: RESEARCHERS },
};

/** What POST /cohorts answers: pseudonyms only, one access event per patient included. */
export interface CohortPage extends CohortResult {
  readonly studyId: string;
  /** Resumes the candidates' scan (when no patients were named); empty at the end. */
  readonly bookmark: string;
  /** Empty when no candidate was found (nothing was recorded). */
  readonly txId: string;
}
