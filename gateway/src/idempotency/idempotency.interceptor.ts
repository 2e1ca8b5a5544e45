import { createHash } from 'node:crypto';
import {
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
  type CustomDecorator,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable, finalize, from, tap } from 'rxjs';
import { ConflictError, InvalidArgumentError, RuleViolationError } from '../common/errors.js';
import { currentCommitRecord, recordCommit } from '../ledger/ledger-position.js';
import {
  IDEMPOTENCY_STORE,
  type IdempotencyKey,
  type IdempotencyStore,
} from './idempotency.store.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Metadata key of {@link AnsweredOnce}. */
export const ANSWERED_ONCE = 'consent-ledger:answered-once';

/**
 * Marks a route whose answer must never be stored (a one-time enrolment code): it takes no
 * Idempotency-Key, since replaying its answer would mean keeping it.
 */
export const AnsweredOnce = (): CustomDecorator => SetMetadata(ANSWERED_ONCE, true);

/** What the interceptor reads of the authenticated user: keys are per username. */
interface KeyOwner {
  readonly username: string;
}

/** A stable fingerprint of what a request asks: method, path and body (keys sorted). */
export function requestFingerprint(
  request: Readonly<{ method: string; path: string; body: unknown }>,
): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
      );
    return value;
  };
  return createHash('sha256')
    .update(`${request.method} ${request.path}\n${JSON.stringify(canonical(request.body ?? null))}`)
    .digest('hex');
}

/**
 * Makes a retried POST with the same Idempotency-Key (per user) answer the first result instead
 * of writing twice: the first request claims the key, a duplicate while it runs gets 409
 * CONFLICT, a later one gets the stored answer (with `Idempotent-Replayed: true`, and the first
 * answer's `Ledger-Block`), and the same key with a different request gets 422. A failed request
 * releases its key. Runs inside the LedgerConsistencyInterceptor, whose record of the request's
 * commits it reads and, on a replay, fills.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnApplicationBootstrap {
  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    this.store.releaseAllInFlight();
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: KeyOwner }>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || request.user === undefined)
      return next.handle();
    if (this.reflector.get<boolean | undefined>(ANSWERED_ONCE, context.getHandler()) === true)
      throw new InvalidArgumentError(
        'this answer is shown once and never stored: send it without an Idempotency-Key',
      );
    if (typeof header !== 'string' || !KEY_PATTERN.test(header))
      throw new InvalidArgumentError('Idempotency-Key must be 1-255 visible ASCII characters');
    const key: IdempotencyKey = {
      owner: request.user.username,
      key: header,
      fingerprint: requestFingerprint({
        method: request.method,
        path: request.path,
        body: request.body,
      }),
    };
    const claim = this.store.claim(key);
    const response = context.switchToHttp().getResponse<Response>();
    switch (claim.state) {
      case 'in-flight':
        throw new ConflictError('a request with this Idempotency-Key is still in progress');
      case 'mismatch':
        throw new RuleViolationError('this Idempotency-Key was used for a different request');
      case 'done':
        response.setHeader('Idempotent-Replayed', 'true');
        // The retry's client may have lost the first answer: it needs its block as much.
        if (claim.ledgerBlock !== undefined) recordCommit(claim.ledgerBlock);
        return from([claim.body]);
      case 'new':
        break;
    }
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      HttpStatus.CREATED;
    const commits = currentCommitRecord();
    let settled = false;
    return next.handle().pipe(
      tap({
        next: (body: unknown) => {
          settled = true;
          this.store.complete(key, { status, body, ledgerBlock: commits?.highest });
        },
        error: () => {
          settled = true;
          this.store.release(key);
        },
      }),
      finalize(() => {
        if (!settled) this.store.release(key);
      }),
    );
  }
}
