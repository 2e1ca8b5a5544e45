import { describe, expect, it } from 'vitest';
import { finestCode, isWithin, levelOf, regionCodeSchema, regionSchema, rollUp } from './region';

describe('GB/T 2260 regions', () => {
  it('accepts nested codes and refuses inconsistent or malformed ones', () => {
    expect(
      regionSchema.safeParse({ province: '330000', city: '330100', county: '330106' }).success,
    ).toBe(true);
    expect(regionSchema.safeParse({ province: '330000' }).success).toBe(true);
    for (const region of [
      { province: '330100' },
      { province: '000000' },
      { province: '330000', city: '330000' },
      { province: '330000', city: '340100' },
      { province: '330000', county: '330106' },
      { province: '330000', city: '330100', county: '330206' },
      { province: '330000', city: '330100', county: '330100' },
      { province: '330000', city: '3301' },
      { province: '330000', name: 'Zhejiang' },
    ]) {
      expect(regionSchema.safeParse(region).success, JSON.stringify(region)).toBe(false);
    }
    expect(regionCodeSchema.safeParse('330106').success).toBe(true);
    expect(regionCodeSchema.safeParse('001234').success).toBe(false);
  });

  it('rolls codes up and tests containment', () => {
    expect(levelOf('330000')).toBe('province');
    expect(levelOf('330100')).toBe('city');
    expect(levelOf('330106')).toBe('county');
    expect(rollUp('330106', 'province')).toBe('330000');
    expect(rollUp('330106', 'city')).toBe('330100');
    expect(rollUp('330106', 'county')).toBe('330106');
    expect(rollUp('330100', 'county')).toBe('330100');
    expect(rollUp('330000', 'city')).toBe('330000');
    expect(isWithin('330106', '330000')).toBe(true);
    expect(isWithin('330106', '330100')).toBe(true);
    expect(isWithin('330106', '330106')).toBe(true);
    expect(isWithin('330100', '330106')).toBe(false);
    expect(isWithin('340106', '330000')).toBe(false);
    expect(finestCode({ province: '330000', city: '330100' })).toBe('330100');
    expect(finestCode({ province: '330000' })).toBe('330000');
  });
});
