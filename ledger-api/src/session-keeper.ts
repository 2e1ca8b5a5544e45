import type { AccessToken } from './gateway.api.ts';

/** The gateway's error code for an access token past its expiry (HTTP 401). */
export const TOKEN_EXPIRED = 'TOKEN_EXPIRED';

/**
 * Keeps the sessions of a long-running client (scripts, tests, the benchmark) alive without
 * changing how it passes tokens around: the client keeps using the first access token of a
 * session as its handle; the keeper maps it to the session's current access token and, when the
 * gateway answers TOKEN_EXPIRED, exchanges the refresh token for a new pair.
 */
export interface SessionKeeper {
  /** Remembers a login's, activation's or refresh's answer; answers its handle (the access token). */
  remember(answer: Pick<AccessToken, 'accessToken' | 'refreshToken'>): string;
  /** The current access token of a handle (the handle itself when it is not a kept session's). */
  current(handle: string): string;
  /**
   * Refreshes a handle's session with `refresh` (POST /auth/refresh); true when the handle has a
   * new access token to retry with. One refresh at a time per session.
   */
  renew(
    handle: string,
    refresh: (refreshToken: string) => Promise<AccessToken | undefined>,
  ): Promise<boolean>;
}

/** Whether a gateway answer says the access token expired (and a refresh may help). */
export function isTokenExpired(status: number, body: unknown): boolean {
  return (
    status === 401 &&
    typeof body === 'object' &&
    body !== null &&
    (body as { code?: unknown }).code === TOKEN_EXPIRED
  );
}

interface Kept {
  access: string;
  refresh: string;
  renewing?: Promise<boolean>;
}

class MapSessionKeeper implements SessionKeeper {
  readonly #sessions = new Map<string, Kept>();

  remember(answer: Pick<AccessToken, 'accessToken' | 'refreshToken'>): string {
    this.#sessions.set(answer.accessToken, {
      access: answer.accessToken,
      refresh: answer.refreshToken,
    });
    return answer.accessToken;
  }

  current(handle: string): string {
    return this.#sessions.get(handle)?.access ?? handle;
  }

  renew(
    handle: string,
    refresh: (refreshToken: string) => Promise<AccessToken | undefined>,
  ): Promise<boolean> {
    const kept = this.#sessions.get(handle);
    if (kept === undefined) return Promise.resolve(false);
    kept.renewing ??= refresh(kept.refresh)
      .then((answer) => {
        if (answer === undefined) return false;
        kept.access = answer.accessToken;
        kept.refresh = answer.refreshToken;
        return true;
      })
      .finally(() => {
        kept.renewing = undefined;
      });
    return kept.renewing;
  }
}

/** A keeper of sessions in memory. */
export function createSessionKeeper(): SessionKeeper {
  return new MapSessionKeeper();
}
