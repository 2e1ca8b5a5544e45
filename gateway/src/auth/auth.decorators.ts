import {
  SetMetadata,
  createParamDecorator,
  type CustomDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import type { AuthorizedName, Role } from '@consent-ledger/ledger-api';
import type { Request } from 'express';
import { UnauthenticatedError } from '../common/errors.js';
import type { Principal } from './principal.js';

/** Metadata key of {@link Public}. */
export const IS_PUBLIC = 'consent-ledger:public';
/** Metadata key of {@link Authorize} and {@link Roles}. */
export const ROUTE_RULE_KEY = 'consent-ledger:route-rule';

/** Marks a route as open to anyone (no access token). */
export const Public = (): CustomDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Who may call a route: whoever ledger-api's authorization matrix lets call the transaction the
 * route calls, or, for the gateway's own routes (no transaction), a list of roles.
 */
export type RouteRule =
  { readonly transaction: AuthorizedName } | { readonly roles: readonly Role[] };

/**
 * Restricts a route to the callers the authorization matrix admits to the transaction it calls:
 * `@Authorize('consent:GrantConsent')`. The chaincode checks the same rule again (the trust
 * boundary); this is the gateway's one early check, made before the body is validated.
 */
export const Authorize = (transaction: AuthorizedName): CustomDecorator =>
  SetMetadata(ROUTE_RULE_KEY, { transaction } satisfies RouteRule);

/** Restricts a gateway-only route (one that calls no transaction) to roles: `@Roles('admin')`. */
export const Roles = (...roles: readonly Role[]): CustomDecorator =>
  SetMetadata(ROUTE_RULE_KEY, { roles } satisfies RouteRule);

/** The principal of an authenticated request. */
export function principalOf(request: Request): Principal {
  const { user } = request as Request & { user?: Principal };
  if (user === undefined) throw new UnauthenticatedError();
  return user;
}

/** Injects the request's {@link Principal}. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    principalOf(context.switchToHttp().getRequest<Request>()),
);
