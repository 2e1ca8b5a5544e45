import { dictionary } from '@zxcvbn-ts/language-common';
import { InvalidArgumentError } from '../common/errors.js';

/** The shortest minimum length the configuration accepts (NIST SP 800-63B-4's floor with MFA). */
export const PASSWORD_MIN_LENGTH_FLOOR = 8;
/** The default minimum: NIST SP 800-63B-4 §3.1.1.2, a password used as a single factor. */
export const PASSWORD_MIN_LENGTH_DEFAULT = 15;
/** The longest password accepted, in characters (NIST asks for at least 64). */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * The longest password field a request may carry, in UTF-16 units: a bound on the work before the
 * policy counts characters (a code point takes up to 2 units; NFKC may change the count).
 */
export const PASSWORD_INPUT_MAX = 4 * PASSWORD_MAX_LENGTH;

/** The policy in a sentence, for the API's documentation and forms. */
export const PASSWORD_RULES = `at least ${PASSWORD_MIN_LENGTH_DEFAULT} characters by default (GATEWAY_PASSWORD_MIN_LENGTH) and at most ${PASSWORD_MAX_LENGTH}, any characters; not a common or breached password, a repetition, a keyboard or alphabet sequence, nor made of the username or the service's or organization's name`;

/** The rule a refused password broke. */
export type PasswordRule =
  'too-short' | 'too-long' | 'common' | 'repetitive' | 'sequence' | 'username' | 'context';

/** A password the policy refuses: INVALID_ARGUMENT, with a message naming the rule (never the password). */
export class WeakPasswordError extends InvalidArgumentError {
  readonly rule: PasswordRule;

  constructor(rule: PasswordRule, message: string) {
    super(message);
    this.rule = rule;
  }
}

/** Who sets the password: the username is an expected value and refused inside a password. */
export interface PasswordContext {
  readonly username: string;
}

/**
 * The password policy after NIST SP 800-63B-4 (2025) §3.1.1.2: a minimum length, at least 64
 * characters allowed, no composition rules, and a blocklist of common, breached and expected
 * values (the maintained common-password list of @zxcvbn-ts/language-common, repetitions and
 * keyboard or alphabet sequences, the username, the service's and organization's names).
 * Characters are Unicode code points after NFKC normalization, as the hash sees them.
 */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  /** Throws a {@link WeakPasswordError} naming the first rule the password breaks. */
  check(password: string, context: PasswordContext): void;
}

/** Options of {@link createPasswordPolicy}. */
export interface PasswordPolicyOptions {
  /** Minimum length in characters; at least {@link PASSWORD_MIN_LENGTH_FLOOR}. */
  readonly minLength?: number;
  /** Expected words: the service's and organization's names (case and punctuation ignored). */
  readonly contextWords?: readonly string[];
}

/** The service's own names, always expected values. */
const SERVICE_WORDS = ['consent', 'ledger', 'consentledger'];

/**
 * Keyboard rows and columns and the alphabet, each read forwards or backwards and cyclically: a
 * password that is a run of one of them is a sequence.
 */
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '0123456789',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
  '`1234567890-=',
  '~!@#$%^&*()_+',
];

/** Lower-cased letters and digits only: what a blocklist entry is compared with. */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The common-password list, folded. @zxcvbn-ts/language-common's `passwords-common` (about
 * 49,000 entries from breach corpora, maintained with zxcvbn-ts). Its estimator (@zxcvbn-ts/core)
 * is not used: it took 5 ms to over 1 s per check on long inputs on our 2-CPU machine, blocking
 * the event loop; a set lookup and the linear checks here take microseconds.
 */
let commonPasswords: ReadonlySet<string> | undefined;
function common(): ReadonlySet<string> {
  commonPasswords ??= new Set(
    dictionary['passwords-common'].map(fold).filter((entry) => entry.length > 0),
  );
  return commonPasswords;
}

/** The shortest unit the text repeats (the text itself when it does not repeat). */
function repeatedUnit(chars: readonly string[]): number {
  for (let unit = 1; unit <= chars.length / 2; unit += 1) {
    if (chars.length % unit !== 0) continue;
    if (chars.every((char, index) => char === chars[index % unit])) return unit;
  }
  return chars.length;
}

/** Whether the text is a run along one of {@link SEQUENCES}, forwards or backwards. */
function isSequence(text: string): boolean {
  if (text.length < 3) return false;
  return SEQUENCES.some((sequence) => {
    const cycled = sequence.repeat(Math.ceil(text.length / sequence.length) + 1);
    const reversed = Array.from(cycled).reverse().join('');
    return cycled.includes(text) || reversed.includes(text);
  });
}

/** Whether the folded text is one common password with digits around it, or two side by side. */
function isCommon(folded: string, raw: string): boolean {
  const list = common();
  if (list.has(folded) || list.has(raw)) return true;
  const core = folded.replace(/^\d+|\d+$/g, '');
  if (core.length > 0 && list.has(core)) return true;
  for (let split = 1; split < folded.length; split += 1)
    if (list.has(folded.slice(0, split)) && list.has(folded.slice(split))) return true;
  return false;
}

/** What is left of the folded text once every expected word is taken out. */
function withoutWords(folded: string, words: readonly string[]): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .reduce((text, word) => text.split(word).join(''), folded);
}

/** Words of a name: whole, and split at spaces, punctuation and case changes (TertiaryHospitalMSP). */
function wordsOf(name: string): string[] {
  const parts = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .map(fold);
  return [fold(name), ...parts].filter((word) => word.length >= 3);
}

class NistPasswordPolicy implements PasswordPolicy {
  readonly minLength: number;
  readonly maxLength = PASSWORD_MAX_LENGTH;
  readonly #contextWords: readonly string[];

  constructor(options: PasswordPolicyOptions) {
    this.minLength = options.minLength ?? PASSWORD_MIN_LENGTH_DEFAULT;
    if (!Number.isInteger(this.minLength) || this.minLength < PASSWORD_MIN_LENGTH_FLOOR)
      throw new Error(`the minimum password length must be at least ${PASSWORD_MIN_LENGTH_FLOOR}`);
    this.#contextWords = [
      ...new Set([...SERVICE_WORDS, ...(options.contextWords ?? []).flatMap(wordsOf)]),
    ];
    common();
  }

  check(password: string, context: PasswordContext): void {
    const normalized = password.normalize('NFKC');
    const chars = Array.from(normalized);
    if (chars.length < this.minLength)
      throw new WeakPasswordError(
        'too-short',
        `the password must be at least ${this.minLength} characters long`,
      );
    if (chars.length > this.maxLength)
      throw new WeakPasswordError(
        'too-long',
        `the password must be at most ${this.maxLength} characters long`,
      );
    const lower = normalized.toLowerCase();
    const lowerChars = Array.from(lower);
    if (repeatedUnit(lowerChars) < lowerChars.length || new Set(lowerChars).size <= 2)
      throw new WeakPasswordError(
        'repetitive',
        'the password repeats a character or a pattern: choose one that does not',
      );
    const folded = fold(normalized);
    if (isSequence(lower) || isSequence(folded))
      throw new WeakPasswordError(
        'sequence',
        'the password is a keyboard or alphabet sequence: choose one that is not',
      );
    if (isCommon(folded, lower))
      throw new WeakPasswordError(
        'common',
        'the password is on the list of common or breached passwords: choose another',
      );
    const username = fold(context.username);
    if (username.length >= 4 ? folded.includes(username) : folded === username)
      throw new WeakPasswordError('username', 'the password must not contain the username');
    const rest = withoutWords(folded, [...this.#contextWords, username]);
    if (rest.length < 5 || /^\d*$/.test(rest))
      throw new WeakPasswordError(
        'context',
        "the password is made of the service's, the organization's or the user's name: choose another",
      );
  }
}

/** The password policy (one for the gateway: every password set goes through it). */
export function createPasswordPolicy(
  options: Readonly<PasswordPolicyOptions> = {},
): PasswordPolicy {
  return new NistPasswordPolicy(options);
}

/** Injection token of the {@link PasswordPolicy}. */
export const PASSWORD_POLICY = Symbol('PASSWORD_POLICY');
