import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GOVERNMENT_MSP,
  hashEnrolmentCode,
  newEnrolmentCode,
  transientRequest,
} from '@consent-ledger/ledger-api';
import {
  createGatewayClient,
  countyReferralScenario,
  silentNarrator,
  type CountyReferralIds,
  type ScenarioResult,
} from '@consent-ledger/demo';
import {
  connectAs,
  gatewayUrl,
  governanceVote,
  joinOrganization,
  orgLayout,
  peerClient,
  readMemberList,
  removeOrganization,
  runningProcess,
  waitUntil,
  type JoinTimings,
} from '@consent-ledger/network';
import { newPatientId } from '../support/identities.ts';
import { endorsingMsps, org, topology } from '../support/ledger.ts';
import { submit } from '../support/ledger-calls.ts';
import { gateway, readEvents } from '../support/gateways.ts';
import { scenarioGateways } from '../support/scenarios.ts';
import { fabric, runFault } from './support/fault-run.ts';
import { peerHeight, readPeerLedger } from './support/ledger-check.ts';

const county = org('county');
const log = (line: string): void => {
  console.log(`[membership] ${line}`);
};

/** The county's admin proposing to another organization's peer (straight, no gateway of its own). */
async function proposeAsCountyTo(orgName: string): Promise<string> {
  const target = org(orgName);
  const targetPeer = target.peers[0];
  if (targetPeer === undefined) throw new Error(`${orgName} has no peer`);
  const { mspDir } = orgLayout(county).admin;
  const keystore = path.join(mspDir, 'keystore');
  const [keyFile = ''] = readdirSync(keystore);
  const client = peerClient(target, targetPeer);
  const gateway = connect({
    client,
    identity: {
      mspId: county.mspId,
      credentials: readFileSync(path.join(mspDir, 'signcerts', 'cert.pem')),
    },
    signer: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(keystore, keyFile))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
  });
  try {
    await gateway
      .getNetwork(topology.channel.name)
      .getContract(topology.chaincode.name, 'registry')
      .newProposal('ListOrganizations', { transientData: transientRequest({ args: [] }) })
      .evaluate();
    return 'accepted';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    gateway.close();
    client.close();
  }
}

/**
 * The channel height a peer reports in its metrics (`ledger_blockchain_height`): asked through
 * the operations port, it answers also when the peer's organization is no longer a member (its
 * admin's queries are then refused).
 */
async function metricsHeight(orgName: string): Promise<number> {
  const peer = org(orgName).peers[0];
  if (peer === undefined) throw new Error(`${orgName} has no peer`);
  const response = await fetch(`http://${peer.host}:${String(peer.operationsPort)}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  const pattern = new RegExp(
    `^ledger_blockchain_height\\{channel="${topology.channel.name}"\\} (\\d+)`,
    'm',
  );
  const match = pattern.exec(await response.text());
  if (match?.[1] === undefined) throw new Error(`no ledger_blockchain_height on ${orgName}`);
  return Number(match[1]);
}

/** Block header hashes of the county's peer and the government's agree over [from, to]. */
async function hashesAgree(from: bigint, to: bigint): Promise<string[]> {
  const [gov, joined] = await Promise.all([
    readPeerLedger('gov', from, to),
    readPeerLedger('county', from, to),
  ]);
  const mismatches: string[] = [];
  for (let number = from; number <= to; number += 1n) {
    const hash = gov.hashes.get(number);
    if (hash === undefined || hash !== joined.hashes.get(number))
      mismatches.push(`block ${String(number)}`);
  }
  return mismatches;
}

/**
 * An organization joins and leaves under a steady load (docs/reliability.md, "Joining and
 * leaving"): the county hospital, a candidate of network/topology.yaml, is voted in by a majority
 * of the members, its peer joins from a snapshot of the government's ledger, it takes part at once
 * (its gateway passes the county referral journey), and is voted out again, which leaves the
 * consortium as it was.
 */
describe('membership: an organization joins and leaves under load', () => {
  let timings: JoinTimings | undefined;
  let joinedAt = 0;
  /** The snapshot the county's peer started from: it holds no block below it. */
  let snapshotHeight = 0n;

  afterAll(async () => {
    // Whatever failed above: the county is out again, so later tests see the founders.
    if (readMemberList().joined.includes('county')) {
      await removeOrganization({
        install: await fabric(),
        name: 'county',
        vote: governanceVote(log),
        log,
      }).catch((error: unknown) => {
        log(`cleanup leave failed: ${String(error)}`);
      });
    }
  }, 300_000);

  it('adds the county hospital by a majority-signed update, its peer from a snapshot; nothing acknowledged is lost; its peer agrees on every block since', async () => {
    const result = await runFault({
      name: 'org-join',
      description:
        'join county: CA, majority-signed add-org update, peer, chaincode, registry, gateway',
      warmupMs: 5_000,
      afterMs: 6_000,
      inject: async () => {
        const proposedAt = Date.now();
        // From a snapshot the government's peer takes once the update is in (the channel is
        // long by now; 0 makes it so when this file runs alone on a fresh network).
        const joined = await joinOrganization({
          install: await fabric(),
          name: 'county',
          vote: governanceVote(log),
          log,
          snapshotFromHeight: 0,
        });
        timings = joined.timings;
        expect(joined.joinedFrom).toBe('snapshot');
        snapshotHeight = BigInt(joined.snapshotHeight ?? 0);
        // The new member's first transaction: it registers a patient, endorsed by its own peer.
        const admin = connectAs({ org: county, identity: orgLayout(county).admin });
        try {
          const first = await submit(
            { connection: admin },
            'patient:RegisterPatient',
            [{ patientId: newPatientId(), enrolment: hashEnrolmentCode(newEnrolmentCode()) }],
            { endorsers: [county.mspId, GOVERNMENT_MSP], waitForAllPeers: false },
          );
          joinedAt = Date.now();
          expect(await endorsingMsps(admin.gateway, first.txId)).toContain(county.mspId);
        } finally {
          admin.close();
        }
        return {
          ...joined.timings,
          chaincodeSequence: joined.chaincodeSequence,
          proposalToFirstEndorsedTxMs: joinedAt - proposedAt,
        };
      },
    });
    expect(result.ledger.lost).toEqual([]);
    expect(result.ledger.hashMismatches).toEqual([]);
    expect(result.ledger.broken).toEqual([]);
    expect(result.throughput.during.committed).toBeGreaterThan(0);
    expect(result.throughput.after.committed).toBeGreaterThan(0);
    expect(timings?.total).toBeGreaterThan(0);
    const to = (await peerHeight('gov')) - 1n;
    await waitUntil(async () => (await peerHeight('county')) > to, {
      description: 'the county peer to reach the government peer',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    // Every block its peer holds: from the snapshot (taken after the update that added it) on.
    expect(snapshotHeight).toBeGreaterThan(0n);
    expect(await hashesAgree(snapshotHeight, to)).toEqual([]);
  }, 600_000);

  it("passes the county referral journey through the new member's gateway", async () => {
    const gateways = await scenarioGateways();
    let result: ScenarioResult<CountyReferralIds>;
    try {
      result = await countyReferralScenario({
        gateways: { ...gateways.clients, county: createGatewayClient(gatewayUrl(county)) },
        narrator: silentNarrator,
      });
    } finally {
      await gateways.close();
    }
    expect(result.failures).toEqual([]);
    expect(
      result.decisions.map(({ decision, reason, accessorOrg }) => [accessorOrg, decision, reason]),
    ).toEqual([
      [county.mspId, 'deny', 'NO_ACTIVE_REFERRAL'],
      [county.mspId, 'permit', 'PERMITTED_BY_CONSENT'],
      [county.mspId, 'deny', 'NO_ACTIVE_REFERRAL'],
      [county.mspId, 'deny', 'NO_ACTIVE_REFERRAL'],
    ]);
    // Its gateway's block listener starts at its peer's first block (the snapshot's; the blocks
    // below are not on that peer), so the journey's access decisions reach its event stream.
    const eventIds = new Set(result.decisions.map((each) => each.eventId));
    const recorded = (events: readonly Record<string, unknown>[]): number =>
      events.filter(
        (event) =>
          event.eventName === 'AccessRecorded' &&
          eventIds.has(String((event.payload as { eventId?: unknown }).eventId)),
      ).length;
    const events = await readEvents({
      base: gatewayUrl(county),
      token: await gateway('county').loginAdmin(),
      lastEventId: '0',
      timeoutMs: 60_000,
      done: (received) => recorded(received) === eventIds.size,
    });
    expect(recorded(events)).toBe(eventIds.size);
  }, 300_000);

  it('removes it by a majority-signed update: its peer gets no new blocks, every other peer refuses its identity', async () => {
    let heightAtRemoval = 0;
    const result = await runFault({
      name: 'org-leave',
      description: 'leave county: deregistered, chaincode definition without it, remove-org update',
      warmupMs: 5_000,
      afterMs: 6_000,
      inject: async () => {
        const left = await removeOrganization({
          install: await fabric(),
          name: 'county',
          vote: governanceVote(log),
          log,
        });
        await sleep(2_000);
        heightAtRemoval = await metricsHeight('county');
        return { leaveMs: left.totalMs, chaincodeSequence: left.chaincodeSequence };
      },
    });
    expect(result.ledger.lost).toEqual([]);
    expect(result.ledger.hashMismatches).toEqual([]);
    expect(result.throughput.after.committed).toBeGreaterThan(0);
    // The load kept committing blocks after the removal; the county's peer got none of them.
    await sleep(2_000);
    expect(await metricsHeight('gov')).toBeGreaterThan(heightAtRemoval + 2);
    expect(await metricsHeight('county')).toBe(heightAtRemoval);
    for (const other of topology.organizations) {
      expect(await proposeAsCountyTo(other.name), other.name).not.toBe('accepted');
    }
    expect(runningProcess(`gateway.${county.name}`)).toBeUndefined();
  }, 600_000);
});
