import type { JSX } from 'preact';
import { t } from './i18n/i18n.ts';
import { orgName } from './i18n/words.ts';

/** The first character a reader sees (a grapheme: whole even if it is several code points). */
function firstCharacter(text: string): string {
  for (const { segment } of new Intl.Segmenter().segment(text)) return segment;
  return '';
}

/**
 * The organization's name and a simple mark (its initial in a circle), at the top of every page:
 * people see whose app they are using.
 */
export function OrgBrand(props: Readonly<{ mspId?: string | undefined }>): JSX.Element {
  const name = props.mspId === undefined ? t('app.title') : orgName(props.mspId);
  return (
    <p class="brand">
      <span class="mark" aria-hidden="true">
        {firstCharacter(name)}
      </span>
      <span>
        {name}
        {props.mspId === undefined ? null : <span class="product"> · {t('app.title')}</span>}
      </span>
    </p>
  );
}
