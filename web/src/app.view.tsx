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
  whoAmI,
} from './api.client.ts';
import type { IdentityView } from '@consent-ledger/ledger-api';
import type { LedgerEvent } from './api.types.ts';
import { useHashRoute } from './hash-router.ts';
import { DevicesPanel } from './devices.view.tsx';
import { FirstSignInView } from './first-sign-in.view.tsx';
import { AccessPanel, AnchorPanel, VerifyPanel } from './hospital.view.tsx';
import { LoginView, type Session } from './login.view.tsx';
import { ConsentsPanel, GrantPanel, TimelinePanel, orgName } from './patient.view.tsx';
import { ApprovalsPanel, EnrolmentPanel } from './patients.view.tsx';
import { AuditPanel, ChartsPanel, RegionsPanel, ReviewsPanel } from './regulator.view.tsx';
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
        { path: 'consents', label: 'My consents' },
        { path: 'grant', label: 'Grant a consent' },
        { path: 'timeline', label: 'Access history' },
        { path: 'devices', label: 'Devices and guardians' },
      ];
    case 'regulator':
      return [
        { path: 'audit', label: 'Audit search' },
        { path: 'reviews', label: 'Review queue' },
        { path: 'charts', label: 'Activity' },
        { path: 'regions', label: 'Regions' },
        { path: 'approvals', label: 'Recoveries and guardians' },
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
        { path: 'verify', label: 'Verify a document' },
        ...(canAnchor ? [{ path: 'anchor', label: 'Anchor a record' }] : []),
        ...(canRequest ? [{ path: 'access', label: 'Request access' }] : []),
        ...(canEnrol ? [{ path: 'patients', label: 'Patients' }] : []),
        ...(me.role === 'admin' ? [{ path: 'users', label: 'Users' }] : []),
      ];
    }
  }
}

function Page(
  props: Readonly<{ session: Session; route: string; refresh: number; signing: Signing }>,
): JSX.Element {
  const { api, me } = props.session;
  const audience = audienceOf(me);
  switch (audience === 'patient' ? props.route : `${audience}:${props.route}`) {
    case 'consents':
      return <ConsentsPanel api={api} refresh={props.refresh} signing={props.signing} />;
    case 'grant':
      return <GrantPanel api={api} signing={props.signing} />;
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
    case 'staff:verify':
      return <VerifyPanel api={api} />;
    case 'staff:anchor':
      return <AnchorPanel api={api} />;
    case 'staff:access':
      return <AccessPanel api={api} me={me} />;
    case 'staff:patients':
      return <EnrolmentPanel api={api} me={me} />;
    case 'staff:users':
      return <UsersPanel api={api} me={me.username} />;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>Choose a page from the menu.</p>
        </section>
      );
  }
}

/** A short readable line of a ledger event. */
function describe(event: LedgerEvent): string {
  switch (event.eventName) {
    case 'AccessRecorded': {
      const { accessorOrg, decision, breakGlass } = event.payload;
      return `${orgName(accessorOrg)} asked for data: ${decision}${breakGlass ? ' (emergency)' : ''}.`;
    }
    case 'ConsentGranted':
    case 'ConsentUpdated':
    case 'ConsentRevoked':
      return `A consent was ${event.eventName.slice(7).toLowerCase()}.`;
    case 'EmergencyReviewed':
      return `An emergency access was reviewed: ${event.payload.outcome}.`;
    case 'ConsentErased':
      return 'A consent’s details were erased.';
    case 'PatientBindingChanged':
      return `A patient’s keys or guardians changed (${event.payload.change.replaceAll('-', ' ')}).`;
    default:
      return `${event.eventName} in block ${String(event.blockNumber)}.`;
  }
}

function Signed(
  props: Readonly<{ session: Session; onLogout: (notice?: string) => void }>,
): JSX.Element {
  const routes = routesOf(props.session.me);
  const first = routes[0]?.path ?? 'verify';
  const route = useHashRoute(first);
  const [refresh, setRefresh] = useState(0);
  const [live, setLive] = useState<string | undefined>();
  const signing = useSigning(props.session, refresh);
  const heading = useRef<HTMLElement>(null);
  useEffect(() => {
    const controller = new AbortController();
    props.session.api
      .streamEvents((event) => {
        setLive(describe(event));
        setRefresh((value) => value + 1);
      }, controller.signal)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401)
          props.onLogout('Your session ended. Please sign in again.');
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
        <p class="brand">Consent Ledger</p>
        <p class="who">
          {me.username} ·{' '}
          {me.guardianId === undefined ? me.role : `guardian of ${me.patientId ?? 'a patient'}`} ·{' '}
          {orgName(me.mspId)}
        </p>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            props.onLogout();
          }}
        >
          Sign out
        </button>
      </header>
      <nav aria-label="Main" class="tabs">
        <ul>
          {routes.map((item) => (
            <li key={item.path}>
              <a href={`#/${item.path}`} aria-current={route === item.path ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={heading}>
        <Page session={props.session} route={route} refresh={refresh} signing={signing} />
      </main>
      {signing.dialog.element}
      <footer>
        <p role="status" aria-live="polite" class="live">
          {live === undefined ? 'Live updates on.' : `Latest: ${live}`}
        </p>
      </footer>
    </>
  );
}

/** The app: the login form, then the views of the user's role. */
export function App(): JSX.Element {
  const [session, setSession] = useState<Session | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
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
        <p role="status">Loading…</p>
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
  if (session === undefined)
    return <LoginView {...(notice === undefined ? {} : { notice })} onLogin={start} />;
  return <Signed session={session} onLogout={logout} />;
}
