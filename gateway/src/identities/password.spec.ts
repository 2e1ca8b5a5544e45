import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';

/** A hash as the gateway made them before argon2id (scrypt N=16384, r=8, p=1). */
function scryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N: 16_384, r: 8, p: 1 });
  return ['scrypt', 16_384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

describe('password hashing', () => {
  it('hashes with argon2id and the current parameters, salted, and verifies', async () => {
    const hash = await hashPassword('violet-harbor-lantern');
    expect(hash).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(await verifyPassword('violet-harbor-lantern', hash)).toEqual({
      ok: true,
      rehash: false,
    });
    expect(await verifyPassword('violet-harbor-lanterN', hash)).toEqual({
      ok: false,
      rehash: false,
    });
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('verifies the NFKC form: a password typed composed or decomposed is the same', async () => {
    const hash = await hashPassword('café-au-lait-15'.normalize('NFC'));
    expect((await verifyPassword('cafe\u0301-au-lait-15', hash)).ok).toBe(true);
  });

  it('still verifies the scrypt hashes of before and asks to rehash them', async () => {
    const old = scryptHash('correct horse battery');
    expect(await verifyPassword('correct horse battery', old)).toEqual({ ok: true, rehash: true });
    expect(await verifyPassword('wrong horse battery', old)).toEqual({ ok: false, rehash: false });
  });

  it('asks to rehash an argon2id hash of weaker parameters, and refuses garbage', async () => {
    const { hash } = await import('@node-rs/argon2');
    const weak = await hash('violet-harbor-lantern', { memoryCost: 4096, timeCost: 1 });
    expect(await verifyPassword('violet-harbor-lantern', weak)).toEqual({ ok: true, rehash: true });
    for (const garbage of ['garbage', '$argon2id$nonsense', 'scrypt$x', '$argon2i$v=19$m=1$x$y'])
      expect(await verifyPassword('x', garbage)).toEqual({ ok: false, rehash: false });
  });
});
