import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  openSealed,
  type AccessEvent,
  type BatchResult,
  type CohortPage,
  type ConsentWrite,
} from '@consent-ledger/ledger-api';
import {
  parseBundle,
  verifyBundle,
  type EvidenceBundle,
  type Report,
} from '@consent-ledger/verifier';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import {
  GatewayApi,
  createSignedInUser,
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * The gateway's evidence endpoints against the real network: a gateway runs in this process with
 * the tertiary hospital's real profile; the bundles it serves are version 2 and verify offline (a
 * record anchor, a batch member with its salt, an access event with its private write); a caller
 * whom the chaincode does not let read the record or the event gets no bundle; and a bundle
 * discloses its subject only, never another patient's data from the same block.
 */

const PASSWORD = 'evidence-pass-phrase-23';
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function holds(report: Report): void {
  expect(report.ok, JSON.stringify(report.checks, null, 2)).toBe(true);
}

/** Every text a bundle carries: its JSON and every base64 field decoded (block, envelope, value). */
function bundleTexts(bundle: EvidenceBundle): string[] {
  const decoded = (base64: string | undefined): string =>
    base64 === undefined ? '' : Buffer.from(base64, 'base64').toString('latin1');
  return [
    JSON.stringify(bundle),
    ...bundle.block.data.map(decoded),
    decoded(bundle.transaction.envelope),
    decoded(bundle.block.metadataSignatures),
    decoded(bundle.version === 2 ? bundle.privateWrite?.value : undefined),
  ];
}

/** The canaries of `texts` that appear in any of them. */
function found(texts: readonly string[], canaries: readonly string[]): string[] {
  return canaries.filter((canary) => texts.some((text) => text.includes(canary)));
}

/**
 * What a bundle's holder can read of the subject's transaction result: Fabric writes every
 * transaction's result into the block, sealed for the transaction's salt (ledger-api
 * sealed-result.ts); the subject's private value carries that salt. The result opened with it, or
 * the result as the block holds it when it cannot be opened.
 */
async function resultAsHolderReads(bundle: EvidenceBundle): Promise<string> {
  const envelope = common.Envelope.deserializeBinary(
    Buffer.from(bundle.transaction.envelope, 'base64'),
  );
  const transaction = peer.Transaction.deserializeBinary(
    common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8(),
  );
  const [action] = transaction.getActionsList();
  if (action === undefined) throw new Error('a transaction with an action');
  const response = peer.ChaincodeAction.deserializeBinary(
    peer.ProposalResponsePayload.deserializeBinary(
      peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8())
        .getAction()
        ?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
    ).getExtension_asU8(),
  ).getResponse();
  const result = response?.getPayload_asU8() ?? new Uint8Array();
  const value = bundle.version === 2 ? bundle.privateWrite?.value : undefined;
  const salt =
    value === undefined
      ? undefined
      : (JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { salt?: string }).salt;
  if (salt === undefined) return Buffer.from(result).toString('latin1');
  try {
    const opened = await openSealed(result, { salt, txId: bundle.transaction.txId });
    return Buffer.from(opened).toString('utf8');
  } catch {
    return Buffer.from(result).toString('latin1');
  }
}

interface Outcome {
  readonly eventId: string;
  readonly txId: string;
  readonly decision: string;
}

describe('evidence bundles served by the gateway', () => {
  let tertiary: InProcessGateway;
  let api: GatewayApi;
  let patient: GatewayPatient;
  let other: GatewayPatient;
  let clinician = '';

  beforeAll(async () => {
    tertiary = await startGatewayInProcess('tertiary', { env: { GATEWAY_EVENTS: 'off' } });
    api = new GatewayApi(tertiary.base);
    const admin = await api.login(tertiary.admin.username, tertiary.admin.password);
    clinician = (
      await createSignedInUser(api, admin, {
        username: uniqueName('cl'),
        password: PASSWORD,
        role: 'clinician',
        practitionerId: 'prac-ev000001',
      })
    ).token;
    patient = await enrolPatient(api, { adminToken: admin });
    other = await enrolPatient(api, { adminToken: admin });
  });

  afterAll(async () => {
    await tertiary.close();
  });

  it('serves a record’s bundle, for the latest or a named version, that verifies with the document', async () => {
    const recordId = uniqueName('ev');
    const documents = [randomBytes(256), randomBytes(256)];
    for (const document of documents) {
      const anchored = await api.post('/records', {
        token: clinician,
        body: {
          recordId,
          patientId: patient.patientId,
          category: 'imaging',
          sha256: sha256(document),
        },
      });
      expect(anchored.status, anchored.text).toBe(201);
    }
    const latest = await api.get<EvidenceBundle>(`/records/${recordId}/proof`, clinician);
    expect(latest.status, latest.text).toBe(200);
    const bundle = parseBundle(latest.body);
    expect(bundle.version).toBe(2);
    expect(bundle.subject).toMatchObject({ kind: 'record', recordId, version: 2 });
    // A record anchor is public: its bundle carries no private value, and names no patient.
    expect(bundle).not.toHaveProperty('privateWrite');
    expect(found(bundleTexts(bundle), [patient.patientId])).toEqual([]);
    holds(verifyBundle(bundle, { document: documents[1] }));
    expect(verifyBundle(bundle, { document: documents[0] }).firstFailure).toBe('document-hash');

    const first = await api.get<EvidenceBundle>(
      `/records/${recordId}/proof?version=1`,
      patient.token,
    );
    expect(first.status, first.text).toBe(200);
    holds(verifyBundle(parseBundle(first.body), { document: documents[0] }));

    const refused = await api.get(`/records/${recordId}/proof`, other.token);
    expect(refused.status, refused.text).toBe(403);
    expect((await api.get(`/records/${recordId}/proof?version=9`, clinician)).status).toBe(404);
  });

  it('serves a batch member’s bundle with its Merkle subject and its salt', async () => {
    const documents = [randomBytes(64), randomBytes(64), randomBytes(64)];
    const items = documents.map((document) => ({
      recordId: uniqueName('evb'),
      patientId: patient.patientId,
      category: 'laboratory',
      sha256: sha256(document),
    }));
    const anchored = await api.post<BatchResult>('/records/batches', {
      token: clinician,
      body: { items },
    });
    expect(anchored.status, anchored.text).toBe(201);
    const { batchId, proofs } = anchored.body;
    const member = items[2]?.recordId ?? '';
    const response = await api.get<EvidenceBundle>(
      `/records/${member}/proof?batchId=${batchId}`,
      clinician,
    );
    expect(response.status, response.text).toBe(200);
    const bundle = parseBundle(response.body);
    expect(bundle.version).toBe(2);
    expect(bundle.subject).toMatchObject({
      kind: 'batch-member',
      batchId,
      leafIndex: 2,
      item: { ...items[2], salt: proofs[2]?.salt },
    });
    expect(proofs[2]?.salt).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
    holds(verifyBundle(bundle, { document: documents[2] }));
    // Another item's salt is not in it: a sibling's reading cannot be confirmed from its leaf.
    expect(found(bundleTexts(bundle), [proofs[0]?.salt ?? '', proofs[1]?.salt ?? ''])).toEqual([]);
    // The same member with a changed salt is another leaf: the path no longer leads to the root.
    const resalted = structuredClone(bundle);
    if (resalted.version !== 2 || resalted.subject.kind !== 'batch-member')
      throw new Error('a version 2 batch-member bundle');
    resalted.subject.item.salt = proofs[0]?.salt ?? '';
    expect(verifyBundle(resalted).firstFailure).toBe('merkle-path');
  });

  it('serves an access event’s bundle, with its private write, to its readers only', async () => {
    const request = await api.post<Outcome>('/access-requests', {
      token: clinician,
      body: { patientId: patient.patientId, purpose: 'treatment', categories: ['laboratory'] },
    });
    expect(request.status, request.text).toBe(201);
    const { eventId } = request.body;
    for (const token of [clinician, patient.token]) {
      const response = await api.get<EvidenceBundle>(
        `/audit/access-events/${eventId}/proof`,
        token,
      );
      expect(response.status, response.text).toBe(200);
      const bundle = parseBundle(response.body);
      expect(bundle.version).toBe(2);
      expect(bundle.subject).toEqual({ kind: 'access-event', eventId });
      if (bundle.version !== 2 || bundle.privateWrite === undefined)
        throw new Error('an access-event bundle carries its private write');
      expect(bundle.privateWrite.collection).toBe('org_TertiaryHospitalMSP');
      const value = JSON.parse(
        Buffer.from(bundle.privateWrite.value, 'base64').toString('utf8'),
      ) as AccessEvent;
      expect(value).toMatchObject({ eventId, patientId: patient.patientId, decision: 'deny' });
      const report = verifyBundle(bundle);
      holds(report);
      expect(report.checks.map((check) => check.name)).toContain('private-write');
      // A value that is not the one written fails the private-write check.
      const altered = structuredClone(bundle);
      if (altered.privateWrite === undefined) throw new Error('unreachable');
      altered.privateWrite.value = Buffer.from(
        JSON.stringify({ ...value, decision: 'permit' }),
      ).toString('base64');
      expect(verifyBundle(altered).firstFailure).toBe('private-write');
    }
    const refused = await api.get(`/audit/access-events/${eventId}/proof`, other.token);
    expect(refused.status, refused.text).toBe(403);
  });

  it('gives a patient’s event a bundle that holds nothing of another patient’s event in the same block', async () => {
    // Both patients consent to the hospital's clinicians, so that each event names a consent.
    const terms = {
      grantee: { org: 'TertiaryHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['outpatient'],
    } as const;
    const consents: ConsentWrite[] = [await patient.grant(terms), await other.grant(terms)];
    const ask = (who: GatewayPatient) =>
      api.post<Outcome>('/access-requests', {
        token: clinician,
        body: { patientId: who.patientId, purpose: 'treatment', categories: ['outpatient'] },
      });
    const proofOf = async (eventId: string): Promise<EvidenceBundle> => {
      const response = await api.get<EvidenceBundle>(
        `/audit/access-events/${eventId}/proof`,
        clinician,
      );
      expect(response.status, response.text).toBe(200);
      return parseBundle(response.body);
    };
    // Fired together, the two requests are ordered into one block (tried a few times).
    let pair: { outcomes: Outcome[]; bundles: EvidenceBundle[] } | undefined;
    for (let attempt = 0; attempt < 8 && pair === undefined; attempt += 1) {
      const answers = await Promise.all([ask(patient), ask(other)]);
      for (const answer of answers) expect(answer.status, answer.text).toBe(201);
      const outcomes = answers.map((answer) => answer.body);
      const bundles = await Promise.all(outcomes.map((outcome) => proofOf(outcome.eventId)));
      if (bundles[0]?.block.header.number === bundles[1]?.block.header.number)
        pair = { outcomes, bundles };
    }
    if (pair === undefined) throw new Error('the two accesses never shared a block');
    const people = [patient, other];
    for (const [index, bundle] of pair.bundles.entries()) {
      const own = pair.outcomes[index];
      const theirs = pair.outcomes[1 - index];
      const them = people[1 - index];
      const me = people[index];
      if (own === undefined || theirs === undefined || them === undefined || me === undefined)
        throw new Error('two of each');
      holds(verifyBundle(bundle));
      expect(bundle.block.data.length).toBeGreaterThanOrEqual(2);
      const event = await api.get<AccessEvent>(`/audit/access-events/${theirs.eventId}`, clinician);
      expect(event.status, event.text).toBe(200);
      const consent = consents[1 - index];
      const canaries = [
        them.patientId,
        theirs.eventId,
        consent?.consentId ?? '',
        consent?.consent.salt ?? '',
        event.body.salt,
      ];
      for (const canary of canaries) expect(canary.length).toBeGreaterThan(10);
      expect(found(bundleTexts(bundle), canaries), `bundle of ${own.eventId}`).toEqual([]);
      // The positive control: the bundle does hold its own subject.
      expect(found(bundleTexts(bundle), [me.patientId, own.eventId])).toEqual([
        me.patientId,
        own.eventId,
      ]);
    }
  });

  it('gives a patient’s cohort event a bundle from which no other included patient can be read', async () => {
    // Two patients of two homes consent to the research institute; one study includes both in one
    // transaction. The first patient's bundle is theirs: it must not open the way to the second.
    const research = gateway('research');
    const researchAdmin = await research.loginAdmin();
    const researcher = await createSignedInUser(research, researchAdmin, {
      username: uniqueName('rs'),
      password: PASSWORD,
      role: 'researcher',
    });
    const elsewhere = await enrolPatient('community');
    const terms = {
      grantee: { org: 'ResearchMSP', role: 'researcher' },
      purposes: ['research'],
      categories: ['laboratory'],
    } as const;
    await patient.grant(terms);
    await elsewhere.grant(terms);
    const cohort = await research.post<CohortPage>('/cohorts', {
      token: researcher.token,
      body: {
        studyId: uniqueName('study'),
        categories: ['laboratory'],
        patientIds: [patient.patientId, elsewhere.patientId],
      },
    });
    expect(cohort.status, cohort.text).toBe(201);
    expect([...cohort.body.included].sort()).toEqual(
      [patient.patientId, elsewhere.patientId].sort(),
    );
    const own = cohort.body.events[cohort.body.included.indexOf(patient.patientId)];
    const theirs = cohort.body.events[cohort.body.included.indexOf(elsewhere.patientId)];
    if (own === undefined || theirs === undefined) throw new Error('an event per inclusion');
    const response = await api.get<EvidenceBundle>(
      `/audit/access-events/${own}/proof`,
      patient.token,
    );
    expect(response.status, response.text).toBe(200);
    const bundle = parseBundle(response.body);
    holds(verifyBundle(bundle));
    const canaries = [elsewhere.patientId, theirs];
    expect(found(bundleTexts(bundle), canaries)).toEqual([]);
    expect(found([await resultAsHolderReads(bundle)], canaries)).toEqual([]);
  });
});
