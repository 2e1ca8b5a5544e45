import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient, Query } from './api.client.ts';
import { type AccessEvent, type Page, type Statistics } from '@consent-ledger/ledger-api';
import { ORGANIZATIONS } from './api.types.ts';
import { CountBars, RateLineChart, StackedBarChart, type BarGroup } from './charts.components.tsx';
import { allPages, orgName } from './patient.view.tsx';
import { Field, Status, Time, isoOf, saveBlob, useTask } from './ui.components.tsx';

const PAGE_SIZES = [5, 10, 25, 50, 100] as const;

function EventRow(props: Readonly<{ event: AccessEvent }>): JSX.Element {
  const { event } = props;
  return (
    <tr class={event.breakGlass ? 'emergency' : ''} data-event-id={event.eventId}>
      <td>
        <Time value={event.timestamp} />
      </td>
      <td class="id">{event.patientId}</td>
      <td>{event.accessor.org}</td>
      <td>{event.purpose}</td>
      <td>
        <span class={`badge ${event.decision}`}>{event.decision}</span>
      </td>
      <td>{event.breakGlass ? <strong>yes</strong> : 'no'}</td>
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
    pageSize: '10',
  });
  const [filter, setFilter] = useState<Query | undefined>();
  // Bookmarks of the pages shown so far: [''] is the first page.
  const [bookmarks, setBookmarks] = useState<string[]>(['']);
  const page = useTask<Page<AccessEvent>>();
  const exporting = useTask<string>();
  const search = (query: Query, bookmark: string): void => {
    void page.run(() =>
      props.api.get<Page<AccessEvent>>('/audit/access-events', { ...query, bookmark }),
    );
  };
  const set = (key: keyof typeof form) => (event: { currentTarget: { value: string } }) => {
    setForm({ ...form, [key]: event.currentTarget.value });
  };
  const items = page.result?.items ?? [];
  const pageNumber = bookmarks.length;
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit search</h1>
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
            pageSize: Number(form.pageSize),
          };
          setFilter(query);
          setBookmarks(['']);
          search(query, '');
        }}
      >
        <Field label="Patient ID">
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
        <Field label="Organization">
          {(id) => (
            <select
              id={id}
              name="accessorOrg"
              value={form.accessorOrg}
              onChange={set('accessorOrg')}
            >
              <option value="">Any</option>
              {ORGANIZATIONS.map((org) => (
                <option key={org.mspId} value={org.mspId}>
                  {org.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="From">
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
        <Field label="To">
          {(id) => (
            <input id={id} name="to" type="datetime-local" value={form.to} onInput={set('to')} />
          )}
        </Field>
        <Field label="Decision">
          {(id) => (
            <select id={id} name="decision" value={form.decision} onChange={set('decision')}>
              <option value="">Any</option>
              <option value="permit">Permitted</option>
              <option value="deny">Denied</option>
            </select>
          )}
        </Field>
        <Field label="Break-glass">
          {(id) => (
            <select id={id} name="breakGlass" value={form.breakGlass} onChange={set('breakGlass')}>
              <option value="">Any</option>
              <option value="true">Only break-glass</option>
              <option value="false">No break-glass</option>
            </select>
          )}
        </Field>
        <Field label="Results per page">
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
            Search
          </button>
        </div>
      </form>
      <Status busy={page.busy} busyText="Searching the ledger…" error={page.error}>
        {page.result === undefined ? null : (
          <p>
            Page {pageNumber}: {items.length} event{items.length === 1 ? '' : 's'}
            {page.result.bookmark === '' ? ' (last page)' : ''}.
          </p>
        )}
      </Status>
      {page.result === undefined ? null : (
        <>
          <div class="table-scroll">
            <table class="events">
              <caption class="visually-hidden">Access events, page {pageNumber}</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Patient</th>
                  <th scope="col">Organization</th>
                  <th scope="col">Purpose</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Break-glass</th>
                </tr>
              </thead>
              <tbody>
                {items.map((event) => (
                  <EventRow key={event.eventId} event={event} />
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Result pages">
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
              Previous page
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
              Next page
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
                    return `${name} saved (${blob.size} bytes).`;
                  });
                }}
              >
                Export {format === 'csv' ? 'CSV' : 'FHIR'}
              </button>
            ))}
          </div>
          <Status busy={exporting.busy} busyText="Preparing the export…" error={exporting.error}>
            {exporting.result === undefined ? null : <p class="success">{exporting.result}</p>}
          </Status>
        </>
      )}
    </section>
  );
}

/** Pending break-glass accesses, oldest first, each reviewed as justified or unjustified. */
export function ReviewsPanel(props: Readonly<{ api: ApiClient; refresh: number }>): JSX.Element {
  const list = useTask<AccessEvent[]>();
  const review = useTask<string>();
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
  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">Break-glass review queue</h1>
      <Status
        busy={review.busy}
        busyText="Recording the review on the ledger…"
        error={review.error}
      >
        {review.result === undefined ? null : <p class="success">{review.result}</p>}
      </Status>
      <Status
        busy={list.busy && list.result === undefined}
        busyText="Loading the queue…"
        error={list.error}
      />
      {list.result !== undefined && items.length === 0 ? (
        <p class="empty">No access waits for review.</p>
      ) : null}
      <ul class="cards">
        {items.map((event) => (
          <li key={event.eventId} class="card emergency" data-event-id={event.eventId}>
            <p>
              <strong>{orgName(event.accessor.org)}</strong> ({event.accessor.role}) opened{' '}
              {event.categories.join(', ')} data of <span class="id">{event.patientId}</span> on{' '}
              <Time value={event.timestamp} />
            </p>
            <p class="meta">
              Reason code: {event.emergency?.reasonCode ?? 'none'} ·{' '}
              <span class="id">{event.eventId}</span>
            </p>
            <div class="actions">
              {(['justified', 'unjustified'] as const).map((outcome) => (
                <button
                  key={outcome}
                  type="button"
                  class={outcome === 'justified' ? '' : 'danger'}
                  disabled={review.busy}
                  aria-label={`Mark ${event.eventId} as ${outcome}`}
                  onClick={() => {
                    void review
                      .run(async () => {
                        const answer = await props.api.post<{ txId: string }>(
                          `/audit/emergency-reviews/${event.eventId}`,
                          { outcome },
                        );
                        return `${event.eventId} reviewed as ${outcome} (transaction ${answer.txId}).`;
                      })
                      .then(load);
                  }}
                >
                  {outcome === 'justified' ? 'Justified' : 'Unjustified'}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The last `days` UTC days as YYYY-MM-DD, oldest first. */
function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, index) =>
    new Date(today - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10),
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
  const series = ORGANIZATIONS.map((org) => org.mspId).filter((mspId) =>
    events.some((event) => event.accessor.org === mspId),
  );
  const groups: BarGroup[] = labels.map((label) => {
    const values: Record<string, number> = {};
    for (const event of events)
      if (event.timestamp.startsWith(label))
        values[event.accessor.org] = (values[event.accessor.org] ?? 0) + 1;
    return { label, values };
  });
  const points = labels.map((label) => {
    const ofDay = events.filter((event) => event.timestamp.startsWith(label));
    const denied = ofDay.filter((event) => event.decision === 'deny').length;
    return { label, rate: ofDay.length === 0 ? 0 : denied / ofDay.length, of: ofDay.length };
  });
  return (
    <section aria-labelledby="charts-title">
      <h1 id="charts-title">Activity</h1>
      <Field label="Period">
        {(id) => (
          <select
            id={id}
            value={String(days)}
            onChange={(event) => {
              setDays(Number(event.currentTarget.value));
            }}
          >
            <option value="7">Last 7 days</option>
            <option value="14">Last 14 days</option>
            <option value="30">Last 30 days</option>
          </select>
        )}
      </Field>
      <Status busy={task.busy} busyText="Counting accesses…" error={task.error}>
        {task.result === undefined ? null : <p>{events.length} accesses in the period.</p>}
      </Status>
      {task.result === undefined ? null : (
        <div class="charts">
          <StackedBarChart
            title="Accesses per organization per day (UTC)"
            groups={groups}
            series={series}
          />
          <RateLineChart title="Deny rate per day" points={points} />
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
      <h1 id="regions-title">Statistics by region</h1>
      <p>The last 30 days, counted by the region of the accessing organization.</p>
      <Field label="Region level">
        {(id) => (
          <select
            id={id}
            value={level}
            onChange={(event) => {
              setLevel(event.currentTarget.value as typeof level);
            }}
          >
            <option value="province">Province</option>
            <option value="city">City</option>
            <option value="county">County</option>
          </select>
        )}
      </Field>
      <Status busy={task.busy} busyText="Counting…" error={task.error}>
        {stats === undefined ? null : (
          <p>
            {stats.total} accesses; {stats.byDecision.deny ?? 0} denied;{' '}
            {stats.byBreakGlass.true ?? 0} break-glass.
          </p>
        )}
      </Status>
      {stats === undefined ? null : (
        <div class="charts">
          <CountBars title={`Accesses by ${stats.level} code`} counts={stats.byRegion} />
          <CountBars title="Accesses by purpose" counts={stats.byPurpose} />
        </div>
      )}
    </section>
  );
}
