import {
  EVERYONE,
  GOVERNMENT_ADMINS,
  REGULATOR,
  RESEARCHERS,
  type AccessRules,
} from './access-rule.ts';
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
  /**
   * The study's ethics approval: its reference (an ID such as `IRB-2026-017`, never free text),
   * required where the region's {@link ResearchThreshold} says so.
   */
  readonly ethicsApproval?: string;
}

/** What RequestCohort included. */
export interface CohortResult {
  /** Patients included (sorted): those whose consents permit the study's access. */
  readonly included: readonly string[];
  /** The access event recorded for each included patient, in the same order. */
  readonly events: readonly string[];
  /**
   * Set when the study was refused (nothing included, no access event): the refusal recorded on
   * the ledger instead. The gateway answers it as an error with the refusal's code.
   */
  readonly refusal?: CohortRefusal;
}

/** The codes of a study refused by its region's research threshold. */
export const COHORT_REFUSAL_CODES = ['ETHICS_APPROVAL_REQUIRED', 'COHORT_TOO_SMALL'] as const;

/** Why a study was refused. */
export type CohortRefusalCode = (typeof COHORT_REFUSAL_CODES)[number];

/** The smallest and largest minimum cohort size a threshold may set (0: no minimum). */
export const MIN_COHORT_SIZE_RANGE = { min: 0, max: 10_000 } as const;

/**
 * What applies when the regulator has set no threshold for a region nor a channel-wide default:
 * no minimum, no ethics approval (the ledger's behaviour before thresholds existed).
 */
export const BUILT_IN_THRESHOLD = { minCohortSize: 0, ethicsApprovalRequired: false } as const;

/** SetResearchThreshold's input: a region's rule for research (or the channel-wide default). */
export interface ResearchThresholdInput {
  /** A six-digit GB/T 2260 code at any level; absent: the channel-wide default. */
  readonly region?: string;
  /**
   * The fewest patients a cohort result may include (0..10,000; 0: no minimum); also the open
   * statistics' floor (counts below it are suppressed where it is above 1).
   */
  readonly minCohortSize: number;
  /** Whether a study must name its ethics approval reference. */
  readonly ethicsApprovalRequired: boolean;
}

/** A research threshold as the regulator set it (public state: about no patient). */
export interface ResearchThreshold extends ResearchThresholdInput {
  readonly setAt: string;
  readonly txId: string;
}

/**
 * The threshold that applies to a region: the most specific one set for its code (county, then
 * city, then province), else the channel-wide default, else {@link BUILT_IN_THRESHOLD}.
 */
export interface AppliedThreshold {
  readonly minCohortSize: number;
  readonly ethicsApprovalRequired: boolean;
  /** The region code whose threshold applied, `default`, or `built-in`. */
  readonly source: string;
}

/**
 * A study refused by its research threshold, as logged on the ledger for the regulator: who asked,
 * under which rule; nothing about the patients named or found. It is kept in the collection of the
 * requesting organization and the regulator (`org_<requesterOrg>`): no other member's peer holds it.
 */
export interface CohortRefusal {
  /** The refusing transaction's ID. */
  readonly refusalId: string;
  readonly code: CohortRefusalCode;
  readonly studyId: string;
  readonly requesterOrg: string;
  /** The requesting organization's most specific region code (whose threshold applied). */
  readonly region: string;
  readonly threshold: AppliedThreshold;
  /** The ethics approval reference the study named, if any. */
  readonly ethicsApproval?: string;
  readonly refusedAt: string;
  /** The stored value's salt (private data: its hash in the block cannot be confirmed by guessing). */
  readonly salt: string;
}

/** QueryCohortRefusals' paging, newest first. */
export interface CohortRefusalQuery {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** A page of refusals, newest first. */
export interface CohortRefusalPage {
  readonly refusals: readonly CohortRefusal[];
  /** Resumes at the next refusal; empty at the end. */
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
  /** A page of candidates: patients with consents to the caller's organization (writes nothing). */
  'cohort:FindCohort': Evaluate<[query: CohortQuery], CohortCandidates>;
  /**
   * Decides each named patient like an access for purpose `research` and records one access event
   * per patient included (event CohortRecorded).
   */
  'cohort:RequestCohort': Submit<[cohort: CohortRequest], CohortResult>;
  /** Sets a region's research threshold, or the channel-wide default (the government's admin). */
  'cohort:SetResearchThreshold': Submit<[threshold: ResearchThresholdInput], ResearchThreshold>;
  /** Every research threshold set, the channel-wide default first, then by region code. */
  'cohort:ListResearchThresholds': Evaluate<[], readonly ResearchThreshold[]>;
  /** The refused studies, newest first (the regulator). */
  'cohort:QueryCohortRefusals': Evaluate<[query: CohortRefusalQuery], CohortRefusalPage>;
}

/** Who may call the cohort contract's transactions. */
export const COHORT_ACCESS: AccessRules<CohortTransactions> = {
  'cohort:FindCohort': { grants: RESEARCHERS },
  'cohort:RequestCohort': { grants: RESEARCHERS },
  'cohort:SetResearchThreshold': { grants: GOVERNMENT_ADMINS },
  'cohort:ListResearchThresholds': { grants: EVERYONE },
  'cohort:QueryCohortRefusals': { grants: REGULATOR },
};

/** What POST /cohorts answers: pseudonyms only, one access event per patient included. */
export interface CohortPage extends CohortResult {
  readonly studyId: string;
  /** Resumes the candidates' scan (when no patients were named); empty at the end. */
  readonly bookmark: string;
  /** Empty when no candidate was found (nothing was recorded). */
  readonly txId: string;
}
