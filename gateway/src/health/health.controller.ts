import { Controller, Get } from '@nestjs/common';

/** Liveness of the gateway process. */
@Controller('health')
export class HealthController {
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
