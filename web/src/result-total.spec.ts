import { afterAll, describe, expect, it } from 'vitest';
import { setLanguage } from './i18n/i18n.ts';
import { totalWords } from './result-total.ts';

describe('a query total in words', () => {
  afterAll(() => setLanguage('zh-CN'));

  it('words an exact total, one result, and a capped total in both languages', async () => {
    await setLanguage('en');
    expect(totalWords({ count: 1234, exact: true })).toBe('1,234 results');
    expect(totalWords({ count: 1, exact: true })).toBe('1 result');
    expect(totalWords({ count: 0, exact: true })).toBe('0 results');
    expect(totalWords({ count: 10_000, exact: false })).toBe('At least 10,000 results');
    await setLanguage('zh-CN');
    expect(totalWords({ count: 1234, exact: true })).toBe('1,234 条结果');
    expect(totalWords({ count: 1, exact: true })).toBe('1 条结果');
    expect(totalWords({ count: 10_000, exact: false })).toBe('至少 10,000 条结果');
  });
});
