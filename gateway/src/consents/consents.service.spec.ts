import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidArgumentError, LedgerError } from '../common/errors.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { ConsentsController } from './consents.controller.js';
import { ConsentsService } from './consents.service.js';

const patient = principal('patient');
const input = {
  grantee: { org: 'CommunityHospitalMSP', role: 'clinician' as const },
  purposes: ['treatment' as const],
  categories: ['imaging' as const, 'laboratory' as const],
  validUntil: '2099-01-01T00:00:00.000Z',
};

function setup() {
  const ledger = new FakeLedgerClient()
    .on('consent:GrantConsent', () => ({
      consentId: 'con-000000000000000000000001',
      status: 'active',
    }))
    .on('consent:RevokeConsent', (call) => ({ consentId: call.args?.[0], status: 'revoked' }))
    .on('consent:GetConsent', () => {
      throw new LedgerError({
        code: 'CONSENT_NOT_FOUND',
        message: 'no such consent',
        transaction: 'consent:GetConsent',
      });
    })
    .on('consent:QueryConsents', () => ({ items: [], bookmark: '' }));
  return { ledger, service: new ConsentsService(ledger) };
}

describe('ConsentsService', () => {
  it('grants as the patient’s own identity, with the input as one JSON argument', async () => {
    const { ledger, service } = setup();
    const result = await service.grant(patient, input);
    expect(result).toEqual({
      consentId: 'con-000000000000000000000001',
      txId: 'tx-1',
      consent: { consentId: 'con-000000000000000000000001', status: 'active' },
    });
    const [call] = ledger.calls;
    expect(call).toMatchObject({
      kind: 'submit',
      identity: 'user:patient-1',
      contract: 'consent',
      transaction: 'GrantConsent',
    });
    expect(jsonArg(call)).toEqual(input);
  });

  it('refuses bad input and other roles before anything reaches the ledger', async () => {
    const { ledger, service } = setup();
    await expect(
      throughRoute(
        { handler: ConsentsController.prototype.grant, caller: principal('clinician') },
        (as) => service.grant(as, input),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.grant(patient, { ...input, grantee: {} })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(service.grant(patient, { ...input, purposes: [] })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      service.grant(patient, {
        ...input,
        validFrom: '2030-01-02T00:00:00.000Z',
        validUntil: '2030-01-01T00:00:00.000Z',
      }),
    ).rejects.toThrow('validUntil must be after validFrom');
    await expect(
      service.grant(patient, { ...input, validUntil: '2000-01-01T00:00:00.000Z' }),
    ).rejects.toThrow('validUntil must be in the future');
    await expect(
      service.grant(patient, {
        ...input,
        dataFrom: '2021-01-01T00:00:00.000Z',
        dataUntil: '2020-01-01T00:00:00.000Z',
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      service.grant(patient, { provision: 'deny', exceptions: [{ purposes: ['research'] }] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(service.revoke(patient, 'not-an-id')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(ledger.calls).toHaveLength(0);
  });

  it('lets a deny leave out the grantee, purposes and categories', async () => {
    const { ledger, service } = setup();
    await service.grant(patient, { provision: 'deny', categories: ['genomic'] });
    expect(jsonArg(ledger.calls[0])).toEqual({ provision: 'deny', categories: ['genomic'] });
  });

  it('revokes, reads and queries through the ledger, passing its refusals on', async () => {
    const { ledger, service } = setup();
    const revoked = await service.revoke(patient, 'con-000000000000000000000001');
    expect(revoked).toMatchObject({ consentId: 'con-000000000000000000000001', txId: 'tx-1' });
    await expect(service.get(patient, 'con-000000000000000000000002')).rejects.toMatchObject({
      code: 'CONSENT_NOT_FOUND',
    });
    await service.query(patient, { status: 'active', pageSize: 10 });
    expect(jsonArg(ledger.callsOf('consent:QueryConsents')[0])).toEqual({
      status: 'active',
      pageSize: 10,
    });
  });
});
