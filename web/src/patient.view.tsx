import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from './api.client.ts';
import {
  CATEGORIES,
  PURPOSES,
  type AccessEvent,
  type Consent,
  type ConsentErasure,
  type ConsentWrite,
  type ErasureReceipt,
  type Page,
} from '@consent-ledger/ledger-api';
import { ORGANIZATIONS } from './api.types.ts';
import { SigningNotice, signAndSend, type Signing } from './signing.components.tsx';
import { byWhom } from './statement-words.ts';
import { canErase, consentInputOf, erasureOf, grantProblems, revocationOf } from './statements.ts';
import { CheckboxGroup, Field, Status, Time, useTask } from './ui.components.tsx';

/** Every item of a paged query, following bookmarks (at most `maxPages` pages). */
export async function allPages<T>(
  fetchPage: (bookmark: string) => Promise<Page<T>>,
  maxPages = 10,
): Promise<T[]> {
  const items: T[] = [];
  let bookmark = '';
  for (let page = 0; page < maxPages; page += 1) {
    const result = await fetchPage(bookmark);
    items.push(...result.items);
    bookmark = result.bookmark;
    if (bookmark === '') break;
  }
  return items;
}

/** An organization's readable name. */
export function orgName(mspId: string | undefined): string {
  if (mspId === undefined) return 'everyone';
  return ORGANIZATIONS.find((org) => org.mspId === mspId)?.name ?? mspId;
}

/** A labelled date input. */
function DateField(
  props: Readonly<{ label: string; name: string; value: string; onValue: (value: string) => void }>,
): JSX.Element {
  return (
    <Field label={props.label}>
      {(id) => (
        <input
          id={id}
          name={props.name}
          type="date"
          value={props.value}
          onInput={(event) => {
            props.onValue(event.currentTarget.value);
          }}
        />
      )}
    </Field>
  );
}

function ConsentItem(
  props: Readonly<{
    consent: Consent;
    onRevoke?: (consent: Consent) => void;
    onErase?: (consent: Consent) => void;
  }>,
): JSX.Element {
  const { consent } = props;
  return (
    <li class={`card consent ${consent.status}`} data-consent-id={consent.consentId}>
      <p>
        <strong>
          {consent.provision === 'deny' ? 'Refused to ' : ''}
          {orgName(consent.grantee?.org)}
        </strong>
        {consent.grantee?.role === undefined ? '' : ` (${consent.grantee.role}s)`}{' '}
        <span class={`badge ${consent.status}`}>{consent.status}</span>
      </p>
      <p>
        For {consent.purposes?.join(', ') ?? 'all purposes'}; data:{' '}
        {consent.categories?.join(', ') ?? 'all categories'}
      </p>
      <p class="meta">
        From <Time value={consent.validFrom} />
        {consent.validUntil === undefined ? (
          ', no end date'
        ) : (
          <>
            {' '}
            until <Time value={consent.validUntil} />
          </>
        )}
        {consent.revokedAt === undefined ? null : (
          <>
            ; revoked <Time value={consent.revokedAt} />
          </>
        )}
        <br />
        <span class="id">{consent.consentId}</span>
      </p>
      {props.onRevoke === undefined ? null : (
        <button
          type="button"
          class="danger"
          aria-label={`Revoke consent to ${orgName(consent.grantee?.org)} (${consent.consentId})`}
          onClick={() => props.onRevoke?.(consent)}
        >
          Revoke
        </button>
      )}
      {props.onErase === undefined ? null : (
        <button
          type="button"
          class="secondary"
          aria-label={`Erase details of the consent to ${orgName(consent.grantee?.org)} (${consent.consentId})`}
          onClick={() => props.onErase?.(consent)}
        >
          Erase details
        </button>
      )}
    </li>
  );
}

/** The erasures done for the patient: what was erased, when, on whose request. */
function ErasureList(
  props: Readonly<{ erasures: readonly ErasureReceipt[]; self?: string | undefined }>,
): JSX.Element {
  if (props.erasures.length === 0) return <p class="empty">None.</p>;
  const newest = [...props.erasures].sort((a, b) => b.erasedAt.localeCompare(a.erasedAt));
  return (
    <ul class="cards">
      {newest.map((receipt) => (
        <li key={receipt.txId} class="card erasure" data-subject={receipt.subject}>
          <p>
            {receipt.kind === 'consent' ? (
              <>
                Details of consent <span class="id">{receipt.subject}</span> erased
              </>
            ) : (
              <>Data past its retention period erased ({receipt.subject})</>
            )}{' '}
            <Time value={receipt.erasedAt} />
          </p>
          <p class="meta">
            Asked by{' '}
            {byWhom(receipt.requestedBy, props.self === undefined ? {} : { self: props.self })} ·
            transaction <span class="id">{receipt.txId}</span>
          </p>
        </li>
      ))}
    </ul>
  );
}

/**
 * The patient's consents, grouped by status: revoking an active one and erasing the details of a
 * revoked or expired one are statements the patient signs after a confirmation; the erasures done.
 */
export function ConsentsPanel(
  props: Readonly<{ api: ApiClient; refresh: number; signing: Signing }>,
): JSX.Element {
  const { signing } = props;
  const list = useTask<Consent[]>();
  const revoke = useTask<ConsentWrite>();
  const erase = useTask<ConsentErasure>();
  const load = (): Promise<void> =>
    list.run(() =>
      allPages((bookmark) =>
        props.api.get<Page<Consent>>('/consents', { pageSize: 100, bookmark }),
      ),
    );
  useEffect(() => {
    void load();
  }, [props.refresh]);
  const consents = list.result ?? [];
  const groups = [
    { status: 'active', title: 'Active' },
    { status: 'revoked', title: 'Revoked' },
    { status: 'expired', title: 'Expired' },
  ] as const;
  const onRevoke = (consent: Consent): void => {
    void signAndSend({
      signing,
      task: revoke,
      request: {
        action: 'consent:RevokeConsent',
        payload: revocationOf(consent),
        title: 'Revoke this consent?',
        confirmLabel: 'Yes, revoke',
        danger: true,
        consent,
      },
      send: (action) =>
        props.api.post<ConsentWrite>(`/consents/${consent.consentId}/revoke`, { action }),
    }).then((sent) => (sent ? load() : undefined));
  };
  const onErase = (consent: Consent): void => {
    void signAndSend({
      signing,
      task: erase,
      request: {
        action: 'consent:EraseConsent',
        payload: erasureOf(consent),
        title: 'Erase this consent’s details?',
        confirmLabel: 'Yes, erase',
        danger: true,
        consent,
      },
      send: (action) =>
        props.api.post<ConsentErasure>(`/consents/${consent.consentId}/erase`, { action }),
    }).then((sent) => (sent ? Promise.all([load(), signing.reload()]) : undefined));
  };
  return (
    <section aria-labelledby="consents-title">
      <h1 id="consents-title">My consents</h1>
      <SigningNotice signing={signing} />
      <p>
        <a href="#/grant" class="button">
          Grant a consent
        </a>
      </p>
      <Status busy={revoke.busy} busyText="Revoking on the ledger…" error={revoke.error}>
        {revoke.result === undefined ? null : (
          <p class="success">
            Consent {revoke.result.consentId} revoked (transaction{' '}
            <span class="id">{revoke.result.txId}</span>).
          </p>
        )}
      </Status>
      <Status busy={erase.busy} busyText="Erasing on every peer…" error={erase.error}>
        {erase.result === undefined ? null : (
          <p class="success">
            The details of consent {erase.result.consentId} were erased (transaction{' '}
            <span class="id">{erase.result.txId}</span>).
          </p>
        )}
      </Status>
      <Status
        busy={list.busy && list.result === undefined}
        busyText="Loading your consents…"
        error={list.error}
      />
      {groups.map((group) => {
        const items = consents.filter((consent) => consent.status === group.status);
        return (
          <section
            key={group.status}
            aria-labelledby={`consents-${group.status}`}
            class={`group-${group.status}`}
          >
            <h2 id={`consents-${group.status}`}>
              {group.title} ({items.length})
            </h2>
            {items.length === 0 ? (
              <p class="empty">None.</p>
            ) : (
              <ul class="cards">
                {items.map((consent) => (
                  <ConsentItem
                    key={consent.consentId}
                    consent={consent}
                    {...(group.status === 'active' ? { onRevoke } : {})}
                    {...(canErase(consent) ? { onErase } : {})}
                  />
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <section aria-labelledby="consents-erased" class="group-erased">
        <h2 id="consents-erased">Erased ({signing.view?.erasures.length ?? 0})</h2>
        <p class="hint">
          An erased consent’s details are gone from every peer; the ledger keeps only hashes, so
          earlier evidence still verifies.
        </p>
        <ErasureList erasures={signing.view?.erasures ?? []} self={signing.signer?.id} />
      </section>
    </section>
  );
}

/** The form that grants a consent; the consent is then reviewed and signed in a confirmation. */
export function GrantPanel(props: Readonly<{ api: ApiClient; signing: Signing }>): JSX.Element {
  const [org, setOrg] = useState('');
  const [role, setRole] = useState('');
  const [purposes, setPurposes] = useState<string[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const task = useTask<ConsentWrite>();
  return (
    <section aria-labelledby="grant-title">
      <h1 id="grant-title">Grant a consent</h1>
      <SigningNotice signing={props.signing} />
      <p>
        Choose who may use which of your data, and why. You then review the consent in plain words
        and sign it with this browser’s key.
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const form = { org, role, purposes, categories, from, until };
          const problems = grantProblems(form);
          setInvalid(problems.length === 0 ? undefined : `Please ${problems.join(', ')}.`);
          if (problems.length > 0) return;
          void signAndSend({
            signing: props.signing,
            task,
            request: {
              action: 'consent:GrantConsent',
              payload: consentInputOf(form),
              title: 'Review and sign this consent',
              confirmLabel: 'Sign and grant',
            },
            send: (action) => props.api.post<ConsentWrite>('/consents', { action }),
          });
        }}
      >
        <Field label="Organization">
          {(id) => (
            <select
              id={id}
              name="org"
              required
              value={org}
              onChange={(event) => {
                setOrg(event.currentTarget.value);
              }}
            >
              <option value="">Choose…</option>
              {ORGANIZATIONS.map((item) => (
                <option key={item.mspId} value={item.mspId}>
                  {item.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Who in it" hint="Leave as anyone to include every role of the organization.">
          {(id, hint) => (
            <select
              id={id}
              name="role"
              aria-describedby={hint}
              value={role}
              onChange={(event) => {
                setRole(event.currentTarget.value);
              }}
            >
              <option value="">Anyone</option>
              <option value="clinician">Clinicians</option>
              <option value="researcher">Researchers</option>
              <option value="analyst">Analysts</option>
            </select>
          )}
        </Field>
        <CheckboxGroup
          legend="Purposes"
          name="purposes"
          options={PURPOSES}
          selected={purposes}
          onChange={setPurposes}
        />
        <CheckboxGroup
          legend="Kinds of data"
          name="categories"
          options={CATEGORIES}
          selected={categories}
          onChange={setCategories}
        />
        <div class="row">
          <DateField label="From (optional)" name="validFrom" value={from} onValue={setFrom} />
          <DateField label="Until (optional)" name="validUntil" value={until} onValue={setUntil} />
        </div>
        <button type="submit" disabled={task.busy}>
          Review and sign
        </button>
      </form>
      <Status
        busy={task.busy}
        busyText="Recording your consent on the ledger…"
        error={invalid ?? task.error}
      >
        {task.result === undefined ? null : (
          <p class="success">
            Consent granted to {orgName(task.result.consent.grantee?.org)}: {task.result.consentId}{' '}
            (transaction <span class="id">{task.result.txId}</span>).{' '}
            <a href="#/consents">See my consents</a>
          </p>
        )}
      </Status>
    </section>
  );
}

/** Who accessed, or tried to access, the patient's data; emergency accesses stand out. */
export function TimelinePanel(
  props: Readonly<{ api: ApiClient; patientId: string; refresh: number }>,
): JSX.Element {
  const task = useTask<AccessEvent[]>();
  useEffect(() => {
    void task.run(async () =>
      (
        await allPages((bookmark) =>
          props.api.get<Page<AccessEvent>>('/audit/access-events', {
            patientId: props.patientId,
            pageSize: 100,
            bookmark,
          }),
        )
      ).sort((a, b) => b.timestamp.localeCompare(a.timestamp)),
    );
  }, [props.refresh]);
  const events = task.result ?? [];
  return (
    <section aria-labelledby="timeline-title">
      <h1 id="timeline-title">Who looked at my data</h1>
      <p>
        Every request for your data is recorded on the ledger, whether it was allowed or not. Newest
        first.
      </p>
      <Status
        busy={task.busy && task.result === undefined}
        busyText="Loading the access history…"
        error={task.error}
      />
      {task.result !== undefined && events.length === 0 ? (
        <p class="empty">No one has asked for your data yet.</p>
      ) : null}
      <ol class="timeline">
        {events.map((event) => (
          <li
            key={event.eventId}
            class={`card ${event.breakGlass ? 'emergency' : ''} ${event.decision}`}
            data-event-id={event.eventId}
          >
            {event.breakGlass ? (
              <p class="emergency-label">
                <strong>Emergency access (break-glass)</strong>
                {event.emergency === undefined
                  ? null
                  : `: ${event.emergency.reasonCode.replaceAll('_', ' ').toLowerCase()}, review ${event.emergency.review.status}`}
              </p>
            ) : null}
            <p>
              <Time value={event.timestamp} /> — <strong>{orgName(event.accessor.org)}</strong> (
              {event.accessor.role}) asked for {event.categories.join(', ')} data for{' '}
              {event.purpose}:{' '}
              <span class={`badge ${event.decision}`}>
                {event.decision === 'permit' ? 'allowed' : 'refused'}
              </span>
            </p>
            <p class="meta">
              Reason: {event.reason} · <span class="id">{event.eventId}</span>
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
