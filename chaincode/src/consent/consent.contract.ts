import {
  ledgerError,
  type ChaincodeContract,
  type Consent,
  type ConsentPage,
  type ConsentVersion,
  type Page,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { emitEvent } from '../ledger/events';
import {
  readScope,
  type ReadScope,
  requirePatientSelf,
  requireReader,
  scopedOrganization,
  scopedPatient,
} from '../ledger/guards';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { scanPage } from '../ledger/pagination';
import { decodeDocument, type IndexEntry } from '../ledger/state';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { requireOrganization } from '../registry/organization-store';
import { consentStatusAt } from './consent-evaluation';
import {
  parseConsentId,
  parseConsentInput,
  parseConsentQuery,
  parseConsentUpdate,
  type ConsentTerms,
  type ValidConsentQuery,
} from './consent-input';
import {
  consentVersions,
  granteeAttribute,
  presentConsent,
  readConsent,
  writeConsent,
  type ConsentWrite,
} from './consent-store';

/**
 * Patients' consents (modelled on FHIR R4 Consent): granted, updated and revoked by the patient
 * only, read by the patient, the regulator and the grantee organization.
 */
@Info({ title: 'Consent', description: 'Patient consents: grant, update, revoke, read, history' })
export class ConsentContract
  extends LedgerContract
  implements ChaincodeContract<'consent', LedgerContext>
{
  constructor() {
    super('consent');
  }

  /** Grants a consent (patients). */
  @Transaction()
  @Returns('Consent')
  async GrantConsent(ctx: LedgerContext, consentJson: string): Promise<Consent> {
    const terms = parseConsentInput(consentJson);
    const patientId = ctx.member.patientId;
    if (patientId === undefined) throw ledgerError('FORBIDDEN', 'only patients grant consents');
    await checkTerms(ctx, terms);
    const consent = buildConsent(ctx, {
      ...terms,
      consentId: ctx.nextId('con'),
      patientId,
      version: 1,
      createdAt: ctx.txTime,
    });
    const write: ConsentWrite = { consent, change: 'granted' };
    await writeConsent(ctx.stub, write);
    announce(ctx, write);
    return consent;
  }

  /** Replaces the terms of an active consent (its patient); the version goes up by one. */
  @Transaction()
  @Returns('Consent')
  async UpdateConsent(
    ctx: LedgerContext,
    consentId: string,
    consentJson: string,
  ): Promise<Consent> {
    const id = parseConsentId(consentId);
    const update = parseConsentUpdate(consentJson);
    const previous = await this.#owned(ctx, id);
    const status = consentStatusAt(previous, ctx.txTime);
    if (status !== 'active') {
      throw ledgerError('RULE_VIOLATION', `consent ${id} is ${status} and cannot be updated`);
    }
    if (update.expectedVersion !== undefined && update.expectedVersion !== previous.version) {
      throw ledgerError(
        'CONFLICT',
        `consent ${id} is at version ${previous.version}, not ${update.expectedVersion}`,
      );
    }
    await checkTerms(ctx, update);
    const consent = buildConsent(ctx, {
      ...update,
      consentId: id,
      patientId: previous.patientId,
      version: previous.version + 1,
      createdAt: previous.createdAt,
    });
    const write: ConsentWrite = { consent, change: 'updated', previous };
    await writeConsent(ctx.stub, write);
    announce(ctx, write);
    return consent;
  }

  /** Revokes a consent (its patient); revoking twice is a CONFLICT. */
  @Transaction()
  @Returns('Consent')
  async RevokeConsent(ctx: LedgerContext, consentId: string): Promise<Consent> {
    const id = parseConsentId(consentId);
    const previous = await this.#owned(ctx, id);
    if (previous.status === 'revoked') {
      throw ledgerError('CONFLICT', `consent ${id} is already revoked`);
    }
    const consent: Consent = {
      ...previous,
      status: 'revoked',
      version: previous.version + 1,
      updatedAt: ctx.txTime,
      revokedAt: ctx.txTime,
      txId: ctx.txId,
    };
    const write: ConsentWrite = { consent, change: 'revoked', previous };
    await writeConsent(ctx.stub, write);
    announce(ctx, write);
    return consent;
  }

  /** One consent (its patient, the regulator, members of the grantee organization). */
  @Transaction(false)
  @Returns('Consent')
  async GetConsent(ctx: LedgerContext, consentId: string): Promise<Consent> {
    const consent = await this.#readable(ctx, parseConsentId(consentId));
    return presentConsent(consent, ctx.txTime);
  }

  /** Every version of a consent, oldest first, each with its txId and time. */
  @Transaction(false)
  @Returns('ConsentVersion[]')
  async GetConsentHistory(ctx: LedgerContext, consentId: string): Promise<ConsentVersion[]> {
    const consent = await this.#readable(ctx, parseConsentId(consentId));
    return consentVersions(ctx.stub, consent);
  }

  /**
   * A page of consents: patients see their own, the regulator all, other callers those granted
   * to their organization; filtered by patient, grantee organization (`*`: denies to everyone)
   * and status.
   */
  @Transaction(false)
  @Returns('ConsentPage')
  async QueryConsents(ctx: LedgerContext, queryJson: string): Promise<ConsentPage> {
    const query = parseConsentQuery(queryJson);
    const caller = ctx.member;
    const patientId = scopedPatient(caller, query.patientId);
    const grantee = scopedOrganization(caller, query.grantee);
    return queryConsents(ctx, { ...query, patientId, grantee, scope: readScope(caller).kind });
  }

  async #owned(ctx: LedgerContext, consentId: string): Promise<Consent> {
    const consent = await readConsent(ctx.stub, consentId);
    if (consent === undefined) {
      throw ledgerError('CONSENT_NOT_FOUND', `consent ${consentId} does not exist`);
    }
    requirePatientSelf(ctx.member, { patientId: consent.patientId, what: `consent ${consentId}` });
    return consent;
  }

  async #readable(ctx: LedgerContext, consentId: string): Promise<Consent> {
    const consent = await readConsent(ctx.stub, consentId);
    if (consent === undefined) {
      throw ledgerError('CONSENT_NOT_FOUND', `consent ${consentId} does not exist`);
    }
    requireReader(ctx.member, {
      patientId: consent.patientId,
      orgs: consent.grantee?.org === undefined ? [] : [consent.grantee.org],
      what: `consent ${consentId}`,
    });
    return consent;
  }
}

/** Refuses terms that are already over or that name unregistered organizations. */
async function checkTerms(ctx: LedgerContext, terms: ConsentTerms): Promise<void> {
  if (terms.validUntil !== undefined && terms.validUntil <= ctx.txTime) {
    throw ledgerError('INVALID_ARGUMENT', 'consent.validUntil: must be in the future');
  }
  const validFrom = terms.validFrom ?? ctx.txTime;
  if (terms.validUntil !== undefined && terms.validUntil <= validFrom) {
    throw ledgerError('INVALID_ARGUMENT', 'consent.validUntil: must be after validFrom');
  }
  const orgs = new Set<string>();
  if (terms.grantee?.org !== undefined) orgs.add(terms.grantee.org);
  for (const exception of terms.exceptions) {
    if (exception.grantee?.org !== undefined) orgs.add(exception.grantee.org);
  }
  for (const org of [...orgs].sort()) await requireOrganization(ctx.stub, org);
}

/** The terms of a consent version with what identifies it. */
interface ConsentDraft extends ConsentTerms {
  readonly consentId: string;
  readonly patientId: string;
  readonly version: number;
  readonly createdAt: string;
}

function buildConsent(ctx: LedgerContext, terms: Readonly<ConsentDraft>): Consent {
  return {
    consentId: terms.consentId,
    patientId: terms.patientId,
    provision: terms.provision,
    ...(terms.grantee === undefined ? {} : { grantee: terms.grantee }),
    ...(terms.purposes === undefined ? {} : { purposes: terms.purposes }),
    ...(terms.categories === undefined ? {} : { categories: terms.categories }),
    validFrom: terms.validFrom ?? ctx.txTime,
    ...(terms.validUntil === undefined ? {} : { validUntil: terms.validUntil }),
    ...(terms.dataFrom === undefined ? {} : { dataFrom: terms.dataFrom }),
    ...(terms.dataUntil === undefined ? {} : { dataUntil: terms.dataUntil }),
    exceptions: terms.exceptions,
    status: 'active',
    version: terms.version,
    createdAt: terms.createdAt,
    updatedAt: ctx.txTime,
    txId: ctx.txId,
  };
}

const EVENT_NAMES = {
  granted: 'ConsentGranted',
  updated: 'ConsentUpdated',
  revoked: 'ConsentRevoked',
} as const;

function announce(ctx: LedgerContext, write: ConsentWrite): void {
  const { consent, change } = write;
  emitEvent(ctx.stub, {
    name: EVENT_NAMES[change],
    payload: {
      consentId: consent.consentId,
      patientId: consent.patientId,
      provision: consent.provision,
      granteeOrg: granteeAttribute(consent),
      status: consent.status,
      change,
      version: consent.version,
      timestamp: ctx.txTime,
    },
  });
}

async function queryConsents(
  ctx: LedgerContext,
  query: ValidConsentQuery & { readonly scope: ReadScope['kind'] },
): Promise<Page<Consent>> {
  const { patientId, grantee, status, scope } = query;
  const now = ctx.txTime;
  const keep = (consent: Consent | undefined): Consent | undefined => {
    if (consent === undefined) return undefined;
    if (patientId !== undefined && consent.patientId !== patientId) return undefined;
    if (grantee !== undefined && granteeAttribute(consent) !== grantee) return undefined;
    if (status !== undefined && consentStatusAt(consent, now) !== status) return undefined;
    return presentConsent(consent, now);
  };
  const byId = async (entry: IndexEntry): Promise<Consent | undefined> => {
    const consentId = entry.attributes.at(-1);
    return keep(consentId === undefined ? undefined : await readConsent(ctx.stub, consentId));
  };
  const common = {
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
    readOnly: true,
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
  if (scope !== 'regulator')
    throw ledgerError('FORBIDDEN', 'only the regulator may list all consents');
  return scanPage(ctx.stub, {
    ...common,
    type: 'consent',
    prefix: [],
    select: (entry) => Promise.resolve(keep(decodeDocument('consent', entry.value))),
  });
}
