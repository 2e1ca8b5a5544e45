import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, defer, from, switchMap, tap } from 'rxjs';
import { InvalidArgumentError } from '../common/errors.js';
import {
  BLOCK_NUMBER_PATTERN,
  LEDGER_BLOCK_HEADER,
  LEDGER_MIN_BLOCK_HEADER,
} from '@consent-ledger/ledger-api';
import { LEDGER_POSITION, recordingCommits, type LedgerPosition } from './ledger-position.js';

/** The block a request asks its answer to include, from `Ledger-Min-Block` (400 when malformed). */
export function minimumBlockOf(request: Readonly<Pick<Request, 'headers'>>): bigint | undefined {
  const value = request.headers[LEDGER_MIN_BLOCK_HEADER.toLowerCase()];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !BLOCK_NUMBER_PATTERN.test(value))
    throw new InvalidArgumentError(`${LEDGER_MIN_BLOCK_HEADER} must be one block number (digits)`);
  return BigInt(value);
}

/**
 * Read-your-writes across organizations (ledger-position.ts): holds a request that sends
 * `Ledger-Min-Block` until this organization's peer has that block, and names in `Ledger-Block`
 * the block a request's writes were committed in. Runs after the guards, so a caller without
 * credentials never makes the gateway wait.
 */
@Injectable()
export class LedgerConsistencyInterceptor implements NestInterceptor {
  constructor(@Inject(LEDGER_POSITION) private readonly position: LedgerPosition) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const minimum = minimumBlockOf(http.getRequest<Request>());
    const response = http.getResponse<Response>();
    const handle = (): Observable<unknown> =>
      recordingCommits((record) =>
        next.handle().pipe(
          tap(() => {
            const block = record.highest;
            if (block === undefined) return;
            this.position.observe(block);
            if (!response.headersSent) response.setHeader(LEDGER_BLOCK_HEADER, block.toString());
          }),
        ),
      );
    if (minimum === undefined) return defer(handle);
    return from(this.position.reach(minimum)).pipe(switchMap(handle));
  }
}
