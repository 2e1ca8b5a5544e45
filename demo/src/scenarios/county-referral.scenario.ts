import type { ReferralWrite } from '@consent-ledger/ledger-api';
import {
  MSP,
  consentFor,
  daysFromNow,
  patientIdOf,
  startRun,
  type ScenarioOptions,
  type ScenarioResult,
} from '../scenario-kit.ts';

/** IDs of the county referral scenario. */
export interface CountyReferralIds {
  readonly patientId: string;
  readonly consentId: string;
  readonly referralId: string;
  readonly referred: readonly string[];
  readonly usernames: Readonly<Record<'patient' | 'tertiaryClinician' | 'countyClinician', string>>;
}

const REFERRED = ['medication', 'outpatient'] as const;

/**
 * A county hospital that has just joined the consortium (`npm run consortium -- join county`)
 * takes part at once: a patient of the tertiary hospital, going home to the county, consents to
 * referral reads by county clinicians; the tertiary clinician refers the follow-up to the county
 * hospital; the county clinician reads what was referred and nothing else, through the county's
 * own gateway and peer; the referral closes. Needs the county's gateway (`gateways.county`).
 */
export async function countyReferralScenario(
  options: Readonly<ScenarioOptions>,
): Promise<ScenarioResult<CountyReferralIds>> {
  const run = startRun({
    ...options,
    name: 'county',
    title: 'A county hospital joins and receives a referral',
    summary:
      'The consortium grows: the county hospital, voted in by a majority of the members, receives a follow-up referral from the tertiary hospital the day it joins.',
  });
  run.step(
    "The county hospital is a member: its own CA, peer and gateway; the chaincode's collections and endorsement policy include it.",
  );
  const patient = await run.patient('tertiary', 'cty-pt');
  const tertiaryDoc = await run.user('tertiary', 'clinician', 'cty-tdoc');
  const countyDoc = await run.user('county', 'clinician', 'cty-cdoc');
  const patientId = patientIdOf(patient);
  const question = (categories: readonly string[]) => ({
    patientId,
    purpose: 'referral',
    categories,
  });

  run.step(
    'The patient, going home to the county, signs a consent on their device: referral-purpose reads by county clinicians of medication, outpatient and laboratory data.',
  );
  const consent = await run.grant(
    patient,
    consentFor('county', 'clinician', {
      purposes: ['referral'],
      categories: ['medication', 'outpatient', 'laboratory'],
    }),
  );
  await run.access('Before any referral, the county clinician asks for the medication list.', {
    user: countyDoc,
    question: question(['medication']),
    expected: 'deny',
    expectedReason: 'NO_ACTIVE_REFERRAL',
  });

  run.step(
    `The tertiary clinician refers the follow-up to the county hospital for ${REFERRED.join(', ')}, valid 30 days.`,
  );
  const referral = await tertiaryDoc.gateway.call<ReferralWrite>('POST', '/referrals', {
    token: tertiaryDoc.token,
    body: {
      patientId,
      toOrg: MSP.county,
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
    'The county clinician reads the referred medication list and outpatient notes.',
    {
      user: countyDoc,
      question: question(REFERRED),
      expected: 'permit',
      expectedReason: 'PERMITTED_BY_CONSENT',
    },
  );
  await run.blockEvidence(countyDoc, permitted.eventId);
  await run.access(
    'The county clinician asks for the laboratory results: consented, but not referred.',
    {
      user: countyDoc,
      question: question(['laboratory']),
      expected: 'deny',
      expectedReason: 'NO_ACTIVE_REFERRAL',
    },
  );

  run.step('Follow-up done: the county clinician closes the referral.');
  const closed = await countyDoc.gateway.call<ReferralWrite>(
    'POST',
    `/referrals/${referral.referralId}/close`,
    { token: countyDoc.token },
  );
  run.evidence({
    referralId: closed.referralId,
    status: closed.referral.status,
    txId: closed.txId,
  });
  await run.access('The county clinician asks for the medication again: access has ended.', {
    user: countyDoc,
    question: question(['medication']),
    expected: 'deny',
    expectedReason: 'NO_ACTIVE_REFERRAL',
  });

  return run.result({
    patientId,
    consentId: consent.consentId,
    referralId: referral.referralId,
    referred: [...REFERRED],
    usernames: {
      patient: patient.username,
      tertiaryClinician: tertiaryDoc.username,
      countyClinician: countyDoc.username,
    },
  });
}
