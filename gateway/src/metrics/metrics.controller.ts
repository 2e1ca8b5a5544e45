import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../common/errors.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { MetricsService } from './metrics.service.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Whether an Authorization header carries `Bearer <token>` (compared in constant time, through
 * digests of equal length).
 */
export function isMetricsToken(header: string | undefined, token: string): boolean {
  return header !== undefined && timingSafeEqual(digest(header), digest(`Bearer ${token}`));
}

/**
 * Prometheus scrape endpoint, behind GATEWAY_METRICS_TOKEN (sent as a bearer token): 401 without
 * credentials, 403 with any others (a user's access token included); 404 when no token is
 * configured. Not an access token: a scraper holds no user's session.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const token = this.config.GATEWAY_METRICS_TOKEN;
    if (token === undefined) throw new NotFoundError('NOT_FOUND', 'metrics are off');
    if (authorization === undefined)
      throw new UnauthenticatedError('the metrics token is required');
    if (!isMetricsToken(authorization, token))
      throw new ForbiddenError('the metrics token is required');
    return this.metrics.registry.metrics();
  }
}
