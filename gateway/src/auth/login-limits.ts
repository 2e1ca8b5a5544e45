import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../common/errors.js';

/** One sign-in attempt on an account, from a device that signed in to it before or not. */
export interface AccountAttempt {
  readonly username: string;
  /** The device's ID from a valid device token of this account; absent for an unknown device. */
  readonly deviceId?: string;
}

/**
 * Limits on signing in. Per client address: every attempt (login, refresh, activation) counts.
 * Per account: wrong passwords count, separately for each device that signed in to the account
 * before (its device token) and together for all unknown devices; past the limit, those devices
 * are held off the account for the lockout period, with the time left as `Retry-After`. So
 * someone guessing a user's password (from any number of addresses) locks out only unknown
 * devices, never the user's own browser, and at most for the lockout period after the last guess.
 */
export interface LoginLimits {
  /** Counts an attempt from `address`; TOO_MANY_REQUESTS past the per-minute limit. */
  takeAddressAttempt(address: string): Promise<void>;
  /** TOO_MANY_REQUESTS while the account is held off for this device. */
  assertAccountOpen(attempt: AccountAttempt): Promise<void>;
  /** Counts a wrong password. */
  recordFailure(attempt: AccountAttempt): Promise<void>;
  /** Clears the device's (or unknown devices') count after a right password. */
  recordSuccess(attempt: AccountAttempt): Promise<void>;
}

/** Options of {@link createLoginLimits}. */
export interface LoginLimitsOptions {
  /** Attempts per client address and minute. */
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

  constructor(options: Readonly<LoginLimitsOptions>) {
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

  async takeAddressAttempt(address: string): Promise<void> {
    try {
      await this.#byAddress.consume(address);
    } catch (error) {
      if (error instanceof RateLimiterRes)
        throw new TooManyRequestsError(
          error.msBeforeNext / 1000,
          'too many sign-in attempts from this address: try again later',
        );
      throw error;
    }
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
