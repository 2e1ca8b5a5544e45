import type { JSX } from 'preact';
import { LANGUAGES, setLanguage, t, useLanguage } from './i18n.ts';

/**
 * The language switch every page shows: each language named in itself (with its own `lang`, so
 * screen readers pronounce it right); the current one is pressed.
 */
export function LanguageSwitch(): JSX.Element {
  const current = useLanguage();
  return (
    <div class="language-switch" role="group" aria-label={t('lang.label')}>
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          class="link"
          lang={lang}
          aria-pressed={lang === current}
          onClick={() => {
            void setLanguage(lang);
          }}
        >
          {t(`lang.${lang}`)}
        </button>
      ))}
    </div>
  );
}
