import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { ApiClient } from './api.client.ts';
import {
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  PURPOSES,
  type AccessOutcome,
  type AnchorResult,
  type IdentityView,
} from '@consent-ledger/ledger-api';
import {
  ORGANIZATIONS,
  PATIENT_ID_PATTERN,
  RECORD_ID_PATTERN,
  type EvidenceBundle,
  type VerifyResult,
} from './api.types.ts';
import { sha256OfFile } from './file-digest.ts';
import { CheckboxGroup, Field, Status, Time, saveBlob, useTask } from './ui.components.tsx';

/**
 * A file picker that is also a drop zone: drop a file on it, or focus it with the keyboard and
 * choose one. The file is only read locally.
 */
function FileDrop(
  props: Readonly<{ label: string; file: File | undefined; onFile: (file: File) => void }>,
): JSX.Element {
  const [over, setOver] = useState(false);
  return (
    <div
      class={`drop ${over ? 'over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => {
        setOver(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        const file = event.dataTransfer?.files[0];
        if (file !== undefined) props.onFile(file);
      }}
    >
      <Field
        label={props.label}
        hint="Drop the file here or choose it. It is hashed in this browser and never uploaded."
      >
        {(id, hint) => (
          <input
            id={id}
            type="file"
            aria-describedby={hint}
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file !== undefined) props.onFile(file);
            }}
          />
        )}
      </Field>
      {props.file === undefined ? null : (
        <p class="meta">
          Selected: <strong>{props.file.name}</strong> ({props.file.size} bytes)
        </p>
      )}
    </div>
  );
}

/** Hashing progress, 0..1, or undefined when not hashing. */
function HashProgress(props: Readonly<{ value: number | undefined }>): JSX.Element | null {
  if (props.value === undefined) return null;
  return (
    <p>
      <label>
        Hashing the file in this browser…{' '}
        <progress max={100} value={Math.round(props.value * 100)}>
          {Math.round(props.value * 100)} %
        </progress>
      </label>
    </p>
  );
}

interface Verification {
  readonly fileName: string;
  readonly sha256: string;
  readonly result: VerifyResult;
  readonly block?: string;
}

/**
 * The organizations whose records a hospital verifies: record IDs are scoped by their owner, so a
 * record is named by its ID and its owner ('' for this hospital's own, the gateway's default).
 */
const RECORD_OWNERS: readonly { readonly mspId: string; readonly name: string }[] = [
  { mspId: '', name: 'This hospital' },
  ...ORGANIZATIONS.filter((org) => org.mspId !== 'GovMSP' && org.mspId !== 'ResearchMSP'),
];

/** The `owner` of a request naming a record ('' names this organization's own: nothing sent). */
function ownerQuery(owner: string): { owner?: string } {
  return owner === '' ? {} : { owner };
}

/** Verifies a document against its anchored fingerprint: hashed locally, only the digest is sent. */
export function VerifyPanel(props: Readonly<{ api: ApiClient }>): JSX.Element {
  const [recordId, setRecordId] = useState('');
  // The field's latest value: a file dropped right after typing must not see the previous render's.
  const typedRecordId = useRef('');
  const [owner, setOwner] = useState('');
  const chosenOwner = useRef('');
  const [file, setFile] = useState<File | undefined>();
  const [progress, setProgress] = useState<number | undefined>();
  const task = useTask<Verification>();
  const proof = useTask<string>();
  const verify = (chosen: File | undefined): void => {
    if (chosen === undefined) return;
    const recordId = typedRecordId.current;
    const ownerOf = ownerQuery(chosenOwner.current);
    void task.run(async () => {
      if (recordId.trim() === '') throw new Error('Enter the record ID first, then drop the file.');
      try {
        const sha256 = await sha256OfFile(chosen, setProgress);
        const result = await props.api.post<VerifyResult>('/records/verify', {
          recordId: recordId.trim(),
          sha256,
          ...ownerOf,
        });
        let block: string | undefined;
        if (result.verified) {
          const bundle = await props.api.get<EvidenceBundle>(
            `/records/${encodeURIComponent(recordId.trim())}/proof`,
            {
              ...(result.anchor?.version === undefined ? {} : { version: result.anchor.version }),
              ...ownerOf,
            },
          );
          block = bundle.block.header.number;
        }
        return { fileName: chosen.name, sha256, result, ...(block === undefined ? {} : { block }) };
      } finally {
        setProgress(undefined);
      }
    });
  };
  const outcome = task.result;
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title">Verify a document</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          verify(file);
        }}
      >
        <Field label="Record ID">
          {(id) => (
            <input
              id={id}
              name="recordId"
              required
              pattern={RECORD_ID_PATTERN}
              value={recordId}
              onInput={(event) => {
                typedRecordId.current = event.currentTarget.value;
                setRecordId(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <Field label="Owner organization">
          {(id) => (
            <select
              id={id}
              name="owner"
              value={owner}
              onChange={(event) => {
                chosenOwner.current = event.currentTarget.value;
                setOwner(event.currentTarget.value);
              }}
            >
              {RECORD_OWNERS.map((org) => (
                <option key={org.mspId} value={org.mspId}>
                  {org.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FileDrop
          label="Document"
          file={file}
          onFile={(chosen) => {
            setFile(chosen);
            verify(chosen);
          }}
        />
        <button type="submit" disabled={task.busy || file === undefined}>
          Verify
        </button>
      </form>
      <HashProgress value={progress} />
      <Status
        busy={task.busy && progress === undefined}
        busyText="Checking the ledger…"
        error={task.error}
      >
        {outcome === undefined ? null : (
          <div
            class={`verdict ${outcome.result.verified ? 'verified' : 'altered'}`}
            data-testid="verdict"
          >
            <h2>
              {outcome.result.verified
                ? '✔ Verified: this document is the anchored one'
                : '✘ Altered or unknown: this document does not match'}
            </h2>
            <p>{outcome.result.reason}</p>
            <dl>
              <dt>File</dt>
              <dd>{outcome.fileName}</dd>
              <dt>SHA-256 (computed here)</dt>
              <dd class="id">{outcome.sha256}</dd>
              {outcome.result.anchor === undefined ? null : (
                <>
                  {outcome.result.anchor.owner === undefined ? null : (
                    <>
                      <dt>Owner</dt>
                      <dd data-testid="evidence-owner">{outcome.result.anchor.owner}</dd>
                    </>
                  )}
                  <dt>Anchored SHA-256</dt>
                  <dd class="id">{outcome.result.anchor.sha256 ?? '—'}</dd>
                  <dt>Transaction</dt>
                  <dd class="id" data-testid="evidence-tx">
                    {outcome.result.anchor.txId}
                  </dd>
                  {outcome.block === undefined ? null : (
                    <>
                      <dt>Block</dt>
                      <dd data-testid="evidence-block">{outcome.block}</dd>
                    </>
                  )}
                  <dt>Anchored</dt>
                  <dd>
                    <Time value={outcome.result.anchor.timestamp} />
                  </dd>
                  {outcome.result.anchor.version === undefined ? null : (
                    <>
                      <dt>Version</dt>
                      <dd>{outcome.result.anchor.version}</dd>
                    </>
                  )}
                </>
              )}
            </dl>
            {outcome.result.verified ? (
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  void proof.run(async () => {
                    const blob = await props.api.download(
                      `/records/${encodeURIComponent(recordId.trim())}/proof`,
                      ownerQuery(owner),
                    );
                    saveBlob(blob, `${recordId.trim()}.evidence.json`);
                    return 'Evidence bundle saved; check it offline with consent-ledger-verify.';
                  });
                }}
              >
                Download the evidence bundle
              </button>
            ) : null}
          </div>
        )}
      </Status>
      <Status busy={proof.busy} busyText="Building the evidence bundle…" error={proof.error}>
        {proof.result === undefined ? null : <p class="success">{proof.result}</p>}
      </Status>
    </section>
  );
}

/** The patient ID input both the anchor and the access forms ask for. */
function PatientIdField(
  props: Readonly<{ value: string; onValue: (value: string) => void }>,
): JSX.Element {
  return (
    <Field label="Patient ID">
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

/** Anchors a document's fingerprint (hashed locally; only the digest is sent). */
export function AnchorPanel(props: Readonly<{ api: ApiClient }>): JSX.Element {
  const [recordId, setRecordId] = useState('');
  const [patientId, setPatientId] = useState('');
  const [category, setCategory] = useState('');
  const [file, setFile] = useState<File | undefined>();
  const [progress, setProgress] = useState<number | undefined>();
  const task = useTask<AnchorResult>();
  return (
    <section aria-labelledby="anchor-title">
      <h1 id="anchor-title">Anchor a record</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const chosen = file;
          void task.run(async () => {
            if (chosen === undefined) throw new Error('Choose the document to anchor.');
            try {
              const sha256 = await sha256OfFile(chosen, setProgress);
              return await props.api.post<AnchorResult>('/records', {
                recordId: recordId.trim(),
                patientId: patientId.trim(),
                category,
                sha256,
              });
            } finally {
              setProgress(undefined);
            }
          });
        }}
      >
        <Field
          label="Record ID"
          hint="Your organization's ID of the document, e.g. emr-2026-000123."
        >
          {(id, hint) => (
            <input
              id={id}
              name="recordId"
              required
              pattern={RECORD_ID_PATTERN}
              aria-describedby={hint}
              value={recordId}
              onInput={(event) => {
                setRecordId(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <PatientIdField value={patientId} onValue={setPatientId} />
        <Field label="Category">
          {(id) => (
            <select
              id={id}
              name="category"
              required
              value={category}
              onChange={(event) => {
                setCategory(event.currentTarget.value);
              }}
            >
              <option value="">Choose…</option>
              {CATEGORIES.map((item) => (
                <option key={item} value={item}>
                  {item}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FileDrop label="Document" file={file} onFile={setFile} />
        <button type="submit" disabled={task.busy}>
          Anchor
        </button>
      </form>
      <HashProgress value={progress} />
      <Status
        busy={task.busy && progress === undefined}
        busyText="Anchoring on the ledger…"
        error={task.error}
      >
        {task.result === undefined ? null : (
          <div class="success" data-testid="anchored">
            <p>
              Anchored {task.result.recordId}, version {task.result.version}.
            </p>
            <dl>
              <dt>SHA-256</dt>
              <dd class="id">{task.result.anchor.sha256}</dd>
              <dt>Transaction</dt>
              <dd class="id">{task.result.txId}</dd>
              <dt>Anchored</dt>
              <dd>
                <Time value={task.result.anchor.timestamp} />
              </dd>
            </dl>
          </div>
        )}
      </Status>
    </section>
  );
}

/** Requests access to a patient's data (or, for clinicians, break-glass access) and shows the decision. */
export function AccessPanel(props: Readonly<{ api: ApiClient; me: IdentityView }>): JSX.Element {
  const [patientId, setPatientId] = useState('');
  const [purpose, setPurpose] = useState('treatment');
  const [categories, setCategories] = useState<string[]>([]);
  const [emergency, setEmergency] = useState(false);
  const [reasonCode, setReasonCode] = useState<string>(EMERGENCY_REASON_CODES[0]);
  const [justification, setJustification] = useState('');
  const task = useTask<AccessOutcome>();
  const canBreakGlass = props.me.role === 'clinician' && props.me.orgType === 'hospital';
  return (
    <section aria-labelledby="access-title">
      <h1 id="access-title">Request access to a patient’s data</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void task.run(() => {
            if (categories.length === 0) throw new Error('Choose at least one kind of data.');
            return emergency
              ? props.api.post<AccessOutcome>('/access-requests/emergency', {
                  patientId: patientId.trim(),
                  categories,
                  reasonCode,
                  justification,
                })
              : props.api.post<AccessOutcome>('/access-requests', {
                  patientId: patientId.trim(),
                  purpose,
                  categories,
                });
          });
        }}
      >
        <PatientIdField value={patientId} onValue={setPatientId} />
        {emergency ? null : (
          <Field label="Purpose">
            {(id) => (
              <select
                id={id}
                name="purpose"
                value={purpose}
                onChange={(event) => {
                  setPurpose(event.currentTarget.value);
                }}
              >
                {PURPOSES.map((item) => (
                  <option key={item} value={item}>
                    {item}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <CheckboxGroup
          legend="Kinds of data"
          name="categories"
          options={CATEGORIES}
          selected={categories}
          onChange={setCategories}
        />
        {canBreakGlass ? (
          <label class="check">
            <input
              type="checkbox"
              name="emergency"
              checked={emergency}
              onChange={(event) => {
                setEmergency(event.currentTarget.checked);
              }}
            />
            Emergency (break-glass): access without consent, reviewed by the regulator
          </label>
        ) : null}
        {emergency ? (
          <>
            <Field label="Emergency reason">
              {(id) => (
                <select
                  id={id}
                  name="reasonCode"
                  value={reasonCode}
                  onChange={(event) => {
                    setReasonCode(event.currentTarget.value);
                  }}
                >
                  {EMERGENCY_REASON_CODES.map((code) => (
                    <option key={code} value={code}>
                      {code.replaceAll('_', ' ').toLowerCase()}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label="Justification"
              hint="Kept by your organization; only its fingerprint goes to the ledger."
            >
              {(id, hint) => (
                <textarea
                  id={id}
                  name="justification"
                  required
                  maxLength={4000}
                  aria-describedby={hint}
                  value={justification}
                  onInput={(event) => {
                    setJustification(event.currentTarget.value);
                  }}
                />
              )}
            </Field>
          </>
        ) : null}
        <button type="submit" disabled={task.busy}>
          {emergency ? 'Request emergency access' : 'Request access'}
        </button>
      </form>
      <Status busy={task.busy} busyText="Asking the ledger…" error={task.error}>
        {task.result === undefined ? null : (
          <div
            class={`verdict ${task.result.decision === 'permit' ? 'verified' : 'altered'}`}
            data-testid="decision"
          >
            <h2>{task.result.decision === 'permit' ? 'Access permitted' : 'Access denied'}</h2>
            <dl>
              <dt>Reason</dt>
              <dd>{task.result.reason}</dd>
              <dt>Consents</dt>
              <dd class="id">
                {task.result.consentIds.length === 0 ? 'none' : task.result.consentIds.join(', ')}
              </dd>
              <dt>Event</dt>
              <dd class="id">{task.result.eventId}</dd>
              <dt>Transaction</dt>
              <dd class="id">{task.result.txId}</dd>
            </dl>
          </div>
        )}
      </Status>
    </section>
  );
}
