// Registers the @Object types of the results in the contract metadata.
import '../consent/consent.metadata';
import './access-event.metadata';
import './referral.metadata';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import type { Decision } from '../consent/consent.model';
import { emitEvent } from '../ledger/events';
import { ledgerError } from '../ledger/errors';
import { requireReader } from '../ledger/guards';
import { LedgerContext, type Member } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { decodeBookmark, encodeBookmark, indexEntries } from '../ledger/pagination';
import { stateKey } from '../ledger/keys';
import { addMillis } from '../ledger/time';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import type { Category, Purpose, Role } from '../ledger/vocabulary';
import { requireOrganization } from '../registry/organization-store';
import { decideAccess, decideEmergency } from './access-evaluation';
import { readAccessEvent, writeAccessEvent, writeReviewedEvent } from './access-event-store';
import type { AccessEvent, CohortResult } from './access-event.model';
import {
  parseAccessRequest,
  parseCohortRequest,
  parseEmergencyRequest,
  parseEventId,
  parseReferralId,
  parseReferralInput,
  parseReview,
} from './access-input';
import { indexReferral, presentReferral, readReferral, writeReferral } from './referral-store';
import type { Referral } from './referral.model';

/** Longest validity of a referral. */
const MAX_REFERRAL_MILLIS = 366 * 86_400_000;

/**
 * Access to patients' data: every request is decided by the patient's consents and recorded as an
 * access event whatever the decision; break-glass access with the regulator's review; research
 * cohorts; referrals between hospitals.
 */
@Info({
  title: 'Access',
  description: 'Consent-checked, audited access; emergencies; cohorts; referrals',
})
export class AccessContract extends LedgerContract {
  constructor() {
    super('access');
  }

  /** Decides an access by the patient's consents and records it (event AccessRecorded). */
  @Transaction()
  @Returns('AccessEvent')
  async RequestAccess(ctx: LedgerContext, requestJson: string): Promise<AccessEvent> {
    const request = parseAccessRequest(requestJson);
    const caller = ctx.member;
    const decision = await decideAccess(ctx.stub, {
      patientId: request.patientId,
      accessor: accessorOf(caller),
      purpose: request.purpose,
      categories: request.categories,
      ...period(request),
      now: ctx.txTime,
    });
    return record(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      purpose: request.purpose,
      categories: request.categories,
      recordIds: request.recordIds ?? [],
      ...period(request),
      decision,
    });
  }

  /** Decides an access like RequestAccess, writing nothing. */
  @Transaction(false)
  @Returns('Decision')
  async CheckAccess(ctx: LedgerContext, requestJson: string): Promise<Decision> {
    const request = parseAccessRequest(requestJson);
    return decideAccess(ctx.stub, {
      patientId: request.patientId,
      accessor: accessorOf(ctx.member),
      purpose: request.purpose,
      categories: request.categories,
      ...period(request),
      now: ctx.txTime,
    });
  }

  /**
   * Break-glass access by a hospital clinician: permitted without consent unless the patient's
   * deny covers emergencies; recorded with a coded reason and the justification's hash, pending the
   * regulator's review.
   */
  @Transaction()
  @Returns('AccessEvent')
  async RequestEmergencyAccess(ctx: LedgerContext, requestJson: string): Promise<AccessEvent> {
    const request = parseEmergencyRequest(requestJson);
    const caller = ctx.member;
    const decision = await decideEmergency(ctx.stub, {
      patientId: request.patientId,
      accessor: accessorOf(caller),
      categories: request.categories,
      now: ctx.txTime,
    });
    return record(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      purpose: 'emergency',
      categories: request.categories,
      recordIds: request.recordIds ?? [],
      decision,
      emergency: {
        reasonCode: request.reasonCode,
        justificationHash: request.justificationHash,
        review: { status: 'pending' },
      },
    });
  }

  /** The regulator's review of a break-glass access (event EmergencyReviewed). */
  @Transaction()
  @Returns('AccessEvent')
  async ReviewEmergencyAccess(
    ctx: LedgerContext,
    eventId: string,
    reviewJson: string,
  ): Promise<AccessEvent> {
    const id = parseEventId(eventId);
    const review = parseReview(reviewJson);
    const event = await readAccessEvent(ctx.stub, id);
    if (event === undefined)
      throw ledgerError('EVENT_NOT_FOUND', `access event ${id} does not exist`);
    if (!event.breakGlass || event.emergency === undefined) {
      throw ledgerError('RULE_VIOLATION', `access event ${id} is not a break-glass access`);
    }
    if (event.emergency.review.status === 'reviewed') {
      throw ledgerError('CONFLICT', `access event ${id} is already reviewed`);
    }
    const reviewed: AccessEvent = {
      ...event,
      emergency: {
        ...event.emergency,
        review: {
          status: 'reviewed',
          outcome: review.outcome,
          reviewedAt: ctx.txTime,
          reviewerIdHash: ctx.member.idHash,
        },
      },
    };
    await writeReviewedEvent(ctx.stub, reviewed);
    emitEvent(ctx.stub, {
      name: 'EmergencyReviewed',
      payload: {
        eventId: id,
        accessorOrg: event.accessor.org,
        outcome: review.outcome,
        reviewedAt: ctx.txTime,
      },
    });
    return reviewed;
  }

  /**
   * A page of a research cohort: patients with an active research permit to the caller's
   * organization (found through the grantee index, or the patients named), one access event per
   * patient included (event CohortRecorded).
   */
  @Transaction()
  @Returns('CohortResult')
  async RequestCohort(ctx: LedgerContext, cohortJson: string): Promise<CohortResult> {
    const request = parseCohortRequest(cohortJson);
    const caller = ctx.member;
    const included: string[] = [];
    const events: string[] = [];
    const consider = async (patientId: string): Promise<void> => {
      const decision = await decideAccess(ctx.stub, {
        patientId,
        accessor: accessorOf(caller),
        purpose: 'research',
        categories: request.categories,
        now: ctx.txTime,
      });
      if (decision.decision !== 'permit') return;
      const event = await store(ctx, {
        eventId: ctx.nextId('evt'),
        patientId,
        purpose: 'research',
        categories: request.categories,
        recordIds: [],
        decision,
        cohort: { studyId: request.studyId },
      });
      included.push(patientId);
      events.push(event.eventId);
    };

    let bookmark = '';
    if (request.patientIds !== undefined) {
      for (const patientId of request.patientIds) await consider(patientId);
    } else {
      bookmark = await scanCohort(ctx, {
        org: caller.mspId,
        pageSize: request.pageSize ?? DEFAULT_PAGE_SIZE,
        bookmark: request.bookmark ?? '',
        includedSoFar: () => included.length,
        consider,
      });
    }
    emitEvent(ctx.stub, {
      name: 'CohortRecorded',
      payload: {
        studyId: request.studyId,
        accessorOrg: caller.mspId,
        included: included.length,
        eventIds: events,
        timestamp: ctx.txTime,
      },
    });
    return { included, events, bookmark };
  }

  /** Refers a patient to another hospital for some categories (event ReferralCreated). */
  @Transaction()
  @Returns('Referral')
  async CreateReferral(ctx: LedgerContext, referralJson: string): Promise<Referral> {
    const input = parseReferralInput(referralJson);
    const caller = ctx.member;
    if (input.validUntil <= ctx.txTime) {
      throw ledgerError('INVALID_ARGUMENT', 'referral.validUntil: must be in the future');
    }
    if (input.validUntil > addMillis(ctx.txTime, MAX_REFERRAL_MILLIS)) {
      throw ledgerError('INVALID_ARGUMENT', 'referral.validUntil: must be within 366 days');
    }
    const target = await requireOrganization(ctx.stub, input.toOrg);
    if (target.type !== 'hospital') {
      throw ledgerError('RULE_VIOLATION', `referrals go to hospitals; ${input.toOrg} is not one`);
    }
    if (input.toOrg === caller.mspId) {
      throw ledgerError('RULE_VIOLATION', 'a referral goes to another hospital');
    }
    if (input.returnOf !== undefined) {
      const outbound = await readReferral(ctx.stub, input.returnOf);
      if (outbound === undefined)
        throw ledgerError('REFERRAL_NOT_FOUND', `referral ${input.returnOf} does not exist`);
      if (
        outbound.patientId !== input.patientId ||
        outbound.toOrg !== caller.mspId ||
        outbound.fromOrg !== input.toOrg
      ) {
        throw ledgerError(
          'RULE_VIOLATION',
          `a referral back returns ${input.returnOf}'s patient from its receiving hospital to its referring one`,
        );
      }
    }
    const referral: Referral = {
      referralId: ctx.nextId('ref'),
      patientId: input.patientId,
      fromOrg: caller.mspId,
      toOrg: input.toOrg,
      categories: input.categories,
      validUntil: input.validUntil,
      ...(input.returnOf === undefined ? {} : { returnOf: input.returnOf }),
      status: 'open',
      createdAt: ctx.txTime,
      createdBy: caller.idHash,
      txId: ctx.txId,
    };
    await writeReferral(ctx.stub, referral);
    await indexReferral(ctx.stub, referral);
    announceReferral(ctx, { referral: referral, name: 'ReferralCreated' });
    return referral;
  }

  /** Closes a referral (a clinician of either hospital; event ReferralClosed). */
  @Transaction()
  @Returns('Referral')
  async CloseReferral(ctx: LedgerContext, referralId: string): Promise<Referral> {
    const id = parseReferralId(referralId);
    const caller = ctx.member;
    const referral = await readReferral(ctx.stub, id);
    if (referral === undefined)
      throw ledgerError('REFERRAL_NOT_FOUND', `referral ${id} does not exist`);
    if (caller.mspId !== referral.fromOrg && caller.mspId !== referral.toOrg) {
      throw ledgerError('FORBIDDEN', `only the two hospitals of referral ${id} may close it`);
    }
    if (referral.status === 'closed')
      throw ledgerError('CONFLICT', `referral ${id} is already closed`);
    const closed: Referral = {
      ...referral,
      status: 'closed',
      closedAt: ctx.txTime,
      closedBy: caller.idHash,
      txId: ctx.txId,
    };
    await writeReferral(ctx.stub, closed);
    announceReferral(ctx, { referral: closed, name: 'ReferralClosed' });
    return closed;
  }

  /** A referral (either hospital, the patient, the regulator). */
  @Transaction(false)
  @Returns('Referral')
  async GetReferral(ctx: LedgerContext, referralId: string): Promise<Referral> {
    const id = parseReferralId(referralId);
    const referral = await readReferral(ctx.stub, id);
    if (referral === undefined)
      throw ledgerError('REFERRAL_NOT_FOUND', `referral ${id} does not exist`);
    requireReader(ctx.member, {
      patientId: referral.patientId,
      orgs: [referral.fromOrg, referral.toOrg],
      what: `referral ${id}`,
    });
    return presentReferral(referral, ctx.txTime);
  }
}

function accessorOf(caller: Member): { org: string; role: Role; practitionerId?: string } {
  return {
    org: caller.mspId,
    role: caller.role,
    ...(caller.practitionerId === undefined ? {} : { practitionerId: caller.practitionerId }),
  };
}

function period(request: { readonly dataFrom?: string; readonly dataUntil?: string }): {
  dataFrom?: string;
  dataUntil?: string;
} {
  return {
    ...(request.dataFrom === undefined ? {} : { dataFrom: request.dataFrom }),
    ...(request.dataUntil === undefined ? {} : { dataUntil: request.dataUntil }),
  };
}

interface EventDraft {
  readonly eventId: string;
  readonly patientId: string;
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  readonly recordIds: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly decision: Decision;
  readonly emergency?: AccessEvent['emergency'];
  readonly cohort?: AccessEvent['cohort'];
}

/** Builds and writes an access event. */
async function store(ctx: LedgerContext, draft: EventDraft): Promise<AccessEvent> {
  const caller = ctx.member;
  const event: AccessEvent = {
    eventId: draft.eventId,
    patientId: draft.patientId,
    accessor: { ...accessorOf(caller), idHash: caller.idHash },
    accessorRegion: caller.organization.region,
    purpose: draft.purpose,
    categories: [...draft.categories],
    recordIds: [...draft.recordIds],
    ...(draft.dataFrom === undefined ? {} : { dataFrom: draft.dataFrom }),
    ...(draft.dataUntil === undefined ? {} : { dataUntil: draft.dataUntil }),
    decision: draft.decision.decision,
    reason: draft.decision.reason,
    consentIds: draft.decision.consentIds,
    breakGlass: draft.emergency !== undefined,
    ...(draft.emergency === undefined ? {} : { emergency: draft.emergency }),
    ...(draft.cohort === undefined ? {} : { cohort: draft.cohort }),
    timestamp: ctx.txTime,
    txId: ctx.txId,
  };
  await writeAccessEvent(ctx.stub, event);
  return event;
}

/** Writes an access event and announces it (event AccessRecorded). */
async function record(ctx: LedgerContext, draft: EventDraft): Promise<AccessEvent> {
  const event = await store(ctx, draft);
  emitEvent(ctx.stub, {
    name: 'AccessRecorded',
    payload: {
      eventId: event.eventId,
      patientId: event.patientId,
      accessorOrg: event.accessor.org,
      purpose: event.purpose,
      categories: event.categories,
      decision: event.decision,
      reason: event.reason,
      breakGlass: event.breakGlass,
      timestamp: event.timestamp,
    },
  });
  return event;
}

function announceReferral(
  ctx: LedgerContext,
  event: { readonly referral: Referral; readonly name: 'ReferralCreated' | 'ReferralClosed' },
): void {
  const { referral, name } = event;
  emitEvent(ctx.stub, {
    name,
    payload: {
      referralId: referral.referralId,
      patientId: referral.patientId,
      fromOrg: referral.fromOrg,
      toOrg: referral.toOrg,
      categories: referral.categories,
      status: referral.status === 'closed' ? 'closed' : 'open',
      timestamp: ctx.txTime,
    },
  });
}

interface CohortScan {
  readonly org: string;
  readonly pageSize: number;
  readonly bookmark: string;
  /** How many patients are included so far. */
  readonly includedSoFar: () => number;
  readonly consider: (patientId: string) => Promise<void>;
}

/**
 * Walks the grantee index of the caller's organization patient by patient (a submit transaction
 * may not use paginated queries, so it iterates and skips to the bookmark), until pageSize
 * patients are included or 10 x pageSize index entries are examined. Returns the bookmark: the
 * first entry of the next patient, or empty at the end.
 */
async function scanCohort(ctx: LedgerContext, scan: Readonly<CohortScan>): Promise<string> {
  const prefix = [scan.org];
  const startKey =
    scan.bookmark === ''
      ? undefined
      : decodeBookmark(scan.bookmark, {
          prefixKey: stateKey(ctx.stub, ['consentByGrantee', ...prefix]),
        });
  const limit = scan.pageSize * 10;
  let examined = 0;
  let current: string | undefined;
  for await (const entry of indexEntries(ctx.stub, {
    type: 'consentByGrantee',
    prefix,
    ...(startKey === undefined ? {} : { startKey }),
    readOnly: false,
  })) {
    const patientId = entry.attributes[1];
    if (patientId === undefined) continue;
    if (patientId !== current) {
      if (scan.includedSoFar() >= scan.pageSize || examined >= limit) {
        return encodeBookmark(entry.key);
      }
      current = patientId;
      await scan.consider(patientId);
    }
    examined += 1;
  }
  return '';
}
