import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AccessEventPage,
  CohortPage,
  CohortRefusalPage,
  OpenStatistics,
  ResearchThreshold,
} from '@consent-ledger/ledger-api';
import {
  createSignedInUser,
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';
import { ordererNodes, ordererRuntime } from '@consent-ledger/network';
import { filesUnder, peerFiles, scan } from '../support/disk-scan.ts';
import { topology, waitForPeersToCatchUp } from '../support/ledger.ts';

/**
 * Research thresholds and open statistics through the gateways on the real network (issue 18;
 * docs/api.md, "Research thresholds", "Open statistics"): the government's admin sets the research
 * institute's county a minimum cohort size and an ethics approval requirement; a study without the
 * reference, and a cohort below the minimum, are refused with their codes and logged for the
 * regulator, with no access event recorded; the open statistics answer without credentials and
 * suppress every count below the threshold. The county's threshold is cleared again at the end.
 */

const PASSWORD = 'research-thresholds-pass-1';
/** The research institute's county (topology): its threshold applies to the institute's studies. */
const COUNTY = '330106';
const DAY_MS = 86_400_000;

describe('research thresholds and open statistics, real network', () => {
  let gov: GatewayApi;
  let research: GatewayApi;
  let govAdmin = '';
  let regulator: string;
  let researcher: string;
  const patients: GatewayPatient[] = [];

  const setThreshold = (minCohortSize: number, ethicsApprovalRequired: boolean) =>
    gov.request<ResearchThreshold & { code?: string }>('PUT', `/research/thresholds/${COUNTY}`, {
      token: govAdmin,
      body: { minCohortSize, ethicsApprovalRequired },
    });
  const cohort = (studyId: string, ethicsApproval?: string) =>
    research.post<CohortPage & { code?: string; message?: string }>('/cohorts', {
      token: researcher,
      body: {
        studyId,
        categories: ['laboratory'],
        patientIds: patients.map((patient) => patient.patientId),
        ...(ethicsApproval === undefined ? {} : { ethicsApproval }),
      },
    });

  beforeAll(async () => {
    gov = gateway('gov');
    research = gateway('research');
    const community = gateway('community');
    govAdmin = await gov.loginAdmin();
    regulator = (
      await createSignedInUser(gov, govAdmin, {
        username: uniqueName('rt-regulator'),
        password: PASSWORD,
        role: 'regulator',
      })
    ).token;
    researcher = (
      await createSignedInUser(research, await research.loginAdmin(), {
        username: uniqueName('rt-researcher'),
        password: PASSWORD,
        role: 'researcher',
      })
    ).token;
    for (let n = 0; n < 2; n += 1) {
      const patient = await enrolPatient(community);
      await patient.grant({
        grantee: { org: 'ResearchMSP' },
        purposes: ['research'],
        categories: ['laboratory'],
      });
      patients.push(patient);
    }
  }, 180_000);

  afterAll(async () => {
    // No minimum, no reference: as if none were set (the other tests' cohorts are unaffected).
    if (govAdmin !== '') await setThreshold(0, false);
  });

  it('refuses a study without its ethics approval reference and a cohort below the minimum, logs both, records no access', async () => {
    const set = await setThreshold(3, true);
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({
      region: COUNTY,
      minCohortSize: 3,
      ethicsApprovalRequired: true,
    });
    const studyId = uniqueName('rt-study');
    const noReference = await cohort(studyId);
    expect(noReference.status, noReference.text).toBe(422);
    expect(noReference.body).toMatchObject({ code: 'ETHICS_APPROVAL_REQUIRED' });
    const tooSmall = await cohort(studyId, 'IRB-2026-017');
    expect(tooSmall.status, tooSmall.text).toBe(422);
    expect(tooSmall.body).toMatchObject({ code: 'COHORT_TOO_SMALL' });
    expect(tooSmall.text).not.toContain('pid-');

    const refusals = await gov.get<CohortRefusalPage>('/research/refusals?pageSize=10', regulator);
    expect(refusals.status, refusals.text).toBe(200);
    const ours = refusals.body.refusals.filter((refusal) => refusal.studyId === studyId);
    expect(ours.map((refusal) => refusal.code)).toEqual([
      'COHORT_TOO_SMALL',
      'ETHICS_APPROVAL_REQUIRED',
    ]);
    expect(ours[0]).toMatchObject({
      requesterOrg: 'ResearchMSP',
      region: COUNTY,
      ethicsApproval: 'IRB-2026-017',
      threshold: { minCohortSize: 3, ethicsApprovalRequired: true, source: COUNTY },
    });
    expect(refusals.text).not.toContain('pid-');
    // The refusals are the regulator's to read, not the researcher's.
    expect((await research.get('/research/refusals', researcher)).status).toBe(403);
    // Nothing about the would-be cohort was written: no access event for either patient.
    for (const patient of patients) {
      const events = await gov.get<AccessEventPage>(
        `/audit/access-events?patientId=${patient.patientId}`,
        regulator,
      );
      expect(events.status, events.text).toBe(200);
      expect(events.body.items).toEqual([]);
    }
    // A refusal is kept on the institute's and the regulator's peers only: a study refused and
    // never recorded (its ID is nowhere else) is on no other member's disk.
    const refusedOnly = uniqueName('rt-refused');
    expect((await cohort(refusedOnly)).status).toBe(422);
    await waitForPeersToCatchUp();
    const outsiders = [
      ...['enterprise', 'community', 'tertiary'].flatMap(peerFiles),
      ...ordererNodes(topology).flatMap((node) => filesUnder(ordererRuntime(node).dataDir)),
    ];
    expect(Object.fromEntries(await scan(outsiders, [refusedOnly]))).toEqual({});
    for (const entitled of ['research', 'gov'])
      expect([...(await scan(peerFiles(entitled), [refusedOnly])).keys()], entitled).toEqual([
        refusedOnly,
      ]);
    // At the minimum, with the reference, the study goes ahead.
    expect((await setThreshold(2, true)).status).toBe(200);
    const recorded = await cohort(studyId, 'IRB-2026-017');
    expect(recorded.status, recorded.text).toBe(201);
    expect([...recorded.body.included].sort()).toEqual(
      patients.map((patient) => patient.patientId).sort(),
    );
    const thresholds = await research.get<ResearchThreshold[]>('/research/thresholds', researcher);
    expect(thresholds.body).toContainEqual(
      expect.objectContaining({ region: COUNTY, minCohortSize: 2, ethicsApprovalRequired: true }),
    );
  });

  it('publishes counts by day, city and purpose without credentials, every small count suppressed', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
    // The county's minimum (2) is the city's floor: today's two research accesses are shown.
    const open = await gov.get<OpenStatistics>(`/open/statistics?from=${today}&to=${today}`);
    expect(open.status, open.text).toBe(200);
    expect(Object.keys(open.body).sort()).toEqual(['cells', 'from', 'to']);
    const researchCell = open.body.cells.find(
      (cell) => cell.region === '330100' && cell.purpose === 'research',
    );
    expect(researchCell?.count).toBeGreaterThanOrEqual(2);
    for (const cell of open.body.cells) expect(cell.count ?? 0, JSON.stringify(cell)).not.toBe(1);
    expect(open.text).not.toContain('pid-');
    // A minimum above every count: every cell is only "less than" it, no value, no total.
    expect((await setThreshold(10_000, false)).status).toBe(200);
    const suppressed = await gov.get<OpenStatistics>(
      `/open/statistics?from=${yesterday}&to=${today}`,
    );
    expect(suppressed.status, suppressed.text).toBe(200);
    expect(suppressed.body.cells.length).toBeGreaterThanOrEqual(2 * 6);
    for (const cell of suppressed.body.cells) {
      expect(cell).not.toHaveProperty('count');
      expect(cell.lessThan).toBe(10_000);
    }
    // Only the government's gateway publishes them; bad days are 400.
    const elsewhere = await research.get(`/open/statistics?from=${today}&to=${today}`);
    expect(elsewhere.status).toBe(501);
    const bad = await gov.get<{ code: string }>(`/open/statistics?from=${today}&to=2020-01-01`);
    expect(bad.status, bad.text).toBe(400);
    expect(bad.body.code).toBe('INVALID_ARGUMENT');
  });
});
