import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PURPOSES, type OpenStatistics, type OpenStatisticsCell } from '@consent-ledger/ledger-api';
import { ApiError, openStatistics } from './api.client.ts';
import { formatNumber, t } from './i18n/i18n.ts';
import { LanguageSwitch } from './i18n/language-switch.components.tsx';
import { purposeWord, regionName } from './i18n/words.ts';
import { Field, Status, useTask } from './ui.components.tsx';

/** The periods a resident may choose, in days up to today (UTC). */
const PERIODS = [7, 14, 31] as const;

const DAY_MS = 86_400_000;

/** A day `days - 1` days before today and today, as `YYYY-MM-DD` (UTC). */
function windowOf(days: number, now = Date.now()): { from: string; to: string } {
  const day = (millis: number): string => new Date(millis).toISOString().slice(0, 10);
  return { from: day(now - (days - 1) * DAY_MS), to: day(now) };
}

/** A cell as shown: its count, or `<N` when the count is withheld. */
function cellText(cell: OpenStatisticsCell | undefined): string {
  if (cell === undefined) return '';
  if (cell.count !== undefined) return formatNumber(cell.count);
  return t('openStats.lessThan', { n: formatNumber(cell.lessThan ?? 0) });
}

/** One city's table: a row per day, a column per purpose; no totals. */
function CityTable(
  props: Readonly<{ region: string; cells: readonly OpenStatisticsCell[] }>,
): JSX.Element {
  const days = [...new Set(props.cells.map((cell) => cell.day))].sort().reverse();
  const title = t('openStats.tableTitle', { region: regionName(props.region) });
  const find = (day: string, purpose: string): OpenStatisticsCell | undefined =>
    props.cells.find((cell) => cell.day === day && cell.purpose === purpose);
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {/* A table wider than a phone scrolls in its box: keyboard users reach it by Tab (axe
          scrollable-region-focusable), and it is named for them. */}
      <div class="table-scroll" tabIndex={0} role="region" aria-label={title}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('openStats.day')}</th>
              {PURPOSES.map((purpose) => (
                <th scope="col" key={purpose}>
                  {purposeWord(purpose)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day}>
                <th scope="row">{day}</th>
                {PURPOSES.map((purpose) => (
                  <td key={purpose}>{cellText(find(day, purpose))}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Open statistics for residents, without signing in: how often health data was accessed, by day,
 * city and purpose, as the government's gateway publishes it (GET /open/statistics); a count
 * below the city's research threshold is shown only as `<N`, and there are no totals.
 */
export function OpenStatisticsView(): JSX.Element {
  const [days, setDays] = useState<number>(PERIODS[0]);
  const task = useTask<OpenStatistics>();
  const [elsewhere, setElsewhere] = useState(false);
  useEffect(() => {
    const { from, to } = windowOf(days);
    setElsewhere(false);
    void task.run(async () => {
      try {
        return await openStatistics(from, to);
      } catch (error) {
        // Another organization's gateway: the government publishes them.
        if (error instanceof ApiError && error.status === 501) {
          setElsewhere(true);
          return { from, to, cells: [] };
        }
        throw error;
      }
    });
  }, [days]);
  const cells = task.result?.cells ?? [];
  const regions = [...new Set(cells.map((cell) => cell.region))].sort();
  return (
    <main id="main">
      <header class="sign-in-top">
        <LanguageSwitch />
      </header>
      <h1>{t('openStats.title')}</h1>
      <p>{t('openStats.intro')}</p>
      <p>{t('openStats.privacy')}</p>
      <Field label={t('openStats.period')}>
        {(id) => (
          <select
            id={id}
            value={String(days)}
            onChange={(event) => {
              setDays(Number(event.currentTarget.value));
            }}
          >
            {PERIODS.map((period) => (
              <option key={period} value={String(period)}>
                {t('openStats.lastDays', { days: period })}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Status
        busy={task.busy}
        busyText={t('openStats.busy')}
        error={task.error}
        detail={task.detail}
      >
        {elsewhere ? <p>{t('openStats.elsewhere')}</p> : null}
        {task.result !== undefined && !elsewhere && regions.length === 0 ? (
          <p>{t('openStats.empty')}</p>
        ) : null}
      </Status>
      {regions.length === 0 ? null : <p class="hint">{t('openStats.legend')}</p>}
      {regions.map((region) => (
        <CityTable
          key={region}
          region={region}
          cells={cells.filter((cell) => cell.region === region)}
        />
      ))}
      <p>
        <a href="#/">{t('openStats.back')}</a>
      </p>
    </main>
  );
}
