import 'reflect-metadata';
import { describe, expect, it, vi } from 'vitest';
import { bootstrap, MSP, pid, refused, who } from '../testing/fixtures';
import {
  createTestNetwork,
  identity,
  type InvokeResult,
  type TestIdentity,
} from '../testing/harness';
import type { SimulationStub } from '../testing/in-memory-ledger';
import { BaselineContract, MAX_BASELINE_VALUE_BYTES } from './baseline.contract';

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');

/** Asserts that a Put succeeded and committed (Put returns nothing, so no JSON to decode). */
function committed(result: InvokeResult): void {
  expect(result.message, `${result.transaction} should succeed`).toBe('');
  expect(result.outcome).toBe('VALID');
}

/**
 * An organization's Fabric admin as the chaincode sees it: network/ enrolls it as a NodeOU admin
 * with `role=admin`, and the role attribute is what counts (the test certificates' OU is client).
 */
const fabricAdmin = identity({ mspId: MSP.tertiary, role: 'admin', commonName: 'tertiary-admin' });

describe('BaselineContract', () => {
  it('declares its transactions through decorators', () => {
    const contract = new BaselineContract();
    expect(contract.getName()).toBe('baseline');
    const meta = Reflect.getMetadata('fabric:transactions', BaselineContract.prototype) as {
      name: string;
    }[];
    expect(meta.map((t) => t.name).sort()).toEqual(['Get', 'Put']);
    // The context only: the key and value travel in the transient request, like every input.
    const paramTypes = Reflect.getMetadata(
      'design:paramtypes',
      BaselineContract.prototype,
      'Put',
    ) as unknown[];
    expect(paramTypes).toHaveLength(1);
    expect(meta.every((transaction) => !('parameters' in transaction))).toBe(true);
  });

  it('lets admins of every organization type Put, also before any organization is registered', async () => {
    const net = createTestNetwork();
    const admins: [TestIdentity, string][] = [
      [who.govAdmin, 'gov'],
      [who.tertiaryAdmin, 'tertiary'],
      [who.enterpriseAdmin, 'enterprise'],
      [who.researchAdmin, 'research'],
      [fabricAdmin, 'fabric-admin'],
      [identity({ mspId: 'UnknownMSP', role: 'admin' }), 'unregistered'],
    ];
    for (const [admin, name] of admins) {
      committed(await net.as(admin).submit('baseline:Put', [`by-${name}`, `value of ${name}`]));
      expect(text(net.ledger.get(`baseline:by-${name}`))).toBe(`value of ${name}`);
    }
  });

  it('writes exactly one key, the value as it is, and reads nothing', async () => {
    const net = createTestNetwork();
    await bootstrap(net);
    const reads: string[] = [];
    const simulate = net.ledger.simulate.bind(net.ledger);
    const spy = vi.spyOn(net.ledger, 'simulate').mockImplementation((options) => {
      const simulation = simulate(options);
      const stub: SimulationStub = simulation.stub;
      for (const method of [
        'getState',
        'getStateByRange',
        'getStateByPartialCompositeKey',
        'getQueryResult',
        'getHistoryForKey',
      ] as const) {
        const original = stub[method].bind(stub) as (...args: unknown[]) => unknown;
        vi.spyOn(stub, method).mockImplementation(((...args: unknown[]) => {
          reads.push(`${method}:${String(args[0])}`);
          return original(...args);
        }) as never);
      }
      return simulation;
    });
    const value = 'é'.repeat(MAX_BASELINE_VALUE_BYTES / 2);
    const put = await net.as(who.tertiaryAdmin).submit('baseline:Put', ['seeded-events', value]);
    const putReads = [...reads];
    // The spy sees reads: Get makes one.
    await net.as(who.tertiaryAdmin).evaluate('baseline:Get', ['seeded-events']);
    spy.mockRestore();
    expect(reads.slice(putReads.length)).toEqual(['getState:baseline:seeded-events']);
    committed(put);
    expect(put.writes).toHaveLength(1);
    expect(put.writes[0]?.key).toBe('baseline:seeded-events');
    expect(text(put.writes[0]?.value)).toBe(value);
    expect(put.event).toBeUndefined();
    expect(putReads).toEqual([]);
    expect(put.privateReads).toEqual([]);
  });

  it('refuses everyone but admins with FORBIDDEN, writing nothing', async () => {
    const net = createTestNetwork();
    await bootstrap(net);
    const height = net.ledger.height;
    const keys = net.ledger.keys();
    const others = [
      identity({ mspId: MSP.tertiary, role: 'patient', patientId: pid(1) }),
      identity({ mspId: MSP.enterprise, role: 'patient', patientId: pid(2) }),
      who.tertiaryClinician,
      who.regulator,
      who.govAnalyst,
      who.enterpriseAnalyst,
      who.researcher,
      identity({ mspId: MSP.tertiary }),
      identity({ mspId: MSP.tertiary, role: 'Admin' }),
      identity({ mspId: MSP.tertiary, role: 'patient', attributes: { admin: 'true' } }),
    ];
    for (const caller of others) {
      // Refused before the arguments are looked at: a bad key is FORBIDDEN too.
      for (const key of ['get-1', 'bad key']) {
        const put = await net.as(caller).submit('baseline:Put', [key, 'free text']);
        refused(put, { code: 'FORBIDDEN', message: /admin|role/ });
        expect(put.writes).toEqual([]);
      }
    }
    expect(net.ledger.height).toBe(height);
    expect(net.ledger.keys()).toEqual(keys);
  });

  it('refuses a bad key or an oversized value with INVALID_ARGUMENT naming it', async () => {
    const net = createTestNetwork();
    const badKeys = [
      '',
      'k'.repeat(129),
      'with space',
      'slash/key',
      'new\nline',
      'trailing\n',
      'nul\u0000',
      'ünïcode',
      'emoji-\u{1f600}',
    ];
    for (const key of badKeys) {
      refused(await net.as(who.govAdmin).submit('baseline:Put', [key, 'v']), {
        code: 'INVALID_ARGUMENT',
        message: /^INVALID_ARGUMENT: key: /,
      });
    }
    for (const value of ['v'.repeat(MAX_BASELINE_VALUE_BYTES + 1), 'é'.repeat(2049)]) {
      refused(await net.as(who.govAdmin).submit('baseline:Put', ['key', value]), {
        code: 'INVALID_ARGUMENT',
        message: /^INVALID_ARGUMENT: value: larger than 4096 bytes$/,
      });
    }
    expect(net.ledger.keys()).toEqual([]);
  });

  it('accepts the keys its callers use, at the bounds', async () => {
    const net = createTestNetwork();
    const keys = [
      'seeded-events',
      'get-0',
      'get-63',
      'put-mir0abcd3f2a1b-17',
      'network-0b9e3c1e-5a4f-4c1b-9f0e-2d7c5b8a6e41',
      'authz-key-a1b2c3d4e5f6',
      'gateway-e2e-mir0abc1z9',
      'x',
      'A.b_c:d-0',
      'k'.repeat(128),
    ];
    for (const key of keys) {
      committed(await net.as(who.govAdmin).submit('baseline:Put', [key, 'v'.repeat(4096)]));
    }
    expect(net.ledger.keys()).toEqual(keys.map((key) => `baseline:${key}`).sort());
    // An empty value is accepted (Fabric stores it as an absent key: Get answers empty).
    committed(await net.as(who.govAdmin).submit('baseline:Put', ['get-0', '']));
    const read = await net.as(who.govAdmin).evaluate('baseline:Get', ['get-0']);
    expect(read.payload.toString('utf8')).toBe('');
  });

  it('lets every member Get, also what it may not Put', async () => {
    const net = createTestNetwork();
    await bootstrap(net);
    committed(await net.as(who.tertiaryAdmin).submit('baseline:Put', ['get-1', 'hello']));
    const readers = [
      identity({ mspId: MSP.tertiary, role: 'patient', patientId: pid(1) }),
      who.tertiaryClinician,
      who.regulator,
      who.researcher,
      who.enterpriseAnalyst,
      who.govAdmin,
      identity({ mspId: MSP.research }),
    ];
    for (const reader of readers) {
      const read = await net.as(reader).evaluate('baseline:Get', ['get-1']);
      expect(read.message).toBe('');
      expect(read.payload.toString('utf8')).toBe('hello');
      const absent = await net.as(reader).evaluate('baseline:Get', ['gateway-readiness']);
      expect(absent.ok).toBe(true);
      expect(absent.payload.toString('utf8')).toBe('');
    }
  });
});
