import type { Consent } from '@consent-ledger/ledger-api';
import { adminCredentials } from '@consent-ledger/network';
import {
  consentFor,
  fromNow,
  patientIdOf,
  startRun,
  type ScenarioOptions,
  type ScenarioResult,
} from '../scenario-kit.ts';

/** IDs of the insurance scenario. */
export interface InsuranceIds {
  readonly patientId: string;
  readonly consentId: string;
  /** The consent's terms: categories, the claim's data period, the end of its validity. */
  readonly categories: readonly string[];
  readonly dataFrom: string;
  readonly dataUntil: string;
  readonly validUntil: string;
  /** The claim's request (within the consent). */
  readonly claim: Readonly<{ categories: readonly string[]; dataFrom: string; dataUntil: string }>;
  readonly usernames: Readonly<Record<'patient' | 'insurer', string>>;
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/**
 * Enterprise (insurer) access for a claim (paper 000, §4.2; paper 004, §3.2): permitted only for
 * the categories and data period the patient consented to, and denied once the consent's period
 * has ended.
 */
export async function insuranceScenario(
  options: Readonly<ScenarioOptions & { validForMillis?: number }>,
): Promise<ScenarioResult<InsuranceIds>> {
  const run = startRun({
    ...options,
    name: 'insurance',
    title: 'An insurer reads what a claim needs, while the consent lasts',
    summary:
      'The insurer sees the consented categories of the claim period, nothing else, and nothing at all after the consent ends.',
  });
  run.step(
    'The tertiary hospital registers a patient, who activates a key on their own device; the insurer (an enterprise) has an analyst.',
  );
  const patient = await run.patient('tertiary', 'ins-pt');
  const insurer = await run.user('enterprise', 'analyst', 'ins-an');
  const patientId = patientIdOf(patient);

  const year = new Date().getUTCFullYear();
  const dataFrom = `${String(year)}-01-01T00:00:00.000Z`;
  const dataUntil = `${String(year)}-06-30T23:59:59.999Z`;
  const categories = ['medication', 'outpatient'] as const;
  const validForMillis = options.validForMillis ?? 20_000;
  const validUntil = fromNow(validForMillis);
  run.step(
    `The patient signs a consent on their device: the insurer's analysts may read outpatient and medication data of the first half of ${String(year)}, for insurance, for ${String(validForMillis / 1000)} seconds.`,
  );
  const consent = await run.grant(
    patient,
    consentFor('enterprise', 'analyst', {
      purposes: ['insurance'],
      categories,
      dataFrom,
      dataUntil,
      validUntil,
    }),
  );
  const claim = {
    categories,
    dataFrom: `${String(year)}-03-01T00:00:00.000Z`,
    dataUntil: `${String(year)}-03-31T23:59:59.999Z`,
  };
  const ask = (extra: Readonly<Record<string, unknown>>) => ({
    patientId,
    purpose: 'insurance',
    ...claim,
    ...extra,
  });
  await run.access(
    'The insurer reads the March outpatient visit and prescriptions for the claim.',
    {
      user: insurer,
      question: ask({}),
      expected: 'permit',
      expectedReason: 'PERMITTED_BY_CONSENT',
    },
  );
  await run.access('The insurer asks for the imaging as well: not consented.', {
    user: insurer,
    question: ask({ categories: ['imaging'] }),
    expected: 'deny',
    expectedReason: 'NO_MATCHING_CONSENT',
  });
  await run.access(
    'The insurer asks for outpatient data reaching back into last year: outside the period.',
    {
      user: insurer,
      question: ask({ dataFrom: `${String(year - 1)}-12-01T00:00:00.000Z` }),
      expected: 'deny',
      expectedReason: 'DATA_PERIOD_NOT_CONSENTED',
    },
  );
  await run.access('The insurer asks for the same data for research: not the consented purpose.', {
    user: insurer,
    question: ask({ purpose: 'research' }),
    expected: 'deny',
    expectedReason: 'NO_MATCHING_CONSENT',
  });

  run.step(
    "The insurer's administrator tries to open a patient account at the insurer's own gateway, to consent in the patient's name.",
  );
  const insurerAdmin = (options.admin ?? adminCredentials)('enterprise');
  const admin = await insurer.gateway.login(insurerAdmin.username, insurerAdmin.password);
  const impostor = await insurer.gateway.request<{ code?: string; message?: string }>(
    'POST',
    '/identities',
    {
      token: admin,
      body: {
        username: `ins-fake-${patientId.slice(4, 12)}`,
        password: 'impostor-password-1',
        role: 'patient',
      },
    },
  );
  run.evidence({
    status: `${String(impostor.status)} ${impostor.body.code ?? ''}`.trim(),
    detail: impostor.body.message ?? '',
  });
  run.check(
    impostor.status === 403,
    'refused: only the home hospital registers a patient, and only the patient’s own key speaks for them',
  );

  run.step("The consent's period runs out.");
  await sleep(Math.max(0, Date.parse(validUntil) - Date.now() + 1_000));
  const expired = await patient.gateway.call<Consent>('GET', `/consents/${consent.consentId}`, {
    token: patient.token,
  });
  run.evidence({ consentId: consent.consentId, status: expired.status });
  run.check(expired.status === 'expired', 'the consent reads as expired');
  await run.access('The insurer asks for the claim data again.', {
    user: insurer,
    question: ask({}),
    expected: 'deny',
    expectedReason: 'NO_MATCHING_CONSENT',
  });

  return run.result({
    patientId,
    consentId: consent.consentId,
    categories,
    dataFrom,
    dataUntil,
    validUntil,
    claim,
    usernames: { patient: patient.username, insurer: insurer.username },
  });
}
