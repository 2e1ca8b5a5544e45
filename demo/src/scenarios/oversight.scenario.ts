import type {
  AccessEvent,
  AccessOutcome,
  Page,
  Region,
  Statistics,
} from '@consent-ledger/ledger-api';
import {
  consentFor,
  patientIdOf,
  startRun,
  type ScenarioOptions,
  type ScenarioResult,
  type ScenarioUser,
} from '../scenario-kit.ts';

/** IDs of the oversight scenario. */
export interface OversightIds {
  readonly patientId: string;
  readonly breakGlassEventId: string;
  readonly treatmentEventId: string;
  /** The two hospitals' regions, as their access events carry them. */
  readonly communityRegion: Region;
  readonly tertiaryRegion: Region;
  /** The audit window that holds the scenario's events. */
  readonly window: Readonly<{ from: string; to: string }>;
  /** Statistics of the window at each level, within the community hospital's region. */
  readonly statistics: Readonly<Record<'county' | 'city' | 'province', Statistics>>;
  readonly usernames: Readonly<
    Record<'patient' | 'regulator' | 'communityClinician' | 'tertiaryClinician', string>
  >;
}

/** Every page of a regulator's query (bounded), following bookmarks. */
export async function allPages<T>(user: ScenarioUser, path: string, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let bookmark = '';
  for (let page = 0; page < maxPages; page += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const next = await user.gateway.call<Page<T>>(
      'GET',
      `${path}${separator}pageSize=100${bookmark === '' ? '' : `&bookmark=${encodeURIComponent(bookmark)}`}`,
      { token: user.token },
    );
    items.push(...next.items);
    bookmark = next.bookmark;
    if (bookmark === '') break;
  }
  return items;
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/**
 * Government oversight in a regional hierarchy (paper 004, §4.1.1 (1) and §4.1.2 (1)): the
 * regulator's statistics and audit search roll up from county to city to province; a break-glass
 * access at a community hospital shows in the regulator's review queue and the patient's
 * timeline.
 */
export async function oversightScenario(
  options: Readonly<ScenarioOptions>,
): Promise<ScenarioResult<OversightIds>> {
  const run = startRun({
    ...options,
    name: 'oversight',
    title: 'Government oversight from county to province',
    summary:
      "Counties are the smallest unit, rolled up to the city and the province; an emergency access at a county's community hospital reaches the regulator's review queue and the patient's timeline.",
  });
  const from = new Date(Date.now() - 1_000).toISOString();
  run.step(
    'The regulator and a clinician at each hospital are registered; the community hospital registers a patient, who activates a key on their own device.',
  );
  const regulator = await run.user('gov', 'regulator', 'ov-reg');
  const patient = await run.patient('community', 'ov-pt');
  const communityDoc = await run.user('community', 'clinician', 'ov-cdoc');
  const tertiaryDoc = await run.user('tertiary', 'clinician', 'ov-tdoc');
  const patientId = patientIdOf(patient);

  run.step(
    'The patient signs a consent: tertiary clinicians may read their outpatient records for treatment.',
  );
  await run.grant(
    patient,
    consentFor('tertiary', 'clinician', { purposes: ['treatment'], categories: ['outpatient'] }),
  );
  const treatment = await run.access(
    'A tertiary clinician reads the outpatient records (another county).',
    {
      user: tertiaryDoc,
      question: { patientId, purpose: 'treatment', categories: ['outpatient'] },
      expected: 'permit',
    },
  );

  run.step(
    'The patient arrives unconscious at the community hospital: a clinician breaks the glass for the medication list.',
  );
  const emergency = await communityDoc.gateway.call<AccessOutcome>(
    'POST',
    '/access-requests/emergency',
    {
      token: communityDoc.token,
      body: {
        patientId,
        categories: ['medication'],
        reasonCode: 'UNCONSCIOUS_PATIENT',
        justification: 'Brought in unconscious; current medication needed before anaesthesia.',
      },
    },
  );
  run.evidence({
    decision: emergency.decision,
    reason: emergency.reason,
    eventId: emergency.eventId,
    txId: emergency.txId,
    detail: `break-glass ${String(emergency.breakGlass)}`,
  });
  run.check(emergency.decision === 'permit' && emergency.breakGlass, 'break-glass access granted');
  await run.blockEvidence(communityDoc, emergency.eventId);

  run.step('The regulator opens the review queue of break-glass accesses.');
  // Committed at the hospital's peer; the client sends that block (Ledger-Min-Block), so the
  // regulator's gateway answers once its own peer has it.
  const queue = await allPages<AccessEvent>(regulator, '/audit/emergency-reviews');
  const queued = queue.find((event) => event.eventId === emergency.eventId);
  run.evidence({ eventId: emergency.eventId, detail: `${String(queue.length)} pending reviews` });
  run.check(queued !== undefined, "the break-glass access waits in the regulator's review queue");

  run.step('The patient opens their timeline.');
  const timeline = await allPages<AccessEvent>(
    patient,
    `/audit/access-events?patientId=${patientId}`,
  );
  const onTimeline = timeline.find((event) => event.eventId === emergency.eventId);
  run.check(
    onTimeline?.breakGlass === true,
    "the break-glass access is on the patient's timeline, marked as such",
  );

  const read = async (eventId: string): Promise<AccessEvent> =>
    regulator.gateway.call<AccessEvent>('GET', `/audit/access-events/${eventId}`, {
      token: regulator.token,
    });
  const communityRegion = (await read(emergency.eventId)).accessorRegion;
  const tertiaryRegion = (await read(treatment.eventId)).accessorRegion;
  const county = communityRegion.county ?? communityRegion.city ?? communityRegion.province;
  const city = communityRegion.city ?? communityRegion.province;
  const province = communityRegion.province;
  const to = new Date(Date.now() + 1).toISOString();
  // Let transactions proposed before `to` commit, so the window's counts no longer move.
  await sleep(3_000);
  const window = { from, to };

  run.step(
    `The regulator searches the audit trail by region: county ${county}, city ${city}, province ${province}.`,
  );
  const search = async (region: string): Promise<AccessEvent[]> =>
    allPages<AccessEvent>(
      regulator,
      `/audit/access-events?region=${region}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
  const inCounty = await search(county);
  const inCity = await search(city);
  const inProvince = await search(province);
  const has = (events: readonly AccessEvent[], eventId: string) =>
    events.some((event) => event.eventId === eventId);
  run.evidence({
    detail: `${String(inCounty.length)} / ${String(inCity.length)} / ${String(inProvince.length)} events`,
  });
  run.check(
    has(inCounty, emergency.eventId) && !has(inCounty, treatment.eventId),
    `county ${county} shows the community hospital's break-glass access, not the tertiary hospital's read`,
  );
  run.check(
    has(inCity, emergency.eventId) &&
      has(inCity, treatment.eventId) &&
      has(inProvince, emergency.eventId) &&
      has(inProvince, treatment.eventId),
    'the city and the province show both',
  );
  run.check(
    inCounty.length <= inCity.length && inCity.length <= inProvince.length,
    'each level holds the one below',
  );

  run.step(
    'The regulator reads the statistics of the same window, county by county, then rolled up.',
  );
  const statistics = async (level: 'county' | 'city' | 'province', region: string) =>
    regulator.gateway.call<Statistics>(
      'GET',
      `/audit/statistics?level=${level}&region=${region}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { token: regulator.token },
    );
  const countyStats = await statistics('county', city);
  const cityStats = await statistics('city', city);
  const provinceStats = await statistics('province', province);
  run.evidence({
    detail: `by county ${JSON.stringify(countyStats.byRegion)}; city ${city}: ${String(cityStats.total)}; province ${province}: ${String(provinceStats.total)}`,
  });
  const countySum = Object.values(countyStats.byRegion).reduce((sum, count) => sum + count, 0);
  run.check(
    countySum === cityStats.total && cityStats.byRegion[city] === cityStats.total,
    'the counties of the city add up to the city',
  );
  run.check(
    (provinceStats.byRegion[province] ?? 0) >= cityStats.total,
    'the province counts at least its city',
  );
  run.check(
    (countyStats.byRegion[county] ?? 0) >= 1 && (countyStats.byBreakGlass.true ?? 0) >= 1,
    `county ${county} counts the break-glass access`,
  );

  run.step('The regulator reviews the break-glass access: justified.');
  const review = await regulator.gateway.call<{ txId: string; event: AccessEvent }>(
    'POST',
    `/audit/emergency-reviews/${emergency.eventId}`,
    {
      token: regulator.token,
      body: {
        outcome: 'justified',
        comment: 'Anaphylaxis confirmed with the attending physician and the call log.',
      },
    },
  );
  run.evidence({
    eventId: emergency.eventId,
    status: review.event.emergency?.review.status ?? '',
    txId: review.txId,
  });
  run.check(review.event.emergency?.review.outcome === 'justified', 'the review is on the ledger');
  const comment = await regulator.gateway.call<{ matchesLedger: boolean }>(
    'GET',
    `/audit/emergency-reviews/${emergency.eventId}`,
    { token: regulator.token },
  );
  run.check(
    comment.matchesLedger,
    "the regulator's comment stays at its gateway and matches the commitment on the ledger",
  );

  return run.result({
    patientId,
    breakGlassEventId: emergency.eventId,
    treatmentEventId: treatment.eventId,
    communityRegion,
    tertiaryRegion,
    window,
    statistics: { county: countyStats, city: cityStats, province: provinceStats },
    usernames: {
      patient: patient.username,
      regulator: regulator.username,
      communityClinician: communityDoc.username,
      tertiaryClinician: tertiaryDoc.username,
    },
  });
}
