import type { ConsentInput } from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidArgumentError, LedgerError } from '../common/errors.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { patientSession, principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { signed } from '../testing/statements.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { testProfile } from '../testing/test-app.js';
import { EXTENSION } from '../fhir/fhir-terminology.js';
import { ConsentsController } from './consents.controller.js';
import { ConsentsService, normalTerms } from './consents.service.js';

const CONSENT_ID = 'con-000000000000000000000001';
const patient = patientSession();
const input: ConsentInput = {
  grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
  purposes: ['treatment'],
  categories: ['imaging', 'laboratory'],
  validUntil: '2099-01-01T00:00:00.000Z',
};

function setup() {
  const ledger = new FakeLedgerClient()
    .on('consent:GrantConsent', () => ({ consentId: CONSENT_ID, status: 'active' }))
    .on('consent:UpdateConsent', () => ({ consentId: CONSENT_ID, version: 2 }))
    .on('consent:RevokeConsent', () => ({ consentId: CONSENT_ID, status: 'revoked' }))
    .on('consent:EraseConsent', () => ({ patientId: patient.patientId, kind: 'consent' }))
    .on('consent:GetConsent', () => {
      throw new LedgerError({
        code: 'CONSENT_NOT_FOUND',
        message: 'no such consent',
        transaction: 'consent:GetConsent',
      });
    })
    .on('consent:QueryConsents', () => ({ items: [], bookmark: '' }));
  const service = new ConsentsService(ledger, testEndorsers(ledger), testProfile());
  return { ledger, service };
}

describe('ConsentsService', () => {
  it("carries the patient's signed statement with the service identity, endorsed by the home and the regulator", async () => {
    const { ledger, service } = setup();
    const action = await signed('consent:GrantConsent', input);
    const result = await service.grant(patient, action);
    expect(result).toEqual({
      consentId: CONSENT_ID,
      txId: 'tx-1',
      consent: { consentId: CONSENT_ID, status: 'active' },
    });
    const [submit] = ledger.submits;
    expect(submit).toMatchObject({
      identity: 'gateway-service',
      contract: 'consent',
      transaction: 'GrantConsent',
      endorsers: {
        collections: ['org_TertiaryHospitalMSP'],
        organizations: ['TertiaryHospitalMSP', 'GovMSP'],
      },
    });
    // The statement travels exactly as signed: the chaincode checks the signature over it.
    expect(jsonArg(submit)).toEqual({ statement: action.statement, signature: action.signature });
  });

  it("refuses another patient's statement, another signer's and another action's", async () => {
    const { ledger, service } = setup();
    await expect(
      service.grant(
        patient,
        await signed('consent:GrantConsent', input, { patientId: 'pid-someoneelseaaaaaa' }),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      service.grant(
        patientSession({ guardianId: 'rp-aaaaaaaaaaaaaaaa' }),
        await signed('consent:GrantConsent', input),
      ),
    ).rejects.toThrow("signed by someone other than this session's signer");
    await expect(
      service.grant(
        patient,
        (await signed('consent:RevokeConsent', {
          consentId: CONSENT_ID,
          expectedVersion: 1,
        })) as never,
      ),
    ).rejects.toThrow('the statement authorizes consent:RevokeConsent, not consent:GrantConsent');
    await expect(
      service.grant(patient, await signed('consent:GrantConsent', input, { channel: 'other' })),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      service.grant(patient, { statement: 'not json', signature: 'x' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(ledger.calls).toHaveLength(0);
  });

  it("lets a guardian's session carry the guardian's statement for the ward", async () => {
    const { ledger, service } = setup();
    const guardian = patientSession({ guardianId: 'rp-aaaaaaaaaaaaaaaa' });
    await service.grant(
      guardian,
      await signed('consent:GrantConsent', input, { guardianId: 'rp-aaaaaaaaaaaaaaaa' }),
    );
    expect(ledger.submits).toHaveLength(1);
  });

  it('refuses bad terms and other roles before anything reaches the ledger', async () => {
    const { ledger, service } = setup();
    const sign = (terms: ConsentInput) => signed('consent:GrantConsent', terms);
    await expect(
      throughRoute(
        { handler: ConsentsController.prototype.grant, caller: principal('clinician') },
        async () => service.grant(patient, await sign(input)),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.grant(patient, await sign({ ...input, grantee: {} }))).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(service.grant(patient, await sign({ ...input, purposes: [] }))).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(
      service.grant(
        patient,
        await sign({
          ...input,
          validFrom: '2030-01-02T00:00:00.000Z',
          validUntil: '2030-01-01T00:00:00.000Z',
        }),
      ),
    ).rejects.toThrow('validUntil must be after validFrom');
    await expect(
      service.grant(patient, await sign({ ...input, validUntil: '2000-01-01T00:00:00.000Z' })),
    ).rejects.toThrow('validUntil must be in the future');
    await expect(
      service.grant(
        patient,
        await sign({
          ...input,
          dataFrom: '2021-01-01T00:00:00.000Z',
          dataUntil: '2020-01-01T00:00:00.000Z',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      service.grant(
        patient,
        await sign({ provision: 'deny', exceptions: [{ purposes: ['research'] }] }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      service.grant(patient, await sign({ ...input, note: 'free text' } as ConsentInput)),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    // A member institution is a code, and an institution of a named organization.
    for (const [grantee, message] of [
      [
        { org: 'EnterpriseMSP', institution: 'West Lake Mutual' },
        /grantee.institution must be inst-/,
      ],
      [{ institution: 'inst-insurer01' }, /must name its org/],
    ] as const) {
      await expect(
        service.grant(patient, await sign({ provision: 'deny', grantee })),
      ).rejects.toThrow(message);
    }
    await expect(
      service.revoke(
        patient,
        'not-an-id',
        await signed('consent:RevokeConsent', { consentId: 'not-an-id', expectedVersion: 1 }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(ledger.calls).toHaveLength(0);
  });

  it('lets a deny leave out the grantee, purposes and categories', async () => {
    const { ledger, service } = setup();
    await service.grant(
      patient,
      await signed('consent:GrantConsent', { provision: 'deny', categories: ['genomic'] }),
    );
    expect(ledger.submits).toHaveLength(1);
  });

  it('updates only when the terms another representation states are the signed ones', async () => {
    const { ledger, service } = setup();
    const update = await signed('consent:UpdateConsent', {
      ...input,
      consentId: CONSENT_ID,
      expectedVersion: 1,
    });
    await expect(
      service.update(patient, CONSENT_ID, update, { terms: { ...input, purposes: ['research'] } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(ledger.submits).toHaveLength(0);
    await service.update(patient, CONSENT_ID, update, {
      terms: { ...input, categories: ['laboratory', 'imaging'], provision: 'permit' },
    });
    expect(ledger.submits).toHaveLength(1);
  });

  it('updates, revokes and erases the consent the path names, at the version signed', async () => {
    const { ledger, service } = setup();
    const update = await signed('consent:UpdateConsent', {
      ...input,
      consentId: CONSENT_ID,
      expectedVersion: 1,
    });
    expect(await service.update(patient, CONSENT_ID, update)).toMatchObject({
      consentId: CONSENT_ID,
    });
    const revoke = await signed('consent:RevokeConsent', {
      consentId: CONSENT_ID,
      expectedVersion: 2,
    });
    expect(await service.revoke(patient, CONSENT_ID, revoke)).toMatchObject({ txId: 'tx-2' });
    const erase = await signed('consent:EraseConsent', { consentId: CONSENT_ID });
    expect(await service.erase(patient, CONSENT_ID, erase)).toEqual({
      consentId: CONSENT_ID,
      txId: 'tx-3',
      receipt: { patientId: patient.patientId, kind: 'consent' },
    });
    expect(ledger.submits.map((call) => call.transaction)).toEqual([
      'UpdateConsent',
      'RevokeConsent',
      'EraseConsent',
    ]);
    await expect(service.revoke(patient, 'con-000000000000000000000002', revoke)).rejects.toThrow(
      `the statement is about ${CONSENT_ID}, not con-000000000000000000000002`,
    );
  });

  it("reads for a patient's session with the service identity, kept to the patient's own", async () => {
    const { ledger, service } = setup();
    await expect(service.get(patient, 'con-000000000000000000000002')).rejects.toMatchObject({
      code: 'CONSENT_NOT_FOUND',
    });
    ledger.on('consent:GetConsent', () => ({ consentId: CONSENT_ID, patientId: 'pid-other' }));
    await expect(service.get(patient, CONSENT_ID)).rejects.toBeInstanceOf(ForbiddenError);
    await service.query(patient, { status: 'active', pageSize: 10 });
    const query = ledger.callsOf('consent:QueryConsents')[0];
    expect(query?.identity).toBe('gateway-service');
    expect(jsonArg(query)).toEqual({
      status: 'active',
      pageSize: 10,
      patientId: 'pid-abcdefghijklmnop',
    });
    await expect(service.query(patient, { patientId: 'pid-other' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await service.query(principal('clinician'), { pageSize: 10 });
    expect(ledger.callsOf('consent:QueryConsents')[1]?.identity).toBe('user:clinician-1');
  });

  it('compares terms in one form: the default provision written out, lists sorted', () => {
    expect(normalTerms({ purposes: ['treatment', 'research', 'treatment'] })).toEqual({
      provision: 'permit',
      purposes: ['research', 'treatment'],
    });
  });
});

describe('the consents API (in process, fake ledger)', () => {
  let t: TestApp;
  let patientToken: string;
  let otherToken: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp();
    patientToken = await t.patient({ username: 'pat' });
    otherToken = await t.patient({ username: 'other', patientId: 'pid-someoneelseaaaaaa' });
    t.ledger.on('consent:GrantConsent', () => ({ consentId: CONSENT_ID, status: 'active' }));
  });
  afterAll(async () => {
    await t.close();
  });

  it("takes a patient's signed statement, and refuses it from another patient's session (403)", async () => {
    const action = await signed('consent:GrantConsent', input);
    const granted = await t.http().post('/consents').set(auth(patientToken)).send({ action });
    expect(granted.status, granted.text).toBe(201);
    const before = t.ledger.calls.length;
    const stolen = await t.http().post('/consents').set(auth(otherToken)).send({ action });
    expect(stolen.status).toBe(403);
    expect(stolen.body).toMatchObject({ code: 'FORBIDDEN' });
    const unsigned = await t.http().post('/consents').set(auth(patientToken)).send(input);
    expect(unsigned.status).toBe(400);
    expect(t.ledger.calls.length).toBe(before);
  });

  it("takes a FHIR Consent with the patient's signature when its terms are the signed ones", async () => {
    t.ledger.on('consent:GrantConsent', () => ({
      consentId: CONSENT_ID,
      patientId: 'pid-abcdefghijklmnop',
      patientHome: 'TertiaryHospitalMSP',
      provision: 'permit',
      grantee: { org: 'CommunityHospitalMSP' },
      purposes: ['treatment'],
      categories: ['imaging'],
      validFrom: '2026-12-06T00:00:00.000Z',
      exceptions: [],
      status: 'active',
      version: 1,
      createdAt: '2026-12-06T00:00:00.000Z',
      updatedAt: '2026-12-06T00:00:00.000Z',
      signedBy: { kind: 'patient', id: 'pid-abcdefghijklmnop' },
      txId: 'a'.repeat(64),
      salt: 'c2FsdHNhbHRzYWx0c2FsdA',
    }));
    const terms: ConsentInput = {
      grantee: { org: 'CommunityHospitalMSP' },
      purposes: ['treatment'],
      categories: ['imaging'],
    };
    const resource = async (signedTerms: ConsentInput, performer?: string) => {
      const action = await signed('consent:GrantConsent', signedTerms);
      return {
        resourceType: 'Consent',
        extension: [
          {
            url: EXTENSION.signedAction,
            extension: [
              { url: 'statement', valueString: action.statement },
              { url: 'signature', valueString: action.signature },
            ],
          },
        ],
        status: 'active',
        scope: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/consentscope',
              code: 'patient-privacy',
            },
          ],
        },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
        patient: { reference: 'Patient/pid-abcdefghijklmnop' },
        ...(performer === undefined ? {} : { performer: [{ reference: performer }] }),
        provision: {
          type: 'permit',
          actor: [
            {
              role: {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                    code: 'IRCP',
                  },
                ],
              },
              reference: { reference: 'Organization/CommunityHospitalMSP' },
            },
          ],
          purpose: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' },
          ],
          class: [
            {
              system: 'https://consent-ledger.example/fhir/CodeSystem/data-category',
              code: 'imaging',
            },
          ],
        },
      };
    };
    const post = async (body: object, token = patientToken) =>
      t.http().post('/fhir/Consent').set(auth(token)).send(body);
    const created = await post(await resource(terms, 'Patient/pid-abcdefghijklmnop'));
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      resourceType: 'Consent',
      id: CONSENT_ID,
      performer: [{ type: 'Patient', identifier: { value: 'pid-abcdefghijklmnop' } }],
    });
    const before = t.ledger.calls.length;
    // The resource says laboratory, the patient signed imaging: refused.
    const differing = await post(await resource({ ...terms, categories: ['laboratory'] }));
    expect(differing.status).toBe(400);
    expect(differing.body).toMatchObject({ resourceType: 'OperationOutcome' });
    // The resource names a guardian, the patient signed.
    const performer = await post(await resource(terms, 'RelatedPerson/rp-aaaaaaaaaaaaaaaa'));
    expect(performer.status).toBe(400);
    // Another patient's session cannot post it.
    expect((await post(await resource(terms), otherToken)).status).toBe(403);
    expect(t.ledger.calls.length).toBe(before);
  });
});
