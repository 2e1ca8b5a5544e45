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
import { formatDate, formatNumber, t } from './i18n/i18n.ts';
import { byWhom } from './statement-words.ts';
import { keysOf, pastedPublicKey } from './statements.ts';
import { Field, Status, TechnicalDetails, Time, useTask } from './ui.components.tsx';

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
  if (props.keys.length === 0) return <p class="empty">{t('devices.noDevice')}</p>;
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
              {here ? <span class="badge here">{t('devices.thisBrowserBadge')}</span> : null}{' '}
              <span class={`badge ${key.revokedAt === undefined ? 'active' : 'revoked'}`}>
                {key.revokedAt === undefined ? t('devices.inUse') : t('devices.stopped')}
              </span>
            </p>
            <p class="meta">
              {t('devices.added')} <Time value={key.addedAt} />
              {key.revokedAt === undefined ? null : (
                <>
                  {t('devices.stoppedAt')} <Time value={key.revokedAt} />
                </>
              )}
            </p>
            {props.onRemove === undefined || key.revokedAt !== undefined ? null : (
              <button
                type="button"
                class="danger"
                aria-label={t(here ? 'devices.removeHereLabel' : 'devices.removeLabel', {
                  id: key.keyId,
                })}
                onClick={() => props.onRemove?.(key)}
              >
                {t('devices.remove')}
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
  if (props.guardians.length === 0) return <p class="empty">{t('devices.noGuardian')}</p>;
  return (
    <ul class="cards">
      {props.guardians.map((guardian) => (
        <li key={guardian.guardianId} class="card guardian" data-guardian-id={guardian.guardianId}>
          <p>
            <strong>{t(`relationship.${guardian.relationship}`)}</strong>{' '}
            <span class="id">{guardian.guardianId}</span>
            {guardian.guardianId === props.self ? t('users.you') : ''}{' '}
            <span class={`badge ${guardian.status === 'ended' ? 'revoked' : guardian.status}`}>
              {t(`guardianStatus.${guardian.status}`)}
            </span>
          </p>
          <p class="meta">
            {t('consents.from')} <Time value={guardian.validFrom} /> {t('consents.until')}{' '}
            <Time value={guardian.validUntil} />
            {t('devices.keysInUse', {
              count: formatNumber(
                guardian.keys.filter((key) => key.revokedAt === undefined).length,
              ),
            })}
            {guardian.endedAt === undefined ? null : (
              <>
                {t('devices.endedAt')} <Time value={guardian.endedAt} />
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
            <Time value={change.time} /> — <strong>{t(`bindingChange.${change.change}`)}</strong>
            {t('devices.by', {
              who: byWhom(change.by, props.self === undefined ? {} : { self: props.self }),
            })}
          </p>
          <TechnicalDetails>
            <p class="meta">
              {t('hospital.version')} {change.version} · {t('tech.transaction')}{' '}
              <span class="id">{change.txId}</span>
            </p>
          </TechnicalDetails>
        </li>
      ))}
    </ol>
  );
}

/** The status of a binding in words. */
function bindingStatus(binding: PatientBinding): string {
  switch (binding.status) {
    case 'pending':
      return t('devices.statusPending');
    case 'active':
      return t('devices.statusActive');
    case 'recovering':
      return binding.recovery?.approvedAt === undefined
        ? t('devices.statusRecovering')
        : t('devices.statusRecovered');
  }
}

/** A whole binding, as the home hospital's admins and the regulator see it. */
export function BindingSummary(props: Readonly<{ view: PatientView }>): JSX.Element {
  const { binding } = props.view;
  return (
    <div class="binding" data-testid="binding">
      <dl>
        <dt>{t('audit.patient')}</dt>
        <dd class="id">{binding.patientId}</dd>
        <dt>{t('users.status')}</dt>
        <dd>{bindingStatus(binding)}</dd>
        <dt>{t('hospital.version')}</dt>
        <dd>{binding.version}</dd>
        {binding.adultFrom === undefined ? null : (
          <>
            <dt>{t('devices.comesOfAge')}</dt>
            <dd>{formatDate(`${binding.adultFrom}T12:00:00`)}</dd>
          </>
        )}
      </dl>
      <h3>{t('devices.devices')}</h3>
      <KeyList keys={binding.keys} />
      <h3>{t('devices.guardians')}</h3>
      <GuardianList guardians={binding.guardians} />
      <h3>{t('devices.history')}</h3>
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
  if (status === undefined) body = <p>{t('devices.looking')}</p>;
  else
    switch (status.kind) {
      case 'ready':
        body = (
          <div class="success">
            <p>{signer?.kind === 'guardian' ? t('devices.readyGuardian') : t('devices.ready')}</p>
            <TechnicalDetails>
              <p class="meta">
                {t('devices.keyId')} <span class="id">{status.key.keyId}</span>
              </p>
            </TechnicalDetails>
          </div>
        );
        break;
      case 'no-key':
        body = (
          <>
            <p>{t('devices.noKey')}</p>
            {makeButton(t('devices.makeKey'))}
          </>
        );
        break;
      case 'not-bound':
        body = (
          <>
            <p>{t('devices.notBound')}</p>
            {key === undefined ? null : <PublicKeyBox keyRecord={key} />}
          </>
        );
        break;
      case 'key-revoked':
        body = (
          <>
            <p>
              {t('devices.keyRevoked1')} <Time value={status.revokedAt} />{' '}
              {t('devices.keyRevoked2')}
            </p>
            {makeButton(t('devices.makeNewKey'))}
          </>
        );
        break;
      case 'not-allowed':
        body = <p>{status.reason}</p>;
        break;
    }
  return (
    <section aria-labelledby="this-browser">
      <h2 id="this-browser">{t('devices.thisBrowser')}</h2>
      {body}
      <Status
        busy={make.busy}
        busyText={t('devices.making')}
        error={make.error}
        detail={make.detail}
      />
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
      <h1 id="devices-title">{t('nav.devices')}</h1>
      <p>{t('devices.intro')}</p>
      <ThisBrowser signing={signing} />
      <Status
        busy={view === undefined && signing.loadError === undefined}
        busyText={t('devices.loading')}
      />
      {signing.loadError === undefined ? null : <SigningNotice signing={signing} />}
      {view === undefined || signer === undefined ? null : (
        <>
          <section aria-labelledby="devices-list">
            <h2 id="devices-list">
              {isPatient ? t('devices.myDevices') : t('devices.myDevicesGuardian')}
            </h2>
            <Status
              busy={remove.busy}
              busyText={t('devices.removing')}
              error={remove.error}
              detail={remove.detail}
            >
              {remove.result === undefined ? null : (
                <div class="success">
                  <p>{t('devices.removed')}</p>
                  <TechnicalDetails>
                    <p class="meta">
                      {t('tech.transaction')} <span class="id">{remove.result.txId}</span>
                    </p>
                  </TechnicalDetails>
                </div>
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
                          title: t('devices.removeTitle'),
                          confirmLabel: t('devices.removeConfirm'),
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
              <h2 id="add-device">{t('devices.addTitle')}</h2>
              <form
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  const parsed = pastedPublicKey(pasted);
                  setInvalid(parsed === undefined ? t('devices.pasteWhole') : undefined);
                  if (parsed === undefined) return;
                  void signAndSend({
                    signing,
                    task: add,
                    request: {
                      action: 'patient:AddDevice',
                      payload: { publicKey: parsed.publicKey },
                      title: t('devices.addQuestion'),
                      confirmLabel: t('devices.addConfirm'),
                    },
                    send: (action) =>
                      props.api.post<BindingWrite>('/patients/me/devices', { action }),
                  }).then(async (sent) => {
                    if (sent) setPasted('');
                    await signing.reload();
                  });
                }}
              >
                <Field label={t('devices.publicKey')} hint={t('devices.publicKeyHint')}>
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
                  {t('grant.submit')}
                </button>
              </form>
              <Status
                busy={add.busy}
                busyText={t('devices.adding')}
                error={invalid ?? add.error}
                detail={invalid === undefined ? add.detail : undefined}
              >
                {add.result === undefined ? null : (
                  <div class="success">
                    <p>{t('devices.addedDone')}</p>
                    <TechnicalDetails>
                      <p class="meta">
                        {t('tech.transaction')} <span class="id">{add.result.txId}</span>
                      </p>
                    </TechnicalDetails>
                  </div>
                )}
              </Status>
            </section>
          ) : null}
          <section aria-labelledby="guardians-list">
            <h2 id="guardians-list">{t('devices.guardians')}</h2>
            {view.binding.adultFrom === undefined ? null : (
              <p>
                {t('devices.comeOfAge', {
                  date: formatDate(`${view.binding.adultFrom}T12:00:00`),
                })}
              </p>
            )}
            <GuardianList guardians={view.binding.guardians} self={self} />
          </section>
          <section aria-labelledby="history-list">
            <h2 id="history-list">{t('devices.historyTitle')}</h2>
            <p>{t('devices.historyIntro')}</p>
            <BindingHistory history={view.history} self={self} />
          </section>
        </>
      )}
    </section>
  );
}
