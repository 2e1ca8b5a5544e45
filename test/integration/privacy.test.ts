import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSalt, valueSalt, type AccessEvent, type Consent } from '@consent-ledger/ledger-api';
import { gatewayDataDir, ordererNodes, ordererRuntime, runPaths } from '@consent-ledger/network';
import { filesUnder, peerFiles, scan } from '../support/disk-scan.ts';
import { closeUsers, enrollUser, type TestUser } from '../support/identities.ts';
import { evaluate, submit } from '../support/ledger-calls.ts';
import { connectAdmin, ledgerHeight, topology } from '../support/ledger.ts';
import { registerPatient, type TestPatient } from '../support/patients.ts';

/**
 * The leak scan of issue 14: after a community patient consents to the tertiary hospital and is
 * seen there four times, no file of an organization that is not entitled (the enterprise's and the
 * research institute's peers, their gateways' databases, the orderers) and no block as such a
 * member fetches it holds anything that identifies the patient or reveals what was consented or
 * accessed. The entitled organizations' peers (community, tertiary, regulator) do hold it: the
 * positive control shows the scan would see it.
 */

describe('what each member holds (issue 14 leak scan)', () => {
  let patient: TestPatient;
  let clinician: TestUser;
  let consent: Consent;
  const events: AccessEvent[] = [];
  const salts: string[] = [];

  beforeAll(async () => {
    patient = await registerPatient('community');
    clinician = await enrollUser({ org: 'tertiary', role: 'clinician' });
    const grantSalt = newSalt();
    salts.push(grantSalt);
    consent = (
      await submit(
        patient.carrier,
        'consent:GrantConsent',
        [
          await patient.sign('consent:GrantConsent', {
            grantee: { org: 'TertiaryHospitalMSP' },
            purposes: ['treatment'],
            categories: ['laboratory', 'outpatient'],
          }),
        ],
        { salt: grantSalt },
      )
    ).result;
    for (let i = 0; i < 4; i += 1) {
      const salt = newSalt();
      salts.push(salt);
      events.push(
        (
          await submit(
            clinician,
            'access:RequestAccess',
            [{ patientId: patient.patientId, purpose: 'treatment', categories: ['laboratory'] }],
            { endorsers: ['TertiaryHospitalMSP', 'CommunityHospitalMSP'], salt },
          )
        ).result,
      );
    }
  }, 300_000);

  afterAll(() => {
    closeUsers();
  });

  /** What identifies this journey: the pseudonym, the IDs, the salts sent and the salts stored. */
  const canaries = (): string[] => [
    patient.patientId,
    consent.consentId,
    ...events.map((event) => event.eventId),
    ...salts,
    ...salts.map(valueSalt),
  ];

  it('records the journey: one permit consent, four permitted accesses', () => {
    expect(consent.patientHome).toBe('CommunityHospitalMSP');
    expect(events.map((event) => event.decision)).toEqual(['permit', 'permit', 'permit', 'permit']);
    expect(canaries()).toHaveLength(1 + 1 + 4 + 5 + 5);
    expect(consent.salt).toBe(valueSalt(salts[0] ?? ''));
  });

  it('leaves nothing of it on the enterprise and research peers, their gateways or the orderers', async () => {
    const outsiders = [
      ...peerFiles('enterprise'),
      ...peerFiles('research'),
      ...filesUnder(gatewayDataDir('enterprise')),
      ...filesUnder(gatewayDataDir('research')),
      ...ordererNodes(topology).flatMap((node) => filesUnder(ordererRuntime(node).dataDir)),
      // What the outsiders' processes wrote to their logs.
      ...[
        'peer0.enterprise',
        'peer0.research',
        'gateway.enterprise',
        'gateway.research',
        'orderer1',
        'orderer2',
        'orderer3',
      ].map((name) => path.join(runPaths.logs, `${name}.log`)),
    ];
    expect(outsiders.length).toBeGreaterThan(20);
    const hits = await scan(outsiders, canaries());
    expect(Object.fromEntries(hits)).toEqual({});
  });

  it('has it on the entitled peers: the scan is not blind', async () => {
    for (const orgName of ['community', 'tertiary', 'gov']) {
      const held = [
        patient.patientId,
        consent.consentId,
        ...events.map((e) => e.eventId),
        ...salts.map(valueSalt),
      ];
      const files = peerFiles(orgName);
      expect([...(await scan(files, held)).keys()].sort()).toEqual([...held].sort());
      // The salts sent are never stored: only the values' salts derived from them are.
      expect([...(await scan(files, salts)).keys()]).toEqual([]);
    }
  });

  it('shows an enterprise member nothing of it in any block it fetches', async () => {
    const connection = connectAdmin('enterprise');
    try {
      const qscc = connection.gateway.getNetwork(topology.channel.name).getContract('qscc');
      const height = await ledgerHeight('enterprise');
      const found = new Set<string>();
      const needles = canaries().map((canary) => ({ canary, bytes: Buffer.from(canary) }));
      for (let number = 0n; number < height; number += 1n) {
        const bytes = Buffer.from(
          await qscc.evaluateTransaction('GetBlockByNumber', topology.channel.name, String(number)),
        );
        // The block as it is stored and served: every transaction, header and metadata.
        expect(common.Block.deserializeBinary(bytes).getHeader()?.getNumber()).toBe(Number(number));
        for (const { canary, bytes: needle } of needles)
          if (bytes.includes(needle)) found.add(canary);
      }
      expect([...found]).toEqual([]);
    } finally {
      connection.close();
    }
  });

  it('lets the enterprise read neither the consent nor the events through the chaincode', async () => {
    const analyst = await enrollUser({ org: 'enterprise', role: 'analyst' });
    await expect(evaluate(analyst, 'consent:GetConsent', consent.consentId)).rejects.toThrow();
    const first = events[0];
    if (first === undefined) throw new Error('no event');
    await expect(evaluate(analyst, 'audit:GetAccessEvent', first.eventId)).rejects.toThrow();
  });
});
