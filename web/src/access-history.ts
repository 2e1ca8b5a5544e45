import { csvRow, type AccessEvent } from '@consent-ledger/ledger-api';
import { formatDateTime, t } from './i18n/i18n.ts';
import {
  categoriesWords,
  decisionWord,
  emergencyReasonWord,
  granteeName,
  outcomeWord,
  purposeWord,
  reasonWord,
  reviewStatusWord,
  roleWord,
} from './i18n/words.ts';

/** The columns of a patient's access history, in order; the event ID last, for a complaint. */
const COLUMNS = [
  'time',
  'organization',
  'role',
  'data',
  'purpose',
  'decision',
  'reason',
  'emergency',
  'review',
  'eventId',
] as const;

/** What the review column says of a break-glass access: its status, and its outcome once reviewed. */
function reviewWords(event: AccessEvent): string {
  const review = event.emergency?.review;
  if (review === undefined) return '';
  const status = reviewStatusWord(review.status);
  return review.outcome === undefined
    ? status
    : t('historyCsv.reviewedAs', { status, outcome: outcomeWord(review.outcome) });
}

/** A patient's access history as words: the column headings and one row per event. */
export interface AccessHistoryTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * A patient's access history in the current language, worded as the timeline words it
 * (organization names, roles, data, purposes, decisions and reasons, local times), newest first
 * as given: the rows of both the CSV and the PDF.
 */
export function accessHistoryTable(events: readonly AccessEvent[]): AccessHistoryTable {
  const header = COLUMNS.map((column) => t(`historyCsv.${column}`));
  const rows = events.map((event) => {
    const values: Record<(typeof COLUMNS)[number], string> = {
      time: formatDateTime(event.timestamp),
      organization: granteeName(event.accessor),
      role: roleWord(event.accessor.role),
      data: categoriesWords(event.categories),
      purpose: purposeWord(event.purpose),
      decision: decisionWord(event.decision),
      reason: reasonWord(event.reason),
      emergency: !event.breakGlass
        ? t('historyCsv.no')
        : event.emergency === undefined
          ? t('historyCsv.yes')
          : t('historyCsv.yesBecause', { reason: emergencyReasonWord(event.emergency.reasonCode) }),
      review: reviewWords(event),
      eventId: event.eventId,
    };
    return COLUMNS.map((column) => values[column]);
  });
  return { header, rows };
}

/**
 * A patient's access history as CSV in the current language ({@link accessHistoryTable}). A UTF-8
 * byte order mark leads, so that spreadsheets read the Chinese as UTF-8.
 */
export function accessHistoryCsv(events: readonly AccessEvent[]): string {
  const { header, rows } = accessHistoryTable(events);
  return `\uFEFF${csvRow(header)}${rows.map((row) => csvRow(row)).join('')}`;
}
