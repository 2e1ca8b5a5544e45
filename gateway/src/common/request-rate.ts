import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Options of {@link createRequestRate}. */
export interface RequestRateOptions {
  /** Requests per second each caller is served; 0 turns the limit off. */
  readonly perSecond: number;
  /** Requests of one caller that may wait for their turn; beyond, 429 at once. */
  readonly maxWaiting: number;
  /** The longest a request waits for its turn before 429. */
  readonly maxWaitMs: number;
  /** The caller a request is counted against: its verified user, or its address. */
  readonly callerOf: (request: Request) => string;
}

/**
 * Express middleware, first in the chain: serves each caller (the user of a verified bearer token,
 * else the client address) at most `perSecond` requests a second. A request over the rate waits
 * for the next second's turn (up to `maxWaitMs`, `maxWaiting` at a time per caller) instead of
 * being refused, so a burst of a real client is only slowed; a flood from one caller is held to
 * the rate (its waiting requests cost timers, not CPU), and what cannot wait is refused with 429
 * and `Retry-After` before its body is read. rate-limiter-flexible counts the windows; its own
 * queue (RateLimiterQueue) keeps a queue per key forever, which spoofed-address floods would grow
 * without bound, so waiting is counted here and forgotten at zero.
 */
export function createRequestRate(
  options: Readonly<RequestRateOptions>,
): (request: Request, response: Response, next: NextFunction) => void {
  if (options.perSecond <= 0)
    return (_request, _response, next) => {
      next();
    };
  const limiter = new RateLimiterMemory({
    keyPrefix: 'requests',
    points: options.perSecond,
    duration: 1,
  });
  const waiting = new Map<string, number>();
  const refuse = (response: Response): void => {
    response.status(429).setHeader('Retry-After', '1').setHeader('Connection', 'close').json({
      statusCode: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'too many requests from this caller: slow down',
    });
  };
  const take = async (caller: string, deadline: number): Promise<boolean> => {
    for (;;) {
      try {
        await limiter.consume(caller);
        return true;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const wait = Math.max(error.msBeforeNext, 5);
        if (Date.now() + wait > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  return (request, response, next) => {
    const caller = options.callerOf(request);
    void (async () => {
      try {
        await limiter.consume(caller);
        next();
        return;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) {
          next(error);
          return;
        }
      }
      const queued = waiting.get(caller) ?? 0;
      if (queued >= options.maxWaiting) {
        refuse(response);
        return;
      }
      waiting.set(caller, queued + 1);
      let served: boolean;
      try {
        served = await take(caller, Date.now() + options.maxWaitMs);
      } finally {
        const left = (waiting.get(caller) ?? 1) - 1;
        if (left <= 0) waiting.delete(caller);
        else waiting.set(caller, left);
      }
      if (served && !response.destroyed) next();
      else if (!response.destroyed) refuse(response);
    })().catch(next);
  };
}
