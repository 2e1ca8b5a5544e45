import { EVERYONE, REGULATOR, type AccessRules } from './access-rule.ts';
import type { AccessEvent, AccessEventPage } from './access.api.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type { DecisionValue, RegionLevel, ReviewOutcome } from './vocabulary.ts';

/** QueryAccessEvents' filter; the time window is half-open: `from <= timestamp < to`. */
export interface AccessEventQuery {
  readonly patientId?: string;
  readonly accessorOrg?: string;
  readonly from?: string;
  readonly to?: string;
  readonly decision?: DecisionValue;
  readonly breakGlass?: boolean;
  /** A six-digit region code (any level): events of accessor organizations within it. */
  readonly region?: string;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** QueryEmergencyReviews' paging. */
export interface ReviewQuery {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** The regulator's verdict on a break-glass access (ReviewEmergencyAccess). */
export interface ReviewInput {
  readonly outcome: ReviewOutcome;
}

/** GetStatistics' window (at most 366 days) and level. */
export interface StatisticsQuery {
  readonly from: string;
  readonly to: string;
  readonly level: RegionLevel;
  /** Limits the counts to one region (a six-digit code at any level). */
  readonly region?: string;
}

/** Counts of access events of one region (or of a whole window). */
export interface RegionCounts {
  readonly total: number;
  readonly byPurpose: Readonly<Record<string, number>>;
  /** An event with several categories counts once for each. */
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byDecision: Readonly<Record<string, number>>;
  /** Keyed `true` / `false`. */
  readonly byBreakGlass: Readonly<Record<string, number>>;
}

/** The access events of one UTC day, counted per accessor region (finest GB/T 2260 code). */
export interface DayStatistics {
  readonly day: string;
  readonly total: number;
  /** Keyed by the accessor organization's most specific region code. */
  readonly regions: Readonly<Record<string, RegionCounts>>;
  readonly rolledUpAt: string;
  readonly txId: string;
}

/** Aggregate counts of access events over a window; never patient IDs. */
export interface Statistics {
  readonly from: string;
  readonly to: string;
  readonly level: RegionLevel;
  /** The region the counts are limited to, if any. */
  readonly region?: string;
  readonly total: number;
  readonly byPurpose: Readonly<Record<string, number>>;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byDecision: Readonly<Record<string, number>>;
  readonly byBreakGlass: Readonly<Record<string, number>>;
  /** Keyed by region code at the requested level. */
  readonly byRegion: Readonly<Record<string, number>>;
  /** Days served from a RollupStatistics rollup. */
  readonly rolledUpDays: number;
  /** Days (or parts of days) counted by scanning the time index. */
  readonly scannedDays: number;
}

/** Payload of the chaincode event EmergencyReviewed. */
export interface EmergencyReviewedPayload {
  readonly eventId: string;
  readonly accessorOrg: string;
  readonly outcome: ReviewOutcome;
  readonly reviewedAt: string;
}

/** The chaincode events of the audit contract. */
export interface AuditEvents {
  readonly EmergencyReviewed: EmergencyReviewedPayload;
}

/** The audit trail, break-glass reviews and statistics (contract `audit`). */
export interface AuditTransactions {
  /** A page of access events, newest last, scoped to the caller. */
  'audit:QueryAccessEvents': Evaluate<[query: AccessEventQuery], AccessEventPage>;
  /** One access event (its patient, the regulator, the accessor's organization). */
  'audit:GetAccessEvent': Evaluate<[eventId: string], AccessEvent>;
  /** The break-glass accesses waiting for the regulator's review. */
  'audit:QueryEmergencyReviews': Evaluate<[query: ReviewQuery], AccessEventPage>;
  /** The regulator's review of a break-glass access (event EmergencyReviewed). */
  'audit:ReviewEmergencyAccess': Submit<[eventId: string, review: ReviewInput], AccessEvent>;
  /** Counts of access events over a window, by region at a level. */
  'audit:GetStatistics': Evaluate<[query: StatisticsQuery], Statistics>;
  /** Rolls one UTC day's access events up into its counts (re-runnable). */
  'audit:RollupStatistics': Submit<[day: string], DayStatistics>;
}

/** Who may call the audit contract's transactions. */
export const AUDIT_ACCESS: AccessRules<AuditTransactions> = {
  'audit:QueryAccessEvents': {
    grants: EVERYONE,
    scope: "patients their own; the regulator all; others their organization's events",
  },
  'audit:GetAccessEvent': {
    grants: EVERYONE,
    scope: "patients their own; the regulator all; others their organization's events",
  },
  'audit:QueryEmergencyReviews': { grants: REGULATOR },
  'audit:ReviewEmergencyAccess': { grants: REGULATOR },
  'audit:GetStatistics': { grants: REGULATOR },
  'audit:RollupStatistics': { grants: REGULATOR },
};
