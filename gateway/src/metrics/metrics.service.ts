import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Observations the ledger client reports. */
export interface LedgerMetrics {
  /** One ledger call: its transaction (`contract:Name`), kind, outcome and duration in seconds. */
  observeLedgerCall(
    call: Readonly<{
      transaction: string;
      kind: 'evaluate' | 'submit';
      outcome: string;
      seconds: number;
    }>,
  ): void;
  /** One retry of a write, with the commit status that caused it. */
  countRetry(transaction: string, reason: string): void;
}

/** Observations of the requests that waited for a block (`Ledger-Min-Block`). */
export interface BlockWaitMetrics {
  /**
   * One request that named a block: answered at once (the block known committed), after asking
   * the peer (`waited`), or refused (`timed-out`, `peer-unavailable`); seconds held.
   */
  observeBlockWait(outcome: BlockWaitOutcome, seconds: number): void;
}

/** How a request that named a block fared. */
export type BlockWaitOutcome = 'at-once' | 'waited' | 'timed-out' | 'peer-unavailable';

/** The gateway's Prometheus metrics, in a registry of its own. */
@Injectable()
export class MetricsService implements LedgerMetrics, BlockWaitMetrics {
  readonly registry = new Registry();
  readonly #httpRequests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #httpDuration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #ledgerDuration = new Histogram({
    name: 'gateway_ledger_call_duration_seconds',
    help: 'Ledger call latency by transaction, kind (evaluate or submit) and outcome',
    labelNames: ['transaction', 'kind', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly #blockWaits = new Histogram({
    name: 'gateway_ledger_min_block_wait_seconds',
    help: 'Time requests with Ledger-Min-Block were held for the peer to commit that block, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #ledgerRetries = new Counter({
    name: 'gateway_ledger_retries_total',
    help: 'Retried ledger writes by transaction and reason (MVCC or phantom read conflict, endorsement mismatch, endorser unavailable)',
    labelNames: ['transaction', 'reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }

  /** Records one answered HTTP request. */
  observeHttp(
    request: Readonly<{ method: string; route: string; status: number; seconds: number }>,
  ): void {
    const labels = { method: request.method, route: request.route, status: String(request.status) };
    this.#httpRequests.inc(labels);
    this.#httpDuration.observe(labels, request.seconds);
  }

  observeLedgerCall(
    call: Readonly<{
      transaction: string;
      kind: 'evaluate' | 'submit';
      outcome: string;
      seconds: number;
    }>,
  ): void {
    this.#ledgerDuration.observe(
      { transaction: call.transaction, kind: call.kind, outcome: call.outcome },
      call.seconds,
    );
  }

  countRetry(transaction: string, reason: string): void {
    this.#ledgerRetries.inc({ transaction, reason });
  }

  observeBlockWait(outcome: BlockWaitOutcome, seconds: number): void {
    this.#blockWaits.observe({ outcome }, seconds);
  }
}
