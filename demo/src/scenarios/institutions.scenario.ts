import type { AccessEvent } from '@consent-ledger/ledger-api';
import {
  consentFor,
  patientIdOf,
  startRun,
  type ScenarioOptions,
  type ScenarioResult,
} from '../scenario-kit.ts';

/** The two insurers of EnterpriseMSP (network/topology.yaml): registry codes, not names. */
export const INSURERS = { named: 'inst-insurer01', sister: 'inst-insurer02' } as const;

/** IDs of the member-institutions scenario. */
export interface InstitutionsIds {
  readonly patientId: string;
  readonly consentId: string;
  /** The insurer the consent names, and its sister insurer of the same organization. */
  readonly insurers: typeof INSURERS;
  /** The access events of the named insurer's permitted and the sister insurer's denied request. */
  readonly permittedEventId: string;
  readonly deniedEventId: string;
  readonly usernames: Readonly<Record<'patient' | 'named' | 'sister', string>>;
}

/**
 * Member institutions (issue 18): insurers share EnterpriseMSP, so a consent naming only the
 * organization lets every insurer read; the patient names one insurer, whose analyst is permitted,
 * while the analyst of the sister insurer is refused, and the refusal is on the ledger with the
 * insurer that asked.
 */
export async function institutionsScenario(
  options: Readonly<ScenarioOptions>,
): Promise<ScenarioResult<InstitutionsIds>> {
  const run = startRun({
    ...options,
    name: 'institutions',
    title: 'One insurer of two: the consent names the institution',
    summary:
      'Two insurers share the enterprise organization; the patient consents to one, and its sister insurer is refused.',
  });
  run.step(
    `The tertiary hospital registers a patient, who activates a key on their own device; two insurers of the enterprise organization (${INSURERS.named} and ${INSURERS.sister}) each have an analyst whose certificate names the insurer.`,
  );
  const patient = await run.patient('tertiary', 'inst-pt');
  const [named, sister] = await Promise.all([
    run.member({
      org: 'enterprise',
      role: 'analyst',
      label: 'inst-a',
      institution: INSURERS.named,
    }),
    run.member({
      org: 'enterprise',
      role: 'analyst',
      label: 'inst-b',
      institution: INSURERS.sister,
    }),
  ]);
  const patientId = patientIdOf(patient);

  run.step(
    `The patient signs a consent for a claim: the analysts of ${INSURERS.named} only may read outpatient data, for insurance.`,
  );
  const terms = consentFor('enterprise', 'analyst', {
    purposes: ['insurance'],
    categories: ['outpatient'],
  });
  const consent = await run.grant(patient, {
    ...terms,
    grantee: { ...terms.grantee, institution: INSURERS.named },
  });
  const question = { patientId, purpose: 'insurance', categories: ['outpatient'] };
  const permitted = await run.access(`${INSURERS.named}'s analyst reads the outpatient data.`, {
    user: named,
    question,
    expected: 'permit',
    expectedReason: 'PERMITTED_BY_CONSENT',
  });
  const denied = await run.access(
    `${INSURERS.sister}'s analyst, of the same organization, asks for the same data.`,
    { user: sister, question, expected: 'deny', expectedReason: 'NO_MATCHING_CONSENT' },
  );

  run.step('The patient reads the refusal in their access history.');
  // Committed at the insurer's peer; the client sends that block (Ledger-Min-Block), so the home
  // answers once its own peer has it.
  const path = `/audit/access-events/${denied.eventId}`;
  const event = await patient.gateway.call<AccessEvent>('GET', path, { token: patient.token });
  run.evidence({
    eventId: event.eventId,
    decision: event.decision,
    detail: `accessor ${event.accessor.org} / ${event.accessor.institution ?? '(no institution)'}`,
  });
  run.check(
    event.decision === 'deny' && event.accessor.institution === INSURERS.sister,
    'the refusal is recorded with the insurer that asked',
  );

  return run.result({
    patientId,
    consentId: consent.consentId,
    insurers: INSURERS,
    permittedEventId: permitted.eventId,
    deniedEventId: denied.eventId,
    usernames: { patient: patient.username, named: named.username, sister: sister.username },
  });
}
