/**
 * FHIR search parameters -> ledger query filters. Unknown parameters and modifiers are refused
 * (400, not-supported) rather than ignored, so that a typo never widens a query silently.
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

/** Default and maximum page size (the ledger's limits). */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

const COMMON = ['_count', '_cursor', '_format'] as const;
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);
const CONSENT_STATES: readonly fhir4.ConsentState[] = [
  'draft',
  'proposed',
  'active',
  'rejected',
  'inactive',
  'entered-in-error',
];

/** A Consent search: the ledger filter, and the FHIR statuses to keep (read-time status). */
export interface ConsentSearch {
  readonly filter: ConsentQuery;
  /** FHIR statuses a match must have; undefined keeps all. */
  readonly statuses?: ReadonlySet<fhir4.ConsentState>;
  /** True when the parameters can match nothing (no ledger call needed). */
  readonly empty: boolean;
}

/** An AuditEvent search: the ledger filter (time window half-open: from <= t < to). */
export interface AuditEventSearch {
  readonly filter: AccessEventQuery;
  readonly empty: boolean;
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

/** Parses `GET /fhir/Consent?patient=&status=&_count=&_cursor=`. */
export function parseConsentSearch(query: FhirQuery): ConsentSearch {
  checkNames('Consent', query, ['patient', 'status']);
  const patientId = patientParam(query);
  let statuses: Set<fhir4.ConsentState> | undefined;
  for (const value of values(query, 'status')) {
    const listed = new Set<fhir4.ConsentState>();
    for (const code of value.split(',')) {
      const state = CONSENT_STATES.find((each) => each === tokenCode(code));
      if (state === undefined)
        throw FhirArgumentError.at('status', `'${code}' is not a Consent status`, 'value');
      listed.add(state);
    }
    statuses =
      statuses === undefined ? listed : new Set([...statuses].filter((each) => listed.has(each)));
  }
  const empty = statuses !== undefined && !statuses.has('active') && !statuses.has('inactive');
  const onlyActive = statuses?.size === 1 && statuses.has('active');
  return {
    filter: {
      ...(patientId === undefined ? {} : { patientId }),
      ...(onlyActive ? { status: 'active' as const } : {}),
      ...pagination(query),
    },
    ...(statuses === undefined ? {} : { statuses }),
    empty,
  };
}

/** Parses `GET /fhir/AuditEvent?patient=&date=&outcome=&_count=&_cursor=`. */
export function parseAuditEventSearch(query: FhirQuery): AuditEventSearch {
  checkNames('AuditEvent', query, ['patient', 'date', 'outcome']);
  const patientId = patientParam(query);
  const window = dateWindow(values(query, 'date'));
  let decisions: Set<DecisionValue> | undefined;
  for (const value of values(query, 'outcome')) {
    const listed = new Set<DecisionValue>();
    for (const code of value.split(',')) {
      const outcome = tokenCode(code);
      if (!['0', '4', '8', '12'].includes(outcome))
        throw FhirArgumentError.at('outcome', `'${code}' is not an AuditEvent outcome`, 'value');
      const decision = decisionOfOutcome(outcome);
      if (decision !== undefined) listed.add(decision);
    }
    decisions =
      decisions === undefined ? listed : new Set([...decisions].filter((each) => listed.has(each)));
  }
  const [decision] = decisions?.size === 1 ? decisions : [];
  return {
    filter: {
      ...(patientId === undefined ? {} : { patientId }),
      ...(window.from === undefined ? {} : { from: window.from }),
      ...(window.to === undefined ? {} : { to: window.to }),
      ...(decision === undefined ? {} : { decision }),
      ...pagination(query),
    },
    empty: window.empty || decisions?.size === 0,
  };
}

/**
 * Parses `GET /fhir/Provenance?target=` (or `target:identifier=<system>|<record ID>`), with
 * `agent=Organization/<MSP ID>` naming the record's owner (its custodian) when it is not the
 * caller's organization.
 */
export function parseProvenanceSearch(query: FhirQuery): ProvenanceSearch {
  checkNames('Provenance', query, ['target', 'target:identifier', 'agent'], ['_format']);
  const agent = single(query, 'agent');
  let owner: string | undefined;
  if (agent !== undefined) {
    owner = agent.startsWith('Organization/') ? agent.slice('Organization/'.length) : agent;
    if (!MSP_ID_PATTERN.test(owner))
      throw FhirArgumentError.at('agent', 'must be Organization/<MSP ID>', 'value');
  }
  const scoped = (recordId: string): ProvenanceSearch =>
    owner === undefined ? { recordId } : { recordId, owner };
  const target = single(query, 'target');
  const identifier = single(query, 'target:identifier');
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
    return scoped(recordId);
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
  return scoped(recordId);
}

/** A date window from repeated `date` parameters (AND), half-open: from <= t < to. */
export interface DateWindow {
  readonly from?: string;
  readonly to?: string;
  /** True when the conditions exclude every instant. */
  readonly empty: boolean;
}

/**
 * Turns FHIR date search values (`ge2026-01-01`, `lt2026-02-01T00:00:00Z`, `2026-01-15`) into one
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

/** `_count` (1..100, larger values are capped) and `_cursor` (the ledger bookmark). */
export function pagination(query: FhirQuery): { pageSize: number; bookmark?: string } {
  const count = single(query, '_count');
  let pageSize = DEFAULT_PAGE_SIZE;
  if (count !== undefined) {
    if (!/^\d+$/.test(count) || Number(count) < 1)
      throw FhirArgumentError.at('_count', 'must be a positive integer', 'value');
    pageSize = Math.min(Number(count), MAX_PAGE_SIZE);
  }
  const bookmark = single(query, '_cursor');
  return { pageSize, ...(bookmark === undefined || bookmark === '' ? {} : { bookmark }) };
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

function checkNames(
  resourceType: string,
  query: FhirQuery,
  names: readonly string[],
  common: readonly string[] = COMMON,
): void {
  const allowed = [...names, ...common];
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name))
      throw FhirArgumentError.at(
        name,
        `is not a supported ${resourceType} search parameter (${allowed.join(', ')})`,
        'not-supported',
      );
  }
  const format = single(query, '_format');
  if (format !== undefined && !JSON_FORMATS.has(format))
    throw FhirArgumentError.at('_format', 'must be json (the only format served)', 'not-supported');
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
