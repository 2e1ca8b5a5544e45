import type { JSX } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import type { ApiClient, Query } from './api.client.ts';
import { denyRates, lastDays } from './activity.ts';
import {
  REVIEW_COMMENT_MAX_LENGTH,
  REVIEW_OUTCOMES,
  type AccessEvent,
  type AccessEventPage,
  type ReviewOutcome,
  type Page,
  type ResultTotal,
  type Statistics,
} from '@consent-ledger/ledger-api';
import { ORGANIZATIONS } from './api.types.ts';
import { CountBars, RateLineChart, StackedBarChart, type BarGroup } from './charts.components.tsx';
import { formatBytes, formatDateTime, formatNumber, t } from './i18n/i18n.ts';
import {
  categoriesWords,
  decisionWord,
  emergencyReasonWord,
  orgName,
  outcomeWord,
  purposeWord,
  reasonWord,
  regionLevelWord,
  regionName,
  roleWord,
} from './i18n/words.ts';
import { EventDetail } from './event-detail.components.tsx';
import { totalWords } from './result-total.ts';
import { allPages } from './patient.view.tsx';
import {
  ConfirmDialog,
  Field,
  Status,
  TechnicalDetails,
  Time,
  isoOf,
  saveBlob,
  useTask,
} from './ui.components.tsx';

const PAGE_SIZES = [5, 10, 25, 50, 100] as const;

function EventRow(
  props: Readonly<{ event: AccessEvent; onOpen: (event: AccessEvent) => void }>,
): JSX.Element {
  const { event } = props;
  // The decision comes right after the time, so that a phone shows it without scrolling.
  return (
    <tr class={event.breakGlass ? 'emergency' : ''} data-event-id={event.eventId}>
      <td>
        <button
          type="button"
          class="link"
          aria-label={t('audit.openEvent', { time: formatDateTime(event.timestamp) })}
          onClick={() => {
            props.onOpen(event);
          }}
        >
          <Time value={event.timestamp} />
        </button>
      </td>
      <td>
        <span class={`badge ${event.decision}`}>{decisionWord(event.decision)}</span>
      </td>
      <td>{orgName(event.accessor.org)}</td>
      <td>{purposeWord(event.purpose)}</td>
      <td>{reasonWord(event.reason)}</td>
      <td>{event.breakGlass ? <strong>{t('audit.yes')}</strong> : t('audit.no')}</td>
      <td class="id">{event.patientId}</td>
    </tr>
  );
}

/** Audit search: filters, paging by bookmark, CSV and FHIR exports of the same filter. */
export function AuditPanel(props: Readonly<{ api: ApiClient }>): JSX.Element {
  const [form, setForm] = useState({
    patientId: '',
    accessorOrg: '',
    from: '',
    to: '',
    decision: '',
    breakGlass: '',
    order: 'desc',
    pageSize: '10',
  });
  const [filter, setFilter] = useState<Query | undefined>();
  // Bookmarks of the pages shown so far: [''] is the first page.
  const [bookmarks, setBookmarks] = useState<string[]>(['']);
  // The total over all pages, from the first page (later pages leave it out).
  const [total, setTotal] = useState<ResultTotal | undefined>();
  const [opened, setOpened] = useState<AccessEvent | undefined>();
  const page = useTask<AccessEventPage>();
  const exporting = useTask<string>();
  const search = (query: Query, bookmark: string): void => {
    void page.run(async () => {
      const answer = await props.api.get<AccessEventPage>('/audit/access-events', {
        ...query,
        bookmark,
      });
      if (bookmark === '') setTotal(answer.total);
      return answer;
    });
  };
  const set = (key: keyof typeof form) => (event: { currentTarget: { value: string } }) => {
    setForm({ ...form, [key]: event.currentTarget.value });
  };
  const items = page.result?.items ?? [];
  const pageNumber = bookmarks.length;
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          const query: Query = {
            patientId: form.patientId.trim(),
            accessorOrg: form.accessorOrg,
            from: isoOf(form.from),
            to: isoOf(form.to),
            decision: form.decision,
            breakGlass: form.breakGlass,
            order: form.order,
            pageSize: Number(form.pageSize),
          };
          setFilter(query);
          setBookmarks(['']);
          setTotal(undefined);
          setOpened(undefined);
          search(query, '');
        }}
      >
        <Field label={t('audit.patientId')}>
          {(id) => (
            <input
              id={id}
              name="patientId"
              value={form.patientId}
              onInput={set('patientId')}
              placeholder="pid-…"
            />
          )}
        </Field>
        <Field label={t('audit.org')}>
          {(id) => (
            <select
              id={id}
              name="accessorOrg"
              value={form.accessorOrg}
              onChange={set('accessorOrg')}
            >
              <option value="">{t('common.any')}</option>
              {ORGANIZATIONS.map((mspId) => (
                <option key={mspId} value={mspId}>
                  {orgName(mspId)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('audit.from')}>
          {(id) => (
            <input
              id={id}
              name="from"
              type="datetime-local"
              value={form.from}
              onInput={set('from')}
            />
          )}
        </Field>
        <Field label={t('audit.to')}>
          {(id) => (
            <input id={id} name="to" type="datetime-local" value={form.to} onInput={set('to')} />
          )}
        </Field>
        <Field label={t('audit.decision')}>
          {(id) => (
            <select id={id} name="decision" value={form.decision} onChange={set('decision')}>
              <option value="">{t('common.any')}</option>
              <option value="permit">{decisionWord('permit')}</option>
              <option value="deny">{decisionWord('deny')}</option>
            </select>
          )}
        </Field>
        <Field label={t('audit.breakGlass')}>
          {(id) => (
            <select id={id} name="breakGlass" value={form.breakGlass} onChange={set('breakGlass')}>
              <option value="">{t('common.any')}</option>
              <option value="true">{t('audit.onlyBreakGlass')}</option>
              <option value="false">{t('audit.noBreakGlass')}</option>
            </select>
          )}
        </Field>
        <Field label={t('audit.order')}>
          {(id) => (
            <select id={id} name="order" value={form.order} onChange={set('order')}>
              <option value="desc">{t('audit.newestFirst')}</option>
              <option value="asc">{t('audit.oldestFirst')}</option>
            </select>
          )}
        </Field>
        <Field label={t('audit.pageSize')}>
          {(id) => (
            <select id={id} name="pageSize" value={form.pageSize} onChange={set('pageSize')}>
              {PAGE_SIZES.map((size) => (
                <option key={size} value={String(size)}>
                  {size}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="actions">
          <button type="submit" disabled={page.busy}>
            {t('audit.search')}
          </button>
        </div>
      </form>
      <Status
        busy={page.busy}
        busyText={t('audit.searching')}
        error={page.error}
        detail={page.detail}
      >
        {page.result === undefined ? null : (
          <p>
            {total === undefined ? null : (
              <strong class="total" data-exact={String(total.exact)}>
                {totalWords(total)}
              </strong>
            )}{' '}
            {t(page.result.bookmark === '' ? 'audit.pageLast' : 'audit.page', {
              page: formatNumber(pageNumber),
              count: formatNumber(items.length),
            })}
          </p>
        )}
      </Status>
      {page.result !== undefined && items.length === 0 ? (
        <p class="empty">{t('audit.empty')}</p>
      ) : null}
      {page.result === undefined ? null : (
        <>
          <div class="table-scroll">
            <table class="events">
              <caption class="visually-hidden">
                {t('audit.caption', { page: formatNumber(pageNumber) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.time')}</th>
                  <th scope="col">{t('audit.decision')}</th>
                  <th scope="col">{t('audit.org')}</th>
                  <th scope="col">{t('audit.purpose')}</th>
                  <th scope="col">{t('audit.reason')}</th>
                  <th scope="col">{t('audit.breakGlass')}</th>
                  <th scope="col">{t('audit.patient')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((event) => (
                  <EventRow key={event.eventId} event={event} onOpen={setOpened} />
                ))}
              </tbody>
            </table>
          </div>
          {opened === undefined ? null : (
            <EventDetail
              api={props.api}
              event={opened}
              onClose={() => {
                setOpened(undefined);
              }}
            />
          )}
          <nav class="pager" aria-label={t('audit.pages')}>
            <button
              type="button"
              class="secondary"
              disabled={bookmarks.length <= 1 || page.busy}
              onClick={() => {
                const previous = bookmarks.slice(0, -1);
                setBookmarks(previous);
                search(filter ?? {}, previous.at(-1) ?? '');
              }}
            >
              {t('audit.previous')}
            </button>
            <button
              type="button"
              class="secondary"
              disabled={page.result.bookmark === '' || page.busy}
              onClick={() => {
                const next = page.result?.bookmark ?? '';
                setBookmarks([...bookmarks, next]);
                search(filter ?? {}, next);
              }}
            >
              {t('audit.next')}
            </button>
          </nav>
          <div class="actions">
            {(['csv', 'fhir'] as const).map((format) => (
              <button
                key={format}
                type="button"
                class="secondary"
                disabled={exporting.busy}
                onClick={() => {
                  void exporting.run(async () => {
                    const { pageSize: _pageSize, ...query } = filter ?? {};
                    const blob = await props.api.download('/audit/access-events/export', {
                      ...query,
                      format,
                    });
                    const name = format === 'csv' ? 'access-events.csv' : 'access-events.fhir.json';
                    saveBlob(blob, name);
                    return t('audit.saved', { name, size: formatBytes(blob.size) });
                  });
                }}
              >
                {t(format === 'csv' ? 'audit.exportCsv' : 'audit.exportFhir')}
              </button>
            ))}
          </div>
          <Status
            busy={exporting.busy}
            busyText={t('audit.exporting')}
            error={exporting.error}
            detail={exporting.detail}
          >
            {exporting.result === undefined ? null : <p class="success">{exporting.result}</p>}
          </Status>
        </>
      )}
    </section>
  );
}

/** A review being written: its event, its outcome, and whether it waits for confirmation. */
interface ReviewDraft {
  readonly event: AccessEvent;
  readonly outcome: ReviewOutcome;
  readonly comment: string;
  readonly confirming: boolean;
}

/**
 * Pending break-glass accesses, oldest first. A review takes a comment (kept by this gateway; the
 * ledger records only its fingerprint) and a confirmation of what will be recorded, which cannot
 * be undone.
 */
export function ReviewsPanel(props: Readonly<{ api: ApiClient; refresh: number }>): JSX.Element {
  const list = useTask<AccessEvent[]>();
  const review = useTask<string>();
  const [draft, setDraft] = useState<ReviewDraft | undefined>();
  const load = (): Promise<void> =>
    list.run(() =>
      allPages((bookmark) =>
        props.api.get<Page<AccessEvent>>('/audit/emergency-reviews', { pageSize: 100, bookmark }),
      ),
    );
  useEffect(() => {
    void load();
  }, [props.refresh]);
  const items = list.result ?? [];
  const submit = (chosen: ReviewDraft): void => {
    setDraft(undefined);
    void review
      .run(async () => {
        const answer = await props.api.post<{ txId: string }>(
          `/audit/emergency-reviews/${chosen.event.eventId}`,
          { outcome: chosen.outcome, comment: chosen.comment.trim() },
        );
        return t('reviews.done', { outcome: outcomeWord(chosen.outcome), tx: answer.txId });
      })
      .then(load);
  };
  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">{t('reviews.title')}</h1>
      <Status
        busy={review.busy}
        busyText={t('reviews.busy')}
        error={review.error}
        detail={review.detail}
      >
        {review.result === undefined ? null : <p class="success">{review.result}</p>}
      </Status>
      <Status
        busy={list.busy && list.result === undefined}
        busyText={t('reviews.loading')}
        error={list.error}
        detail={list.detail}
      />
      {list.result !== undefined && items.length === 0 ? (
        <p class="empty">{t('reviews.empty')}</p>
      ) : null}
      <ul class="cards">
        {items.map((event) => (
          <li key={event.eventId} class="card emergency" data-event-id={event.eventId}>
            <p>
              <strong>{orgName(event.accessor.org)}</strong>
              {t('reviews.opened', {
                role: roleWord(event.accessor.role),
                categories: categoriesWords(event.categories),
              })}{' '}
              <span class="id">{event.patientId}</span> · <Time value={event.timestamp} />
            </p>
            <p class="meta">
              {t('reviews.reason', {
                reason:
                  event.emergency === undefined
                    ? t('reviews.noReason')
                    : emergencyReasonWord(event.emergency.reasonCode),
              })}
            </p>
            <TechnicalDetails>
              <p class="meta">
                {t('tech.eventId')} <span class="id">{event.eventId}</span>
              </p>
            </TechnicalDetails>
            {draft?.event.eventId === event.eventId ? (
              <ReviewForm
                draft={draft}
                onChange={setDraft}
                onCancel={() => {
                  setDraft(undefined);
                }}
              />
            ) : (
              <div class="actions">
                {REVIEW_OUTCOMES.map((outcome) => (
                  <button
                    key={outcome}
                    type="button"
                    class={outcome === 'justified' ? '' : 'danger'}
                    disabled={review.busy}
                    aria-label={t('reviews.markLabel', {
                      id: event.eventId,
                      outcome: outcomeWord(outcome),
                    })}
                    onClick={() => {
                      setDraft({ event, outcome, comment: '', confirming: false });
                    }}
                  >
                    {outcomeWord(outcome)}
                  </button>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={draft?.confirming === true}
        title={t('reviews.confirmTitle')}
        confirmLabel={t('reviews.confirm')}
        danger={draft?.outcome !== 'justified'}
        onConfirm={() => {
          if (draft !== undefined) submit(draft);
        }}
        onCancel={() => {
          if (draft !== undefined) setDraft({ ...draft, confirming: false });
        }}
      >
        {draft === undefined ? null : (
          <>
            <p>
              {t('reviews.confirmWhat', {
                outcome: outcomeWord(draft.outcome),
                org: orgName(draft.event.accessor.org),
                time: formatDateTime(draft.event.timestamp),
              })}
            </p>
            <blockquote class="comment">{draft.comment.trim()}</blockquote>
            <p>{t('reviews.confirmPrivacy')}</p>
            <p>
              <strong>{t('reviews.confirmFinal')}</strong>
            </p>
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** The comment of a review, then a step to confirm it. */
function ReviewForm(
  props: Readonly<{
    draft: ReviewDraft;
    onChange: (draft: ReviewDraft) => void;
    onCancel: () => void;
  }>,
): JSX.Element {
  const { draft } = props;
  const [tried, setTried] = useState(false);
  const empty = draft.comment.trim() === '';
  const errorId = useId();
  return (
    <form
      class="review-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (!empty) props.onChange({ ...draft, confirming: true });
      }}
    >
      <Field
        label={t('reviews.commentLabel', { outcome: outcomeWord(draft.outcome) })}
        hint={t('reviews.commentHint', { max: formatNumber(REVIEW_COMMENT_MAX_LENGTH) })}
      >
        {(id, describedBy) => (
          <textarea
            id={id}
            name="comment"
            rows={3}
            required
            maxLength={REVIEW_COMMENT_MAX_LENGTH}
            aria-describedby={
              [describedBy, tried && empty ? errorId : undefined].filter(Boolean).join(' ') ||
              undefined
            }
            aria-invalid={tried && empty}
            value={draft.comment}
            onInput={(event) => {
              props.onChange({ ...draft, comment: event.currentTarget.value });
            }}
          />
        )}
      </Field>
      {tried && empty ? (
        <p class="error" id={errorId}>
          {t('reviews.commentRequired')}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit">{t('reviews.continue')}</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Accesses per organization per day and the deny rate, from the audit trail of the last days. */
export function ChartsPanel(props: Readonly<{ api: ApiClient; refresh: number }>): JSX.Element {
  const [days, setDays] = useState(7);
  const task = useTask<AccessEvent[]>();
  useEffect(() => {
    const from = `${lastDays(days)[0] ?? ''}T00:00:00.000Z`;
    void task.run(() =>
      allPages(
        (bookmark) =>
          props.api.get<Page<AccessEvent>>('/audit/access-events', {
            from,
            pageSize: 100,
            bookmark,
          }),
        20,
      ),
    );
  }, [days, props.refresh]);
  const labels = lastDays(days);
  const events = task.result ?? [];
  const series = ORGANIZATIONS.filter((mspId) =>
    events.some((event) => event.accessor.org === mspId),
  );
  const groups: BarGroup[] = labels.map((label) => {
    const values: Record<string, number> = {};
    for (const event of events)
      if (event.timestamp.startsWith(label))
        values[event.accessor.org] = (values[event.accessor.org] ?? 0) + 1;
    return { label, values };
  });
  const points = denyRates(events, labels);
  return (
    <section aria-labelledby="charts-title">
      <h1 id="charts-title">{t('charts.title')}</h1>
      <Field label={t('charts.period')}>
        {(id) => (
          <select
            id={id}
            value={String(days)}
            onChange={(event) => {
              setDays(Number(event.currentTarget.value));
            }}
          >
            {[7, 14, 30].map((count) => (
              <option key={count} value={String(count)}>
                {t('charts.lastDays', { count: formatNumber(count) })}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Status busy={task.busy} busyText={t('charts.busy')} error={task.error} detail={task.detail}>
        {task.result === undefined ? null : (
          <p>{t('charts.total', { count: formatNumber(events.length) })}</p>
        )}
      </Status>
      {task.result === undefined ? null : (
        <div class="charts">
          <StackedBarChart
            title={t('charts.perOrg')}
            groups={groups}
            series={series}
            seriesName={orgName}
          />
          <RateLineChart title={t('charts.denyRate')} points={points} />
        </div>
      )}
    </section>
  );
}

/** Aggregate counts by region (GET /audit/statistics): no patient IDs. */
export function RegionsPanel(props: Readonly<{ api: ApiClient }>): JSX.Element {
  const [level, setLevel] = useState<'province' | 'city' | 'county'>('province');
  const task = useTask<Statistics>();
  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - 30 * 86_400_000);
    void task.run(() =>
      props.api.get<Statistics>('/audit/statistics', {
        from: from.toISOString(),
        to: to.toISOString(),
        level,
      }),
    );
  }, [level]);
  const stats = task.result;
  return (
    <section aria-labelledby="regions-title">
      <h1 id="regions-title">{t('regions.title')}</h1>
      <p>{t('regions.intro')}</p>
      <Field label={t('regions.level')}>
        {(id) => (
          <select
            id={id}
            value={level}
            onChange={(event) => {
              setLevel(event.currentTarget.value as typeof level);
            }}
          >
            {(['province', 'city', 'county'] as const).map((item) => (
              <option key={item} value={item}>
                {regionLevelWord(item)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Status busy={task.busy} busyText={t('regions.busy')} error={task.error} detail={task.detail}>
        {stats === undefined ? null : (
          <p>
            {t('regions.summary', {
              total: formatNumber(stats.total),
              denied: formatNumber(stats.byDecision.deny ?? 0),
              breakGlass: formatNumber(stats.byBreakGlass.true ?? 0),
            })}
          </p>
        )}
      </Status>
      {stats === undefined ? null : (
        <div class="charts">
          <CountBars
            title={t('regions.byRegion', { level: regionLevelWord(stats.level) })}
            counts={stats.byRegion}
            labelOf={regionName}
          />
          <CountBars
            title={t('regions.byPurpose')}
            counts={stats.byPurpose}
            labelOf={purposeWord}
          />
        </div>
      )}
    </section>
  );
}
