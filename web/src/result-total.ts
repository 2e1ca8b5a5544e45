import type { ResultTotal } from '@consent-ledger/ledger-api';
import { formatNumber, t } from './i18n/i18n.ts';

/** A query's total in words: exact, or at least a count (where the ledger stopped counting). */
export function totalWords(total: ResultTotal): string {
  const count = formatNumber(total.count);
  if (!total.exact) return t('audit.totalAtLeast', { count });
  return total.count === 1 ? t('audit.totalOne') : t('audit.total', { count });
}
