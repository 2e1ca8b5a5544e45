import { describe, expect, it } from 'vitest';
import {
  FhirSchemaValidator,
  fhirSchemaValidator,
  formatValidationErrors,
  pointerToExpression,
  validateResource,
} from './fhir-schema.validator.js';

const consent = {
  resourceType: 'Consent',
  status: 'active',
  scope: {
    coding: [
      { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
    ],
  },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
  patient: { reference: 'Patient/pid-abcdefghijklmnop' },
  provision: { type: 'permit', period: { start: '2026-11-22T00:00:00.000Z' } },
};

function expressions(resource: unknown): string[] {
  return validateResource(resource).errors.map((error) => error.expression);
}

describe('validateResource', () => {
  it('accepts a valid resource', () => {
    expect(validateResource(consent)).toEqual({ valid: true, errors: [] });
  });

  it('refuses what is not a JSON object', () => {
    for (const value of [null, 'Consent', 42, [consent]]) {
      const result = validateResource(value);
      expect(result.valid).toBe(false);
      expect(result.errors[0]?.message).toMatch(/JSON object/);
    }
  });

  it('refuses an unknown or missing resourceType', () => {
    expect(validateResource({ ...consent, resourceType: 'Consentt' }).errors).toEqual([
      {
        pointer: '/resourceType',
        expression: 'Consentt.resourceType',
        message: "unknown resourceType 'Consentt'",
      },
    ]);
    const { resourceType: _omitted, ...untyped } = consent;
    expect(validateResource(untyped).errors[0]?.message).toMatch(/resourceType is required/);
  });

  it('refuses a bad status code, naming the element and the allowed codes', () => {
    const result = validateResource({ ...consent, status: 'revoked' });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      {
        pointer: '/status',
        expression: 'Consent.status',
        message: 'must be one of: draft, proposed, active, rejected, inactive, entered-in-error',
      },
    ]);
  });

  it('refuses wrong types', () => {
    expect(expressions({ ...consent, category: { coding: [] } })).toEqual(['Consent.category']);
    expect(
      expressions({ ...consent, provision: { type: 'permit', period: { start: 20261122 } } }),
    ).toEqual(['Consent.provision.period.start']);
  });

  it('refuses malformed primitives (dateTime, code) with a readable message', () => {
    const result = validateResource({ ...consent, dateTime: '2026-13-01' });
    expect(result.errors).toEqual([
      {
        pointer: '/dateTime',
        expression: 'Consent.dateTime',
        message: 'must be a valid FHIR dateTime',
      },
    ]);
    expect(expressions({ ...consent, language: ' en' })).toEqual(['Consent.language']);
  });

  it('refuses unknown elements and missing required ones', () => {
    expect(validateResource({ ...consent, grantee: 'x' }).errors).toEqual([
      {
        pointer: '/grantee',
        expression: 'Consent.grantee',
        message: 'is not an element of this type',
      },
    ]);
    const { scope: _scope, ...noScope } = consent;
    expect(validateResource(noScope).errors).toEqual([
      { pointer: '/scope', expression: 'Consent.scope', message: 'is required' },
    ]);
  });

  it('refuses an AuditEvent with a bad outcome or action code', () => {
    const event = {
      resourceType: 'AuditEvent',
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
      recorded: '2026-11-22T03:27:06.155Z',
      agent: [{ requestor: true }],
      source: { observer: { display: 'ledger' } },
    };
    expect(validateResource(event).valid).toBe(true);
    expect(expressions({ ...event, outcome: '2' })).toEqual(['AuditEvent.outcome']);
    expect(expressions({ ...event, action: 'X' })).toEqual(['AuditEvent.action']);
    expect(expressions({ ...event, agent: [{ requestor: 'yes' }] })).toEqual([
      'AuditEvent.agent[0].requestor',
    ]);
  });

  it('validates resources nested in a Bundle just as strictly', () => {
    const bundle = (resource: unknown) => ({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource }],
    });
    expect(validateResource(bundle(consent)).valid).toBe(true);
    expect(validateResource(bundle({ ...consent, status: 'nope' })).errors).toEqual([
      {
        pointer: '/entry/0/resource/status',
        expression: 'Bundle.entry[0].resource.status',
        message: 'must be one of: draft, proposed, active, rejected, inactive, entered-in-error',
      },
    ]);
    expect(validateResource(bundle({ resourceType: 'Nope' })).errors[0]).toMatchObject({
      pointer: '/entry/0/resource/resourceType',
      message: "unknown resourceType 'Nope'",
    });
    expect(validateResource(bundle(bundle({ ...consent, extra: 1 }))).errors[0]?.expression).toBe(
      'Bundle.entry[0].resource.entry[0].resource.extra',
    );
  });

  it('adds the JSON rules the official schema leaves out', () => {
    // Complex types are objects, never empty; arrays are never empty.
    expect(expressions({ ...consent, patient: 'Patient/pid-abcdefghijklmnop' })).toEqual([
      'Consent.patient',
    ]);
    expect(expressions({ ...consent, scope: {} })).toEqual(['Consent.scope']);
    expect(expressions({ ...consent, category: [] })).toEqual(['Consent.category']);
    // Integer primitives are integers in range.
    const provenance = {
      resourceType: 'Provenance',
      target: [{ reference: 'Patient/x' }],
      recorded: '2026-11-22T03:27:06.155Z',
      agent: [{ who: { reference: 'Organization/GovMSP' } }],
      extension: [{ url: 'urn:x', valuePositiveInt: 1 }],
    };
    expect(validateResource(provenance).valid).toBe(true);
    for (const value of [0, 1.5, '1'])
      expect(
        expressions({ ...provenance, extension: [{ url: 'urn:x', valuePositiveInt: value }] }),
      ).toEqual(['Provenance.extension[0].valuePositiveInt']);
    expect(
      expressions({ ...provenance, extension: [{ url: 'urn:x', valueUnsignedInt: -1 }] }),
    ).toEqual(['Provenance.extension[0].valueUnsignedInt']);
  });

  it('knows FHIR 4.0.1 (the package schema is 4.0.0)', () => {
    const statement = {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026-11-22',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
    };
    expect(validateResource(statement).valid).toBe(true);
    expect(expressions({ ...statement, fhirVersion: '4.0.2' })).toEqual([
      'CapabilityStatement.fhirVersion',
    ]);
  });

  it('validates contained resources', () => {
    expect(
      expressions({ ...consent, contained: [{ resourceType: 'Organization', active: 'yes' }] }),
    ).toEqual(['Consent.contained[0].active']);
  });

  it('reports several problems at once, formatted on one line', () => {
    const result = validateResource({ ...consent, status: 'x', dateTime: 'y' });
    expect(result.errors.map((error) => error.expression).sort()).toEqual([
      'Consent.dateTime',
      'Consent.status',
    ]);
    expect(formatValidationErrors(result.errors)).toContain(
      'Consent.dateTime must be a valid FHIR dateTime',
    );
  });

  it('compiles once and reuses the per-type validators', () => {
    const validator = fhirSchemaValidator();
    expect(fhirSchemaValidator()).toBe(validator);
    expect(validator.supports('Consent')).toBe(true);
    expect(validator.supports('Consentt')).toBe(false);
    const started = performance.now();
    for (let i = 0; i < 1000; i += 1) validator.validate(consent);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('compiles every resource type of the schema in strict mode', () => {
    const validator = fhirSchemaValidator();
    const types = validator.resourceTypes();
    expect(types).toHaveLength(146);
    for (const resourceType of types) {
      const result = validator.validate({ resourceType, id: 'x' });
      expect(result.errors.every((error) => error.message === 'is required')).toBe(true);
    }
  }, 30_000);

  it('can be built from another copy of the schema', () => {
    const validator = new FhirSchemaValidator();
    expect(validator.validate(consent).valid).toBe(true);
  });
});

describe('pointerToExpression', () => {
  it('turns JSON pointers into FHIRPath-like expressions', () => {
    expect(pointerToExpression('Consent', '')).toBe('Consent');
    expect(pointerToExpression('Consent', '/provision/actor/0/reference')).toBe(
      'Consent.provision.actor[0].reference',
    );
    expect(pointerToExpression('X', '/a~1b/c~0d')).toBe('X.a/b.c~d');
  });
});
