import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../common/errors.js';

/** Requests of the open data routes allowed per client address and minute. */
export const OPEN_DATA_REQUESTS_PER_MINUTE = 60;

/**
 * Limits the open data routes (no credentials) per client address, as the sign-in routes are
 * limited: rate-limiter-flexible's in-memory window; the address is Express's (the socket's, or
 * the forwarding header's only from the configured trusted proxies). Over the limit: 429 with
 * Retry-After.
 */
@Injectable()
export class OpenDataRateGuard implements CanActivate {
  readonly #limiter = new RateLimiterMemory({
    keyPrefix: 'open-data',
    points: OPEN_DATA_REQUESTS_PER_MINUTE,
    duration: 60,
  });

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    try {
      await this.#limiter.consume(address);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new TooManyRequestsError(
        error.msBeforeNext / 1000,
        'too many requests for open data from this address: try again later',
      );
    }
    return true;
  }
}
