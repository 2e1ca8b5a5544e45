import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  AnchorResult,
  BatchResult,
  ContentLookup,
  RecordHistory,
  VerifyResult,
} from '@consent-ledger/ledger-api';
import { parseBundle, verifyBundle, type EvidenceBundle } from '@consent-ledger/verifier';
import {
  bootstrapAdmin,
  createSignedInUser,
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * Issue 19's finding on record IDs, through the gateways: one hospital anchored a record ID another
 * hospital would need, and the later owner got 403 (squatting). Record IDs are scoped by their
 * owner organization now (docs/ledger-api.md, "Record IDs"): two hospitals anchor the same ID
 * independently, each reads and verifies its own by default and the other's by naming its owner,
 * and neither can version the other's record.
 */

const PASSWORD = 'record-ids-password-1';
const TERTIARY = 'TertiaryHospitalMSP';
const COMMUNITY = 'CommunityHospitalMSP';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('record IDs cannot be squatted', () => {
  let tertiary: GatewayApi;
  let community: GatewayApi;
  let tertiaryClinician: string;
  let communityClinician: string;
  let tertiaryPatient: GatewayPatient;
  let communityPatient: GatewayPatient;
  const recordId = `his:${uniqueName('squat')}`;
  const tertiaryHash = sha256(`${recordId} at the tertiary hospital`);
  const communityHash = sha256(`${recordId} at the community hospital`);

  const clinician = async (
    api: GatewayApi,
    orgName: string,
    practitionerId: string,
  ): Promise<string> => {
    const { username, password } = bootstrapAdmin(orgName);
    const admin = await api.login(username, password);
    return (
      await createSignedInUser(api, admin, {
        username: uniqueName('ids-doctor'),
        password: PASSWORD,
        role: 'clinician',
        practitionerId,
      })
    ).token;
  };

  beforeAll(async () => {
    tertiary = gateway('tertiary');
    community = gateway('community');
    [tertiaryClinician, communityClinician, tertiaryPatient, communityPatient] = await Promise.all([
      clinician(tertiary, 'tertiary', 'prac-idstert01'),
      clinician(community, 'community', 'prac-idscomm01'),
      enrolPatient(tertiary),
      enrolPatient(community),
    ]);
  }, 180_000);

  it('lets a second hospital anchor an ID the first already uses (it got 403)', async () => {
    const first = await tertiary.post<AnchorResult>('/records', {
      token: tertiaryClinician,
      body: {
        recordId,
        patientId: tertiaryPatient.patientId,
        category: 'outpatient',
        sha256: tertiaryHash,
      },
    });
    expect(first.status, first.text).toBe(201);
    expect(first.body.anchor).toMatchObject({ recordId, version: 1, owner: TERTIARY });
    const second = await community.post<AnchorResult>('/records', {
      token: communityClinician,
      body: {
        recordId,
        patientId: communityPatient.patientId,
        category: 'laboratory',
        sha256: communityHash,
      },
    });
    expect(second.status, second.text).toBe(201);
    expect(second.body.anchor).toMatchObject({ recordId, version: 1, owner: COMMUNITY });
  });

  it('verifies each hospital its own record by default, and the other by naming the owner', async () => {
    const own = async (api: GatewayApi, token: string, hash: string): Promise<VerifyResult> => {
      const verified = await api.post<VerifyResult>('/records/verify', {
        token,
        body: { recordId, sha256: hash },
      });
      expect(verified.status, verified.text).toBe(200);
      return verified.body;
    };
    expect(await own(tertiary, tertiaryClinician, tertiaryHash)).toMatchObject({
      verified: true,
      anchor: { owner: TERTIARY, patientId: tertiaryPatient.patientId },
    });
    expect(await own(community, communityClinician, communityHash)).toMatchObject({
      verified: true,
      anchor: { owner: COMMUNITY, patientId: communityPatient.patientId },
    });
    // The other's hash does not match one's own record of that ID.
    expect(await own(tertiary, tertiaryClinician, communityHash)).toMatchObject({
      verified: false,
      reason: 'HASH_MISMATCH',
    });
    const named = await tertiary.post<VerifyResult>('/records/verify', {
      token: tertiaryClinician,
      body: { recordId, sha256: communityHash, owner: COMMUNITY },
    });
    expect(named.body).toMatchObject({ verified: true, anchor: { owner: COMMUNITY } });
    const read = await community.get<RecordHistory>(
      `/records/${encodeURIComponent(recordId)}?owner=${TERTIARY}`,
      communityClinician,
    );
    expect(read.status, read.text).toBe(200);
    expect(read.body.head).toMatchObject({ owner: TERTIARY, sha256: tertiaryHash });
    expect(
      (
        await tertiary.get(
          `/records/${encodeURIComponent(recordId)}?owner=bad%20msp`,
          tertiaryClinician,
        )
      ).status,
    ).toBe(400);
  });

  it("versions only the caller's own record of the ID", async () => {
    const next = sha256(`${recordId} at the tertiary hospital, amended`);
    const amended = await tertiary.post<AnchorResult>('/records', {
      token: tertiaryClinician,
      body: {
        recordId,
        patientId: tertiaryPatient.patientId,
        category: 'outpatient',
        sha256: next,
      },
    });
    expect(amended.status, amended.text).toBe(201);
    expect(amended.body.anchor).toMatchObject({ version: 2, owner: TERTIARY });
    const theirs = await community.get<RecordHistory>(
      `/records/${encodeURIComponent(recordId)}`,
      communityClinician,
    );
    expect(theirs.body.versions.map((version) => version.sha256)).toEqual([communityHash]);
  });

  it('serves each owner an evidence bundle of its own record that verifies offline', async () => {
    for (const [api, token, owner, hash] of [
      [tertiary, tertiaryClinician, TERTIARY, tertiaryHash],
      [community, communityClinician, COMMUNITY, communityHash],
    ] as const) {
      const proof = await api.get<EvidenceBundle>(
        `/records/${encodeURIComponent(recordId)}/proof?version=1`,
        token,
      );
      expect(proof.status, proof.text).toBe(200);
      const bundle = parseBundle(proof.body);
      expect(bundle.subject).toMatchObject({ kind: 'record', recordId, owner, sha256: hash });
      const report = verifyBundle(bundle);
      expect(report.ok, JSON.stringify(report.checks, null, 2)).toBe(true);
    }
  });

  it('finds a document by its content alone: single anchors of any owner, batch items of its own', async () => {
    const byHash = (api: GatewayApi, token: string, hash: string) =>
      api.get<ContentLookup>(`/records/by-hash/${hash}`, token);
    // The tertiary hospital's version 1, superseded by its version 2 (the test before).
    const first = await byHash(community, communityClinician, tertiaryHash.toUpperCase());
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({
      sha256: tertiaryHash,
      truncated: false,
      matches: [
        {
          kind: 'record',
          owner: TERTIARY,
          recordId,
          version: 1,
          latestVersion: 2,
          latest: false,
          timestamp: expect.any(String) as string,
          txId: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        },
      ],
    });
    // One content anchored twice: in a tertiary batch, and on its own by the community hospital.
    const content = sha256(`${recordId} lab report, batched`);
    const batchRecordId = `${recordId}.lab`;
    const batch = await tertiary.post<BatchResult>('/records/batches', {
      token: tertiaryClinician,
      body: {
        items: [
          {
            recordId: batchRecordId,
            patientId: tertiaryPatient.patientId,
            category: 'laboratory',
            sha256: content,
          },
          {
            recordId: `${recordId}.other`,
            patientId: tertiaryPatient.patientId,
            category: 'laboratory',
            sha256: sha256(`${recordId} another report`),
          },
        ],
      },
    });
    expect(batch.status, batch.text).toBe(201);
    const single = await community.post<AnchorResult>('/records', {
      token: communityClinician,
      body: {
        recordId: `${recordId}.copy`,
        patientId: communityPatient.patientId,
        category: 'laboratory',
        sha256: content,
      },
    });
    expect(single.status, single.text).toBe(201);
    const atTertiary = await byHash(tertiary, tertiaryClinician, content);
    expect(atTertiary.status, atTertiary.text).toBe(200);
    expect(atTertiary.body.matches).toEqual([
      expect.objectContaining({
        kind: 'record',
        owner: COMMUNITY,
        recordId: `${recordId}.copy`,
        version: 1,
        latest: true,
        txId: single.body.txId,
      }),
      expect.objectContaining({
        kind: 'batch',
        owner: TERTIARY,
        recordId: batchRecordId,
        batchId: batch.body.batchId,
        latest: true,
        txId: batch.body.txId,
      }),
    ]);
    // The community gateway holds no tertiary batch: only the single anchor, with no patient.
    const atCommunity = await byHash(community, communityClinician, content);
    expect(atCommunity.body.matches.map((match) => [match.kind, match.owner])).toEqual([
      ['record', COMMUNITY],
    ]);
    expect(atCommunity.text).not.toContain(communityPatient.patientId);
    const unknown = await byHash(tertiary, tertiaryClinician, sha256(`${recordId} never anchored`));
    expect(unknown.status, unknown.text).toBe(200);
    expect(unknown.body.matches).toEqual([]);
    for (const bad of ['xyz', 'a'.repeat(63), 'g'.repeat(64)]) {
      const refused = await byHash(tertiary, tertiaryClinician, bad);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body).toMatchObject({ statusCode: 400, code: 'INVALID_ARGUMENT' });
    }
    expect((await tertiary.get(`/records/by-hash/${content}`)).status).toBe(401);
  });
});
