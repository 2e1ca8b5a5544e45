import { describe, expect, it } from 'vitest';
import type { AccessToken } from './gateway.api.ts';
import { createSessionKeeper, isTokenExpired } from './session-keeper.ts';

const answer = (access: string, refresh: string): AccessToken => ({
  accessToken: access,
  tokenType: 'Bearer',
  expiresIn: 300,
  refreshToken: refresh,
  refreshExpiresIn: 43_200,
});

describe('session keeper', () => {
  it('maps a handle to the current token and renews it once for concurrent callers', async () => {
    const keeper = createSessionKeeper();
    const handle = keeper.remember(answer('a1', 'r1'));
    expect(handle).toBe('a1');
    expect(keeper.current('a1')).toBe('a1');
    expect(keeper.current('unknown')).toBe('unknown');
    const presented: string[] = [];
    const refresh = async (token: string): Promise<AccessToken> => {
      presented.push(token);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return answer('a2', 'r2');
    };
    expect(await Promise.all([keeper.renew('a1', refresh), keeper.renew('a1', refresh)])).toEqual([
      true,
      true,
    ]);
    expect(presented).toEqual(['r1']);
    expect(keeper.current('a1')).toBe('a2');
    await keeper.renew('a1', refresh);
    expect(presented).toEqual(['r1', 'r2']);
  });

  it('says false for an unknown handle or a refused refresh', async () => {
    const keeper = createSessionKeeper();
    expect(await keeper.renew('nope', () => Promise.resolve(answer('x', 'y')))).toBe(false);
    keeper.remember(answer('a1', 'r1'));
    expect(await keeper.renew('a1', () => Promise.resolve(undefined))).toBe(false);
    expect(keeper.current('a1')).toBe('a1');
  });

  it('recognizes only the expired-token answer', () => {
    expect(isTokenExpired(401, { code: 'TOKEN_EXPIRED' })).toBe(true);
    expect(isTokenExpired(401, { code: 'UNAUTHENTICATED' })).toBe(false);
    expect(isTokenExpired(403, { code: 'TOKEN_EXPIRED' })).toBe(false);
    expect(isTokenExpired(401, 'TOKEN_EXPIRED')).toBe(false);
    expect(isTokenExpired(401, null)).toBe(false);
  });
});
