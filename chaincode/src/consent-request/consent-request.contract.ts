import {
  canonicalJson,
  collectionFor,
  collectionsOf,
  ledgerError,
  requestedConsent,
  type ChaincodeContract,
  type ConsentRequest,
  type ConsentRequestPage,
  type RequestApproval,
  type RequestLimitsSetting,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { channelMspIds } from '../ledger/channel';
import { announce } from '../ledger/events';
import { canRead, isRegulator, readableCollections, requireReader } from '../ledger/guards';
import { locateDocument } from '../ledger/locate';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { scanPage } from '../ledger/pagination';
import { decodeDocument, type IndexEntry } from '../ledger/state';
import { addMillis } from '../ledger/time';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { consentTerms } from '../consent/consent-input';
import { grantSignedTerms } from '../consent/consent.contract';
import { locateHome, requireHome } from '../patient/binding-store';
import { verifyAction, type VerifiedAction } from '../patient/statement';
import {
  parseRequestId,
  parseRequestInput,
  parseRequestLimits,
  parseRequestQuery,
  requestApproval,
  requestDecline,
  type ValidRequestQuery,
} from './consent-request-input';
import {
  countRequests,
  presentRequest,
  readLimits,
  readRequest,
  REQUEST_WINDOW_MILLIS,
  writeLimits,
  writeRequest,
} from './consent-request-store';

/**
 * Consent requests: a requester asks a patient for a consent to its own organization, with a
 * coded reason, within the limits the regulator set (or the defaults); the patient approves with a
 * signed statement whose consent equals the request's terms (the consent is granted in the same
 * transaction, as GrantConsent grants it) or declines; the requester's organization may withdraw
 * an open request. A request is kept with the patient's home, the requester's organization and the
 * regulator (the collection a consent to that organization lives in).
 */
@Info({ title: 'ConsentRequest', description: 'Consent requests: ask, approve, decline, withdraw' })
export class ConsentRequestContract
  extends LedgerContract
  implements ChaincodeContract<'request', LedgerContext>
{
  constructor() {
    super('request');
  }

  /** Asks a patient for a consent (event ConsentRequested); the limits apply. */
  @Transaction()
  @Returns('ConsentRequest')
  async RequestConsent(ctx: LedgerContext): Promise<ConsentRequest> {
    const [requestJson] = ctx.argsOf('request:RequestConsent');
    const input = parseRequestInput(requestJson);
    const caller = ctx.member;
    if (input.terms.grantee.org !== caller.mspId) {
      throw ledgerError(
        'RULE_VIOLATION',
        `a request asks for a consent to the requester's own organization (${caller.mspId})`,
      );
    }
    if (input.terms.validUntil <= ctx.txTime) {
      throw ledgerError('INVALID_ARGUMENT', 'request.terms.validUntil: must be in the future');
    }
    // Parses the consent it asks for as GrantConsent would: a request that no approval could
    // grant is refused now.
    consentTerms(requestedConsent(input.terms));
    const home = await requireHome(ctx, input.patientId);
    const collection = collectionFor(home, caller.mspId);
    const limits = await readLimits(ctx);
    const counts = await countRequests(ctx, {
      collection,
      patientId: input.patientId,
      requesterOrg: caller.mspId,
      now: ctx.txTime,
    });
    if (counts.open >= limits.maxOpen) {
      throw ledgerError(
        'RULE_VIOLATION',
        `request limit: ${caller.mspId} has ${counts.open} open requests to this patient (at most ${limits.maxOpen})`,
      );
    }
    if (counts.recent >= limits.maxPerWindow) {
      throw ledgerError(
        'RULE_VIOLATION',
        `request limit: ${caller.mspId} made ${counts.recent} requests to this patient in 30 days (at most ${limits.maxPerWindow})`,
      );
    }
    const request: ConsentRequest = {
      requestId: ctx.nextId('req'),
      patientId: input.patientId,
      patientHome: home,
      requesterOrg: caller.mspId,
      requestedBy: caller.idHash,
      terms: input.terms,
      reason: input.reason,
      status: 'open',
      createdAt: ctx.txTime,
      expiresAt: addMillis(ctx.txTime, REQUEST_WINDOW_MILLIS),
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await writeRequest(ctx, { collection, request, stale: counts.stale }, true);
    announce(ctx.stub, 'ConsentRequested');
    return request;
  }

  /**
   * Approves a request: grants the consent the patient signed, which must equal its terms, with
   * the notice the patient was shown (if any) besides.
   */
  @Transaction()
  @Returns('RequestApproval')
  async ApproveRequest(ctx: LedgerContext): Promise<RequestApproval> {
    const [actionJson] = ctx.argsOf('request:ApproveRequest');
    const action = await verifyAction(ctx, {
      action: 'request:ApproveRequest',
      json: actionJson,
      payload: requestApproval,
    });
    const { requestId, consent: signed } = action.payload;
    const { request, collection } = await openRequestOf(ctx, { action, requestId });
    const asked = consentTerms(requestedConsent(request.terms));
    // The notice is the patient's side: the one shown when approving (checked like a grant's).
    const { notice: _shown, ...signedTerms } = signed;
    if (canonicalJson(signedTerms) !== canonicalJson(asked)) {
      throw ledgerError(
        'RULE_VIOLATION',
        `the consent signed is not the one request ${requestId} asks for`,
      );
    }
    // The nonce goes where the consent goes: the request's own collection (same organizations).
    const consent = await grantSignedTerms(ctx, { action, terms: signed });
    const approved: ConsentRequest = {
      ...request,
      status: 'approved',
      answeredAt: ctx.txTime,
      answeredBy: action.signedBy,
      consentId: consent.consentId,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await writeRequest(ctx, { collection, request: approved }, false);
    announce(ctx.stub, 'ConsentRequestAnswered');
    return { request: approved, consent };
  }

  /** Declines a request, signed by the patient (event ConsentRequestAnswered). */
  @Transaction()
  @Returns('ConsentRequest')
  async DeclineRequest(ctx: LedgerContext): Promise<ConsentRequest> {
    const [actionJson] = ctx.argsOf('request:DeclineRequest');
    const action = await verifyAction(ctx, {
      action: 'request:DeclineRequest',
      json: actionJson,
      payload: requestDecline,
    });
    const { requestId, reason } = action.payload;
    const { request, collection } = await openRequestOf(ctx, { action, requestId });
    await action.useNonce(collection);
    const declined: ConsentRequest = {
      ...request,
      status: 'declined',
      answeredAt: ctx.txTime,
      answeredBy: action.signedBy,
      ...(reason === undefined ? {} : { declineReason: reason }),
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await writeRequest(ctx, { collection, request: declined }, false);
    announce(ctx.stub, 'ConsentRequestAnswered');
    return declined;
  }

  /** Withdraws an open request (members of its requester's organization). */
  @Transaction()
  @Returns('ConsentRequest')
  async WithdrawRequest(ctx: LedgerContext): Promise<ConsentRequest> {
    const [requestIdArgument] = ctx.argsOf('request:WithdrawRequest');
    const requestId = parseRequestId(requestIdArgument);
    const caller = ctx.member;
    const { value: request, collection } = await locateRequest(ctx, requestId);
    if (caller.mspId !== request.requesterOrg) {
      throw ledgerError(
        'FORBIDDEN',
        `only members of ${request.requesterOrg} may withdraw request ${requestId}`,
      );
    }
    requireOpen(presentRequest(request, ctx.txTime));
    const withdrawn: ConsentRequest = {
      ...request,
      status: 'withdrawn',
      answeredAt: ctx.txTime,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await writeRequest(ctx, { collection, request: withdrawn }, false);
    announce(ctx.stub, 'ConsentRequestAnswered');
    return withdrawn;
  }

  /** One request (its patient's home, the requester's organization, the regulator). */
  @Transaction(false)
  @Returns('ConsentRequest')
  async GetRequest(ctx: LedgerContext): Promise<ConsentRequest> {
    const [requestIdArgument] = ctx.argsOf('request:GetRequest');
    const requestId = parseRequestId(requestIdArgument);
    const { value: request } = await locateRequest(ctx, requestId);
    requireReader(ctx.member, {
      home: request.patientHome,
      orgs: [request.requesterOrg],
      what: `request ${requestId}`,
    });
    return presentRequest(request, ctx.txTime);
  }

  /**
   * A page of requests, newest first: the regulator all; admins those to their organization's
   * patients and their organization's own; others their organization's own. Filtered by patient,
   * requester organization and status.
   */
  @Transaction(false)
  @Returns('ConsentRequestPage')
  async QueryRequests(ctx: LedgerContext): Promise<ConsentRequestPage> {
    const [queryJson] = ctx.argsOf('request:QueryRequests');
    return queryRequests(ctx, parseRequestQuery(queryJson));
  }

  /** Sets the limits per requester organization and patient (the regulator). */
  @Transaction()
  @Returns('RequestLimitsSetting')
  async SetRequestLimits(ctx: LedgerContext): Promise<RequestLimitsSetting> {
    const [limitsJson] = ctx.argsOf('request:SetRequestLimits');
    const limits = parseRequestLimits(limitsJson);
    const setting: RequestLimitsSetting = {
      ...limits,
      source: 'ledger',
      setAt: ctx.txTime,
      txId: ctx.txId,
    };
    await writeLimits(ctx, setting);
    return setting;
  }

  /** The limits in force (the defaults until the regulator sets them). */
  @Transaction(false)
  @Returns('RequestLimitsSetting')
  async GetRequestLimits(ctx: LedgerContext): Promise<RequestLimitsSetting> {
    return readLimits(ctx);
  }
}

/** A request and the collection it was read from. */
interface FoundRequest {
  readonly request: ConsentRequest;
  readonly collection: string;
}

/** Refuses a request that is no longer open (CONFLICT once answered, RULE_VIOLATION expired). */
function requireOpen(request: ConsentRequest): void {
  if (request.status === 'expired') {
    throw ledgerError('RULE_VIOLATION', `request ${request.requestId} has expired`);
  }
  if (request.status !== 'open') {
    throw ledgerError('CONFLICT', `request ${request.requestId} is already ${request.status}`);
  }
}

/** An open request to the signing patient, found in the collections of the patient's home. */
async function openRequestOf(
  ctx: LedgerContext,
  wanted: { readonly action: VerifiedAction<unknown>; readonly requestId: string },
): Promise<FoundRequest> {
  const { action, requestId } = wanted;
  for (const collection of collectionsOf(action.home, await channelMspIds(ctx))) {
    const request = await readRequest(ctx, { collection, requestId });
    if (request === undefined) continue;
    if (request.patientId !== action.patientId) {
      throw ledgerError('FORBIDDEN', `request ${requestId} is about another patient`);
    }
    requireOpen(presentRequest(request, ctx.txTime));
    return { request, collection };
  }
  throw ledgerError('REQUEST_NOT_FOUND', `request ${requestId} does not exist`);
}

function locateRequest(ctx: LedgerContext, requestId: string) {
  const what = `request ${requestId}`;
  return locateDocument(ctx, {
    path: ['consentRequest', requestId],
    notFound: () => ledgerError('REQUEST_NOT_FOUND', `${what} does not exist`),
    what,
  });
}

async function queryRequests(
  ctx: LedgerContext,
  query: ValidRequestQuery,
): Promise<ConsentRequestPage> {
  const caller = ctx.member;
  const now = ctx.txTime;
  const { patientId, status } = query;
  // Members who are neither the regulator nor admins see their own organization's requests only.
  let requesterOrg = query.requesterOrg;
  if (!isRegulator(caller) && caller.role !== 'admin') {
    if (requesterOrg !== undefined && requesterOrg !== caller.mspId) {
      throw ledgerError(
        'FORBIDDEN',
        `members of ${caller.mspId} may only query their own organization's requests`,
      );
    }
    requesterOrg = caller.mspId;
  }
  const mspIds = await channelMspIds(ctx);
  let collections = readableCollections(caller, mspIds);
  if (patientId !== undefined) {
    const home = await locateHome(ctx, patientId);
    if (home === undefined) return { items: [], bookmark: '' };
    const homes = collectionsOf(home, mspIds);
    collections = collections.filter((collection) => homes.includes(collection));
  }
  if (requesterOrg !== undefined) {
    const held = collectionsOf(requesterOrg, mspIds);
    collections = collections.filter((collection) => held.includes(collection));
  }
  const keep = (request: ConsentRequest | undefined): ConsentRequest | undefined => {
    if (request === undefined) return undefined;
    if (patientId !== undefined && request.patientId !== patientId) return undefined;
    if (requesterOrg !== undefined && request.requesterOrg !== requesterOrg) return undefined;
    if (
      !canRead(caller, {
        home: request.patientHome,
        orgs: [request.requesterOrg],
        what: '',
      })
    ) {
      return undefined;
    }
    const presented = presentRequest(request, now);
    return status === undefined || presented.status === status ? presented : undefined;
  };
  const byId = async (entry: IndexEntry): Promise<ConsentRequest | undefined> => {
    const requestId = entry.attributes.at(-1);
    if (requestId === undefined || entry.collection === undefined) return undefined;
    return keep(await readRequest(ctx, { collection: entry.collection, requestId }));
  };
  const common = {
    collections,
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
    select: byId,
  };
  if (patientId !== undefined) {
    return scanPage(ctx.stub, { ...common, type: 'requestByPatient', prefix: [patientId] });
  }
  if (requesterOrg !== undefined) {
    return scanPage(ctx.stub, { ...common, type: 'requestByOrg', prefix: [requesterOrg] });
  }
  return scanPage(ctx.stub, {
    ...common,
    type: 'consentRequest',
    prefix: [],
    select: (entry) => Promise.resolve(keep(decodeDocument('consentRequest', entry.value))),
  });
}
