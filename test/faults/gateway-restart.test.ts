import { afterAll, describe, expect, it } from 'vitest';
import {
  gatewayProcessName,
  killProcess,
  runningProcess,
  startGateway,
} from '@consent-ledger/network';
import { collectionMembers } from '@consent-ledger/ledger-api';
import { gateway, gatewayBase, uniqueName } from '../support/gateways.ts';
import { org, topology } from '../support/ledger.ts';
import { restoreSystem, runFault } from './support/fault-run.ts';
import { streamEvents, type EventStreamClient } from './support/event-stream.ts';
import { readPrivateView, visibleToOrg } from './support/private-view.ts';

// The tertiary hospital's gateway, streamed by one of its clinicians. The gateway builds each
// event from the private data its own peer received, so the clinician sees the events of the
// collections the hospital holds that concern it (consents granted to it, its own accesses):
// about half of the load's. The load's enterprise patient and community clinician write into a
// collection the hospital does not hold: none of that may reach its peer or its stream.
const hospital = org('tertiary');
const name = gatewayProcessName(hospital);
const mspIds = topology.organizations.map((each) => each.mspId);

describe("fault: an organization's gateway is killed (SIGKILL) and restarted while clients stream /events", () => {
  let stream: EventStreamClient | undefined;

  afterAll(async () => {
    await stream?.stop();
    await restoreSystem();
  });

  it('resumes the stream with Last-Event-ID: every event the hospital may see of the period once, none lost, nothing of others', async () => {
    const api = gateway(hospital.name);
    const adminToken = await api.loginAdmin();
    const clinician = { username: uniqueName('faults-clinician'), password: 'faults-clinician-pw' };
    await api.createUser(adminToken, { ...clinician, role: 'clinician' });
    const events = streamEvents({
      base: gatewayBase(hospital.name),
      login: () => api.login(clinician.username, clinician.password),
    });
    stream = events;
    await events.connected;

    const result = await runFault({
      name: 'gateway-restart',
      description: `SIGKILL ${name} while a clinician streams its /events, 5 s down, restart it`,
      warmupMs: 10_000,
      afterMs: 15_000,
      inject: async (load) => {
        // Others restart gateways too (after a rebuild): make sure there is one to kill.
        if (runningProcess(name) === undefined) await startGateway(hospital, topology);
        const pid = runningProcess(name)?.pid;
        const eventsBefore = events.events.length;
        const killedAt = Date.now();
        expect(await killProcess(name)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        const restartAt = Date.now();
        await startGateway(hospital, topology);
        const liveMs = Date.now() - restartAt;
        await events.waitFor(() => events.reconnects >= 1, 60_000);
        const reconnectedMs = Date.now() - killedAt;
        return {
          killed: name,
          killedPid: pid,
          downMs: restartAt - killedAt,
          restartToLiveMs: liveMs,
          killToStreamResumedMs: reconnectedMs,
          commitsWhileDown: load.committed.filter((tx) => tx.at >= killedAt && tx.at < restartAt)
            .length,
          eventsBeforeKill: eventsBefore,
        };
      },
      afterLoad: async ({ ledger }, load) => {
        await events.waitFor((received) => received.length > 0, 60_000);
        const first = events.events[0];
        if (first === undefined) throw new Error('no event streamed');
        // The stream starts "from now on": the first block may be partly before it.
        const from = BigInt(first.blockNumber) + 1n;
        const to = ledger.commonHeight - 1n;
        const inRange = (block: bigint): boolean => block >= from && block <= to;
        // What the clinician may see: the gateway builds each event from the private data its
        // own peer received, and shows an organization's members the events that concern it. The
        // same rule, applied to the blocks and private data the tertiary peer delivers.
        const view = await readPrivateView(hospital.name, from, to);
        const delivered = new Map(view.map((tx) => [tx.txId, tx]));
        const expected = new Set(
          view.filter((tx) => visibleToOrg(tx, hospital.mspId)).map((tx) => tx.txId),
        );
        // Give the stream time to deliver them all; what never comes is reported as missing.
        await events
          .waitFor((received) => {
            const txIds = new Set(received.map((event) => event.txId));
            return [...expected].every((txId) => txIds.has(txId));
          }, 60_000)
          .catch(() => undefined);
        const streamed = events.events.filter((event) => inRange(BigInt(event.blockNumber)));
        const streamedTx = streamed.map((event) => event.txId);
        const seenTx = new Set<string>();
        const duplicateTx = streamedTx.filter((txId) => {
          if (seenTx.has(txId)) return true;
          seenTx.add(txId);
          return false;
        });
        const ids = events.events.map((event) => event.id);
        const duplicateIds = ids.filter((id, index) => ids.indexOf(id) !== index);
        const outOfOrder = ids.filter((id, index) => index > 0 && id <= (ids[index - 1] ?? 0));
        // Controls from the load itself: what concerns the hospital and lives in a collection it
        // holds must be expected (the rule above is not blind); what lives in a collection it does
        // not hold must be neither on its peer nor in its stream.
        const loadInRange = load.committed.filter((tx) => inRange(tx.blockNumber));
        const holds = (tx: (typeof loadInRange)[number]): boolean =>
          collectionMembers(tx.collection, mspIds).includes(hospital.mspId);
        const entitled = loadInRange.filter((tx) => holds(tx) && tx.party === hospital.mspId);
        const foreign = loadInRange.filter((tx) => !holds(tx));
        return {
          streamFromBlock: String(from),
          streamToBlock: String(to),
          chaincodeEventsOnLedger: ledger.events.filter((event) => inRange(event.blockNumber))
            .length,
          eventsHeldByPeer: view.filter((tx) => tx.valid && tx.writes.length > 0).length,
          eventsExpected: expected.size,
          eventsStreamed: streamed.length,
          eventsStreamedTotal: events.events.length,
          missing: [...expected].filter((txId) => !seenTx.has(txId)),
          unexpected: [...seenTx].filter((txId) => !expected.has(txId)),
          duplicateTx,
          duplicateIds,
          outOfOrder,
          loadEntitled: entitled.length,
          loadEntitledNotExpected: entitled
            .filter((tx) => !expected.has(tx.txId))
            .map((tx) => tx.txId),
          loadForeign: foreign.length,
          foreignHeldByPeer: foreign
            .filter((tx) => (delivered.get(tx.txId)?.writes.length ?? 0) > 0)
            .map((tx) => `${tx.txId} (${tx.collection})`),
          foreignStreamed: foreign.filter((tx) => seenTx.has(tx.txId)).map((tx) => tx.txId),
          reconnects: events.reconnects,
          interruptions: events.interruptions.slice(0, 20),
        };
      },
    });
    const { extra } = result;
    expect(extra.eventsExpected).toBeGreaterThan(0);
    expect(extra.missing).toEqual([]);
    expect(extra.unexpected).toEqual([]);
    expect(extra.duplicateTx).toEqual([]);
    expect(extra.duplicateIds).toEqual([]);
    expect(extra.outOfOrder).toEqual([]);
    expect(extra.eventsStreamed).toBe(extra.eventsExpected);
    expect(extra.loadEntitled).toBeGreaterThan(0);
    expect(extra.loadEntitledNotExpected).toEqual([]);
    expect(extra.loadForeign).toBeGreaterThan(0);
    expect(extra.foreignHeldByPeer).toEqual([]);
    expect(extra.foreignStreamed).toEqual([]);
    expect(extra.reconnects).toBeGreaterThanOrEqual(1);
    expect(result.throughput.during.committed).toBeGreaterThan(0);
    expect(result.ledger.lost).toEqual([]);
    expect(result.ledger.hashMismatches).toEqual([]);
  });
});
