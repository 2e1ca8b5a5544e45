import { describe, expect, it } from 'vitest';
import { TooManyRequestsError } from '../common/errors.js';
import { createLoginLimits } from './login-limits.js';

const limits = (): ReturnType<typeof createLoginLimits> =>
  createLoginLimits({ attemptsPerAddressPerMinute: 3, accountFailures: 3, lockoutSeconds: 60 });

async function refusal(work: Promise<void>): Promise<TooManyRequestsError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TooManyRequestsError);
  return error as TooManyRequestsError;
}

describe('login limits', () => {
  it('holds an address off after its failed sign-ins of the minute, and says when to come back', async () => {
    const l = limits();
    for (let i = 0; i < 3; i += 1) {
      await l.assertAddressOpen('10.0.0.1');
      await l.recordAddressFailure('10.0.0.1');
    }
    const refused = await refusal(l.assertAddressOpen('10.0.0.1'));
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(/failed sign-ins from this address/);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    await l.assertAddressOpen('10.0.0.2');
  });

  it("locks an account's unknown devices after wrong passwords, never a known device", async () => {
    const l = limits();
    const unknown = { username: 'Alice' };
    const known = { username: 'alice', deviceId: 'd1' };
    for (let i = 0; i < 3; i += 1) {
      await l.assertAccountOpen(unknown);
      await l.recordFailure({ username: 'alice' });
    }
    const refused = await refusal(l.assertAccountOpen(unknown));
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.message).toMatch(/new devices/);
    await l.assertAccountOpen(known);
    await l.assertAccountOpen({ username: 'bob' });
    for (let i = 0; i < 3; i += 1) await l.recordFailure(known);
    expect((await refusal(l.assertAccountOpen(known))).message).toMatch(/this device/);
    await l.assertAccountOpen({ username: 'alice', deviceId: 'd2' });
  });

  it('clears the count after the right password', async () => {
    const l = limits();
    for (let i = 0; i < 2; i += 1) await l.recordFailure({ username: 'alice' });
    await l.recordSuccess({ username: 'alice' });
    for (let i = 0; i < 2; i += 1) await l.recordFailure({ username: 'alice' });
    await l.assertAccountOpen({ username: 'alice' });
  });
});
