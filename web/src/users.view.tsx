import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SessionsEnded, UserAccountView } from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import { ConfirmDialog, Field, Status, Time, useTask } from './ui.components.tsx';
import { formatNumber, t } from './i18n/i18n.ts';
import { roleWord } from './i18n/words.ts';

/** What the admin is about to do to a user, awaiting confirmation. */
type Pending =
  { readonly kind: 'disable' | 'end-sessions'; readonly user: UserAccountView } | undefined;

/**
 * The organization's users at this gateway (admins): who may sign in, how many sessions each has
 * open, and the admin's levers: disable (sessions end at once, no sign-in), enable, and end all
 * sessions (every device signs in again).
 */
export function UsersPanel(props: Readonly<{ api: ApiClient; me: string }>): JSX.Element {
  const list = useTask<readonly UserAccountView[]>();
  const action = useTask<string>();
  const [pending, setPending] = useState<Pending>();
  const [accounts, setAccounts] = useState<'staff' | 'patients'>('staff');
  const [search, setSearch] = useState('');
  const reload = (): void => {
    void list.run(() =>
      props.api.get<UserAccountView[]>('/identities', {
        accounts,
        search: search.trim().toLowerCase(),
      }),
    );
  };
  useEffect(reload, [props.api, accounts]);
  const act = (kind: 'disable' | 'enable' | 'end-sessions', user: UserAccountView): void => {
    setPending(undefined);
    void action.run(async () => {
      const path = `/identities/${encodeURIComponent(user.username)}/${kind}`;
      if (kind === 'end-sessions') {
        const { ended } = await props.api.post<SessionsEnded>(path);
        reload();
        return t('users.ended', { user: user.username, count: formatNumber(ended) });
      }
      await props.api.post<UserAccountView>(path);
      reload();
      return kind === 'disable'
        ? t('users.disabledDone', { user: user.username })
        : t('users.enabledDone', { user: user.username });
    });
  };
  const users = list.result ?? [];
  return (
    <section>
      <h1>{t('nav.users')}</h1>
      <p>{t('users.intro')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          reload();
        }}
      >
        <Field label={t('users.accounts')}>
          {(id) => (
            <select
              id={id}
              value={accounts}
              onChange={(event) => {
                setAccounts(event.currentTarget.value === 'patients' ? 'patients' : 'staff');
              }}
            >
              <option value="staff">{t('users.staff')}</option>
              <option value="patients">{t('users.patients')}</option>
            </select>
          )}
        </Field>
        <Field label={t('users.startsWith')}>
          {(id) => (
            <input
              id={id}
              value={search}
              onInput={(event) => {
                setSearch(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <button type="submit" class="secondary">
          {t('audit.search')}
        </button>
      </form>
      <Status
        busy={list.busy}
        busyText={t('users.loading')}
        error={list.error}
        detail={list.detail}
      >
        {list.result !== undefined && users.length === 0 ? (
          <p class="empty">{t('users.none')}</p>
        ) : null}
        {users.length >= 200 ? <p>{t('users.first200')}</p> : null}
      </Status>
      {users.length === 0 ? null : (
        <div class="table-scroll">
          <table data-testid="users">
            <thead>
              <tr>
                <th scope="col">{t('users.user')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.since')}</th>
                <th scope="col">{t('users.status')}</th>
                <th scope="col">{t('users.sessions')}</th>
                <th scope="col">{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.username} data-username={user.username}>
                  <th scope="row">{user.username}</th>
                  <td>{roleWord(user.role)}</td>
                  <td>
                    <Time value={user.createdAt} />
                  </td>
                  <td>
                    {user.disabledAt === undefined ? (
                      t('users.active')
                    ) : (
                      <>
                        {t('users.disabled')} <Time value={user.disabledAt} />
                      </>
                    )}
                  </td>
                  <td>{formatNumber(user.activeSessions)}</td>
                  <td class="actions">
                    {user.username === props.me ? (
                      <span>{t('users.you')}</span>
                    ) : user.disabledAt === undefined ? (
                      <>
                        <button
                          type="button"
                          class="danger"
                          onClick={() => {
                            setPending({ kind: 'disable', user });
                          }}
                        >
                          {t('users.disable', { user: user.username })}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          disabled={user.activeSessions === 0}
                          onClick={() => {
                            setPending({ kind: 'end-sessions', user });
                          }}
                        >
                          {t('users.endSessions', { user: user.username })}
                        </button>
                      </>
                    ) : (
                      <button
                        type="button"
                        class="secondary"
                        onClick={() => {
                          act('enable', user);
                        }}
                      >
                        {t('users.enable', { user: user.username })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Status busy={action.busy} error={action.error} detail={action.detail}>
        {action.result === undefined ? null : <p class="ok">{action.result}</p>}
      </Status>
      <ConfirmDialog
        open={pending !== undefined}
        title={
          pending?.kind === 'disable'
            ? t('users.disableTitle', { user: pending.user.username })
            : t('users.endTitle', { user: pending?.user.username ?? '' })
        }
        confirmLabel={
          pending?.kind === 'disable' ? t('users.disableConfirm') : t('users.endConfirm')
        }
        onConfirm={() => {
          if (pending !== undefined) act(pending.kind, pending.user);
        }}
        onCancel={() => {
          setPending(undefined);
        }}
      >
        <p>{pending?.kind === 'disable' ? t('users.disableText') : t('users.endText')}</p>
      </ConfirmDialog>
    </section>
  );
}
