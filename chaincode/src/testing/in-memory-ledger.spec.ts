import { ChaincodeStub as ShimStub, KeyEndorsementPolicy } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim-api';
import { describe, expect, it } from 'vitest';
import { createCompositeKey, createInMemoryLedger, splitCompositeKey } from './in-memory-ledger';
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

async function keysOf(
  query: Promise<{ next(): Promise<{ done: boolean; value: { key: string } }> }>,
): Promise<string[]> {
  const iterator = await query;
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
});
