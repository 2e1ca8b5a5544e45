import { ChaincodeStub as ShimStub, KeyEndorsementPolicy } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim-api';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chaincodeNameOfExtension } from '../ledger/proposal';
import {
  collectionConfig,
  createCompositeKey,
  createInMemoryLedger,
  splitCompositeKey,
} from './in-memory-ledger';
import type { InMemoryLedger, Simulation } from './in-memory-ledger';

const creator = { mspid: 'TestMSP', idBytes: Buffer.from('cert') };
let counter = 0;

function simulate(ledger: InMemoryLedger, at = '2026-11-22T00:00:00.000Z'): Simulation {
  counter += 1;
  return ledger.simulate({ txId: `tx${counter}`, timestamp: at, creator, args: ['fn', 'a'] });
}

async function put(ledger: InMemoryLedger, entries: Record<string, string>): Promise<void> {
  const simulation = simulate(ledger);
  for (const [key, value] of Object.entries(entries)) {
    await simulation.stub.putState(key, Buffer.from(value));
  }
  expect(ledger.commit(simulation)).toBe('VALID');
}

interface KeyIterator {
  next(): Promise<{ done: boolean; value: { key: string } }>;
}

/**
 * The keys of a range query. A private range resolves to `{ iterator }`, as fabric-shim 2.5 does
 * (a public one to the iterator itself): both are taken.
 */
async function keysOf(query: Promise<unknown>): Promise<string[]> {
  const resolved = (await query) as KeyIterator | { readonly iterator: KeyIterator };
  const iterator = 'iterator' in resolved ? resolved.iterator : resolved;
  const keys: string[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    keys.push(next.value.key);
  }
  return keys;
}

const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

describe('in-memory ledger', () => {
  it('builds composite keys exactly as fabric-shim does', () => {
    const key = createCompositeKey('con~pat', ['pid-a', 'con-1']);
    expect(key).toBe('\u0000con~pat\u0000pid-a\u0000con-1\u0000');
    expect(splitCompositeKey(key)).toEqual({
      objectType: 'con~pat',
      attributes: ['pid-a', 'con-1'],
    });
    expect(() => createCompositeKey('t', [''])).toThrow(/non-zero length/);
    const stub = simulate(createInMemoryLedger()).stub;
    expect(stub.createCompositeKey('a', ['b'])).toBe(
      Reflect.apply(ShimStub.prototype.createCompositeKey, undefined, ['a', ['b']]),
    );
  });

  it('shows a transaction only committed state, never its own writes', async () => {
    const ledger = createInMemoryLedger();
    await put(ledger, { k: 'old' });
    const simulation = simulate(ledger);
    await simulation.stub.putState('k', Buffer.from('new'));
    await simulation.stub.putState('fresh', Buffer.from('x'));
    expect(text(await simulation.stub.getState('k'))).toBe('old');
    expect((await simulation.stub.getState('fresh')).length).toBe(0);
    expect(await keysOf(simulation.stub.getStateByRange('', ''))).toEqual(['k']);
    expect(text(ledger.get('k'))).toBe('old');
    expect(ledger.commit(simulation)).toBe('VALID');
    expect(text(ledger.get('k'))).toBe('new');
    expect(text(ledger.get('fresh'))).toBe('x');
  });

  it('keeps the last write per key, lists writes in key order, and deletes on empty values', async () => {
    const ledger = createInMemoryLedger();
    await put(ledger, { a: '1', b: '2' });
    const simulation = simulate(ledger);
    await simulation.stub.putState('c', Buffer.from('first'));
    await simulation.stub.putState('c', Buffer.from('last'));
    await simulation.stub.putState('a', new Uint8Array());
    await simulation.stub.deleteState('b');
    expect(simulation.writes().map((write) => [write.key, text(write.value)])).toEqual([
      ['a', ''],
      ['b', ''],
      ['c', 'last'],
    ]);
    expect(simulation.writes()[0]?.value).toBeUndefined();
    ledger.commit(simulation);
    expect(ledger.keys()).toEqual(['c']);
  });

  it('drops an uncommitted simulation without a trace', async () => {
    const ledger = createInMemoryLedger();
    const simulation = simulate(ledger);
    await simulation.stub.putState('k', Buffer.from('v'));
    simulation.stub.setEvent('E', Buffer.from('{}'));
    expect(ledger.keys()).toEqual([]);
    expect(ledger.events()).toEqual([]);
    expect(ledger.height).toBe(0);
  });

  it('scans partial composite keys in UTF-8 byte order, end key exclusive', async () => {
    const ledger = createInMemoryLedger();
    const keys = ['b', 'a', '\u{1F600}', '\uffff', 'a~', 'ab'].map((attribute) =>
      createCompositeKey('t', [attribute]),
    );
    await put(ledger, Object.fromEntries(keys.map((key) => [key, 'v'])));
    await put(ledger, { [createCompositeKey('u', ['a'])]: 'v', simple: 'v' });
    const stub = simulate(ledger).stub;
    const scanned = (await keysOf(stub.getStateByPartialCompositeKey('t', []))).map(
      (key) => splitCompositeKey(key).attributes[0],
    );
    // U+FFFF (EF BF BF) sorts before U+1F600 (F0 9F 98 80) in UTF-8, unlike in UTF-16.
    expect(scanned).toEqual(['a', 'ab', 'a~', 'b', '\uffff', '\u{1F600}']);
    expect(await keysOf(stub.getStateByPartialCompositeKey('t', ['a']))).toEqual([
      createCompositeKey('t', ['a']),
    ]);
  });

  it('pages like the peer: the bookmark is the inclusive start key of the next page', async () => {
    const ledger = createInMemoryLedger();
    const keys = ['1', '2', '3', '4', '5'].map((n) => createCompositeKey('p', ['x', n]));
    await put(ledger, Object.fromEntries(keys.map((key) => [key, 'v'])));
    const stub = simulate(ledger).stub;
    const first = await stub.getStateByPartialCompositeKeyWithPagination('p', ['x'], 2, '');
    expect(first.metadata).toEqual({ fetchedRecordsCount: 2, bookmark: keys[2] });
    expect(await keysOf(Promise.resolve(first.iterator))).toEqual(keys.slice(0, 2));
    const second = await stub.getStateByPartialCompositeKeyWithPagination('p', ['x'], 3, keys[2]);
    expect(await keysOf(Promise.resolve(second.iterator))).toEqual(keys.slice(2));
    expect(second.metadata.bookmark).toBe('');
    // Any key works as a bookmark, even one that does not exist.
    const skipped = await stub.getStateByPartialCompositeKeyWithPagination(
      'p',
      ['x'],
      10,
      createCompositeKey('p', ['x', '4']).slice(0, -1) + '5',
    );
    expect(await keysOf(Promise.resolve(skipped.iterator))).toEqual([keys[4]]);
  });

  it('supports for-await over query results, as the shim does', async () => {
    const ledger = createInMemoryLedger();
    await put(ledger, {
      [createCompositeKey('t', ['a'])]: '1',
      [createCompositeKey('t', ['b'])]: '2',
    });
    const values: string[] = [];
    for await (const kv of simulate(ledger).stub.getStateByPartialCompositeKey('t', [])) {
      values.push(text(kv.value));
    }
    expect(values).toEqual(['1', '2']);
  });

  it('refuses paginated queries and writes in the same transaction, in either order', async () => {
    const ledger = createInMemoryLedger();
    const queried = simulate(ledger);
    await queried.stub.getStateByPartialCompositeKeyWithPagination('t', [], 1, '');
    await expect(queried.stub.putState('k', Buffer.from('v'))).rejects.toThrow(
      /already performed a paginated query. Writes are not allowed/,
    );
    const written = simulate(ledger);
    await written.stub.putState('k', Buffer.from('v'));
    await expect(
      written.stub.getStateByPartialCompositeKeyWithPagination('t', [], 1, ''),
    ).rejects.toThrow(/Paginated queries are supported only in a read-only transaction/);
    const plain = simulate(ledger);
    await keysOf(plain.stub.getStateByPartialCompositeKey('t', []));
    await plain.stub.putState('k', Buffer.from('v'));
  });

  it('refuses composite keys in getStateByRange and rich queries, like the shim on LevelDB', async () => {
    const stub = simulate(createInMemoryLedger()).stub;
    await expect(stub.getStateByRange(createCompositeKey('t', ['a']), '')).rejects.toThrow(
      /null character/,
    );
    await expect(stub.getQueryResult('{}')).rejects.toThrow(/not supported for leveldb/);
    await expect(stub.putState('', Buffer.from('v'))).rejects.toThrow(/invalid key/);
    await expect(stub.putState('\ud800', Buffer.from('v'))).rejects.toThrow(/invalid key/);
  });

  it('keeps the last event of a transaction only', () => {
    const ledger = createInMemoryLedger();
    const simulation = simulate(ledger);
    simulation.stub.setEvent('First', Buffer.from('1'));
    simulation.stub.setEvent('Second', Buffer.from('2'));
    expect(() => {
      simulation.stub.setEvent('', Buffer.from('3'));
    }).toThrow(/non-empty/);
    ledger.commit(simulation);
    expect(ledger.events().map((event) => event.name)).toEqual(['Second']);
  });

  it('reports the history of a key newest first, with txId, timestamp and deletes', async () => {
    const ledger = createInMemoryLedger();
    for (const [at, value] of [
      ['2026-01-01T00:00:00.000Z', 'v1'],
      ['2026-01-02T00:00:00.000Z', ''],
      ['2026-01-03T00:00:00.500Z', 'v3'],
    ] as const) {
      const simulation = simulate(ledger, at);
      await simulation.stub.putState('k', Buffer.from(value));
      ledger.commit(simulation);
    }
    const iterator = await simulate(ledger).stub.getHistoryForKey('k');
    const history = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      history.push(next.value);
    }
    expect(history.map((entry) => [text(entry.value), entry.isDelete])).toEqual([
      ['v3', false],
      ['', true],
      ['v1', false],
    ]);
    expect(history[0]?.timestamp).toEqual({ seconds: 1767398400, nanos: 500_000_000 });
    expect(history[0]?.txId).toMatch(/^tx\d+$/);
  });

  it('commits key-level endorsement policies with their key and reads them back', async () => {
    const ledger = createInMemoryLedger();
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', 'Org1MSP');
    const simulation = simulate(ledger);
    await simulation.stub.putState('rec', Buffer.from('v'));
    await simulation.stub.setStateValidationParameter('rec', policy.getPolicy());
    await simulation.stub.setStateValidationParameter('missing', policy.getPolicy());
    expect(await simulation.stub.getStateValidationParameter('rec')).toBeUndefined();
    ledger.commit(simulation);
    const stub: ChaincodeStub = simulate(ledger).stub;
    const stored = await stub.getStateValidationParameter('rec');
    expect(new KeyEndorsementPolicy(stored).listOrgs()).toEqual(['Org1MSP']);
    expect(ledger.validationParameter('missing')).toBeUndefined();
    const deleting = simulate(ledger);
    await deleting.stub.deleteState('rec');
    ledger.commit(deleting);
    expect(ledger.validationParameter('rec')).toBeUndefined();
  });

  it('derives the transaction timestamp and identity from the proposal', () => {
    const stub = simulate(createInMemoryLedger(), '2026-11-22T03:27:06.155Z').stub;
    const { seconds, nanos } = stub.getTxTimestamp();
    expect(seconds.toNumber()).toBe(1795318026);
    expect(nanos).toBe(155_000_000);
    expect(stub.getDateTimestamp().toISOString()).toBe('2026-11-22T03:27:06.155Z');
    expect(stub.getFunctionAndParameters()).toEqual({ fcn: 'fn', params: ['a'] });
    expect(stub.getCreator()).toBe(creator);
    expect(stub.getChannelID()).toBe('health');
  });

  it('invalidates a transaction whose reads changed since it was simulated (MVCC)', async () => {
    const ledger = createInMemoryLedger();
    await put(ledger, { counter: '1' });
    const first = simulate(ledger);
    const second = simulate(ledger);
    for (const simulation of [first, second]) {
      await simulation.stub.getState('counter');
      await simulation.stub.putState('counter', Buffer.from('2'));
    }
    expect(ledger.commit(first)).toBe('VALID');
    expect(ledger.commit(second)).toBe('MVCC_READ_CONFLICT');
  });

  it('invalidates a transaction whose range read would now see other keys (phantom)', async () => {
    const ledger = createInMemoryLedger();
    const reader = simulate(ledger);
    await keysOf(reader.stub.getStateByPartialCompositeKey('t', ['x']));
    await reader.stub.putState('out', Buffer.from('v'));
    await put(ledger, { [createCompositeKey('t', ['x', '1'])]: 'v' });
    expect(ledger.commit(reader)).toBe('PHANTOM_READ_CONFLICT');
    const unrelated = simulate(ledger);
    await keysOf(unrelated.stub.getStateByPartialCompositeKey('t', ['y']));
    await put(ledger, { [createCompositeKey('t', ['x', '2'])]: 'v' });
    expect(ledger.commit(unrelated)).toBe('VALID');
  });

  describe('private data', () => {
    const MSPS = ['GovMSP', 'HospAMSP', 'HospBMSP'];
    const pair = 'pair_HospAMSP_HospBMSP';
    const as = (
      ledger: InMemoryLedger,
      mspid: string,
      extra: { transient?: Record<string, Uint8Array>; chaincodeName?: string } = {},
    ): Simulation => {
      counter += 1;
      return ledger.simulate({
        txId: `ptx${counter}`,
        timestamp: '2026-11-22T00:00:00.000Z',
        creator: { mspid, idBytes: Buffer.from('cert') },
        args: ['fn'],
        ...extra,
      });
    };
    const ready = (): InMemoryLedger =>
      createInMemoryLedger({ collections: collectionConfig(MSPS) });
    const sha = (text: string): Buffer => createHash('sha256').update(text).digest();

    it('configures the collections of the organizations as network/ does', () => {
      expect(collectionConfig(MSPS)).toEqual([
        { name: 'org_GovMSP', members: ['GovMSP'], memberOnlyRead: true, memberOnlyWrite: true },
        {
          name: 'org_HospAMSP',
          members: ['HospAMSP', 'GovMSP'],
          memberOnlyRead: true,
          memberOnlyWrite: true,
        },
        {
          name: 'org_HospBMSP',
          members: ['HospBMSP', 'GovMSP'],
          memberOnlyRead: true,
          memberOnlyWrite: true,
        },
        {
          name: pair,
          members: ['HospAMSP', 'HospBMSP', 'GovMSP'],
          memberOnlyRead: true,
          memberOnlyWrite: true,
        },
      ]);
      expect(ready().collections()).toEqual(collectionConfig(MSPS).map((each) => each.name));
    });

    it('keeps values per collection, hashes for every peer, committed state only', async () => {
      const ledger = ready();
      const writer = as(ledger, 'HospAMSP');
      await writer.stub.putPrivateData(pair, 'k', Buffer.from('v1'));
      expect((await writer.stub.getPrivateData(pair, 'k')).length).toBe(0);
      expect(writer.privateWrites()).toEqual([
        { collection: pair, key: 'k', value: Buffer.from('v1'), purge: false },
      ]);
      expect(ledger.commit(writer)).toBe('VALID');
      expect(text(ledger.privateGet(pair, 'k'))).toBe('v1');
      expect(ledger.privateHash(pair, 'k')).toEqual(sha('v1'));
      expect(ledger.privateGet('org_HospAMSP', 'k')).toBeUndefined();
      const outsider = as(ledger, 'OtherMSP');
      expect(Buffer.from(await outsider.stub.getPrivateDataHash(pair, 'k'))).toEqual(sha('v1'));
      expect((await outsider.stub.getPrivateDataHash(pair, 'none')).length).toBe(0);
      expect(outsider.privateReads()).toEqual([
        { collection: pair, key: 'k', kind: 'hash' },
        { collection: pair, key: 'none', kind: 'hash' },
      ]);
      await expect(outsider.stub.getPrivateData('pair_X_Y', 'k')).rejects.toThrow(
        /could not be found/,
      );
    });

    it('checks memberOnlyRead and memberOnlyWrite against the client organization', async () => {
      const ledger = ready();
      const outsider = as(ledger, 'HospBMSP');
      await expect(outsider.stub.getPrivateData('org_HospAMSP', 'k')).rejects.toThrow(
        /tx creator does not have read access permission/,
      );
      await expect(
        outsider.stub.putPrivateData('org_HospAMSP', 'k', Buffer.from('v')),
      ).rejects.toThrow(/tx creator does not have write access permission/);
      await expect(
        keysOf(outsider.stub.getPrivateDataByRange('org_HospAMSP', '', '')),
      ).rejects.toThrow(/read access/);
      const regulator = as(ledger, 'GovMSP');
      await regulator.stub.putPrivateData('org_HospAMSP', 'k', Buffer.from('v'));
      expect(ledger.commit(regulator)).toBe('VALID');
    });

    it('scans ranges from any key, composite keys included, and counts what it read', async () => {
      const ledger = ready();
      const keys = ['1', '2', '3', '4'].map((n) => createCompositeKey('evt~pat', ['pid-a', n]));
      const writer = as(ledger, 'HospAMSP');
      for (const key of keys) await writer.stub.putPrivateData(pair, key, Buffer.from('x'));
      ledger.commit(writer);
      const reader = as(ledger, 'HospBMSP');
      const end = createCompositeKey('evt~pat', ['pid-a']) + '\u{10ffff}';
      expect(await reader.stub.getPrivateDataByRange(pair, keys[1] ?? '', end)).toHaveProperty(
        'iterator',
      );
      expect(await keysOf(reader.stub.getPrivateDataByRange(pair, keys[1] ?? '', end))).toEqual(
        keys.slice(1),
      );
      expect(
        await keysOf(reader.stub.getPrivateDataByPartialCompositeKey(pair, 'evt~pat', ['pid-a'])),
      ).toEqual(keys);
      expect(reader.privateReads().filter((read) => read.kind === 'range')).toHaveLength(7);
    });

    it('refuses private range queries and writes in one transaction, in either order, as the peer does', async () => {
      const ledger = ready();
      const seed = as(ledger, 'HospAMSP');
      await seed.stub.putPrivateData(pair, createCompositeKey('t', ['a']), Buffer.from('x'));
      ledger.commit(seed);
      const writeRefused =
        /^txid \[ptx\d+\]: unsuppored transaction\. Transaction has already performed queries on pvt data\. Writes are not allowed$/;
      // A scan, then any kind of write: public, private, a delete, a purge, a key-level policy.
      const writes: ((stub: ChaincodeStub) => Promise<unknown>)[] = [
        (stub) => stub.putState('k', Buffer.from('v')),
        (stub) => stub.deleteState('k'),
        (stub) => stub.setStateValidationParameter('k', Buffer.from('ep')),
        (stub) => stub.putPrivateData(pair, 'k', Buffer.from('v')),
        (stub) => stub.deletePrivateData(pair, 'k'),
        (stub) => stub.purgePrivateData(pair, 'k'),
      ];
      for (const write of writes) {
        for (const scan of [
          (stub: ChaincodeStub) => stub.getPrivateDataByRange(pair, '', ''),
          (stub: ChaincodeStub) => stub.getPrivateDataByPartialCompositeKey(pair, 't', []),
        ]) {
          const scanned = as(ledger, 'HospAMSP');
          // Refused from the moment the query is made, even before (or without) iterating it.
          await scan(scanned.stub);
          await expect(write(scanned.stub)).rejects.toThrow(writeRefused);
          expect(scanned.privateWrites()).toEqual([]);
          expect(scanned.writes()).toEqual([]);
        }
      }
      // A write, then a scan of any collection: refused.
      const written = as(ledger, 'HospAMSP');
      await written.stub.putState('k', Buffer.from('v'));
      await expect(keysOf(written.stub.getPrivateDataByRange(pair, '', ''))).rejects.toThrow(
        /^txid \[ptx\d+\]: unsuppored transaction\. Queries on pvt data is supported only in a read-only transaction$/,
      );
      const privateWritten = as(ledger, 'HospAMSP');
      await privateWritten.stub.purgePrivateData(pair, 'k');
      await expect(
        keysOf(privateWritten.stub.getPrivateDataByPartialCompositeKey('org_HospAMSP', 't', [])),
      ).rejects.toThrow(/Queries on pvt data is supported only in a read-only transaction/);
      // Point reads of values and hashes, and public range scans, mix with writes freely.
      const mixed = as(ledger, 'HospAMSP');
      await mixed.stub.putPrivateData(pair, 'k', Buffer.from('v'));
      await mixed.stub.getPrivateData(pair, createCompositeKey('t', ['a']));
      await mixed.stub.getPrivateDataHash('org_HospBMSP', 'k');
      await keysOf(mixed.stub.getStateByPartialCompositeKey('t', []));
      await mixed.stub.putState('k', Buffer.from('v'));
      expect(ledger.commit(mixed)).toBe('VALID');
      // A read-only transaction scans as much as it likes.
      const reader = as(ledger, 'HospAMSP');
      expect(await keysOf(reader.stub.getPrivateDataByRange(pair, '', ''))).toHaveLength(2);
      expect(await keysOf(reader.stub.getPrivateDataByRange(pair, '', ''))).toHaveLength(2);
    });

    it('purges a key: no value and no hash afterwards, a purge marker in the history', async () => {
      const ledger = ready();
      const writer = as(ledger, 'HospAMSP');
      await writer.stub.putPrivateData(pair, 'k', Buffer.from('secret'));
      ledger.commit(writer);
      const purger = as(ledger, 'GovMSP');
      await purger.stub.purgePrivateData(pair, 'k');
      expect(ledger.commit(purger)).toBe('VALID');
      expect(ledger.privateGet(pair, 'k')).toBeUndefined();
      expect(ledger.privateHash(pair, 'k')).toBeUndefined();
      expect(ledger.privateHistory().map((write) => [write.key, write.purge])).toEqual([
        ['k', false],
        ['k', true],
      ]);
    });

    it('invalidates a transaction whose private reads changed (MVCC on the hashed read set)', async () => {
      const ledger = ready();
      const first = as(ledger, 'HospAMSP');
      const second = as(ledger, 'HospAMSP');
      for (const simulation of [first, second]) {
        await simulation.stub.getPrivateData(pair, 'nonce');
        await simulation.stub.putPrivateData(pair, 'nonce', Buffer.from('used'));
      }
      expect(ledger.commit(first)).toBe('VALID');
      expect(ledger.commit(second)).toBe('MVCC_READ_CONFLICT');
    });

    it('hands the chaincode its transient map and the chaincode name of the proposal', () => {
      const stub = as(ready(), 'HospAMSP', {
        transient: { request: Buffer.from('{}') },
        chaincodeName: 'consent-ledger-bench',
      }).stub;
      expect(text(stub.getTransient().get('request'))).toBe('{}');
      const proposal = stub.getSignedProposal() as unknown as {
        proposal: { header: { channelHeader: { getExtension_asU8(): Uint8Array } } };
      };
      expect(
        chaincodeNameOfExtension(proposal.proposal.header.channelHeader.getExtension_asU8()),
      ).toBe('consent-ledger-bench');
    });
  });
});
