import { RESEARCHERS, type AccessRules } from './access-rule.ts';
import type { Submit } from './transaction.ts';
import type { Category } from './vocabulary.ts';

/** RequestCohort's input: a study's cohort, one page (or exactly the patients named). */
export interface CohortRequest {
  readonly studyId: string;
  readonly categories: readonly Category[];
  /** Exactly these patients (one page: no pageSize or bookmark with it). */
  readonly patientIds?: readonly string[];
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** What RequestCohort included. */
export interface CohortResult {
  /** Patients included in this page (sorted). */
  readonly included: readonly string[];
  /** The access event recorded for each included patient, in the same order. */
  readonly events: readonly string[];
  /** Resumes at the next patient; empty at the end. */
  readonly bookmark: string;
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
  /**
   * A page of a research cohort: patients with an active research permit to the caller's
   * organization, one access event per patient included (event CohortRecorded).
   */
  'cohort:RequestCohort': Submit<[cohort: CohortRequest], CohortResult>;
}

/** Who may call the cohort contract's transactions. */
export const COHORT_ACCESS: AccessRules<CohortTransactions> = {
  'cohort:RequestCohort': { grants: RESEARCHERS },
};

/** What POST /cohorts answers: pseudonyms only, one access event per patient included. */
export interface CohortPage extends CohortResult {
  readonly studyId: string;
  readonly txId: string;
}
