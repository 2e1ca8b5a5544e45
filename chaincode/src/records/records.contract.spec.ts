import {
  batchLeaf,
  collectionFor,
  inclusionProof,
  MAX_BATCH_ITEMS,
  MAX_HASH_MATCHES,
  merkleRoot,
  toHex,
  type BatchItem,
  type RecordItem,
} from '@consent-ledger/ledger-api';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  bootstrap,
  consentInput,
  derived,
  grant,
  MSP,
  nth,
  ok,
  patientClient,
  pid,
  refused,
  registerPatients,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, identity, type TestNetwork } from '../testing/harness';
import { createCompositeKey, splitCompositeKey } from '../testing/in-memory-ledger';
import { policyOrganizations } from './endorsement';
import { parseBatchInput } from './record-input';

const hash = (n: number): string => n.toString(16).padStart(64, '0');
const item = (n: number, overrides: Partial<RecordItem> = {}): RecordItem => ({
  recordId: `rec-${n}`,
  patientId: pid(n % 3),
  category: 'outpatient',
  sha256: hash(n),
  ...overrides,
});
/** A batch item: a record item with its salt (16 bytes, base64url). */
const salted = (n: number, overrides: Partial<BatchItem> = {}): BatchItem => ({
  ...item(n),
  salt: derived(`item:${n}`),
  ...overrides,
});
const HOME = `org_${MSP.tertiary}`;

describe('records contract', () => {
  let network: TestNetwork;
  let patients: TestPatient[];
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    patients = await registerPatients(network, [0, 1, 2]);
  });
  const patient = (n: number): TestPatient => nth(patients, n);

  describe('AnchorRecord', () => {
    it('anchors version 1 with indexes, the owner key-level endorsement policy and an event', async () => {
      const result = await network
        .as(who.tertiaryClinician)
        .submit('records:AnchorRecord', [item(1)]);
      const anchor = ok(result);
      expect(anchor).toEqual({
        recordId: 'rec-1',
        version: 1,
        patientId: pid(1),
        category: 'outpatient',
        sha256: hash(1),
        owner: MSP.tertiary,
        anchoredBy: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        timestamp: result.timestamp,
        txId: result.txId,
      });
      // The public anchor names no patient and no category; the link is private. The hash index
      // holds only what the anchor already shows (the hash, the record, the version).
      expect(result.writes.map((write) => splitCompositeKey(write.key))).toEqual([
        { objectType: 'rec', attributes: [MSP.tertiary, 'rec-1'] },
        { objectType: 'rec~hash', attributes: [hash(1), MSP.tertiary, 'rec-1', '0000000001'] },
        { objectType: 'rec~ver', attributes: [MSP.tertiary, 'rec-1', '0000000001'] },
      ]);
      for (const write of result.writes) {
        const text = Buffer.from(write.value ?? []).toString('utf8');
        expect(text).not.toContain(pid(1));
        expect(text).not.toContain('outpatient');
      }
      expect(
        result.privateWrites.map((write) => [write.collection, splitCompositeKey(write.key)]),
      ).toEqual([
        [HOME, { objectType: 'rec~lnk', attributes: [MSP.tertiary, 'rec-1'] }],
        [HOME, { objectType: 'rec~own', attributes: [MSP.tertiary, 'rec-1'] }],
        [HOME, { objectType: 'rec~pat', attributes: [pid(1), MSP.tertiary, 'rec-1'] }],
      ]);
      const policy = network.ledger.validationParameter(
        createCompositeKey('rec', [MSP.tertiary, 'rec-1']),
      );
      expect(policyOrganizations(policy ?? new Uint8Array())).toEqual([MSP.tertiary]);
      expect(result.event).toEqual({
        name: 'RecordAnchored',
        payload: {
          recordId: 'rec-1',
          version: 1,
          owner: MSP.tertiary,
          sha256: hash(1),
          timestamp: result.timestamp,
        },
      });
    });

    it("keeps the link of another organization's record with the patient's home and that organization", async () => {
      const result = await network
        .as(who.communityClinician)
        .submit('records:AnchorRecord', [item(2)]);
      ok(result);
      expect(new Set(result.privateWrites.map((write) => write.collection))).toEqual(
        new Set([collectionFor(MSP.tertiary, MSP.community)]),
      );
      refused(
        await network
          .as(who.communityClinician)
          .submit('records:AnchorRecord', [item(5, { patientId: pid(99) })]),
        'PATIENT_NOT_FOUND',
      );
    });

    it('chains later versions of the owner, keeping the policy', async () => {
      ok(await network.as(who.tertiaryClinician).submit('records:AnchorRecord', [item(1)]));
      const result = await network
        .as(who.tertiaryAdmin)
        .submit('records:AnchorRecord', [item(1, { sha256: hash(2) })]);
      expect(ok(result)).toMatchObject({ version: 2, previousSha256: hash(1), sha256: hash(2) });
      expect(result.writes.map((write) => splitCompositeKey(write.key).objectType)).toEqual([
        'rec',
        'rec~hash',
        'rec~ver',
      ]);
      expect(result.privateWrites).toEqual([]);
      expect(
        network.ledger.validationParameter(createCompositeKey('rec', [MSP.tertiary, 'rec-1'])),
      ).toBeDefined();
      const history = ok(
        await network.as(who.regulator).evaluate('records:GetRecord', ['rec-1', MSP.tertiary]),
      );
      expect(history.head.version).toBe(2);
      expect(history.versions.map((version) => version.sha256)).toEqual([hash(1), hash(2)]);
      expect(history.versions.map((version) => version.patientId)).toEqual([pid(1), pid(1)]);
    });

    it('scopes record IDs by owner: two organizations anchor the same ID independently', async () => {
      ok(await network.as(who.tertiaryClinician).submit('records:AnchorRecord', [item(1)]));
      // The community hospital's own rec-1 (it got FORBIDDEN: the ID was squatted), for another
      // patient and category: its version 1, its keys, its policy.
      const theirs = await network
        .as(who.communityClinician)
        .submit('records:AnchorRecord', [
          item(1, { patientId: pid(2), category: 'imaging', sha256: hash(9) }),
        ]);
      expect(ok(theirs)).toMatchObject({ recordId: 'rec-1', version: 1, owner: MSP.community });
      expect(theirs.writes.map((write) => splitCompositeKey(write.key).attributes)).toEqual([
        [MSP.community, 'rec-1'],
        [hash(9), MSP.community, 'rec-1', '0000000001'],
        [MSP.community, 'rec-1', '0000000001'],
      ]);
      expect(
        policyOrganizations(
          network.ledger.validationParameter(createCompositeKey('rec', [MSP.community, 'rec-1'])) ??
            new Uint8Array(),
        ),
      ).toEqual([MSP.community]);
      // Each versions its own record only: the tertiary hospital's version 2 leaves the other's.
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('records:AnchorRecord', [item(1, { sha256: hash(9) })]),
        ),
      ).toMatchObject({ version: 2, previousSha256: hash(1), owner: MSP.tertiary });
      // Reads name the owner; the caller's own organization when left out or empty.
      const read = async (caller: typeof who.regulator, ...args: string[]) =>
        ok(await network.as(caller).evaluate('records:GetRecord', args)).versions.map((version) => [
          version.owner,
          version.version,
          version.sha256,
        ]);
      expect(await read(who.tertiaryAdmin, 'rec-1')).toEqual([
        [MSP.tertiary, 1, hash(1)],
        [MSP.tertiary, 2, hash(9)],
      ]);
      expect(await read(who.communityAdmin, 'rec-1', '')).toEqual([[MSP.community, 1, hash(9)]]);
      expect(await read(who.regulator, 'rec-1', MSP.community)).toEqual([
        [MSP.community, 1, hash(9)],
      ]);
      refused(await network.as(who.regulator).evaluate('records:GetRecord', ['rec-1']), {
        code: 'RECORD_NOT_FOUND',
        message: /rec-1 of GovMSP/,
      });
      refused(await network.as(who.regulator).evaluate('records:GetRecord', ['rec-1', 'bad msp']), {
        code: 'INVALID_ARGUMENT',
        message: /owner/,
      });
      const verify = (caller: typeof who.regulator, ...args: string[]) =>
        network.as(caller).evaluate('records:VerifyRecord', args);
      expect(ok(await verify(who.communityClinician, 'rec-1', hash(9)))).toMatchObject({
        verified: true,
        anchor: { owner: MSP.community, version: 1, patientId: pid(2), category: 'imaging' },
      });
      expect(
        ok(await verify(who.communityClinician, 'rec-1', hash(1), '1', MSP.tertiary)),
      ).toMatchObject({ verified: true, anchor: { owner: MSP.tertiary, version: 1 } });
      expect(ok(await verify(who.communityClinician, 'rec-1', hash(1)))).toMatchObject({
        verified: false,
        reason: 'HASH_MISMATCH',
        anchor: { owner: MSP.community },
      });
      // The links of both live side by side in the collection of the two hospitals.
      const links = await network
        .as(who.regulator)
        .evaluate('records:QueryAnchors', [{ pageSize: 10 }]);
      expect(ok(links).items.map((anchor) => [anchor.owner, anchor.recordId])).toEqual([
        [MSP.community, 'rec-1'],
        [MSP.tertiary, 'rec-1'],
      ]);
    });

    it('refuses a changed patient or category and the same hash', async () => {
      ok(await network.as(who.tertiaryClinician).submit('records:AnchorRecord', [item(1)]));
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('records:AnchorRecord', [item(1, { patientId: pid(2), sha256: hash(9) })]),
        'RULE_VIOLATION',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('records:AnchorRecord', [item(1, { category: 'imaging', sha256: hash(9) })]),
        'RULE_VIOLATION',
      );
      refused(
        await network.as(who.tertiaryClinician).submit('records:AnchorRecord', [item(1)]),
        'CONFLICT',
      );
    });

    it('refuses malformed records (INVALID_ARGUMENT)', async () => {
      for (const input of [
        item(1, { sha256: hash(1).toUpperCase().replace(/0/g, 'A') }),
        item(1, { sha256: 'xyz' }),
        item(1, { recordId: 'rec 1' }),
        item(1, { recordId: '' }),
        { ...item(1), category: 'dental' },
        { ...item(1), title: 'Chest X-ray of Zhang San' },
        { recordId: 'rec-1' },
      ]) {
        refused(
          await network.as(who.tertiaryClinician).submit('records:AnchorRecord', [input]),
          'INVALID_ARGUMENT',
        );
      }
    });

    it('lets an enterprise anchor consented wearable data only', async () => {
      const wearable = item(1, { category: 'wearable' });
      refused(await network.as(who.enterpriseAnalyst).submit('records:AnchorRecord', [wearable]), {
        code: 'FORBIDDEN',
        message: /no active permit/,
      });
      const consentId = (
        await grant(network, {
          patient: patient(1),
          input: consentInput({
            grantee: { org: MSP.enterprise },
            purposes: ['insurance'],
            categories: ['wearable'],
          }),
        })
      ).consentId;
      ok(await network.as(who.enterpriseAnalyst).submit('records:AnchorRecord', [wearable]));
      refused(
        await network
          .as(who.enterpriseAnalyst)
          .submit('records:AnchorRecord', [item(4, { patientId: pid(1) })]),
        { code: 'FORBIDDEN', message: /wearable data only/ },
      );
      ok(
        await patientClient(network, patient(1)).submit('consent:RevokeConsent', {
          consentId,
          expectedVersion: 1,
        }),
      );
      refused(
        await network
          .as(who.enterpriseAdmin)
          .submit('records:AnchorRecord', [item(7, { patientId: pid(1), category: 'wearable' })]),
        'FORBIDDEN',
      );
    });

    it('applies the grantee role of the wearable consent', async () => {
      await grant(network, {
        patient: patient(1),
        input: consentInput({
          grantee: { org: MSP.enterprise, role: 'analyst' },
          purposes: ['treatment'],
          categories: ['wearable'],
        }),
      });
      ok(
        await network
          .as(who.enterpriseAnalyst)
          .submit('records:AnchorRecord', [item(1, { category: 'wearable' })]),
      );
      refused(
        await network
          .as(who.enterpriseAdmin)
          .submit('records:AnchorRecord', [item(4, { patientId: pid(1), category: 'wearable' })]),
        'FORBIDDEN',
      );
    });
  });

  describe('AnchorBatch', () => {
    it('anchors the RFC 6962 root of the salted items and stores only the public batch', async () => {
      const items = Array.from({ length: 7 }, (_, n) =>
        salted(n, { category: n % 2 === 0 ? 'imaging' : 'laboratory' }),
      );
      const result = await network
        .as(who.tertiaryClinician)
        .submit('records:AnchorBatch', [{ items }]);
      const batch = ok(result);
      expect(batch).toEqual({
        batchId: expect.stringMatching(/^bat-[0-9a-f]{24}$/) as string,
        root: toHex(merkleRoot(items.map(batchLeaf))),
        size: 7,
        owner: MSP.tertiary,
        anchoredBy: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        timestamp: result.timestamp,
        txId: result.txId,
      });
      expect(result.writes.map((write) => splitCompositeKey(write.key))).toEqual([
        { objectType: 'bat', attributes: [batch.batchId] },
      ]);
      expect(result.privateWrites).toEqual([]);
      // A leaf's salt makes its hash useless for guessing the reading.
      expect(
        toHex(merkleRoot(items.map((each) => batchLeaf({ ...each, salt: derived('x') })))),
      ).not.toBe(batch.root);
      expect(result.event).toEqual({
        name: 'BatchAnchored',
        payload: {
          batchId: batch.batchId,
          root: batch.root,
          size: 7,
          owner: MSP.tertiary,
          timestamp: result.timestamp,
        },
      });
      expect(
        ok(await network.as(who.researcher).evaluate('records:GetBatch', [batch.batchId])),
      ).toEqual(batch);
    });

    it('accepts a client batch ID once', async () => {
      ok(
        await network
          .as(who.tertiaryClinician)
          .submit('records:AnchorBatch', [{ batchId: 'nightly-2026-11-21', items: [salted(1)] }]),
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('records:AnchorBatch', [{ batchId: 'nightly-2026-11-21', items: [salted(2)] }]),
        'CONFLICT',
      );
    });

    it('validates every item, the size and duplicate record IDs', async () => {
      for (const [input, message] of [
        [{ items: [] }, /batch\.items/],
        [
          { items: [salted(1), salted(2), salted(1, { sha256: hash(5) })] },
          /batch\.items\[2\]\.recordId: duplicates items\[0\]/,
        ],
        [{ items: [salted(1), { ...salted(2), sha256: 'no' }] }, /batch\.items\[1\]\.sha256/],
        [{ items: [salted(1), item(2)] }, /batch\.items\[1\]\.salt/],
        [{ items: [salted(1, { salt: 'short' })] }, /batch\.items\[0\]\.salt/],
        [{ batchId: 'bad id', items: [salted(1)] }, /batch\.batchId/],
        [{ items: [salted(1)], signature: 'x' }, /Unrecognized key/],
      ] as const) {
        refused(await network.as(who.tertiaryClinician).submit('records:AnchorBatch', [input]), {
          code: 'INVALID_ARGUMENT',
          message,
        });
      }
    });

    it('takes up to 100,000 items and refuses more, before validating any item', async () => {
      const items = Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, n) => ({
        ...item(n),
        salt: 'AAAAAAAAAAAAAAAAAAAAAA',
      }));
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('records:AnchorBatch', [
            JSON.stringify({ items: [...items.slice(1), { bogus: true }] }),
          ]),
        {
          code: 'INVALID_ARGUMENT',
          message: /batch\.items: Too big: expected array to have <=100000 items$/,
        },
      );
      expect(parseBatchInput(JSON.stringify({ items: items.slice(1) })).items).toHaveLength(
        MAX_BATCH_ITEMS,
      );
      const thousand = items.slice(0, 1000);
      const batch = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('records:AnchorBatch', [JSON.stringify({ items: thousand })]),
      );
      expect(batch).toMatchObject({
        size: 1000,
        root: toHex(merkleRoot(thousand.map(batchLeaf))),
      });
    });

    it('applies the wearable rule to every item of an enterprise batch', async () => {
      await grant(network, {
        patient: patient(1),
        input: consentInput({
          grantee: { org: MSP.enterprise },
          purposes: ['research'],
          categories: ['wearable'],
        }),
      });
      const consented = [salted(1, { category: 'wearable' }), salted(4, { category: 'wearable' })];
      ok(
        await network.as(who.enterpriseAdmin).submit('records:AnchorBatch', [{ items: consented }]),
      );
      refused(
        await network
          .as(who.enterpriseAdmin)
          .submit('records:AnchorBatch', [
            { items: [...consented, salted(2, { category: 'wearable' })] },
          ]),
        { code: 'FORBIDDEN', message: new RegExp(pid(2)) },
      );
    });
  });

  describe('verification and reads', () => {
    beforeEach(async () => {
      ok(await network.as(who.tertiaryClinician).submit('records:AnchorRecord', [item(1)]));
      ok(
        await network
          .as(who.tertiaryClinician)
          .submit('records:AnchorRecord', [item(1, { sha256: hash(11) })]),
      );
      ok(await network.as(who.communityClinician).submit('records:AnchorRecord', [item(2)]));
    });

    it('finds every anchored version of any owner by its hash alone, latest or superseded', async () => {
      // The community hospital anchors the content of tertiary's superseded rec-1 v1 as its rec-7.
      ok(
        await network
          .as(who.communityClinician)
          .submit('records:AnchorRecord', [item(7, { sha256: hash(1) })]),
      );
      // Anyone may look a hash up (the anchors are public): a researcher here.
      const found = ok(
        await network.as(who.researcher).evaluate('records:FindAnchorsByHash', [hash(1)]),
      );
      expect(found.sha256).toBe(hash(1));
      expect(found.truncated).toBe(false);
      // In key order: owner, record, version.
      expect(
        found.matches.map(({ anchor, latestVersion }) => [
          anchor.owner,
          anchor.recordId,
          anchor.version,
          latestVersion,
        ]),
      ).toEqual([
        [MSP.community, 'rec-7', 1, 1],
        [MSP.tertiary, 'rec-1', 1, 2],
      ]);
      for (const { anchor } of found.matches) {
        expect(anchor.sha256).toBe(hash(1));
        // Public fields only, even for a caller holding the link.
        expect(anchor).not.toHaveProperty('patientId');
        expect(anchor).not.toHaveProperty('category');
      }
      const own = ok(
        await network.as(who.tertiaryClinician).evaluate('records:FindAnchorsByHash', [hash(11)]),
      );
      expect(own.matches).toEqual([
        {
          anchor: expect.objectContaining({
            owner: MSP.tertiary,
            recordId: 'rec-1',
            version: 2,
            previousSha256: hash(1),
          }) as unknown,
          latestVersion: 2,
        },
      ]);
      expect(own.matches[0]?.anchor).not.toHaveProperty('patientId');
      expect(
        ok(await network.as(who.regulator).evaluate('records:FindAnchorsByHash', [hash(99)])),
      ).toEqual({ sha256: hash(99), matches: [], truncated: false });
    });

    it('answers at most MAX_HASH_MATCHES anchors of one hash, and says there are more', async () => {
      const same = hash(77);
      for (let n = 0; n <= MAX_HASH_MATCHES; n += 1) {
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('records:AnchorRecord', [
              item(n, { recordId: `same-${String(n).padStart(3, '0')}`, sha256: same }),
            ]),
        );
      }
      const found = ok(
        await network.as(who.regulator).evaluate('records:FindAnchorsByHash', [same]),
      );
      expect(found.truncated).toBe(true);
      expect(found.matches).toHaveLength(MAX_HASH_MATCHES);
      expect(found.matches.at(-1)?.anchor.recordId).toBe(
        `same-${String(MAX_HASH_MATCHES - 1).padStart(3, '0')}`,
      );
    });

    it('refuses a malformed hash to look up', async () => {
      const find = (...args: string[]) =>
        network.as(who.tertiaryClinician).evaluate('records:FindAnchorsByHash', args);
      refused(await find('abc'), 'INVALID_ARGUMENT');
      refused(await find(hash(1).toUpperCase().replace(/0/g, 'A')), 'INVALID_ARGUMENT');
      refused(await find(''), 'INVALID_ARGUMENT');
      refused(await find(hash(1), 'extra'), 'INVALID_ARGUMENT');
      refused(await find(), 'INVALID_ARGUMENT');
    });

    it('takes the version and the owner as optional third and fourth arguments', async () => {
      const verify = (...args: string[]) =>
        network.as(who.tertiaryClinician).evaluate('records:VerifyRecord', args);
      expect(ok(await verify('rec-1', hash(11))).verified).toBe(true);
      expect(ok(await verify('rec-1', hash(1), '1')).verified).toBe(true);
      expect(ok(await verify('rec-1', hash(1), '1', MSP.tertiary)).verified).toBe(true);
      refused(await verify('rec-1'), {
        code: 'INVALID_ARGUMENT',
        message: /VerifyRecord takes 2 to 4 arguments, not 1/,
      });
      refused(await verify('rec-1', hash(1), '1', MSP.tertiary, 'extra'), 'INVALID_ARGUMENT');
      refused(
        await network.as(identity({ mspId: MSP.tertiary })).evaluate('records:VerifyRecord', []),
        {
          code: 'FORBIDDEN',
          message: /no valid role/,
        },
      );
    });

    it('verifies a hash against the latest or a named version', async () => {
      expect(
        ok(
          await network
            .as(who.communityClinician)
            .evaluate('records:VerifyRecord', ['rec-1', hash(11), '', MSP.tertiary]),
        ),
      ).toMatchObject({
        verified: true,
        reason: 'MATCH',
        anchor: { version: 2 },
      });
      expect(
        ok(
          await network
            .as(who.regulator)
            .evaluate('records:VerifyRecord', ['rec-1', hash(1), '', MSP.tertiary]),
        ),
      ).toMatchObject({
        verified: false,
        reason: 'HASH_MISMATCH',
        anchor: { version: 2 },
      });
      const home = network.as(who.tertiaryAdmin);
      expect(
        ok(await home.evaluate('records:VerifyRecord', ['rec-1', hash(1), '1', MSP.tertiary])),
      ).toMatchObject({
        verified: true,
        anchor: { version: 1, patientId: pid(1), category: 'outpatient' },
      });
      refused(
        await home.evaluate('records:VerifyRecord', ['rec-1', hash(1), '3', MSP.tertiary]),
        'RECORD_NOT_FOUND',
      );
      refused(
        await home.evaluate('records:VerifyRecord', ['rec-9', hash(1), '', MSP.tertiary]),
        'RECORD_NOT_FOUND',
      );
      // Anyone holding the document verifies it; only holders of the link learn whose it is.
      const outsider = ok(
        await network
          .as(who.researcher)
          .evaluate('records:VerifyRecord', ['rec-1', hash(1), '1', MSP.tertiary]),
      );
      expect(outsider.verified).toBe(true);
      expect(outsider.anchor).not.toHaveProperty('patientId');
      expect(outsider.anchor).not.toHaveProperty('category');
      refused(
        await home.evaluate('records:VerifyRecord', ['rec-1', hash(1), '01', MSP.tertiary]),
        'INVALID_ARGUMENT',
      );
      refused(
        await home.evaluate('records:VerifyRecord', ['rec-1', 'abc', '', MSP.tertiary]),
        'INVALID_ARGUMENT',
      );
      refused(
        await home.evaluate('records:VerifyRecord', ['rec 1', hash(1), '']),
        'INVALID_ARGUMENT',
      );
    });

    it('returns a record with all its versions to any member, its patient to holders of the link only', async () => {
      const history = ok(
        await network.as(who.tertiaryAdmin).evaluate('records:GetRecord', ['rec-1', MSP.tertiary]),
      );
      expect(history.versions.map((version) => version.version)).toEqual([1, 2]);
      expect(history.head).toEqual(history.versions[1]);
      expect(history.head).toMatchObject({ patientId: pid(1), category: 'outpatient' });
      for (const holder of [who.regulator, who.tertiaryClinician]) {
        expect(
          ok(await network.as(holder).evaluate('records:GetRecord', ['rec-1', MSP.tertiary])).head
            .patientId,
        ).toBe(pid(1));
      }
      for (const outsider of [who.communityClinician, who.researcher, who.enterpriseAdmin]) {
        const seen = ok(
          await network.as(outsider).evaluate('records:GetRecord', ['rec-1', MSP.tertiary]),
        );
        expect(seen.head).not.toHaveProperty('patientId');
        expect(seen.versions.every((version) => version.category === undefined)).toBe(true);
      }
      // The community hospital's record of a tertiary patient: the two hospitals hold its link.
      expect(
        ok(
          await network
            .as(who.tertiaryAdmin)
            .evaluate('records:GetRecord', ['rec-2', MSP.community]),
        ).head.patientId,
      ).toBe(pid(2));
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .evaluate('records:GetRecord', ['rec-2', MSP.community]),
        ).head,
      ).toMatchObject({ patientId: pid(2) });
      refused(
        await network
          .as(who.enterpriseAdmin)
          .evaluate('records:GetRecord', ['rec-404', MSP.enterprise]),
        'RECORD_NOT_FOUND',
      );
      refused(
        await network.as(who.enterpriseAdmin).evaluate('records:GetRecord', ['']),
        'INVALID_ARGUMENT',
      );
    });

    it('verifies batch members with their audit path', async () => {
      const items = Array.from({ length: 5 }, (_, n) => salted(n + 10));
      const batch = ok(
        await network.as(who.tertiaryClinician).submit('records:AnchorBatch', [{ items }]),
      );
      const leaves = items.map(batchLeaf);
      const claim = (
        index: number,
        overrides: Record<string, unknown> = {},
      ): Record<string, unknown> => ({
        batchId: batch.batchId,
        item: items[index],
        leafIndex: index,
        auditPath: inclusionProof(leaves, index).map(toHex),
        ...overrides,
      });
      for (let index = 0; index < items.length; index += 1) {
        expect(
          ok(await network.as(who.regulator).evaluate('records:VerifyBatchMember', [claim(index)])),
        ).toEqual({
          verified: true,
          reason: 'MATCH',
          batch,
        });
      }
      const forged = await network
        .as(who.regulator)
        .evaluate('records:VerifyBatchMember', [
          claim(3, { item: { ...items[3], sha256: hash(999) } }),
        ]);
      expect(ok(forged)).toMatchObject({ verified: false, reason: 'PROOF_MISMATCH' });
      const moved = await network
        .as(who.regulator)
        .evaluate('records:VerifyBatchMember', [claim(3, { leafIndex: 2 })]);
      expect(ok(moved).verified).toBe(false);
      const outside = await network
        .as(who.regulator)
        .evaluate('records:VerifyBatchMember', [claim(3, { leafIndex: 5 })]);
      expect(ok(outside)).toMatchObject({ verified: false, reason: 'LEAF_INDEX_OUT_OF_RANGE' });
      // Whoever holds an item and its proof (the anchoring organization hands them out) verifies it.
      expect(
        ok(await network.as(who.researcher).evaluate('records:VerifyBatchMember', [claim(1)]))
          .verified,
      ).toBe(true);
      // The salt is part of the leaf: a guessed reading with another salt does not verify.
      const guessed = await network
        .as(who.regulator)
        .evaluate('records:VerifyBatchMember', [
          claim(1, { item: { ...items[1], salt: derived('guess') } }),
        ]);
      expect(ok(guessed)).toMatchObject({ verified: false, reason: 'PROOF_MISMATCH' });
      refused(
        await network
          .as(who.regulator)
          .evaluate('records:VerifyBatchMember', [claim(1, { item: item(11) })]),
        { code: 'INVALID_ARGUMENT', message: /member\.item\.salt/ },
      );
      refused(
        await network
          .as(who.regulator)
          .evaluate('records:VerifyBatchMember', [claim(1, { batchId: 'missing' })]),
        'BATCH_NOT_FOUND',
      );
      refused(
        await network
          .as(who.regulator)
          .evaluate('records:VerifyBatchMember', [claim(1, { auditPath: ['zz'] })]),
        'INVALID_ARGUMENT',
      );
      refused(
        await network
          .as(who.regulator)
          .evaluate('records:VerifyBatchMember', [claim(1, { leafIndex: -1 })]),
        'INVALID_ARGUMENT',
      );
    });

    it('refuses unknown and malformed batch IDs', async () => {
      refused(
        await network.as(who.regulator).evaluate('records:GetBatch', ['bat-none']),
        'BATCH_NOT_FOUND',
      );
      refused(
        await network.as(who.regulator).evaluate('records:GetBatch', ['bat none']),
        'INVALID_ARGUMENT',
      );
    });

    it('scopes QueryAnchors: the regulator all, patients their own, others their organization', async () => {
      const idsOf = (page: { readonly items: readonly { recordId: string }[] }): string[] =>
        page.items.map((anchor) => anchor.recordId);
      expect(
        idsOf(ok(await network.as(who.regulator).evaluate('records:QueryAnchors', ['']))),
      ).toEqual(['rec-2', 'rec-1']);
      expect(
        idsOf(
          ok(
            await network
              .as(who.regulator)
              .evaluate('records:QueryAnchors', [{ org: MSP.community }]),
          ),
        ),
      ).toEqual(['rec-2']);
      expect(
        idsOf(
          ok(
            await network
              .as(who.regulator)
              .evaluate('records:QueryAnchors', [{ patientId: pid(1) }]),
          ),
        ),
      ).toEqual(['rec-1']);
      expect(
        ok(
          await network.as(who.regulator).evaluate('records:QueryAnchors', [{ patientId: pid(1) }]),
        ).items[0]?.version,
      ).toBe(2);
      // The home's admin reads its patient's records, whoever owns them.
      const patientRecords = ok(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('records:QueryAnchors', [{ patientId: pid(2) }]),
      );
      expect(idsOf(patientRecords)).toEqual(['rec-2']);
      expect(patientRecords.items[0]).toMatchObject({ owner: MSP.community, patientId: pid(2) });
      expect(
        idsOf(
          ok(
            await network
              .as(who.communityAdmin)
              .evaluate('records:QueryAnchors', [{ patientId: pid(1) }]),
          ),
        ),
      ).toEqual([]);
      expect(
        idsOf(ok(await network.as(who.tertiaryAdmin).evaluate('records:QueryAnchors', [{}]))),
      ).toEqual(['rec-1']);
      expect(
        idsOf(
          ok(
            await network
              .as(who.tertiaryClinician)
              .evaluate('records:QueryAnchors', [{ patientId: pid(2) }]),
          ),
        ),
      ).toEqual([]);
      refused(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('records:QueryAnchors', [{ org: MSP.community }]),
        'FORBIDDEN',
      );
      const first = ok(
        await network.as(who.regulator).evaluate('records:QueryAnchors', [{ pageSize: 1 }]),
      );
      // In key order: by owner (CommunityHospitalMSP first), then ID.
      expect(idsOf(first)).toEqual(['rec-2']);
      const second = ok(
        await network
          .as(who.regulator)
          .evaluate('records:QueryAnchors', [{ pageSize: 1, bookmark: first.bookmark }]),
      );
      expect(idsOf(second)).toEqual(['rec-1']);
      expect(second.bookmark).toBe('');
      refused(
        await network.as(who.regulator).evaluate('records:QueryAnchors', [{ org: 'bad org' }]),
        'INVALID_ARGUMENT',
      );
    });
  });
});
