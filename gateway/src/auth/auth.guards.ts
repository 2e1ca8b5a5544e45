import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { PATIENT_ACTION_NAMES, refusal } from '@consent-ledger/ledger-api';
import { ForbiddenError, TokenExpiredError, UnauthenticatedError } from '../common/errors.js';
import { IS_PUBLIC, ROUTE_RULE_KEY, principalOf, type RouteRule } from './auth.decorators.js';
import { JWT_AUTHENTICATOR, type JwtAuthenticator } from './jwt.strategy.js';
import type { Principal } from './principal.js';

/**
 * Our own words for passport-jwt's refusal (its texts, such as "invalid algorithm" or "jwt
 * signature is required", name library internals): expired (TOKEN_EXPIRED, so that a client knows
 * to refresh), missing, or not a valid token.
 */
function tokenRefusal(info: unknown): UnauthenticatedError | TokenExpiredError {
  if (info instanceof Error && info.name === 'TokenExpiredError') return new TokenExpiredError();
  if (info instanceof Error && info.message === 'No auth token')
    return new UnauthenticatedError('a bearer token is required');
  return new UnauthenticatedError('a valid bearer token is required');
}

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
            reject(tokenRefusal(info));
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

const PATIENT_ACTIONS: ReadonlySet<string> = new Set(PATIENT_ACTION_NAMES);

/**
 * Throws FORBIDDEN unless the principal may take a route: for a transaction, ledger-api's
 * `refusal` (the matrix the chaincode enforces, for a user of this registered organization), with
 * its text; for a gateway-only route, its roles. A transaction the patient signs (the matrix lets
 * any member carry it) is taken by a patient's or guardian's session only: staff never speak for
 * a patient through this gateway.
 */
export function authorize(rule: RouteRule, principal: Principal): void {
  if ('transaction' in rule) {
    if (PATIENT_ACTIONS.has(rule.transaction) && principal.role !== 'patient')
      throw new ForbiddenError(
        `${rule.transaction} is signed by the patient: a patient's or guardian's session only`,
      );
    const refused = refusal(rule.transaction, {
      mspId: principal.mspId,
      role: principal.role,
      orgType: principal.orgType,
      registered: true,
    });
    if (refused !== undefined) throw new ForbiddenError(refused);
    return;
  }
  if (!rule.roles.includes(principal.role))
    throw new ForbiddenError(`requires the role ${rule.roles.join(' or ')}`);
}

/**
 * Enforces {@link Authorize} and {@link Roles} (the route's rule) against the principal, once per
 * request, before the pipes validate the body: a caller the rule refuses gets 403 whatever it sent.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<RouteRule | undefined>(ROUTE_RULE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule === undefined) return true;
    authorize(rule, principalOf(context.switchToHttp().getRequest<Request>()));
    return true;
  }
}
