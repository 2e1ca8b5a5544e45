import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { LOGIN_LIMITS, type LoginLimits } from './login-limits.js';

/**
 * Counts a sign-in attempt (login, refresh, activation) against the client's address, as Express
 * sees it: the socket's, or the forwarding header's only from the configured trusted proxies.
 */
@Injectable()
export class SignInRateGuard implements CanActivate {
  constructor(@Inject(LOGIN_LIMITS) private readonly limits: LoginLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.limits.takeAddressAttempt(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    return true;
  }
}
