import { Global, Module } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus metrics: HTTP requests, ledger calls, retries, and the process defaults. The HTTP
 * middleware is mounted by `configureApp`, ahead of the body parsers, so every request is counted.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetricsMiddleware],
  exports: [MetricsService, HttpMetricsMiddleware],
})
export class MetricsModule {}
