import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LOGIN_LIMITS, type LoginLimits } from './login-limits.js';

/**
 * Holds an address off signing in (login, refresh, activation) once it failed too often this
 * minute, and counts its failures; the address is Express's: the socket's, or the forwarding
 * header's only from the configured trusted proxies.
 */
@Injectable()
export class SignInRateGuard implements CanActivate {
  constructor(@Inject(LOGIN_LIMITS) private readonly limits: LoginLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    await this.limits.assertAddressOpen(address);
    // Refused as unauthenticated or forbidden (wrong password, refresh token, enrolment code):
    // a failed sign-in of this address.
    http.getResponse<Response>().once('finish', () => {
      const { statusCode } = http.getResponse<Response>();
      if (statusCode === 401 || statusCode === 403) void this.limits.recordAddressFailure(address);
    });
    return true;
  }
}
