import { ACCESSORS, EVERYONE, REGULATOR, type AccessRules } from './access-rule.ts';
import type { Consent, ConsentGrantee, ConsentInput } from './consent.api.ts';
import { derivedIdPattern } from './ids.ts';
import type { Page } from './page.ts';
import type { SignedAction, SignedBy } from './signed-action.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type { Category, Purpose, SensitivityLabel } from './vocabulary.ts';

/**
 * Consent requests (contract `request`, docs/ledger-api.md "Consent requests"): a requester
 * (clinician, analyst, researcher) asks a patient for a consent with given terms and a coded
 * reason; the patient approves with a signed statement whose consent equals those terms (the
 * consent is granted in the same transaction) or declines. A request is about a patient: it lives
 * in the collection of the patient's home and the requester's organization. A requester's
 * organization may have a limited number of open requests per patient, and a limited number per
 * 30 days, which the regulator sets on the ledger.
 */

/** A consent request ID (`req-` + 24 hex digits, derived by the ledger). */
export const CONSENT_REQUEST_ID_PATTERN = derivedIdPattern('req');

/** Why a requester asks (no free text reaches the ledger). */
export const REQUEST_REASONS = [
  'CARE_CONTINUITY',
  'CLAIM_ASSESSMENT',
  'FOLLOW_UP',
  'PUBLIC_HEALTH_REPORTING',
  'RESEARCH_STUDY',
  'SECOND_OPINION',
] as const;
/** A request reason code. */
export type RequestReason = (typeof REQUEST_REASONS)[number];

/** Why a patient declines (optional; no free text reaches the ledger). */
export const DECLINE_REASONS = [
  'NOT_NEEDED',
  'NO_REASON_GIVEN',
  'TERMS_TOO_BROAD',
  'UNKNOWN_REQUESTER',
] as const;
/** A decline reason code. */
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** A request's status as reads report it: stored `open` reads `expired` once expiresAt passed. */
export const CONSENT_REQUEST_STATUSES = [
  'approved',
  'declined',
  'expired',
  'open',
  'withdrawn',
] as const;
/** A consent request status. */
export type ConsentRequestStatus = (typeof CONSENT_REQUEST_STATUSES)[number];

/** How long a request stays open, and the window of the per-period limit: 30 days. */
export const REQUEST_WINDOW_DAYS = 30;

/**
 * The terms a requester asks for: a permit to the requester's own organization (the grantee may
 * also name a role or a practitioner, and whatever {@link ConsentGrantee} names), for purposes and
 * categories, sensitive data only when named, for a bounded period. Approving makes exactly this
 * consent ({@link requestedConsent}).
 */
export interface ConsentRequestTerms {
  /** `org` is required and must be the requester's organization. */
  readonly grantee: ConsentGrantee;
  readonly purposes: readonly Purpose[];
  readonly categories: readonly Category[];
  /** Sensitive data asked for: each label named explicitly (absent: none). */
  readonly sensitive?: readonly SensitivityLabel[];
  /** The approval's transaction time when absent. */
  readonly validFrom?: string;
  /** Required: a request asks for a bounded period. */
  readonly validUntil: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
}

/** A consent request as the ledger keeps it. */
export interface ConsentRequest {
  readonly requestId: string;
  readonly patientId: string;
  readonly patientHome: string;
  /** The requester's organization (the request's other party). */
  readonly requesterOrg: string;
  /** Identity hash of the requester (never the certificate). */
  readonly requestedBy: string;
  readonly terms: ConsentRequestTerms;
  readonly reason: RequestReason;
  /** Stored `open`, `approved`, `declined` or `withdrawn`; reads report `expired`. */
  readonly status: ConsentRequestStatus;
  readonly createdAt: string;
  /** The request may be answered until then (createdAt + 30 days). */
  readonly expiresAt: string;
  /** When the patient answered, or the requester withdrew it. */
  readonly answeredAt?: string;
  /** Who answered for the patient (the patient, or a guardian). */
  readonly answeredBy?: SignedBy;
  readonly declineReason?: DeclineReason;
  /** The consent an approval granted. */
  readonly consentId?: string;
  /** The transaction that last wrote it. */
  readonly txId: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}

/** RequestConsent's input; the requester is the caller. */
export interface ConsentRequestInput {
  readonly patientId: string;
  readonly terms: ConsentRequestTerms;
  readonly reason: RequestReason;
}

/** Payload of request:ApproveRequest: the request and the consent the patient signs. */
export interface RequestApprovalPayload {
  readonly requestId: string;
  /** Must equal {@link requestedConsent} of the request's terms, plus the notice shown, if any. */
  readonly consent: ConsentInput;
}

/** Payload of request:DeclineRequest. */
export interface RequestDeclinePayload {
  readonly requestId: string;
  readonly reason?: DeclineReason;
}

/** QueryRequests' filter. */
export interface ConsentRequestQuery {
  readonly patientId?: string;
  /** A requester organization (others than the regulator and homes' admins: their own). */
  readonly requesterOrg?: string;
  readonly status?: ConsentRequestStatus;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** A page of consent requests, newest first. */
export type ConsentRequestPage = Page<ConsentRequest>;

/** The limits per requester organization and patient. */
export interface RequestLimits {
  /** Open requests at most. */
  readonly maxOpen: number;
  /** Requests made in the last 30 days at most (whatever became of them). */
  readonly maxPerWindow: number;
}

/** The limits as GetRequestLimits reports them. */
export interface RequestLimitsSetting extends RequestLimits {
  /** `default` until the regulator sets them. */
  readonly source: 'default' | 'ledger';
  readonly setAt?: string;
  readonly txId?: string;
}

/** The limits until the regulator sets others. */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = { maxOpen: 3, maxPerWindow: 5 };

/** Bounds of the limits the regulator may set. */
export const REQUEST_LIMIT_BOUNDS = { maxOpen: 20, maxPerWindow: 100 } as const;

/** What an approval answers: the request, approved, and the consent granted. */
export interface RequestApproval {
  readonly request: ConsentRequest;
  readonly consent: Consent;
}

/** Payload of the events ConsentRequested and ConsentRequestAnswered (no terms, no reason). */
export interface ConsentRequestEventPayload {
  readonly requestId: string;
  readonly patientId: string;
  readonly requesterOrg: string;
  readonly status: ConsentRequestStatus;
  readonly consentId?: string;
  readonly timestamp: string;
}

/** The chaincode events of the request contract. */
export interface ConsentRequestEvents {
  readonly ConsentRequested: ConsentRequestEventPayload;
  /** Approved (with the consent granted), declined or withdrawn. */
  readonly ConsentRequestAnswered: ConsentRequestEventPayload;
}

/** Consent requests (contract `request`). */
export interface ConsentRequestTransactions {
  /** Asks a patient for a consent (event ConsentRequested); the limits apply. */
  'request:RequestConsent': Submit<[request: ConsentRequestInput], ConsentRequest>;
  /** Approves a request: grants the consent the patient signed, which must equal its terms. */
  'request:ApproveRequest': Submit<
    [action: SignedAction<'request:ApproveRequest'>],
    RequestApproval
  >;
  /** Declines a request, signed by the patient. */
  'request:DeclineRequest': Submit<
    [action: SignedAction<'request:DeclineRequest'>],
    ConsentRequest
  >;
  /** Withdraws an open request (its requester's organization). */
  'request:WithdrawRequest': Submit<[requestId: string], ConsentRequest>;
  /** One request (its patient's home, the requester's organization, the regulator). */
  'request:GetRequest': Evaluate<[requestId: string], ConsentRequest>;
  /** A page of requests, newest first, scoped to the caller. */
  'request:QueryRequests': Evaluate<[query: ConsentRequestQuery], ConsentRequestPage>;
  /** Sets the limits (the regulator). */
  'request:SetRequestLimits': Submit<[limits: RequestLimits], RequestLimitsSetting>;
  /** The limits in force. */
  'request:GetRequestLimits': Evaluate<[], RequestLimitsSetting>;
}

/** Who may call the request contract's transactions. */
export const CONSENT_REQUEST_ACCESS: AccessRules<ConsentRequestTransactions> = {
  'request:RequestConsent': {
    grants: ACCESSORS,
    scope: "a consent to the caller's own organization; the limits per patient",
  },
  'request:ApproveRequest': { grants: EVERYONE, scope: "a signature by the patient's key" },
  'request:DeclineRequest': { grants: EVERYONE, scope: "a signature by the patient's key" },
  'request:WithdrawRequest': {
    grants: ACCESSORS,
    scope: "members of the requester's organization",
  },
  'request:GetRequest': {
    grants: EVERYONE,
    scope: "its patient's home organization; the GovMSP regulator; the requester's organization",
  },
  'request:QueryRequests': {
    grants: EVERYONE,
    scope:
      "the home organization its patients'; the regulator all; others their organization's requests",
  },
  'request:SetRequestLimits': { grants: REGULATOR },
  'request:GetRequestLimits': { grants: EVERYONE },
};

/** The consent a request asks for, as the patient signs it in an approval. */
export function requestedConsent(terms: ConsentRequestTerms): ConsentInput {
  return {
    provision: 'permit',
    grantee: terms.grantee,
    purposes: terms.purposes,
    categories: terms.categories,
    ...(terms.sensitive === undefined ? {} : { sensitive: terms.sensitive }),
    ...(terms.validFrom === undefined ? {} : { validFrom: terms.validFrom }),
    validUntil: terms.validUntil,
    ...(terms.dataFrom === undefined ? {} : { dataFrom: terms.dataFrom }),
    ...(terms.dataUntil === undefined ? {} : { dataUntil: terms.dataUntil }),
  };
}

/** What POST /consent-requests and the answers answer. */
export interface ConsentRequestWrite {
  readonly requestId: string;
  readonly txId: string;
  readonly request: ConsentRequest;
  /** The consent an approval granted. */
  readonly consent?: Consent;
}

/**
 * GET /consent-requests/:requestId/receipt: the receipt of a patient's decline of a consent
 * request, the counterpart of a consent action's `ConsentReceipt` (modelled on the Kantara
 * Consent Receipt). A decline agreed to nothing: the receipt carries the terms as the requester
 * asked them (in `request`), the coded reason if one was given, who signed the decline and when
 * (its transaction's time), with the ledger's evidence of the declining transaction that an
 * auditor verifies offline (docs/evidence-bundle.md, a `consent-request` subject). Built from the
 * request as the ledger keeps it, under the request's read rule. `Evidence` is the verifier's
 * EvidenceBundle.
 */
export interface DeclineReceipt<Evidence = unknown> {
  readonly receiptVersion: 1;
  /** `<requestId>.declined`: a request is declined at most once, and stays so. */
  readonly receiptId: string;
  readonly action: 'declined';
  /** When the decline was written: its transaction's time (the request's answeredAt). */
  readonly time: string;
  readonly patientId: string;
  /** Who signed the decline: the patient, or a guardian. */
  readonly signedBy: SignedBy;
  /** The organization whose gateway issued the receipt. */
  readonly issuer: string;
  /** The organization that asked (the request's requesterOrg). */
  readonly requesterOrg: string;
  /** The consent that was asked for and refused: the request's terms, exactly as asked. */
  readonly asked: ConsentRequestTerms;
  /** Why the requester asked. */
  readonly requestReason: RequestReason;
  /** The patient's coded reason; absent when none was given. */
  readonly declineReason?: DeclineReason;
  /** The request as the decline left it (its stored value, its salt included). */
  readonly request: ConsentRequest;
  readonly ledger: { readonly channel: string; readonly chaincode: string; readonly txId: string };
  readonly evidence: Evidence;
}
