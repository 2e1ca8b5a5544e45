import {
  collectionFor,
  collectionsOf,
  PURPOSES,
  type Accessor,
  type Consent,
  type Decision,
  type Referral,
} from '@consent-ledger/ledger-api';
import {
  evaluateConsents,
  evaluateEmergency,
  type AccessQuestion,
} from '../consent/consent-evaluation';
import { canReadConsent, consentsFor } from '../consent/consent-store';
import { channelMspIds } from '../ledger/channel';
import type { LedgerContext, Member } from '../ledger/ledger-context';
import { referralsTo } from '../referral/referral-store';

/**
 * Every decision of the ledger about a patient's data, read from the ledger here and evaluated by
 * the one pure rule set (consent-evaluation.ts): access and its check, break-glass, each patient
 * of a cohort, and the wearable records an enterprise anchors. A decision reads one collection,
 * that of the patient's home and the accessor's organization, and in it only the consents granted
 * to the accessor's organization and the denies to everyone (consent-store.ts, consentsFor): what
 * the patient granted to other organizations is never read. Point reads only (the set documents
 * of keys.ts `con~set` and `ref~set`, then what they name): the decisions of submit transactions
 * are made in transactions that write.
 */

/** A question about one patient, whose home is known. */
export interface PatientQuestion extends AccessQuestion {
  readonly patientId: string;
  /** The patient's home organization. */
  readonly home: string;
}

/**
 * Who asks, as evaluation and access events see the caller: organization, role, practitioner,
 * member institution.
 */
export function accessorOf(caller: Member): Omit<Accessor, 'idHash'> {
  return {
    org: caller.mspId,
    role: caller.role,
    ...(caller.practitionerId === undefined ? {} : { practitionerId: caller.practitionerId }),
    ...(caller.institution === undefined ? {} : { institution: caller.institution }),
  };
}

/** The collection a decision about a patient (homed at `home`) for an accessor reads. */
export function decisionCollection(question: Pick<PatientQuestion, 'home' | 'accessor'>): string {
  return collectionFor(question.home, question.accessor.org);
}

/** The consents a decision reads. */
function candidateConsents(
  ctx: LedgerContext,
  question: Readonly<Omit<PatientQuestion, 'purpose'>>,
) {
  return consentsFor(ctx, {
    collection: decisionCollection(question),
    patientId: question.patientId,
    org: question.accessor.org,
  });
}

/**
 * The patient's referrals to the accessor's organization: in the decision's collection; for the
 * home organization itself (referred back by another hospital) in each pair of the home.
 */
async function referralsFor(
  ctx: LedgerContext,
  question: Readonly<PatientQuestion>,
): Promise<Referral[]> {
  const route = { patientId: question.patientId, toOrg: question.accessor.org };
  if (question.accessor.org !== question.home) {
    return referralsTo(ctx, { ...route, collection: decisionCollection(question) });
  }
  const referrals: Referral[] = [];
  for (const collection of collectionsOf(question.home, await channelMspIds(ctx))) {
    if (collection.startsWith('pair_')) {
      referrals.push(...(await referralsTo(ctx, { ...route, collection })));
    }
  }
  return referrals;
}

/** Loads what a decision needs from the ledger and evaluates the patient's consents. */
export async function decideAccess(
  ctx: LedgerContext,
  question: Readonly<PatientQuestion>,
): Promise<Decision> {
  return (await decideWithConsents(ctx, question)).decision;
}

/**
 * A decision as CheckAccess answers it: decided as {@link decideAccess}, naming only the consents
 * the caller may read (consent-store.ts canReadConsent, the rule of every consent read): a deny to
 * everyone, which only the regulator and the home's admins read, decides without being named.
 */
export async function checkAccess(
  ctx: LedgerContext,
  question: Readonly<PatientQuestion>,
): Promise<Decision> {
  const { decision, consents } = await decideWithConsents(ctx, question);
  const readable = new Set(
    consents
      .filter((consent) => canReadConsent(ctx.member, consent))
      .map((consent) => consent.consentId),
  );
  return { ...decision, consentIds: decision.consentIds.filter((id) => readable.has(id)) };
}

async function decideWithConsents(
  ctx: LedgerContext,
  question: Readonly<PatientQuestion>,
): Promise<{ decision: Decision; consents: readonly Consent[] }> {
  const consents = await candidateConsents(ctx, question);
  const referrals = question.purpose === 'referral' ? await referralsFor(ctx, question) : [];
  return { decision: evaluateConsents({ ...question, consents, referrals }), consents };
}

/** Loads the patient's consents that can match and decides a break-glass access. */
export async function decideEmergency(
  ctx: LedgerContext,
  question: Readonly<Omit<PatientQuestion, 'purpose'>>,
): Promise<Decision> {
  const consents = await candidateConsents(ctx, question);
  return evaluateEmergency({ ...question, consents });
}

/**
 * Whether the patient's consents permit the accessor the categories for at least one purpose (what
 * an enterprise needs to anchor a patient's wearable data): the consents are read once and
 * evaluated purpose by purpose, in vocabulary order. On consents alone: no referral is read, so
 * purpose `referral` never permits here.
 */
export async function permitsSomePurpose(
  ctx: LedgerContext,
  question: Readonly<Omit<PatientQuestion, 'purpose'>>,
): Promise<boolean> {
  const consents = await candidateConsents(ctx, question);
  return PURPOSES.some(
    (purpose) => evaluateConsents({ ...question, purpose, consents }).decision === 'permit',
  );
}
