import {
  GOVERNMENT_MSP,
  type OpenStatistics,
  type OpenStatisticsQuery,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { NotImplementedError } from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';

/** How long an answer is reused, in milliseconds (the counts change with each access). */
export const OPEN_STATISTICS_TTL_MILLIS = 300_000;

/** Most windows cached at once (the oldest is dropped first). */
export const OPEN_STATISTICS_CACHE_SIZE = 64;

/** A clock, for the cache (tests move it). */
export type Clock = () => number;

interface Cached {
  readonly expires: number;
  readonly answer: Promise<OpenStatistics>;
}

/**
 * Open statistics for residents (no credentials): the government's gateway evaluates
 * audit:GetOpenStatistics as its own service identity (the GovMSP admin it enrols at start) on its
 * own peer, the regulator's, which holds every collection; the chaincode suppresses the small
 * counts, so nothing finer ever leaves the peer. Answers are cached for five minutes per window,
 * and forgotten when this gateway sets a research threshold (only the government's admin can).
 * The cache is a bounded Map rather than a cache package: a dozen lines, and no new dependency in
 * the lock file the branches share.
 */
@Injectable()
export class OpenStatisticsService {
  readonly #cache = new Map<string, Cached>();
  #now: Clock = Date.now;

  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
  ) {}

  /** Forgets every cached answer (a research threshold changed: the suppression with it). */
  forget(): void {
    this.#cache.clear();
  }

  /** Replaces the clock (tests). */
  useClock(clock: Clock): void {
    this.#now = clock;
  }

  /** The open statistics of whole UTC days `from`..`to` (both included, at most 31). */
  async statistics(query: OpenStatisticsQuery): Promise<OpenStatistics> {
    if (this.profile.mspId !== GOVERNMENT_MSP)
      throw new NotImplementedError(
        `open statistics are published by the government's gateway (${GOVERNMENT_MSP})`,
      );
    const key = `${query.from}/${query.to}`;
    const now = this.#now();
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.expires > now) return cached.answer;
    this.#cache.delete(key);
    const answer = this.ledger
      .as(SERVICE_IDENTITY)
      .evaluate('audit:GetOpenStatistics', { from: query.from, to: query.to });
    this.#cache.set(key, { expires: now + OPEN_STATISTICS_TTL_MILLIS, answer });
    // A failed evaluation is not kept: the next request asks the ledger again.
    answer.catch(() => {
      if (this.#cache.get(key)?.answer === answer) this.#cache.delete(key);
    });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= OPEN_STATISTICS_CACHE_SIZE) break;
      this.#cache.delete(oldest);
    }
    return answer;
  }
}
