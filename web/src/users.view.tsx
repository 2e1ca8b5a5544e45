import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SessionsEnded, UserAccountView } from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import { ConfirmDialog, Field, Status, Time, useTask } from './ui.components.tsx';

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
        return `${user.username}: ${String(ended)} session(s) ended.`;
      }
      await props.api.post<UserAccountView>(path);
      reload();
      return kind === 'disable'
        ? `${user.username} is disabled and signed out everywhere.`
        : `${user.username} may sign in again.`;
    });
  };
  const users = list.result ?? [];
  return (
    <section>
      <h1>Users</h1>
      <p>
        People with an account at this gateway. Disabling a user signs them out everywhere at once
        and stops them signing in; it does not delete anything they did.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          reload();
        }}
      >
        <Field label="Accounts">
          {(id) => (
            <select
              id={id}
              value={accounts}
              onChange={(event) => {
                setAccounts(event.currentTarget.value === 'patients' ? 'patients' : 'staff');
              }}
            >
              <option value="staff">Staff</option>
              <option value="patients">Patients and guardians</option>
            </select>
          )}
        </Field>
        <Field label="Username starts with">
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
          Search
        </button>
      </form>
      <Status busy={list.busy} busyText="Loading users…" error={list.error}>
        {list.result !== undefined && users.length === 0 ? <p>No users match.</p> : null}
        {users.length >= 200 ? <p>The first 200 are shown: narrow the search.</p> : null}
      </Status>
      {users.length === 0 ? null : (
        <div class="table-scroll">
          <table data-testid="users">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">Status</th>
                <th scope="col">Open sessions</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.username} data-username={user.username}>
                  <th scope="row">{user.username}</th>
                  <td>{user.role}</td>
                  <td>
                    <Time value={user.createdAt} />
                  </td>
                  <td>
                    {user.disabledAt === undefined ? (
                      'Active'
                    ) : (
                      <>
                        Disabled <Time value={user.disabledAt} />
                      </>
                    )}
                  </td>
                  <td>{user.activeSessions}</td>
                  <td class="actions">
                    {user.username === props.me ? (
                      <span>(you)</span>
                    ) : user.disabledAt === undefined ? (
                      <>
                        <button
                          type="button"
                          class="danger"
                          onClick={() => {
                            setPending({ kind: 'disable', user });
                          }}
                        >
                          Disable {user.username}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          disabled={user.activeSessions === 0}
                          onClick={() => {
                            setPending({ kind: 'end-sessions', user });
                          }}
                        >
                          End sessions of {user.username}
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
                        Enable {user.username}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Status busy={action.busy} error={action.error}>
        {action.result === undefined ? null : <p class="ok">{action.result}</p>}
      </Status>
      <ConfirmDialog
        open={pending !== undefined}
        title={
          pending?.kind === 'disable'
            ? `Disable ${pending.user.username}?`
            : `End every session of ${pending?.user.username ?? ''}?`
        }
        confirmLabel={pending?.kind === 'disable' ? 'Disable' : 'End sessions'}
        onConfirm={() => {
          if (pending !== undefined) act(pending.kind, pending.user);
        }}
        onCancel={() => {
          setPending(undefined);
        }}
      >
        <p>
          {pending?.kind === 'disable'
            ? 'They are signed out on every device at once and cannot sign in until enabled again.'
            : 'They are signed out on every device at once and can sign in again.'}
        </p>
      </ConfirmDialog>
    </section>
  );
}
