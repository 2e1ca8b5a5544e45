import { describe, expect, it } from 'vitest';
import {
  BINDING_CHANGES,
  CATEGORIES,
  CONSENT_CHANGES,
  CONSENT_STATUSES,
  DECISIONS,
  DECISION_REASONS,
  EMERGENCY_REASON_CODES,
  GATEWAY_ERROR_CODES,
  GRANTEE_ROLES,
  GUARDIAN_RELATIONSHIPS,
  LEDGER_ERROR_CODES,
  ORGANIZATION_TYPES,
  PROVISIONS,
  PURPOSES,
  REFERRAL_STATUSES,
  REGION_LEVELS,
  REVIEW_OUTCOMES,
  ROLES,
  SENSITIVITY_LABELS,
} from '@consent-ledger/ledger-api';
import { ORGANIZATIONS } from '../api.types.ts';
import { formatBytes, formatNumber, i18n, language, setLanguage, t } from './i18n.ts';
import { en } from './messages.en.ts';
import { zhCN } from './messages.zh-cn.ts';
import { categoriesWords, orgName, reasonWord, regionName, wordOf } from './words.ts';

/** Every key path of a catalogue, with its value. */
function entries(tree: object, prefix = ''): [string, unknown][] {
  return Object.entries(tree).flatMap(([key, value]): [string, unknown][] =>
    typeof value === 'object' && value !== null
      ? entries(value as object, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value]],
  );
}

/** Every code group of the ledger's contract and the catalogue group that words it. */
const VOCABULARIES: readonly (readonly [string, readonly string[]])[] = [
  ['decision', DECISIONS],
  ['reason', DECISION_REASONS],
  ['purpose', PURPOSES],
  ['category', CATEGORIES],
  ['sensitivity', SENSITIVITY_LABELS],
  ['role', ROLES],
  ['granteeRole', GRANTEE_ROLES],
  ['orgType', ORGANIZATION_TYPES],
  ['provision', PROVISIONS],
  ['consentStatus', CONSENT_STATUSES],
  ['consentChange', CONSENT_CHANGES],
  ['referralStatus', REFERRAL_STATUSES],
  ['emergencyReason', EMERGENCY_REASON_CODES],
  ['reviewOutcome', REVIEW_OUTCOMES],
  ['regionLevel', REGION_LEVELS],
  ['relationship', GUARDIAN_RELATIONSHIPS],
  ['bindingChange', BINDING_CHANGES],
  ['verification', ['MATCH', 'HASH_MISMATCH']],
  ['error', [...LEDGER_ERROR_CODES, ...GATEWAY_ERROR_CODES]],
  ['org', ORGANIZATIONS],
];

/** The GB/T 2260 codes of network/topology.yaml's organizations and the demo. */
const REGIONS = ['330000', '330100', '330106', '330108', '330110', '330122'];

describe('the message catalogue', () => {
  it('has exactly the same keys in Chinese and in English, none empty', () => {
    const zh = entries(zhCN);
    const english = entries(en);
    expect(english.map(([key]) => key).sort()).toEqual(zh.map(([key]) => key).sort());
    for (const [key, value] of [...zh, ...english]) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    const english = new Map(entries(en));
    const names = (text: unknown): string[] =>
      [...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? '').sort();
    for (const [key, value] of entries(zhCN))
      expect(names(english.get(key)), key).toEqual(names(value));
  });

  it('words every code of the ledger vocabularies and error codes, differently from the code', async () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      await setLanguage(lang);
      for (const [group, codes] of VOCABULARIES)
        for (const code of codes) {
          const word = wordOf(group as Parameters<typeof wordOf>[0], code);
          expect(word, `${lang} ${group}.${code}`).toBeDefined();
          expect(word, `${lang} ${group}.${code}`).not.toBe(code);
        }
      for (const code of REGIONS) expect(regionName(code), code).not.toContain(code);
    }
  });

  it('names organizations and regions in Chinese by default, in English when chosen', async () => {
    await setLanguage('zh-CN');
    expect(orgName('GovMSP')).toBe('市卫生健康委员会');
    expect(regionName('330000')).toBe('浙江省');
    expect(regionName('330106')).toBe('西湖区');
    expect(reasonWord('NO_MATCHING_CONSENT')).toBe('没有与此次访问相符的同意');
    expect(categoriesWords(['imaging', 'laboratory'])).toBe('影像和检验结果');
    await setLanguage('en');
    expect(orgName('TertiaryHospitalMSP')).toBe('City Tertiary Hospital');
    expect(regionName('330110')).toBe('Yuhang District');
    expect(categoriesWords(['imaging', 'laboratory'])).toBe('imaging and laboratory results');
    // An organization or region the catalogue does not know keeps its code beside a neutral word.
    expect(orgName('NewcomerMSP')).toBe('another organization (NewcomerMSP)');
    expect(regionName('110000')).toBe('region 110000');
    // A code is data, never a key path.
    expect(wordOf('org', 'error.INTERNAL')).toBeUndefined();
  });

  it('remembers the language and formats numbers in it', async () => {
    await setLanguage('en');
    expect(language()).toBe('en');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(t('nav.consents')).toBe('My consents');
    await setLanguage('zh-CN');
    expect(i18n.language).toBe('zh-CN');
    expect(t('nav.consents')).toBe('我的授权');
  });

  it('words file sizes in bytes, kilobytes, megabytes or gigabytes, in the language', async () => {
    await setLanguage('en');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(2540)).toBe('2.5 kB');
    expect(formatBytes(3_400_000)).toBe('3.4 MB');
    expect(formatBytes(2_100_000_000)).toBe('2.1 GB');
    await setLanguage('zh-CN');
    expect(formatBytes(512)).toBe(
      new Intl.NumberFormat('zh-CN', { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(
        512,
      ),
    );
    expect(formatBytes(1_234_567_000)).toBe(
      new Intl.NumberFormat('zh-CN', {
        style: 'unit',
        unit: 'gigabyte',
        maximumFractionDigits: 1,
      }).format(1.234567),
    );
    expect(formatBytes(512)).not.toBe('512 bytes');
  });
});
