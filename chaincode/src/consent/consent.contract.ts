import {
  ANY_GRANTEE,
  collectionsOf,
  ledgerError,
  orgCollection,
  type ChaincodeContract,
  type Consent,
  type ConsentPage,
  type ConsentVersion,
  type ErasureReceipt,
  type Organization,
  type Page,
  type SignedBy,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { channelMspIds } from '../ledger/channel';
import { announce } from '../ledger/events';
import { isRegulator, readableCollections, requireReader, scopedForHome } from '../ledger/guards';
import { locateDocument } from '../ledger/locate';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { scanPage } from '../ledger/pagination';
import { decodeDocument, type IndexEntry } from '../ledger/state';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { locateHome, writeErasure } from '../patient/binding-store';
import { checkConsentNotice } from '../notice/notice.contract';
import { verifyAction, type VerifiedAction } from '../patient/statement';
import { requireOrganization } from '../registry/organization-store';
import { consentStatusAt } from './consent-evaluation';
import {
  consentErasure,
  consentRevocation,
  consentTerms,
  consentUpdate,
  parseConsentId,
  parseConsentQuery,
  type ConsentTerms,
  type ValidConsentQuery,
} from './consent-input';
import {
  canReadConsent,
  changeConsentSets,
  consentCollections,
  consentParties,
  consentVersions,
  findConsent,
  granteeAttribute,
  presentConsent,
  purgeConsent,
  readConsent,
  writeConsent,
  type FoundConsent,
} from './consent-store';

/**
 * Patients' consents (modelled on FHIR R4 Consent): granted, updated, revoked and erased only by
 * statements the patient (or a guardian) signed (docs/patient-keys.md), whoever carries them; kept
 * in the collection of the patient's home and the grantee organization (docs/privacy.md); read by
 * the home's admins, the regulator and the grantee organization.
 */
@Info({ title: 'Consent', description: 'Patient consents: grant, update, revoke, erase, read' })
export class ConsentContract
  extends LedgerContract
  implements ChaincodeContract<'consent', LedgerContext>
{
  constructor() {
    super('consent');
  }

  /** Grants a consent, signed by the patient or a guardian. */
  @Transaction()
  @Returns('Consent')
  async GrantConsent(ctx: LedgerContext): Promise<Consent> {
    const [actionJson] = ctx.argsOf('consent:GrantConsent');
    const action = await verifyAction(ctx, {
      action: 'consent:GrantConsent',
      json: actionJson,
      payload: consentTerms,
    });
    const consent = await grantSignedTerms(ctx, { action, terms: action.payload });
    announce(ctx.stub, 'ConsentGranted');
    return consent;
  }

  /** Replaces the terms of an active consent at the version signed; the version goes up by one. */
  @Transaction()
  @Returns('Consent')
  async UpdateConsent(ctx: LedgerContext): Promise<Consent> {
    const [actionJson] = ctx.argsOf('consent:UpdateConsent');
    const action = await verifyAction(ctx, {
      action: 'consent:UpdateConsent',
      json: actionJson,
      payload: consentUpdate,
    });
    const update = action.payload;
    const { consent: previous } = await ownConsent(ctx, { action, consentId: update.consentId });
    const status = consentStatusAt(previous, ctx.txTime);
    if (status !== 'active') {
      throw ledgerError(
        'RULE_VIOLATION',
        `consent ${update.consentId} is ${status} and cannot be updated`,
      );
    }
    checkVersion(previous, update.expectedVersion);
    if (granteeAttribute(update) !== granteeAttribute(previous)) {
      throw ledgerError(
        'RULE_VIOLATION',
        `consent ${update.consentId} keeps its grantee organization: revoke it and grant another`,
      );
    }
    await checkTerms(ctx, update);
    const consent = buildConsent(ctx, {
      ...update,
      patientId: previous.patientId,
      patientHome: previous.patientHome,
      version: previous.version + 1,
      createdAt: previous.createdAt,
      signedBy: action.signedBy,
    });
    await checkNotice(ctx, consent);
    const collections = await consentCollections(ctx, consent);
    await useNonce(action, collections);
    // Its sets stay as they are: the same grantee, still not revoked (decisions read its new terms).
    await writeConsent(ctx, { consent, change: 'updated', previous, collections });
    announce(ctx.stub, 'ConsentUpdated');
    return consent;
  }

  /** Revokes a consent at the version signed; revoking twice is a CONFLICT. */
  @Transaction()
  @Returns('Consent')
  async RevokeConsent(ctx: LedgerContext): Promise<Consent> {
    const [actionJson] = ctx.argsOf('consent:RevokeConsent');
    const action = await verifyAction(ctx, {
      action: 'consent:RevokeConsent',
      json: actionJson,
      payload: consentRevocation,
    });
    const { consentId, expectedVersion } = action.payload;
    const { consent: previous } = await ownConsent(ctx, { action, consentId });
    if (previous.status === 'revoked') {
      throw ledgerError('CONFLICT', `consent ${consentId} is already revoked`);
    }
    checkVersion(previous, expectedVersion);
    const consent: Consent = {
      ...previous,
      status: 'revoked',
      version: previous.version + 1,
      updatedAt: ctx.txTime,
      revokedAt: ctx.txTime,
      signedBy: action.signedBy,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    const collections = await consentCollections(ctx, consent);
    await useNonce(action, collections);
    await writeConsent(ctx, { consent, change: 'revoked', previous, collections });
    // A revoked consent never counts again: decisions stop reading it.
    await changeConsentSets(ctx, { consent, change: 'remove' });
    announce(ctx.stub, 'ConsentRevoked');
    return consent;
  }

  /**
   * Erases a revoked or expired consent's details: the consent, its versions and its index entries
   * are purged from every collection that held them; a receipt stays at the patient's home.
   */
  @Transaction()
  @Returns('ErasureReceipt')
  async EraseConsent(ctx: LedgerContext): Promise<ErasureReceipt> {
    const [actionJson] = ctx.argsOf('consent:EraseConsent');
    const action = await verifyAction(ctx, {
      action: 'consent:EraseConsent',
      json: actionJson,
      payload: consentErasure,
    });
    const { consentId } = action.payload;
    const { consent } = await ownConsent(ctx, { action, consentId });
    const status = consentStatusAt(consent, ctx.txTime);
    if (status === 'active') {
      throw ledgerError(
        'RULE_VIOLATION',
        `consent ${consentId} is active: only a revoked or expired consent is erased`,
      );
    }
    const home = orgCollection(action.home);
    await action.useNonce(home);
    for (const collection of await consentCollections(ctx, consent)) {
      await purgeConsent(ctx, { collection, consent });
    }
    // An expired consent is still named by its sets (a revoked one left them when revoked).
    await changeConsentSets(ctx, { consent, change: 'remove', erase: true });
    const receipt: ErasureReceipt = {
      patientId: consent.patientId,
      kind: 'consent',
      subject: consentId,
      erasedAt: ctx.txTime,
      txId: ctx.txId,
      requestedBy: action.signedBy,
      salt: ctx.salt,
    };
    await writeErasure(ctx, { collection: home, receipt });
    announce(ctx.stub, 'ConsentErased');
    return receipt;
  }

  /** One consent (its home's admins, the regulator, members of the grantee organization). */
  @Transaction(false)
  @Returns('Consent')
  async GetConsent(ctx: LedgerContext): Promise<Consent> {
    const [consentId] = ctx.argsOf('consent:GetConsent');
    const { consent } = await readableConsent(ctx, parseConsentId(consentId));
    return presentConsent(consent, ctx.txTime);
  }

  /** Every version of a consent, oldest first, each with its txId and time. */
  @Transaction(false)
  @Returns('ConsentVersion[]')
  async GetConsentHistory(ctx: LedgerContext): Promise<ConsentVersion[]> {
    const [consentId] = ctx.argsOf('consent:GetConsentHistory');
    const { consent, collection } = await readableConsent(ctx, parseConsentId(consentId));
    return consentVersions(ctx, { collection, current: consent });
  }

  /**
   * A page of consents: the regulator all; admins those of their organization's patients and
   * those granted to their organization; other callers those granted to their organization.
   * Filtered by patient, grantee organization (`*`: denies to everyone) and status.
   */
  @Transaction(false)
  @Returns('ConsentPage')
  async QueryConsents(ctx: LedgerContext): Promise<ConsentPage> {
    const [queryJson] = ctx.argsOf('consent:QueryConsents');
    const query = parseConsentQuery(queryJson);
    const caller = ctx.member;
    const grantee = scopedForHome(caller, query.grantee);
    return queryConsents(ctx, { ...query, grantee });
  }
}

/** Records a signed action's nonce in the collection its consent is written to first. */
async function useNonce(
  action: VerifiedAction<unknown>,
  collections: readonly string[],
): Promise<void> {
  const [first] = collections;
  if (first === undefined) throw new Error('a consent lives in at least one collection');
  await action.useNonce(first);
}

/** Refuses a signed version that is not the consent's current one (CONFLICT). */
function checkVersion(consent: Consent, expectedVersion: number): void {
  if (expectedVersion !== consent.version) {
    throw ledgerError(
      'CONFLICT',
      `consent ${consent.consentId} is at version ${consent.version}, not ${expectedVersion}`,
    );
  }
}

/** A consent of the signing patient, found in the collections of the patient's home. */
async function ownConsent(
  ctx: LedgerContext,
  wanted: { readonly action: VerifiedAction<unknown>; readonly consentId: string },
): Promise<FoundConsent> {
  const { action, consentId } = wanted;
  const found = await findConsent(ctx, {
    consentId,
    collections: collectionsOf(action.home, await channelMspIds(ctx)),
  });
  if (found === undefined) {
    throw ledgerError('CONSENT_NOT_FOUND', `consent ${consentId} does not exist`);
  }
  if (found.consent.patientId !== action.patientId) {
    throw ledgerError('FORBIDDEN', `consent ${consentId} is about another patient`);
  }
  return found;
}

/** A consent the caller may read, wherever it is. */
async function readableConsent(ctx: LedgerContext, consentId: string): Promise<FoundConsent> {
  const what = `consent ${consentId}`;
  const { value: consent, collection } = await locateDocument(ctx, {
    path: ['consent', consentId],
    notFound: () => ledgerError('CONSENT_NOT_FOUND', `${what} does not exist`),
    what,
  });
  requireReader(ctx.member, { home: consent.patientHome, orgs: consentParties(consent), what });
  return { consent, collection };
}

/** Refuses terms that are already over or that name unregistered organizations or institutions. */
async function checkTerms(ctx: LedgerContext, terms: ConsentTerms): Promise<void> {
  if (terms.validUntil !== undefined && terms.validUntil <= ctx.txTime) {
    throw ledgerError('INVALID_ARGUMENT', 'consent.validUntil: must be in the future');
  }
  const validFrom = terms.validFrom ?? ctx.txTime;
  if (terms.validUntil !== undefined && terms.validUntil <= validFrom) {
    throw ledgerError('INVALID_ARGUMENT', 'consent.validUntil: must be after validFrom');
  }
  const grantees = [terms.grantee, ...terms.exceptions.map((exception) => exception.grantee)];
  const orgs = new Set<string>();
  for (const grantee of grantees) if (grantee?.org !== undefined) orgs.add(grantee.org);
  const registered = new Map<string, Organization>();
  for (const org of [...orgs].sort()) registered.set(org, await requireOrganization(ctx.stub, org));
  for (const grantee of grantees) {
    if (grantee?.org === undefined || grantee.institution === undefined) continue;
    const listed = registered.get(grantee.org)?.institutions ?? [];
    if (!listed.some((entry) => entry.institutionId === grantee.institution)) {
      throw ledgerError(
        'ORG_NOT_FOUND',
        `institution ${grantee.institution} is not registered in organization ${grantee.org}`,
      );
    }
  }
}

/** The notice a consent version names, if any, checked against the published one. */
async function checkNotice(ctx: LedgerContext, consent: Consent): Promise<void> {
  if (consent.notice === undefined) return;
  await checkConsentNotice(ctx, {
    notice: consent.notice,
    patientHome: consent.patientHome,
    ...(consent.grantee?.org === undefined ? {} : { granteeOrg: consent.grantee.org }),
  });
}

/** The terms of a consent version with what identifies it. */
interface ConsentDraft extends ConsentTerms {
  readonly consentId: string;
  readonly patientId: string;
  readonly patientHome: string;
  readonly version: number;
  readonly createdAt: string;
  readonly signedBy: SignedBy;
}

function buildConsent(ctx: LedgerContext, terms: Readonly<ConsentDraft>): Consent {
  return {
    consentId: terms.consentId,
    patientId: terms.patientId,
    patientHome: terms.patientHome,
    provision: terms.provision,
    ...(terms.grantee === undefined ? {} : { grantee: terms.grantee }),
    ...(terms.purposes === undefined ? {} : { purposes: terms.purposes }),
    ...(terms.categories === undefined ? {} : { categories: terms.categories }),
    ...(terms.sensitive === undefined ? {} : { sensitive: terms.sensitive }),
    validFrom: terms.validFrom ?? ctx.txTime,
    ...(terms.validUntil === undefined ? {} : { validUntil: terms.validUntil }),
    ...(terms.dataFrom === undefined ? {} : { dataFrom: terms.dataFrom }),
    ...(terms.dataUntil === undefined ? {} : { dataUntil: terms.dataUntil }),
    exceptions: terms.exceptions,
    ...(terms.notice === undefined ? {} : { notice: terms.notice }),
    status: 'active',
    version: terms.version,
    createdAt: terms.createdAt,
    updatedAt: ctx.txTime,
    signedBy: terms.signedBy,
    txId: ctx.txId,
    salt: ctx.salt,
  };
}

async function queryConsents(ctx: LedgerContext, query: ValidConsentQuery): Promise<Page<Consent>> {
  const { patientId, grantee, status } = query;
  const caller = ctx.member;
  const now = ctx.txTime;
  const mspIds = await channelMspIds(ctx);
  let collections = readableCollections(caller, mspIds);
  if (patientId !== undefined) {
    // A registered patient's data is in its home's collections (the benchmark's synthetic
    // patients have no binding: their events are looked for everywhere the caller reads).
    const home = await locateHome(ctx, patientId);
    if (home !== undefined) {
      const homes = collectionsOf(home, mspIds);
      collections = collections.filter((collection) => homes.includes(collection));
    }
  }
  if (grantee !== undefined && grantee !== ANY_GRANTEE) {
    const held = collectionsOf(grantee, mspIds);
    collections = collections.filter((collection) => held.includes(collection));
  }
  const keep = (consent: Consent | undefined): Consent | undefined => {
    if (consent === undefined) return undefined;
    if (patientId !== undefined && consent.patientId !== patientId) return undefined;
    if (grantee !== undefined && granteeAttribute(consent) !== grantee) return undefined;
    if (status !== undefined && consentStatusAt(consent, now) !== status) return undefined;
    if (!canReadConsent(caller, consent)) return undefined;
    return presentConsent(consent, now);
  };
  const byId = async (entry: IndexEntry): Promise<Consent | undefined> => {
    const consentId = entry.attributes.at(-1);
    if (consentId === undefined || entry.collection === undefined) return undefined;
    return keep(await readConsent(ctx, { consentId, collection: entry.collection }));
  };
  const common = {
    collections,
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
  };
  if (grantee !== undefined) {
    return scanPage(ctx.stub, {
      ...common,
      type: 'consentByGrantee',
      prefix: patientId === undefined ? [grantee] : [grantee, patientId],
      select: byId,
    });
  }
  if (patientId !== undefined) {
    return scanPage(ctx.stub, {
      ...common,
      type: 'consentByPatient',
      prefix: [patientId],
      select: byId,
    });
  }
  if (!isRegulator(caller) && caller.role !== 'admin') {
    throw ledgerError('FORBIDDEN', 'only the regulator and admins may list consents unfiltered');
  }
  return scanPage(ctx.stub, {
    ...common,
    type: 'consent',
    prefix: [],
    select: (entry) => Promise.resolve(keep(decodeDocument('consent', entry.value))),
  });
}

/** What {@link grantSignedTerms} grants: terms a patient signed in another action. */
export interface SignedGrant {
  readonly action: VerifiedAction<unknown>;
  readonly terms: ConsentTerms;
}

/**
 * Grants a consent from terms a patient signed (checks, notice, collections, nonce, sets): the body
 * of GrantConsent, and of request:ApproveRequest, whose own signed action carries the terms;
 * announcing the event is the caller's.
 */
export async function grantSignedTerms(
  ctx: LedgerContext,
  grant: Readonly<SignedGrant>,
): Promise<Consent> {
  const { action, terms } = grant;
  await checkTerms(ctx, terms);
  const consent = buildConsent(ctx, {
    ...terms,
    consentId: ctx.nextId('con'),
    patientId: action.patientId,
    patientHome: action.home,
    version: 1,
    createdAt: ctx.txTime,
    signedBy: action.signedBy,
  });
  await checkNotice(ctx, consent);
  const collections = await consentCollections(ctx, consent);
  await useNonce(action, collections);
  await writeConsent(ctx, { consent, change: 'granted', collections });
  await changeConsentSets(ctx, { consent, change: 'add' });
  return consent;
}
