import { NEVER, filter, map, merge, take, timer, type Observable } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import type { Sessions } from './sessions.js';

/**
 * Emits once when the principal's access token expires or its session is ended (logout, "end all
 * sessions", the user disabled), whichever comes first: a long-lived answer such as the event
 * stream ends there, and the client resumes with a fresh token. Never emits for a principal
 * without a session (in-process callers).
 */
export function sessionEnd(sessions: Pick<Sessions, 'ended'>, caller: Principal): Observable<void> {
  const { session } = caller;
  if (session === undefined) return NEVER;
  return merge(
    timer(new Date(session.tokenExpiresAt)),
    sessions.ended.pipe(
      filter(
        (end) =>
          end.username === caller.username &&
          (!('sessionId' in end) || end.sessionId === session.id),
      ),
    ),
  ).pipe(
    take(1),
    map(() => undefined),
  );
}
