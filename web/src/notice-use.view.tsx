import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { NoticeSummary, NoticeUse } from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import { ORGANIZATIONS } from './api.types.ts';
import { formatNumber, t } from './i18n/i18n.ts';
import { orgName } from './i18n/words.ts';
import { Field, Status, TechnicalDetails, Time, useTask } from './ui.components.tsx';

/**
 * The regulator's view of notices (issue 18): every published version of an organization's
 * notices, with how many consents name each (GET /notices and GET /notices/:org/:noticeId/use).
 */

/** One version of a notice with the consents naming it. */
export interface NoticeUseRow extends NoticeSummary {
  readonly consents: number;
}

/** The rows of an organization's notices, by notice ID then version; 0 where no consent names one. */
export function noticeUseRows(
  summaries: readonly NoticeSummary[],
  uses: readonly NoticeUse[],
): NoticeUseRow[] {
  const counts = new Map<string, number>();
  for (const use of uses)
    for (const each of use.versions)
      counts.set(`${use.noticeId}\u0000${String(each.version)}`, each.consents);
  return summaries
    .map((summary) => ({
      ...summary,
      consents: counts.get(`${summary.noticeId}\u0000${String(summary.version)}`) ?? 0,
    }))
    .sort((a, b) =>
      a.noticeId === b.noticeId ? a.version - b.version : a.noticeId < b.noticeId ? -1 : 1,
    );
}

async function noticeUseOf(api: ApiClient, org: string): Promise<NoticeUseRow[]> {
  const summaries = await api.get<NoticeSummary[]>('/notices', { org });
  const ids = [...new Set(summaries.map((summary) => summary.noticeId))].sort();
  const uses = await Promise.all(
    ids.map((noticeId) =>
      api.get<NoticeUse>(`/notices/${encodeURIComponent(org)}/${encodeURIComponent(noticeId)}/use`),
    ),
  );
  return noticeUseRows(summaries, uses);
}

/** The regulator's notices page: an organization's notice versions and the consents naming each. */
export function NoticeUsePanel(props: Readonly<{ api: ApiClient }>): JSX.Element {
  const [org, setOrg] = useState('TertiaryHospitalMSP');
  const task = useTask<NoticeUseRow[]>();
  useEffect(() => {
    void task.run(() => noticeUseOf(props.api, org));
  }, [org]);
  const rows = task.result;
  return (
    <section aria-labelledby="notice-use-title">
      <h1 id="notice-use-title">{t('noticeUse.title')}</h1>
      <p>{t('noticeUse.intro')}</p>
      <Field label={t('noticeUse.org')}>
        {(id) => (
          <select
            id={id}
            value={org}
            onChange={(event) => {
              setOrg(event.currentTarget.value);
            }}
          >
            {ORGANIZATIONS.map((mspId) => (
              <option key={mspId} value={mspId}>
                {orgName(mspId)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Status
        busy={task.busy}
        busyText={t('noticeUse.loading')}
        error={task.error}
        detail={task.detail}
      >
        {rows === undefined ? null : (
          <p>
            {t('noticeUse.summary', {
              versions: formatNumber(rows.length),
              consents: formatNumber(rows.reduce((sum, row) => sum + row.consents, 0)),
            })}
          </p>
        )}
      </Status>
      {rows === undefined ? null : rows.length === 0 ? (
        <p class="empty">{t('noticeUse.none', { org: orgName(org) })}</p>
      ) : (
        <div
          class="table-scroll"
          tabIndex={0}
          role="region"
          aria-label={t('noticeUse.caption', { org: orgName(org) })}
        >
          <table data-testid="notice-use">
            <caption>{t('noticeUse.caption', { org: orgName(org) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('noticeUse.notice')}</th>
                <th scope="col">{t('noticeUse.version')}</th>
                <th scope="col">{t('noticeUse.published')}</th>
                <th scope="col">{t('noticeUse.consents')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.noticeId}-${String(row.version)}`}>
                  <th scope="row">
                    <span class="id">{row.noticeId}</span>
                  </th>
                  <td>{formatNumber(row.version)}</td>
                  <td>
                    <Time value={row.publishedAt} />
                  </td>
                  <td>{formatNumber(row.consents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows === undefined || rows.length === 0 ? null : (
        <TechnicalDetails>
          <ul>
            {rows.map((row) => (
              <li key={`${row.noticeId}-${String(row.version)}`} class="meta">
                {row.noticeId} v{String(row.version)}: SHA-256 <span class="id">{row.sha256}</span>
              </li>
            ))}
          </ul>
        </TechnicalDetails>
      )}
    </section>
  );
}
