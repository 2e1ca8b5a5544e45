import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { InboxCounts, InboxItem, InboxPage, InboxReadAll } from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import { formatDate, formatNumber, t } from './i18n/i18n.ts';
import {
  categoriesWords,
  granteeName,
  orgName,
  outcomeWord,
  requestStatusWord,
} from './i18n/words.ts';
import { Status, TechnicalDetails, Time, useTask } from './ui.components.tsx';

/**
 * The patient's inbox (GET /inbox at the home gateway): what happened that the patient should
 * know of, kept until read. Unread items are marked "new"; each can be marked read, or all at once.
 */

/** An item in words: its heading, what it means, and where to act on it. */
export interface InboxItemText {
  readonly title: string;
  readonly detail: string;
  /** A page of the app to act on the item (answer a request, renew a consent). */
  readonly link?: { readonly href: string; readonly label: string };
}

/** The words of an inbox item, in the chosen language. */
export function inboxItemText(item: InboxItem): InboxItemText {
  switch (item.kind) {
    case 'break-glass': {
      const { accessorOrg, categories, review } = item.details;
      return {
        title: t('inbox.breakGlassTitle', { org: orgName(accessorOrg) }),
        detail: t('inbox.breakGlassDetail', {
          categories: categoriesWords(categories),
          review:
            review === undefined
              ? t('inbox.reviewPending')
              : t('inbox.reviewDone', { outcome: outcomeWord(review) }),
        }),
        link: { href: '#/timeline', label: t('inbox.seeHistory') },
      };
    }
    case 'consent-request': {
      const { requesterOrg, status } = item.details;
      return {
        title: t('inbox.requestTitle', { org: orgName(requesterOrg) }),
        detail: t('inbox.requestDetail', { status: requestStatusWord(status) }),
        ...(status === 'open'
          ? { link: { href: '#/requests', label: t('inbox.answerRequest') } }
          : {}),
      };
    }
    case 'consent-expiring': {
      const { granteeOrg, validUntil } = item.details;
      const ended = Date.parse(validUntil) <= Date.now();
      return {
        title: t(ended ? 'inbox.endedTitle' : 'inbox.endingTitle', {
          who: granteeName({ org: granteeOrg }),
          date: formatDate(validUntil),
        }),
        detail: t('inbox.endingDetail'),
        link: { href: '#/consents', label: t('inbox.seeConsents') },
      };
    }
    case 'erasure':
      return item.details.kind === 'consent'
        ? { title: t('inbox.erasedConsentTitle'), detail: t('inbox.erasedConsentDetail') }
        : {
            title: t('inbox.erasedRetentionTitle'),
            detail: t('inbox.erasedRetentionDetail', {
              kind: t(`inbox.retentionKinds.${item.details.retentionKind}`),
            }),
          };
  }
}

/** The reference an item's technical details show (the event, request or consent ID). */
function referenceOf(item: InboxItem): string {
  switch (item.kind) {
    case 'break-glass':
      return item.details.eventId;
    case 'consent-request':
      return item.details.requestId;
    case 'consent-expiring':
      return item.details.consentId;
    case 'erasure':
      return item.details.kind === 'consent' ? item.details.consentId : item.txId;
  }
}

function InboxEntry(
  props: Readonly<{ item: InboxItem; onRead: (item: InboxItem) => void; busy: boolean }>,
): JSX.Element {
  const { item } = props;
  const text = inboxItemText(item);
  const unread = item.readAt === undefined;
  return (
    <li class={unread ? 'card unread' : 'card'}>
      <h3>
        {unread ? <span class="badge active">{t('inbox.new')}</span> : null} {text.title}
      </h3>
      <p class="meta">
        <Time value={item.time} />
      </p>
      <p>{text.detail}</p>
      <div class="actions">
        {text.link === undefined ? null : <a href={text.link.href}>{text.link.label}</a>}
        {unread ? (
          <button
            type="button"
            class="secondary"
            disabled={props.busy}
            aria-label={t('inbox.markReadLabel', { title: text.title })}
            onClick={() => {
              props.onRead(item);
            }}
          >
            {t('inbox.markRead')}
          </button>
        ) : null}
      </div>
      <TechnicalDetails>
        <p class="meta">
          {t('inbox.reference')} <span class="id">{referenceOf(item)}</span> ·{' '}
          {t('tech.transaction')} <span class="id">{item.txId}</span>
        </p>
      </TechnicalDetails>
    </li>
  );
}

/** The patient's inbox page; `onCounts` hears the unread counts after every change. */
export function InboxPanel(
  props: Readonly<{
    api: ApiClient;
    refresh: number;
    onCounts: (counts: InboxCounts) => void;
  }>,
): JSX.Element {
  const list = useTask<InboxPage>();
  const mark = useTask<InboxCounts>();
  const [items, setItems] = useState<readonly InboxItem[]>([]);
  const [bookmark, setBookmark] = useState<string | undefined>();
  const load = (more?: string): Promise<void> =>
    list.run(async () => {
      const page = await props.api.get<InboxPage>('/inbox', { pageSize: 25, bookmark: more });
      setItems((shown) => (more === undefined ? page.items : [...shown, ...page.items]));
      setBookmark(page.bookmark);
      props.onCounts(page.counts);
      return page;
    });
  useEffect(() => {
    void load();
  }, [props.refresh]);
  const onRead = (item: InboxItem): void => {
    void mark.run(async () => {
      const read = await props.api.post<InboxItem>(`/inbox/${String(item.itemId)}/read`);
      setItems((shown) => shown.map((each) => (each.itemId === read.itemId ? read : each)));
      const counts = await props.api.get<InboxCounts>('/inbox/unread');
      props.onCounts(counts);
      return counts;
    });
  };
  const onReadAll = (): void => {
    const newest = items[0]?.itemId;
    void mark.run(async () => {
      const done = await props.api.post<InboxReadAll>(
        '/inbox/read-all',
        newest === undefined ? {} : { upTo: newest },
      );
      const at = new Date().toISOString();
      setItems((shown) =>
        shown.map((each) => (each.readAt === undefined ? { ...each, readAt: at } : each)),
      );
      props.onCounts(done.counts);
      return done.counts;
    });
  };
  const unread = list.result === undefined ? undefined : (mark.result ?? list.result.counts).unread;
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('inbox.title')}</h1>
      <p>{t('inbox.intro')}</p>
      <Status
        busy={list.busy && list.result === undefined}
        busyText={t('inbox.loading')}
        error={list.error ?? mark.error}
        detail={list.detail ?? mark.detail}
      >
        {unread === undefined ? null : <p>{t('inbox.unreadCount', { n: formatNumber(unread) })}</p>}
      </Status>
      {unread === undefined || unread === 0 ? null : (
        <button type="button" disabled={mark.busy} onClick={onReadAll}>
          {t('inbox.markAllRead')}
        </button>
      )}
      {list.result !== undefined && items.length === 0 ? (
        <p class="empty">{t('inbox.empty')}</p>
      ) : (
        <ul class="cards">
          {items.map((item) => (
            <InboxEntry key={item.itemId} item={item} onRead={onRead} busy={mark.busy} />
          ))}
        </ul>
      )}
      {bookmark === undefined ? null : (
        <button
          type="button"
          class="secondary"
          disabled={list.busy}
          onClick={() => void load(bookmark)}
        >
          {t('inbox.more')}
        </button>
      )}
    </section>
  );
}
