/**
 * The app's languages: zh-CN by default, English the other, switchable and remembered.
 *
 * i18next rather than @lingui: i18next is framework-neutral (no React binding needed, so no
 * preact/compat), its keys are typed from the catalogue (CustomTypeOptions, i18n.d.ts), and it
 * needs no compile step or Babel macro in the Vite build, which Lingui's extracted catalogues do.
 * The Preact binding is the small hook below. Dates and numbers use Intl in the chosen language.
 */
import i18next from 'i18next';
import { useEffect, useState } from 'preact/hooks';
import { en } from './messages.en.ts';
import { zhCN } from './messages.zh-cn.ts';

/** The languages of the app, the default first. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
/** A language of the app. */
export type Language = (typeof LANGUAGES)[number];

/** Where the chosen language is kept in the browser. */
export const LANGUAGE_KEY = 'consent-ledger.language';

function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

function storedLanguage(): Language {
  try {
    const kept = localStorage.getItem(LANGUAGE_KEY);
    return isLanguage(kept) ? kept : 'zh-CN';
  } catch {
    // No storage (private mode, or Node in unit tests): the default language.
    return 'zh-CN';
  }
}

/** The app's one i18next instance, initialised synchronously with both catalogues. */
export const i18n = i18next.createInstance();
void i18n.init({
  lng: storedLanguage(),
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  // zh-CN is a key of its own: do not fall back from zh-CN to zh.
  load: 'currentOnly',
  initAsync: false,
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  // Preact escapes text; escaping here too would show entities.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The translation function of the current language. */
export const t = i18n.t.bind(i18n);

/** The current language. */
export function language(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'zh-CN';
}

function applyToDocument(lang: Language): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lang;
  document.title = t('app.title');
}

/** Switches the language, remembers it and sets `<html lang>`. */
export async function setLanguage(lang: Language): Promise<void> {
  await i18n.changeLanguage(lang);
  try {
    localStorage.setItem(LANGUAGE_KEY, lang);
  } catch {
    // Storage may be unavailable (private mode): the choice lasts for this page only.
  }
  applyToDocument(lang);
}

applyToDocument(language());

/**
 * The current language as component state: the component (the app's root) renders again when
 * it changes, and with it every view below, which read `t` directly.
 */
export function useLanguage(): Language {
  const [current, setCurrent] = useState(language);
  useEffect(() => {
    const update = (): void => {
      setCurrent(language());
    };
    i18n.on('languageChanged', update);
    return () => {
      i18n.off('languageChanged', update);
    };
  }, []);
  return current;
}

/** A date-time in the current language's local format. */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** A date (no time) in the current language's local format. */
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium' }).format(new Date(iso));
}

/** A number in the current language's local format. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(language(), options).format(value);
}

/** A file size in the current language: bytes, kB or MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000)
    return formatNumber(bytes, { style: 'unit', unit: 'byte', unitDisplay: 'long' });
  const [value, unit] =
    bytes < 1_000_000
      ? [bytes / 1000, 'kilobyte']
      : bytes < 1_000_000_000
        ? [bytes / 1_000_000, 'megabyte']
        : [bytes / 1_000_000_000, 'gigabyte'];
  return formatNumber(value, { style: 'unit', unit, maximumFractionDigits: 1 });
}

/** A share (0..1) as a percentage in the current language. */
export function formatPercent(value: number): string {
  return formatNumber(value, { style: 'percent', maximumFractionDigits: 0 });
}
