/**
 * FHIR search parameters -> ledger query filters, in-memory match conditions and result controls
 * (`_count`, `_cursor`, `_sort`, `_total`, `_summary`, `_elements`). Unknown parameters and
 * modifiers are refused (400, not-supported) unless the client asked `Prefer: handling=lenient`,
 * so that a typo never widens a query silently. The parameter lists here are also what the
 * CapabilityStatement advertises.
 */
import {
  MSP_ID_PATTERN,
  PATIENT_ID_PATTERN,
  type AccessEventQuery,
  type ConsentQuery,
  type DecisionValue,
} from '@consent-ledger/ledger-api';
import type * as fhir4 from './fhir-r4.types.js';
import { decisionOfOutcome } from './audit-event.mapper.js';
import { fhirDateRange } from './fhir-datetime.js';
import { FhirArgumentError } from './fhir.errors.js';
import { NAMING_SYSTEM } from './fhir-terminology.js';

/** A parsed query string as Express gives it (`string`, or `string[]` for repeated names). */
export type FhirQuery = Readonly<Record<string, unknown>>;

/** Default and maximum page size (`_count` above the maximum is clamped). */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/**
 * Most matches a search reads, sorts and counts: the ledger's pages come in key order without a
 * count, so the gateway reads every match (100 a page) to answer newest first with a total. A
 * search over more is refused (400 too-costly) and should be narrowed (date, patient).
 */
export const MAX_SEARCH_MATCHES = 10_000;

/** How unknown parameters are handled (`Prefer: handling=`): strict (the default) refuses them. */
export type SearchHandling = 'strict' | 'lenient';

/** A search parameter the server supports (what the CapabilityStatement lists). */
export interface SearchParamSpec {
  readonly name: string;
  readonly type: 'token' | 'reference' | 'date' | 'string';
  readonly definition: string;
  readonly documentation: string;
}

const SP = 'http://hl7.org/fhir/SearchParameter';
const REFERENCE_DOC =
  'Type/id (or an absolute URL ending in it, or the bare id); a logical reference (identifier only) matches by its identifier value. Comma-separated values OR.';

/** `_id`, shared by every type. */
const ID_PARAM: SearchParamSpec = {
  name: '_id',
  type: 'token',
  definition: `${SP}/Resource-id`,
  documentation: 'Logical ids; comma-separated values OR',
};

const PATIENT_PARAM = (definition: string): SearchParamSpec => ({
  name: 'patient',
  type: 'reference',
  definition: `${SP}/${definition}`,
  documentation: 'Patient/<pseudonym> or the pseudonym (one value)',
});

/** Consent's search parameters. */
export const CONSENT_SEARCH_PARAMS: readonly SearchParamSpec[] = [
  ID_PARAM,
  PATIENT_PARAM('clinical-patient'),
  {
    name: 'status',
    type: 'token',
    definition: `${SP}/Consent-status`,
    documentation: 'active, inactive (revoked or expired); comma-separated values OR',
  },
  {
    name: 'date',
    type: 'date',
    definition: `${SP}/clinical-date`,
    documentation:
      'Consent.dateTime (when it was granted). Prefixes eq (default), ge, gt, le, lt, sa, eb; repeat for a range (AND)',
  },
  {
    name: 'actor',
    type: 'reference',
    definition: `${SP}/Consent-actor`,
    documentation: `The grantee: Organization/<MSP ID> or Practitioner/<id>. ${REFERENCE_DOC}`,
  },
  {
    name: 'purpose',
    type: 'token',
    definition: `${SP}/Consent-purpose`,
    documentation:
      'v3-ActReason code (TREAT, COC, ETREAT, HRESCH, PUBHLTH, HPAYMT), optionally system|code; comma-separated values OR',
  },
];

/** AuditEvent's search parameters. */
export const AUDIT_EVENT_SEARCH_PARAMS: readonly SearchParamSpec[] = [
  ID_PARAM,
  PATIENT_PARAM('AuditEvent-patient'),
  {
    name: 'date',
    type: 'date',
    definition: `${SP}/AuditEvent-date`,
    documentation:
      'Prefixes eq (default), ge, gt, le, lt, sa, eb; repeat for a range (AND). Precision from a year to milliseconds; a time needs its zone',
  },
  {
    name: 'outcome',
    type: 'token',
    definition: `${SP}/AuditEvent-outcome`,
    documentation: '0 permit, 4 deny; comma-separated values OR',
  },
  {
    name: 'agent',
    type: 'reference',
    definition: `${SP}/AuditEvent-agent`,
    documentation: `Who asked: Organization/<MSP ID> or Practitioner/<id>. ${REFERENCE_DOC}`,
  },
  {
    name: 'source',
    type: 'reference',
    definition: `${SP}/AuditEvent-source`,
    documentation: `The observer: Device/consent-ledger (the ledger records every event). ${REFERENCE_DOC}`,
  },
  {
    name: 'entity',
    type: 'reference',
    definition: `${SP}/AuditEvent-entity`,
    documentation: `What was accessed or decided by: Patient/<pseudonym>, Consent/<id>, DocumentReference/<record ID>. ${REFERENCE_DOC}`,
  },
];

/** Provenance's search parameters. */
export const PROVENANCE_SEARCH_PARAMS: readonly SearchParamSpec[] = [
  {
    name: 'target',
    type: 'reference',
    definition: `${SP}/Provenance-target`,
    documentation:
      'Required: the record ID, DocumentReference/<record ID>, or target:identifier=<record-id system>|<record ID>',
  },
  {
    name: 'agent',
    type: 'reference',
    definition: `${SP}/Provenance-agent`,
    documentation:
      "Organization/<MSP ID>: the record's owner (record IDs are scoped by their owner organization); the caller's organization by default",
  },
];

/** The result parameters every search takes (and the CapabilityStatement documents). */
export const RESULT_PARAMS = [
  '_count',
  '_cursor',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_format',
] as const;

const CONSENT_STATES: readonly fhir4.ConsentState[] = [
  'draft',
  'proposed',
  'active',
  'rejected',
  'inactive',
  'entered-in-error',
];

/** How the matches are ordered, counted, paged and trimmed. */
export interface ResultControls {
  /** Page size applied (0..{@link MAX_PAGE_SIZE}). */
  readonly count: number;
  /** Where the page starts (an opaque cursor of a previous page's next link). */
  readonly cursor?: string;
  /** Newest first (`_sort=-date`, the default) or oldest first (`_sort=date`). */
  readonly descending: boolean;
  /** `_total`: whether Bundle.total is given (`none`: not). */
  readonly total: 'accurate' | 'estimate' | 'none';
  /** `_summary=count`: the total only, no entries. */
  readonly summaryCount: boolean;
  /** `_elements`: the top-level elements to keep. */
  readonly elements?: readonly string[];
}

/** A parsed search of one resource type. */
export interface FhirSearch<F, R extends fhir4.Resource> {
  /** The ledger filter (without paging: the server reads every match). */
  readonly filter: F;
  /** The conditions the ledger filter cannot state, on the mapped resource. */
  readonly keep: (resource: R) => boolean;
  /** True when the parameters can match nothing (no ledger call needed). */
  readonly empty: boolean;
  readonly controls: ResultControls;
  /** The parameters applied, in order, `_count` as applied and without `_cursor` (for links). */
  readonly used: readonly (readonly [string, string])[];
  /** The names ignored (lenient handling only). */
  readonly ignored: readonly string[];
  /** True when `keep` accepts everything: the ledger filter states the whole search. */
  readonly ledgerOnly?: boolean;
}

/**
 * A Provenance search: the record whose anchors are wanted, named by its ID and its owner (record
 * IDs are scoped by their owner organization; the caller's own when absent).
 */
export interface ProvenanceSearch {
  readonly recordId: string;
  readonly owner?: string;
}

/** The parameters of a query as ordered `[name, value]` pairs (for self/next links). */
export function queryPairs(query: FhirQuery): [string, string][] {
  return Object.keys(query).flatMap((name) =>
    values(query, name).map((value): [string, string] => [name, value]),
  );
}

/** `Prefer: handling=lenient|strict` (strict when absent or anything else). */
export function searchHandling(prefer: string | readonly string[] | undefined): SearchHandling {
  const header = typeof prefer === 'string' ? prefer : (prefer ?? []).join(',');
  return /(^|[,;\s])handling\s*=\s*"?lenient"?/i.test(header) ? 'lenient' : 'strict';
}

/** Parses a Consent search (`patient`, `status`, `date`, `actor`, `purpose`, `_id`). */
export function parseConsentSearch(
  query: FhirQuery,
  handling: SearchHandling = 'strict',
): FhirSearch<ConsentQuery, fhir4.Consent> {
  const { known, ignored } = classify('Consent', query, namesOf(CONSENT_SEARCH_PARAMS), handling);
  const patientId = patientParam(known);
  let statuses: Set<fhir4.ConsentState> | undefined;
  for (const value of values(known, 'status')) {
    const listed = new Set<fhir4.ConsentState>();
    for (const code of value.split(',')) {
      const state = CONSENT_STATES.find((each) => each === tokenCode(code));
      if (state === undefined)
        throw FhirArgumentError.at('status', `'${code}' is not a Consent status`, 'value');
      listed.add(state);
    }
    statuses = intersect(statuses, listed);
  }
  const window = dateWindow(values(known, 'date'));
  const actors = referenceLists(known, 'actor');
  const purposes = tokenLists(known, 'purpose');
  const ids = tokenLists(known, '_id');
  const grantee = singleOrganization(actors);
  const onlyActive = statuses?.size === 1 && statuses.has('active');
  const keep = (resource: fhir4.Consent): boolean =>
    (statuses?.has(resource.status) ?? true) &&
    inWindow(resource.dateTime, window) &&
    actors.every((list) =>
      (resource.provision?.actor ?? []).some((actor) => matchesAny(actor.reference, list)),
    ) &&
    purposes.every((list) =>
      (resource.provision?.purpose ?? []).some((coding) => tokenMatches(coding, list)),
    ) &&
    ids.every((list) => list.some((id) => id.code === resource.id));
  return {
    filter: {
      ...(patientId === undefined ? {} : { patientId }),
      ...(onlyActive ? { status: 'active' as const } : {}),
      ...(grantee === undefined ? {} : { grantee }),
    },
    keep,
    empty:
      (statuses !== undefined && !statuses.has('active') && !statuses.has('inactive')) ||
      window.empty,
    controls: resultControls(known),
    used: usedPairs(known),
    ignored,
  };
}

/** Parses an AuditEvent search (`patient`, `date`, `outcome`, `agent`, `source`, `entity`, `_id`). */
export function parseAuditEventSearch(
  query: FhirQuery,
  handling: SearchHandling = 'strict',
): FhirSearch<AccessEventQuery, fhir4.AuditEvent> {
  const { known, ignored } = classify(
    'AuditEvent',
    query,
    namesOf(AUDIT_EVENT_SEARCH_PARAMS),
    handling,
  );
  const patientId = patientParam(known);
  const window = dateWindow(values(known, 'date'));
  let decisions: Set<DecisionValue> | undefined;
  for (const value of values(known, 'outcome')) {
    const listed = new Set<DecisionValue>();
    for (const code of value.split(',')) {
      const outcome = tokenCode(code);
      if (!['0', '4', '8', '12'].includes(outcome))
        throw FhirArgumentError.at('outcome', `'${code}' is not an AuditEvent outcome`, 'value');
      const decision = decisionOfOutcome(outcome);
      if (decision !== undefined) listed.add(decision);
    }
    decisions = intersect(decisions, listed);
  }
  const [decision] = decisions?.size === 1 ? decisions : [];
  const agents = referenceLists(known, 'agent');
  const sources = referenceLists(known, 'source');
  const entities = referenceLists(known, 'entity');
  const ids = tokenLists(known, '_id');
  const accessorOrg = singleOrganization(agents);
  const keep = (resource: fhir4.AuditEvent): boolean =>
    agents.every((list) => resource.agent.some((agent) => matchesAny(agent.who, list))) &&
    sources.every((list) => matchesAny(resource.source.observer, list)) &&
    entities.every((list) => (resource.entity ?? []).some((each) => matchesAny(each.what, list))) &&
    ids.every((list) => list.some((id) => id.code === resource.id));
  return {
    filter: {
      ...(patientId === undefined ? {} : { patientId }),
      ...(window.from === undefined ? {} : { from: window.from }),
      ...(window.to === undefined ? {} : { to: window.to }),
      ...(decision === undefined ? {} : { decision }),
      ...(accessorOrg === undefined ? {} : { accessorOrg }),
    },
    keep,
    empty: window.empty || decisions?.size === 0,
    controls: resultControls(known),
    used: usedPairs(known),
    ignored,
    ledgerOnly:
      agents.length === 0 && sources.length === 0 && entities.length === 0 && ids.length === 0,
  };
}

/**
 * Parses a Provenance search: `target` (or `target:identifier=<system>|<record ID>`), with
 * `agent=Organization/<MSP ID>` naming the record's owner (its custodian) when it is not the
 * caller's organization.
 */
export function parseProvenanceSearch(
  query: FhirQuery,
  handling: SearchHandling = 'strict',
): FhirSearch<ProvenanceSearch, fhir4.Provenance> {
  const { known, ignored } = classify(
    'Provenance',
    query,
    [...PROVENANCE_SEARCH_PARAMS.map((param) => param.name), 'target:identifier'],
    handling,
  );
  const agent = single(known, 'agent');
  let owner: string | undefined;
  if (agent !== undefined) {
    owner = agent.startsWith('Organization/') ? agent.slice('Organization/'.length) : agent;
    if (!MSP_ID_PATTERN.test(owner))
      throw FhirArgumentError.at('agent', 'must be Organization/<MSP ID>', 'value');
  }
  const search = (recordId: string): FhirSearch<ProvenanceSearch, fhir4.Provenance> => ({
    filter: owner === undefined ? { recordId } : { recordId, owner },
    keep: () => true,
    empty: false,
    controls: resultControls(known),
    used: usedPairs(known),
    ignored,
  });
  const target = single(known, 'target');
  const identifier = single(known, 'target:identifier');
  if ((target === undefined) === (identifier === undefined))
    throw FhirArgumentError.at(
      'target',
      'is required (exactly one of target, target:identifier)',
      'required',
    );
  if (target !== undefined) {
    const recordId = target.startsWith('DocumentReference/')
      ? target.slice('DocumentReference/'.length)
      : target;
    if (recordId === '') throw FhirArgumentError.at('target', 'names no record', 'value');
    return search(recordId);
  }
  const value = identifier ?? '';
  const bar = value.indexOf('|');
  const system = bar < 0 ? undefined : value.slice(0, bar);
  const recordId = bar < 0 ? value : value.slice(bar + 1);
  if (system !== undefined && system !== '' && system !== NAMING_SYSTEM.recordId)
    throw FhirArgumentError.at(
      'target:identifier',
      `must use the system ${NAMING_SYSTEM.recordId}`,
      'not-supported',
    );
  if (recordId === '') throw FhirArgumentError.at('target:identifier', 'names no record', 'value');
  return search(recordId);
}

/** A date window from repeated `date` parameters (AND), half-open: from <= t < to. */
export interface DateWindow {
  readonly from?: string;
  readonly to?: string;
  /** True when the conditions exclude every instant. */
  readonly empty: boolean;
}

/**
 * Turns FHIR date search values (`ge2026-01-01`, `lt2026-02-01T00:00Z`, `2026-01-15`) into one
 * window. Each value stands for its precision's range [start, end): eq -> [start, end); ge -> from
 * start; gt and sa -> from end; le -> to end; lt and eb -> to start. ne and ap are refused.
 */
export function dateWindow(params: readonly string[]): DateWindow {
  let from: string | undefined;
  let to: string | undefined;
  const later = (a: string | undefined, b: string): string =>
    a === undefined || Date.parse(b) > Date.parse(a) ? b : a;
  const earlier = (a: string | undefined, b: string): string =>
    a === undefined || Date.parse(b) < Date.parse(a) ? b : a;
  for (const param of params) {
    const match = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(param);
    const prefix = match?.[1] ?? 'eq';
    const range = fhirDateRange(match?.[2] ?? '');
    if (range === undefined)
      throw FhirArgumentError.at('date', `'${param}' is not a FHIR date search value`, 'value');
    switch (prefix) {
      case 'eq':
        from = later(from, range.start);
        to = earlier(to, range.end);
        break;
      case 'ge':
        from = later(from, range.start);
        break;
      case 'gt':
      case 'sa':
        from = later(from, range.end);
        break;
      case 'le':
        to = earlier(to, range.end);
        break;
      case 'lt':
      case 'eb':
        to = earlier(to, range.start);
        break;
      default:
        throw FhirArgumentError.at('date', `prefix '${prefix}' is not supported`, 'not-supported');
    }
  }
  const empty = from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), empty };
}

/**
 * The result parameters: `_count` (0..100, larger values clamped; 0 gives the total only),
 * `_cursor`, `_sort` (`-date` by default, or `date`), `_total` (accurate by default, estimate,
 * none), `_summary` (count, false), `_elements` (top-level element names).
 */
export function resultControls(query: FhirQuery): ResultControls {
  const count = single(query, '_count');
  let pageSize = DEFAULT_PAGE_SIZE;
  if (count !== undefined) {
    if (!/^\d+$/.test(count))
      throw FhirArgumentError.at('_count', 'must be a non-negative integer', 'value');
    pageSize = Math.min(Number(count), MAX_PAGE_SIZE);
  }
  const cursor = single(query, '_cursor');
  const sort = single(query, '_sort') ?? '-date';
  if (sort !== 'date' && sort !== '-date')
    throw FhirArgumentError.at('_sort', "must be 'date' or '-date'", 'not-supported');
  const total = single(query, '_total') ?? 'accurate';
  if (total !== 'accurate' && total !== 'estimate' && total !== 'none')
    throw FhirArgumentError.at('_total', 'must be accurate, estimate or none', 'value');
  const summary = single(query, '_summary');
  if (summary !== undefined && summary !== 'count' && summary !== 'false')
    throw FhirArgumentError.at('_summary', 'must be count or false', 'not-supported');
  const elements = values(query, '_elements')
    .flatMap((value) => value.split(','))
    .map((name) => name.trim());
  for (const name of elements)
    if (!/^[a-z][A-Za-z0-9]*$/.test(name))
      throw FhirArgumentError.at('_elements', `'${name}' is not an element name`, 'value');
  return {
    count: pageSize,
    ...(cursor === undefined || cursor === '' ? {} : { cursor }),
    descending: sort === '-date',
    total,
    summaryCount: summary === 'count',
    ...(elements.length === 0 ? {} : { elements }),
  };
}

/** A reference search value: its type (when it names one) and id. */
interface WantedReference {
  readonly type?: string;
  readonly id: string;
}

function referenceValue(name: string, value: string): WantedReference {
  const relative = /^https?:\/\//.test(value) ? value.split('/').slice(-2).join('/') : value;
  const match = /^(?:([A-Z][A-Za-z]+)\/)?([^\s,|/]{1,256})$/.exec(relative);
  const id = match?.[2];
  if (match === null || id === undefined)
    throw FhirArgumentError.at(name, `'${value}' is not a reference (Type/id or id)`, 'value');
  return match[1] === undefined ? { id } : { type: match[1], id };
}

/** Whether a resource's reference names one of the wanted ones (logical: by identifier). */
function matchesAny(
  reference: fhir4.Reference | undefined,
  wanted: readonly WantedReference[],
): boolean {
  if (reference === undefined) return false;
  const literal = /^([A-Za-z]+)\/(.+)$/.exec(reference.reference ?? '');
  const type = literal?.[1] ?? reference.type;
  const id = literal?.[2] ?? reference.identifier?.value;
  return wanted.some((each) => id === each.id && (each.type === undefined || each.type === type));
}

function referenceLists(query: FhirQuery, name: string): WantedReference[][] {
  return values(query, name).map((value) =>
    value.split(',').map((each) => referenceValue(name, each)),
  );
}

/** The organization a single `Organization/<MSP ID>` value names (to narrow the ledger query). */
function singleOrganization(lists: readonly (readonly WantedReference[])[]): string | undefined {
  const [list, ...more] = lists;
  const [only, ...others] = list ?? [];
  if (more.length > 0 || others.length > 0 || only?.type !== 'Organization') return undefined;
  return MSP_ID_PATTERN.test(only.id) ? only.id : undefined;
}

interface WantedToken {
  readonly system?: string;
  readonly code: string;
}

function tokenLists(query: FhirQuery, name: string): WantedToken[][] {
  return values(query, name).map((value) =>
    value.split(',').map((token) => {
      const bar = token.lastIndexOf('|');
      const code = token.slice(bar + 1);
      if (code === '') throw FhirArgumentError.at(name, 'names no code', 'value');
      return bar <= 0 ? { code } : { system: token.slice(0, bar), code };
    }),
  );
}

function tokenMatches(coding: fhir4.Coding, wanted: readonly WantedToken[]): boolean {
  return wanted.some(
    (each) =>
      each.code === coding.code && (each.system === undefined || each.system === coding.system),
  );
}

function inWindow(instant: string | undefined, window: DateWindow): boolean {
  if (window.from === undefined && window.to === undefined) return true;
  if (instant === undefined) return false;
  const time = Date.parse(instant);
  return (
    (window.from === undefined || time >= Date.parse(window.from)) &&
    (window.to === undefined || time < Date.parse(window.to))
  );
}

function intersect<T>(current: Set<T> | undefined, listed: Set<T>): Set<T> {
  return current === undefined ? listed : new Set([...current].filter((each) => listed.has(each)));
}

function patientParam(query: FhirQuery): string | undefined {
  const value = single(query, 'patient');
  if (value === undefined) return undefined;
  const id = value.startsWith('Patient/') ? value.slice('Patient/'.length) : value;
  if (!PATIENT_ID_PATTERN.test(id))
    throw FhirArgumentError.at(
      'patient',
      'must be Patient/<pseudonym> or a pseudonym (pid-...)',
      'value',
    );
  return id;
}

/**
 * Splits a query into the parameters the type knows and the names it does not: refused (strict)
 * or ignored (lenient). A modifier (`name:modifier`) is unknown unless listed as such.
 */
function classify(
  resourceType: string,
  query: FhirQuery,
  names: readonly string[],
  handling: SearchHandling,
): { known: FhirQuery; ignored: string[] } {
  const allowed: readonly string[] = [...names, ...RESULT_PARAMS];
  const known: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (allowed.includes(name)) known[name] = value;
    else if (handling === 'lenient') ignored.push(name);
    else
      throw FhirArgumentError.at(
        name,
        `is not a supported ${resourceType} search parameter (${allowed.join(', ')})`,
        'not-supported',
      );
  }
  return { known, ignored };
}

function namesOf(params: readonly SearchParamSpec[]): string[] {
  return params.map((param) => param.name);
}

/** The applied parameters for links: `_count` as applied, `_cursor` left to the link. */
function usedPairs(known: FhirQuery): [string, string][] {
  const count = resultControls(known).count;
  const pairs = queryPairs(known).filter(([name]) => name !== '_cursor' && name !== '_count');
  return [...pairs, ['_count', String(count)]];
}

function values(query: FhirQuery, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((each) => {
    if (typeof each !== 'string')
      throw FhirArgumentError.at(name, 'must be a plain string parameter', 'value');
    return each;
  });
}

function single(query: FhirQuery, name: string): string | undefined {
  const list = values(query, name);
  if (list.length > 1) throw FhirArgumentError.at(name, 'may be given only once', 'not-supported');
  const [value] = list;
  if (value?.includes(',') === true && name !== '_cursor')
    throw FhirArgumentError.at(name, 'takes a single value', 'not-supported');
  return value;
}

/** The code of a token (`code` or `system|code`). */
function tokenCode(token: string): string {
  return token.slice(token.lastIndexOf('|') + 1);
}
