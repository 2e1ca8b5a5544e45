import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service.js';

/** Counts and times every HTTP request by method, route pattern and status. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = performance.now();
    response.once('finish', () => {
      const route = (request.route as { path?: unknown } | undefined)?.path;
      this.metrics.observeHttp({
        method: request.method,
        route: typeof route === 'string' ? `${request.baseUrl}${route}` : 'unmatched',
        status: response.statusCode,
        seconds: (performance.now() - started) / 1000,
      });
    });
    next();
  }
}
