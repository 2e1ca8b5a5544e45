import { beforeEach, describe, expect, it } from 'vitest';
import {
  ANY_GRANTEE,
  collectionFor,
  collectionsOf,
  type Consent,
  type ConsentInput,
  type PatientActions,
} from '@consent-ledger/ledger-api';
import {
  bootstrap,
  consentInput,
  keyOf,
  MSP,
  ok,
  patientClient,
  pid,
  refused,
  registerPatient,
  signFor,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { unmarshal } from '../ledger/marshal';
import { createTestNetwork, type TestNetwork } from '../testing/harness';
import { createCompositeKey, splitCompositeKey } from '../testing/in-memory-ledger';

const T0 = '2026-11-22T00:00:00.000Z';
const HOME = `org_${MSP.tertiary}`;
const terms = (overrides: Record<string, unknown> = {}): ConsentInput => consentInput(overrides);

describe('consent contract', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  let bob: TestPatient;
  beforeEach(async () => {
    network = createTestNetwork({ start: T0 });
    await bootstrap(network);
    alice = await registerPatient(network, 1);
    bob = await registerPatient(network, 2);
    network.setTime('2026-11-22T01:00:00.000Z');
  });

  const as = (patient: TestPatient, at?: string) =>
    patientClient(network, { ...patient, ...(at === undefined ? {} : { at }) });
  const grant = async (input: ConsentInput = terms(), patient = alice): Promise<Consent> =>
    ok(await as(patient).submit('consent:GrantConsent', input));
  const revoke = async (consent: Consent, patient = alice): Promise<Consent> =>
    ok(
      await as(patient).submit('consent:RevokeConsent', {
        consentId: consent.consentId,
        expectedVersion: consent.version,
      }),
    );
  const update = (
    consent: Pick<Consent, 'consentId' | 'version'>,
    input: ConsentInput,
    patient = alice,
    at?: string,
  ) =>
    as(patient, at).submit('consent:UpdateConsent', {
      ...input,
      consentId: consent.consentId,
      expectedVersion: consent.version,
    });
  const keysOf = (writes: readonly { collection: string; key: string }[]) =>
    writes.map((write) => ({ collection: write.collection, ...splitCompositeKey(write.key) }));

  describe('GrantConsent', () => {
    it('grants a permit signed by the patient: derived ID, version 1, private indexes and a bare event', async () => {
      const result = await as(alice).submit(
        'consent:GrantConsent',
        terms({
          purposes: ['treatment', 'referral', 'treatment'],
          categories: ['outpatient', 'laboratory'],
          validUntil: '2027-11-22T00:00:00.000Z',
          exceptions: [{ categories: ['genomic'], grantee: { role: 'researcher' } }],
        }),
      );
      const consent = ok(result);
      expect(consent).toEqual({
        consentId: expect.stringMatching(/^con-[0-9a-f]{24}$/) as string,
        patientId: pid(1),
        patientHome: MSP.tertiary,
        provision: 'permit',
        grantee: { org: MSP.tertiary },
        purposes: ['referral', 'treatment'],
        categories: ['laboratory', 'outpatient'],
        validFrom: result.timestamp,
        validUntil: '2027-11-22T00:00:00.000Z',
        exceptions: [{ categories: ['genomic'], grantee: { role: 'researcher' } }],
        status: 'active',
        version: 1,
        createdAt: result.timestamp,
        updatedAt: result.timestamp,
        signedBy: { kind: 'patient', id: pid(1) },
        txId: result.txId,
        salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as string,
      });
      // Nothing public, no identifier in the event: the block shows a name and hashes.
      expect(result.writes).toEqual([]);
      expect(result.event).toEqual({ name: 'ConsentGranted', payload: {} });
      const id = consent.consentId;
      expect(keysOf(result.privateWrites)).toEqual([
        { collection: HOME, objectType: 'con', attributes: [id] },
        {
          collection: HOME,
          objectType: 'con~end',
          attributes: ['2027-11-22T00:00:00.000Z', id],
        },
        { collection: HOME, objectType: 'con~gra', attributes: [MSP.tertiary, pid(1), id] },
        { collection: HOME, objectType: 'con~pat', attributes: [pid(1), MSP.tertiary, id] },
        // The set document the grantee's decisions about the patient read (no index scan).
        { collection: HOME, objectType: 'con~set', attributes: [pid(1), MSP.tertiary] },
        { collection: HOME, objectType: 'non', attributes: [expect.any(String) as string] },
      ]);
      expect(
        unmarshal(
          network.ledger.privateGet(HOME, createCompositeKey('con~set', [pid(1), MSP.tertiary])) ??
            new Uint8Array(),
        ),
      ).toEqual({
        patientId: pid(1),
        org: MSP.tertiary,
        ids: [id],
        txId: result.txId,
        salt: consent.salt,
      });
      // Index values are the transaction's salt, not a guessable 0x00.
      const index = network.ledger.privateGet(
        HOME,
        createCompositeKey('con~pat', [pid(1), MSP.tertiary, id]),
      );
      expect(Buffer.from(index ?? []).toString('base64url')).toBe(consent.salt);
    });

    it("keeps a consent to another organization with the patient's home and that organization only", async () => {
      const consent = await grant(terms({ grantee: { org: MSP.community } }));
      const result = network.ledger.privateGet(
        collectionFor(MSP.tertiary, MSP.community),
        createCompositeKey('con', [consent.consentId]),
      );
      expect(result).toBeDefined();
      for (const collection of network.ledger.collections()) {
        if (collection === collectionFor(MSP.tertiary, MSP.community)) continue;
        expect(
          network.ledger.privateGet(collection, createCompositeKey('con', [consent.consentId])),
          collection,
        ).toBeUndefined();
      }
    });

    it('grants a deny to everyone, indexed under *, in every collection of the home', async () => {
      const consent = await grant({ provision: 'deny', categories: ['genomic'] });
      expect(consent).toMatchObject({ provision: 'deny', categories: ['genomic'], exceptions: [] });
      expect(consent.grantee).toBeUndefined();
      expect(consent.purposes).toBeUndefined();
      const homes = collectionsOf(MSP.tertiary, network.mspIds);
      expect(homes).toHaveLength(4);
      for (const collection of homes) {
        expect(
          network.ledger.privateGet(
            collection,
            createCompositeKey('con~gra', [ANY_GRANTEE, pid(1), consent.consentId]),
          ),
          collection,
        ).toBeDefined();
      }
      expect(
        network.ledger.privateGet(
          'pair_CommunityHospitalMSP_EnterpriseMSP',
          createCompositeKey('con', [consent.consentId]),
        ),
      ).toBeUndefined();
    });

    it('refuses malformed terms with INVALID_ARGUMENT naming the field', async () => {
      const cases: [unknown, RegExp][] = [
        [terms({ extra: 1 }), /Unrecognized key.*extra/],
        [terms({ grantee: {} }), /consent\.grantee\.org: is required in a permit/],
        [terms({ purposes: [] }), /consent\.purposes/],
        [terms({ purposes: ['shopping'] }), /consent\.purposes\[0\]/],
        [
          { grantee: { org: MSP.tertiary }, categories: ['outpatient'] },
          /consent\.purposes: is required/,
        ],
        [terms({ validUntil: '2026-02-30T00:00:00.000Z' }), /consent\.validUntil: must be an ISO/],
        [terms({ validFrom: '2026-11-22T00:00:00Z' }), /consent\.validFrom/],
        [terms({ validUntil: '2026-11-21T00:00:00.000Z' }), /validUntil: must be in the future/],
        [
          terms({
            validFrom: '2027-01-01T00:00:00.000Z',
            validUntil: '2026-12-01T00:00:00.000Z',
          }),
          /validUntil: must be after validFrom/,
        ],
        [
          terms({ dataFrom: '2020-01-01T00:00:00.000Z', dataUntil: '2019-01-01T00:00:00.000Z' }),
          /consent\.dataUntil: must not be before dataFrom/,
        ],
        [{ provision: 'deny', exceptions: [{}] }, /consent\.exceptions: are for permits only/],
        [terms({ exceptions: Array.from({ length: 17 }, () => ({})) }), /consent\.exceptions/],
        [terms({ grantee: { org: 'Tertiary\u0000MSP' } }), /consent\.grantee\.org/],
        [terms({ grantee: { org: MSP.tertiary, role: 'patient' } }), /consent\.grantee\.role/],
        [
          terms({ grantee: { org: MSP.tertiary, practitionerId: 'Dr. Zhang' } }),
          /consent\.grantee\.practitionerId/,
        ],
        [terms({ note: 'free text' }), /Unrecognized key/],
        [[], /consent: Invalid input/],
        [null, /consent: Invalid input/],
      ];
      for (const [input, message] of cases) {
        const result = await as(alice).submit(
          'consent:GrantConsent',
          input as PatientActions['consent:GrantConsent'],
        );
        refused(result, { code: 'INVALID_ARGUMENT', message });
        expect(result.privateWrites).toEqual([]);
      }
      // The signed action itself, malformed.
      for (const [argument, message] of [
        ['{not json', /action: not valid JSON/],
        ['[]', /action: Invalid input/],
        [`"${'x'.repeat(70_000)}"`, /larger than 65536 bytes/],
        [JSON.stringify({ statement: '{}', signature: 'short' }), /action\.signature/],
        [JSON.stringify({ statement: '{}' }), /action\.signature/],
      ] as const) {
        refused(await network.as(alice.carrier).submit('consent:GrantConsent', [argument]), {
          code: 'INVALID_ARGUMENT',
          message,
        });
      }
    });

    it('refuses grantee organizations that are not registered (ORG_NOT_FOUND)', async () => {
      refused(
        await as(alice).submit('consent:GrantConsent', terms({ grantee: { org: 'NopeMSP' } })),
        { code: 'ORG_NOT_FOUND', message: /NopeMSP/ },
      );
      refused(
        await as(alice).submit(
          'consent:GrantConsent',
          terms({ exceptions: [{ grantee: { org: 'GhostMSP' } }] }),
        ),
        { code: 'ORG_NOT_FOUND', message: /GhostMSP/ },
      );
    });

    it('refuses what the patient did not sign, and carriers that do not hold the patient (FORBIDDEN)', async () => {
      // The home hospital signs with a key of its own: not bound to the patient.
      const hospitalKey = await keyOf('hospital:tertiary');
      refused(await as(alice).with({ key: hospitalKey }).submit('consent:GrantConsent', terms()), {
        code: 'FORBIDDEN',
        message: /not bound to the patient/,
      });
      // Or claims the patient's key ID with its own signature.
      refused(
        await as(alice)
          .with({
            key: hospitalKey,
            keyId: alice.key.keyId,
          })
          .submit('consent:GrantConsent', terms()),
        { code: 'FORBIDDEN', message: /signature does not verify/ },
      );
      // A member that does not hold the patient's home collection cannot carry the statement.
      const signed = await signFor(network, {
        patient: alice,
        action: 'consent:GrantConsent',
        payload: terms(),
      });
      const carried = await network
        .as(who.communityClinician)
        .submit('consent:GrantConsent', [signed]);
      refused(carried, { code: 'FORBIDDEN', message: /does not hold org_TertiaryHospitalMSP/ });
      // The same statement carried by any member of the home's collection is the patient's.
      ok(await network.as(who.tertiaryClinician).submit('consent:GrantConsent', [signed]));
    });
  });

  describe('UpdateConsent', () => {
    it('replaces the terms at the version signed, bumps the version and keeps the history', async () => {
      const first = await grant();
      const result = await update(first, terms({ categories: ['imaging'] }));
      const updated = ok(result);
      expect(updated).toMatchObject({
        consentId: first.consentId,
        version: 2,
        grantee: { org: MSP.tertiary },
        categories: ['imaging'],
        createdAt: first.createdAt,
        updatedAt: result.timestamp,
        validFrom: result.timestamp,
        signedBy: { kind: 'patient', id: pid(1) },
        txId: result.txId,
      });
      expect(updated.salt).not.toBe(first.salt);
      expect(result.event).toEqual({ name: 'ConsentUpdated', payload: {} });
      const history = ok(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('consent:GetConsentHistory', [first.consentId]),
      );
      expect(
        history.map((version) => [version.version, version.change, version.consent.categories]),
      ).toEqual([
        [1, 'granted', ['outpatient']],
        [2, 'updated', ['imaging']],
      ]);
      expect(history[1]).toMatchObject({ txId: result.txId, time: result.timestamp });
    });

    it('keeps its grantee organization: moving a consent elsewhere is a new grant (RULE_VIOLATION)', async () => {
      const first = await grant();
      for (const changed of [
        terms({ grantee: { org: MSP.community } }),
        { provision: 'deny', grantee: { role: 'clinician' }, categories: ['genomic'] } as const,
      ]) {
        refused(await update(first, changed), {
          code: 'RULE_VIOLATION',
          message: /keeps its grantee organization/,
        });
      }
    });

    it('writes the new version and the snapshot; the indexes stay', async () => {
      const first = await grant();
      const result = await update(first, terms({ categories: ['imaging'] }));
      expect(result.privateWrites.map((write) => splitCompositeKey(write.key).objectType)).toEqual([
        'con',
        'con~ver',
        'non',
      ]);
      const expiring = await grant(terms({ validUntil: '2027-01-01T00:00:00.000Z' }));
      const moved = await update(expiring, terms({ validUntil: '2027-06-01T00:00:00.000Z' }));
      expect(keysOf(moved.privateWrites).map((key) => [key.objectType, key.attributes[0]])).toEqual(
        [
          ['con', expiring.consentId],
          ['con~end', '2027-01-01T00:00:00.000Z'],
          ['con~end', '2027-06-01T00:00:00.000Z'],
          ['con~ver', expiring.consentId],
          ['non', expect.any(String)],
        ],
      );
    });

    it('refuses unknown consents, other patients, stale versions, revoked and expired consents', async () => {
      const first = await grant(terms({ validUntil: '2026-11-23T00:00:00.000Z' }));
      refused(
        await update({ consentId: 'con-000000000000000000000000', version: 1 }, terms()),
        'CONSENT_NOT_FOUND',
      );
      refused(await update(first, terms(), bob), {
        code: 'FORBIDDEN',
        message: /about another patient/,
      });
      refused(await update({ ...first, version: 7 }, terms()), {
        code: 'CONFLICT',
        message: /version 1, not 7/,
      });
      refused(await update({ ...first, consentId: 'nope' }, terms()), {
        code: 'INVALID_ARGUMENT',
        message: /consentId/,
      });
      refused(await update(first, terms({ purposes: [] })), 'INVALID_ARGUMENT');
      refused(
        await update(first, terms({ exceptions: [{ grantee: { org: 'NopeMSP' } }] })),
        'ORG_NOT_FOUND',
      );
      refused(await update(first, terms(), alice, '2026-11-23T00:00:00.000Z'), {
        code: 'RULE_VIOLATION',
        message: /expired/,
      });
      await revoke(first);
      refused(await update({ ...first, version: 2 }, terms()), {
        code: 'RULE_VIOLATION',
        message: /revoked/,
      });
      refused(await as(alice).submit('consent:GrantConsent', terms({ expectedVersion: 1 })), {
        code: 'INVALID_ARGUMENT',
        message: /expectedVersion/,
      });
    });
  });

  describe('RevokeConsent', () => {
    it('revokes at the version signed: status, revokedAt, version + 1, event; twice is a CONFLICT', async () => {
      const first = await grant();
      const result = await as(alice).submit('consent:RevokeConsent', {
        consentId: first.consentId,
        expectedVersion: 1,
      });
      expect(ok(result)).toMatchObject({
        status: 'revoked',
        revokedAt: result.timestamp,
        version: 2,
        txId: result.txId,
      });
      expect(result.event).toEqual({ name: 'ConsentRevoked', payload: {} });
      refused(
        await as(alice).submit('consent:RevokeConsent', {
          consentId: first.consentId,
          expectedVersion: 2,
        }),
        { code: 'CONFLICT', message: /already revoked/ },
      );
    });

    it('refuses a statement of an older version: it cannot undo a newer change (CONFLICT)', async () => {
      const first = await grant();
      ok(await update(first, terms({ categories: ['imaging'] })));
      const stale = await as(alice).submit('consent:RevokeConsent', {
        consentId: first.consentId,
        expectedVersion: 1,
      });
      refused(stale, { code: 'CONFLICT', message: /version 2, not 1/ });
      expect(stale.privateWrites).toEqual([]);
    });

    it('refuses unknown consents, bad IDs and other patients', async () => {
      const first = await grant();
      const revoking = (consentId: string, patient = alice) =>
        as(patient).submit('consent:RevokeConsent', { consentId, expectedVersion: 1 });
      refused(await revoking('con-ffffffffffffffffffffffff'), 'CONSENT_NOT_FOUND');
      refused(await revoking('con-XYZ'), 'INVALID_ARGUMENT');
      refused(await revoking(first.consentId, bob), 'FORBIDDEN');
      const elsewhere = await registerPatient(network, { n: 3, home: MSP.community });
      refused(await revoking(first.consentId, elsewhere), 'CONSENT_NOT_FOUND');
    });

    it("lets the patient act from another device, carried by any member of the patient's home collection", async () => {
      const first = await grant();
      const phone = await keyOf('patient:1:phone');
      ok(await as(alice).submit('patient:AddDevice', { publicKey: phone.publicKey }));
      ok(
        await patientClient(network, { ...alice, carrier: who.regulator })
          .with({ key: phone })
          .submit('consent:RevokeConsent', { consentId: first.consentId, expectedVersion: 1 }),
      );
    });
  });

  describe('EraseConsent', () => {
    it('purges a revoked consent, its versions and indexes from every collection, and leaves a receipt', async () => {
      const first = await grant(terms({ grantee: { org: MSP.community } }));
      const updated = ok(
        await update(first, terms({ grantee: { org: MSP.community }, categories: ['imaging'] })),
      );
      await revoke(updated);
      const pair = collectionFor(MSP.tertiary, MSP.community);
      const held = (): string[] =>
        network.ledger.privateKeys(pair).filter((key) => key.includes(first.consentId));
      expect(
        held()
          .map((key) => splitCompositeKey(key).objectType)
          .sort(),
      ).toEqual(['con', 'con~end', 'con~gra', 'con~pat', 'con~ver', 'con~ver']);
      const result = await as(alice).submit('consent:EraseConsent', { consentId: first.consentId });
      const receipt = ok(result);
      expect(receipt).toEqual({
        patientId: pid(1),
        kind: 'consent',
        subject: first.consentId,
        erasedAt: result.timestamp,
        txId: result.txId,
        requestedBy: { kind: 'patient', id: pid(1) },
        salt: expect.any(String) as string,
      });
      expect(result.event).toEqual({ name: 'ConsentErased', payload: {} });
      expect(result.privateWrites.filter((write) => write.purge)).toHaveLength(6);
      // Nothing readable after: no value, no hash, on any peer.
      expect(held()).toEqual([]);
      expect(
        network.ledger.privateHash(pair, createCompositeKey('con', [first.consentId])),
      ).toBeUndefined();
      for (const reader of [who.tertiaryAdmin, who.regulator, who.communityClinician]) {
        refused(
          await network.as(reader).evaluate('consent:GetConsent', [first.consentId]),
          'CONSENT_NOT_FOUND',
        );
      }
      // What was written before stays in the blocks' hashed write sets: history still verifies.
      expect(
        network.ledger
          .privateHistory()
          .filter((write) => write.key === createCompositeKey('con', [first.consentId])),
      ).toHaveLength(4);
      // The patient sees what was erased and when.
      expect(
        ok(await network.as(who.tertiaryAdmin).evaluate('patient:QueryErasures', [pid(1)])),
      ).toEqual([receipt]);
      refused(
        await as(alice).submit('consent:EraseConsent', { consentId: first.consentId }),
        'CONSENT_NOT_FOUND',
      );
    });

    it('erases every copy of a deny to everyone, and an expired consent; never an active one', async () => {
      const deny = await grant({ provision: 'deny', categories: ['genomic'] });
      refused(await as(alice).submit('consent:EraseConsent', { consentId: deny.consentId }), {
        code: 'RULE_VIOLATION',
        message: /active/,
      });
      await revoke(deny);
      ok(await as(alice).submit('consent:EraseConsent', { consentId: deny.consentId }));
      for (const collection of collectionsOf(MSP.tertiary, network.mspIds)) {
        expect(
          network.ledger.privateKeys(collection).filter((key) => key.includes(deny.consentId)),
          collection,
        ).toEqual([]);
      }
      const expiring = await grant(terms({ validUntil: '2026-11-23T00:00:00.000Z' }));
      ok(
        await as(alice, '2026-11-23T00:00:00.000Z').submit('consent:EraseConsent', {
          consentId: expiring.consentId,
        }),
      );
      refused(
        await as(bob).submit('consent:EraseConsent', { consentId: (await grant()).consentId }),
        { code: 'FORBIDDEN', message: /another patient/ },
      );
    });
  });

  describe('GetConsent and GetConsentHistory', () => {
    it("show a consent to its home's admins, the regulator and the grantee organization only", async () => {
      const first = await grant(terms({ grantee: { org: MSP.community } }));
      for (const reader of [
        who.tertiaryAdmin,
        who.regulator,
        who.communityClinician,
        who.communityAdmin,
      ]) {
        expect(
          ok(await network.as(reader).evaluate('consent:GetConsent', [first.consentId])).consentId,
        ).toBe(first.consentId);
        expect(
          ok(await network.as(reader).evaluate('consent:GetConsentHistory', [first.consentId])),
        ).toHaveLength(1);
      }
      for (const stranger of [
        who.tertiaryClinician,
        who.govAdmin,
        who.researcher,
        who.enterpriseAdmin,
      ]) {
        refused(
          await network.as(stranger).evaluate('consent:GetConsent', [first.consentId]),
          'FORBIDDEN',
        );
        refused(
          await network.as(stranger).evaluate('consent:GetConsentHistory', [first.consentId]),
          'FORBIDDEN',
        );
      }
    });

    it('tells each version by the transaction that made it, snapshotting a version when it is replaced', async () => {
      const first = await grant();
      const updated = await update(first, terms({ categories: ['imaging'] }));
      const revoked = await as(alice).submit('consent:RevokeConsent', {
        consentId: first.consentId,
        expectedVersion: 2,
      });
      const history = ok(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('consent:GetConsentHistory', [first.consentId]),
      );
      expect(history.map((version) => [version.version, version.change, version.txId])).toEqual([
        [1, 'granted', first.txId],
        [2, 'updated', updated.txId],
        [3, 'revoked', revoked.txId],
      ]);
      expect(history[2]?.consent.status).toBe('revoked');
      expect(history[0]?.consent.categories).toEqual(first.categories);
      const snapshots = network.ledger
        .privateKeys(HOME)
        .map((key) => splitCompositeKey(key))
        .filter((key) => key.objectType === 'con~ver')
        .map((key) => key.attributes);
      expect(snapshots).toEqual([
        [first.consentId, '0000000001'],
        [first.consentId, '0000000002'],
      ]);
    });

    it('reads a history whose current version also has a snapshot (the earlier layout) once', async () => {
      const first = await grant();
      const current = ok(
        await network.as(who.tertiaryAdmin).evaluate('consent:GetConsent', [first.consentId]),
      );
      // Write the snapshot the earlier layout kept for the current version, straight into state.
      const legacy = network.ledger.simulate({
        txId: 'legacy-layout',
        timestamp: first.updatedAt,
        creator: who.tertiaryAdmin.creator,
        args: ['none'],
      });
      await legacy.stub.putPrivateData(
        HOME,
        createCompositeKey('con~ver', [first.consentId, '0000000001']),
        Buffer.from(
          JSON.stringify({
            consentId: first.consentId,
            version: 1,
            change: 'granted',
            txId: first.txId,
            time: first.updatedAt,
            consent: current,
          }),
        ),
      );
      expect(network.ledger.commit(legacy)).toBe('VALID');
      const history = ok(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('consent:GetConsentHistory', [first.consentId]),
      );
      expect(history.map((version) => version.version)).toEqual([1]);
    });

    it('reports expired once validUntil has passed', async () => {
      const first = await grant(terms({ validUntil: '2026-12-01T00:00:00.000Z' }));
      const read = await network
        .as(who.tertiaryAdmin, { at: '2026-12-01T00:00:00.000Z' })
        .evaluate('consent:GetConsent', [first.consentId]);
      expect(ok(read).status).toBe('expired');
    });

    it('refuses unknown and malformed IDs', async () => {
      const admin = network.as(who.tertiaryAdmin);
      refused(
        await admin.evaluate('consent:GetConsent', ['con-000000000000000000000001']),
        'CONSENT_NOT_FOUND',
      );
      refused(await admin.evaluate('consent:GetConsent', ['']), 'INVALID_ARGUMENT');
      refused(
        await admin.evaluate('consent:GetConsentHistory', ['con-000000000000000000000001']),
        'CONSENT_NOT_FOUND',
      );
      refused(await admin.evaluate('consent:GetConsentHistory', ['x']), 'INVALID_ARGUMENT');
    });
  });

  describe('QueryConsents', () => {
    let ids: Record<string, string>;
    beforeEach(async () => {
      const a1 = await grant(terms(), alice);
      ids = {
        a1: a1.consentId,
        a2: (await grant(terms({ grantee: { org: MSP.community } }), alice)).consentId,
        a3: (await grant({ provision: 'deny', categories: ['genomic'] }, alice)).consentId,
        b1: (await grant(terms(), bob)).consentId,
      };
      await revoke(a1);
    });

    const idsOf = (page: { readonly items: readonly Consent[] }): string[] =>
      page.items.map((consent) => consent.consentId);
    const query = async (caller = who.tertiaryAdmin, input: Record<string, unknown> = {}) =>
      idsOf(ok(await network.as(caller).evaluate('consent:QueryConsents', [input])));

    it("shows the home's admins everything about their patients, across the home's collections", async () => {
      expect((await query(who.tertiaryAdmin, { patientId: pid(1) })).sort()).toEqual(
        [ids.a1, ids.a2, ids.a3].sort(),
      );
      expect(
        (await query(who.tertiaryAdmin, { patientId: pid(1), status: 'active' })).sort(),
      ).toEqual([ids.a2, ids.a3].sort());
      expect((await query(who.tertiaryAdmin, {})).sort()).toEqual(Object.values(ids).sort());
      // Another organization's admin sees what was granted to it, nothing else of the patient.
      expect(await query(who.communityAdmin, { patientId: pid(1) })).toEqual([ids.a2]);
      expect(await query(who.communityAdmin, { patientId: pid(9) })).toEqual([]);
    });

    it('shows other callers the consents granted to their organization only', async () => {
      expect((await query(who.tertiaryClinician, {})).sort()).toEqual([ids.a1, ids.b1].sort());
      expect(await query(who.tertiaryClinician, { patientId: pid(2) })).toEqual([ids.b1]);
      refused(
        await network
          .as(who.tertiaryClinician)
          .evaluate('consent:QueryConsents', [{ grantee: MSP.community }]),
        'FORBIDDEN',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .evaluate('consent:QueryConsents', [{ grantee: '*' }]),
        'FORBIDDEN',
      );
    });

    it('lets the regulator list and filter everything, page by page (a copied deny once)', async () => {
      const all: string[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = ok(
          await network
            .as(who.regulator)
            .evaluate('consent:QueryConsents', [
              { pageSize: 1, ...(bookmark === '' ? {} : { bookmark }) },
            ]),
        );
        all.push(...idsOf(page));
        bookmark = page.bookmark;
        pages += 1;
      } while (bookmark !== '');
      expect(all).toEqual(Object.values(ids).sort());
      expect(pages).toBe(4);
      expect(await query(who.regulator, { grantee: '*' })).toEqual([ids.a3]);
      expect(await query(who.regulator, { status: 'revoked' })).toEqual([ids.a1]);
      expect(await query(who.regulator, { grantee: MSP.tertiary, patientId: pid(2) })).toEqual([
        ids.b1,
      ]);
    });

    it('refuses malformed queries and bookmarks of another range', async () => {
      for (const input of [{ pageSize: 0 }, { pageSize: 101 }, { status: 'gone' }]) {
        refused(
          await network.as(who.regulator).evaluate('consent:QueryConsents', [input]),
          'INVALID_ARGUMENT',
        );
      }
      const bobsPage = ok(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('consent:QueryConsents', [{ patientId: pid(2), pageSize: 1 }]),
      );
      expect(bobsPage.bookmark).toBe('');
      const alicePage = ok(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('consent:QueryConsents', [{ patientId: pid(1), pageSize: 1 }]),
      );
      expect(alicePage.bookmark).not.toBe('');
      refused(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('consent:QueryConsents', [
            { patientId: pid(2), pageSize: 1, bookmark: alicePage.bookmark },
          ]),
        { code: 'INVALID_ARGUMENT', message: /bookmark/ },
      );
      refused(
        await network
          .as(who.tertiaryAdmin)
          .evaluate('consent:QueryConsents', [{ bookmark: 'not a bookmark!' }]),
        'INVALID_ARGUMENT',
      );
    });
  });
});
