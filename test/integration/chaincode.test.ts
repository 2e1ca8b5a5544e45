import { peer } from '@hyperledger/fabric-protos';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchLeaf,
  inclusionProof,
  merkleRoot,
  toHex,
  type RecordItem,
} from '@consent-ledger/ledger-api';
import { closeUsers, enrollPatient, enrollUser, type TestUser } from '../support/identities.ts';
import { expectLedgerError } from '../support/ledger-errors.ts';
import {
  connectAdmin,
  contractOf,
  endorsingMsps,
  text,
  waitForAllPeers,
} from '../support/ledger.ts';

/**
 * Submits a transaction, waits until every peer has committed its block (the next step may act
 * through another organization's peer: see waitForAllPeers), and parses its JSON result.
 */
async function submit<T>(
  user: TestUser,
  contract: string,
  name: string,
  ...args: string[]
): Promise<T> {
  const submitted = await user.contract(contract).submitAsync(name, { arguments: args });
  const status = await submitted.getStatus();
  if (!status.successful) {
    throw new Error(
      `${name} ${status.transactionId} failed to commit: code ${String(status.code)}`,
    );
  }
  await waitForAllPeers(status.blockNumber);
  return JSON.parse(text(submitted.getResult())) as T;
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
        'audit',
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
          .contract('audit')
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
      expect(toHex(merkleRoot(leaves))).toBe(batch.root);
      const member = (index: number, item: (typeof items)[number]): string =>
        JSON.stringify({
          batchId: batch.batchId,
          item,
          leafIndex: index,
          auditPath: inclusionProof(leaves, index).map(toHex),
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

describe('referrals, cohorts, wearables and roll-ups on the real network', () => {
  let patient: TestUser;
  let tertiaryClinician: TestUser;
  let communityClinician: TestUser;
  let researcher: TestUser;
  let device: TestUser;
  let regulator: TestUser;

  beforeAll(async () => {
    [patient, tertiaryClinician, communityClinician, researcher, device, regulator] =
      await Promise.all([
        enrollPatient('community'),
        enrollUser({ org: 'tertiary', role: 'clinician' }),
        enrollUser({ org: 'community', role: 'clinician' }),
        enrollUser({ org: 'research', role: 'researcher' }),
        enrollUser({ org: 'enterprise', role: 'analyst' }),
        enrollUser({ org: 'gov', role: 'regulator' }),
      ]);
  });

  afterAll(() => {
    closeUsers();
  });

  it('opens a referral to the tertiary hospital, gates referral access by it, and ends access when closed', async () => {
    await submit<Consent>(
      patient,
      'consent',
      'GrantConsent',
      JSON.stringify({
        grantee: { org: 'TertiaryHospitalMSP' },
        purposes: ['referral'],
        categories: ['outpatient', 'imaging', 'laboratory'],
      }),
    );
    const ask = (categories: string[]): Promise<AccessEvent> =>
      submit<AccessEvent>(
        tertiaryClinician,
        'access',
        'RequestAccess',
        JSON.stringify({ patientId: patient.patientId, purpose: 'referral', categories }),
      );
    expect(await ask(['imaging'])).toMatchObject({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
    });

    const referral = await submit<{
      referralId: string;
      fromOrg: string;
      toOrg: string;
      status: string;
    }>(
      communityClinician,
      'referral',
      'CreateReferral',
      JSON.stringify({
        patientId: patient.patientId,
        toOrg: 'TertiaryHospitalMSP',
        categories: ['imaging', 'outpatient'],
        validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      }),
    );
    expect(referral).toMatchObject({
      fromOrg: 'CommunityHospitalMSP',
      toOrg: 'TertiaryHospitalMSP',
      status: 'open',
    });
    expect(await ask(['imaging'])).toMatchObject({ decision: 'permit' });
    // Consented but not referred: the referral bounds what the tertiary hospital may read.
    expect((await ask(['laboratory'])).decision).toBe('deny');
    expect(
      (await evaluate<{ status: string }>(patient, 'referral', 'GetReferral', referral.referralId))
        .status,
    ).toBe('open');

    const closed = await submit<{ status: string }>(
      tertiaryClinician,
      'referral',
      'CloseReferral',
      referral.referralId,
    );
    expect(closed.status).toBe('closed');
    await expectLedgerError(
      tertiaryClinician
        .contract('referral')
        .submitTransaction('CloseReferral', referral.referralId),
      'CONFLICT',
    );
    expect(await ask(['imaging'])).toMatchObject({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
    });
  });

  it('includes in a research cohort only patients with an active research consent', async () => {
    const withoutConsent = await enrollPatient('community');
    await submit<Consent>(
      patient,
      'consent',
      'GrantConsent',
      JSON.stringify({
        grantee: { org: 'ResearchMSP' },
        purposes: ['research'],
        categories: ['laboratory'],
      }),
    );
    const cohort = await submit<{ included: string[]; events: string[] }>(
      researcher,
      'cohort',
      'RequestCohort',
      JSON.stringify({
        studyId: `study-${randomBytes(3).toString('hex')}`,
        categories: ['laboratory'],
        patientIds: [patient.patientId, withoutConsent.patientId],
      }),
    );
    expect(cohort.included).toEqual([patient.patientId]);
    expect(cohort.events).toHaveLength(1);
    const event = await evaluate<AccessEvent>(
      regulator,
      'audit',
      'GetAccessEvent',
      cohort.events[0]!,
    );
    expect(event).toMatchObject({ patientId: patient.patientId, decision: 'permit' });
  });

  it('lists consents granted to an organization for its own members only', async () => {
    const page = await evaluate<Page<Consent & { grantee: { org: string } }>>(
      tertiaryClinician,
      'consent',
      'QueryConsents',
      JSON.stringify({ grantee: 'TertiaryHospitalMSP', pageSize: 100 }),
    );
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((each) => each.grantee.org === 'TertiaryHospitalMSP')).toBe(true);
    await expectLedgerError(
      tertiaryClinician
        .contract('consent')
        .evaluateTransaction('QueryConsents', JSON.stringify({ grantee: 'ResearchMSP' })),
      'FORBIDDEN',
    );
  });

  it('lets a device maker anchor wearable readings only under the patient’s wearable consent', async () => {
    const reading = {
      recordId: `wear-${randomBytes(4).toString('hex')}`,
      patientId: patient.patientId,
      category: 'wearable',
      sha256: sha256('heart rate 72'),
    };
    await expectLedgerError(
      device.contract('records').submitTransaction('AnchorRecord', JSON.stringify(reading)),
      'FORBIDDEN',
    );
    await submit<Consent>(
      patient,
      'consent',
      'GrantConsent',
      JSON.stringify({
        grantee: { org: 'EnterpriseMSP' },
        purposes: ['treatment'],
        categories: ['wearable'],
      }),
    );
    const anchor = await submit<{ owner: string; version: number }>(
      device,
      'records',
      'AnchorRecord',
      JSON.stringify(reading),
    );
    expect(anchor).toMatchObject({ owner: 'EnterpriseMSP', version: 1 });
    const anchors = await evaluate<Page<{ recordId: string }>>(
      patient,
      'records',
      'QueryAnchors',
      JSON.stringify({ patientId: patient.patientId }),
    );
    expect(anchors.items.map((each) => each.recordId)).toContain(reading.recordId);
  });

  it('rolls a past day up for the regulator only, and refuses a day not yet over', async () => {
    const pastDay = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const rolled = await submit<{ day: string }>(regulator, 'audit', 'RollupStatistics', pastDay);
    expect(rolled.day).toBe(pastDay);
    const today = new Date().toISOString().slice(0, 10);
    await expectLedgerError(
      regulator.contract('audit').submitTransaction('RollupStatistics', today),
      'RULE_VIOLATION',
    );
    await expectLedgerError(
      researcher.contract('audit').submitTransaction('RollupStatistics', pastDay),
      'FORBIDDEN',
    );
  });
});
