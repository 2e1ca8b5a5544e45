import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdpUnavailableError, OidcRefusedError } from '../common/errors.js';
import type { UserRecord } from '../identities/users.store.js';
import { createSessions } from '../sessions/sessions.js';
import { createSessionsStore } from '../sessions/sessions.store.js';
import { openDatabase } from '../storage/database.js';
import { createIdpSessions } from './idp-sessions.js';
import { createIdpSessionsStore } from './idp-sessions.store.js';
import type { IdpTokens, RelyingParty } from './oidc.relying-party.js';

type RefreshAnswer = Partial<IdpTokens> & { refreshToken: string };

/** A relying party whose provider answers what the test says (the flow itself is e2e-tested). */
function fakeProvider(answer: (refreshToken: string) => Promise<RefreshAnswer>): RelyingParty & {
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    start: () => Promise.reject(new Error('not in this spec')),
    complete: () => Promise.reject(new Error('not in this spec')),
    refresh: (refreshToken) => {
      calls.push(refreshToken);
      return answer(refreshToken);
    },
  };
}

function fixture(relyingParty: RelyingParty | undefined) {
  const db = openDatabase(':memory:');
  const sessions = createSessions({
    store: createSessionsStore(db),
    ttlSeconds: 3600,
    idleSeconds: 600,
  });
  const store = createIdpSessionsStore({ db, key: randomBytes(32) });
  const user: UserRecord = {
    username: 'idp-0123',
    passwordHash: '!identity-provider',
    role: 'clinician',
    createdAt: '2026-12-06T08:00:00.000Z',
  };
  const idpSessions = createIdpSessions({
    relyingParty,
    roleMapping: { claim: 'consent_ledger_role', map: new Map(), orgType: 'hospital' },
    store,
    sessions,
    findUser: (username) => (username === user.username ? user : undefined),
  });
  const opened = sessions.open(user.username);
  idpSessions.link({
    sessionId: opened.id,
    issuer: 'https://idp/',
    subject: 's1',
    refreshToken: 'rt-1',
  });
  const session = () => {
    const found = sessions.sessionOf(opened.refreshToken);
    if (found === undefined) throw new Error('the session is not open');
    return found;
  };
  return { sessions, store, opened, session, idpSessions };
}

const claims = (role: unknown) => ({ sub: 's1', consent_ledger_role: role });

describe('sessions opened through the identity provider', () => {
  it('asks the provider at every check and keeps its rotated refresh token, sealed', async () => {
    let next = 1;
    const provider = fakeProvider(() => {
      next += 1;
      return Promise.resolve({ refreshToken: `rt-${String(next)}`, claims: claims('clinician') });
    });
    const { idpSessions, session, store, opened } = fixture(provider);
    await idpSessions.recheck(session());
    await idpSessions.recheck(session());
    expect(provider.calls).toEqual(['rt-1', 'rt-2']);
    expect(store.find(opened.id)?.refreshToken).toBe('rt-3');
  });

  it('leaves a local account’s session alone', async () => {
    const provider = fakeProvider(() => Promise.reject(new Error('never asked')));
    const { idpSessions, sessions } = fixture(provider);
    const local = sessions.open('alice');
    const record = sessions.sessionOf(local.refreshToken);
    expect(record).toBeDefined();
    if (record !== undefined) await idpSessions.recheck(record);
    expect(provider.calls).toEqual([]);
  });

  it('ends the session when the provider refuses the grant (the user disabled there)', async () => {
    const provider = fakeProvider(() =>
      Promise.reject(new OidcRefusedError('invalid_grant: the user is disabled')),
    );
    const { idpSessions, session, sessions, opened, store } = fixture(provider);
    await expect(idpSessions.recheck(session())).rejects.toMatchObject({ code: 'OIDC_REFUSED' });
    expect(sessions.isOpen(opened.id, 'idp-0123')).toBe(false);
    // The grant is forgotten with the session.
    expect(store.find(opened.id)).toBeUndefined();
  });

  it.each([
    ['another role', 'analyst'],
    ['no role', undefined],
    ['an unknown role', 'surgeon'],
  ])('ends the session when the new ID token carries %s', async (_, role) => {
    const provider = fakeProvider(() =>
      Promise.resolve({ refreshToken: 'rt-2', claims: claims(role) }),
    );
    const { idpSessions, session, sessions, opened } = fixture(provider);
    await expect(idpSessions.recheck(session())).rejects.toMatchObject({ code: 'OIDC_REFUSED' });
    expect(sessions.isOpen(opened.id, 'idp-0123')).toBe(false);
  });

  it('keeps the session (and the grant) when the provider cannot be reached', async () => {
    const provider = fakeProvider(() => Promise.reject(new IdpUnavailableError('timeout')));
    const { idpSessions, session, sessions, opened, store } = fixture(provider);
    await expect(idpSessions.recheck(session())).rejects.toMatchObject({ code: 'IDP_UNAVAILABLE' });
    expect(sessions.isOpen(opened.id, 'idp-0123')).toBe(true);
    expect(store.find(opened.id)?.refreshToken).toBe('rt-1');
  });

  it('asks the provider once for concurrent checks of one session (its grant rotates)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const provider = fakeProvider(async () => {
      await gate;
      return { refreshToken: 'rt-2' };
    });
    const { idpSessions, session } = fixture(provider);
    const checks = [idpSessions.recheck(session()), idpSessions.recheck(session())];
    release();
    await Promise.all(checks);
    expect(provider.calls).toEqual(['rt-1']);
  });

  it('ends a linked session when no provider is trusted any more', async () => {
    const { idpSessions, session, sessions, opened } = fixture(undefined);
    await expect(idpSessions.recheck(session())).rejects.toMatchObject({ code: 'OIDC_REFUSED' });
    expect(sessions.isOpen(opened.id, 'idp-0123')).toBe(false);
  });
});
