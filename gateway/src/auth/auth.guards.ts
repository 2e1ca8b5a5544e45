import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { UnauthenticatedError } from '../common/errors.js';
import { assertAllowed } from '../common/permissions.js';
import { IS_PUBLIC, ROLES_KEY, principalOf, type RoleRule } from './auth.decorators.js';
import { JWT_AUTHENTICATOR, type JwtAuthenticator } from './jwt.strategy.js';
import type { Principal } from './principal.js';

/** Requires a valid bearer token on every route not marked {@link Public}; sets `request.user`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_AUTHENTICATOR) private readonly authenticator: JwtAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const open = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (open === true) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { user?: Principal }>();
    const response = http.getResponse<Response>();
    request.user = await new Promise<Principal>((resolve, reject) => {
      const middleware = this.authenticator.authenticate(
        'jwt',
        { session: false },
        (error: unknown, user: Principal | false | undefined, info: unknown) => {
          if (error instanceof Error) {
            reject(error);
            return;
          }
          if (user === false || user === undefined) {
            const reason = info instanceof Error ? info.message : 'a bearer token is required';
            reject(
              new UnauthenticatedError(
                reason === 'No auth token' ? 'a bearer token is required' : reason,
              ),
            );
            return;
          }
          resolve(user);
        },
      ) as (request: Request, response: Response, next: (error?: unknown) => void) => void;
      middleware(request, response, reject);
    });
    return true;
  }
}

/** Enforces {@link Roles} against the principal's role and the organization's type. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<RoleRule | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule === undefined) return true;
    assertAllowed(principalOf(context.switchToHttp().getRequest<Request>()), rule);
    return true;
  }
}
