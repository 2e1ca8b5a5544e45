import { beforeEach, describe, expect, it } from 'vitest';
import { collectionFor, type ConsentInput } from '@consent-ledger/ledger-api';
import { unmarshal } from '../ledger/marshal';
import { descendingTime } from '../ledger/time';
import {
  bootstrap,
  consentInput,
  grant as grantAs,
  MSP,
  ok,
  pid,
  refused,
  registerPatient,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type InvokeResult, type TestNetwork } from '../testing/harness';
import { createCompositeKey, splitCompositeKey } from '../testing/in-memory-ledger';

const HASH = 'ab'.repeat(32);
const HOME = `org_${MSP.tertiary}`;

describe('access contract', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    alice = await registerPatient(network, 1);
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  const grant = async (
    patient: TestPatient = alice,
    input: Record<string, unknown> = consentInput(),
  ): Promise<string> => (await grantAs(network, { patient: patient, input: input })).consentId;
  const request = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    patientId: pid(1),
    purpose: 'treatment',
    categories: ['outpatient'],
    ...overrides,
  });

  describe('RequestAccess', () => {
    it('records a permitted access with its indexes, compact statistics entry and event', async () => {
      const consentId = await grant();
      const result = await network.as(who.tertiaryClinician).submit('access:RequestAccess', [
        request({
          recordIds: ['rec-2', 'rec-1', 'rec-2'],
          dataFrom: '2026-01-01T00:00:00.000Z',
          dataUntil: '2026-02-01T00:00:00.000Z',
        }),
      ]);
      const event = ok(result);
      expect(event).toEqual({
        eventId: expect.stringMatching(/^evt-[0-9a-f]{24}$/) as string,
        patientId: pid(1),
        patientHome: MSP.tertiary,
        accessor: {
          org: MSP.tertiary,
          role: 'clinician',
          practitionerId: 'prac-tertiary01',
          idHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        },
        accessorRegion: { province: '330000', city: '330100', county: '330106' },
        purpose: 'treatment',
        categories: ['outpatient'],
        recordIds: ['rec-1', 'rec-2'],
        dataFrom: '2026-01-01T00:00:00.000Z',
        dataUntil: '2026-02-01T00:00:00.000Z',
        decision: 'permit',
        reason: 'PERMITTED_BY_CONSENT',
        consentIds: [consentId],
        breakGlass: false,
        timestamp: result.timestamp,
        txId: result.txId,
        salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as string,
      });
      // The block shows the event's name only; the event lives in the home's own collection.
      expect(result.event).toEqual({ name: 'AccessRecorded', payload: {} });
      expect(result.writes).toEqual([]);
      const ts = result.timestamp;
      // The query indexes newest first (a descending time), the time index oldest first.
      const rts = descendingTime(ts);
      expect(rts).toBe(String(9_999_999_999_999 - Date.parse(ts)));
      expect(result.privateWrites.map((write) => write.collection)).toEqual(Array(6).fill(HOME));
      expect(result.privateWrites.map((write) => splitCompositeKey(write.key))).toEqual([
        { objectType: 'evt', attributes: [event.eventId] },
        { objectType: 'evt~dec', attributes: ['permit', rts, event.eventId] },
        { objectType: 'evt~new', attributes: [rts, event.eventId] },
        { objectType: 'evt~org', attributes: [MSP.tertiary, rts, event.eventId] },
        { objectType: 'evt~pat', attributes: [pid(1), rts, event.eventId] },
        { objectType: 'evt~time', attributes: [ts.slice(0, 10), ts, event.eventId] },
      ]);
      const compact = network.ledger.privateGet(
        HOME,
        createCompositeKey('evt~time', [ts.slice(0, 10), ts, event.eventId]),
      );
      expect(unmarshal(compact ?? new Uint8Array())).toEqual({
        b: 0,
        c: ['outpatient'],
        d: 'permit',
        p: 'treatment',
        r: '330106',
        s: event.salt,
      });
    });

    it('records a denied access too', async () => {
      const result = await network
        .as(who.communityClinician)
        .submit('access:RequestAccess', [request()]);
      expect(ok(result)).toMatchObject({
        decision: 'deny',
        reason: 'NO_MATCHING_CONSENT',
        consentIds: [],
      });
      // Kept with the patient's home and the accessor (and the regulator): nowhere else.
      const pair = collectionFor(MSP.tertiary, MSP.community);
      expect(result.privateWrites).toHaveLength(6);
      expect(new Set(result.privateWrites.map((write) => write.collection))).toEqual(
        new Set([pair]),
      );
      expect(network.ledger.privateGet(pair, result.privateWrites[0]?.key ?? '')).toBeDefined();
    });

    it('refuses a pseudonym that is not registered (PATIENT_NOT_FOUND), writing nothing', async () => {
      const result = await network
        .as(who.tertiaryClinician)
        .submit('access:RequestAccess', [request({ patientId: pid(99) })]);
      refused(result, 'PATIENT_NOT_FOUND');
      expect(result.privateWrites).toEqual([]);
    });

    it('decides referrals with the open referral of the accessor organization', async () => {
      await grant(alice, consentInput({ grantee: { org: MSP.community }, purposes: ['referral'] }));
      const before = await network
        .as(who.communityClinician)
        .submit('access:RequestAccess', [request({ purpose: 'referral' })]);
      expect(ok(before).reason).toBe('NO_ACTIVE_REFERRAL');
      ok(
        await network.as(who.tertiaryClinician).submit('referral:CreateReferral', [
          {
            patientId: pid(1),
            toOrg: MSP.community,
            categories: ['outpatient'],
            validUntil: '2026-12-01T00:00:00.000Z',
          },
        ]),
      );
      const after = await network
        .as(who.communityClinician)
        .submit('access:RequestAccess', [request({ purpose: 'referral' })]);
      expect(ok(after)).toMatchObject({ decision: 'permit', reason: 'PERMITTED_BY_CONSENT' });
    });

    it('refuses malformed requests (INVALID_ARGUMENT)', async () => {
      for (const [input, message] of [
        [request({ purpose: 'emergency' }), /RequestEmergencyAccess/],
        [request({ patientId: 'alice' }), /request\.patientId/],
        [request({ categories: [] }), /request\.categories/],
        [request({ categories: ['x-ray'] }), /request\.categories\[0\]/],
        [
          request({ dataFrom: '2026-02-01T00:00:00.000Z', dataUntil: '2026-01-01T00:00:00.000Z' }),
          /dataUntil/,
        ],
        [request({ recordIds: ['bad id'] }), /request\.recordIds\[0\]/],
        [request({ recordIds: Array.from({ length: 101 }, (_, i) => `r${i}`) }), /recordIds/],
        [request({ reason: 'checking' }), /Unrecognized key/],
      ] as const) {
        refused(await network.as(who.tertiaryClinician).submit('access:RequestAccess', [input]), {
          code: 'INVALID_ARGUMENT',
          message,
        });
      }
    });

    it('records the record IDs named as given: they need not be anchored', async () => {
      await grant();
      const event = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestAccess', [request({ recordIds: ['his:123', 'not-anchored'] })]),
      );
      expect(event).toMatchObject({ decision: 'permit', recordIds: ['his:123', 'not-anchored'] });
    });
  });

  describe('CheckAccess', () => {
    it('decides like RequestAccess and writes nothing', async () => {
      const consentId = await grant();
      const result = await network
        .as(who.tertiaryClinician)
        .evaluate('access:CheckAccess', [request()]);
      expect(ok(result)).toEqual({
        decision: 'permit',
        reason: 'PERMITTED_BY_CONSENT',
        consentIds: [consentId],
      });
      expect(result.writes).toEqual([]);
      expect(result.privateWrites).toEqual([]);
      expect(result.event).toBeUndefined();
      const denied = await network
        .as(who.researcher)
        .evaluate('access:CheckAccess', [request({ purpose: 'research' })]);
      expect(ok(denied).decision).toBe('deny');
      // A data period may be a single instant (data periods are closed).
      const instant = '2026-01-01T00:00:00.000Z';
      const point = await network
        .as(who.tertiaryClinician)
        .evaluate('access:CheckAccess', [request({ dataFrom: instant, dataUntil: instant })]);
      expect(ok(point)).toMatchObject({ dataFrom: instant, dataUntil: instant });
    });

    it('answers only a caller who could make the request itself', async () => {
      // Every role that may request access may check it, whatever its organization...
      for (const requester of [who.govAnalyst, who.enterpriseAnalyst, who.researcher]) {
        expect(
          ok(await network.as(requester).evaluate('access:CheckAccess', [request()])).decision,
        ).toBe('deny');
        ok(await network.as(requester).submit('access:RequestAccess', [request()]));
      }
      // ...and whoever may not request it may not check it either: FORBIDDEN, before the input.
      for (const other of [who.tertiaryAdmin, who.regulator, who.govAdmin, who.enterpriseAdmin]) {
        refused(await network.as(other).submit('access:RequestAccess', [request()]), 'FORBIDDEN');
        refused(await network.as(other).evaluate('access:CheckAccess', [request()]), {
          code: 'FORBIDDEN',
          message: /may not call access:(Check|Request)Access: role or organization type/,
        });
        refused(await network.as(other).evaluate('access:CheckAccess', ['{}']), 'FORBIDDEN');
      }
    });

    it('never names a consent the caller may not read', async () => {
      const permitId = await grant();
      // A deny to everyone: only the regulator and the home's admins read it.
      const denyAllId = await grant(alice, {
        provision: 'deny',
        purposes: ['research'],
        categories: ['genomic'],
      });
      const research = request({ purpose: 'research', categories: ['genomic'] });
      for (const caller of [who.researcher, who.communityClinician, who.tertiaryClinician]) {
        expect(ok(await network.as(caller).evaluate('access:CheckAccess', [research]))).toEqual({
          decision: 'deny',
          reason: 'DENIED_BY_CONSENT',
          consentIds: [],
        });
        refused(await network.as(caller).evaluate('consent:GetConsent', [denyAllId]), 'FORBIDDEN');
      }
      // A consent granted to the caller's organization is the caller's to read: named.
      expect(
        ok(await network.as(who.tertiaryClinician).evaluate('access:CheckAccess', [request()])),
      ).toMatchObject({ decision: 'permit', consentIds: [permitId] });
      const denyToTertiary = await grant(
        alice,
        consentInput({ provision: 'deny', purposes: ['insurance'] }),
      );
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .evaluate('access:CheckAccess', [request({ purpose: 'insurance' })]),
        ),
      ).toEqual({ decision: 'deny', reason: 'DENIED_BY_CONSENT', consentIds: [denyToTertiary] });
      // The recorded request (the audit record) names every deciding consent, as before.
      const recorded = ok(
        await network.as(who.researcher).submit('access:RequestAccess', [research]),
      );
      expect(recorded.consentIds).toEqual([denyAllId]);
    });

    it('refuses what RequestAccess refuses', async () => {
      refused(
        await network.as(who.tertiaryClinician).evaluate('access:CheckAccess', ['{}']),
        'INVALID_ARGUMENT',
      );
      refused(
        await network
          .as(who.tertiaryClinician)
          .evaluate('access:CheckAccess', [request({ recordIds: ['bad id'] })]),
        { code: 'INVALID_ARGUMENT', message: /request\.recordIds\[0\]/ },
      );
    });
  });

  describe('RequestEmergencyAccess', () => {
    const emergency = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      patientId: pid(1),
      categories: ['outpatient', 'medication'],
      reasonCode: 'UNCONSCIOUS_PATIENT',
      justificationHash: HASH,
      ...overrides,
    });

    it('permits break-glass access without consent, pending review', async () => {
      const result = await network
        .as(who.tertiaryClinician)
        .submit('access:RequestEmergencyAccess', [emergency()]);
      const event = ok(result);
      expect(event).toMatchObject({
        purpose: 'emergency',
        categories: ['medication', 'outpatient'],
        decision: 'permit',
        reason: 'EMERGENCY_ACCESS',
        breakGlass: true,
        emergency: {
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justificationHash: HASH,
          review: { status: 'pending' },
        },
      });
      expect(result.event).toEqual({ name: 'AccessRecorded', payload: {} });
      const types = result.privateWrites.map((write) => splitCompositeKey(write.key).objectType);
      expect(types).toEqual([
        'evt',
        'evt~bg',
        'evt~dec',
        'evt~new',
        'evt~org',
        'evt~pat',
        'evt~rev',
        'evt~time',
      ]);
    });

    it("records the refusal when the patient's deny covers emergencies", async () => {
      const denyId = await grant(alice, { provision: 'deny', purposes: ['emergency'] });
      const event = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestEmergencyAccess', [emergency()]),
      );
      expect(event).toMatchObject({
        decision: 'deny',
        reason: 'EMERGENCY_DENIED_BY_PATIENT',
        consentIds: [denyId],
        breakGlass: true,
      });
    });

    it('refuses free text, bad hashes, reason codes and record IDs (INVALID_ARGUMENT)', async () => {
      for (const input of [
        emergency({ justificationHash: HASH.toUpperCase() }),
        emergency({ justificationHash: 'ab' }),
        emergency({ reasonCode: 'BORED' }),
        emergency({ justification: 'patient collapsed in the lobby' }),
        emergency({ purpose: 'emergency' }),
      ]) {
        refused(
          await network.as(who.tertiaryClinician).submit('access:RequestEmergencyAccess', [input]),
          'INVALID_ARGUMENT',
        );
      }
      refused(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestEmergencyAccess', [emergency({ recordIds: ['bad id'] })]),
        'INVALID_ARGUMENT',
      );
    });
  });

  describe('sensitive data', () => {
    const emergency = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      patientId: pid(1),
      categories: ['outpatient'],
      reasonCode: 'UNCONSCIOUS_PATIENT',
      justificationHash: HASH,
      ...overrides,
    });

    it('opens labelled data only under a permit that names the label, and records the labels', async () => {
      const plain = await grant();
      const psy = await network
        .as(who.tertiaryClinician)
        .submit('access:RequestAccess', [request({ labels: ['PSY'] })]);
      expect(ok(psy)).toMatchObject({
        decision: 'deny',
        reason: 'SENSITIVE_NOT_CONSENTED',
        consentIds: [plain],
        labels: ['PSY'],
      });
      // The same permit still opens the category's unlabelled data.
      expect(
        ok(await network.as(who.tertiaryClinician).submit('access:RequestAccess', [request()])),
      ).toMatchObject({ decision: 'permit' });
      expect(
        ok(await network.as(who.tertiaryClinician).submit('access:RequestAccess', [request()])),
      ).not.toHaveProperty('labels');
      const named = await grant(alice, consentInput({ sensitive: ['PSY'] }));
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestAccess', [request({ labels: ['PSY'] })]),
        ),
      ).toMatchObject({
        decision: 'permit',
        // Both cover the category; the second opens the label.
        consentIds: [plain, named].sort(),
        labels: ['PSY'],
      });
      // A label named for other data does not open another label.
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestAccess', [request({ labels: ['HIV', 'PSY'] })]),
        ),
      ).toMatchObject({ decision: 'deny', reason: 'SENSITIVE_NOT_CONSENTED' });
    });

    it('treats genomic data as genetic data (GDIS) whether or not the request says so', async () => {
      await grant(alice, consentInput({ categories: ['genomic', 'outpatient'] }));
      const genomic = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestAccess', [request({ categories: ['genomic'] })]),
      );
      expect(genomic).toMatchObject({
        decision: 'deny',
        reason: 'SENSITIVE_NOT_CONSENTED',
        labels: ['GDIS'],
      });
    });

    it('a deny naming a label refuses only data carrying it', async () => {
      await grant(alice, consentInput({ sensitive: ['HIV', 'PSY'] }));
      const deny = await grant(alice, { provision: 'deny', sensitive: ['HIV'] });
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestAccess', [request({ labels: ['HIV'] })]),
        ),
      ).toMatchObject({ decision: 'deny', reason: 'DENIED_BY_CONSENT', consentIds: [deny] });
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestAccess', [request({ labels: ['PSY'] })]),
        ),
      ).toMatchObject({ decision: 'permit' });
    });

    it('break-glass never opens sensitive data the patient did not allow for emergencies in advance', async () => {
      // A treatment permit naming HIV is no leave for an emergency.
      await grant(alice, consentInput({ sensitive: ['HIV'] }));
      const refusedHiv = ok(
        await network
          .as(who.tertiaryClinician)
          .submit('access:RequestEmergencyAccess', [emergency({ labels: ['HIV'] })]),
      );
      expect(refusedHiv).toMatchObject({
        decision: 'deny',
        reason: 'EMERGENCY_SENSITIVE_NOT_ALLOWED',
        breakGlass: true,
        labels: ['HIV'],
        consentIds: [],
      });
      // Unlabelled data still opens without consent.
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestEmergencyAccess', [emergency()]),
        ),
      ).toMatchObject({ decision: 'permit', reason: 'EMERGENCY_ACCESS' });
      const leave = await grant(
        alice,
        consentInput({ purposes: ['emergency'], sensitive: ['HIV'] }),
      );
      expect(
        ok(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestEmergencyAccess', [emergency({ labels: ['HIV'] })]),
        ),
      ).toMatchObject({ decision: 'permit', reason: 'EMERGENCY_ACCESS', consentIds: [leave] });
    });

    it('refuses an unknown label in a request or a consent (INVALID_ARGUMENT), writing nothing', async () => {
      await grant();
      for (const labels of [['XYZ'], [], 'PSY', ['psy']]) {
        refused(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestAccess', [request({ labels })]),
          'INVALID_ARGUMENT',
        );
        refused(
          await network
            .as(who.tertiaryClinician)
            .submit('access:RequestEmergencyAccess', [emergency({ labels })]),
          'INVALID_ARGUMENT',
        );
      }
    });
  });

  describe('what a decision reads', () => {
    const reads = (result: InvokeResult): string[] =>
      result.privateReads.map((read) => `${read.kind} ${read.collection} ${read.key}`);
    const decide = (caller = who.tertiaryClinician) =>
      network.as(caller).submit('access:RequestAccess', [request()]);

    it("reads only the collection of the patient's home and the accessor: 400 consents to others cost nothing", async () => {
      await grant();
      const before = await decide();
      expect(ok(before).decision).toBe('permit');
      const collections = new Set(
        before.privateReads.filter((read) => read.kind !== 'hash').map((read) => read.collection),
      );
      expect(collections).toEqual(new Set([HOME]));
      const others = [MSP.community, MSP.research, MSP.enterprise, MSP.gov];
      for (let i = 0; i < 400; i += 1) {
        await grant(alice, {
          grantee: { org: others[i % others.length] },
          purposes: ['research'],
          categories: ['genomic'],
        } satisfies ConsentInput);
      }
      const after = await decide();
      expect(ok(after).decision).toBe('permit');
      // The same reads, key for key: the 400 consents are never touched.
      expect(reads(after)).toEqual(reads(before));
      // Point reads only: the set document of the patient and the accessor, then its consents.
      expect(before.privateReads.filter((read) => read.kind !== 'hash')).toEqual([
        {
          kind: 'value',
          collection: HOME,
          key: createCompositeKey('con~set', [pid(1), MSP.tertiary]),
        },
        {
          kind: 'value',
          collection: HOME,
          key: createCompositeKey('con', [ok(before).consentIds[0] ?? '']),
        },
      ]);
      // The community hospital's decision reads its own set and the 100 consents granted to it.
      const community = await decide(who.communityClinician);
      const pair = collectionFor(MSP.tertiary, MSP.community);
      const values = community.privateReads.filter((read) => read.kind === 'value');
      expect(values[0]).toEqual({
        kind: 'value',
        collection: pair,
        key: createCompositeKey('con~set', [pid(1), MSP.community]),
      });
      expect(
        values.slice(1).filter((read) => read.collection === pair && read.key.includes('con')),
      ).toHaveLength(100);
      expect(values).toHaveLength(101);
      expect(community.privateReads.filter((read) => read.kind === 'range')).toEqual([]);
    });
  });
});
