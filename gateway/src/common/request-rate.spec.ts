import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createRequestRate } from './request-rate.js';

function app(perSecond: number, maxWaiting: number, maxWaitMs: number): express.Express {
  const server = express();
  server.use(
    createRequestRate({
      perSecond,
      maxWaiting,
      maxWaitMs,
      callerOf: (req) => String(req.headers['x-caller'] ?? 'anonymous'),
    }),
  );
  server.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  return server;
}

describe('the per-caller request rate', () => {
  it('makes a burst wait its turn, refuses what cannot wait, and never slows another caller', async () => {
    const server = app(5, 5, 1_500);
    const started = Date.now();
    const burst = Array.from({ length: 20 }, () =>
      request(server).get('/').set('x-caller', 'flood'),
    );
    const other = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const begun = Date.now();
      const answer = await request(server).get('/').set('x-caller', 'someone-else');
      return { status: answer.status, ms: Date.now() - begun };
    })();
    const answers = await Promise.all(burst);
    const statuses = answers.map((answer) => answer.status);
    // 5 at once, 5 waiting for the next second; the other 10 refused at once.
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.headers['retry-after']).toBe('1');
    expect(refused?.body).toEqual({
      statusCode: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'too many requests from this caller: slow down',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await other).toMatchObject({ status: 200 });
    expect((await other).ms).toBeLessThan(500);
  });

  it('refuses a request that would wait longer than allowed', async () => {
    const server = app(1, 10, 100);
    const first = await request(server).get('/').set('x-caller', 'c');
    const second = await request(server).get('/').set('x-caller', 'c');
    expect([first.status, second.status]).toEqual([200, 429]);
  });

  it('is off at 0', async () => {
    const server = app(0, 0, 0);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => request(server).get('/').set('x-caller', 'c')),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });
});
