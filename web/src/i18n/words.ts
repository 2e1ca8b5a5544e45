/**
 * Codes in words: every code the app shows to people goes through one of these, never raw.
 * Unknown values (an organization that joined after this build) fall back to a neutral word
 * with the value itself, so nothing is hidden.
 */
import type {
  ConsentStatus,
  DecisionValue,
  RegionLevel,
  ReviewOutcome,
} from '@consent-ledger/ledger-api';
import { i18n, language, t } from './i18n.ts';

type Group =
  | 'decision'
  | 'reason'
  | 'purpose'
  | 'category'
  | 'sensitivity'
  | 'role'
  | 'granteeRole'
  | 'orgType'
  | 'consentStatus'
  | 'emergencyReason'
  | 'reviewOutcome'
  | 'reviewStatus'
  | 'regionLevel'
  | 'verification'
  | 'error'
  | 'org'
  | 'region'
  | 'institution'
  | 'requestReason'
  | 'requestStatus'
  | 'declineReason';

/** The word for `code` in `group`, or undefined when the catalogue has none. */
export function wordOf(group: Group, code: string): string | undefined {
  const key = `${group}.${code}`;
  // Codes are looked up as data: a dot or colon in a code must not be read as a key path.
  return /^[\w-]+$/.test(code) && i18n.exists(key) ? String(t(key as never)) : undefined;
}

/** A purpose of use in words. */
export const purposeWord = (code: string): string =>
  wordOf('purpose', code) ?? t('common.unknownCode', { code });
/** A data category in words. */
export const categoryWord = (code: string): string =>
  wordOf('category', code) ?? t('common.unknownCode', { code });
/**
 * A label as it reads inside a sentence: English labels start with a capital, sentences want
 * "imaging and laboratory results"; Chinese has no case.
 */
export const inText = (word: string): string =>
  language() === 'en' && /^[A-Z][a-z]/.test(word)
    ? word.charAt(0).toLowerCase() + word.slice(1)
    : word;
/** Several data categories in words, as a list inside a sentence. */
export const categoriesWords = (codes: readonly string[]): string =>
  listOf(codes.map((code) => inText(categoryWord(code))));
/** A sensitivity label (HL7 v3 ActCode: PSY, HIV, ...) in words. */
export const sensitivityWord = (code: string): string =>
  wordOf('sensitivity', code) ?? t('common.unknownCode', { code });
/** Several sensitivity labels in words, as a list inside a sentence. */
export const sensitivitiesWords = (codes: readonly string[]): string =>
  listOf(codes.map((code) => inText(sensitivityWord(code))));
/** Several purposes in words, as a list inside a sentence. */
export const purposesWords = (codes: readonly string[]): string =>
  listOf(codes.map((code) => inText(purposeWord(code))));
/** A role in words. */
export const roleWord = (code: string): string =>
  wordOf('role', code) ?? t('common.unknownCode', { code });
/** A role a consent names, as a group of people ("Clinicians"; inside a sentence: "clinicians"). */
export const granteeRoleWord = (code: string, sentence = false): string => {
  const word = wordOf('granteeRole', code) ?? roleWord(code);
  return sentence ? inText(word) : word;
};
/** An access decision in words. */
export const decisionWord = (code: DecisionValue): string =>
  wordOf('decision', code) ?? t('common.unknownCode', { code });
/** Why an access was decided so, in words. */
export const reasonWord = (code: string): string =>
  wordOf('reason', code) ?? t('common.unknownCode', { code });
/** A consent's status in words. */
export const statusWord = (code: ConsentStatus): string =>
  wordOf('consentStatus', code) ?? t('common.unknownCode', { code });
/** An emergency reason in words. */
export const emergencyReasonWord = (code: string): string =>
  wordOf('emergencyReason', code) ?? t('common.unknownCode', { code });
/** Where a break-glass access's review stands, in words. */
export const reviewStatusWord = (code: string): string =>
  wordOf('reviewStatus', code) ?? t('common.unknownCode', { code });
/** A review outcome in words. */
export const outcomeWord = (code: ReviewOutcome): string =>
  wordOf('reviewOutcome', code) ?? t('common.unknownCode', { code });
/** A region level in words. */
export const regionLevelWord = (code: RegionLevel): string =>
  wordOf('regionLevel', code) ?? t('common.unknownCode', { code });

/** An organization's display name, by MSP ID (undefined: everyone). */
export function orgName(mspId: string | undefined): string {
  if (mspId === undefined || mspId === '*') return t('common.everyone');
  return wordOf('org', mspId) ?? t('common.otherOrg', { code: mspId });
}

/** A member institution's display name, by institution ID (its code when the catalogue has none). */
export function institutionName(institutionId: string): string {
  return (
    wordOf('institution', institutionId) ?? t('common.otherInstitution', { code: institutionId })
  );
}

/** A grantee's organization in words, with the member institution it names, if any. */
export function granteeName(
  grantee: Readonly<{ org?: string; institution?: string }> | undefined,
  orgWords: (mspId: string | undefined) => string = orgName,
): string {
  const org = orgWords(grantee?.org);
  return grantee?.institution === undefined
    ? org
    : t('common.institutionOf', { institution: institutionName(grantee.institution), org });
}

/** A GB/T 2260 region's name, with its code when the catalogue has no name for it. */
export function regionName(code: string): string {
  return wordOf('region', code) ?? t('common.region', { code });
}

/** A list in the current language's style ("a, b and c" / "a、b和c"). */
export function listOf(items: readonly string[]): string {
  return new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(items);
}

/** Why a requester asks for a consent, in words (a phrase: "to assess an insurance claim"). */
export const requestReasonWord = (code: string): string =>
  wordOf('requestReason', code) ?? t('common.unknownCode', { code });
/** A consent request's status in words. */
export const requestStatusWord = (code: string): string =>
  wordOf('requestStatus', code) ?? t('common.unknownCode', { code });
/** Why a patient declined, in words. */
export const declineReasonWord = (code: string): string =>
  wordOf('declineReason', code) ?? t('common.unknownCode', { code });
