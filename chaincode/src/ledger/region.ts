import { REGION_CODE_PATTERN, type Region, type RegionLevel } from '@consent-ledger/ledger-api';
import { z } from 'zod';

/**
 * GB/T 2260 administrative division codes: province `XX0000`, city (prefecture) `XXYY00`, county
 * `XXYYZZ`. The code of a lower level starts with the digits of the level above, so the most
 * specific code of a region is enough to roll it up to any level.
 */

const PROVINCE = /^(?!00)\d{2}0000$/;
const CITY = /^\d{2}(?!00)\d{2}00$/;
const COUNTY = /^\d{4}(?!00)\d{2}$/;

/** Any six-digit division code, at whatever level. */
export const regionCodeSchema = z
  .string()
  .regex(REGION_CODE_PATTERN, 'must be a six-digit GB/T 2260 code');

/** A region with each level inside the one above. */
export const regionSchema = z
  .strictObject({
    province: z.string().regex(PROVINCE, 'must be a province code XX0000'),
    city: z.string().regex(CITY, 'must be a city code XXYY00').optional(),
    county: z.string().regex(COUNTY, 'must be a county code XXYYZZ').optional(),
  })
  .superRefine((region, context) => {
    if (region.city !== undefined && region.city.slice(0, 2) !== region.province.slice(0, 2)) {
      context.addIssue({ code: 'custom', path: ['city'], message: 'must lie in the province' });
    }
    if (region.county !== undefined) {
      if (region.city === undefined) {
        context.addIssue({ code: 'custom', path: ['county'], message: 'needs its city' });
      } else if (region.county.slice(0, 4) !== region.city.slice(0, 4)) {
        context.addIssue({ code: 'custom', path: ['county'], message: 'must lie in the city' });
      }
    }
  });

/** The level of a division code. */
export function levelOf(code: string): RegionLevel {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

const DEPTH: Readonly<Record<RegionLevel, number>> = { province: 0, city: 1, county: 2 };

/** The most specific code of a region. */
export function finestCode(region: Region): string {
  return region.county ?? region.city ?? region.province;
}

/**
 * A division code rolled up to a level. A code coarser than the level stays as it is (an
 * organization registered at city level is counted under its city code at county level).
 */
export function rollUp(code: string, level: RegionLevel): string {
  if (DEPTH[levelOf(code)] <= DEPTH[level]) return code;
  return level === 'province' ? `${code.slice(0, 2)}0000` : `${code.slice(0, 4)}00`;
}

/** Whether a code lies within a region code (itself or below it). */
export function isWithin(code: string, region: string): boolean {
  return rollUp(code, levelOf(region)) === region;
}
