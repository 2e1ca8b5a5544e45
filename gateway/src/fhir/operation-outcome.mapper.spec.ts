import { NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { FhirArgumentError } from './fhir.errors.js';
import { validateResource } from './fhir-schema.validator.js';
import { PROJECT_SYSTEM } from './fhir-terminology.js';
import {
  fhirIssueOptions,
  isFhirRequest,
  issueForStatus,
  toOperationOutcome,
} from './operation-outcome.mapper.js';

describe('toOperationOutcome', () => {
  it.each([
    [400, 'error', 'invalid'],
    [401, 'error', 'login'],
    [403, 'error', 'forbidden'],
    [404, 'error', 'not-found'],
    [409, 'error', 'conflict'],
    [413, 'error', 'too-long'],
    [422, 'error', 'business-rule'],
    [429, 'error', 'throttled'],
    [500, 'fatal', 'exception'],
    [502, 'error', 'exception'],
    [503, 'error', 'transient'],
    [418, 'error', 'processing'],
  ] as const)('maps HTTP %i to a %s %s issue', (status, severity, code) => {
    expect(issueForStatus(status)).toEqual({ severity, code });
    const outcome = toOperationOutcome(status, 'SOME_CODE', 'what happened');
    expect(validateResource(outcome).errors).toEqual([]);
    expect(outcome.issue).toEqual([
      {
        severity,
        code,
        details: {
          coding: [{ system: PROJECT_SYSTEM.errorCode, code: 'SOME_CODE' }],
          text: 'what happened',
        },
      },
    ]);
  });

  it('carries the issue type and expressions of a FhirArgumentError', () => {
    const error = FhirArgumentError.at('Consent.provision.type', "must be 'deny'", 'value');
    const outcome = toOperationOutcome(400, error.code, error.message, fhirIssueOptions(error));
    expect(validateResource(outcome).errors).toEqual([]);
    expect(outcome.issue[0]).toMatchObject({
      code: 'value',
      expression: ['Consent.provision.type'],
      details: { text: "Consent.provision.type must be 'deny'" },
    });
    expect(fhirIssueOptions(new NotFoundException())).toEqual({});
  });

  it('stays valid with an empty code or message', () => {
    const outcome = toOperationOutcome(500, '', '');
    expect(validateResource(outcome).errors).toEqual([]);
    expect(outcome.issue[0]).toEqual({ severity: 'fatal', code: 'exception' });
  });
});

describe('isFhirRequest', () => {
  it('recognizes paths under /fhir, with an optional global prefix', () => {
    expect(isFhirRequest('/fhir')).toBe(true);
    expect(isFhirRequest('/fhir/metadata')).toBe(true);
    expect(isFhirRequest('/fhir?x=1')).toBe(true);
    expect(isFhirRequest('/fhir/Consent?patient=Patient/pid-x')).toBe(true);
    expect(isFhirRequest('/fhirx')).toBe(false);
    expect(isFhirRequest('/consents/fhir')).toBe(false);
    expect(isFhirRequest('/api/fhir/Consent', 'api')).toBe(true);
    expect(isFhirRequest('/api/fhir/Consent', '/api/')).toBe(true);
    expect(isFhirRequest('/fhir/Consent', 'api')).toBe(false);
  });
});
