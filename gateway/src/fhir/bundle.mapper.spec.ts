import { describe, expect, it } from 'vitest';
import { searchUrl, toSearchBundle } from './bundle.mapper.js';
import { toCapabilityStatement } from './capability-statement.mapper.js';
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
        interactions: ['read', 'search-type', 'create'],
        params: ['patient:reference', 'status:token'],
      },
      AuditEvent: {
        interactions: ['search-type'],
        params: ['patient:reference', 'date:date', 'outcome:token'],
      },
      Provenance: {
        interactions: ['search-type'],
        params: ['target:reference', 'agent:reference'],
      },
    });
  });

  it('is deterministic, with overridable date and version', () => {
    expect(toCapabilityStatement(BASE)).toEqual(toCapabilityStatement(BASE));
    const statement = toCapabilityStatement(BASE, { date: '2027-01-01', softwareVersion: '0.1.0' });
    expect(validateResource(statement).errors).toEqual([]);
    expect(statement.date).toBe('2027-01-01');
    expect(statement.software).toEqual({ name: 'Consent Ledger gateway', version: '0.1.0' });
  });
});
