import { PATIENT_ID_PATTERN, type CohortPage } from '@consent-ledger/ledger-api';
import {
  MSP,
  consentFor,
  type ConsentTerms,
  patientIdOf,
  startRun,
  type ScenarioOptions,
  type ScenarioResult,
} from '../scenario-kit.ts';

/** IDs of the research scenario. */
export interface ResearchIds {
  readonly studyId: string;
  readonly categories: readonly string[];
  /** The patients asked about: two consenting, one who consented only to laboratory, one never. */
  readonly consenting: readonly string[];
  readonly partial: string;
  readonly unconsenting: string;
  readonly consentIds: readonly string[];
  /** The patient who revoked between the two requests. */
  readonly revokedPatientId: string;
  readonly first: CohortPage;
  readonly second: CohortPage;
  readonly usernames: Readonly<
    Record<'researcher', string> & Record<'patients', readonly string[]>
  >;
}

/**
 * Research (paper 004, §3.2 and §4.1.2 (2)): a research institute asks for a study's cohort; only
 * patients with an active research consent are included, as pseudonyms; each inclusion is an
 * access event; a patient who revokes drops out of later requests.
 */
export async function researchScenario(
  options: Readonly<ScenarioOptions>,
): Promise<ScenarioResult<ResearchIds>> {
  const run = startRun({
    ...options,
    name: 'research',
    title: 'A research cohort from consenting patients',
    summary:
      'A research institute gets pseudonyms of consenting patients only; every inclusion is on the ledger, and a revocation takes effect at the next request.',
  });
  run.step(
    'The two hospitals register four patients, each with a key on their own device; the research institute registers a researcher.',
  );
  const patients = [
    await run.patient('community', 'rs-pt1'),
    await run.patient('tertiary', 'rs-pt2'),
    await run.patient('community', 'rs-pt3'),
    await run.patient('tertiary', 'rs-pt4'),
  ];
  const researcher = await run.user('research', 'researcher', 'rs-res');
  const [alice, bob, carol, dave] = patients;
  if (alice === undefined || bob === undefined || carol === undefined || dave === undefined)
    throw new Error('four patients expected');
  const categories = ['laboratory', 'outpatient'] as const;
  const research = (extra: Readonly<Partial<ConsentTerms>> = {}) =>
    consentFor('research', 'researcher', { purposes: ['research'], categories, ...extra });
  run.step('Two patients sign consents to research use of their laboratory and outpatient data.');
  const consentA = await run.grant(alice, research());
  const consentB = await run.grant(bob, research());
  run.step('A third consents to research on laboratory data only; the fourth never consents.');
  await run.grant(carol, research({ categories: ['laboratory'] }));

  const studyId = `study-${consentA.consentId.slice(4, 16)}`;
  const asked = patients.map(patientIdOf);
  const cohort = async (text: string): Promise<CohortPage> => {
    run.step(text);
    const page = await researcher.gateway.call<CohortPage>('POST', '/cohorts', {
      token: researcher.token,
      body: { studyId, categories, patientIds: asked },
    });
    run.evidence({
      txId: page.txId,
      detail: `included ${page.included.join(', ') || 'nobody'}; events ${page.events.join(', ') || 'none'}`,
    });
    for (const eventId of page.events) {
      const event = await researcher.gateway.call<{
        patientId: string;
        purpose: string;
        categories: string[];
        decision: 'permit' | 'deny';
        reason: string;
      }>('GET', `/audit/access-events/${eventId}`, { token: researcher.token });
      run.evidence({
        eventId,
        decision: event.decision,
        reason: event.reason,
        detail: event.patientId,
      });
      run.decision({
        label: `inclusion of ${event.patientId} in ${studyId}`,
        accessorOrg: MSP.research,
        purpose: event.purpose,
        categories: event.categories,
        decision: event.decision,
        reason: event.reason,
        expected: 'permit',
        eventId,
        txId: page.txId,
      });
    }
    run.check(
      page.included.every((id) => PATIENT_ID_PATTERN.test(id)) &&
        !patients.some((patient) => JSON.stringify(page).includes(patient.username)),
      'the answer holds pseudonyms only, no usernames or identities',
    );
    run.check(page.events.length === page.included.length, 'one access event per inclusion');
    return page;
  };
  const first = await cohort(
    `The researcher asks for study ${studyId}'s cohort (laboratory and outpatient) among the four.`,
  );
  const expectedFirst = [patientIdOf(alice), patientIdOf(bob)].sort();
  run.check(
    JSON.stringify([...first.included].sort()) === JSON.stringify(expectedFirst),
    'exactly the two fully consenting patients are included',
  );
  if (first.events[0] !== undefined) await run.blockEvidence(researcher, first.events[0]);

  run.step('The first patient revokes the research consent (a signed statement).');
  await run.revoke(alice, consentA.consentId);
  const second = await cohort('The researcher asks for the same cohort again.');
  run.check(
    JSON.stringify(second.included) === JSON.stringify([patientIdOf(bob)]),
    'the patient who revoked has dropped out; the other stays',
  );

  return run.result({
    studyId,
    categories,
    consenting: expectedFirst,
    partial: patientIdOf(carol),
    unconsenting: patientIdOf(dave),
    consentIds: [consentA.consentId, consentB.consentId],
    revokedPatientId: patientIdOf(alice),
    first,
    second,
    usernames: {
      researcher: researcher.username,
      patients: patients.map((patient) => patient.username),
    },
  });
}
