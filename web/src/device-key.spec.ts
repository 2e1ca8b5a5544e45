import { describe, expect, it } from 'vitest';
import { generatePatientKey } from '@consent-ledger/ledger-api';
import { createDeviceKeyStore, keySlot, memoryKeyRecords, pendingSlot } from './device-key.ts';

/**
 * The key store's rules, over records in a map (no IndexedDB in Node and no fake of it among the
 * dependencies; the browser journey keeps a real key in Chromium's IndexedDB).
 */

const PID = 'pid-abcdefghijklmnop';
const RP = 'rp-qrstuvwxyz234567';
const now = (): Date => new Date('2026-12-06T08:00:00.000Z');

describe('the device key store', () => {
  it('keeps one non-extractable key per pseudonym and per guardian ID', async () => {
    const records = memoryKeyRecords();
    const store = createDeviceKeyStore({ records, now });
    const patientSlot = keySlot({ kind: 'patient', id: PID });
    const guardianSlot = keySlot({ kind: 'guardian', id: RP });
    expect(patientSlot).toBe(`patient:${PID}`);
    expect(guardianSlot).toBe(`guardian:${RP}`);
    expect(await store.load(patientSlot)).toBeUndefined();
    const mine = await store.create(patientSlot);
    const theirs = await store.create(guardianSlot);
    expect(mine.privateKey.extractable).toBe(false);
    expect(mine.createdAt).toBe('2026-12-06T08:00:00.000Z');
    expect((await store.load(patientSlot))?.keyId).toBe(mine.keyId);
    expect((await store.load(guardianSlot))?.keyId).toBe(theirs.keyId);
    expect(mine.keyId).not.toBe(theirs.keyId);
    await store.remove(patientSlot);
    expect(await store.load(patientSlot)).toBeUndefined();
    expect(records.slots()).toEqual([guardianSlot]);
  });

  it('keeps a first sign-in key aside until it is bound, then makes it the slot key', async () => {
    const records = memoryKeyRecords();
    const store = createDeviceKeyStore({ records, now });
    const slot = keySlot({ kind: 'patient', id: PID });
    const seen: string[] = [];
    const result = await store.createFor(slot, (key) => {
      seen.push(...records.slots());
      expect(key.slot).toBe(pendingSlot(slot));
      return Promise.resolve(key.keyId);
    });
    expect(seen).toEqual([pendingSlot(slot)]);
    expect(records.slots()).toEqual([slot]);
    expect((await store.load(slot))?.keyId).toBe(result);
    expect((await store.load(slot))?.slot).toBe(slot);
  });

  it('leaves the working key alone when a first sign-in fails or is cancelled', async () => {
    const records = memoryKeyRecords();
    const store = createDeviceKeyStore({ records, now });
    const slot = keySlot({ kind: 'patient', id: PID });
    const working = await store.create(slot);
    await expect(
      store.createFor(slot, () => Promise.reject(new Error('CONFLICT: already activated'))),
    ).rejects.toThrow('already activated');
    expect((await store.load(slot))?.keyId).toBe(working.keyId);
  });

  it('makes keys that cannot be exported', async () => {
    const store = createDeviceKeyStore({ records: memoryKeyRecords() });
    const key = await store.create('patient:x');
    await expect(crypto.subtle.exportKey('pkcs8', key.privateKey)).rejects.toThrow();
    // A script's key (extractable, for a key file) is made only on request.
    const scriptKey = await generatePatientKey({ extractable: true });
    expect(scriptKey.privateKey.extractable).toBe(true);
  });
});
