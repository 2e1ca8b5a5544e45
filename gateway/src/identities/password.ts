import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hash, parseOptions, verify, type Options } from '@node-rs/argon2';

/**
 * Argon2id with OWASP's current parameters (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1),
 * about 12 ms a hash on our 2-CPU machine, off the event loop (napi-rs runs it on libuv's pool).
 * RFC 9106's m=64 MiB, t=3 took 59 ms: five times the CPU an unauthenticated login costs.
 */
export const ARGON2_PARAMS = {
  // The algorithm is the library's default, Argon2id (its `Algorithm` is a const enum, which
  // isolatedModules cannot read); the spec checks the `$argon2id$` prefix.
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

/** Passwords are hashed as NFKC, the form the password policy counts. */
function normalized(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password with argon2id, as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). */
export function hashPassword(password: string): Promise<string> {
  return hash(normalized(password), ARGON2_PARAMS);
}

/** What {@link verifyPassword} found. */
export interface PasswordCheck {
  readonly ok: boolean;
  /** The password matched a hash of an older scheme or weaker parameters: hash it anew. */
  readonly rehash: boolean;
}

/**
 * Checks a password against a stored hash: argon2id, or the scrypt hashes (`scrypt$N$r$p$salt$hash`)
 * of before, which verify once more and ask to be rehashed. Constant time in the comparison.
 */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  if (stored.startsWith('scrypt$')) {
    const ok = await verifyScrypt(password, stored);
    return { ok, rehash: ok };
  }
  if (!stored.startsWith('$argon2id$')) return { ok: false, rehash: false };
  let ok: boolean;
  try {
    ok = await verify(stored, normalized(password));
  } catch {
    return { ok: false, rehash: false };
  }
  return { ok, rehash: ok && weakerThanCurrent(stored) };
}

function weakerThanCurrent(stored: string): boolean {
  const options = parseOptions(stored);
  return (
    options.memoryCost < ARGON2_PARAMS.memoryCost ||
    options.timeCost < ARGON2_PARAMS.timeCost ||
    options.parallelism < ARGON2_PARAMS.parallelism
  );
}

/** The scrypt scheme of before (N=16384, r=8, p=1, 64-byte key), for verification only. */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, key] = stored.split('$');
  if (salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64url');
  const options: ScryptOptions = {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  };
  const actual = await new Promise<Buffer | undefined>((resolve) => {
    scrypt(
      normalized(password),
      Buffer.from(salt, 'base64url'),
      expected.length,
      options,
      (error, derived) => {
        resolve(error === null ? derived : undefined);
      },
    );
  });
  return actual?.length === expected.length && timingSafeEqual(actual, expected);
}
