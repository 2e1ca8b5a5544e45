import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  createApiClient,
  keepTokens,
  login,
  signInProviders,
  whoAmI,
  type ApiClient,
} from './api.client.ts';
import type { IdentityView, SignInProviders } from '@consent-ledger/ledger-api';
import { Field, Status, useTask } from './ui.components.tsx';

/** A logged-in user: their API client and identity. */
export interface Session {
  readonly api: ApiClient;
  readonly me: IdentityView;
}

/** The login form; calls `onLogin` with the new session. */
export function LoginView(
  props: Readonly<{ onLogin: (session: Session) => void; notice?: string }>,
): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const task = useTask<undefined>();
  const [providers, setProviders] = useState<SignInProviders>({ local: true });
  useEffect(() => {
    void signInProviders().then(setProviders);
  }, []);
  const { oidc } = providers;
  return (
    <main id="main" class="narrow">
      <h1>Sign in</h1>
      <p>
        Patients, regulators and hospital staff sign in with the account their organization gave
        them.
      </p>
      {props.notice === undefined ? null : <p class="notice">{props.notice}</p>}
      {oidc === undefined ? null : (
        <p>
          <a class="button" href={oidc.login}>
            Sign in with {oidc.name}
          </a>{' '}
          (hospital staff: your organization's own account)
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void task.run(async () => {
            const token = await login(username.trim(), password);
            const api = createApiClient(token, { onTokens: keepTokens });
            props.onLogin({ api, me: await whoAmI(api) });
            return undefined;
          });
        }}
      >
        <Field label="Username">
          {(id) => (
            <input
              id={id}
              name="username"
              autocomplete="username"
              required
              value={username}
              onInput={(event) => {
                setUsername(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <Field label="Password">
          {(id) => (
            <input
              id={id}
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(event) => {
                setPassword(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <button type="submit" disabled={task.busy}>
          Sign in
        </button>
      </form>
      <Status busy={task.busy} busyText="Signing in…" error={task.error} />
      <p>
        New patient or guardian with a slip from your hospital?{' '}
        <a href="#/first-sign-in">First sign-in with an enrolment code</a>
      </p>
    </main>
  );
}
