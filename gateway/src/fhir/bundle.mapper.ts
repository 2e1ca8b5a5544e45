import type * as fhir4 from './fhir-r4.types.js';
import { FhirArgumentError } from './fhir.errors.js';
import type { ResultControls } from './fhir-search.params.js';

/** Links and totals of a search page. */
export interface SearchBundleOptions {
  /** The URL of this page (`link` self). */
  readonly selfLink?: string;
  /** The URL of the next page (`link` next), absent on the last page. */
  readonly nextLink?: string;
  /** Total matches, when known (the ledger's pages do not count, so usually absent). */
  readonly total?: number;
  /** Service base (`https://host/fhir`): each entry gets `fullUrl` `<base>/<type>/<id>`. */
  readonly base?: string;
}

/** A `searchset` Bundle of matches, in the given order. */
export function toSearchBundle<T extends fhir4.Resource>(
  resources: readonly T[],
  options: SearchBundleOptions = {},
): fhir4.Bundle<T> {
  const link: fhir4.BundleLink[] = [];
  if (options.selfLink !== undefined) link.push({ relation: 'self', url: options.selfLink });
  if (options.nextLink !== undefined) link.push({ relation: 'next', url: options.nextLink });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(options.total === undefined ? {} : { total: options.total }),
    ...(link.length === 0 ? {} : { link }),
    ...(resources.length === 0
      ? {}
      : {
          entry: resources.map((resource): fhir4.BundleEntry<T> => ({
            ...(options.base !== undefined && resource.id !== undefined
              ? { fullUrl: `${options.base}/${resource.resourceType}/${resource.id}` }
              : {}),
            resource,
            search: { mode: 'match' },
          })),
        }),
  };
}

/**
 * A search URL: `<base>/<resourceType>?<params>` with the parameters in the given order, `_cursor`
 * (the ledger bookmark) replaced by `cursor` when given, dropped otherwise.
 */
export function searchUrl(
  base: string,
  resourceType: string,
  params: readonly (readonly [string, string])[],
  cursor?: string,
): string {
  const search = new URLSearchParams();
  for (const [name, value] of params) if (name !== '_cursor') search.append(name, value);
  if (cursor !== undefined && cursor !== '') search.append('_cursor', cursor);
  const query = search.toString();
  return `${base}/${resourceType}${query === '' ? '' : `?${query}`}`;
}

/** What {@link toSearchPage} needs besides the matches. */
export interface SearchPageOptions<T extends fhir4.Resource> {
  /** Service base (`https://host/fhir`). */
  readonly base: string;
  readonly resourceType: string;
  readonly controls: ResultControls;
  /** The parameters applied (links), `_count` as applied, without `_cursor`. */
  readonly used: readonly (readonly [string, string])[];
  /** Parameters ignored under `Prefer: handling=lenient`: reported in an outcome entry. */
  readonly ignored?: readonly string[];
  /** The instant a resource is sorted by (`_sort=date`). */
  readonly dateOf: (resource: T) => string | undefined;
}

/** The meta.tag of a resource trimmed by `_elements` (R4 search.html#elements). */
export const SUBSETTED_TAG: fhir4.Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
};

/**
 * One page of a search over every match: sorted by date (newest first unless `_sort=date`, ties
 * by id), started after the cursor, cut to `_count`, trimmed by `_elements`, with `total` (unless
 * `_total=none`), a self link stating what was applied and a next link only when more follow.
 * The cursor is the sort key of the page's last entry, so new matches never shift a later page.
 */
export function toSearchPage<T extends fhir4.Resource>(
  matches: readonly T[],
  options: Readonly<SearchPageOptions<T>>,
): fhir4.Bundle<T | fhir4.OperationOutcome> {
  const { controls } = options;
  const key = (resource: T): SortKey => ({
    time: timeOf(options.dateOf(resource)),
    id: resource.id ?? '',
  });
  const direction = controls.descending ? -1 : 1;
  const order = (a: SortKey, b: SortKey): number =>
    direction * (a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sorted = [...matches].sort((a, b) => order(key(a), key(b)));
  const after = controls.cursor === undefined ? undefined : decodeCursor(controls.cursor);
  const rest = after === undefined ? sorted : sorted.filter((each) => order(key(each), after) > 0);
  const size = controls.summaryCount ? 0 : controls.count;
  const page = rest.slice(0, size);
  const last = page.at(-1);
  return searchsetPage(page, {
    ...options,
    total: matches.length,
    ...(last !== undefined && rest.length > page.length
      ? { nextCursor: encodeCursor(key(last)) }
      : {}),
  });
}

/** What {@link searchsetPage} adds to {@link SearchPageOptions}. */
interface PageOutcome<T extends fhir4.Resource> extends SearchPageOptions<T> {
  /** Every match, over all pages (left out with `_total=none`, unless `_summary=count`). */
  readonly total: number;
  /** The cursor of the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** A `searchset` Bundle of one page: entries trimmed by `_elements`, links, total, outcome. */
function searchsetPage<T extends fhir4.Resource>(
  page: readonly T[],
  options: Readonly<PageOutcome<T>>,
): fhir4.Bundle<T | fhir4.OperationOutcome> {
  const { controls } = options;
  const link = (cursor?: string): string =>
    searchUrl(options.base, options.resourceType, options.used, cursor);
  const links: fhir4.BundleLink[] = [{ relation: 'self', url: link(controls.cursor) }];
  if (options.nextCursor !== undefined)
    links.push({ relation: 'next', url: link(options.nextCursor) });
  const entries: fhir4.BundleEntry<T | fhir4.OperationOutcome>[] = page.map((resource) => ({
    ...(resource.id === undefined
      ? {}
      : { fullUrl: `${options.base}/${resource.resourceType}/${resource.id}` }),
    resource: controls.elements === undefined ? resource : subsetted(resource, controls.elements),
    search: { mode: 'match' },
  }));
  const ignored = options.ignored ?? [];
  if (ignored.length > 0)
    entries.push({
      resource: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'warning',
            code: 'not-supported',
            details: {
              text: `parameters ignored (Prefer: handling=lenient): ${ignored.join(', ')}`,
            },
            expression: [...ignored],
          },
        ],
      },
      search: { mode: 'outcome' },
    });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(controls.total === 'none' && !controls.summaryCount ? {} : { total: options.total }),
    link: links,
    ...(entries.length === 0 ? {} : { entry: entries }),
  };
}

/** Where a page read from the ledger's own order stops: matches passed, and the ledger's bookmark. */
export interface LedgerCursor {
  readonly offset: number;
  readonly bookmark: string;
}

/**
 * One page of a search the ledger pages itself (its order is the search's, every filter is the
 * ledger's): the page's resources as read, the exact total, and the next cursor when matches
 * are left.
 */
export function toLedgerSearchPage<T extends fhir4.Resource>(
  page: readonly T[],
  options: Readonly<SearchPageOptions<T> & { total: number; next?: LedgerCursor }>,
): fhir4.Bundle<T | fhir4.OperationOutcome> {
  const { next, ...rest } = options;
  return searchsetPage(page, {
    ...rest,
    ...(next === undefined ? {} : { nextCursor: encodeLedgerCursor(next) }),
  });
}

const LEDGER_CURSOR = 'ledger';

function encodeLedgerCursor(cursor: LedgerCursor): string {
  return Buffer.from(JSON.stringify([LEDGER_CURSOR, cursor.offset, cursor.bookmark])).toString(
    'base64url',
  );
}

/**
 * The ledger position a cursor stands for; undefined for a cursor of the sorting path (and any
 * other text, which that path refuses).
 */
export function decodeLedgerCursor(cursor: string): LedgerCursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      value[0] === LEDGER_CURSOR &&
      Number.isSafeInteger(value[1]) &&
      (value[1] as number) >= 0 &&
      typeof value[2] === 'string'
    )
      return { offset: value[1] as number, bookmark: value[2] };
  } catch {
    // not a ledger cursor
  }
  return undefined;
}

/**
 * The mandatory (1..) top-level elements of the served types: `_elements` keeps them whether
 * asked or not (R4 search.html#elements: servers SHOULD return mandatory elements), so that a
 * trimmed resource stays valid.
 */
export const MANDATORY_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  Consent: ['status', 'scope', 'category'],
  AuditEvent: ['type', 'recorded', 'agent', 'source'],
  Provenance: ['target', 'recorded', 'agent'],
};

/**
 * A resource with only the given top-level elements (and resourceType, id, meta and the type's
 * mandatory elements), tagged SUBSETTED as R4 requires.
 */
export function subsetted<T extends fhir4.Resource>(resource: T, elements: readonly string[]): T {
  const mandatory = MANDATORY_ELEMENTS[resource.resourceType] ?? [];
  const kept = new Set(['resourceType', 'id', 'meta', ...mandatory, ...elements]);
  const trimmed = Object.fromEntries(
    Object.entries(resource).filter(([name]) => kept.has(name)),
  ) as unknown as T;
  trimmed.meta = { ...resource.meta, tag: [...(resource.meta?.tag ?? []), { ...SUBSETTED_TAG }] };
  return trimmed;
}

interface SortKey {
  readonly time: number;
  readonly id: string;
}

function timeOf(instant: string | undefined): number {
  const time = instant === undefined ? Number.NaN : Date.parse(instant);
  return Number.isNaN(time) ? 0 : time;
}

function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify([key.time, key.id])).toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string'
    )
      return { time: value[0] as number, id: value[1] };
  } catch {
    // answered below
  }
  throw FhirArgumentError.at(
    '_cursor',
    'is not a cursor of this server (follow the next link)',
    'value',
  );
}
