import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../common/errors.js';

/** One sign-in attempt on an account, from a device that signed in to it before or not. */
export interface AccountAttempt {
  readonly username: string;
  /** The device's ID from a valid device token of this account; absent for an unknown device. */
  readonly deviceId?: string;
}

/**
 * Limits on signing in. Per client address: failed attempts (login, refresh, activation refused
 * as unauthenticated or forbidden) count; past the limit, the address may not try for the rest of
 * the minute. (Floods of any request are the per-caller request rate's, common/request-rate.ts.)
 * Per account: wrong passwords count, separately for each device that signed in to the account
 * before (its device token) and together for all unknown devices; past the limit, those devices
 * are held off the account for the lockout period, with the time left as `Retry-After`. So
 * someone guessing a user's password (from any number of addresses) locks out only unknown
 * devices, never the user's own browser, and at most for the lockout period after the last guess.
 */
export interface LoginLimits {
  /** TOO_MANY_REQUESTS while `address` is past its failed sign-ins of the minute. */
  assertAddressOpen(address: string): Promise<void>;
  /** Counts a failed sign-in from `address` (wrong credentials, refresh token or code). */
  recordAddressFailure(address: string): Promise<void>;
  /** TOO_MANY_REQUESTS while the account is held off for this device. */
  assertAccountOpen(attempt: AccountAttempt): Promise<void>;
  /** Counts a wrong password. */
  recordFailure(attempt: AccountAttempt): Promise<void>;
  /** Clears the device's (or unknown devices') count after a right password. */
  recordSuccess(attempt: AccountAttempt): Promise<void>;
}

/** Options of {@link createLoginLimits}. */
export interface LoginLimitsOptions {
  /** Failed attempts per client address and minute. */
  readonly attemptsPerAddressPerMinute: number;
  /** Wrong passwords per account (and device) before the lockout. */
  readonly accountFailures: number;
  /** How long the count lasts and the lockout holds, in seconds. */
  readonly lockoutSeconds: number;
}

/** Injection token of {@link LoginLimits}. */
export const LOGIN_LIMITS = Symbol('LOGIN_LIMITS');

function keyOf(attempt: AccountAttempt): string {
  const account = attempt.username.normalize('NFKC').toLowerCase();
  return attempt.deviceId === undefined
    ? `unknown:${account}`
    : `device:${account}:${attempt.deviceId}`;
}

/**
 * rate-limiter-flexible's in-memory limiters (one gateway process per organization): a
 * well-kept implementation of the counting windows; the policy above is the project's own.
 */
class MemoryLoginLimits implements LoginLimits {
  readonly #byAddress: RateLimiterMemory;
  readonly #failures: RateLimiterMemory;
  readonly #maxFailures: number;
  readonly #maxPerAddress: number;

  constructor(options: Readonly<LoginLimitsOptions>) {
    this.#maxPerAddress = options.attemptsPerAddressPerMinute;
    this.#byAddress = new RateLimiterMemory({
      keyPrefix: 'address',
      points: options.attemptsPerAddressPerMinute,
      duration: 60,
    });
    this.#maxFailures = options.accountFailures;
    this.#failures = new RateLimiterMemory({
      keyPrefix: 'failures',
      points: options.accountFailures,
      duration: options.lockoutSeconds,
    });
  }

  async assertAddressOpen(address: string): Promise<void> {
    const state = await this.#byAddress.get(address);
    if (state !== null && state.consumedPoints >= this.#maxPerAddress)
      throw new TooManyRequestsError(
        state.msBeforeNext / 1000,
        'too many failed sign-ins from this address: try again later',
      );
  }

  async recordAddressFailure(address: string): Promise<void> {
    await this.#byAddress.consume(address).catch((error: unknown) => {
      if (!(error instanceof RateLimiterRes)) throw error;
    });
  }

  async assertAccountOpen(attempt: AccountAttempt): Promise<void> {
    const state = await this.#failures.get(keyOf(attempt));
    if (state !== null && state.consumedPoints >= this.#maxFailures)
      throw new TooManyRequestsError(
        state.msBeforeNext / 1000,
        attempt.deviceId === undefined
          ? 'too many wrong passwords for this account from new devices: try again later, or from a device that signed in to it before'
          : 'too many wrong passwords for this account from this device: try again later',
      );
  }

  async recordFailure(attempt: AccountAttempt): Promise<void> {
    // Rejected once past the limit; the count is kept either way.
    await this.#failures.consume(keyOf(attempt)).catch((error: unknown) => {
      if (!(error instanceof RateLimiterRes)) throw error;
    });
  }

  async recordSuccess(attempt: AccountAttempt): Promise<void> {
    await this.#failures.delete(keyOf(attempt));
  }
}

/** Sign-in limits held in memory. */
export function createLoginLimits(options: Readonly<LoginLimitsOptions>): LoginLimits {
  return new MemoryLoginLimits(options);
}
