import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  CATEGORIES,
  DECLINE_REASONS,
  PATIENT_ID_PATTERN,
  PURPOSES,
  REQUEST_REASONS,
  SENSITIVITY_LABELS,
  requestedConsent,
  type Category,
  type ConsentRequest,
  type ConsentRequestPage,
  type ConsentRequestTerms,
  type ConsentRequestWrite,
  type DeclineReason,
  type GranteeRole,
  type IdentityView,
  type Purpose,
  type RequestReason,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import { formatDate, formatNumber, t } from './i18n/i18n.ts';
import {
  categoryWord,
  declineReasonWord,
  granteeRoleWord,
  orgName,
  purposeWord,
  requestReasonWord,
  requestStatusWord,
  sensitivitiesWords,
  sensitivityWord,
} from './i18n/words.ts';
import { declineReceiptFileName } from './notices.ts';
import { allPages } from './patient.view.tsx';
import { SigningNotice, signAndSend, type Signing } from './signing.components.tsx';
import { consentTermsWords } from './statement-words.ts';
import { oneYearFrom } from './statements.ts';
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
 * Consent requests in the web app: the patient's list of what organizations ask, answered with a
 * signed statement (an approval goes through the same confirmation as a grant, and asks the
 * separate agreement first when sensitive data is asked); the requester's form and its
 * organization's requests with their answers.
 */

/** One request as the patient sees it, with its answer buttons while it is open. */
function PatientRequestItem(
  props: Readonly<{
    request: ConsentRequest;
    onApprove?: (request: ConsentRequest) => void;
    onDecline?: (request: ConsentRequest, reason: DeclineReason | undefined) => void;
    onReceipt?: (request: ConsentRequest) => void;
  }>,
): JSX.Element {
  const { request } = props;
  const [agreed, setAgreed] = useState(false);
  const [reason, setReason] = useState('');
  const [warning, setWarning] = useState<string | undefined>();
  const sensitive = request.terms.sensitive ?? [];
  const base = `request-${request.requestId}`;
  return (
    <li class="card" aria-labelledby={`${base}-title`}>
      <h3 id={`${base}-title`}>
        {t('requests.asks', {
          org: orgName(request.requesterOrg),
          reason: requestReasonWord(request.reason),
        })}
      </h3>
      <ul>
        {consentTermsWords(requestedConsent(request.terms)).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {sensitive.length === 0 ? null : (
        <p class="warning">{t('requests.sensitive', { labels: sensitivitiesWords(sensitive) })}</p>
      )}
      <p class="meta">
        {request.status === 'open' ? (
          t('requests.answerBy', { date: formatDate(request.expiresAt) })
        ) : (
          <>
            {t('requests.status', { status: requestStatusWord(request.status) })}
            {request.answeredAt === undefined ? null : (
              <>
                {' '}
                <Time value={request.answeredAt} />
              </>
            )}
          </>
        )}
      </p>
      {props.onApprove === undefined ? null : (
        <div class="actions">
          {sensitive.length === 0 ? null : (
            <label class="check agreement">
              <input
                type="checkbox"
                name="sensitiveAgreed"
                checked={agreed}
                onChange={(event) => {
                  setAgreed(event.currentTarget.checked);
                  setWarning(undefined);
                }}
              />
              {t('requests.sensitiveAgreed')}
            </label>
          )}
          <button
            type="button"
            onClick={() => {
              if (sensitive.length > 0 && !agreed) {
                setWarning(t('requests.needAgreement'));
                return;
              }
              props.onApprove?.(request);
            }}
          >
            {t('requests.approve')}
          </button>
          <Field label={t('requests.declineReason')}>
            {(id) => (
              <select
                id={id}
                name="declineReason"
                value={reason}
                onChange={(event) => {
                  setReason(event.currentTarget.value);
                }}
              >
                <option value="">{t('requests.noReason')}</option>
                {DECLINE_REASONS.map((code) => (
                  <option key={code} value={code}>
                    {declineReasonWord(code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              props.onDecline?.(request, reason === '' ? undefined : (reason as DeclineReason));
            }}
          >
            {t('requests.decline')}
          </button>
          {warning === undefined ? null : (
            <p class="error" role="alert">
              {warning}
            </p>
          )}
        </div>
      )}
      {props.onReceipt === undefined || request.status !== 'declined' ? null : (
        <button
          type="button"
          class="secondary"
          aria-label={t('requests.receiptLabel', {
            org: orgName(request.requesterOrg),
            id: request.requestId,
          })}
          onClick={() => props.onReceipt?.(request)}
        >
          {t('requests.receipt')}
        </button>
      )}
      <TechnicalDetails>
        <p class="meta">
          {t('tech.requestId')} <span class="id">{request.requestId}</span>
          {request.consentId === undefined ? null : (
            <>
              {' '}
              · {t('tech.consentId')} <span class="id">{request.consentId}</span>
            </>
          )}{' '}
          · {t('tech.transaction')} <span class="id">{request.txId}</span>
        </p>
      </TechnicalDetails>
    </li>
  );
}

/** The patient's consent requests: those waiting for an answer, then the answered ones. */
export function RequestsPanel(
  props: Readonly<{ api: ApiClient; refresh: number; signing: Signing }>,
): JSX.Element {
  const { signing } = props;
  const list = useTask<ConsentRequest[]>();
  const answer = useTask<ConsentRequestWrite>();
  const [answered, setAnswered] = useState<'approved' | 'declined' | undefined>();
  const receipt = useTask<string>();
  const load = (): Promise<void> =>
    list.run(() =>
      allPages((bookmark) =>
        props.api.get<ConsentRequestPage>('/consent-requests', { pageSize: 100, bookmark }),
      ),
    );
  useEffect(() => {
    void load();
  }, [props.refresh]);
  const requests = list.result ?? [];
  const pending = requests.filter((request) => request.status === 'open');
  const closed = requests.filter((request) => request.status !== 'open');
  const onApprove = (request: ConsentRequest): void => {
    setAnswered('approved');
    void signAndSend({
      signing,
      task: answer,
      request: {
        action: 'request:ApproveRequest',
        payload: { requestId: request.requestId, consent: requestedConsent(request.terms) },
        title: t('requests.approveTitle'),
        confirmLabel: t('requests.approveConfirm'),
      },
      send: (action) =>
        props.api.post<ConsentRequestWrite>(`/consent-requests/${request.requestId}/approve`, {
          action,
        }),
    }).then((sent) => (sent ? load() : undefined));
  };
  const onDecline = (request: ConsentRequest, reason: DeclineReason | undefined): void => {
    setAnswered('declined');
    void signAndSend({
      signing,
      task: answer,
      request: {
        action: 'request:DeclineRequest',
        payload: { requestId: request.requestId, ...(reason === undefined ? {} : { reason }) },
        title: t('requests.declineTitle'),
        confirmLabel: t('requests.declineConfirm'),
        danger: true,
      },
      send: (action) =>
        props.api.post<ConsentRequestWrite>(`/consent-requests/${request.requestId}/decline`, {
          action,
        }),
    }).then((sent) => (sent ? load() : undefined));
  };
  const onReceipt = (request: ConsentRequest): void => {
    void receipt.run(async () => {
      const name = declineReceiptFileName(request.requestId);
      saveBlob(await props.api.download(`/consent-requests/${request.requestId}/receipt`), name);
      return name;
    });
  };
  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">{t('requests.title')}</h1>
      <SigningNotice signing={signing} />
      <p>{t('requests.intro')}</p>
      <Status
        busy={answer.busy}
        busyText={answered === 'declined' ? t('requests.declining') : t('requests.approving')}
        error={answer.error}
        detail={answer.detail}
      >
        {answer.result === undefined ? null : (
          <div class="success">
            <p>
              {answer.result.request.status === 'approved'
                ? t('requests.approved')
                : t('requests.declined')}
            </p>
            <TechnicalDetails>
              <p class="meta">
                {t('tech.requestId')} <span class="id">{answer.result.requestId}</span> ·{' '}
                {t('tech.transaction')} <span class="id">{answer.result.txId}</span>
              </p>
            </TechnicalDetails>
          </div>
        )}
      </Status>
      <Status
        busy={receipt.busy}
        busyText={t('requests.receiptBusy')}
        error={receipt.error}
        detail={receipt.detail}
      >
        {receipt.result === undefined ? null : (
          <p class="success">{t('requests.receiptSaved', { name: receipt.result })}</p>
        )}
      </Status>
      <Status
        busy={list.busy && list.result === undefined}
        busyText={t('requests.loading')}
        error={list.error}
        detail={list.detail}
      />
      <section aria-labelledby="requests-pending">
        <h2 id="requests-pending">
          {t('requests.pendingGroup', { count: formatNumber(pending.length) })}
        </h2>
        {pending.length === 0 ? (
          <p class="empty">{t('requests.noPending')}</p>
        ) : (
          <ul class="cards">
            {pending.map((request) => (
              <PatientRequestItem
                key={request.requestId}
                request={request}
                onApprove={onApprove}
                onDecline={onDecline}
              />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="requests-answered">
        <h2 id="requests-answered">
          {t('requests.answeredGroup', { count: formatNumber(closed.length) })}
        </h2>
        {closed.length === 0 ? (
          <p class="empty">{t('requests.noAnswered')}</p>
        ) : (
          <ul class="cards">
            {closed.map((request) => (
              <PatientRequestItem key={request.requestId} request={request} onReceipt={onReceipt} />
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

/** The request form's fields. */
interface AskForm {
  readonly patientId: string;
  readonly role: string;
  readonly reason: string;
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly sensitive: readonly string[];
  readonly until: string;
}

type AskProblem = 'patientId' | 'purposes' | 'categories' | 'reason' | 'until';

/** What is wrong with the request form, in the order of its fields. */
export function askProblems(form: AskForm, now: Date): AskProblem[] {
  const problems: (AskProblem | undefined)[] = [
    PATIENT_ID_PATTERN.test(form.patientId.trim()) ? undefined : 'patientId',
    form.purposes.length === 0 ? 'purposes' : undefined,
    form.categories.length === 0 ? 'categories' : undefined,
    form.reason === '' ? 'reason' : undefined,
    form.until === '' || new Date(`${form.until}T23:59:59`).getTime() <= now.getTime()
      ? 'until'
      : undefined,
  ];
  return problems.filter((problem) => problem !== undefined);
}

/** The request's body from the form: a consent to the requester's own organization. */
export function askBodyOf(
  form: AskForm,
  mspId: string,
): { patientId: string; terms: ConsentRequestTerms; reason: RequestReason } {
  return {
    patientId: form.patientId.trim(),
    terms: {
      grantee: { org: mspId, ...(form.role === '' ? {} : { role: form.role as GranteeRole }) },
      purposes: form.purposes as readonly Purpose[],
      categories: form.categories as readonly Category[],
      ...(form.sensitive.length === 0
        ? {}
        : { sensitive: [...form.sensitive].sort() as readonly SensitivityLabel[] }),
      validUntil: new Date(`${form.until}T23:59:59`).toISOString(),
    },
    reason: form.reason as RequestReason,
  };
}

/** A requester asks a patient for a consent, and sees its organization's requests and answers. */
export function AskPanel(props: Readonly<{ api: ApiClient; me: IdentityView }>): JSX.Element {
  const [patientId, setPatientId] = useState('');
  const [role, setRole] = useState('');
  const [reason, setReason] = useState('');
  const [purposes, setPurposes] = useState<string[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [sensitive, setSensitive] = useState<string[]>([]);
  const [until, setUntil] = useState(() => oneYearFrom(new Date()));
  const [invalid, setInvalid] = useState<string | undefined>();
  const ask = useTask<ConsentRequestWrite>();
  const withdraw = useTask<ConsentRequestWrite>();
  const mine = useTask<ConsentRequest[]>();
  const load = (): Promise<void> =>
    mine.run(() =>
      allPages((bookmark) =>
        props.api.get<ConsentRequestPage>('/consent-requests', {
          requesterOrg: props.me.mspId,
          pageSize: 100,
          bookmark,
        }),
      ),
    );
  useEffect(() => {
    void load();
  }, []);
  return (
    <section aria-labelledby="ask-title">
      <h1 id="ask-title">{t('requests.askTitle')}</h1>
      <p>{t('requests.askIntro')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const form = { patientId, role, reason, purposes, categories, sensitive, until };
          const problems = askProblems(form, new Date());
          setInvalid(
            problems.length === 0
              ? undefined
              : t('requests.problems', {
                  list: problems
                    .map((problem) => t(`requests.problem.${problem}`))
                    .join(t('requests.sep')),
                }),
          );
          if (problems.length > 0) return;
          void ask
            .run(() =>
              props.api.post<ConsentRequestWrite>(
                '/consent-requests',
                askBodyOf(form, props.me.mspId),
              ),
            )
            .then(load);
        }}
      >
        <Field label={t('requests.patientId')} hint={t('requests.patientIdHint')}>
          {(id, hint) => (
            <input
              id={id}
              name="patientId"
              aria-describedby={hint}
              autocomplete="off"
              spellcheck={false}
              value={patientId}
              onInput={(event) => {
                setPatientId(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <Field label={t('requests.who')}>
          {(id) => (
            <select
              id={id}
              name="role"
              value={role}
              onChange={(event) => {
                setRole(event.currentTarget.value);
              }}
            >
              <option value="">{t('requests.anyone')}</option>
              {(['clinician', 'researcher', 'analyst'] as const).map((item) => (
                <option key={item} value={item}>
                  {granteeRoleWord(item)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('requests.reason')}>
          {(id) => (
            <select
              id={id}
              name="reason"
              value={reason}
              onChange={(event) => {
                setReason(event.currentTarget.value);
              }}
            >
              <option value="">{t('common.choose')}</option>
              {REQUEST_REASONS.map((code) => (
                <option key={code} value={code}>
                  {requestReasonWord(code)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <CheckboxGroup
          legend={t('requests.purposes')}
          name="purposes"
          options={PURPOSES}
          optionLabel={purposeWord}
          selected={purposes}
          onChange={setPurposes}
        />
        <CheckboxGroup
          legend={t('requests.categories')}
          name="categories"
          options={CATEGORIES}
          optionLabel={categoryWord}
          selected={categories}
          onChange={setCategories}
        />
        <CheckboxGroup
          legend={t('requests.sensitiveLabels')}
          name="sensitive"
          options={SENSITIVITY_LABELS}
          optionLabel={sensitivityWord}
          selected={sensitive}
          onChange={setSensitive}
        />
        <Field label={t('requests.until')}>
          {(id) => (
            <input
              id={id}
              name="validUntil"
              type="date"
              value={until}
              onInput={(event) => {
                setUntil(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <button type="submit" disabled={ask.busy}>
          {t('requests.submit')}
        </button>
      </form>
      <Status
        busy={ask.busy}
        busyText={t('requests.asking')}
        error={invalid ?? ask.error}
        detail={invalid === undefined ? ask.detail : undefined}
      >
        {ask.result === undefined ? null : (
          <div class="success">
            <p>{t('requests.asked')}</p>
            <TechnicalDetails>
              <p class="meta">
                {t('tech.requestId')} <span class="id">{ask.result.requestId}</span> ·{' '}
                {t('tech.transaction')} <span class="id">{ask.result.txId}</span>
              </p>
            </TechnicalDetails>
          </div>
        )}
      </Status>
      <section aria-labelledby="ask-mine">
        <h2 id="ask-mine">{t('requests.mineTitle')}</h2>
        <Status busy={withdraw.busy} error={withdraw.error} detail={withdraw.detail}>
          {withdraw.result === undefined ? null : <p class="success">{t('requests.withdrawn')}</p>}
        </Status>
        <Status
          busy={mine.busy && mine.result === undefined}
          busyText={t('requests.loading')}
          error={mine.error}
          detail={mine.detail}
        />
        {(mine.result ?? []).length === 0 ? (
          <p class="empty">{t('requests.noMine')}</p>
        ) : (
          <ul class="cards">
            {(mine.result ?? []).map((request) => (
              <li key={request.requestId} class="card">
                <p>
                  {t('requests.toPatient', {
                    id: request.patientId,
                    reason: requestReasonWord(request.reason),
                    status: requestStatusWord(request.status),
                  })}
                </p>
                {request.status !== 'open' ? null : (
                  <button
                    type="button"
                    class="secondary"
                    disabled={withdraw.busy}
                    onClick={() => {
                      void withdraw
                        .run(() =>
                          props.api.post<ConsentRequestWrite>(
                            `/consent-requests/${request.requestId}/withdraw`,
                          ),
                        )
                        .then(load);
                    }}
                  >
                    {t('requests.withdraw')}
                  </button>
                )}
                <TechnicalDetails>
                  <p class="meta">
                    {t('tech.requestId')} <span class="id">{request.requestId}</span>
                    {request.consentId === undefined ? null : (
                      <>
                        {' '}
                        · {t('tech.consentId')} <span class="id">{request.consentId}</span>
                      </>
                    )}
                  </p>
                </TechnicalDetails>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
