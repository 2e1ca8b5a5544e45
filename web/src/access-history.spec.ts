import { afterAll, describe, expect, it } from 'vitest';
import { accessHistoryCsv } from './access-history.ts';
import { setLanguage } from './i18n/i18n.ts';
import { ACCESS_EVENT, EMERGENCY_EVENT } from './testing/access-events.ts';

const base = ACCESS_EVENT;
const emergency = EMERGENCY_EVENT;

/** The CSV's lines, without the byte order mark. */
const linesOf = (csv: string): string[] => csv.slice(1).trimEnd().split('\r\n');

afterAll(async () => {
  await setLanguage('zh-CN');
});

describe('accessHistoryCsv', () => {
  it('words a patient’s history in Chinese, with a UTF-8 byte order mark and no raw codes', async () => {
    await setLanguage('zh-CN');
    const csv = accessHistoryCsv([emergency, base]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, first, second, ...rest] = linesOf(csv);
    expect(rest).toEqual([]);
    expect(header).toBe('时间,机构,身份,数据,用途,结果,原因,紧急访问,监管复核,事件编号');
    expect(first).toMatch(/,是：[^,]+,已[^,]+：[^,]+,evt-0000000000000000000000000002$/);
    expect(second).toContain('市第一人民医院');
    expect(second?.endsWith(',否,,evt-0000000000000000000000000001')).toBe(true);
    for (const code of [
      'PERMITTED_BY_CONSENT',
      'EMERGENCY_ACCESS',
      'TertiaryHospitalMSP',
      'treatment',
      'laboratory',
      'permit',
      'clinician',
      'LIFE_THREATENING',
      'justified',
    ])
      expect(csv, code).not.toContain(code);
  });

  it('words it in English when English is chosen, newest first as given', async () => {
    await setLanguage('en');
    const [header, first, second] = linesOf(accessHistoryCsv([emergency, base]));
    expect(header).toBe(
      "Time,Organization,Role,Data,Purpose,Decision,Reason,Emergency access,Regulator's review,Event ID",
    );
    expect(first).toMatch(/,yes: [^,]+,/);
    expect(first).toMatch(/Reviewed: Justified,evt-0000000000000000000000000002$/);
    expect(second).toMatch(/,no,,evt-0000000000000000000000000001$/);
    expect(second).not.toContain('PERMITTED_BY_CONSENT');
  });

  it('names the accessor member institution with its organization, in words', async () => {
    const insurer = {
      ...base,
      accessor: {
        org: 'EnterpriseMSP',
        role: 'analyst' as const,
        institution: 'inst-insurer02',
        idHash: 'c'.repeat(64),
      },
    };
    await setLanguage('en');
    const [, line] = linesOf(accessHistoryCsv([insurer]));
    expect(line).toContain('Qiantang Life Insurance in Health Enterprises (insurers');
    await setLanguage('zh-CN');
    const csv = accessHistoryCsv([insurer]);
    expect(csv).toContain('健康企业（保险、可穿戴设备）的钱塘人寿保险');
    expect(csv).not.toContain('inst-insurer02');
  });

  it('is a header alone when nothing was asked', async () => {
    await setLanguage('en');
    expect(linesOf(accessHistoryCsv([]))).toHaveLength(1);
  });
});
