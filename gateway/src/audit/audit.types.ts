import type { AccessDecision, ReviewOutcome, StatisticsLevel } from '../common/vocabulary.js';

/** Filter of QueryAccessEvents; the time window is `from <= timestamp < to`. */
export interface AccessEventQuery {
  readonly patientId?: string;
  readonly accessorOrg?: string;
  readonly from?: string;
  readonly to?: string;
  readonly decision?: AccessDecision;
  readonly breakGlass?: boolean;
  /** A six-digit region code (any level): events of accessor organizations within it. */
  readonly region?: string;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** GetStatistics input. */
export interface StatisticsQuery {
  readonly from: string;
  readonly to: string;
  readonly level: StatisticsLevel;
  readonly region?: string;
}

/** A review of a break-glass access. */
export interface EmergencyReview {
  readonly outcome: ReviewOutcome;
}
