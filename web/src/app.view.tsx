import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  collectSignIn,
  createApiClient,
  forgetTokens,
  keepTokens,
  keptTokens,
  messageOf,
  takeSignInHandoff,
  takeSignInRefusal,
  whoAmI,
} from './api.client.ts';
import type { IdentityView, InboxCounts } from '@consent-ledger/ledger-api';
import type { LedgerEvent } from './api.types.ts';
import { useHashRoute } from './hash-router.ts';
import { AskPanel, RequestsPanel } from './consent-requests.view.tsx';
import { DevicesPanel } from './devices.view.tsx';
import { FirstSignInView } from './first-sign-in.view.tsx';
import { InboxPanel } from './inbox.view.tsx';
import { NoticeUsePanel } from './notice-use.view.tsx';
import { AccessPanel, AnchorPanel, VerifyPanel } from './hospital.view.tsx';
import { LoginView, type Session } from './login.view.tsx';
import { OpenStatisticsView } from './open-statistics.view.tsx';
import { formatNumber, t, useLanguage } from './i18n/i18n.ts';
import { LanguageSwitch } from './i18n/language-switch.components.tsx';
import { decisionWord, orgName, outcomeWord, roleWord } from './i18n/words.ts';
import { ConsentsPanel, GrantPanel, TimelinePanel } from './patient.view.tsx';
import { ApprovalsPanel, EnrolmentPanel } from './patients.view.tsx';
import { AuditPanel, ChartsPanel, RegionsPanel, ReviewsPanel } from './regulator.view.tsx';
import { OrgBrand } from './brand.components.tsx';
import { useSigning, type Signing } from './signing.components.tsx';
import { UsersPanel } from './users.view.tsx';

/** The three kinds of user the app has views for. */
export type Audience = 'patient' | 'regulator' | 'staff';

/** Which views a user gets. */
export function audienceOf(me: IdentityView): Audience {
  if (me.role === 'patient' || me.guardianId !== undefined) return 'patient';
  if (me.role === 'regulator' && me.orgType === 'government') return 'regulator';
  return 'staff';
}

interface Route {
  readonly path: string;
  readonly label: string;
}

function routesOf(me: IdentityView): readonly Route[] {
  switch (audienceOf(me)) {
    case 'patient':
      return [
        { path: 'consents', label: t('nav.consents') },
        { path: 'inbox', label: t('nav.inbox') },
        { path: 'requests', label: t('nav.requests') },
        { path: 'grant', label: t('nav.grant') },
        { path: 'timeline', label: t('nav.timeline') },
        { path: 'devices', label: t('nav.devices') },
      ];
    case 'regulator':
      return [
        { path: 'audit', label: t('nav.audit') },
        { path: 'reviews', label: t('nav.reviews') },
        { path: 'charts', label: t('nav.charts') },
        { path: 'regions', label: t('nav.regions') },
        { path: 'approvals', label: t('nav.approvals') },
        { path: 'notices', label: t('nav.notices') },
      ];
    case 'staff': {
      const canAnchor =
        (me.orgType === 'hospital' && (me.role === 'clinician' || me.role === 'admin')) ||
        (me.orgType === 'enterprise' && (me.role === 'admin' || me.role === 'analyst'));
      const canRequest = ['clinician', 'researcher', 'analyst'].includes(me.role);
      // The home organizations' admins register patients (ledger-api PATIENT_ACCESS).
      const canEnrol =
        me.role === 'admin' && (me.orgType === 'hospital' || me.orgType === 'enterprise');
      return [
        { path: 'verify', label: t('nav.verify') },
        ...(canAnchor ? [{ path: 'anchor', label: t('nav.anchor') }] : []),
        ...(canRequest ? [{ path: 'access', label: t('nav.access') }] : []),
        ...(canRequest ? [{ path: 'ask', label: t('nav.ask') }] : []),
        ...(canEnrol ? [{ path: 'patients', label: t('nav.patients') }] : []),
        ...(me.role === 'admin' ? [{ path: 'users', label: t('nav.users') }] : []),
      ];
    }
  }
}

function Page(
  props: Readonly<{
    session: Session;
    route: string;
    refresh: number;
    signing: Signing;
    onInboxCounts: (counts: InboxCounts) => void;
  }>,
): JSX.Element {
  const { api, me } = props.session;
  const audience = audienceOf(me);
  switch (audience === 'patient' ? props.route : `${audience}:${props.route}`) {
    case 'consents':
      return <ConsentsPanel api={api} refresh={props.refresh} signing={props.signing} />;
    case 'grant':
      return <GrantPanel api={api} signing={props.signing} home={me.mspId} />;
    case 'inbox':
      return <InboxPanel api={api} refresh={props.refresh} onCounts={props.onInboxCounts} />;
    case 'requests':
      return <RequestsPanel api={api} refresh={props.refresh} signing={props.signing} />;
    case 'devices':
      return <DevicesPanel api={api} signing={props.signing} />;
    case 'timeline':
      return <TimelinePanel api={api} patientId={me.patientId ?? ''} refresh={props.refresh} />;
    case 'regulator:audit':
      return <AuditPanel api={api} />;
    case 'regulator:reviews':
      return <ReviewsPanel api={api} refresh={props.refresh} />;
    case 'regulator:charts':
      return <ChartsPanel api={api} refresh={props.refresh} />;
    case 'regulator:regions':
      return <RegionsPanel api={api} />;
    case 'regulator:approvals':
      return <ApprovalsPanel api={api} />;
    case 'regulator:notices':
      return <NoticeUsePanel api={api} />;
    case 'staff:verify':
      return <VerifyPanel api={api} />;
    case 'staff:anchor':
      return <AnchorPanel api={api} />;
    case 'staff:access':
      return <AccessPanel api={api} me={me} />;
    case 'staff:ask':
      return <AskPanel api={api} me={me} />;
    case 'staff:patients':
      return <EnrolmentPanel api={api} me={me} />;
    case 'staff:users':
      return <UsersPanel api={api} me={me.username} />;
    default:
      return (
        <section>
          <h1>{t('app.notFound')}</h1>
          <p>{t('app.notFoundHint')}</p>
        </section>
      );
  }
}

/** A short readable line of a ledger event. */
function describe(event: LedgerEvent): string {
  switch (event.eventName) {
    case 'AccessRecorded': {
      const { accessorOrg, decision, breakGlass } = event.payload;
      return t(breakGlass ? 'live.accessEmergency' : 'live.access', {
        org: orgName(accessorOrg),
        decision: decisionWord(decision),
      });
    }
    case 'ConsentGranted':
      return t('live.consentGranted');
    case 'ConsentUpdated':
      return t('live.consentUpdated');
    case 'ConsentRevoked':
      return t('live.consentRevoked');
    case 'EmergencyReviewed':
      return t('live.reviewed', { outcome: outcomeWord(event.payload.outcome) });
    case 'ConsentErased':
      return t('live.erased');
    case 'PatientBindingChanged':
      return t('live.binding');
    default:
      // Other events (records anchored, organizations changed) in words, without block numbers.
      return t('live.other');
  }
}

function Signed(
  props: Readonly<{ session: Session; onLogout: (notice?: string) => void }>,
): JSX.Element {
  const routes = routesOf(props.session.me);
  const first = routes[0]?.path ?? 'verify';
  const route = useHashRoute(first);
  const [refresh, setRefresh] = useState(0);
  // The latest event itself, worded at render time: a change of language words it again.
  const [live, setLive] = useState<LedgerEvent | undefined>();
  const signing = useSigning(props.session, refresh);
  const heading = useRef<HTMLElement>(null);
  // The patient's unread inbox items, for the menu: read again on every live event and page. The
  // inbox page reads them with its items and reports them (onCounts), so it is not asked twice.
  const [unread, setUnread] = useState<number | undefined>();
  const patient = audienceOf(props.session.me) === 'patient';
  useEffect(() => {
    if (!patient || route === 'inbox') return;
    props.session.api
      .get<InboxCounts>('/inbox/unread')
      .then((counts) => {
        setUnread(counts.unread);
      })
      .catch(() => undefined);
  }, [props.session, refresh, route]);
  useEffect(() => {
    const controller = new AbortController();
    props.session.api
      .streamEvents((event) => {
        setLive(event);
        setRefresh((value) => value + 1);
      }, controller.signal)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401)
          props.onLogout(t('app.sessionEnded'));
      });
    return () => {
      controller.abort();
    };
  }, [props.session]);
  useEffect(() => {
    // Move focus to the new page's heading, so screen readers announce it.
    const title = heading.current?.querySelector('h1');
    if (title === null || title === undefined) return;
    title.tabIndex = -1;
    title.focus();
  }, [route]);
  const { me } = props.session;
  return (
    <>
      <header class="top">
        <OrgBrand mspId={me.mspId} />
        <p class="who">
          {me.username} ·{' '}
          {me.guardianId === undefined
            ? roleWord(me.role)
            : t('app.guardianOf', { patient: me.patientId ?? t('app.aPatient') })}
        </p>
        <LanguageSwitch />
        <button
          type="button"
          class="secondary"
          onClick={() => {
            props.onLogout();
          }}
        >
          {t('app.signOut')}
        </button>
      </header>
      <nav aria-label={t('app.mainNav')} class="tabs">
        <ul>
          {routes.map((item) => (
            <li key={item.path}>
              <a href={`#/${item.path}`} aria-current={route === item.path ? 'page' : undefined}>
                {item.label}
                {item.path === 'inbox' && unread !== undefined && unread > 0 ? (
                  <>
                    {/* The number shows; the name reads "Inbox (N unread)" and holds the
                        visible word, so speech control finds it by what it shows. */}
                    <span class="count" aria-hidden="true">
                      {formatNumber(unread)}
                    </span>
                    <span class="visually-hidden">
                      {' '}
                      {t('nav.inboxUnread', { n: formatNumber(unread) })}
                    </span>
                  </>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={heading}>
        <Page
          session={props.session}
          route={route}
          refresh={refresh}
          signing={signing}
          onInboxCounts={(counts) => {
            setUnread(counts.unread);
          }}
        />
      </main>
      {signing.dialog.element}
      <footer>
        <p role="status" aria-live="polite" class="live">
          {live === undefined ? t('live.on') : t('live.latest', { text: describe(live) })}
        </p>
      </footer>
    </>
  );
}

/** The app: the login form, then the views of the user's role. */
export function App(): JSX.Element {
  // The root renders again when the language changes, and every view with it.
  useLanguage();
  const [session, setSession] = useState<Session | undefined>();
  // A refused identity provider sign-in returns here with its code (#signin-refused=...).
  const [notice, setNotice] = useState<string | undefined>(takeSignInRefusal);
  // An identity provider's sign-in returns here with a one-time code (#signin=...).
  const [handoff] = useState(takeSignInHandoff);
  const [restoring, setRestoring] = useState(
    () => handoff !== undefined || keptTokens() !== undefined,
  );
  const route = useHashRoute('');
  useEffect(() => {
    if (handoff !== undefined) {
      collectSignIn(handoff)
        .then(async (tokens) => {
          keepTokens(tokens);
          const api = createApiClient(tokens, { onTokens: keepTokens });
          setSession({ api, me: await whoAmI(api) });
        })
        .catch((error: unknown) => {
          forgetTokens();
          setNotice(messageOf(error));
        })
        .finally(() => {
          setRestoring(false);
        });
      return;
    }
    const tokens = keptTokens();
    if (tokens === undefined) return;
    const api = createApiClient(tokens, { onTokens: keepTokens });
    whoAmI(api)
      .then((me) => {
        setSession({ api, me });
      })
      .catch(() => {
        forgetTokens();
      })
      .finally(() => {
        setRestoring(false);
      });
  }, []);
  const logout = (message?: string): void => {
    // Ends the session at the gateway too (its tokens stop working at once).
    void session?.api.logout();
    forgetTokens();
    setSession(undefined);
    setNotice(message);
    location.hash = '';
  };
  if (restoring)
    return (
      <main id="main" class="narrow">
        <LanguageSwitch />
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  const start = (next: Session): void => {
    keepTokens(next.api.tokens);
    setNotice(undefined);
    setSession(next);
  };
  if (session === undefined && route === 'first-sign-in')
    return (
      <FirstSignInView
        onSignedIn={(next) => {
          location.hash = '#/devices';
          start(next);
        }}
      />
    );
  // Open statistics for residents: no sign-in (the government's gateway publishes them).
  if (session === undefined && route === 'open-statistics') return <OpenStatisticsView />;
  if (session === undefined)
    return <LoginView {...(notice === undefined ? {} : { notice })} onLogin={start} />;
  return <Signed session={session} onLogout={logout} />;
}
