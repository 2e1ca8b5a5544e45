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
import { orgName } from './patient.view.tsx';
import { RELATIONSHIP_WORDS } from './statement-words.ts';
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
  const steps = props.guardianId === undefined ? 'I am the patient' : 'I am a guardian';
  return (
    <div class="slip" data-testid="enrolment-slip">
      <h3>{props.title}</h3>
      <dl>
        <dt>Pseudonym (patient ID)</dt>
        <dd class="id" data-testid="slip-patient-id">
          {props.patientId}
        </dd>
        {props.guardianId === undefined ? null : (
          <>
            <dt>Guardian ID</dt>
            <dd class="id" data-testid="slip-guardian-id">
              {props.guardianId}
            </dd>
          </>
        )}
        <dt>Enrolment code</dt>
        <dd class="code" data-testid="slip-code">
          {props.code}
        </dd>
      </dl>
      <p>
        Open {location.origin}/app/ on your own device, choose “First sign-in with an enrolment
        code”, then “{steps}”, and enter these. Your device makes your key; the code works once.
        Keep this slip private.
      </p>
      <p class="meta">
        Issued by {props.issuer} on {new Date().toLocaleDateString()}.
      </p>
      <div class="actions no-print">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            print();
          }}
        >
          Print
        </button>
        <button type="button" class="secondary" onClick={props.onDone}>
          Handed over: hide the code
        </button>
      </div>
      <p class="hint no-print">
        Shown once: the gateway keeps no copy, and the ledger only a salted hash of the code.
      </p>
    </div>
  );
}

/** A patient ID input. */
function PatientIdInput(
  props: Readonly<{ value: string; onValue: (value: string) => void; label?: string }>,
): JSX.Element {
  return (
    <Field label={props.label ?? 'Patient ID'}>
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
      <h2 id="lookup-title">Look up a patient’s keys</h2>
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
          Look up
        </button>
      </form>
      <Status busy={task.busy} busyText="Reading the binding…" error={task.error}>
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
      <h1 id="patients-title">Patients</h1>
      <p>
        Patients hold their own keys. Here you register a patient and hand over their one-time
        enrolment code in person; replacing a lost key and naming a guardian also need the
        regulator’s approval.
      </p>
      <section aria-labelledby="register-title">
        <h2 id="register-title">Register a patient</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            // The gateway turns the birth date into the day of coming of age and keeps neither.
            const body: PatientRegistrationRequest = birthDate === '' ? {} : { birthDate };
            void register.run(() => props.api.post<EnrolmentAnswer>('/patients', body));
          }}
        >
          <Field
            label="Birth date (optional, for a minor)"
            hint="Used only to work out the day the patient comes of age (until then a guardian signs for them); it is not stored."
          >
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
            Register
          </button>
        </form>
        <Status busy={register.busy} busyText="Registering on the ledger…" error={register.error}>
          {register.result === undefined ? null : (
            <EnrolmentSlip
              title="Your first sign-in"
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
        <h2 id="recovery-title">Recovery</h2>
        <p>
          For a patient who lost every device, after checking who they are in person. The regulator
          must approve; from then on every earlier key stops working, and the new code makes a new
          one.
        </p>
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
            Issue a new enrolment code
          </button>
        </form>
        <Status busy={recovery.busy} busyText="Asking for the recovery…" error={recovery.error}>
          {recovery.result === undefined ? null : (
            <EnrolmentSlip
              title="Your new first sign-in (after the regulator’s approval)"
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
        <h2 id="guardian-title">Propose a guardian</h2>
        <p>
          A parent or guardian of a minor, or the legal proxy of an adult who cannot act. The
          regulator approves; the guardian then makes their own key with the code.
        </p>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void propose.run(() => {
              if (validFrom === '' || validUntil === '' || validUntil <= validFrom)
                throw new Error('Choose the first and the last day, the last after the first.');
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
          <Field label="Relationship">
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
                    {RELATIONSHIP_WORDS[item]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div class="row">
            <Field label="From">
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
            <Field label="Until">
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
            Propose the guardian
          </button>
        </form>
        <Status busy={propose.busy} busyText="Proposing the guardian…" error={propose.error}>
          {propose.result === undefined ? null : (
            <EnrolmentSlip
              title="Guardian’s first sign-in (after the regulator’s approval)"
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
      <h1 id="approvals-title">Recoveries and guardians</h1>
      <p>
        A patient’s lost key is replaced, and a guardian bound, only when the home hospital asks and
        the regulator approves.
      </p>
      <section aria-labelledby="approve-recovery-title">
        <h2 id="approve-recovery-title">Approve a recovery</h2>
        <p>From the approval, every key of the patient stops working at once.</p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const id = recoverId.trim();
            void recovery.run(async () => {
              const written = await props.api.post<BindingWrite>(
                `/patients/${encodeURIComponent(id)}/recovery/approve`,
              );
              return `Recovery of ${id} approved (transaction ${written.txId}).`;
            });
          }}
        >
          <PatientIdInput value={recoverId} onValue={setRecoverId} />
          <button type="submit" disabled={recovery.busy}>
            Approve the recovery
          </button>
        </form>
        <Status busy={recovery.busy} busyText="Approving on the ledger…" error={recovery.error}>
          {recovery.result === undefined ? null : <p class="success">{recovery.result}</p>}
        </Status>
      </section>
      <section aria-labelledby="guardianship-title">
        <h2 id="guardianship-title">Approve or end a guardianship</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
          }}
        >
          <PatientIdInput value={patientId} onValue={setPatientId} />
          <Field label="Guardian ID">
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
                  return `Guardian ${guardianId.trim()} approved (transaction ${written.txId}).`;
                });
              }}
            >
              Approve
            </button>
            <button
              type="button"
              class="danger"
              disabled={guardianship.busy}
              onClick={() => {
                void guardianship.run(async () => {
                  const written = await props.api.post<BindingWrite>(`${path()}/end`);
                  return `Guardianship of ${guardianId.trim()} ended (transaction ${written.txId}).`;
                });
              }}
            >
              End the guardianship
            </button>
          </div>
        </form>
        <Status
          busy={guardianship.busy}
          busyText="Writing on the ledger…"
          error={guardianship.error}
        >
          {guardianship.result === undefined ? null : <p class="success">{guardianship.result}</p>}
        </Status>
      </section>
      <LookupSection api={props.api} />
    </section>
  );
}
