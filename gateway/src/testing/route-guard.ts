import 'reflect-metadata';
import { ROUTE_RULE_KEY, type RouteRule } from '../auth/auth.decorators.js';
import { authorize } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';

/** A route and who takes it. */
export interface RouteCall {
  /** The route's handler: a controller method (`ConsentsController.prototype.grant`). */
  readonly handler: object;
  readonly caller: Principal;
}

/**
 * Calls a service as a route lets it be called: the route's rule (`@Authorize` / `@Roles`) is
 * checked first, by the roles guard's own `authorize`, and `call` runs only if the caller passes.
 * For service tests of who may call what: the services check no roles, the route does, once.
 */
export async function throughRoute<T>(
  route: Readonly<RouteCall>,
  call: (caller: Principal) => Promise<T>,
): Promise<T> {
  const rule = Reflect.getMetadata(ROUTE_RULE_KEY, route.handler) as RouteRule | undefined;
  if (rule !== undefined) authorize(rule, route.caller);
  return await call(route.caller);
}
