import {
  SetMetadata,
  createParamDecorator,
  type CustomDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { UnauthenticatedError } from '../common/errors.js';
import type { OrgType } from '../config/connection-profile.js';
import type { Role } from '../identities/roles.js';
import type { Principal } from './principal.js';

/** Metadata key of {@link Public}. */
export const IS_PUBLIC = 'consent-ledger:public';
/** Metadata key of {@link Roles}. */
export const ROLES_KEY = 'consent-ledger:roles';

/** Marks a route as open to anyone (no access token). */
export const Public = (): CustomDecorator => SetMetadata(IS_PUBLIC, true);

/** Roles allowed on a route: a list for every organization type, or a list per type. */
export type RoleRule = readonly Role[] | Readonly<Partial<Record<OrgType, readonly Role[]>>>;

/**
 * Restricts a route to roles: `@Roles('patient')`, or per organization type:
 * `@Roles({ hospital: ['clinician', 'admin'], enterprise: ['admin', 'analyst'] })`.
 */
export function Roles(...rule: [RoleRule] | Role[]): CustomDecorator {
  const [first] = rule;
  const value: RoleRule = rule.length === 1 && typeof first === 'object' ? first : (rule as Role[]);
  return SetMetadata(ROLES_KEY, value);
}

/** Roles a rule allows in an organization of `orgType`. */
export function rolesAllowed(rule: RoleRule, orgType: OrgType): readonly Role[] {
  if (Array.isArray(rule)) return rule as readonly Role[];
  return (rule as Readonly<Partial<Record<OrgType, readonly Role[]>>>)[orgType] ?? [];
}

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
