import {
  DEFAULT_REQUEST_LIMITS,
  REQUEST_WINDOW_DAYS,
  type ConsentRequest,
  type RequestLimitsSetting,
} from '@consent-ledger/ledger-api';
import { changeIdSet, readIdSet } from '../ledger/id-set';
import type { RequestContext } from '../ledger/ledger-context';
import { inCollection, publicState, stateIn } from '../ledger/state';
import { addMillis, descendingTime } from '../ledger/time';

/**
 * Consent request state (keys.ts: `req`, `req~pat`, `req~org`, `req~set`, `req~lim`), kept in the
 * collection of the patient's home and the requester's organization; the limits are public (they
 * are about no patient). A new request finds what the limits count through its set document
 * (`req~set`, the patient and the requester's organization), read by its key: a submit transaction
 * never range-queries private data.
 */

/** The window of the per-period limit, and how long a request stays open. */
export const REQUEST_WINDOW_MILLIS = REQUEST_WINDOW_DAYS * 86_400_000;

/** A request of a collection, if it exists there. */
export function readRequest(
  ctx: RequestContext,
  where: { readonly collection: string; readonly requestId: string },
): Promise<ConsentRequest | undefined> {
  return stateIn(ctx, inCollection(where.collection)).read(['consentRequest', where.requestId]);
}

/** Whether a request is still open at an instant (stored open, not expired). */
export function isOpenAt(request: ConsentRequest, now: string): boolean {
  return request.status === 'open' && now < request.expiresAt;
}

/** A request as reads report it: `expired` once expiresAt has passed while open. */
export function presentRequest(request: ConsentRequest, now: string): ConsentRequest {
  return request.status === 'open' && request.expiresAt <= now
    ? { ...request, status: 'expired' }
    : request;
}

/** What the limits count for a requester organization and a patient, at an instant. */
export interface RequestCounts {
  /** Open requests. */
  readonly open: number;
  /** Requests made within the window before the instant. */
  readonly recent: number;
  /** IDs the set names that neither count any longer (they leave it). */
  readonly stale: readonly string[];
}

/** Counts a requester organization's requests to a patient (keys.ts `req~set`), point reads only. */
export async function countRequests(
  ctx: RequestContext,
  where: Readonly<{ collection: string; patientId: string; requesterOrg: string; now: string }>,
): Promise<RequestCounts> {
  const since = addMillis(where.now, -REQUEST_WINDOW_MILLIS);
  let open = 0;
  let recent = 0;
  const stale: string[] = [];
  for (const requestId of await readIdSet(ctx, {
    type: 'requestSet',
    collection: where.collection,
    patientId: where.patientId,
    org: where.requesterOrg,
  })) {
    const request = await readRequest(ctx, { collection: where.collection, requestId });
    const isOpen = request !== undefined && isOpenAt(request, where.now);
    const isRecent = request !== undefined && request.createdAt > since;
    if (isOpen) open += 1;
    if (isRecent) recent += 1;
    if (!isOpen && !isRecent) stale.push(requestId);
  }
  return { open, recent, stale };
}

/** Writes a request; a new one also gets its indexes and joins its set (stale IDs leave it). */
export async function writeRequest(
  ctx: RequestContext,
  where: Readonly<{ collection: string; request: ConsentRequest; stale?: readonly string[] }>,
  isNew: boolean,
): Promise<void> {
  const { request } = where;
  const state = stateIn(ctx, inCollection(where.collection));
  await state.write({ key: ['consentRequest', request.requestId], value: request });
  if (!isNew) return;
  const rts = descendingTime(request.createdAt);
  await state.index(['requestByPatient', request.patientId, rts, request.requestId]);
  await state.index(['requestByOrg', request.requesterOrg, rts, request.requestId]);
  await changeIdSet(ctx, {
    type: 'requestSet',
    collection: where.collection,
    patientId: request.patientId,
    org: request.requesterOrg,
    add: [request.requestId],
    remove: where.stale ?? [],
  });
}

/** The limits in force: the regulator's, else the defaults. */
export async function readLimits(ctx: RequestContext): Promise<RequestLimitsSetting> {
  const stored = await publicState(ctx.stub).read(['requestLimits']);
  return stored ?? { ...DEFAULT_REQUEST_LIMITS, source: 'default' };
}

/** Writes the regulator's limits (public state). */
export async function writeLimits(
  ctx: RequestContext,
  limits: RequestLimitsSetting,
): Promise<void> {
  await publicState(ctx.stub).write({ key: ['requestLimits'], value: limits });
}
