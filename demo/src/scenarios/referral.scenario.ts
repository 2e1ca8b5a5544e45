import type { ReferralWrite } from '@consent-ledger/ledger-api';
import {
  MSP,
  consentFor,
  daysFromNow,
  patientIdOf,
  startRun,
  type ScenarioOptions,
  type ScenarioResult,
  type ScenarioUser,
} from '../scenario-kit.ts';

/** IDs of the two-way referral scenario. */
export interface ReferralIds {
  readonly patientId: string;
  /** The referral consents: to the tertiary hospital, then back to the community hospital. */
  readonly consentToTertiary: string;
  readonly consentToCommunity: string;
  readonly referralId: string;
  readonly referralBackId: string;
  /** The categories referred up, and the discharge categories referred back. */
  readonly referred: readonly string[];
  readonly discharge: readonly string[];
  readonly usernames: Readonly<
    Record<'patient' | 'communityClinician' | 'tertiaryClinician', string>
  >;
}

const REFERRED = ['imaging', 'laboratory', 'outpatient'] as const;
const DISCHARGE = ['inpatient', 'medication'] as const;

/**
 * Two-way referral (paper 000, §3.2): the community hospital, the patient's home, refers the
 * patient to the tertiary hospital for some categories; with the patient's signed referral consent
 * the tertiary hospital reads those and nothing else; after treatment it refers the patient back
 * home with the discharge categories; each referral closes and the access it opened ends with it.
 * Both referrals involve the patient's home (a referral between two other hospitals is refused):
 * each is kept with the two hospitals and the regulator.
 */
export async function referralScenario(
  options: Readonly<ScenarioOptions>,
): Promise<ScenarioResult<ReferralIds>> {
  const run = startRun({
    ...options,
    name: 'referral',
    title: 'Two-way referral between hospitals',
    summary:
      'Small illness in the community, serious illness at the tertiary hospital, recovery back in the community: each hospital reads only what the referral and the consent allow.',
  });
  run.step(
    "The community hospital, the patient's home, registers the patient, who activates a key on their own device; each hospital has a clinician.",
  );
  const patient = await run.patient('community', 'ref-pt');
  const communityDoc = await run.user('community', 'clinician', 'ref-cdoc');
  const tertiaryDoc = await run.user('tertiary', 'clinician', 'ref-tdoc');
  const patientId = patientIdOf(patient);

  run.step(
    'The patient signs a consent on their device: referral-purpose reads by tertiary clinicians of outpatient, imaging, laboratory and medication data.',
  );
  const toTertiary = await run.grant(
    patient,
    consentFor('tertiary', 'clinician', {
      purposes: ['referral'],
      categories: ['outpatient', 'imaging', 'laboratory', 'medication'],
    }),
  );
  const closeReferral = async (user: ScenarioUser, referralId: string): Promise<void> => {
    const closed = await user.gateway.call<ReferralWrite>(
      'POST',
      `/referrals/${referralId}/close`,
      { token: user.token },
    );
    run.evidence({
      referralId: closed.referralId,
      status: closed.referral.status,
      txId: closed.txId,
    });
  };
  const question = (categories: readonly string[]) => ({
    patientId,
    purpose: 'referral',
    categories,
  });
  await run.access(
    'Before any referral, the tertiary clinician asks for the imaging: the consent alone is not enough.',
    {
      user: tertiaryDoc,
      question: question(['imaging']),
      expected: 'deny',
      expectedReason: 'NO_ACTIVE_REFERRAL',
    },
  );

  run.step(
    `The community clinician refers the patient from their home hospital to the tertiary hospital for ${REFERRED.join(', ')}, valid 30 days.`,
  );
  const referral = await communityDoc.gateway.call<ReferralWrite>('POST', '/referrals', {
    token: communityDoc.token,
    body: {
      patientId,
      toOrg: MSP.tertiary,
      categories: REFERRED,
      validUntil: daysFromNow(30),
    },
  });
  run.evidence({
    referralId: referral.referralId,
    status: referral.referral.status,
    txId: referral.txId,
  });

  const permitted = await run.access(
    'The tertiary clinician reads the referred imaging and laboratory results.',
    {
      user: tertiaryDoc,
      question: question(['imaging', 'laboratory']),
      expected: 'permit',
      expectedReason: 'PERMITTED_BY_CONSENT',
    },
  );
  await run.blockEvidence(tertiaryDoc, permitted.eventId);
  await run.access(
    'The tertiary clinician asks for the medication list: consented, but not referred.',
    {
      user: tertiaryDoc,
      question: question(['medication']),
      expected: 'deny',
      expectedReason: 'NO_ACTIVE_REFERRAL',
    },
  );
  await run.access(
    'The tertiary clinician asks for genomic data: neither consented nor referred.',
    {
      user: tertiaryDoc,
      question: question(['genomic']),
      expected: 'deny',
    },
  );

  run.step(
    'Before discharge, the patient signs a second consent: referral-purpose reads by community clinicians of inpatient, medication and laboratory data.',
  );
  const toCommunity = await run.grant(
    patient,
    consentFor('community', 'clinician', {
      purposes: ['referral'],
      categories: ['inpatient', 'medication', 'laboratory'],
    }),
  );

  run.step('Treatment is over: the tertiary clinician closes the referral.');
  await closeReferral(tertiaryDoc, referral.referralId);
  await run.access(
    'The tertiary clinician asks for the imaging again: the referral is closed, access has ended.',
    {
      user: tertiaryDoc,
      question: question(['imaging']),
      expected: 'deny',
      expectedReason: 'NO_ACTIVE_REFERRAL',
    },
  );

  run.step(
    `The tertiary clinician refers the patient back to their home, the community hospital, with the discharge categories ${DISCHARGE.join(', ')}.`,
  );
  const back = await tertiaryDoc.gateway.call<ReferralWrite>('POST', '/referrals', {
    token: tertiaryDoc.token,
    body: {
      patientId,
      toOrg: MSP.community,
      categories: DISCHARGE,
      validUntil: daysFromNow(30),
      returnOf: referral.referralId,
    },
  });
  run.evidence({ referralId: back.referralId, status: back.referral.status, txId: back.txId });
  run.check(
    back.referral.returnOf === referral.referralId,
    'the referral back names the referral it returns',
  );

  const discharge = await run.access(
    'The community clinician reads the discharge summary and the medication.',
    {
      user: communityDoc,
      question: question(DISCHARGE),
      expected: 'permit',
      expectedReason: 'PERMITTED_BY_CONSENT',
    },
  );
  await run.blockEvidence(communityDoc, discharge.eventId);
  await run.access(
    'The community clinician asks for the laboratory results: consented, but not in the referral back.',
    {
      user: communityDoc,
      question: question(['laboratory']),
      expected: 'deny',
      expectedReason: 'NO_ACTIVE_REFERRAL',
    },
  );

  run.step('Follow-up done: the community clinician closes the referral back.');
  await closeReferral(communityDoc, back.referralId);
  await run.access(
    'The community clinician asks for the medication again: access ended with the referral.',
    {
      user: communityDoc,
      question: question(['medication']),
      expected: 'deny',
      expectedReason: 'NO_ACTIVE_REFERRAL',
    },
  );

  run.step(
    'The patient reads their own timeline: every request above, permitted or denied, is there.',
  );
  const timeline = await patient.gateway.call<{ items: readonly { eventId: string }[] }>(
    'GET',
    `/audit/access-events?patientId=${patientId}&pageSize=100`,
    { token: patient.token },
  );
  const seen = new Set(timeline.items.map((item) => item.eventId));
  run.evidence({
    detail: `${String(timeline.items.length)} access events on the patient's timeline`,
  });
  run.check(
    run.result({}).eventIds.every((eventId) => seen.has(eventId)),
    "every access event of the scenario is on the patient's timeline",
  );

  return run.result({
    patientId,
    consentToTertiary: toTertiary.consentId,
    consentToCommunity: toCommunity.consentId,
    referralId: referral.referralId,
    referralBackId: back.referralId,
    referred: [...REFERRED],
    discharge: [...DISCHARGE],
    usernames: {
      patient: patient.username,
      communityClinician: communityDoc.username,
      tertiaryClinician: tertiaryDoc.username,
    },
  });
}
