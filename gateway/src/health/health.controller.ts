import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { HealthService, type Readiness } from './health.service.js';

/** Liveness and readiness. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process answers. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The peer is reachable and the chaincode answers, within a deadline. */
  @Public()
  @Get('ready')
  @ApiOkResponse({ description: 'ready' })
  @ApiServiceUnavailableResponse({ description: 'LEDGER_UNAVAILABLE' })
  ready(): Promise<Readiness> {
    return this.health.ready();
  }
}
