import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type {
  BindingVersion,
  BindingWrite,
  BoundKey,
  Guardianship,
  PatientBinding,
  PatientView,
} from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import type { StoredKey } from './device-key.ts';
import { PublicKeyBox, SigningNotice, signAndSend, type Signing } from './signing.components.tsx';
import { CHANGE_WORDS, RELATIONSHIP_WORDS, byWhom } from './statement-words.ts';
import { keysOf, pastedPublicKey } from './statements.ts';
import { Field, Status, Time, useTask } from './ui.components.tsx';

/**
 * A patient's devices (the keys the ledger binds to them), guardians and the binding's history,
 * with adding and removing a device by a signed statement. The same lists show a binding to the
 * home hospital's admins and the regulator.
 */

/** The keys of a binding, this browser's marked; a remove button on each key in use. */
export function KeyList(
  props: Readonly<{
    keys: readonly BoundKey[];
    thisKeyId?: string | undefined;
    onRemove?: (key: BoundKey) => void;
  }>,
): JSX.Element {
  if (props.keys.length === 0) return <p class="empty">No device yet.</p>;
  return (
    <ul class="cards">
      {props.keys.map((key) => {
        const here = key.keyId === props.thisKeyId;
        return (
          <li
            key={key.keyId}
            class={`card key ${key.revokedAt === undefined ? 'active' : 'revoked'}`}
            data-key-id={key.keyId}
          >
            <p>
              <span class="id">{key.keyId}</span>{' '}
              {here ? <span class="badge here">this browser</span> : null}{' '}
              <span class={`badge ${key.revokedAt === undefined ? 'active' : 'revoked'}`}>
                {key.revokedAt === undefined ? 'in use' : 'stopped'}
              </span>
            </p>
            <p class="meta">
              Added <Time value={key.addedAt} />
              {key.revokedAt === undefined ? null : (
                <>
                  ; stopped <Time value={key.revokedAt} />
                </>
              )}
            </p>
            {props.onRemove === undefined || key.revokedAt !== undefined ? null : (
              <button
                type="button"
                class="danger"
                aria-label={`Remove device ${key.keyId}${here ? ' (this browser)' : ''}`}
                onClick={() => props.onRemove?.(key)}
              >
                Remove
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The guardianships of a binding. */
export function GuardianList(
  props: Readonly<{ guardians: readonly Guardianship[]; self?: string | undefined }>,
): JSX.Element {
  if (props.guardians.length === 0) return <p class="empty">No guardian.</p>;
  return (
    <ul class="cards">
      {props.guardians.map((guardian) => (
        <li key={guardian.guardianId} class="card guardian" data-guardian-id={guardian.guardianId}>
          <p>
            <strong>{RELATIONSHIP_WORDS[guardian.relationship]}</strong>{' '}
            <span class="id">{guardian.guardianId}</span>
            {guardian.guardianId === props.self ? ' (you)' : ''}{' '}
            <span class={`badge ${guardian.status === 'ended' ? 'revoked' : guardian.status}`}>
              {guardian.status}
            </span>
          </p>
          <p class="meta">
            From <Time value={guardian.validFrom} /> until <Time value={guardian.validUntil} />;{' '}
            {guardian.keys.filter((key) => key.revokedAt === undefined).length} key(s) in use
            {guardian.endedAt === undefined ? null : (
              <>
                ; ended <Time value={guardian.endedAt} />
              </>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Every change of a binding, newest first. */
export function BindingHistory(
  props: Readonly<{ history: readonly BindingVersion[]; self?: string | undefined }>,
): JSX.Element {
  const newest = [...props.history].sort((a, b) => b.version - a.version);
  return (
    <ol class="timeline history">
      {newest.map((change) => (
        <li key={change.version} class="card" data-change={change.change}>
          <p>
            <Time value={change.time} /> — <strong>{CHANGE_WORDS[change.change]}</strong>, by{' '}
            {byWhom(change.by, props.self === undefined ? {} : { self: props.self })}
          </p>
          <p class="meta">
            Version {change.version} · transaction <span class="id">{change.txId}</span>
          </p>
        </li>
      ))}
    </ol>
  );
}

/** The status of a binding in words. */
function bindingStatus(binding: PatientBinding): string {
  switch (binding.status) {
    case 'pending':
      return 'Waiting for a first sign-in with an enrolment code.';
    case 'active':
      return 'Active.';
    case 'recovering':
      return binding.recovery?.approvedAt === undefined
        ? 'A recovery waits for the regulator’s approval.'
        : 'Recovered: waiting for a first sign-in with the new enrolment code.';
  }
}

/** A whole binding, as the home hospital's admins and the regulator see it. */
export function BindingSummary(props: Readonly<{ view: PatientView }>): JSX.Element {
  const { binding } = props.view;
  return (
    <div class="binding" data-testid="binding">
      <dl>
        <dt>Patient</dt>
        <dd class="id">{binding.patientId}</dd>
        <dt>Status</dt>
        <dd>{bindingStatus(binding)}</dd>
        <dt>Version</dt>
        <dd>{binding.version}</dd>
        {binding.adultFrom === undefined ? null : (
          <>
            <dt>Comes of age</dt>
            <dd>{binding.adultFrom}</dd>
          </>
        )}
      </dl>
      <h3>Devices</h3>
      <KeyList keys={binding.keys} />
      <h3>Guardians</h3>
      <GuardianList guardians={binding.guardians} />
      <h3>History</h3>
      <BindingHistory history={props.view.history} />
    </div>
  );
}

/** What this browser is, as a device of the signer, and how to make it one. */
function ThisBrowser(props: Readonly<{ signing: Signing }>): JSX.Element {
  const { status, key, signer } = props.signing;
  const make = useTask<StoredKey>();
  const makeButton = (label: string): JSX.Element => (
    <button
      type="button"
      disabled={make.busy}
      onClick={() => {
        void make.run(() => props.signing.makeKeyHere());
      }}
    >
      {label}
    </button>
  );
  let body: JSX.Element;
  if (status === undefined) body = <p>Looking for a key in this browser…</p>;
  else
    switch (status.kind) {
      case 'ready':
        body = (
          <p class="success">
            This browser can sign for {signer?.kind === 'guardian' ? 'the patient' : 'you'}. Its key
            ID is <span class="id">{status.key.keyId}</span>; the private key never leaves it.
          </p>
        );
        break;
      case 'no-key':
        body = (
          <>
            <p>
              This browser holds no key, so it cannot sign. Make one here, then add it from a device
              that can sign: copy the public key it shows to that device.
            </p>
            {makeButton('Make a key on this browser')}
          </>
        );
        break;
      case 'not-bound':
        body = (
          <>
            <p>
              This browser has a key that is not one of your devices yet. On a device that can sign,
              open Devices and guardians, choose “Add a device” and paste this public key.
            </p>
            {key === undefined ? null : <PublicKeyBox keyRecord={key} />}
          </>
        );
        break;
      case 'key-revoked':
        body = (
          <>
            <p>
              The key of this browser stopped working on <Time value={status.revokedAt} /> (it was
              removed, or replaced by a recovery). To sign here again, make a new key and add it
              from a device that can sign.
            </p>
            {makeButton('Make a new key on this browser')}
          </>
        );
        break;
      case 'not-allowed':
        body = <p>{status.reason}</p>;
        break;
    }
  return (
    <section aria-labelledby="this-browser">
      <h2 id="this-browser">This browser</h2>
      {body}
      <Status busy={make.busy} busyText="Making a key in this browser…" error={make.error} />
    </section>
  );
}

/** The patient's devices, guardians and history, with adding and removing a device. */
export function DevicesPanel(props: Readonly<{ api: ApiClient; signing: Signing }>): JSX.Element {
  const { signing } = props;
  const { view, signer, key } = signing;
  const [pasted, setPasted] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const add = useTask<BindingWrite>();
  const remove = useTask<BindingWrite>();
  const isPatient = signer?.kind === 'patient';
  const self = signer?.id;
  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices and guardians</h1>
      <p>
        Only a key bound to you on the ledger can sign for you. Each device keeps its own key; your
        hospital and the regulator replace lost keys only together, after seeing you in person.
      </p>
      <ThisBrowser signing={signing} />
      <Status
        busy={view === undefined && signing.loadError === undefined}
        busyText="Loading your devices…"
      />
      {signing.loadError === undefined ? null : <SigningNotice signing={signing} />}
      {view === undefined || signer === undefined ? null : (
        <>
          <section aria-labelledby="devices-list">
            <h2 id="devices-list">{isPatient ? 'My devices' : 'My devices as guardian'}</h2>
            <Status
              busy={remove.busy}
              busyText="Removing the device on the ledger…"
              error={remove.error}
            >
              {remove.result === undefined ? null : (
                <p class="success">
                  Device removed (transaction <span class="id">{remove.result.txId}</span>).
                </p>
              )}
            </Status>
            <KeyList
              keys={keysOf(view.binding, signer)}
              thisKeyId={key?.keyId}
              {...(isPatient
                ? {
                    onRemove: (device: BoundKey) => {
                      void signAndSend({
                        signing,
                        task: remove,
                        request: {
                          action: 'patient:RemoveDevice',
                          payload: { keyId: device.keyId },
                          title: 'Remove this device?',
                          confirmLabel: 'Sign and remove',
                          danger: true,
                        },
                        send: (action) =>
                          props.api.post<BindingWrite>('/patients/me/devices/remove', { action }),
                      }).then(() => signing.reload());
                    },
                  }
                : {})}
            />
          </section>
          {isPatient ? (
            <section aria-labelledby="add-device">
              <h2 id="add-device">Add a device</h2>
              <form
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  const parsed = pastedPublicKey(pasted);
                  setInvalid(
                    parsed === undefined
                      ? 'Paste the whole public key the new device shows (about 120 letters and digits).'
                      : undefined,
                  );
                  if (parsed === undefined) return;
                  void signAndSend({
                    signing,
                    task: add,
                    request: {
                      action: 'patient:AddDevice',
                      payload: { publicKey: parsed.publicKey },
                      title: 'Add this device?',
                      confirmLabel: 'Sign and add',
                    },
                    send: (action) =>
                      props.api.post<BindingWrite>('/patients/me/devices', { action }),
                  }).then(async (sent) => {
                    if (sent) setPasted('');
                    await signing.reload();
                  });
                }}
              >
                <Field
                  label="Public key of the new device"
                  hint="On the new device, sign in with your username and password, open Devices and guardians and choose “Make a key on this browser”; copy the public key it shows and paste it here."
                >
                  {(id, hint) => (
                    <textarea
                      id={id}
                      name="publicKey"
                      class="id"
                      rows={4}
                      aria-describedby={hint}
                      value={pasted}
                      onInput={(event) => {
                        setPasted(event.currentTarget.value);
                      }}
                    />
                  )}
                </Field>
                <button type="submit" disabled={add.busy}>
                  Review and sign
                </button>
              </form>
              <Status
                busy={add.busy}
                busyText="Adding the device on the ledger…"
                error={invalid ?? add.error}
              >
                {add.result === undefined ? null : (
                  <p class="success">
                    Device added (transaction <span class="id">{add.result.txId}</span>). It can
                    sign once it reloads its page.
                  </p>
                )}
              </Status>
            </section>
          ) : null}
          <section aria-labelledby="guardians-list">
            <h2 id="guardians-list">Guardians</h2>
            {view.binding.adultFrom === undefined ? null : (
              <p>
                You come of age on {view.binding.adultFrom}; from then on no guardian can sign for
                you and you act alone.
              </p>
            )}
            <GuardianList guardians={view.binding.guardians} self={self} />
          </section>
          <section aria-labelledby="history-list">
            <h2 id="history-list">History of my keys and guardians</h2>
            <p>Every change of who can sign for you, newest first.</p>
            <BindingHistory history={view.history} self={self} />
          </section>
        </>
      )}
    </section>
  );
}
