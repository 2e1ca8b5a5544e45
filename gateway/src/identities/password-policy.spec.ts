import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../common/errors.js';
import { createPasswordPolicy, WeakPasswordError, type PasswordRule } from './password-policy.js';

const policy = createPasswordPolicy({
  contextWords: ['TertiaryHospitalMSP', 'Tertiary Hospital', 'tertiary'],
});
const context = { username: 'li.wei' };

/** The rule `password` breaks for `username`, or undefined when the policy accepts it. */
function ruleOf(password: string, username = context.username): PasswordRule | undefined {
  try {
    policy.check(password, { username });
    return undefined;
  } catch (error) {
    if (error instanceof WeakPasswordError) return error.rule;
    throw error;
  }
}

describe('password policy (NIST SP 800-63B-4)', () => {
  it("refuses the issue's examples: password, 12345678, eight spaces and the username itself", () => {
    expect(ruleOf('password')).toBe('too-short');
    expect(ruleOf('12345678')).toBe('too-short');
    expect(ruleOf('        ')).toBe('too-short');
    expect(ruleOf('administrator', 'administrator')).toBe('too-short');
    // At any length: the same passwords made long enough are refused by the blocklist rules.
    expect(ruleOf(' '.repeat(20))).toBe('repetitive');
    expect(ruleOf('passwordpassword')).toBe('repetitive');
    expect(ruleOf('123456789012345')).toBe('sequence');
    expect(ruleOf('password12345678')).toBe('common');
    expect(ruleOf('zhangwei-sunset-99', 'zhangwei')).toBe('username');
  });

  it('asks for 15 characters by default, counted as code points after NFKC, and at most 256', () => {
    expect(policy.minLength).toBe(15);
    expect(ruleOf('violet-harbor7')).toBe('too-short');
    expect(ruleOf('violet-harbor-7')).toBeUndefined();
    expect(ruleOf('x'.repeat(40) + 'violet-harbor-lantern'.repeat(11))).toBe('too-long');
    expect(ruleOf('violet harbor lantern '.repeat(11).slice(0, 256))).toBe('repetitive');
    // No composition rules: lower-case words, spaces, any script.
    expect(ruleOf('correct horse battery staple')).toBeUndefined();
    expect(ruleOf('我的病历只给我的医生和家人看一看')).toBeUndefined();
  });

  it('normalizes Unicode: a decomposed accent is one character, full-width letters are ASCII', () => {
    const composed = 'café-au-lait-15'.normalize('NFC');
    const decomposed = 'cafe\u0301-au-lait-15';
    expect(Array.from(decomposed)).toHaveLength(16);
    expect(ruleOf(decomposed)).toBeUndefined();
    expect(ruleOf('cafe\u0301-au-lait1')).toBe('too-short'); // 14 after NFKC though 15 code points
    expect(ruleOf(composed)).toBeUndefined();
    // Full-width "password" + digits is the common password with a suffix.
    expect(ruleOf('ｐａｓｓｗｏｒｄ1234567')).toBe('common');
    // Emoji count as code points, not UTF-16 units: 8 emoji + 6 letters is 14.
    expect(ruleOf('🔒🔑🏥🩺💊🧬📋🛡️abcxyz'.replace('\ufe0f', ''))).toBe('too-short');
  });

  it('refuses common and breached passwords from the maintained list, with digits around or doubled', () => {
    expect(ruleOf('1qaz2wsx3edc4rfv')).toBe('sequence');
    expect(ruleOf('qwertyuiopasdfgh')).toBe('sequence');
    expect(ruleOf('iloveyou1234567')).toBe('common');
    expect(ruleOf('Sunshine!Butterfly')).toBe('common');
    expect(ruleOf('P.a.s.s.w.o.r.d.1.2.3')).toBe('common');
    expect(ruleOf('abcdefghijklmnop')).toBe('sequence');
    expect(ruleOf('zyxwvutsrqponmlk')).toBe('sequence');
    expect(ruleOf('aaaaaaaaaaaaaab')).toBe('repetitive');
  });

  it("refuses the username inside the password and passwords made of the service's or organization's names", () => {
    expect(ruleOf('my-name-is-Li.Wei-ok')).toBe('username');
    expect(ruleOf('liwei-liwei-2026')).toBe('username');
    expect(ruleOf('ConsentLedger2026!')).toBe('context');
    expect(ruleOf('tertiary-hospital-1')).toBe('context');
    expect(ruleOf('TertiaryHospitalMSP')).toBe('context');
    // A name inside a longer password is fine; a three-letter username only when it is all.
    expect(ruleOf('my hospital visit in june', 'bob')).toBeUndefined();
    expect(ruleOf('bob is my uncle, truly', 'bob')).toBeUndefined();
  });

  it('refuses with INVALID_ARGUMENT and a message that names the rule, never the password', () => {
    const weak = 'passwordpassword';
    let caught: unknown;
    try {
      policy.check(weak, context);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'WeakPasswordError' });
    expect((caught as Error).message).toMatch(/repeats/);
    expect((caught as Error).message).not.toContain(weak);
    expect(() => {
      policy.check('short', context);
    }).toThrow('the password must be at least 15 characters long');
  });

  it('takes a configured minimum of at least 8, and stays fast on the longest input', () => {
    const eight = createPasswordPolicy({ minLength: 8 });
    expect(() => {
      eight.check('k7#Tq-9z', { username: 'someone' });
    }).not.toThrow();
    expect(() => {
      eight.check('12345678', { username: 'someone' });
    }).toThrow(WeakPasswordError);
    expect(() => createPasswordPolicy({ minLength: 7 })).toThrow(/at least 8/);
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) ruleOf(`${String(i)}q7#Lm`.repeat(50).slice(0, 256));
    expect((performance.now() - started) / 20).toBeLessThan(20);
  });
});
