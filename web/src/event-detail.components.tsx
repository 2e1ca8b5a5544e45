import type { JSX } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { AccessEvent } from '@consent-ledger/ledger-api';
import type { ApiClient } from './api.client.ts';
import { formatDate, t } from './i18n/i18n.ts';
import {
  categoriesWords,
  decisionWord,
  emergencyReasonWord,
  granteeName,
  orgName,
  outcomeWord,
  purposeWord,
  reasonWord,
  reviewStatusWord,
  roleWord,
} from './i18n/words.ts';
import { Status, TechnicalDetails, Time, saveBlob, useTask } from './ui.components.tsx';

/** GET /audit/emergency-reviews/:eventId: the comment kept by the regulator's gateway. */
interface ReviewComment {
  readonly comment: string;
  readonly salt: string;
  readonly matchesLedger: boolean;
}

/** One line of the detail: a term and what it says. */
function Row(props: Readonly<{ term: string; children: JSX.Element | string }>): JSX.Element {
  return (
    <>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/**
 * One access event in words (every field through the catalogue; IDs, hashes and the transaction
 * behind the technical details fold), with the download of its evidence bundle
 * (GET /audit/access-events/:eventId/proof, docs/evidence-bundle.md). Focus moves to its heading
 * when it opens.
 */
export function EventDetail(
  props: Readonly<{ api: ApiClient; event: AccessEvent; onClose: () => void }>,
): JSX.Element {
  const { event } = props;
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const proof = useTask<string>();
  const comment = useTask<ReviewComment>();
  const review = event.emergency?.review;
  useEffect(() => {
    heading.current?.focus();
    proof.clear();
    comment.clear();
    // The regulator's comment is kept by its gateway, not on the ledger.
    if (review?.commentHash !== undefined)
      void comment.run(() =>
        props.api.get<ReviewComment>(`/audit/emergency-reviews/${event.eventId}`),
      );
  }, [event.eventId]);
  return (
    <section class="card event-detail" aria-labelledby={titleId} data-event-id={event.eventId}>
      <h2 id={titleId} ref={heading} tabIndex={-1}>
        {t('eventDetail.title')}
      </h2>
      <dl class="detail">
        <Row term={t('eventDetail.time')}>
          <Time value={event.timestamp} />
        </Row>
        <Row term={t('eventDetail.decision')}>
          <span class={`badge ${event.decision}`}>{decisionWord(event.decision)}</span>
        </Row>
        <Row term={t('eventDetail.reason')}>{reasonWord(event.reason)}</Row>
        <Row term={t('eventDetail.org')}>{granteeName(event.accessor)}</Row>
        <Row term={t('eventDetail.role')}>{roleWord(event.accessor.role)}</Row>
        <Row term={t('eventDetail.purpose')}>{purposeWord(event.purpose)}</Row>
        <Row term={t('eventDetail.categories')}>{categoriesWords(event.categories)}</Row>
        <Row term={t('eventDetail.period')}>
          {event.dataFrom === undefined && event.dataUntil === undefined
            ? t('eventDetail.anyPeriod')
            : t('eventDetail.periodWords', {
                from: event.dataFrom === undefined ? '…' : formatDate(event.dataFrom),
                until: event.dataUntil === undefined ? '…' : formatDate(event.dataUntil),
              })}
        </Row>
        <Row term={t('eventDetail.home')}>{orgName(event.patientHome)}</Row>
        <Row term={t('eventDetail.breakGlass')}>
          {event.breakGlass ? t('audit.yes') : t('audit.no')}
        </Row>
        {event.emergency === undefined ? null : (
          <Row term={t('eventDetail.emergencyReason')}>
            {emergencyReasonWord(event.emergency.reasonCode)}
          </Row>
        )}
        {review === undefined ? null : (
          <Row term={t('eventDetail.review')}>
            {review.outcome === undefined
              ? reviewStatusWord(review.status)
              : t('eventDetail.reviewed', { outcome: outcomeWord(review.outcome) })}
          </Row>
        )}
        {review?.reviewedAt === undefined ? null : (
          <Row term={t('eventDetail.reviewedAt')}>
            <Time value={review.reviewedAt} />
          </Row>
        )}
        {review?.commentHash === undefined ? null : (
          <Row term={t('eventDetail.comment')}>
            {comment.result === undefined ? (
              <span>{comment.error === undefined ? '…' : t('eventDetail.commentUnavailable')}</span>
            ) : (
              <span class="comment">
                {comment.result.comment}{' '}
                <em>
                  {t(
                    comment.result.matchesLedger
                      ? 'eventDetail.commitmentMatches'
                      : 'eventDetail.commitmentDiffers',
                  )}
                </em>
              </span>
            )}
          </Row>
        )}
      </dl>
      <TechnicalDetails>
        <dl class="detail">
          <Row term={t('tech.eventId')}>
            <span class="id">{event.eventId}</span>
          </Row>
          <Row term={t('eventDetail.patientId')}>
            <span class="id">{event.patientId}</span>
          </Row>
          <Row term={t('tech.transaction')}>
            <span class="id">{event.txId}</span>
          </Row>
          {event.consentIds.length === 0 ? null : (
            <Row term={t('eventDetail.consentIds')}>
              <span class="id">{event.consentIds.join(', ')}</span>
            </Row>
          )}
          {event.recordIds.length === 0 ? null : (
            <Row term={t('eventDetail.recordIds')}>
              <span class="id">{event.recordIds.join(', ')}</span>
            </Row>
          )}
          {event.emergency === undefined ? null : (
            <Row term={t('eventDetail.justificationHash')}>
              <span class="id">{event.emergency.justificationHash}</span>
            </Row>
          )}
          {review?.commentHash === undefined ? null : (
            <Row term={t('eventDetail.commitment')}>
              <span class="id">{review.commentHash}</span>
            </Row>
          )}
          {comment.result === undefined ? null : (
            <Row term={t('eventDetail.salt')}>
              <span class="id">{comment.result.salt}</span>
            </Row>
          )}
        </dl>
      </TechnicalDetails>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={proof.busy}
          onClick={() => {
            void proof.run(async () => {
              const name = `${event.eventId}.evidence.json`;
              const blob = await props.api.download(`/audit/access-events/${event.eventId}/proof`);
              saveBlob(blob, name);
              return t('eventDetail.bundleSaved', { name });
            });
          }}
        >
          {t('eventDetail.downloadBundle')}
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          {t('eventDetail.close')}
        </button>
      </div>
      <Status
        busy={proof.busy}
        busyText={t('eventDetail.buildingBundle')}
        error={proof.error}
        detail={proof.detail}
      >
        {proof.result === undefined ? null : <p class="success">{proof.result}</p>}
      </Status>
    </section>
  );
}
