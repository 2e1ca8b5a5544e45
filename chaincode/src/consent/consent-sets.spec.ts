import { beforeEach, describe, expect, it } from 'vitest';
import { collectionFor, type Consent, type ConsentInput } from '@consent-ledger/ledger-api';
import type { IdSet } from '../ledger/id-set';
import { unmarshal } from '../ledger/marshal';
import {
  bootstrap,
  consentInput,
  MSP,
  ok,
  patientClient,
  pid,
  registerPatient,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type InvokeResult, type TestNetwork } from '../testing/harness';
import { createCompositeKey, splitCompositeKey } from '../testing/in-memory-ledger';

/**
 * The set documents decisions read instead of scanning an index (keys.ts `con~set`, `ref~set`):
 * which consents and referrals each names after every transaction that creates, changes, ends or
 * erases one, and the decisions that follow from them.
 */

const PAIR = collectionFor(MSP.tertiary, MSP.community);
const HOME = collectionFor(MSP.tertiary, MSP.tertiary);

describe('set documents', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    alice = await registerPatient(network, 1);
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  const as = (at?: string) =>
    patientClient(network, { ...alice, ...(at === undefined ? {} : { at }) });
  const grant = async (input: Record<string, unknown>): Promise<Consent> =>
    ok(await as().submit('consent:GrantConsent', consentInput(input) as ConsentInput));
  /** The IDs a set document names (undefined when there is none). */
  const setOf = (
    where: Readonly<{ collection: string; org: string; type?: 'con~set' | 'ref~set' }>,
  ): readonly string[] | undefined => {
    const stored = network.ledger.privateGet(
      where.collection,
      createCompositeKey(where.type ?? 'con~set', [pid(1), where.org]),
    );
    return stored === undefined ? undefined : (unmarshal(stored) as IdSet).ids;
  };
  const setWrites = (result: InvokeResult) =>
    result.privateWrites
      .filter((write) => splitCompositeKey(write.key).objectType.endsWith('~set'))
      .map((write) => ({
        collection: write.collection,
        attributes: splitCompositeKey(write.key).attributes,
        kind: write.purge ? 'purge' : write.value === undefined ? 'delete' : 'write',
      }));
  const decide = async (request: Record<string, unknown>, caller = who.communityClinician) =>
    ok(
      await network.as(caller).evaluate('access:CheckAccess', [
        {
          patientId: pid(1),
          purpose: 'treatment',
          categories: ['outpatient'],
          ...request,
        },
      ]),
    );

  it('keeps a set per patient and accessor organization through grant, update, revoke and erase', async () => {
    const treatment = await grant({ grantee: { org: MSP.community } });
    const research = await grant({
      grantee: { org: MSP.community },
      purposes: ['research'],
      categories: ['genomic'],
    });
    const both = [treatment.consentId, research.consentId].sort();
    expect(setOf({ collection: PAIR, org: MSP.community })).toEqual(both);
    // Other organizations' sets are untouched; the grantee's lives in its own collection only.
    expect(setOf({ collection: HOME, org: MSP.tertiary })).toBeUndefined();
    expect(setOf({ collection: HOME, org: MSP.community })).toBeUndefined();

    // An update (a change of purposes and categories) keeps the set: the decision reads new terms.
    const updated = await as().submit('consent:UpdateConsent', {
      ...(consentInput({
        grantee: { org: MSP.community },
        purposes: ['treatment', 'referral'],
        categories: ['imaging', 'outpatient'],
      }) as ConsentInput),
      consentId: treatment.consentId,
      expectedVersion: 1,
    });
    ok(updated);
    expect(setWrites(updated)).toEqual([]);
    expect(setOf({ collection: PAIR, org: MSP.community })).toEqual(both);
    expect(await decide({ categories: ['imaging'] })).toMatchObject({
      decision: 'permit',
      consentIds: [treatment.consentId],
    });

    // A revocation takes the consent out: it never counts again.
    const revoked = await as().submit('consent:RevokeConsent', {
      consentId: research.consentId,
      expectedVersion: 1,
    });
    expect(setWrites(revoked)).toEqual([
      { collection: PAIR, attributes: [pid(1), MSP.community], kind: 'write' },
    ]);
    expect(setOf({ collection: PAIR, org: MSP.community })).toEqual([treatment.consentId]);
    expect(await decide({ purpose: 'research', categories: ['genomic'] })).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
    // Erasing a revoked consent leaves the set as it is (the consent left it when revoked).
    const erased = await as().submit('consent:EraseConsent', { consentId: research.consentId });
    ok(erased);
    expect(setWrites(erased)).toEqual([]);

    // An expired consent stays named until it is erased; the set is then rewritten.
    const expiring = await grant({
      grantee: { org: MSP.community },
      validUntil: '2026-11-23T00:00:00.000Z',
    });
    expect(setOf({ collection: PAIR, org: MSP.community })).toEqual(
      [treatment.consentId, expiring.consentId].sort(),
    );
    const later = '2026-11-24T00:00:00.000Z';
    const erasedExpired = await as(later).submit('consent:EraseConsent', {
      consentId: expiring.consentId,
    });
    ok(erasedExpired);
    expect(setWrites(erasedExpired)).toEqual([
      { collection: PAIR, attributes: [pid(1), MSP.community], kind: 'write' },
    ]);
    expect(setOf({ collection: PAIR, org: MSP.community })).toEqual([treatment.consentId]);

    // The last consent revoked: the set is deleted; decisions find nothing.
    const last = await as(later).submit('consent:RevokeConsent', {
      consentId: treatment.consentId,
      expectedVersion: 2,
    });
    expect(setWrites(last)).toEqual([
      { collection: PAIR, attributes: [pid(1), MSP.community], kind: 'delete' },
    ]);
    expect(setOf({ collection: PAIR, org: MSP.community })).toBeUndefined();
    expect(await decide({ categories: ['imaging'] })).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
  });

  it('purges a set that an erasure empties: its earlier values leave the peers', async () => {
    const expiring = await grant({
      grantee: { org: MSP.research },
      purposes: ['research'],
      validUntil: '2026-11-23T00:00:00.000Z',
    });
    const pair = collectionFor(MSP.tertiary, MSP.research);
    expect(setOf({ collection: pair, org: MSP.research })).toEqual([expiring.consentId]);
    const erased = await as('2026-11-24T00:00:00.000Z').submit('consent:EraseConsent', {
      consentId: expiring.consentId,
    });
    expect(setWrites(erased)).toEqual([
      { collection: pair, attributes: [pid(1), MSP.research], kind: 'purge' },
    ]);
    expect(
      network.ledger.privateHash(pair, createCompositeKey('con~set', [pid(1), MSP.research])),
    ).toBeUndefined();
  });

  it('names a deny to everyone in the set of every organization of the channel, each in its collection', async () => {
    const deny = await grant({
      provision: 'deny',
      grantee: undefined,
      purposes: undefined,
      categories: ['genomic'],
    });
    for (const org of network.mspIds) {
      expect(setOf({ collection: collectionFor(MSP.tertiary, org), org }), org).toEqual([
        deny.consentId,
      ]);
    }
    // One set per organization: no other set key anywhere.
    const setKeys = network.ledger.collections().flatMap((collection) =>
      network.ledger
        .privateKeys(collection)
        .filter((key) => splitCompositeKey(key).objectType === 'con~set')
        .map((key) => `${collection} ${splitCompositeKey(key).attributes.join(' ')}`),
    );
    expect(setKeys).toHaveLength(network.mspIds.length);
    // Every accessor's decision reads it, the home's and the regulator's from org_<home> too (a
    // check does not name it: only the regulator and the home's admins read a deny to everyone).
    for (const caller of [
      who.tertiaryClinician,
      who.communityClinician,
      who.researcher,
      who.enterpriseAnalyst,
      who.govAnalyst,
    ]) {
      expect(
        await decide({ purpose: 'research', categories: ['genomic'] }, caller),
        caller.mspId,
      ).toMatchObject({ decision: 'deny', reason: 'DENIED_BY_CONSENT', consentIds: [] });
      const recorded = ok(
        await network
          .as(caller)
          .submit('access:RequestAccess', [
            { patientId: pid(1), purpose: 'research', categories: ['genomic'] },
          ]),
      );
      expect(recorded.consentIds, caller.mspId).toEqual([deny.consentId]);
    }
    // A permit to the community hospital joins its set beside the deny.
    const permit = await grant({ grantee: { org: MSP.community } });
    expect(setOf({ collection: PAIR, org: MSP.community })).toEqual(
      [deny.consentId, permit.consentId].sort(),
    );
    const revoked = await as().submit('consent:RevokeConsent', {
      consentId: deny.consentId,
      expectedVersion: 1,
    });
    ok(revoked);
    // Taken out of every set: deleted where it was alone, rewritten beside the permit.
    expect(setWrites(revoked)).toHaveLength(network.mspIds.length);
    for (const org of network.mspIds) {
      expect(setOf({ collection: collectionFor(MSP.tertiary, org), org }), org).toEqual(
        org === MSP.community ? [permit.consentId] : undefined,
      );
    }
  });

  it('names the open referrals to an organization, for the hospital referred to and for the home referred back', async () => {
    await grant({ grantee: { org: MSP.community }, purposes: ['referral'] });
    await grant({ grantee: { org: MSP.tertiary }, purposes: ['referral'] });
    const referral = (from = who.tertiaryClinician, toOrg: string = MSP.community) =>
      network.as(from).submit('referral:CreateReferral', [
        {
          patientId: pid(1),
          toOrg,
          categories: ['outpatient'],
          validUntil: '2026-12-22T00:00:00.000Z',
        },
      ]);
    const out = ok(await referral());
    expect(setOf({ collection: PAIR, org: MSP.community, type: 'ref~set' })).toEqual([
      out.referralId,
    ]);
    expect(await decide({ purpose: 'referral' })).toMatchObject({ decision: 'permit' });
    // Referred back to the home: its set in the pair, which the home's decisions read.
    const back = ok(await referral(who.communityClinician, MSP.tertiary));
    expect(setOf({ collection: PAIR, org: MSP.tertiary, type: 'ref~set' })).toEqual([
      back.referralId,
    ]);
    expect(await decide({ purpose: 'referral' }, who.tertiaryClinician)).toMatchObject({
      decision: 'permit',
    });
    // Closing takes a referral out of its set; the decision then finds no open referral.
    const closed = await network
      .as(who.communityClinician)
      .submit('referral:CloseReferral', [out.referralId]);
    ok(closed);
    expect(setWrites(closed)).toEqual([
      { collection: PAIR, attributes: [pid(1), MSP.community], kind: 'delete' },
    ]);
    expect(await decide({ purpose: 'referral' })).toMatchObject({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
    });
  });

  it('lets a retention purge take expired open referrals out of their set', async () => {
    const created = ok(
      await network.as(who.tertiaryClinician).submit('referral:CreateReferral', [
        {
          patientId: pid(1),
          toOrg: MSP.community,
          categories: ['outpatient'],
          validUntil: '2026-12-22T00:00:00.000Z',
        },
      ]),
    );
    const at = '2032-06-01T00:00:00.000Z';
    const order = { collection: PAIR, kind: 'referral', before: '2027-01-01T00:00:00.000Z' };
    const { ids } = ok(
      await network.as(who.regulator, { at }).evaluate('audit:FindExpired', [order]),
    );
    expect(ids).toEqual([created.referralId]);
    const purged = await network
      .as(who.regulator, { at })
      .submit('audit:PurgeExpired', [{ ...order, ids }]);
    expect(ok(purged)).toMatchObject({ purged: 1 });
    expect(setWrites(purged)).toEqual([
      { collection: PAIR, attributes: [pid(1), MSP.community], kind: 'purge' },
    ]);
  });
});
