import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from './api.client.ts';
import {
  CATEGORIES,
  PURPOSES,
  SENSITIVITY_LABELS,
  type AccessEvent,
  type Consent,
  type ConsentErasure,
  type ConsentWrite,
  type ErasureReceipt,
  type Notice,
  type NoticeSummary,
  type Page,
} from '@consent-ledger/ledger-api';
import { INSTITUTIONS, ORGANIZATIONS } from './api.types.ts';
import { formatDate, formatNumber, language, t } from './i18n/i18n.ts';
import { latestVersion, noticeRefOf, receiptFileName } from './notices.ts';
import {
  categoriesWords,
  sensitivitiesWords,
  sensitivityWord,
  categoryWord,
  decisionWord,
  emergencyReasonWord,
  granteeRoleWord,
  granteeName,
  institutionName,
  orgName,
  purposeWord,
  purposesWords,
  reasonWord,
  reviewStatusWord,
  roleWord,
  statusWord,
} from './i18n/words.ts';
import { SigningNotice, signAndSend, type Signing } from './signing.components.tsx';
import { byWhom } from './statement-words.ts';
import {
  canErase,
  consentInputOf,
  erasureOf,
  grantProblems,
  oneYearFrom,
  revocationOf,
} from './statements.ts';
import {
  CheckboxGroup,
  Field,
  Status,
  TechnicalDetails,
  Time,
  saveBlob,
  useTask,
} from './ui.components.tsx';
import { accessHistoryCsv } from './access-history.ts';

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
    onReceipt?: (consent: Consent) => void;
  }>,
): JSX.Element {
  const { consent } = props;
  return (
    <li class={`card consent ${consent.status}`} data-consent-id={consent.consentId}>
      <p>
        <strong>
          {consent.provision === 'deny'
            ? t('consents.refusedTo', { org: granteeName(consent.grantee) })
            : granteeName(consent.grantee)}
        </strong>
        {consent.grantee?.role === undefined
          ? ''
          : t('consents.onlyRole', { role: granteeRoleWord(consent.grantee.role, true) })}{' '}
        <span class={`badge ${consent.status}`}>{statusWord(consent.status)}</span>
      </p>
      <p>
        {t('consents.forPurposes', {
          purposes:
            consent.purposes === undefined
              ? t('consents.allPurposes')
              : purposesWords(consent.purposes),
        })}
        {t('consents.data', {
          categories:
            consent.categories === undefined
              ? t('consents.allCategories')
              : categoriesWords(consent.categories),
        })}
      </p>
      {consent.sensitive === undefined ? null : (
        <p>
          {t(consent.provision === 'deny' ? 'consents.sensitiveRefused' : 'consents.sensitive', {
            labels: sensitivitiesWords(consent.sensitive),
          })}
        </p>
      )}
      <p class="meta">
        {t('consents.from')} <Time value={consent.validFrom} />
        {consent.validUntil === undefined ? (
          t('consents.noEnd')
        ) : (
          <>
            {' '}
            {t('consents.until')} <Time value={consent.validUntil} />
          </>
        )}
        {consent.revokedAt === undefined ? null : (
          <>
            {t('consents.revokedAt')} <Time value={consent.revokedAt} />
          </>
        )}
      </p>
      <TechnicalDetails>
        <p class="meta">
          {t('tech.consentId')} <span class="id">{consent.consentId}</span>
        </p>
      </TechnicalDetails>
      {props.onReceipt === undefined ? null : (
        <button
          type="button"
          class="secondary"
          aria-label={t('consents.receiptLabel', {
            org: orgName(consent.grantee?.org),
            id: consent.consentId,
          })}
          onClick={() => props.onReceipt?.(consent)}
        >
          {t('consents.receipt')}
        </button>
      )}
      {props.onRevoke === undefined ? null : (
        <button
          type="button"
          class="danger"
          aria-label={t('consents.revokeLabel', {
            org: orgName(consent.grantee?.org),
            id: consent.consentId,
          })}
          onClick={() => props.onRevoke?.(consent)}
        >
          {t('consents.revoke')}
        </button>
      )}
      {props.onErase === undefined ? null : (
        <button
          type="button"
          class="secondary"
          aria-label={t('consents.eraseLabel', {
            org: orgName(consent.grantee?.org),
            id: consent.consentId,
          })}
          onClick={() => props.onErase?.(consent)}
        >
          {t('consents.erase')}
        </button>
      )}
    </li>
  );
}

/**
 * "Who can see what now": one line per organization that an active consent lets in, with the
 * kinds of data and purposes together.
 */
function WhoCanSee(props: Readonly<{ consents: readonly Consent[] }>): JSX.Element {
  const active = props.consents.filter(
    (consent) => consent.status === 'active' && consent.provision !== 'deny',
  );
  return (
    <section aria-labelledby="who-can-see" class="card summary">
      <h2 id="who-can-see">{t('consents.whoTitle')}</h2>
      {active.length === 0 ? (
        <p class="empty">{t('consents.whoNone')}</p>
      ) : (
        <ul>
          {active.map((consent) => (
            <li key={consent.consentId}>
              {t('consents.whoLine', {
                org: orgName(consent.grantee?.org),
                categories:
                  consent.categories === undefined
                    ? t('consents.allCategories')
                    : categoriesWords(consent.categories),
                purposes:
                  consent.purposes === undefined
                    ? t('consents.allPurposes')
                    : purposesWords(consent.purposes),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The erasures done for the patient: what was erased, when, on whose request. */
function ErasureList(
  props: Readonly<{ erasures: readonly ErasureReceipt[]; self?: string | undefined }>,
): JSX.Element {
  if (props.erasures.length === 0) return <p class="empty">{t('consents.noErasures')}</p>;
  const newest = [...props.erasures].sort((a, b) => b.erasedAt.localeCompare(a.erasedAt));
  return (
    <ul class="cards">
      {newest.map((receipt) => (
        <li key={receipt.txId} class="card erasure" data-subject={receipt.subject}>
          <p>
            {receipt.kind === 'consent'
              ? t('consents.erasedConsent')
              : t('consents.erasedRetention')}{' '}
            <Time value={receipt.erasedAt} />
          </p>
          <p class="meta">
            {t('consents.askedBy', {
              who: byWhom(
                receipt.requestedBy,
                props.self === undefined ? {} : { self: props.self },
              ),
            })}
          </p>
          <TechnicalDetails>
            <p class="meta">
              {t('tech.subject')} <span class="id">{receipt.subject}</span> ·{' '}
              {t('tech.transaction')} <span class="id">{receipt.txId}</span>
            </p>
          </TechnicalDetails>
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
  const receipt = useTask<string>();
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
    { status: 'active', empty: t('consents.noActive') },
    { status: 'revoked', empty: t('consents.noRevoked') },
    { status: 'expired', empty: t('consents.noExpired') },
  ] as const;
  const onReceipt = (consent: Consent): void => {
    void receipt.run(async () => {
      const name = receiptFileName(consent.consentId, consent.version);
      saveBlob(await props.api.download(`/consents/${consent.consentId}/receipt`), name);
      return name;
    });
  };
  const onRevoke = (consent: Consent): void => {
    void signAndSend({
      signing,
      task: revoke,
      request: {
        action: 'consent:RevokeConsent',
        payload: revocationOf(consent),
        title: t('consents.revokeTitle'),
        confirmLabel: t('consents.revokeConfirm'),
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
        title: t('consents.eraseTitle'),
        confirmLabel: t('consents.eraseConfirm'),
        danger: true,
        consent,
      },
      send: (action) =>
        props.api.post<ConsentErasure>(`/consents/${consent.consentId}/erase`, { action }),
    }).then((sent) => (sent ? Promise.all([load(), signing.reload()]) : undefined));
  };
  return (
    <section aria-labelledby="consents-title">
      <h1 id="consents-title">{t('consents.title')}</h1>
      <SigningNotice signing={signing} />
      <p>
        <a href="#/grant" class="button">
          {t('nav.grant')}
        </a>
      </p>
      <WhoCanSee consents={consents} />
      <Status
        busy={receipt.busy}
        busyText={t('consents.receiptBusy')}
        error={receipt.error}
        detail={receipt.detail}
      >
        {receipt.result === undefined ? null : (
          <p class="success">{t('consents.receiptSaved', { name: receipt.result })}</p>
        )}
      </Status>
      <Status
        busy={revoke.busy}
        busyText={t('consents.revoking')}
        error={revoke.error}
        detail={revoke.detail}
      >
        {revoke.result === undefined ? null : (
          <div class="success">
            <p>{t('consents.revoked')}</p>
            <TechnicalDetails>
              <p class="meta">
                {t('tech.consentId')} <span class="id">{revoke.result.consentId}</span> ·{' '}
                {t('tech.transaction')} <span class="id">{revoke.result.txId}</span>
              </p>
            </TechnicalDetails>
          </div>
        )}
      </Status>
      <Status
        busy={erase.busy}
        busyText={t('consents.erasing')}
        error={erase.error}
        detail={erase.detail}
      >
        {erase.result === undefined ? null : (
          <div class="success">
            <p>{t('consents.erased')}</p>
            <TechnicalDetails>
              <p class="meta">
                {t('tech.consentId')} <span class="id">{erase.result.consentId}</span> ·{' '}
                {t('tech.transaction')} <span class="id">{erase.result.txId}</span>
              </p>
            </TechnicalDetails>
          </div>
        )}
      </Status>
      <Status
        busy={list.busy && list.result === undefined}
        busyText={t('consents.loading')}
        error={list.error}
        detail={list.detail}
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
              {t('consents.group', {
                status: statusWord(group.status),
                count: formatNumber(items.length),
              })}
            </h2>
            {items.length === 0 ? (
              <p class="empty">{group.empty}</p>
            ) : (
              <ul class="cards">
                {items.map((consent) => (
                  <ConsentItem
                    key={consent.consentId}
                    consent={consent}
                    onReceipt={onReceipt}
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
        <h2 id="consents-erased">
          {t('consents.erasedGroup', { count: formatNumber(signing.view?.erasures.length ?? 0) })}
        </h2>
        <p class="hint">{t('consents.erasedHint')}</p>
        <ErasureList erasures={signing.view?.erasures ?? []} self={signing.signer?.id} />
      </section>
    </section>
  );
}

/** The form that grants a consent; the consent is then reviewed and signed in a confirmation. */
export function GrantPanel(
  props: Readonly<{ api: ApiClient; signing: Signing; home: string }>,
): JSX.Element {
  const [org, setOrg] = useState('');
  const [role, setRole] = useState('');
  const [institution, setInstitution] = useState('');
  const [purposes, setPurposes] = useState<string[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [sensitive, setSensitive] = useState<string[]>([]);
  const [sensitiveAgreed, setSensitiveAgreed] = useState(false);
  const [from, setFrom] = useState('');
  // A consent ends after a year unless the patient chooses another date (or clears it).
  const [until, setUntil] = useState(() => oneYearFrom(new Date()));
  const [invalid, setInvalid] = useState<string | undefined>();
  const [noticeRead, setNoticeRead] = useState(false);
  const task = useTask<ConsentWrite>();
  // The home organization's latest standard notice: shown before signing, named in the consent.
  const notice = useTask<Notice>();
  useEffect(() => {
    void notice.run(async () => {
      const latest = latestVersion(
        await props.api.get<NoticeSummary[]>('/notices', { org: props.home }),
      );
      if (latest === undefined) throw new Error(t('grant.noNotice'));
      return props.api.get<Notice>(
        `/notices/${latest.org}/${latest.noticeId}/${String(latest.version)}`,
      );
    });
  }, [props.home]);
  return (
    <section aria-labelledby="grant-title">
      <h1 id="grant-title">{t('grant.title')}</h1>
      <SigningNotice signing={props.signing} />
      <p>{t('grant.intro')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const form = {
            org,
            role,
            institution,
            purposes,
            categories,
            sensitive,
            sensitiveAgreed,
            from,
            until,
            ...(notice.result === undefined ? {} : { notice: noticeRefOf(notice.result) }),
            noticeRead,
          };
          const problems = grantProblems(form);
          setInvalid(
            problems.length === 0
              ? undefined
              : t('grant.problems', {
                  list: problems
                    .map((problem) => t(`grant.problem.${problem}`))
                    .join(t('grant.sep')),
                }),
          );
          if (problems.length > 0) return;
          void signAndSend({
            signing: props.signing,
            task,
            request: {
              action: 'consent:GrantConsent',
              payload: consentInputOf(form),
              title: t('grant.reviewTitle'),
              confirmLabel: t('grant.confirm'),
            },
            send: (action) => props.api.post<ConsentWrite>('/consents', { action }),
          });
        }}
      >
        <Field label={t('grant.org')}>
          {(id) => (
            <select
              id={id}
              name="org"
              required
              value={org}
              onChange={(event) => {
                setOrg(event.currentTarget.value);
                // The institutions are the chosen organization's.
                setInstitution('');
              }}
            >
              <option value="">{t('common.choose')}</option>
              {ORGANIZATIONS.map((mspId) => (
                <option key={mspId} value={mspId}>
                  {orgName(mspId)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {(INSTITUTIONS[org] ?? []).length === 0 ? null : (
          <Field label={t('grant.institution')} hint={t('grant.institutionHint')}>
            {(id, hint) => (
              <select
                id={id}
                name="institution"
                aria-describedby={hint}
                value={institution}
                onChange={(event) => {
                  setInstitution(event.currentTarget.value);
                }}
              >
                <option value="">{t('grant.anyInstitution')}</option>
                {(INSTITUTIONS[org] ?? []).map((item) => (
                  <option key={item} value={item}>
                    {institutionName(item)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t('grant.who')} hint={t('grant.whoHint')}>
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
              <option value="">{t('grant.anyone')}</option>
              {(['clinician', 'researcher', 'analyst'] as const).map((item) => (
                <option key={item} value={item}>
                  {granteeRoleWord(item)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <CheckboxGroup
          legend={t('grant.purposes')}
          name="purposes"
          options={PURPOSES}
          optionLabel={purposeWord}
          selected={purposes}
          onChange={setPurposes}
        />
        <CheckboxGroup
          legend={t('grant.categories')}
          name="categories"
          options={CATEGORIES}
          optionLabel={categoryWord}
          selected={categories}
          onChange={setCategories}
        />
        <p class="hint" id="grant-sensitive-hint">
          {t('grant.sensitiveHint')}
        </p>
        <CheckboxGroup
          legend={t('grant.sensitive')}
          name="sensitive"
          options={SENSITIVITY_LABELS}
          optionLabel={sensitivityWord}
          selected={sensitive}
          describedBy="grant-sensitive-hint"
          onChange={(next) => {
            setSensitive(next);
            // A new choice of sensitive data needs the agreement again.
            setSensitiveAgreed(false);
          }}
        />
        {sensitive.length === 0 ? null : (
          <label class="check agreement">
            <input
              type="checkbox"
              name="sensitiveAgreed"
              checked={sensitiveAgreed}
              onChange={(event) => {
                setSensitiveAgreed(event.currentTarget.checked);
              }}
            />
            {t('grant.sensitiveAgreed')}
          </label>
        )}
        <div class="row">
          <DateField label={t('grant.from')} name="validFrom" value={from} onValue={setFrom} />
          <DateField label={t('grant.until')} name="validUntil" value={until} onValue={setUntil} />
        </div>
        <p class="hint">
          {until === ''
            ? t('grant.noEndHint')
            : t('grant.untilHint', { date: formatDate(`${until}T12:00:00`) })}
        </p>
        <div class="notice">
          <h2 id="grant-notice-title">
            {notice.result === undefined
              ? t('grant.noticeTitle')
              : t('grant.noticeVersion', {
                  org: orgName(notice.result.org),
                  version: formatNumber(notice.result.version),
                })}
          </h2>
          {/* In words here, not in a Status: the form's own live regions announce its problems. */}
          {notice.busy ? <p class="hint">{t('grant.noticeLoading')}</p> : null}
          {notice.error === undefined ? null : <p class="error">{notice.error}</p>}
          {notice.result === undefined ? null : (
            <>
              <div
                class="notice-text"
                role="region"
                aria-labelledby="grant-notice-title"
                // Focusable, so that a keyboard scrolls it.
                tabIndex={0}
              >
                {notice.result.texts[language()]
                  .split('\n')
                  .map((line, index) => (line.trim() === '' ? null : <p key={index}>{line}</p>))}
              </div>
              <TechnicalDetails>
                <p class="meta">
                  {t('tech.noticeHash')} <span class="id">{notice.result.sha256}</span>
                </p>
              </TechnicalDetails>
              <label class="check agreement">
                <input
                  type="checkbox"
                  name="noticeRead"
                  checked={noticeRead}
                  onChange={(event) => {
                    setNoticeRead(event.currentTarget.checked);
                  }}
                />
                {t('grant.noticeRead')}
              </label>
            </>
          )}
        </div>
        <button type="submit" disabled={task.busy}>
          {t('grant.submit')}
        </button>
      </form>
      <Status
        busy={task.busy}
        busyText={t('grant.busy')}
        error={invalid ?? task.error}
        detail={invalid === undefined ? task.detail : undefined}
      >
        {task.result === undefined ? null : (
          <div class="success">
            <p>
              {t('grant.done', { org: granteeName(task.result.consent.grantee) })}{' '}
              <a href="#/consents">{t('grant.seeConsents')}</a>
            </p>
            <TechnicalDetails>
              <p class="meta">
                {t('tech.consentId')} <span class="id">{task.result.consentId}</span> ·{' '}
                {t('tech.transaction')} <span class="id">{task.result.txId}</span>
              </p>
            </TechnicalDetails>
          </div>
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
  const pdf = useTask<string>();
  const [saved, setSaved] = useState<{ name: string; count: number }>();
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
      <h1 id="timeline-title">{t('timeline.title')}</h1>
      <p>{t('timeline.intro')}</p>
      <Status
        busy={task.busy && task.result === undefined}
        busyText={t('timeline.loading')}
        error={task.error}
        detail={task.detail}
      />
      {task.result !== undefined && events.length === 0 ? (
        <p class="empty">{t('timeline.empty')}</p>
      ) : null}
      {events.length === 0 ? null : (
        <div class="actions">
          <button
            type="button"
            class="secondary"
            onClick={() => {
              // Written from the events shown, in the page's language (the REST export is the
              // regulator's, in codes).
              const name = 'access-history.csv';
              saveBlob(
                new Blob([accessHistoryCsv(events)], { type: 'text/csv;charset=utf-8' }),
                name,
              );
              setSaved({ name, count: events.length });
            }}
          >
            {t('timeline.download')}
          </button>
          <button
            type="button"
            class="secondary"
            data-testid="download-pdf"
            disabled={pdf.busy}
            onClick={() => {
              const shown = events;
              void pdf.run(async () => {
                // pdf-lib, fontkit and the font load only now, when the patient asks.
                const [{ accessHistoryPdf }, { loadPdfFont }] = await Promise.all([
                  import('./access-history-pdf.ts'),
                  import('./pdf-font.ts'),
                ]);
                const bytes = await accessHistoryPdf(shown, {
                  font: await loadPdfFont(),
                  patientId: props.patientId,
                  writtenAt: new Date().toISOString(),
                });
                const name = 'access-history.pdf';
                saveBlob(new Blob([bytes], { type: 'application/pdf' }), name);
                setSaved({ name, count: shown.length });
                return name;
              });
            }}
          >
            {t('timeline.downloadPdf')}
          </button>
          {saved === undefined ? null : <p class="success">{t('timeline.saved', saved)}</p>}
        </div>
      )}
      <Status
        busy={pdf.busy}
        busyText={t('timeline.writingPdf')}
        error={pdf.error}
        detail={pdf.detail}
      />
      <ol class="timeline">
        {events.map((event) => (
          <li
            key={event.eventId}
            class={`card ${event.breakGlass ? 'emergency' : ''} ${event.decision}`}
            data-event-id={event.eventId}
          >
            {event.breakGlass ? (
              <p class="emergency-label">
                <strong>{t('timeline.emergency')}</strong>
                {event.emergency === undefined
                  ? null
                  : t('timeline.emergencyDetail', {
                      reason: emergencyReasonWord(event.emergency.reasonCode),
                      review: reviewStatusWord(event.emergency.review.status),
                    })}
              </p>
            ) : null}
            <p>
              <Time value={event.timestamp} /> — <strong>{granteeName(event.accessor)}</strong>
              {t('timeline.asked', {
                role: roleWord(event.accessor.role),
                categories: categoriesWords(event.categories),
                purpose: purposeWord(event.purpose),
              })}{' '}
              <span class={`badge ${event.decision}`}>{decisionWord(event.decision)}</span>
            </p>
            <p class="meta">{t('timeline.reason', { reason: reasonWord(event.reason) })}</p>
            <TechnicalDetails>
              <p class="meta">
                {t('tech.eventId')} <span class="id">{event.eventId}</span>
              </p>
            </TechnicalDetails>
          </li>
        ))}
      </ol>
    </section>
  );
}
