import { beforeEach, describe, expect, it } from 'vitest';
import { ANY_GRANTEE, type Consent } from '@consent-ledger/ledger-api';
import { bootstrap, consentInput, MSP, ok, patient, pid, refused, who } from '../testing/fixtures';
import { createTestNetwork, type TestNetwork } from '../testing/harness';
import { createCompositeKey, splitCompositeKey } from '../testing/in-memory-ledger';

const T0 = '2026-11-22T00:00:00.000Z';
const alice = patient(1);
const bob = patient(2);

describe('consent contract', () => {
  let network: TestNetwork;
  beforeEach(async () => {
    network = createTestNetwork({ start: T0 });
    await bootstrap(network);
    network.setTime('2026-11-22T01:00:00.000Z');
  });

  const grant = async (
    input: Record<string, unknown> = consentInput(),
    who_ = alice,
  ): Promise<Consent> => ok(await network.as(who_).submit('consent:GrantConsent', [input]));

  describe('GrantConsent', () => {
    it('grants a permit: derived ID, version 1, sorted lists, defaults, indexes and event', async () => {
      const result = await network.as(alice).submit('consent:GrantConsent', [
        consentInput({
          purposes: ['treatment', 'referral', 'treatment'],
          categories: ['outpatient', 'laboratory'],
          validUntil: '2027-11-22T00:00:00.000Z',
          exceptions: [{ categories: ['genomic'], grantee: { role: 'researcher' } }],
        }),
      ]);
      const consent = ok(result);
      expect(consent).toEqual({
        consentId: expect.stringMatching(/^con-[0-9a-f]{24}$/) as string,
        patientId: pid(1),
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
        txId: result.txId,
      });
      expect(result.event).toEqual({
        name: 'ConsentGranted',
        payload: {
          consentId: consent.consentId,
          patientId: pid(1),
          provision: 'permit',
          granteeOrg: MSP.tertiary,
          status: 'active',
          change: 'granted',
          version: 1,
          timestamp: result.timestamp,
        },
      });
      expect(result.writes.map((write) => splitCompositeKey(write.key))).toEqual([
        { objectType: 'con', attributes: [consent.consentId] },
        { objectType: 'con~gra', attributes: [MSP.tertiary, pid(1), consent.consentId] },
        { objectType: 'con~pat', attributes: [pid(1), consent.consentId] },
      ]);
      expect(
        network.ledger.get(createCompositeKey('con~pat', [pid(1), consent.consentId])),
      ).toEqual(Buffer.of(0));
    });

    it('grants a deny to everyone, indexed under *', async () => {
      const consent = await grant({ provision: 'deny', categories: ['genomic'] });
      expect(consent).toMatchObject({ provision: 'deny', categories: ['genomic'], exceptions: [] });
      expect(consent.grantee).toBeUndefined();
      expect(consent.purposes).toBeUndefined();
      expect(
        network.ledger.get(createCompositeKey('con~gra', [ANY_GRANTEE, pid(1), consent.consentId])),
      ).toBeDefined();
    });

    it('refuses malformed terms with INVALID_ARGUMENT naming the field', async () => {
      const cases: [unknown, RegExp][] = [
        ['{not json', /consent: not valid JSON/],
        [consentInput({ extra: 1 }), /Unrecognized key.*extra/],
        [consentInput({ grantee: {} }), /consent\.grantee\.org: is required in a permit/],
        [consentInput({ purposes: [] }), /consent\.purposes/],
        [consentInput({ purposes: ['shopping'] }), /consent\.purposes\[0\]/],
        [
          { grantee: { org: MSP.tertiary }, categories: ['outpatient'] },
          /consent\.purposes: is required/,
        ],
        [
          consentInput({ validUntil: '2026-02-30T00:00:00.000Z' }),
          /consent\.validUntil: must be an ISO/,
        ],
        [consentInput({ validFrom: '2026-11-22T00:00:00Z' }), /consent\.validFrom/],
        [
          consentInput({ validUntil: '2026-11-21T00:00:00.000Z' }),
          /validUntil: must be in the future/,
        ],
        [
          consentInput({
            validFrom: '2027-01-01T00:00:00.000Z',
            validUntil: '2026-12-01T00:00:00.000Z',
          }),
          /validUntil: must be after validFrom/,
        ],
        [
          consentInput({
            dataFrom: '2020-01-01T00:00:00.000Z',
            dataUntil: '2019-01-01T00:00:00.000Z',
          }),
          /consent\.dataUntil: must not be before dataFrom/,
        ],
        [{ provision: 'deny', exceptions: [{}] }, /consent\.exceptions: are for permits only/],
        [
          consentInput({ exceptions: Array.from({ length: 17 }, () => ({})) }),
          /consent\.exceptions/,
        ],
        [consentInput({ grantee: { org: 'Tertiary\u0000MSP' } }), /consent\.grantee\.org/],
        [
          consentInput({ grantee: { org: MSP.tertiary, role: 'patient' } }),
          /consent\.grantee\.role/,
        ],
        [
          consentInput({ grantee: { org: MSP.tertiary, practitionerId: 'Dr. Zhang' } }),
          /consent\.grantee\.practitionerId/,
        ],
        [consentInput({ note: 'free text' }), /Unrecognized key/],
        ['[]', /consent: Invalid input/],
        [`"${'x'.repeat(70_000)}"`, /larger than 65536 bytes/],
      ];
      for (const [input, message] of cases) {
        refused(await network.as(alice).submit('consent:GrantConsent', [input as string]), {
          code: 'INVALID_ARGUMENT',
          message,
        });
      }
    });

    it('refuses grantee organizations that are not registered (ORG_NOT_FOUND)', async () => {
      refused(
        await network
          .as(alice)
          .submit('consent:GrantConsent', [consentInput({ grantee: { org: 'NopeMSP' } })]),
        { code: 'ORG_NOT_FOUND', message: /NopeMSP/ },
      );
      refused(
        await network
          .as(alice)
          .submit('consent:GrantConsent', [
            consentInput({ exceptions: [{ grantee: { org: 'GhostMSP' } }] }),
          ]),
        { code: 'ORG_NOT_FOUND', message: /GhostMSP/ },
      );
    });

    it('refuses callers that are not patients (FORBIDDEN)', async () => {
      refused(
        await network.as(who.tertiaryClinician).submit('consent:GrantConsent', [consentInput()]),
        'FORBIDDEN',
      );
    });
  });

  describe('UpdateConsent', () => {
    it('replaces the terms, bumps the version, moves the grantee index and keeps the history', async () => {
      const first = await grant();
      const result = await network.as(alice).submit('consent:UpdateConsent', [
        first.consentId,
        consentInput({
          grantee: { org: MSP.community },
          categories: ['imaging'],
          expectedVersion: 1,
        }),
      ]);
      const updated = ok(result);
      expect(updated).toMatchObject({
        consentId: first.consentId,
        version: 2,
        grantee: { org: MSP.community },
        categories: ['imaging'],
        createdAt: first.createdAt,
        updatedAt: result.timestamp,
        validFrom: result.timestamp,
        txId: result.txId,
      });
      expect(result.event?.name).toBe('ConsentUpdated');
      expect(result.event?.payload).toMatchObject({
        change: 'updated',
        version: 2,
        granteeOrg: MSP.community,
      });
      expect(
        network.ledger.get(createCompositeKey('con~gra', [MSP.tertiary, pid(1), first.consentId])),
      ).toBeUndefined();
      expect(
        network.ledger.get(createCompositeKey('con~gra', [MSP.community, pid(1), first.consentId])),
      ).toBeDefined();
      const history = ok(
        await network.as(alice).evaluate('consent:GetConsentHistory', [first.consentId]),
      );
      expect(
        history.map((version) => [version.version, version.change, version.consent.categories]),
      ).toEqual([
        [1, 'granted', ['outpatient']],
        [2, 'updated', ['imaging']],
      ]);
      expect(history[1]).toMatchObject({ txId: result.txId, time: result.timestamp });
    });

    it('keeps the grantee index when the grantee organization does not change', async () => {
      const first = await grant();
      const result = await network
        .as(alice)
        .submit('consent:UpdateConsent', [
          first.consentId,
          consentInput({ categories: ['imaging'] }),
        ]);
      expect(result.writes.map((write) => splitCompositeKey(write.key).objectType)).toEqual([
        'con',
        'con~ver',
      ]);
    });

    it('refuses unknown consents, other patients, stale versions, revoked and expired consents', async () => {
      const first = await grant(consentInput({ validUntil: '2026-11-23T00:00:00.000Z' }));
      refused(
        await network
          .as(alice)
          .submit('consent:UpdateConsent', ['con-000000000000000000000000', consentInput()]),
        'CONSENT_NOT_FOUND',
      );
      refused(
        await network.as(bob).submit('consent:UpdateConsent', [first.consentId, consentInput()]),
        'FORBIDDEN',
      );
      refused(
        await network
          .as(alice)
          .submit('consent:UpdateConsent', [first.consentId, consentInput({ expectedVersion: 7 })]),
        { code: 'CONFLICT', message: /version 1, not 7/ },
      );
      refused(await network.as(alice).submit('consent:UpdateConsent', ['nope', consentInput()]), {
        code: 'INVALID_ARGUMENT',
        message: /consentId/,
      });
      refused(
        await network
          .as(alice)
          .submit('consent:UpdateConsent', [first.consentId, consentInput({ purposes: [] })]),
        'INVALID_ARGUMENT',
      );
      refused(
        await network
          .as(alice)
          .submit('consent:UpdateConsent', [
            first.consentId,
            consentInput({ grantee: { org: 'NopeMSP' } }),
          ]),
        'ORG_NOT_FOUND',
      );
      refused(
        await network
          .as(alice, {
            at: '2026-11-23T00:00:00.000Z',
          })
          .submit('consent:UpdateConsent', [first.consentId, consentInput()]),
        { code: 'RULE_VIOLATION', message: /expired/ },
      );
      ok(await network.as(alice).submit('consent:RevokeConsent', [first.consentId]));
      refused(
        await network.as(alice).submit('consent:UpdateConsent', [first.consentId, consentInput()]),
        { code: 'RULE_VIOLATION', message: /revoked/ },
      );
      refused(
        await network
          .as(alice)
          .submit('consent:GrantConsent', [consentInput({ expectedVersion: 1 })]),
        { code: 'INVALID_ARGUMENT', message: /expectedVersion/ },
      );
    });
  });

  describe('RevokeConsent', () => {
    it('revokes: status, revokedAt, version + 1, event; twice is a CONFLICT', async () => {
      const first = await grant();
      const result = await network.as(alice).submit('consent:RevokeConsent', [first.consentId]);
      expect(ok(result)).toMatchObject({
        status: 'revoked',
        revokedAt: result.timestamp,
        version: 2,
        txId: result.txId,
      });
      expect(result.event).toMatchObject({
        name: 'ConsentRevoked',
        payload: { status: 'revoked', change: 'revoked' },
      });
      refused(await network.as(alice).submit('consent:RevokeConsent', [first.consentId]), {
        code: 'CONFLICT',
        message: /already revoked/,
      });
    });

    it('refuses unknown consents, bad IDs and other patients', async () => {
      const first = await grant();
      refused(
        await network.as(alice).submit('consent:RevokeConsent', ['con-ffffffffffffffffffffffff']),
        'CONSENT_NOT_FOUND',
      );
      refused(
        await network.as(alice).submit('consent:RevokeConsent', ['con-XYZ']),
        'INVALID_ARGUMENT',
      );
      refused(
        await network.as(bob).submit('consent:RevokeConsent', [first.consentId]),
        'FORBIDDEN',
      );
      refused(
        await network
          .as(patient(1, MSP.community))
          .submit('consent:RevokeConsent', ['con-ffffffffffffffffffffffff']),
        'CONSENT_NOT_FOUND',
      );
    });

    it('lets the same pseudonym act from another patient-facing organization', async () => {
      const first = await grant();
      ok(
        await network
          .as(patient(1, MSP.enterprise))
          .submit('consent:RevokeConsent', [first.consentId]),
      );
    });
  });

  describe('GetConsent and GetConsentHistory', () => {
    it('show a consent to its patient, the regulator and the grantee organization only', async () => {
      const first = await grant();
      for (const reader of [alice, who.regulator, who.tertiaryClinician, who.tertiaryAdmin]) {
        expect(
          ok(await network.as(reader).evaluate('consent:GetConsent', [first.consentId])).consentId,
        ).toBe(first.consentId);
        expect(
          ok(await network.as(reader).evaluate('consent:GetConsentHistory', [first.consentId])),
        ).toHaveLength(1);
      }
      for (const stranger of [bob, who.communityClinician, who.govAdmin, who.researcher]) {
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
      const updated = await network
        .as(alice)
        .submit('consent:UpdateConsent', [
          first.consentId,
          consentInput({ categories: ['imaging'] }),
        ]);
      const revoked = await network.as(alice).submit('consent:RevokeConsent', [first.consentId]);
      const history = ok(
        await network.as(alice).evaluate('consent:GetConsentHistory', [first.consentId]),
      );
      expect(history.map((version) => [version.version, version.change, version.txId])).toEqual([
        [1, 'granted', first.txId],
        [2, 'updated', updated.txId],
        [3, 'revoked', revoked.txId],
      ]);
      expect(history[2]?.consent.status).toBe('revoked');
      expect(history[0]?.consent.categories).toEqual(first.categories);
      const snapshots = [...network.ledger.keys()]
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
      const current = ok(await network.as(alice).evaluate('consent:GetConsent', [first.consentId]));
      // Write the snapshot the earlier layout kept for the current version, straight into state.
      const legacy = network.ledger.simulate({
        txId: 'legacy-layout',
        timestamp: first.updatedAt,
        creator: alice.creator,
        args: ['none'],
      });
      await legacy.stub.putState(
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
        await network.as(alice).evaluate('consent:GetConsentHistory', [first.consentId]),
      );
      expect(history.map((version) => version.version)).toEqual([1]);
    });

    it('reports expired once validUntil has passed', async () => {
      const first = await grant(consentInput({ validUntil: '2026-12-01T00:00:00.000Z' }));
      const read = await network
        .as(alice, {
          at: '2026-12-01T00:00:00.000Z',
        })
        .evaluate('consent:GetConsent', [first.consentId]);
      expect(ok(read).status).toBe('expired');
    });

    it('refuses unknown and malformed IDs', async () => {
      refused(
        await network.as(alice).evaluate('consent:GetConsent', ['con-000000000000000000000001']),
        'CONSENT_NOT_FOUND',
      );
      refused(await network.as(alice).evaluate('consent:GetConsent', ['']), 'INVALID_ARGUMENT');
      refused(
        await network
          .as(alice)
          .evaluate('consent:GetConsentHistory', ['con-000000000000000000000001']),
        'CONSENT_NOT_FOUND',
      );
      refused(
        await network.as(alice).evaluate('consent:GetConsentHistory', ['x']),
        'INVALID_ARGUMENT',
      );
    });
  });

  describe('QueryConsents', () => {
    let ids: Record<string, string>;
    beforeEach(async () => {
      ids = {
        a1: (await grant(consentInput(), alice)).consentId,
        a2: (await grant(consentInput({ grantee: { org: MSP.community } }), alice)).consentId,
        a3: (await grant({ provision: 'deny', categories: ['genomic'] }, alice)).consentId,
        b1: (await grant(consentInput(), bob)).consentId,
      };
      ok(await network.as(alice).submit('consent:RevokeConsent', [ids.a1 ?? '']));
    });

    const idsOf = (page: { readonly items: readonly Consent[] }): string[] =>
      page.items.map((consent) => consent.consentId);

    it("forces a patient's own ID and refuses another's", async () => {
      const page = ok(await network.as(alice).evaluate('consent:QueryConsents', ['']));
      expect(idsOf(page).sort()).toEqual([ids.a1, ids.a2, ids.a3].sort());
      refused(
        await network.as(alice).evaluate('consent:QueryConsents', [{ patientId: pid(2) }]),
        'FORBIDDEN',
      );
      const active = ok(
        await network.as(alice).evaluate('consent:QueryConsents', [{ status: 'active' }]),
      );
      expect(idsOf(active).sort()).toEqual([ids.a2, ids.a3].sort());
    });

    it('shows other callers the consents granted to their organization only', async () => {
      const page = ok(
        await network.as(who.tertiaryClinician).evaluate('consent:QueryConsents', [{}]),
      );
      expect(idsOf(page).sort()).toEqual([ids.a1, ids.b1].sort());
      const mine = ok(
        await network
          .as(who.tertiaryClinician)
          .evaluate('consent:QueryConsents', [{ patientId: pid(2) }]),
      );
      expect(idsOf(mine)).toEqual([ids.b1]);
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

    it('lets the regulator list and filter everything, page by page', async () => {
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
      const denies = ok(
        await network.as(who.regulator).evaluate('consent:QueryConsents', [{ grantee: '*' }]),
      );
      expect(idsOf(denies)).toEqual([ids.a3]);
      const revoked = ok(
        await network.as(who.regulator).evaluate('consent:QueryConsents', [{ status: 'revoked' }]),
      );
      expect(idsOf(revoked)).toEqual([ids.a1]);
      const both = ok(
        await network
          .as(who.regulator)
          .evaluate('consent:QueryConsents', [{ grantee: MSP.tertiary, patientId: pid(2) }]),
      );
      expect(idsOf(both)).toEqual([ids.b1]);
    });

    it('refuses malformed queries and bookmarks of another range', async () => {
      refused(
        await network.as(who.regulator).evaluate('consent:QueryConsents', [{ pageSize: 0 }]),
        'INVALID_ARGUMENT',
      );
      refused(
        await network.as(who.regulator).evaluate('consent:QueryConsents', [{ pageSize: 101 }]),
        'INVALID_ARGUMENT',
      );
      refused(
        await network.as(who.regulator).evaluate('consent:QueryConsents', [{ status: 'gone' }]),
        'INVALID_ARGUMENT',
      );
      const bobsPage = ok(
        await network.as(bob).evaluate('consent:QueryConsents', [{ pageSize: 1 }]),
      );
      expect(bobsPage.bookmark).toBe('');
      const alicePage = ok(
        await network.as(alice).evaluate('consent:QueryConsents', [{ pageSize: 1 }]),
      );
      expect(alicePage.bookmark).not.toBe('');
      refused(
        await network
          .as(bob)
          .evaluate('consent:QueryConsents', [{ pageSize: 1, bookmark: alicePage.bookmark }]),
        { code: 'INVALID_ARGUMENT', message: /bookmark/ },
      );
      refused(
        await network
          .as(alice)
          .evaluate('consent:QueryConsents', [{ bookmark: 'not a bookmark!' }]),
        'INVALID_ARGUMENT',
      );
    });
  });
});
