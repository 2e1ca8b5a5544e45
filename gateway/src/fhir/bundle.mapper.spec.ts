import { describe, expect, it } from 'vitest';
import {
  SUBSETTED_TAG,
  searchUrl,
  subsetted,
  toSearchBundle,
  toSearchPage,
} from './bundle.mapper.js';
import { toCapabilityStatement } from './capability-statement.mapper.js';
import { FhirArgumentError } from './fhir.errors.js';
import type * as fhir4 from './fhir-r4.types.js';
import { validateResource } from './fhir-schema.validator.js';
import { toOperationOutcome } from './operation-outcome.mapper.js';

const BASE = 'https://gov.example:4001/fhir';

describe('toSearchBundle', () => {
  it('builds a valid searchset with self and next links and full URLs', () => {
    const outcome = { ...toOperationOutcome(404, 'X', 'y'), id: 'oo-1' };
    const bundle = toSearchBundle([outcome], {
      base: BASE,
      selfLink: `${BASE}/Consent?status=active`,
      nextLink: `${BASE}/Consent?status=active&_cursor=abc`,
      total: 7,
    });
    expect(validateResource(bundle).errors).toEqual([]);
    expect(bundle).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 7,
      link: [
        { relation: 'self', url: `${BASE}/Consent?status=active` },
        { relation: 'next', url: `${BASE}/Consent?status=active&_cursor=abc` },
      ],
      entry: [
        { fullUrl: `${BASE}/OperationOutcome/oo-1`, resource: outcome, search: { mode: 'match' } },
      ],
    });
  });

  it('builds a valid empty searchset', () => {
    const bundle = toSearchBundle([]);
    expect(validateResource(bundle).errors).toEqual([]);
    expect(bundle).toEqual({ resourceType: 'Bundle', type: 'searchset' });
  });
});

describe('toSearchPage', () => {
  const resources = ['2026-01-03', '2026-01-01', '2026-01-02', '2026-01-02'].map(
    (day, index): fhir4.Resource & { day: string } => ({
      resourceType: 'Basic',
      id: `r${String(index)}`,
      day: `${day}T00:00:00.000Z`,
    }),
  );
  const controls = {
    count: 2,
    descending: true,
    total: 'accurate',
    summaryCount: false,
  } as const;
  const options = {
    base: BASE,
    resourceType: 'Basic',
    controls,
    used: [['_count', '2']] as const,
    dateOf: (resource: { day: string }) => resource.day,
  };
  const ids = (bundle: fhir4.Bundle): (string | undefined)[] =>
    (bundle.entry ?? []).map((entry) => entry.resource?.id);
  const next = (bundle: fhir4.Bundle): string | undefined =>
    bundle.link?.find((link) => link.relation === 'next')?.url;

  it('pages newest first (ties by id) to the end, the last page without a next link', () => {
    const first = toSearchPage(resources, options);
    expect(first.total).toBe(4);
    expect(ids(first)).toEqual(['r0', 'r3']);
    expect(first.link?.[0]).toEqual({ relation: 'self', url: `${BASE}/Basic?_count=2` });
    const cursor = new URL(next(first) ?? '').searchParams.get('_cursor') ?? '';
    const second = toSearchPage(resources, { ...options, controls: { ...controls, cursor } });
    expect(ids(second)).toEqual(['r2', 'r1']);
    expect(second.link?.[0]?.url).toBe(next(first));
    expect(next(second)).toBeUndefined();
  });

  it('sorts oldest first, counts only, leaves the total out and reports ignored parameters', () => {
    expect(
      ids(toSearchPage(resources, { ...options, controls: { ...controls, descending: false } })),
    ).toEqual(['r1', 'r2']);
    const count = toSearchPage(resources, {
      ...options,
      controls: { ...controls, summaryCount: true },
    });
    expect(count).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 4,
      link: [{ relation: 'self', url: `${BASE}/Basic?_count=2` }],
    });
    expect(
      toSearchPage(resources, { ...options, controls: { ...controls, total: 'none' } }).total,
    ).toBeUndefined();
    const lenient = toSearchPage([], { ...options, ignored: ['foo'] });
    expect(validateResource(lenient).errors).toEqual([]);
    expect(lenient.entry).toEqual([
      {
        resource: expect.objectContaining({ resourceType: 'OperationOutcome' }) as unknown,
        search: { mode: 'outcome' },
      },
    ]);
    expect(next(lenient)).toBeUndefined();
  });

  it('refuses a cursor it did not make', () => {
    expect(() =>
      toSearchPage(resources, { ...options, controls: { ...controls, cursor: 'bm/2' } }),
    ).toThrow(FhirArgumentError);
  });
});

describe('subsetted', () => {
  it('keeps the named elements, resourceType, id and meta, tagged SUBSETTED', () => {
    const trimmed = subsetted(
      {
        resourceType: 'Basic',
        id: 'b',
        meta: { versionId: '1' },
        code: {},
        subject: {},
      } as fhir4.Resource,
      ['code'],
    );
    expect(trimmed).toEqual({
      resourceType: 'Basic',
      id: 'b',
      meta: { versionId: '1', tag: [SUBSETTED_TAG] },
      code: {},
    });
  });
});

describe('searchUrl', () => {
  it('keeps the parameters in order and replaces the cursor', () => {
    const params = [
      ['patient', 'Patient/pid-x'],
      ['_cursor', 'old'],
      ['date', 'ge2026-01-01'],
      ['date', 'lt2026-02-01'],
    ] as const;
    expect(searchUrl(BASE, 'AuditEvent', params)).toBe(
      `${BASE}/AuditEvent?patient=Patient%2Fpid-x&date=ge2026-01-01&date=lt2026-02-01`,
    );
    expect(searchUrl(BASE, 'AuditEvent', params, 'n/x+1')).toBe(
      `${BASE}/AuditEvent?patient=Patient%2Fpid-x&date=ge2026-01-01&date=lt2026-02-01&_cursor=n%2Fx%2B1`,
    );
    expect(searchUrl(BASE, 'Consent', [])).toBe(`${BASE}/Consent`);
  });
});

describe('toCapabilityStatement', () => {
  it('describes the server in a valid CapabilityStatement', () => {
    const statement = toCapabilityStatement(BASE);
    expect(validateResource(statement).errors).toEqual([]);
    expect(statement).toMatchObject({
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      implementation: { url: BASE },
    });
    const resources = statement.rest?.[0]?.resource ?? [];
    const summary = Object.fromEntries(
      resources.map((resource) => [
        resource.type,
        {
          interactions: resource.interaction?.map((interaction) => interaction.code),
          params: resource.searchParam?.map((param) => `${param.name}:${param.type}`),
        },
      ]),
    );
    expect(summary).toEqual({
      Consent: {
        interactions: ['read', 'vread', 'update', 'history-instance', 'search-type', 'create'],
        params: [
          '_id:token',
          'patient:reference',
          'status:token',
          'date:date',
          'actor:reference',
          'purpose:token',
        ],
      },
      AuditEvent: {
        interactions: ['read', 'search-type'],
        params: [
          '_id:token',
          'patient:reference',
          'date:date',
          'outcome:token',
          'agent:reference',
          'source:reference',
          'entity:reference',
        ],
      },
      Provenance: {
        interactions: ['search-type'],
        params: ['target:reference', 'agent:reference'],
      },
    });
    expect(
      resources.map((resource) => [resource.type, resource.versioning, resource.readHistory]),
    ).toEqual([
      ['Consent', 'versioned', true],
      ['AuditEvent', 'no-version', false],
      ['Provenance', 'no-version', false],
    ]);
  });

  it('is deterministic, with overridable date and version', () => {
    expect(toCapabilityStatement(BASE)).toEqual(toCapabilityStatement(BASE));
    const statement = toCapabilityStatement(BASE, { date: '2027-01-01', softwareVersion: '0.1.0' });
    expect(validateResource(statement).errors).toEqual([]);
    expect(statement.date).toBe('2027-01-01');
    expect(statement.software).toEqual({ name: 'Consent Ledger gateway', version: '0.1.0' });
  });
});
