import type * as fhir4 from './fhir-r4.types.js';

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
