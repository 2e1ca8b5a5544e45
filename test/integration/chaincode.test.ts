import { peer } from '@hyperledger/fabric-protos';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchLeaf, type RecordItem } from '../../chaincode/src/records/record-input.ts';
import { inclusionProof, merkleRoot } from '../../chaincode/src/records/merkle.ts';
import { closeUsers, enrollPatient, enrollUser, type TestUser } from '../support/identities.ts';
import { expectLedgerError } from '../support/ledger-errors.ts';
import { connectAdmin, contractOf, endorsingMsps, text } from '../support/ledger.ts';

/** Submits a transaction and parses its JSON result. */
async function submit<T>(
  user: TestUser,
  contract: string,
  name: string,
  ...args: string[]
): Promise<T> {
  return JSON.parse(text(await user.contract(contract).submitTransaction(name, ...args))) as T;
}

/** Evaluates a transaction and parses its JSON result. */
async function evaluate<T>(
  user: TestUser,
  contract: string,
  name: string,
  ...args: string[]
): Promise<T> {
  return JSON.parse(text(await user.contract(contract).evaluateTransaction(name, ...args))) as T;
}

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');

interface Consent {
  consentId: string;
  patientId: string;
  status: string;
  version: number;
  purposes: string[];
  categories: string[];
  txId: string;
}
interface AccessEvent {
  eventId: string;
  patientId: string;
  decision: string;
  reason: string;
  consentIds: string[];
  breakGlass: boolean;
  accessor: { org: string; role: string };
  emergency?: {
    reasonCode: string;
    justificationHash: string;
    review: { status: string; outcome?: string };
  };
  txId: string;
}
interface Page<T> {
  items: T[];
  bookmark: string;
}

describe('the consent-ledger chaincode on the real network', () => {
  let patient: TestUser;
  let otherPatient: TestUser;
  let tertiaryClinician: TestUser;
  let communityClinician: TestUser;
  let communityAnalyst: TestUser;
  let researcher: TestUser;
  let regulator: TestUser;
  let consentId: string;

  beforeAll(async () => {
    [
      patient,
      otherPatient,
      tertiaryClinician,
      communityClinician,
      communityAnalyst,
      researcher,
      regulator,
    ] = await Promise.all([
      enrollPatient('tertiary'),
      enrollPatient('tertiary'),
      enrollUser({ org: 'tertiary', role: 'clinician' }),
      enrollUser({ org: 'community', role: 'clinician' }),
      enrollUser({ org: 'community', role: 'analyst' }),
      enrollUser({ org: 'research', role: 'researcher' }),
      enrollUser({ org: 'gov', role: 'regulator' }),
    ]);
  });

  afterAll(() => {
    closeUsers();
  });

  describe('registry', () => {
    it('lists the five registered organizations with type and region', async () => {
      const orgs = await evaluate<{ mspId: string; type: string; region: { province: string } }[]>(
        researcher,
        'registry',
        'ListOrganizations',
      );
      expect(orgs.map((each) => each.mspId)).toEqual([
        'CommunityHospitalMSP',
        'EnterpriseMSP',
        'GovMSP',
        'ResearchMSP',
        'TertiaryHospitalMSP',
      ]);
      const tertiary = await evaluate<{ type: string; tier: string }>(
        communityClinician,
        'registry',
        'GetOrganization',
        'TertiaryHospitalMSP',
      );
      expect(tertiary).toMatchObject({ type: 'hospital', tier: 'tertiary' });
    });

    it('lets only the government admin register organizations', async () => {
      const hospitalAdmin = connectAdmin('tertiary');
      try {
        await expectLedgerError(
          contractOf(hospitalAdmin.gateway, 'registry').submitTransaction(
            'RegisterOrganization',
            JSON.stringify({
              mspId: 'TertiaryHospitalMSP',
              type: 'government',
              region: { province: '330000' },
            }),
          ),
          'FORBIDDEN',
        );
      } finally {
        hospitalAdmin.close();
      }
    });
  });

  describe('consent', () => {
    it('grants a consent, endorsed by two organizations, readable by the grantee organization', async () => {
      const consent = await submit<Consent>(
        patient,
        'consent',
        'GrantConsent',
        JSON.stringify({
          grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
          purposes: ['treatment'],
          categories: ['outpatient', 'laboratory'],
        }),
      );
      expect(consent).toMatchObject({ patientId: patient.patientId, status: 'active', version: 1 });
      consentId = consent.consentId;
      expect(
        (await endorsingMsps(patient.connection.gateway, consent.txId)).length,
      ).toBeGreaterThanOrEqual(2);

      const seen = await evaluate<Consent>(communityClinician, 'consent', 'GetConsent', consentId);
      expect(seen).toMatchObject({ consentId, categories: ['laboratory', 'outpatient'] });
    });

    it('keeps every version in the history', async () => {
      const updated = await submit<Consent>(
        patient,
        'consent',
        'UpdateConsent',
        consentId,
        JSON.stringify({
          grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
          purposes: ['treatment', 'referral'],
          categories: ['outpatient', 'laboratory', 'imaging'],
        }),
      );
      expect(updated.version).toBe(2);
      const history = await evaluate<{ version: number }[]>(
        patient,
        'consent',
        'GetConsentHistory',
        consentId,
      );
      expect(history.map((entry) => entry.version)).toEqual([1, 2]);
    });

    it('refuses another patient and bad input with coded errors', async () => {
      await expectLedgerError(
        otherPatient.contract('consent').submitTransaction('RevokeConsent', consentId),
        'FORBIDDEN',
      );
      await expectLedgerError(
        patient.contract('consent').submitTransaction(
          'GrantConsent',
          JSON.stringify({
            grantee: { org: 'CommunityHospitalMSP' },
            purposes: ['shopping'],
            categories: ['outpatient'],
          }),
        ),
        'INVALID_ARGUMENT',
      );
      await expectLedgerError(
        tertiaryClinician.contract('consent').submitTransaction('GrantConsent', '{}'),
        'FORBIDDEN',
      );
      await expectLedgerError(
        patient
          .contract('consent')
          .evaluateTransaction('GetConsent', 'con-000000000000000000000000'),
        'CONSENT_NOT_FOUND',
      );
    });

    it('finds the consent by patient', async () => {
      const page = await evaluate<Page<Consent>>(
        patient,
        'consent',
        'QueryConsents',
        JSON.stringify({ patientId: patient.patientId }),
      );
      expect(page.items.map((each) => each.consentId)).toContain(consentId);
    });
  });

  describe('access', () => {
    it('permits a consented request and records the event', async () => {
      const check = await evaluate<{ decision: string }>(
        communityClinician,
        'access',
        'CheckAccess',
        JSON.stringify({
          patientId: patient.patientId,
          purpose: 'treatment',
          categories: ['outpatient'],
        }),
      );
      expect(check.decision).toBe('permit');
      const event = await submit<AccessEvent>(
        communityClinician,
        'access',
        'RequestAccess',
        JSON.stringify({
          patientId: patient.patientId,
          purpose: 'treatment',
          categories: ['outpatient'],
          recordIds: ['rec-1'],
        }),
      );
      expect(event).toMatchObject({
        decision: 'permit',
        reason: 'PERMITTED_BY_CONSENT',
        consentIds: [consentId],
        breakGlass: false,
        accessor: { org: 'CommunityHospitalMSP', role: 'clinician' },
      });
    });

    it('denies a category that was not consented and records the denial too', async () => {
      const event = await submit<AccessEvent>(
        communityClinician,
        'access',
        'RequestAccess',
        JSON.stringify({
          patientId: patient.patientId,
          purpose: 'treatment',
          categories: ['genomic'],
        }),
      );
      expect(event.decision).toBe('deny');
      const fetched = await evaluate<AccessEvent>(
        regulator,
        'audit',
        'GetAccessEvent',
        event.eventId,
      );
      expect(fetched.eventId).toBe(event.eventId);
    });

    it('grants break-glass access to a hospital clinician and queues it for review', async () => {
      const justificationHash = sha256('Unconscious patient in the emergency room');
      const event = await submit<AccessEvent>(
        tertiaryClinician,
        'access',
        'RequestEmergencyAccess',
        JSON.stringify({
          patientId: otherPatient.patientId,
          categories: ['medication'],
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justificationHash,
        }),
      );
      expect(event).toMatchObject({
        decision: 'permit',
        breakGlass: true,
        emergency: {
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justificationHash,
          review: { status: 'pending' },
        },
      });
      await expectLedgerError(
        researcher.contract('access').submitTransaction(
          'RequestEmergencyAccess',
          JSON.stringify({
            patientId: otherPatient.patientId,
            categories: ['medication'],
            reasonCode: 'OTHER',
            justificationHash,
          }),
        ),
        'FORBIDDEN',
      );
      const queue = await evaluate<Page<AccessEvent>>(
        regulator,
        'audit',
        'QueryEmergencyReviews',
        '{}',
      );
      expect(queue.items.map((each) => each.eventId)).toContain(event.eventId);
      const reviewed = await submit<AccessEvent>(
        regulator,
        'access',
        'ReviewEmergencyAccess',
        event.eventId,
        JSON.stringify({ outcome: 'justified' }),
      );
      expect(reviewed.emergency?.review).toMatchObject({
        status: 'reviewed',
        outcome: 'justified',
      });
      await expectLedgerError(
        communityClinician
          .contract('access')
          .submitTransaction(
            'ReviewEmergencyAccess',
            event.eventId,
            JSON.stringify({ outcome: 'justified' }),
          ),
        'FORBIDDEN',
      );
    });

    it('denies after the patient revokes', async () => {
      const revoked = await submit<Consent>(patient, 'consent', 'RevokeConsent', consentId);
      expect(revoked.status).toBe('revoked');
      await expectLedgerError(
        patient.contract('consent').submitTransaction('RevokeConsent', consentId),
        'CONFLICT',
      );
      const event = await submit<AccessEvent>(
        communityClinician,
        'access',
        'RequestAccess',
        JSON.stringify({
          patientId: patient.patientId,
          purpose: 'treatment',
          categories: ['outpatient'],
        }),
      );
      expect(event).toMatchObject({ decision: 'deny', consentIds: [] });
    });
  });

  describe('audit', () => {
    it('shows the regulator every event of the patient, the patient their own, an analyst only their organization', async () => {
      const regulatorView = await evaluate<Page<AccessEvent>>(
        regulator,
        'audit',
        'QueryAccessEvents',
        JSON.stringify({ patientId: patient.patientId, pageSize: 50 }),
      );
      expect(regulatorView.items.map((each) => each.decision).sort()).toEqual([
        'deny',
        'deny',
        'permit',
      ]);

      const patientView = await evaluate<Page<AccessEvent>>(
        patient,
        'audit',
        'QueryAccessEvents',
        '{}',
      );
      expect(patientView.items.every((each) => each.patientId === patient.patientId)).toBe(true);
      expect(patientView.items).toHaveLength(3);

      const researchView = await evaluate<Page<AccessEvent>>(
        researcher,
        'audit',
        'QueryAccessEvents',
        JSON.stringify({ patientId: patient.patientId }),
      );
      expect(researchView.items).toEqual([]);

      const analystView = await evaluate<Page<AccessEvent>>(
        communityAnalyst,
        'audit',
        'QueryAccessEvents',
        JSON.stringify({ decision: 'deny', pageSize: 100 }),
      );
      expect(analystView.items.every((each) => each.accessor.org === 'CommunityHospitalMSP')).toBe(
        true,
      );
    });

    it('pages with bookmarks', async () => {
      const first = await evaluate<Page<AccessEvent>>(
        regulator,
        'audit',
        'QueryAccessEvents',
        JSON.stringify({ patientId: patient.patientId, pageSize: 2 }),
      );
      expect(first.items).toHaveLength(2);
      expect(first.bookmark).not.toBe('');
      const second = await evaluate<Page<AccessEvent>>(
        regulator,
        'audit',
        'QueryAccessEvents',
        JSON.stringify({ patientId: patient.patientId, pageSize: 2, bookmark: first.bookmark }),
      );
      expect(second.items).toHaveLength(1);
      expect(second.bookmark).toBe('');
    });

    it('gives the regulator statistics without patient identifiers', async () => {
      const day = new Date().toISOString().slice(0, 10);
      const stats = await evaluate<Record<string, unknown>>(
        regulator,
        'audit',
        'GetStatistics',
        JSON.stringify({
          from: `${day}T00:00:00.000Z`,
          to: new Date(Date.now() + 86_400_000).toISOString(),
          level: 'city',
        }),
      );
      expect(JSON.stringify(stats)).not.toContain(patient.patientId);
      expect(JSON.stringify(stats)).toContain('330100');
      await expectLedgerError(
        communityAnalyst.contract('audit').evaluateTransaction(
          'GetStatistics',
          JSON.stringify({
            from: `${day}T00:00:00.000Z`,
            to: `${day}T23:59:59.000Z`,
            level: 'city',
          }),
        ),
        'FORBIDDEN',
      );
    });
  });

  describe('records', () => {
    const recordId = `rec-${randomBytes(6).toString('hex')}`;
    const original = sha256(`discharge summary ${recordId}`);

    it('anchors a record and verifies it through another organization', async () => {
      const anchor = await submit<{ version: number; owner: string }>(
        tertiaryClinician,
        'records',
        'AnchorRecord',
        JSON.stringify({
          recordId,
          patientId: patient.patientId,
          category: 'inpatient',
          sha256: original,
        }),
      );
      expect(anchor).toMatchObject({ version: 1, owner: 'TertiaryHospitalMSP' });
      const good = await evaluate<{ verified: boolean }>(
        communityClinician,
        'records',
        'VerifyRecord',
        recordId,
        original,
      );
      expect(good.verified).toBe(true);
      const bad = await evaluate<{ verified: boolean }>(
        communityClinician,
        'records',
        'VerifyRecord',
        recordId,
        sha256('altered'),
      );
      expect(bad.verified).toBe(false);
    });

    it('lets only the owning hospital anchor a new version', async () => {
      const next = await submit<{ version: number }>(
        tertiaryClinician,
        'records',
        'AnchorRecord',
        JSON.stringify({
          recordId,
          patientId: patient.patientId,
          category: 'inpatient',
          sha256: sha256('v2'),
        }),
      );
      expect(next.version).toBe(2);
      await expectLedgerError(
        communityClinician.contract('records').submitTransaction(
          'AnchorRecord',
          JSON.stringify({
            recordId,
            patientId: patient.patientId,
            category: 'inpatient',
            sha256: sha256('forged'),
          }),
        ),
        'FORBIDDEN',
      );
      const record = await evaluate<{ versions: { version: number }[] }>(
        regulator,
        'records',
        'GetRecord',
        recordId,
      );
      expect(record.versions.map((each) => each.version)).toEqual([1, 2]);
      const old = await evaluate<{ verified: boolean }>(
        regulator,
        'records',
        'VerifyRecord',
        recordId,
        original,
        '1',
      );
      expect(old.verified).toBe(true);
    });

    it('enforces the owner through the key-level endorsement policy, not only in code', async () => {
      // The owner submits, so the code check passes on every peer; but only two other
      // organizations endorse. That satisfies the chaincode's any-two policy, not the record's
      // key-level policy naming the owner's peer: validation marks the transaction invalid.
      const proposal = tertiaryClinician.contract('records').newProposal('AnchorRecord', {
        arguments: [
          JSON.stringify({
            recordId,
            patientId: patient.patientId,
            category: 'inpatient',
            sha256: sha256('v3'),
          }),
        ],
        endorsingOrganizations: ['CommunityHospitalMSP', 'EnterpriseMSP'],
      });
      const submitted = await (await proposal.endorse()).submit();
      const status = await submitted.getStatus();
      expect(status.successful).toBe(false);
      expect(status.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
      const record = await evaluate<{ versions: { version: number }[] }>(
        regulator,
        'records',
        'GetRecord',
        recordId,
      );
      expect(record.versions).toHaveLength(2);
    });

    it('anchors a Merkle batch and verifies a member with its inclusion proof', async () => {
      const items = Array.from({ length: 5 }, (_, index) => ({
        recordId: `lab-${recordId}-${index}`,
        patientId: patient.patientId,
        category: 'laboratory',
        sha256: sha256(`lab result ${index}`),
      }));
      const batch = await submit<{ batchId: string; root: string; size: number }>(
        tertiaryClinician,
        'records',
        'AnchorBatch',
        JSON.stringify({ items }),
      );
      expect(batch.size).toBe(5);
      expect(batch.root).toMatch(/^[0-9a-f]{64}$/);
      const fetched = await evaluate<{ root: string }>(
        communityClinician,
        'records',
        'GetBatch',
        batch.batchId,
      );
      expect(fetched.root).toBe(batch.root);

      // The root is the RFC 6962 root of the items' sorted-key JSON, computable by anyone.
      const leaves = items.map((item) => batchLeaf(item as RecordItem));
      expect(merkleRoot(leaves).toString('hex')).toBe(batch.root);
      const member = (index: number, item: (typeof items)[number]): string =>
        JSON.stringify({
          batchId: batch.batchId,
          item,
          leafIndex: index,
          auditPath: inclusionProof(leaves, index).map((hash) => hash.toString('hex')),
        });
      const third = items[2]!;
      const proven = await evaluate<{ verified: boolean }>(
        communityClinician,
        'records',
        'VerifyBatchMember',
        member(2, third),
      );
      expect(proven.verified).toBe(true);
      const forged = await evaluate<{ verified: boolean }>(
        communityClinician,
        'records',
        'VerifyBatchMember',
        member(2, { ...third, sha256: sha256('forged') }),
      );
      expect(forged.verified).toBe(false);
    });
  });
});
