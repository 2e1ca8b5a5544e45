import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import {
  GUARDIAN_ID_PATTERN,
  GUARDIAN_RELATIONSHIPS,
  type BindingWrite,
  type EnrolmentAnswer,
  type GuardianEnrolmentAnswer,
  type GuardianProposalRequest,
  type GuardianRelationship,
  type IdentityView,
  type PatientRegistrationRequest,
  type PatientView,
} from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import { PATIENT_ID_PATTERN } from './api.types.ts';
import { BindingSummary } from './devices.view.tsx';
import { formatDate, t } from './i18n/i18n.ts';
import { orgName } from './i18n/words.ts';
import { Field, Status, useTask } from './ui.components.tsx';

/**
 * Patients' keys as staff handle them (docs/patient-keys.md): the home hospital's (or
 * enterprise's) admins register a patient, ask for a recovery and propose a guardian, each
 * answered by a one-time enrolment code to hand over in person; the regulator approves recoveries
 * and guardianships and ends them. Both can look a binding up.
 */

/** A one-time code to hand over in person, printable on its own. */
function EnrolmentSlip(
  props: Readonly<{
    title: string;
    patientId: string;
    guardianId?: string;
    code: string;
    issuer: string;
    onDone: () => void;
  }>,
): JSX.Element {
  const steps = props.guardianId === undefined ? t('first.asPatient') : t('first.asGuardian');
  return (
    <div class="slip" data-testid="enrolment-slip">
      <h3>{props.title}</h3>
      <dl>
        <dt>{t('patients.pseudonym')}</dt>
        <dd class="id" data-testid="slip-patient-id">
          {props.patientId}
        </dd>
        {props.guardianId === undefined ? null : (
          <>
            <dt>{t('patients.guardianId')}</dt>
            <dd class="id" data-testid="slip-guardian-id">
              {props.guardianId}
            </dd>
          </>
        )}
        <dt>{t('patients.code')}</dt>
        <dd class="code" data-testid="slip-code">
          {props.code}
        </dd>
      </dl>
      <p>
        {t('patients.slipHow', {
          url: `${location.origin}/app/`,
          first: t('login.firstSignIn'),
          steps,
        })}
      </p>
      <p class="meta">
        {t('patients.issued', {
          issuer: props.issuer,
          date: formatDate(new Date().toISOString()),
        })}
      </p>
      <div class="actions no-print">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            print();
          }}
        >
          {t('patients.print')}
        </button>
        <button type="button" class="secondary" onClick={props.onDone}>
          {t('patients.handedOver')}
        </button>
      </div>
      <p class="hint no-print">{t('patients.shownOnce')}</p>
    </div>
  );
}

/** A patient ID input. */
function PatientIdInput(
  props: Readonly<{ value: string; onValue: (value: string) => void; label?: string }>,
): JSX.Element {
  return (
    <Field label={props.label ?? t('hospital.patientId')}>
      {(id) => (
        <input
          id={id}
          name="patientId"
          required
          pattern={PATIENT_ID_PATTERN}
          placeholder="pid-…"
          value={props.value}
          onInput={(event) => {
            props.onValue(event.currentTarget.value);
          }}
        />
      )}
    </Field>
  );
}

/** Looks a patient's binding up (GET /patients/:patientId). */
function LookupSection(props: Readonly<{ api: ApiClient }>): JSX.Element {
  const [patientId, setPatientId] = useState('');
  const task = useTask<PatientView>();
  return (
    <section aria-labelledby="lookup-title">
      <h2 id="lookup-title">{t('patients.lookupTitle')}</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void task.run(() =>
            props.api.get<PatientView>(`/patients/${encodeURIComponent(patientId.trim())}`),
          );
        }}
      >
        <PatientIdInput value={patientId} onValue={setPatientId} />
        <button type="submit" class="secondary" disabled={task.busy}>
          {t('patients.lookup')}
        </button>
      </form>
      <Status
        busy={task.busy}
        busyText={t('patients.reading')}
        error={task.error}
        detail={task.detail}
      >
        {task.result === undefined ? null : <BindingSummary view={task.result} />}
      </Status>
    </section>
  );
}

/** A day input's value as the instant of that day's start in the browser's zone. */
function startOf(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}

/** The home admins' page: register a patient, recovery, propose a guardian, look up. */
export function EnrolmentPanel(props: Readonly<{ api: ApiClient; me: IdentityView }>): JSX.Element {
  const issuer = orgName(props.me.mspId);
  const [birthDate, setBirthDate] = useState('');
  const register = useTask<EnrolmentAnswer | undefined>();
  const [recoverId, setRecoverId] = useState('');
  const recovery = useTask<EnrolmentAnswer | undefined>();
  const [guardianFor, setGuardianFor] = useState('');
  const [relationship, setRelationship] = useState<GuardianRelationship>('parent');
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const propose = useTask<GuardianEnrolmentAnswer | undefined>();
  return (
    <section aria-labelledby="patients-title">
      <h1 id="patients-title">{t('nav.patients')}</h1>
      <p>{t('patients.intro')}</p>
      <section aria-labelledby="register-title">
        <h2 id="register-title">{t('patients.registerTitle')}</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            // The gateway turns the birth date into the day of coming of age and keeps neither.
            const body: PatientRegistrationRequest = birthDate === '' ? {} : { birthDate };
            void register.run(() => props.api.post<EnrolmentAnswer>('/patients', body));
          }}
        >
          <Field label={t('patients.birthDate')} hint={t('patients.birthDateHint')}>
            {(id, hint) => (
              <input
                id={id}
                name="birthDate"
                type="date"
                aria-describedby={hint}
                value={birthDate}
                onInput={(event) => {
                  setBirthDate(event.currentTarget.value);
                }}
              />
            )}
          </Field>
          <button type="submit" disabled={register.busy}>
            {t('patients.register')}
          </button>
        </form>
        <Status
          busy={register.busy}
          busyText={t('patients.registering')}
          error={register.error}
          detail={register.detail}
        >
          {register.result === undefined ? null : (
            <EnrolmentSlip
              title={t('patients.slipFirst')}
              patientId={register.result.patientId}
              code={register.result.enrolmentCode}
              issuer={issuer}
              onDone={() => {
                void register.run(() => Promise.resolve(undefined));
              }}
            />
          )}
        </Status>
      </section>
      <section aria-labelledby="recovery-title">
        <h2 id="recovery-title">{t('patients.recoveryTitle')}</h2>
        <p>{t('patients.recoveryIntro')}</p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void recovery.run(() =>
              props.api.post<EnrolmentAnswer>(
                `/patients/${encodeURIComponent(recoverId.trim())}/recovery`,
              ),
            );
          }}
        >
          <PatientIdInput value={recoverId} onValue={setRecoverId} />
          <button type="submit" disabled={recovery.busy}>
            {t('patients.newCode')}
          </button>
        </form>
        <Status
          busy={recovery.busy}
          busyText={t('patients.askingRecovery')}
          error={recovery.error}
          detail={recovery.detail}
        >
          {recovery.result === undefined ? null : (
            <EnrolmentSlip
              title={t('patients.slipRecovery')}
              patientId={recovery.result.patientId}
              code={recovery.result.enrolmentCode}
              issuer={issuer}
              onDone={() => {
                void recovery.run(() => Promise.resolve(undefined));
              }}
            />
          )}
        </Status>
      </section>
      <section aria-labelledby="guardian-title">
        <h2 id="guardian-title">{t('patients.guardianTitle')}</h2>
        <p>{t('patients.guardianIntro')}</p>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void propose.run(() => {
              if (validFrom === '' || validUntil === '' || validUntil <= validFrom)
                throw new Error(t('patients.guardianDates'));
              const body: GuardianProposalRequest = {
                relationship,
                validFrom: startOf(validFrom),
                validUntil: new Date(`${validUntil}T23:59:59`).toISOString(),
              };
              return props.api.post<GuardianEnrolmentAnswer>(
                `/patients/${encodeURIComponent(guardianFor.trim())}/guardians`,
                body,
              );
            });
          }}
        >
          <PatientIdInput value={guardianFor} onValue={setGuardianFor} />
          <Field label={t('patients.relationship')}>
            {(id) => (
              <select
                id={id}
                name="relationship"
                value={relationship}
                onChange={(event) => {
                  setRelationship(event.currentTarget.value as GuardianRelationship);
                }}
              >
                {GUARDIAN_RELATIONSHIPS.map((item) => (
                  <option key={item} value={item}>
                    {t(`relationship.${item}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div class="row">
            <Field label={t('audit.from')}>
              {(id) => (
                <input
                  id={id}
                  name="validFrom"
                  type="date"
                  value={validFrom}
                  onInput={(event) => {
                    setValidFrom(event.currentTarget.value);
                  }}
                />
              )}
            </Field>
            <Field label={t('patients.until')}>
              {(id) => (
                <input
                  id={id}
                  name="validUntil"
                  type="date"
                  value={validUntil}
                  onInput={(event) => {
                    setValidUntil(event.currentTarget.value);
                  }}
                />
              )}
            </Field>
          </div>
          <button type="submit" disabled={propose.busy}>
            {t('patients.propose')}
          </button>
        </form>
        <Status
          busy={propose.busy}
          busyText={t('patients.proposing')}
          error={propose.error}
          detail={propose.detail}
        >
          {propose.result === undefined ? null : (
            <EnrolmentSlip
              title={t('patients.slipGuardian')}
              patientId={propose.result.patientId}
              guardianId={propose.result.guardianId}
              code={propose.result.enrolmentCode}
              issuer={issuer}
              onDone={() => {
                void propose.run(() => Promise.resolve(undefined));
              }}
            />
          )}
        </Status>
      </section>
      <LookupSection api={props.api} />
    </section>
  );
}

/** The regulator's page: approve a recovery, approve or end a guardianship, look up. */
export function ApprovalsPanel(props: Readonly<{ api: ApiClient }>): JSX.Element {
  const [recoverId, setRecoverId] = useState('');
  const recovery = useTask<string>();
  const [patientId, setPatientId] = useState('');
  const [guardianId, setGuardianId] = useState('');
  const guardianship = useTask<string>();
  const path = (): string =>
    `/patients/${encodeURIComponent(patientId.trim())}/guardians/${encodeURIComponent(guardianId.trim())}`;
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">{t('nav.approvals')}</h1>
      <p>{t('approvals.intro')}</p>
      <section aria-labelledby="approve-recovery-title">
        <h2 id="approve-recovery-title">{t('approvals.recoveryTitle')}</h2>
        <p>{t('approvals.recoveryIntro')}</p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const id = recoverId.trim();
            void recovery.run(async () => {
              const written = await props.api.post<BindingWrite>(
                `/patients/${encodeURIComponent(id)}/recovery/approve`,
              );
              return t('approvals.recoveryDone', { id, tx: written.txId });
            });
          }}
        >
          <PatientIdInput value={recoverId} onValue={setRecoverId} />
          <button type="submit" disabled={recovery.busy}>
            {t('approvals.approveRecovery')}
          </button>
        </form>
        <Status
          busy={recovery.busy}
          busyText={t('approvals.approving')}
          error={recovery.error}
          detail={recovery.detail}
        >
          {recovery.result === undefined ? null : <p class="success">{recovery.result}</p>}
        </Status>
      </section>
      <section aria-labelledby="guardianship-title">
        <h2 id="guardianship-title">{t('approvals.guardianshipTitle')}</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
          }}
        >
          <PatientIdInput value={patientId} onValue={setPatientId} />
          <Field label={t('patients.guardianId')}>
            {(id) => (
              <input
                id={id}
                name="guardianId"
                required
                pattern={GUARDIAN_ID_PATTERN.source}
                placeholder="rp-…"
                value={guardianId}
                onInput={(event) => {
                  setGuardianId(event.currentTarget.value);
                }}
              />
            )}
          </Field>
          <div class="actions">
            <button
              type="button"
              disabled={guardianship.busy}
              onClick={() => {
                void guardianship.run(async () => {
                  const written = await props.api.post<BindingWrite>(`${path()}/approve`);
                  return t('approvals.guardianApproved', {
                    id: guardianId.trim(),
                    tx: written.txId,
                  });
                });
              }}
            >
              {t('approvals.approve')}
            </button>
            <button
              type="button"
              class="danger"
              disabled={guardianship.busy}
              onClick={() => {
                void guardianship.run(async () => {
                  const written = await props.api.post<BindingWrite>(`${path()}/end`);
                  return t('approvals.guardianEnded', {
                    id: guardianId.trim(),
                    tx: written.txId,
                  });
                });
              }}
            >
              {t('approvals.end')}
            </button>
          </div>
        </form>
        <Status
          busy={guardianship.busy}
          busyText={t('approvals.writing')}
          error={guardianship.error}
          detail={guardianship.detail}
        >
          {guardianship.result === undefined ? null : <p class="success">{guardianship.result}</p>}
        </Status>
      </section>
      <LookupSection api={props.api} />
    </section>
  );
}
