import { CapabilityTool, Client, type FhirResource } from 'fhir-kit-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsentInput, PatientActionName, SignedAction } from '@consent-ledger/ledger-api';
import { validateResource, type fhir4 } from '@consent-ledger/gateway';
import {
  enrolPatient,
  gateway,
  gatewayBase,
  uniqueName,
  type GatewayPatient,
} from '../support/gateways.ts';
import { fhirConsent, fhirConsentTerms } from '../support/fhir-consent.ts';

/**
 * FHIR R4 conformance of the running gateways, as a standard FHIR client (fhir-kit-client) sees
 * it. The CapabilityStatement is read first and the expectations are derived from it: every
 * advertised interaction and search parameter is exercised, every interaction it does not
 * advertise must answer 405 (and an unknown type 404), searches are paged to the end through their
 * next links, and every refusal is an OperationOutcome whose issue.code is checked.
 */

const TERTIARY = 'TertiaryHospitalMSP';
const PASSWORD = 'fhir-conformance-pass-29';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
/** The interactions a type may have (R4 TypeRestfulInteraction), and how to try each. */
const TYPE_INTERACTIONS = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
] as const;

interface Refusal {
  status: number;
  outcome: fhir4.OperationOutcome;
}

/** The HTTP status and OperationOutcome a client call was refused with (fails if it succeeded). */
async function refusal(call: () => Promise<unknown> | undefined): Promise<Refusal> {
  try {
    await call();
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (response === undefined) throw error;
    expect(validateResource(response.data).errors, JSON.stringify(response.data)).toEqual([]);
    expect(response.data).toMatchObject({ resourceType: 'OperationOutcome' });
    return { status: response.status, outcome: response.data as fhir4.OperationOutcome };
  }
  throw new Error('expected the server to refuse the request');
}

const codeOf = (refused: Refusal): string | undefined => refused.outcome.issue[0]?.code;

const asBundle = (resource: FhirResource): fhir4.Bundle => {
  expect(validateResource(resource).errors).toEqual([]);
  return resource as unknown as fhir4.Bundle;
};

const matches = (bundle: fhir4.Bundle): fhir4.Resource[] =>
  (bundle.entry ?? [])
    .filter((entry) => entry.search?.mode !== 'outcome')
    .flatMap((entry) => (entry.resource === undefined ? [] : [entry.resource]));

const link = (bundle: fhir4.Bundle, relation: string): string | undefined =>
  bundle.link?.find((each) => each.relation === relation)?.url;

/** A Consent to the tertiary hospital carrying the patient's signed statement. */
const consentResource = (patientId: string, action: SignedAction, id?: string): FhirResource =>
  fhirConsent({ patientId, action, grantee: TERTIARY, ...(id === undefined ? {} : { id }) });

const TERMS = fhirConsentTerms(TERTIARY);

describe('FHIR R4 conformance, through fhir-kit-client', () => {
  const home = `${gatewayBase('community')}/fhir`;
  let patient: GatewayPatient;
  let asPatient: Client;
  let asRegulator: Client;
  let anonymous: Client;
  let statement: fhir4.CapabilityStatement;
  let tool: CapabilityTool;
  let consentId = '';
  const eventIds: string[] = [];
  let since = '';
  const recordId = uniqueName('fhir-rec');

  const sign = (action: PatientActionName, payload: unknown): Promise<SignedAction> =>
    patient.device.sign(action as 'consent:GrantConsent', payload as ConsentInput);

  beforeAll(async () => {
    since = new Date(Date.now() - 60_000).toISOString().slice(0, 16) + 'Z';
    const community = gateway('community');
    const tertiary = gateway('tertiary');
    const gov = gateway('gov');
    patient = await enrolPatient(community, { adminToken: await community.loginAdmin() });
    const doctor = uniqueName('fhir-doc');
    await tertiary.createUser(await tertiary.loginAdmin(), {
      username: doctor,
      password: PASSWORD,
      role: 'clinician',
    });
    const regulator = uniqueName('fhir-reg');
    await gov.createUser(await gov.loginAdmin(), {
      username: regulator,
      password: PASSWORD,
      role: 'regulator',
    });
    asPatient = new Client({ baseUrl: home, bearerToken: patient.token });
    asRegulator = new Client({
      baseUrl: `${gatewayBase('gov')}/fhir`,
      bearerToken: await gov.login(regulator, PASSWORD),
    });
    anonymous = new Client({ baseUrl: home });
    statement = (await anonymous.capabilityStatement()) as unknown as fhir4.CapabilityStatement;
    tool = new CapabilityTool(statement as unknown as FhirResource);
    const created = (await asPatient.create({
      resourceType: 'Consent',
      body: consentResource(patient.patientId, await sign('consent:GrantConsent', TERMS)),
    })) as unknown as fhir4.Consent;
    consentId = created.id ?? '';
    const doctorToken = await tertiary.login(doctor, PASSWORD);
    for (const categories of [['outpatient'], ['genomic'], ['outpatient']]) {
      const decided = await tertiary.post<{ eventId: string }>('/access-requests', {
        token: doctorToken,
        body: { patientId: patient.patientId, purpose: 'treatment', categories },
      });
      expect(decided.status, decided.text).toBe(201);
      eventIds.push(decided.body.eventId);
    }
    const anchored = await tertiary.post('/records', {
      token: doctorToken,
      body: {
        recordId,
        patientId: patient.patientId,
        category: 'outpatient',
        sha256: 'c'.repeat(64),
      },
    });
    expect(anchored.status, anchored.text).toBe(201);
  });

  it('states FHIR 4.0.1, JSON only, and versioning only where vread and history are served', () => {
    expect(validateResource(statement).errors).toEqual([]);
    expect(statement).toMatchObject({ fhirVersion: '4.0.1', kind: 'instance' });
    expect(statement.format.every((format) => format.includes('json'))).toBe(true);
    const resources = statement.rest?.[0]?.resource ?? [];
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      const versioned =
        tool.resourceCan(resource.type, 'vread') &&
        tool.resourceCan(resource.type, 'history-instance');
      expect(resource.versioning === 'versioned', resource.type).toBe(versioned);
      expect(resource.readHistory ?? false, resource.type).toBe(versioned);
    }
  });

  it('serves every advertised Consent interaction: create, read, vread, update with If-Match, history', async () => {
    expect(consentId).toMatch(/^con-/);
    if (tool.resourceCan('Consent', 'read')) {
      const read = (await asPatient.read({
        resourceType: 'Consent',
        id: consentId,
      })) as unknown as fhir4.Consent;
      expect(validateResource(read).errors).toEqual([]);
      expect(read).toMatchObject({ id: consentId, status: 'active', meta: { versionId: '1' } });
      // Whom no resource is served for is named by identifier, never by a reference to resolve.
      expect(read.patient).toMatchObject({
        type: 'Patient',
        identifier: { value: patient.patientId },
      });
      expect(read.patient?.reference).toBeUndefined();
    }
    if (tool.resourceCan('Consent', 'update')) {
      const put = async (
        body: FhirResource,
        headers: Record<string, string> = {},
      ): Promise<fhir4.Consent> =>
        (await asPatient.update({
          resourceType: 'Consent',
          id: consentId,
          body,
          options: { headers },
        })) as unknown as fhir4.Consent;
      const update = (expectedVersion: number, terms: ConsentInput = TERMS) =>
        sign('consent:UpdateConsent', { ...terms, consentId, expectedVersion });
      const stale = await refusal(() =>
        put(consentResource(patient.patientId, { statement: '{}', signature: 'x' }, consentId), {
          'If-Match': 'W/"7"',
        }),
      );
      expect([stale.status, codeOf(stale)]).toEqual([412, 'conflict']);
      // The resource's terms must be the ones the patient signed.
      const differing = await refusal(async () =>
        put(
          consentResource(
            patient.patientId,
            await update(1, { ...TERMS, categories: ['imaging'] }),
            consentId,
          ),
        ),
      );
      expect([differing.status, codeOf(differing)]).toEqual([400, 'invalid']);
      const updated = await put(consentResource(patient.patientId, await update(1), consentId), {
        'If-Match': 'W/"1"',
      });
      expect(updated).toMatchObject({ status: 'active', meta: { versionId: '2' } });
      // Revoked by PUT of status inactive, with the revocation the patient signed.
      const revoked = await put({
        ...consentResource(
          patient.patientId,
          await sign('consent:RevokeConsent', { consentId, expectedVersion: 2 }),
          consentId,
        ),
        status: 'inactive',
      });
      expect(revoked).toMatchObject({ status: 'inactive', meta: { versionId: '3' } });
      const again = await refusal(async () =>
        put({
          ...consentResource(
            patient.patientId,
            await sign('consent:RevokeConsent', { consentId, expectedVersion: 2 }),
            consentId,
          ),
          status: 'inactive',
        }),
      );
      expect([again.status, codeOf(again)]).toEqual([409, 'conflict']);
    }
    if (tool.resourceCan('Consent', 'vread')) {
      const first = (await asPatient.vread({
        resourceType: 'Consent',
        id: consentId,
        version: '1',
      })) as unknown as fhir4.Consent;
      expect(first).toMatchObject({ status: 'active', meta: { versionId: '1' } });
      const missing = await refusal(() =>
        asPatient.vread({ resourceType: 'Consent', id: consentId, version: '99' }),
      );
      expect([missing.status, codeOf(missing)]).toEqual([404, 'not-found']);
    }
    if (tool.resourceCan('Consent', 'history-instance')) {
      const history = asBundle(await asPatient.history({ resourceType: 'Consent', id: consentId }));
      expect(history.type).toBe('history');
      const versions = matches(history).map((each) => each.meta?.versionId);
      expect(versions).toEqual(tool.resourceCan('Consent', 'update') ? ['3', '2', '1'] : ['1']);
    }
  });

  it('answers every advertised search parameter of every type (and POST _search, _summary=count)', async () => {
    const day = new Date().toISOString().slice(0, 10);
    /** One value per advertised parameter that matches the fixture (the id it must find). */
    const examples: Record<string, Readonly<Record<string, [string, string]>>> = {
      Consent: {
        _id: [consentId, consentId],
        patient: [`Patient/${patient.patientId}`, consentId],
        status: ['inactive', consentId],
        date: [`ge${since}`, consentId],
        actor: [`Organization/${TERTIARY}`, consentId],
        purpose: [`${ACT_REASON}|TREAT`, consentId],
      },
      AuditEvent: {
        _id: [eventIds[1] ?? '', eventIds[1] ?? ''],
        patient: [patient.patientId, eventIds[0] ?? ''],
        date: [day, eventIds[0] ?? ''],
        outcome: ['4', eventIds[1] ?? ''],
        agent: [`Organization/${TERTIARY}`, eventIds[2] ?? ''],
        source: ['Device/consent-ledger', eventIds[2] ?? ''],
        entity: [`Consent/${consentId}`, eventIds[0] ?? ''],
      },
    };
    const scope: Readonly<Record<string, Record<string, string>>> = {
      Consent: { patient: patient.patientId },
      AuditEvent: { patient: patient.patientId },
      // A record is named by its ID and its owner (the tertiary hospital anchored it).
      Provenance: { target: recordId, agent: `Organization/${TERTIARY}` },
    };
    const anchors = asBundle(
      await asRegulator.search({ resourceType: 'Provenance', searchParams: scope.Provenance }),
    );
    const provenanceId = matches(anchors)[0]?.id ?? '';
    expect(provenanceId).not.toBe('');
    examples.Provenance = {
      target: [`DocumentReference/${recordId}`, provenanceId],
      agent: [`Organization/${TERTIARY}`, provenanceId],
    };
    for (const resource of statement.rest?.[0]?.resource ?? []) {
      if (!tool.resourceCan(resource.type, 'search-type')) continue;
      for (const param of resource.searchParam ?? []) {
        const example = examples[resource.type]?.[param.name];
        expect(example, `an example for ${resource.type}?${param.name}`).toBeDefined();
        const [value, expected] = example ?? ['', ''];
        for (const postSearch of [false, true]) {
          const bundle = asBundle(
            await asRegulator.search({
              resourceType: resource.type,
              searchParams: { ...scope[resource.type], [param.name]: value },
              options: { postSearch },
            }),
          );
          const ids = matches(bundle).map((each) => each.id);
          expect(ids, `${resource.type}?${param.name}=${value}`).toContain(expected);
          expect(bundle.total).toBe(ids.length);
        }
      }
      const count = asBundle(
        await asRegulator.search({
          resourceType: resource.type,
          searchParams: { ...scope[resource.type], _summary: 'count' },
        }),
      );
      expect(count.entry).toBeUndefined();
      expect(count.total).toBeGreaterThan(0);
    }
    const trimmed = asBundle(
      await asPatient.search({
        resourceType: 'AuditEvent',
        searchParams: { _elements: 'outcome', _total: 'none' },
      }),
    );
    expect(trimmed.total).toBeUndefined();
    for (const event of matches(trimmed))
      expect(Object.keys(event).sort()).toEqual(
        // outcome, and the mandatory elements R4 says a server returns anyway.
        ['agent', 'id', 'meta', 'outcome', 'recorded', 'resourceType', 'source', 'type'],
      );
  });

  it('resolves every fullUrl of a search, and names nothing it does not serve by reference', async () => {
    for (const resourceType of ['Consent', 'AuditEvent']) {
      if (!tool.resourceCan(resourceType, 'read')) continue;
      const bundle = asBundle(
        await asPatient.search({ resourceType, searchParams: { patient: patient.patientId } }),
      );
      expect(bundle.entry?.length).toBeGreaterThan(0);
      for (const entry of bundle.entry ?? []) {
        const resolved = await asPatient.request(entry.fullUrl ?? '');
        expect(resolved).toMatchObject({ resourceType, id: entry.resource?.id });
        const references = JSON.stringify(entry.resource).match(/"reference":"[^"]+"/g) ?? [];
        for (const reference of references) {
          const type = /"reference":"([A-Za-z]+)\//.exec(reference)?.[1] ?? '';
          expect(tool.resourceCan(type, 'read'), reference).toBe(true);
        }
      }
    }
  });

  it('refuses what it does not serve as OperationOutcome: 404, 405, 406, 415, 400, 401', async () => {
    const unknownType = await refusal(() =>
      asPatient.read({ resourceType: 'Patient', id: patient.patientId }),
    );
    expect([unknownType.status, codeOf(unknownType)]).toEqual([404, 'not-supported']);
    const tries: Record<(typeof TYPE_INTERACTIONS)[number], (type: string) => Promise<unknown>> = {
      read: (type) => asPatient.read({ resourceType: type, id: 'x-1' }),
      vread: (type) => asPatient.vread({ resourceType: type, id: 'x-1', version: '1' }),
      update: (type) =>
        asPatient.update({
          resourceType: type,
          id: 'x-1',
          body: { resourceType: type, id: 'x-1' },
        }),
      patch: (type) => asPatient.patch({ resourceType: type, id: 'x-1', jsonPatch: [] }),
      delete: (type) => asPatient.delete({ resourceType: type, id: 'x-1' }),
      'history-instance': (type) => asPatient.history({ resourceType: type, id: 'x-1' }),
      'history-type': (type) => asPatient.history({ resourceType: type }),
      create: (type) => asPatient.create({ resourceType: type, body: { resourceType: type } }),
      'search-type': (type) => asPatient.search({ resourceType: type }),
    };
    for (const resource of statement.rest?.[0]?.resource ?? [])
      for (const interaction of TYPE_INTERACTIONS) {
        if (tool.resourceCan(resource.type, interaction)) continue;
        const refused = await refusal(() => tries[interaction](resource.type));
        expect(
          [refused.status, codeOf(refused)],
          `${interaction} on ${resource.type} is not advertised`,
        ).toEqual([405, 'not-supported']);
      }
    for (const path of [
      'metadata?_format=xml',
      `Consent?_format=xml&patient=${patient.patientId}`,
    ]) {
      const xml = await refusal(() => asPatient.request(path));
      expect([xml.status, codeOf(xml)], path).toEqual([406, 'not-supported']);
    }
    const xmlOnly = await refusal(() =>
      anonymous.capabilityStatement({ headers: { accept: 'application/fhir+xml' } }),
    );
    expect(xmlOnly.status).toBe(406);
    const xmlBody = await refusal(() =>
      asPatient.request('Consent', {
        method: 'POST',
        body: '<Consent xmlns="http://hl7.org/fhir"/>',
        options: { headers: { 'content-type': 'application/fhir+xml' } },
      }),
    );
    expect([xmlBody.status, codeOf(xmlBody)]).toEqual([415, 'not-supported']);
    const unknownParam = await refusal(() =>
      asPatient.search({ resourceType: 'Consent', searchParams: { subject: patient.patientId } }),
    );
    expect([unknownParam.status, codeOf(unknownParam)]).toEqual([400, 'not-supported']);
    const strict = await refusal(() =>
      asPatient.search({
        resourceType: 'AuditEvent',
        searchParams: { subject: patient.patientId },
        options: { headers: { prefer: 'handling=strict' } },
      }),
    );
    expect([strict.status, codeOf(strict)]).toEqual([400, 'not-supported']);
    const lenient = asBundle(
      await asPatient.search({
        resourceType: 'Consent',
        searchParams: { subject: patient.patientId, patient: patient.patientId },
        options: { headers: { prefer: 'handling=lenient' } },
      }),
    );
    expect(link(lenient, 'self')).not.toMatch(/subject/);
    expect(lenient.entry?.at(-1)).toMatchObject({ search: { mode: 'outcome' } });
    const badDate = await refusal(() =>
      asPatient.search({ resourceType: 'AuditEvent', searchParams: { date: 'yesterday' } }),
    );
    expect([badDate.status, codeOf(badDate)]).toEqual([400, 'value']);
    const missing = await refusal(() =>
      asPatient.read({ resourceType: 'Consent', id: 'con-000000000000000000000000' }),
    );
    expect([missing.status, codeOf(missing)]).toEqual([404, 'not-found']);
    const unauthenticated = await refusal(() =>
      anonymous.search({ resourceType: 'Consent', searchParams: { patient: patient.patientId } }),
    );
    expect([unauthenticated.status, codeOf(unauthenticated)]).toEqual([401, 'login']);
  });

  it('pages every search to the end through next links, newest first with an exact total', async () => {
    const first = asBundle(
      await asRegulator.search({
        resourceType: 'AuditEvent',
        searchParams: { patient: `Patient/${patient.patientId}`, _count: 1 },
      }),
    );
    expect(first.total).toBe(eventIds.length);
    expect(link(first, 'self')).toMatch(/_count=1/);
    const seen: fhir4.AuditEvent[] = [];
    let page: fhir4.Bundle | undefined = first;
    while (page !== undefined) {
      seen.push(...(matches(page) as fhir4.AuditEvent[]));
      expect(page.total).toBe(eventIds.length);
      const next = asRegulator.nextPage({
        bundle: page as unknown as Parameters<Client['nextPage']>[0]['bundle'],
      });
      page = next === undefined ? undefined : asBundle(await next);
      expect(seen.length).toBeLessThanOrEqual(eventIds.length);
    }
    expect(seen.map((event) => event.id)).toEqual([...eventIds].reverse());
    const oldestFirst = asBundle(
      await asRegulator.search({
        resourceType: 'AuditEvent',
        searchParams: { patient: patient.patientId, _sort: 'date', _count: 1000 },
      }),
    );
    expect(matches(oldestFirst).map((event) => event.id)).toEqual(eventIds);
    expect(link(oldestFirst, 'self')).toMatch(/_count=100(&|$)/);
    expect(link(oldestFirst, 'next')).toBeUndefined();
  });
});
