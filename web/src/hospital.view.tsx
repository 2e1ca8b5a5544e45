import type { JSX } from 'preact';
import { Fragment } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { ApiClient } from './api.client.ts';
import {
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  PURPOSES,
  type AccessOutcome,
  type AnchorResult,
  type ContentLookup,
  type ContentMatch,
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
import { formatBytes, formatDate, formatPercent, t } from './i18n/i18n.ts';
import {
  categoryWord,
  decisionWord,
  emergencyReasonWord,
  orgName,
  purposeWord,
  reasonWord,
  wordOf,
} from './i18n/words.ts';
import {
  CheckboxGroup,
  Field,
  Status,
  TechnicalDetails,
  Time,
  saveBlob,
  useTask,
} from './ui.components.tsx';

/**
 * A file picker that is also a drop zone: drop a file on it, or choose one with the button (the
 * native input is visually hidden, so that no browser-worded "no file chosen" shows beside our
 * own words; the button opens it, and its label still names it). The file is only read locally.
 */
function FileDrop(
  props: Readonly<{ label: string; file: File | undefined; onFile: (file: File) => void }>,
): JSX.Element {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
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
      <Field label={props.label} hint={t('hospital.dropHint')}>
        {(id, hint) => (
          <>
            <input
              id={id}
              ref={input}
              type="file"
              class="visually-hidden"
              tabIndex={-1}
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                if (file !== undefined) props.onFile(file);
                // Choosing the same file again still counts as a choice.
                event.currentTarget.value = '';
              }}
            />
            <div class="actions">
              <button
                type="button"
                class="secondary"
                aria-describedby={hint}
                data-testid="choose-file"
                onClick={() => {
                  input.current?.click();
                }}
              >
                {props.file === undefined ? t('hospital.chooseFile') : t('hospital.changeFile')}
              </button>
            </div>
          </>
        )}
      </Field>
      {props.file === undefined ? null : (
        <p class="meta" data-testid="chosen-file">
          {t('hospital.selected')} <strong>{props.file.name}</strong> (
          <span data-testid="file-size">{formatBytes(props.file.size)}</span>)
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
        {t('hospital.hashing')}{' '}
        <progress max={100} value={Math.round(props.value * 100)}>
          {formatPercent(props.value)}
        </progress>
      </label>
    </p>
  );
}

/** A document checked against the record named. */
interface Verification {
  readonly kind: 'verify';
  readonly fileName: string;
  readonly sha256: string;
  readonly result: VerifyResult;
  readonly block?: string;
}

/** A document looked up by its content alone (no record ID given). */
interface Lookup {
  readonly kind: 'lookup';
  readonly fileName: string;
  readonly sha256: string;
  readonly result: ContentLookup;
}

/**
 * The organizations whose records a hospital verifies: record IDs are scoped by their owner, so a
 * record is named by its ID and its owner ('' for this hospital's own, the gateway's default).
 */
const RECORD_OWNERS: readonly string[] = [
  '',
  ...ORGANIZATIONS.filter((mspId) => mspId !== 'GovMSP' && mspId !== 'ResearchMSP'),
];

/** The `owner` of a request naming a record ('' names this organization's own: nothing sent). */
function ownerQuery(owner: string): { owner?: string } {
  return owner === '' ? {} : { owner };
}

/** One anchor of a document found by its content, in words. */
function MatchLine(props: Readonly<{ match: ContentMatch }>): JSX.Element {
  const { match } = props;
  const common = {
    record: match.recordId,
    org: orgName(match.owner),
    date: formatDate(match.timestamp),
  };
  let standing: string;
  if (match.latest) standing = t('hospital.latest');
  else if (match.kind === 'batch') standing = t('hospital.supersededBatch');
  else standing = t('hospital.superseded', { version: match.latestVersion ?? '' });
  return (
    <li
      data-testid="content-match"
      data-kind={match.kind}
      data-msp-id={match.owner}
      data-latest={String(match.latest)}
    >
      {match.kind === 'batch'
        ? t('hospital.matchBatch', common)
        : t('hospital.matchRecord', { ...common, version: match.version ?? '' })}{' '}
      {standing}
    </li>
  );
}

/** What a lookup by content found: every anchor with this content, or none. */
function LookupResult(props: Readonly<{ outcome: Lookup }>): JSX.Element {
  const { outcome } = props;
  const { matches } = outcome.result;
  return (
    <div
      class={`verdict ${matches.length > 0 ? 'verified' : 'altered'}`}
      data-testid="lookup"
      data-matches={matches.length}
    >
      <h2>{matches.length > 0 ? t('hospital.found') : t('hospital.notFound')}</h2>
      <dl>
        <dt>{t('hospital.file')}</dt>
        <dd>{outcome.fileName}</dd>
      </dl>
      {matches.length === 0 ? null : (
        <ul>
          {matches.map((match) => (
            <MatchLine
              key={`${match.kind}:${match.owner}:${match.recordId}:${String(match.version ?? match.batchId)}`}
              match={match}
            />
          ))}
        </ul>
      )}
      {outcome.result.truncated ? <p>{t('hospital.moreMatches')}</p> : null}
      <TechnicalDetails>
        <dl>
          <dt>{t('hospital.shaHere')}</dt>
          <dd class="id">{outcome.sha256}</dd>
          {matches.map((match) => (
            <Fragment key={match.txId + match.recordId}>
              <dt>
                {match.recordId}
                {match.batchId === undefined ? '' : ` (${t('hospital.batchId')} ${match.batchId})`}
              </dt>
              <dd class="id">{match.txId}</dd>
            </Fragment>
          ))}
        </dl>
      </TechnicalDetails>
    </div>
  );
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
  const task = useTask<Verification | Lookup>();
  const proof = useTask<string>();
  const verify = (chosen: File | undefined): void => {
    if (chosen === undefined) return;
    const recordId = typedRecordId.current.trim();
    const ownerOf = ownerQuery(chosenOwner.current);
    void task.run(async (): Promise<Verification | Lookup> => {
      try {
        const sha256 = await sha256OfFile(chosen, setProgress);
        if (recordId === '') {
          const found = await props.api.get<ContentLookup>(`/records/by-hash/${sha256}`);
          return { kind: 'lookup', fileName: chosen.name, sha256, result: found };
        }
        const result = await props.api.post<VerifyResult>('/records/verify', {
          recordId,
          sha256,
          ...ownerOf,
        });
        let block: string | undefined;
        if (result.verified) {
          const bundle = await props.api.get<EvidenceBundle>(
            `/records/${encodeURIComponent(recordId)}/proof`,
            {
              ...(result.anchor?.version === undefined ? {} : { version: result.anchor.version }),
              ...ownerOf,
            },
          );
          block = bundle.block.header.number;
        }
        return {
          kind: 'verify',
          fileName: chosen.name,
          sha256,
          result,
          ...(block === undefined ? {} : { block }),
        };
      } finally {
        setProgress(undefined);
      }
    });
  };
  const outcome = task.result;
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title">{t('nav.verify')}</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          verify(file);
        }}
      >
        <Field label={t('hospital.recordIdOptional')} hint={t('hospital.recordIdOptionalHint')}>
          {(id, hint) => (
            <input
              id={id}
              name="recordId"
              pattern={RECORD_ID_PATTERN}
              aria-describedby={hint}
              value={recordId}
              onInput={(event) => {
                typedRecordId.current = event.currentTarget.value;
                setRecordId(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <Field label={t('hospital.owner')}>
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
              {RECORD_OWNERS.map((mspId) => (
                <option key={mspId} value={mspId}>
                  {mspId === '' ? t('hospital.thisHospital') : orgName(mspId)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FileDrop
          label={t('hospital.document')}
          file={file}
          onFile={(chosen) => {
            setFile(chosen);
            verify(chosen);
          }}
        />
        <button type="submit" disabled={task.busy || file === undefined}>
          {t('hospital.verify')}
        </button>
      </form>
      <HashProgress value={progress} />
      <Status
        busy={task.busy && progress === undefined}
        busyText={t('hospital.checking')}
        error={task.error}
        detail={task.detail}
      >
        {outcome?.kind !== 'lookup' ? null : <LookupResult outcome={outcome} />}
        {outcome?.kind !== 'verify' ? null : (
          <div
            class={`verdict ${outcome.result.verified ? 'verified' : 'altered'}`}
            data-testid="verdict"
          >
            <h2>{outcome.result.verified ? t('hospital.verified') : t('hospital.altered')}</h2>
            <p>{wordOf('verification', outcome.result.reason) ?? t('hospital.altered')}</p>
            <dl>
              <dt>{t('hospital.file')}</dt>
              <dd>{outcome.fileName}</dd>
              {outcome.result.anchor === undefined ? null : (
                <>
                  {outcome.result.anchor.owner === undefined ? null : (
                    <>
                      <dt>{t('hospital.ownerShort')}</dt>
                      <dd data-testid="evidence-owner" data-msp-id={outcome.result.anchor.owner}>
                        {orgName(outcome.result.anchor.owner)}
                      </dd>
                    </>
                  )}
                  <dt>{t('hospital.anchoredAt')}</dt>
                  <dd>
                    <Time value={outcome.result.anchor.timestamp} />
                  </dd>
                  {outcome.result.anchor.version === undefined ? null : (
                    <>
                      <dt>{t('hospital.version')}</dt>
                      <dd>{outcome.result.anchor.version}</dd>
                    </>
                  )}
                </>
              )}
            </dl>
            <TechnicalDetails>
              <dl>
                <dt>{t('hospital.shaHere')}</dt>
                <dd class="id">{outcome.sha256}</dd>
                {outcome.result.anchor === undefined ? null : (
                  <>
                    <dt>{t('hospital.shaAnchored')}</dt>
                    <dd class="id">{outcome.result.anchor.sha256 ?? '—'}</dd>
                    <dt>{t('tech.transaction')}</dt>
                    <dd class="id" data-testid="evidence-tx">
                      {outcome.result.anchor.txId}
                    </dd>
                  </>
                )}
                {outcome.block === undefined ? null : (
                  <>
                    <dt>{t('tech.block')}</dt>
                    <dd data-testid="evidence-block">{outcome.block}</dd>
                  </>
                )}
              </dl>
            </TechnicalDetails>
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
                    return t('hospital.bundleSaved');
                  });
                }}
              >
                {t('hospital.downloadBundle')}
              </button>
            ) : null}
          </div>
        )}
      </Status>
      <Status
        busy={proof.busy}
        busyText={t('hospital.buildingBundle')}
        error={proof.error}
        detail={proof.detail}
      >
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
    <Field label={t('hospital.patientId')}>
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
      <h1 id="anchor-title">{t('nav.anchor')}</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const chosen = file;
          void task.run(async () => {
            if (chosen === undefined) throw new Error(t('hospital.chooseDocument'));
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
        <Field label={t('hospital.recordId')} hint={t('hospital.recordIdHint')}>
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
        <Field label={t('hospital.category')}>
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
              <option value="">{t('common.choose')}</option>
              {CATEGORIES.map((item) => (
                <option key={item} value={item}>
                  {categoryWord(item)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FileDrop label={t('hospital.document')} file={file} onFile={setFile} />
        <button type="submit" disabled={task.busy}>
          {t('hospital.anchor')}
        </button>
      </form>
      <HashProgress value={progress} />
      <Status
        busy={task.busy && progress === undefined}
        busyText={t('hospital.anchoring')}
        error={task.error}
        detail={task.detail}
      >
        {task.result === undefined ? null : (
          <div class="success" data-testid="anchored">
            <p>
              {t('hospital.anchored', {
                record: task.result.recordId,
                version: task.result.version,
              })}
            </p>
            <dl>
              <dt>{t('hospital.anchoredAt')}</dt>
              <dd>
                <Time value={task.result.anchor.timestamp} />
              </dd>
            </dl>
            <TechnicalDetails>
              <dl>
                <dt>SHA-256</dt>
                <dd class="id">{task.result.anchor.sha256}</dd>
                <dt>{t('tech.transaction')}</dt>
                <dd class="id">{task.result.txId}</dd>
              </dl>
            </TechnicalDetails>
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
  /** A setter that also clears the last decision: it answered the request as it was. */
  const changing =
    <T,>(set: (value: T) => void) =>
    (value: T): void => {
      task.clear();
      set(value);
    };
  const canBreakGlass = props.me.role === 'clinician' && props.me.orgType === 'hospital';
  return (
    <section aria-labelledby="access-title">
      <h1 id="access-title">{t('hospital.accessTitle')}</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void task.run(() => {
            if (categories.length === 0) throw new Error(t('hospital.chooseCategory'));
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
        <PatientIdField value={patientId} onValue={changing(setPatientId)} />
        {emergency ? null : (
          <Field label={t('hospital.purpose')}>
            {(id) => (
              <select
                id={id}
                name="purpose"
                value={purpose}
                onChange={(event) => {
                  changing(setPurpose)(event.currentTarget.value);
                }}
              >
                {PURPOSES.map((item) => (
                  <option key={item} value={item}>
                    {purposeWord(item)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <CheckboxGroup
          legend={t('hospital.categories')}
          name="categories"
          options={CATEGORIES}
          optionLabel={categoryWord}
          selected={categories}
          onChange={changing(setCategories)}
        />
        {canBreakGlass ? (
          <label class="check">
            <input
              type="checkbox"
              name="emergency"
              checked={emergency}
              onChange={(event) => {
                changing(setEmergency)(event.currentTarget.checked);
              }}
            />
            {t('hospital.emergency')}
          </label>
        ) : null}
        {emergency ? (
          <>
            <Field label={t('hospital.emergencyReason')}>
              {(id) => (
                <select
                  id={id}
                  name="reasonCode"
                  value={reasonCode}
                  onChange={(event) => {
                    changing(setReasonCode)(event.currentTarget.value);
                  }}
                >
                  {EMERGENCY_REASON_CODES.map((code) => (
                    <option key={code} value={code}>
                      {emergencyReasonWord(code)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('hospital.justification')} hint={t('hospital.justificationHint')}>
              {(id, hint) => (
                <textarea
                  id={id}
                  name="justification"
                  required
                  maxLength={4000}
                  aria-describedby={hint}
                  value={justification}
                  onInput={(event) => {
                    changing(setJustification)(event.currentTarget.value);
                  }}
                />
              )}
            </Field>
          </>
        ) : null}
        <div class="actions">
          <button type="submit" disabled={task.busy}>
            {emergency ? t('hospital.requestEmergency') : t('hospital.request')}
          </button>
        </div>
      </form>
      <Status
        busy={task.busy}
        busyText={t('hospital.asking')}
        error={task.error}
        detail={task.detail}
      >
        {task.result === undefined ? null : (
          <div
            class={`verdict ${task.result.decision === 'permit' ? 'verified' : 'altered'}`}
            data-testid="decision"
          >
            <h2 data-decision={task.result.decision}>
              {task.result.decision === 'permit' ? t('hospital.permitted') : t('hospital.denied')}
            </h2>
            <dl>
              <dt>{t('hospital.decision')}</dt>
              <dd>{decisionWord(task.result.decision)}</dd>
              <dt>{t('hospital.reason')}</dt>
              <dd data-reason={task.result.reason}>{reasonWord(task.result.reason)}</dd>
            </dl>
            <TechnicalDetails>
              <dl>
                <dt>{t('hospital.consents')}</dt>
                <dd class="id">
                  {task.result.consentIds.length === 0
                    ? t('hospital.noConsents')
                    : task.result.consentIds.join(', ')}
                </dd>
                <dt>{t('tech.eventId')}</dt>
                <dd class="id">{task.result.eventId}</dd>
                <dt>{t('tech.transaction')}</dt>
                <dd class="id">{task.result.txId}</dd>
              </dl>
            </TechnicalDetails>
          </div>
        )}
      </Status>
    </section>
  );
}
