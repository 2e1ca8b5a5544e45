import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, detailOf, messageOf, parseEventBlocks } from './api.client.ts';
import { setLanguage } from './i18n/i18n.ts';

describe('the API client helpers', () => {
  it('splits a server-sent-events buffer into whole blocks and keeps the partial rest', () => {
    expect(parseEventBlocks('id: 1\ndata: {"a":1}\n\nid: 2\ndata: {"b"')).toEqual({
      blocks: ['id: 1\ndata: {"a":1}'],
      rest: 'id: 2\ndata: {"b"',
    });
    expect(parseEventBlocks('id: 3\r\ndata: {}\r\n\r\n: heartbeat\n\n')).toEqual({
      blocks: ['id: 3\ndata: {}', ': heartbeat'],
      rest: '',
    });
  });

  it('words errors from the gateway code in the chosen language, the code kept as detail', async () => {
    await setLanguage('zh-CN');
    expect(messageOf(new ApiError(403, 'FORBIDDEN', 'not yours'))).toBe('您没有权限进行此操作。');
    expect(messageOf(new ApiError(0, 'NETWORK', 'unreachable'))).toBe(
      '无法连接到服务器，请检查网络后重试。',
    );
    // A code the catalogue does not know reads as a general failure, never as the raw code.
    expect(messageOf(new ApiError(502, 'HTTP_ERROR', 'The gateway answered 502.'))).toBe(
      '系统出现了问题，请稍后再试。',
    );
    await setLanguage('en');
    expect(messageOf(new ApiError(403, 'FORBIDDEN', 'not yours'))).toBe(
      'You are not allowed to do this.',
    );
    expect(detailOf(new ApiError(403, 'FORBIDDEN', 'not yours'))).toBe('FORBIDDEN: not yours');
    expect(detailOf(new Error('plain'))).toBeUndefined();
    expect(messageOf(new Error('plain'))).toBe('plain');
    expect(messageOf('text')).toBe('text');
  });
});

describe('the API client session', () => {
  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('refreshes once for concurrent 401s, retries with the new token and reports it', async () => {
    const seen: string[] = [];
    let refreshes = 0;
    const fetchFake = vi.fn((path: string, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization') ?? '';
      seen.push(`${path} ${auth}`);
      if (path === '/auth/refresh') {
        refreshes += 1;
        expect(JSON.parse(init?.body as string)).toEqual({ refreshToken: 'r1' });
        return Promise.resolve(
          json(200, { accessToken: 'a2', refreshToken: 'r2', tokenType: 'Bearer' }),
        );
      }
      if (auth === 'Bearer a1')
        return Promise.resolve(json(401, { code: 'TOKEN_EXPIRED', message: 'x' }));
      return Promise.resolve(json(200, { ok: path }));
    });
    vi.stubGlobal('fetch', fetchFake);
    try {
      const kept: unknown[] = [];
      const api = createApiClient(
        { accessToken: 'a1', refreshToken: 'r1' },
        { onTokens: (tokens) => kept.push(tokens) },
      );
      const answers = await Promise.all([api.get('/one'), api.get('/two')]);
      expect(answers).toEqual([{ ok: '/one' }, { ok: '/two' }]);
      expect(refreshes).toBe(1);
      expect(api.tokens).toEqual({ accessToken: 'a2', refreshToken: 'r2' });
      expect(kept).toEqual([{ accessToken: 'a2', refreshToken: 'r2' }]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('gives up with the 401 when the session has ended', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(json(401, { code: 'UNAUTHENTICATED', message: 'the session has ended' })),
      ),
    );
    try {
      const api = createApiClient({ accessToken: 'a1', refreshToken: 'r1' });
      await expect(api.get('/one')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
