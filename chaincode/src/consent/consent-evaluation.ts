import {
  labelsOfRequest,
  type Category,
  type Consent,
  type ConsentGrantee,
  type ConsentStatus,
  type Decision,
  type Purpose,
  type Referral,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';

/**
 * Consent evaluation: deny-overrides, one pure function for every decision of the ledger (access,
 * break-glass, cohorts, wearable anchoring). Written by hand: it is the project's own rule set
 * (docs/ledger-api.md, "Consent evaluation"), not a generic policy engine's.
 *
 * Validity is half-open, `[validFrom, validUntil)`. Data periods are closed, `[dataFrom, dataUntil]`
 * (a single instant is a period: a request for it cannot slip between a deny's bounds); a missing
 * bound is unbounded. ISO instants in the canonical form compare correctly as strings.
 */

/** Who asks: organization, role, for clinicians practitioner ID, and member institution. */
export interface AccessorIdentity {
  readonly org: string;
  readonly role: string;
  readonly practitionerId?: string;
  /** The accessor's member institution (absent: the organization's own staff). */
  readonly institution?: string;
}

/** The question: who, why, what, which data period, when. */
export interface AccessQuestion {
  readonly accessor: AccessorIdentity;
  readonly purpose: Purpose;
  /** Non-empty. */
  readonly categories: readonly Category[];
  /** The sensitivity labels the request declares, beyond its categories' own (ledger-api CATEGORY_LABELS). */
  readonly labels?: readonly SensitivityLabel[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  /** The transaction time. */
  readonly now: string;
}

/** Everything evaluation looks at. */
export interface EvaluationInput extends AccessQuestion {
  /** Every consent of the patient, in any order and any state. */
  readonly consents: readonly Consent[];
  /** The patient's referrals (needed for purpose `referral` only). */
  readonly referrals?: readonly Referral[];
}

interface Period {
  readonly dataFrom?: string | undefined;
  readonly dataUntil?: string | undefined;
}

/** Whether a consent counts at `now`: status active and validFrom <= now < validUntil. */
export function isConsentActive(consent: Consent, now: string): boolean {
  return (
    consent.status === 'active' &&
    consent.validFrom <= now &&
    (consent.validUntil === undefined || now < consent.validUntil)
  );
}

/** The status a read reports: `expired` once validUntil has passed. */
export function consentStatusAt(consent: Consent, now: string): ConsentStatus {
  if (
    consent.status === 'active' &&
    consent.validUntil !== undefined &&
    consent.validUntil <= now
  ) {
    return 'expired';
  }
  return consent.status;
}

/** Whether a referral is open at `now`. */
export function isReferralOpen(referral: Referral, now: string): boolean {
  return referral.status === 'open' && now < referral.validUntil;
}

/**
 * Each field a grantee names must equal the accessor's; an absent grantee matches everyone. A
 * grantee naming an institution thus matches only accessors of that institution, never a sister
 * institution of the same organization nor staff without one.
 */
export function granteeMatches(
  grantee: ConsentGrantee | undefined,
  accessor: AccessorIdentity,
): boolean {
  if (grantee === undefined) return true;
  return (
    (grantee.org === undefined || grantee.org === accessor.org) &&
    (grantee.role === undefined || grantee.role === accessor.role) &&
    (grantee.practitionerId === undefined || grantee.practitionerId === accessor.practitionerId) &&
    (grantee.institution === undefined || grantee.institution === accessor.institution)
  );
}

/** An absent list means "all". */
function listCovers<T>(list: readonly T[] | undefined, value: T): boolean {
  return list === undefined || list.includes(value);
}

function listIntersects<T>(list: readonly T[] | undefined, values: readonly T[]): boolean {
  return list === undefined || values.some((value) => list.includes(value));
}

/** Whether two closed data periods share an instant (an absent period, or bound, is unbounded). */
export function periodsOverlap(a: Period, b: Period): boolean {
  const from = maxBound(a.dataFrom, b.dataFrom);
  const until = minBound(a.dataUntil, b.dataUntil);
  return from === undefined || until === undefined || from <= until;
}

/** Whether `outer` contains `inner`: a bounded side of `outer` needs a bound at least as tight. */
export function periodContains(outer: Period, inner: Period): boolean {
  const fromOk =
    outer.dataFrom === undefined ||
    (inner.dataFrom !== undefined && outer.dataFrom <= inner.dataFrom);
  const untilOk =
    outer.dataUntil === undefined ||
    (inner.dataUntil !== undefined && inner.dataUntil <= outer.dataUntil);
  return fromOk && untilOk;
}

function maxBound(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

function minBound(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

function sortedIds(consents: readonly Consent[]): string[] {
  return [...new Set(consents.map((consent) => consent.consentId))].sort();
}

function decision(
  question: AccessQuestion,
  outcome: Pick<Decision, 'decision' | 'reason' | 'consentIds'>,
): Decision {
  return {
    decision: outcome.decision,
    reason: outcome.reason,
    consentIds: outcome.consentIds,
    ...(question.dataFrom === undefined ? {} : { dataFrom: question.dataFrom }),
    ...(question.dataUntil === undefined ? {} : { dataUntil: question.dataUntil }),
  };
}

/**
 * Whether a deny (a consent or an exception) reaches the request's sensitive data: one that names
 * no labels reaches any data; one that names labels only data carrying one of them.
 */
function sensitiveMatches(
  denied: readonly SensitivityLabel[] | undefined,
  labels: readonly SensitivityLabel[],
): boolean {
  return denied === undefined || denied.some((label) => labels.includes(label));
}

/**
 * The permits among `active` consents that match a question: its grantee, its purpose and at least
 * one of its categories (step 2 of {@link evaluateConsents}).
 */
function matchingPermits(question: AccessQuestion, active: readonly Consent[]): Consent[] {
  return active.filter(
    (consent) =>
      consent.provision === 'permit' &&
      granteeMatches(consent.grantee, question.accessor) &&
      consent.purposes?.includes(question.purpose) === true &&
      consent.categories !== undefined &&
      listIntersects(consent.categories, question.categories),
  );
}

/**
 * For each of the request's labels, the permits that open it: they name it explicitly, list one of
 * the requested categories and contain the requested data period. An empty list: not opened.
 */
function labelCoverage(
  permits: readonly Consent[],
  options: Readonly<{ labels: readonly SensitivityLabel[]; question: AccessQuestion }>,
): Consent[][] {
  const { labels, question } = options;
  return labels.map((label) =>
    permits.filter(
      (permit) =>
        permit.sensitive?.includes(label) === true &&
        listIntersects(permit.categories, question.categories) &&
        periodContains(permit, question),
    ),
  );
}

/**
 * Decides an access:
 * 1. only consents active at `now` count;
 * 2. a consent or exception matches on grantee, purpose (absent = all, denies) and intersecting
 *    categories (absent = all, denies); a deny also needs its data period to overlap the request's;
 * 3. a matching deny -> deny DENIED_BY_CONSENT; a matching exception of a matching permit -> deny
 *    DENIED_BY_EXCEPTION (deny overrides every permit);
 * 4. every requested category must be covered by a matching permit listing it whose data period
 *    contains the requested one -> permit PERMITTED_BY_CONSENT with the covering consents; else
 *    DATA_PERIOD_NOT_CONSENTED (only periods failed), CATEGORY_NOT_CONSENTED, or
 *    NO_MATCHING_CONSENT (no matching permit at all);
 * 5. sensitive data (the request's labels: its categories' own and those it declares) is opened
 *    only by name: every label needs a matching permit that names it in `sensitive`, lists a
 *    requested category and contains the data period, else SENSITIVE_NOT_CONSENTED; a deny or an
 *    exception that names labels matches only a request carrying one of them;
 * 6. purpose `referral` also needs an open referral to the accessor's organization covering every
 *    requested category, else NO_ACTIVE_REFERRAL.
 * The result does not depend on the order of the consents.
 */
export function evaluateConsents(input: Readonly<EvaluationInput>): Decision {
  const { accessor, purpose, categories, now } = input;
  const labels = labelsOfRequest(categories, input.labels);
  const active = input.consents.filter((consent) => isConsentActive(consent, now));

  const denies = active.filter(
    (consent) =>
      consent.provision === 'deny' &&
      granteeMatches(consent.grantee, accessor) &&
      listCovers(consent.purposes, purpose) &&
      listIntersects(consent.categories, categories) &&
      sensitiveMatches(consent.sensitive, labels) &&
      periodsOverlap(consent, input),
  );
  if (denies.length > 0)
    return decision(input, {
      decision: 'deny',
      reason: 'DENIED_BY_CONSENT',
      consentIds: sortedIds(denies),
    });

  const permits = matchingPermits(input, active);
  const excepted = permits.filter((permit) =>
    permit.exceptions.some(
      (exception) =>
        granteeMatches(exception.grantee, accessor) &&
        listCovers(exception.purposes, purpose) &&
        listIntersects(exception.categories, categories) &&
        sensitiveMatches(exception.sensitive, labels) &&
        periodsOverlap(exception, input),
    ),
  );
  if (excepted.length > 0) {
    return decision(input, {
      decision: 'deny',
      reason: 'DENIED_BY_EXCEPTION',
      consentIds: sortedIds(excepted),
    });
  }
  if (permits.length === 0)
    return decision(input, { decision: 'deny', reason: 'NO_MATCHING_CONSENT', consentIds: [] });

  const listing = (category: Category): Consent[] =>
    permits.filter((permit) => permit.categories?.includes(category) === true);
  const covering = categories.map((category) =>
    listing(category).filter((permit) => periodContains(permit, input)),
  );
  if (covering.some((list) => list.length === 0)) {
    const periodOnly = categories.every((category) => listing(category).length > 0);
    return decision(input, {
      decision: 'deny',
      reason: periodOnly ? 'DATA_PERIOD_NOT_CONSENTED' : 'CATEGORY_NOT_CONSENTED',
      consentIds: sortedIds(permits),
    });
  }
  const opening = labelCoverage(permits, { labels, question: input });
  if (opening.some((list) => list.length === 0)) {
    return decision(input, {
      decision: 'deny',
      reason: 'SENSITIVE_NOT_CONSENTED',
      consentIds: sortedIds(permits),
    });
  }
  const consentIds = sortedIds([...covering.flat(), ...opening.flat()]);
  if (purpose === 'referral') {
    const referred = (input.referrals ?? []).some(
      (referral) =>
        isReferralOpen(referral, now) &&
        referral.toOrg === accessor.org &&
        categories.every((category) => referral.categories.includes(category)),
    );
    if (!referred)
      return decision(input, { decision: 'deny', reason: 'NO_ACTIVE_REFERRAL', consentIds });
  }
  return decision(input, { decision: 'permit', reason: 'PERMITTED_BY_CONSENT', consentIds });
}

/**
 * Decides a break-glass access: permitted without consent, unless a matching deny (consent or
 * exception) covers purpose `emergency` -> deny EMERGENCY_DENIED_BY_PATIENT, or the request
 * carries sensitive labels that no matching permit for purpose `emergency` names (the patient's
 * leave given in advance; as in {@link evaluateConsents} step 5) -> deny
 * EMERGENCY_SENSITIVE_NOT_ALLOWED.
 */
export function evaluateEmergency(input: Readonly<Omit<EvaluationInput, 'purpose'>>): Decision {
  const question = { ...input, purpose: 'emergency' as const };
  const outcome = evaluateConsents(question);
  if (outcome.reason === 'DENIED_BY_CONSENT' || outcome.reason === 'DENIED_BY_EXCEPTION') {
    return decision(question, {
      decision: 'deny',
      reason: 'EMERGENCY_DENIED_BY_PATIENT',
      consentIds: outcome.consentIds,
    });
  }
  const labels = labelsOfRequest(question.categories, question.labels);
  if (labels.length > 0 && outcome.decision !== 'permit') {
    const active = question.consents.filter((consent) => isConsentActive(consent, question.now));
    const opening = labelCoverage(matchingPermits(question, active), { labels, question });
    if (opening.some((list) => list.length === 0)) {
      return decision(question, {
        decision: 'deny',
        reason: 'EMERGENCY_SENSITIVE_NOT_ALLOWED',
        consentIds: [],
      });
    }
    return decision(question, {
      decision: 'permit',
      reason: 'EMERGENCY_ACCESS',
      consentIds: sortedIds(opening.flat()),
    });
  }
  return decision(question, {
    decision: 'permit',
    reason: 'EMERGENCY_ACCESS',
    consentIds: outcome.decision === 'permit' ? outcome.consentIds : [],
  });
}
