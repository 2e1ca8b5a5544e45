import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { openDatabase } from '../storage/database.js';
import { sessionEnd } from './session-end.js';
import { createSessions, type SessionEnd } from './sessions.js';
import { createSessionsStore } from './sessions.store.js';

function fixture(): { sessions: ReturnType<typeof createSessions>; clock: { now: number } } {
  const clock = { now: Date.UTC(2026, 11, 6, 8) };
  const sessions = createSessions({
    store: createSessionsStore(openDatabase(':memory:')),
    ttlSeconds: 3600,
    idleSeconds: 600,
    now: () => clock.now,
  });
  return { sessions, clock };
}

describe('sessions', () => {
  it('opens a session whose refresh token rotates on every use', () => {
    const { sessions, clock } = fixture();
    const opened = sessions.open('alice');
    expect(sessions.isOpen(opened.id, 'alice')).toBe(true);
    expect(sessions.isOpen(opened.id, 'bob')).toBe(false);
    clock.now += 60_000;
    const first = sessions.refresh(opened.refreshToken);
    expect(first.session).toMatchObject({ id: opened.id, username: 'alice' });
    expect(first.refreshToken).not.toBe(opened.refreshToken);
    const second = sessions.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(sessions.openCounts().get('alice')).toBe(1);
  });

  it('ends the session when a refresh token is used twice (a copy is loose)', () => {
    const { sessions } = fixture();
    const ended: SessionEnd[] = [];
    sessions.ended.subscribe((end) => ended.push(end));
    const opened = sessions.open('alice');
    const next = sessions.refresh(opened.refreshToken);
    expect(() => sessions.refresh(opened.refreshToken)).toThrow(/already used/);
    expect(sessions.isOpen(opened.id, 'alice')).toBe(false);
    expect(() => sessions.refresh(next.refreshToken)).toThrow(/session has ended/);
    expect(ended).toEqual([{ sessionId: opened.id, username: 'alice' }]);
  });

  it('refuses unknown, malformed, idle and expired refresh tokens', () => {
    const { sessions, clock } = fixture();
    const opened = sessions.open('alice');
    for (const token of ['', 'x', 'a.b.c', `${opened.id}.wrong`, `nope.${'a'.repeat(43)}`])
      expect(() => sessions.refresh(token), token).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      );
    expect(sessions.isOpen(opened.id, 'alice')).toBe(true);
    clock.now += 601_000;
    expect(() => sessions.refresh(opened.refreshToken)).toThrow(/idle/);
    expect(sessions.isOpen(opened.id, 'alice')).toBe(false);

    let other = sessions.open('bob');
    for (let minute = 0; minute < 59; minute += 1) {
      clock.now += 60_000;
      other = { ...other, refreshToken: sessions.refresh(other.refreshToken).refreshToken };
    }
    clock.now += 60_000;
    expect(sessions.isOpen(other.id, 'bob')).toBe(false);
    expect(() => sessions.refresh(other.refreshToken)).toThrow(/session has ended/);
  });

  it('ends one session, or all of a user, and says so', () => {
    const { sessions } = fixture();
    const ended: SessionEnd[] = [];
    sessions.ended.subscribe((end) => ended.push(end));
    const a = sessions.open('alice');
    const b = sessions.open('alice');
    const c = sessions.open('carol');
    expect(sessions.end(a.id, 'logout')).toBe(true);
    expect(sessions.end(a.id, 'logout')).toBe(false);
    expect(sessions.isOpen(b.id, 'alice')).toBe(true);
    expect(sessions.endAll('alice', 'disabled')).toBe(1);
    expect(sessions.isOpen(b.id, 'alice')).toBe(false);
    expect(sessions.isOpen(c.id, 'carol')).toBe(true);
    expect(ended).toEqual([{ sessionId: a.id, username: 'alice' }, { username: 'alice' }]);
    expect([...sessions.openCounts()]).toEqual([['carol', 1]]);
  });
});

describe('sessionEnd', () => {
  const caller = (expiresInMs: number): Principal => ({
    username: 'alice',
    role: 'clinician',
    mspId: 'TertiaryHospitalMSP',
    orgType: 'hospital',
    session: { id: 's1', tokenExpiresAt: Date.now() + expiresInMs },
  });

  it('fires when the token expires', async () => {
    const ended = new Subject<SessionEnd>();
    const started = Date.now();
    await new Promise<void>((resolve) => {
      sessionEnd({ ended }, caller(80)).subscribe(() => {
        resolve();
      });
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it("fires when the caller's session or all the user's sessions end, not another's", () => {
    const ended = new Subject<SessionEnd>();
    const fired: string[] = [];
    sessionEnd({ ended }, caller(60_000)).subscribe(() => fired.push('one'));
    sessionEnd({ ended }, caller(60_000)).subscribe(() => fired.push('two'));
    ended.next({ sessionId: 's2', username: 'alice' });
    ended.next({ username: 'bob' });
    ended.next({ sessionId: 's1', username: 'bob' });
    expect(fired).toEqual([]);
    ended.next({ sessionId: 's1', username: 'alice' });
    expect(fired).toEqual(['one', 'two']);
    ended.next({ username: 'alice' });
    expect(fired).toEqual(['one', 'two']);
  });
});
