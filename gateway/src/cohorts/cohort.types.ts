import type { Category } from '../common/vocabulary.js';

/** RequestCohort's input: a study's cohort, one page (or exactly the patients named). */
export interface CohortRequest {
  readonly studyId: string;
  readonly categories: readonly Category[];
  readonly patientIds?: readonly string[];
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** What POST /cohorts answers: pseudonyms only, one access event per patient included. */
export interface CohortPage {
  readonly studyId: string;
  /** Patient pseudonyms with an active research permit to the caller's organization. */
  readonly included: readonly string[];
  /** The access event recorded for each inclusion, in the order of `included`'s recording. */
  readonly events: readonly string[];
  /** Resumes at the next patient; empty at the end. */
  readonly bookmark: string;
  readonly txId: string;
}
