import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  collectionMembers,
  parseLedgerError,
  type ConsentInput,
} from '@consent-ledger/ledger-api';
import {
  connectAs,
  orgLayout,
  peerRuntime,
  rebuildPeer,
  runningProcess,
  userIdentity,
} from '@consent-ledger/network';
import { enrollUser, type TestUser } from '../support/identities.ts';
import { evaluate, submit, type Caller } from '../support/ledger-calls.ts';
import { errorText } from '../support/ledger-errors.ts';
import { org, topology } from '../support/ledger.ts';
import { fabric, restoreSystem, runFault } from './support/fault-run.ts';
import { readPeerLedger, waitForPeersAt } from './support/ledger-check.ts';
import type { CommittedTx, LoadGenerator } from './support/load-generator.ts';

// A hospital's peer loses everything it kept for the channel (blocks, state, private data, the
// transient store) and is rebuilt from the genesis block while the load goes on (issue 14:
// Fabric's reconciliation). Its blocks come from the orderers; the private data of its
// organization's collections must come back from the other members' peers.
const victim = org('community');
const victimPeer = victim.peers[0];
const mspIds = topology.organizations.map((each) => each.mspId);

const log = (line: string): void => {
  console.log(`[faults] ${line}`);
};

/** A private value the test wrote (or registered) and how to read it back as a member. */
interface Probe {
  readonly what: string;
  readonly read: (caller: Caller) => Promise<unknown>;
}

/** What a probe read: the value's canonical JSON, or the refusal's code. */
type Reading = { readonly value: string } | { readonly refused: string };

/** A probe of a read that takes one ID. */
function probe(
  options: Readonly<{
    what: string;
    name:
      | 'consent:GetConsent'
      | 'audit:GetAccessEvent'
      | 'patient:GetBinding'
      | 'patient:QueryErasures';
    id: string;
  }>,
): Probe {
  const { what, name, id } = options;
  return { what, read: (caller) => evaluate(caller, name, id) };
}

async function readOne(caller: Caller, one: Probe): Promise<Reading> {
  try {
    return { value: canonicalJson(await one.read(caller)) };
  } catch (error) {
    const text = errorText(error);
    return { refused: parseLedgerError(text)?.code ?? text.slice(0, 200) };
  }
}

async function readAll(caller: Caller, probes: readonly Probe[]): Promise<Map<string, Reading>> {
  const readings = new Map<string, Reading>();
  for (const one of probes) readings.set(one.what, await readOne(caller, one));
  return readings;
}

/** Probes that read differently from the expected readings. */
function differences(expected: Map<string, Reading>, actual: Map<string, Reading>): string[] {
  return [...expected].flatMap(([what, reading]) => {
    const now = actual.get(what);
    return JSON.stringify(now) === JSON.stringify(reading)
      ? []
      : [`${what}: ${JSON.stringify(now).slice(0, 160)}`];
  });
}

/** A fresh connection of the reader to its organization's (rebuilt) peer. */
function connectReader(reader: TestUser): Caller & { close(): void } {
  const connection = connectAs({
    org: reader.org,
    identity: userIdentity(orgLayout(reader.org), reader.id),
  });
  return {
    connection,
    close: () => {
      connection.close();
    },
  };
}

/**
 * Purge under load: a patient of the victim's organization grants a consent to its own home (kept
 * in the home's collection), revokes it and erases it, each a statement signed with the patient's
 * key and carried by the home's admin, while the load runs.
 */
async function eraseUnderLoad(
  load: LoadGenerator,
): Promise<{ consentId: string; patientId: string; txIds: string[] }> {
  const worker = load.participants.find((each) => each.patient.homeMsp === victim.mspId);
  if (worker === undefined) throw new Error(`no load patient homed at ${victim.mspId}`);
  const { patient } = worker;
  const terms: ConsentInput = {
    grantee: { org: victim.mspId, role: 'analyst' },
    purposes: ['treatment'],
    categories: ['laboratory'],
  };
  const granted = await submit(patient.carrier, 'consent:GrantConsent', [
    await patient.sign('consent:GrantConsent', terms),
  ]);
  const { consentId } = granted.result;
  const revoked = await submit(patient.carrier, 'consent:RevokeConsent', [
    await patient.sign('consent:RevokeConsent', { consentId, expectedVersion: 1 }),
  ]);
  const erased = await submit(patient.carrier, 'consent:EraseConsent', [
    await patient.sign('consent:EraseConsent', { consentId }),
  ]);
  return {
    consentId,
    patientId: patient.patientId,
    txIds: [granted.txId, revoked.txId, erased.txId],
  };
}

describe("fault: a hospital's peer loses its ledgers and private data under load and is rebuilt", () => {
  afterAll(async () => {
    await restoreSystem();
  });

  it('gets its collections back from the other members: every private value written before reads the same; erased stays erased; same block hashes', async () => {
    if (victimPeer === undefined) throw new Error('community has no peer');
    const name = peerRuntime(victim, victimPeer).name;
    // Reads go through the victim's own peer, as an admin of its organization: the home's admins
    // read everything about their patients, and every member what its organization is party to.
    const reader = await enrollUser({ org: victim.name, role: 'admin' });
    const result = await runFault({
      name: 'reconciliation',
      description: `rebuild ${name}: stop it by PID, delete its ledgers (blocks, state, private data) and transient store, start it, join it again from the genesis block`,
      warmupMs: 20_000,
      afterMs: 10_000,
      resumeTimeoutMs: 120_000,
      inject: async (load) => {
        const erasure = await eraseUnderLoad(load);
        // Every private value of the victim's collections the test wrote so far: the load's
        // consents and access events, its patients' bindings, the erasure receipt; and the erased
        // consent, which must stay erased.
        const held = load.committed.filter((tx) =>
          collectionMembers(tx.collection, mspIds).includes(victim.mspId),
        );
        const newest = held.reduce((max, tx) => (tx.blockNumber > max ? tx.blockNumber : max), 0n);
        await waitForPeersAt(newest + 1n);
        const probes: Probe[] = [
          ...held.map((tx: CommittedTx) =>
            tx.kind === 'consent'
              ? probe({ what: `consent ${tx.key}`, name: 'consent:GetConsent', id: tx.key })
              : probe({ what: `access event ${tx.key}`, name: 'audit:GetAccessEvent', id: tx.key }),
          ),
          ...load.participants
            .filter((each) => each.patient.homeMsp === victim.mspId)
            .flatMap(({ patient }) => [
              probe({
                what: `binding ${patient.patientId}`,
                name: 'patient:GetBinding',
                id: patient.patientId,
              }),
              probe({
                what: `erasures ${patient.patientId}`,
                name: 'patient:QueryErasures',
                id: patient.patientId,
              }),
            ]),
          probe({
            what: `erased consent ${erasure.consentId}`,
            name: 'consent:GetConsent',
            id: erasure.consentId,
          }),
        ];
        const before = await readAll(reader, probes);
        const unreadableBefore = [...before]
          .filter(([what, reading]) => 'refused' in reading && !what.startsWith('erased'))
          .map(([what, reading]) => `${what}: ${JSON.stringify(reading)}`);
        const erasedBefore = before.get(`erased consent ${erasure.consentId}`);

        log(`${name}: ${String(probes.length)} private values read; rebuilding`);
        const lossAt = Date.now();
        const rebuilt = await rebuildPeer({
          install: await fabric(),
          topology,
          org: victim,
          peer: victimPeer,
          log,
          timeoutMs: 600_000,
        });
        const blocksCaughtUpMs = Date.now() - lossAt;
        // The blocks are back; the private data comes with them from the other members, or later
        // by reconciliation. Read through the rebuilt peer until every value reads as before.
        const caller = connectReader(reader);
        let diff: string[] = ['not read yet'];
        let polls = 0;
        try {
          const deadline = Date.now() + 300_000;
          while (diff.length > 0 && Date.now() < deadline) {
            if (polls > 0) await sleep(2_000);
            polls += 1;
            diff = differences(before, await readAll(caller, probes));
          }
        } finally {
          caller.close();
        }
        const privateDataCaughtUpMs = Date.now() - lossAt;
        return {
          rebuilt: name,
          rebuiltHeight: rebuilt.height,
          rebuildTarget: rebuilt.target,
          rebuildSeconds: rebuilt.seconds,
          lossToBlocksCaughtUpMs: blocksCaughtUpMs,
          lossToPrivateDataCaughtUpMs: privateDataCaughtUpMs,
          privateDataAfterBlocksMs: privateDataCaughtUpMs - blocksCaughtUpMs,
          polls,
          privateValuesChecked: probes.length,
          loadValuesChecked: held.length,
          loadValuesByCollection: Object.fromEntries(
            [...new Set(held.map((tx) => tx.collection))]
              .sort()
              .map((collection) => [
                collection,
                held.filter((tx) => tx.collection === collection).length,
              ]),
          ),
          unreadableBefore,
          erasure: { ...erasure, before: erasedBefore },
          differencesAfterRebuild: diff,
        };
      },
      afterLoad: async ({ ledger }) => {
        // runFault compared every peer's blocks from the test's first block; the rebuilt peer's
        // chain must also agree from the genesis block up to there (each peer links its blocks).
        const edges = [0n, ledger.fromBlock - 1n];
        const hashes = await Promise.all(
          [victim.name, 'gov'].map(async (orgName) =>
            Promise.all(
              edges.map(async (number) =>
                (await readPeerLedger(orgName, number, number)).hashes.get(number),
              ),
            ),
          ),
        );
        const [rebuiltHashes, govHashes] = hashes;
        return {
          edgeBlocks: edges.map(String),
          edgeHashMismatches: edges
            .filter((_, index) => rebuiltHashes?.[index] !== govHashes?.[index])
            .map(String),
        };
      },
    });
    const { details, extra } = result;
    expect(details.privateValuesChecked).toBeGreaterThan(0);
    expect(details.loadValuesChecked).toBeGreaterThan(0);
    // The positive control: before the loss the peer read every value (the probes are not blind).
    expect(details.unreadableBefore).toEqual([]);
    // The erased consent is gone before the loss, and the rebuilt peer did not bring it back.
    expect(JSON.stringify((details.erasure as { before: unknown }).before)).toMatch(/NOT_FOUND/);
    expect(details.differencesAfterRebuild).toEqual([]);
    expect(extra.edgeHashMismatches).toEqual([]);
    expect(result.throughput.during.committed).toBeGreaterThan(0);
    expect(result.throughput.after.committed).toBeGreaterThan(0);
    expect(result.ledger.lost).toEqual([]);
    expect(result.ledger.hashMismatches).toEqual([]);
    expect(result.ledger.broken).toEqual([]);
    expect(runningProcess(name)).toBeDefined();
  }, 1_200_000);
});
