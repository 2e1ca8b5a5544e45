import { describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../common/errors.js';
import { GatewayExceptionFilter } from '../common/exception.filter.js';
import { FHIR_ERROR_RENDERER } from './fhir-error.renderer.js';

describe('the exception filter, under /fhir', () => {
  it('answers a FHIR OperationOutcome under /fhir', () => {
    const send = vi.fn();
    const type = vi.fn(() => ({ send }));
    const response = { headersSent: false, status: vi.fn(() => ({ type })) };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({
        getResponse: () => response,
        getRequest: () => ({ path: '/fhir/Consent/x' }),
      }),
    };
    new GatewayExceptionFilter({ renderers: [FHIR_ERROR_RENDERER] }).catch(
      new NotFoundError('CONSENT_NOT_FOUND', 'gone'),
      host as never,
    );
    expect(response.status).toHaveBeenCalledWith(404);
    expect(type).toHaveBeenCalledWith('application/fhir+json; charset=utf-8');
    expect(JSON.parse(String(send.mock.calls[0]?.[0]))).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', details: { text: 'gone' } }],
    });
  });
});
