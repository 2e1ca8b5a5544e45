/**
 * Typed keys: i18next checks every `t('...')` key (and its interpolation values) against the
 * Chinese catalogue, the shape every catalogue has.
 */
import 'i18next';
import type { zhCN } from './messages.zh-cn.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}
