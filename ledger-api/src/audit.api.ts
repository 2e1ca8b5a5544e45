import { EVERYONE, GOVERNMENT_ADMINS, REGULATOR, type AccessRules } from './access-rule.ts';
import type { AccessEvent, AccessEventPage } from './access.api.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type { DecisionValue, Purpose, RegionLevel, ReviewOutcome } from './vocabulary.ts';

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
  /** Newest first (`desc`, the default) or oldest first (`asc`); a bookmark keeps its order. */
  readonly order?: ResultOrder;
  /** Also count every match ({@link AccessEventPage}'s `total`; costs a scan: ask on a first page). */
  readonly withTotal?: boolean;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** The orders QueryAccessEvents returns events in, by their time. */
export const RESULT_ORDERS = ['desc', 'asc'] as const;

/** Newest first (`desc`) or oldest first (`asc`). */
export type ResultOrder = (typeof RESULT_ORDERS)[number];

/** QueryEmergencyReviews' paging. */
export interface ReviewQuery {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** The regulator's verdict on a break-glass access (ReviewEmergencyAccess). */
export interface ReviewInput {
  readonly outcome: ReviewOutcome;
  /**
   * The commitment to the regulator's comment (required): SHA-256 (hex) of a random salt and the
   * comment (REVIEW_COMMENT_COMMITMENT). The comment and its salt stay in the regulator's gateway:
   * free text never reaches the ledger, and the salt keeps the hash from being confirmed by
   * guessing; whoever is shown both can check them against the ledger.
   */
  readonly commentHash: string;
}

/** The longest review comment, in characters. */
export const REVIEW_COMMENT_MAX_LENGTH = 2000;

/**
 * How a review comment is committed to: SHA-256 over the salt's bytes (16 random bytes, kept as
 * base64url) followed by the comment's UTF-8 bytes (NFC), as lowercase hex.
 */
export const REVIEW_COMMENT_COMMITMENT = 'sha256(salt bytes || UTF-8(NFC(comment)))';

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
  /** Random: makes the hash of the stored (private) value unguessable. */
  readonly salt: string;
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

/** Most days one GetOpenStatistics window may span. */
export const OPEN_STATISTICS_MAX_DAYS = 31;

/** GetOpenStatistics' window: whole UTC days, `from` to `to` inclusive (at most 31). */
export interface OpenStatisticsQuery {
  /** First day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last day, `YYYY-MM-DD` (included). */
  readonly to: string;
}

/**
 * One cell of the open statistics: the access events of one day, accessor city (GB/T 2260 city
 * code, or a province code for organizations registered at province level) and purpose. Exactly
 * one of `count` and `lessThan`: a count below the city's minimum (its research threshold's
 * minimum cohort size) is never given, only that it is below it.
 */
export interface OpenStatisticsCell {
  readonly day: string;
  readonly region: string;
  readonly purpose: Purpose;
  readonly count?: number;
  /** Set instead of `count` when the count is below this minimum (suppressed). */
  readonly lessThan?: number;
}

/**
 * Counts of access events for residents: one cell per day, city and purpose (every city of a
 * registered organization, every purpose, zeros included), small counts suppressed, no totals
 * (a total would let a suppressed cell be recomputed), never patient IDs.
 */
export interface OpenStatistics {
  readonly from: string;
  readonly to: string;
  readonly cells: readonly OpenStatisticsCell[];
}

/** The kinds of private data the regulator erases once their retention period has passed. */
export const RETENTION_KINDS = ['accessEvent', 'consent', 'referral'] as const;
/** A kind of data with a retention period. */
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/**
 * Days each kind of data is kept before the regulator may erase it: access events from their
 * time, consents from their revocation or expiry, referrals from their closing or expiry. Packaged
 * with the chaincode from network/topology.yaml (changing it is a chaincode upgrade).
 */
export type RetentionPolicy = Readonly<Record<RetentionKind, number>>;

/**
 * The file at the root of the chaincode package that holds the {@link RetentionPolicy} as JSON
 * (`{"accessEvent": 3650, "consent": 1825, "referral": 1825}`: every kind, whole days, 1 to
 * 36,500), written by network/ from topology.yaml. The chaincode reads it once when it starts.
 */
export const RETENTION_POLICY_FILE = 'retention.json';

/** The policy of a package without {@link RETENTION_POLICY_FILE}: ten years, five, five. */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = {
  accessEvent: 3650,
  consent: 1825,
  referral: 1825,
};

/** Most days a kind may be kept for in a retention policy (one hundred years). */
export const MAX_RETENTION_DAYS = 36_500;

/**
 * A retention policy from parsed JSON: exactly the kinds of {@link RETENTION_KINDS}, each a whole
 * number of days from 1 to {@link MAX_RETENTION_DAYS}. Throws a RangeError naming what is wrong.
 */
export function retentionPolicyOf(value: unknown): RetentionPolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError('a retention policy is an object of days by kind');
  }
  const entries = value as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    if (!(RETENTION_KINDS as readonly string[]).includes(key)) {
      throw new RangeError(`retention policy: unknown kind ${JSON.stringify(key)}`);
    }
  }
  const days = (kind: RetentionKind): number => {
    const value = entries[kind];
    if (
      !Number.isInteger(value) ||
      (value as number) < 1 ||
      (value as number) > MAX_RETENTION_DAYS
    ) {
      throw new RangeError(`retention policy: ${kind} must be 1 to ${MAX_RETENTION_DAYS} days`);
    }
    return value as number;
  };
  return { accessEvent: days('accessEvent'), consent: days('consent'), referral: days('referral') };
}

/**
 * FindExpired's query: one kind of data in one collection, ended before a cut-off. Fabric forbids a
 * transaction that writes from scanning private data, so finding (FindExpired, an evaluate) and
 * erasing (PurgeExpired, with the IDs found) are two steps.
 */
export interface PurgeOrder {
  readonly collection: string;
  readonly kind: RetentionKind;
  /** Erase what ended before this instant; it must lie before now minus the kind's retention. */
  readonly before: string;
  /** At most this many items (1..500, 100 by default); `more` says whether some are left. */
  readonly limit?: number;
}

/** What FindExpired found: the IDs (event, consent or referral IDs) to hand to PurgeExpired. */
export interface ExpiredItems {
  readonly collection: string;
  readonly kind: RetentionKind;
  readonly before: string;
  readonly ids: readonly string[];
  readonly more: boolean;
}

/** PurgeExpired's input: the items to erase; each is checked again before it is erased. */
export interface PurgeList {
  readonly collection: string;
  readonly kind: RetentionKind;
  readonly before: string;
  /** 1..500 IDs as FindExpired gave them. */
  readonly ids: readonly string[];
}

/**
 * A day's counts, as the regulator's peer computes them (CountDay) and RollupStatistics keeps them
 * (in the regulator's own collection: a cache of its own counts).
 */
export interface DayCounts {
  readonly day: string;
  readonly total: number;
  readonly regions: Readonly<Record<string, RegionCounts>>;
}

/** What PurgeExpired erased. */
export interface PurgeResult {
  readonly collection: string;
  readonly kind: RetentionKind;
  readonly purged: number;
  readonly more: boolean;
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
  readonly DataPurged: PurgeResult;
}

/** The audit trail, break-glass reviews and statistics (contract `audit`). */
export interface AuditTransactions {
  /** A page of access events, newest first unless asked otherwise, scoped to the caller. */
  'audit:QueryAccessEvents': Evaluate<[query: AccessEventQuery], AccessEventPage>;
  /** One access event (its patient, the regulator, the accessor's organization). */
  'audit:GetAccessEvent': Evaluate<[eventId: string], AccessEvent>;
  /** The break-glass accesses waiting for the regulator's review. */
  'audit:QueryEmergencyReviews': Evaluate<[query: ReviewQuery], AccessEventPage>;
  /** The regulator's review of a break-glass access (event EmergencyReviewed). */
  'audit:ReviewEmergencyAccess': Submit<[eventId: string, review: ReviewInput], AccessEvent>;
  /** Counts of access events over a window, by region at a level. */
  'audit:GetStatistics': Evaluate<[query: StatisticsQuery], Statistics>;
  /** Counts one UTC day's access events over every collection (the regulator; writes nothing). */
  'audit:CountDay': Evaluate<[day: string], DayCounts>;
  /** Keeps a day's counts (from CountDay) for GetStatistics to reuse (re-runnable). */
  'audit:RollupStatistics': Submit<[counts: DayCounts], DayStatistics>;
  /** The items of one kind in one collection past their retention period (the regulator). */
  'audit:FindExpired': Evaluate<[order: PurgeOrder], ExpiredItems>;
  /** Erases the items found by FindExpired from every peer of the collection (the regulator). */
  'audit:PurgeExpired': Submit<[purge: PurgeList], PurgeResult>;
  /** The retention policy the chaincode package carries. */
  'audit:GetRetentionPolicy': Evaluate<[], RetentionPolicy>;
  /**
   * Open statistics for residents (the government's gateway, evaluated on the regulator's peer):
   * counts by day, city and purpose, each below its city's research threshold suppressed.
   */
  'audit:GetOpenStatistics': Evaluate<[query: OpenStatisticsQuery], OpenStatistics>;
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
  'audit:CountDay': { grants: REGULATOR },
  'audit:RollupStatistics': { grants: REGULATOR },
  'audit:FindExpired': { grants: REGULATOR },
  'audit:PurgeExpired': { grants: REGULATOR },
  'audit:GetRetentionPolicy': { grants: EVERYONE },
  'audit:GetOpenStatistics': { grants: [...REGULATOR, ...GOVERNMENT_ADMINS] },
};
