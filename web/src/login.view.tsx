import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  createApiClient,
  keepTokens,
  ledgerInfo,
  login,
  signInProviders,
  whoAmI,
  type ApiClient,
} from './api.client.ts';
import type { IdentityView, SignInProviders } from '@consent-ledger/ledger-api';
import { OrgBrand } from './brand.components.tsx';
import { t } from './i18n/i18n.ts';
import { LanguageSwitch } from './i18n/language-switch.components.tsx';
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
  // The organization whose gateway this is (GET /ledger, open), named at the top of the page.
  const [mspId, setMspId] = useState<string | undefined>();
  useEffect(() => {
    void signInProviders().then(setProviders);
    ledgerInfo().then(
      (info) => {
        setMspId(info.mspId);
      },
      () => undefined,
    );
  }, []);
  const { oidc } = providers;
  return (
    <main id="main" class="narrow">
      <header class="sign-in-top">
        <OrgBrand mspId={mspId} />
        <LanguageSwitch />
      </header>
      <h1>{t('login.title')}</h1>
      <p>{t('login.intro')}</p>
      {props.notice === undefined ? null : <p class="notice">{props.notice}</p>}
      {oidc === undefined ? null : (
        <p>
          <a class="button" href={oidc.login}>
            {t('login.withProvider', { name: oidc.name })}
          </a>{' '}
          {t('login.providerHint')}
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
        <Field label={t('login.username')}>
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
        <Field label={t('login.password')}>
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
          {t('login.submit')}
        </button>
      </form>
      <Status busy={task.busy} busyText={t('login.busy')} error={task.error} detail={task.detail} />
      <p>
        {t('login.newPatient')} <a href="#/first-sign-in">{t('login.firstSignIn')}</a>
      </p>
      <p>
        <a href="#/open-statistics">{t('login.openStats')}</a>
      </p>
    </main>
  );
}
