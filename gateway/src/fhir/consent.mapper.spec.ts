import {
  CATEGORIES,
  PURPOSES,
  ROLES,
  SENSITIVITY_LABELS,
  type Purpose,
} from '@consent-ledger/ledger-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as fhir4 from './fhir-r4.types.js';
import {
  consentPatientId,
  consentPerformer,
  fromFhirConsent,
  ledgerConsentStatus,
  signedActionOf,
  toFhirConsent,
} from './consent.mapper.js';
import { FhirArgumentError } from './fhir.errors.js';
import { validateResource } from './fhir-schema.validator.js';
import { EXTENSION, NAMING_SYSTEM, PROJECT_SYSTEM, logicalReference } from './fhir-terminology.js';
import type {
  ConsentTerms as ConsentInput,
  ConsentView as Consent,
  ExceptionTerms as ConsentException,
  GranteeTerms as Grantee,
} from './ledger-views.js';

const PATIENT = 'pid-abcdefghijklmnop';
const NOW = '2026-11-22T03:27:06.155Z';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const CATEGORY = PROJECT_SYSTEM.dataCategory;

/** What the ledger would store for `input` granted by PATIENT at `now`. */
function grant(input: ConsentInput, now = NOW): Consent {
  return {
    consentId: 'con-0123456789abcdef01234567',
    patientId: PATIENT,
    provision: input.provision ?? 'permit',
    ...(input.grantee === undefined ? {} : { grantee: input.grantee }),
    purposes: input.purposes ?? [],
    categories: input.categories ?? [],
    ...(input.sensitive === undefined ? {} : { sensitive: input.sensitive }),
    validFrom: input.validFrom ?? now,
    ...(input.validUntil === undefined ? {} : { validUntil: input.validUntil }),
    ...(input.dataFrom === undefined ? {} : { dataFrom: input.dataFrom }),
    ...(input.dataUntil === undefined ? {} : { dataUntil: input.dataUntil }),
    exceptions: input.exceptions ?? [],
    ...(input.notice === undefined ? {} : { notice: input.notice }),
    status: 'active',
    version: 1,
    createdAt: now,
    updatedAt: now,
    txId: 'a'.repeat(64),
  };
}

const permit: Consent = grant({
  provision: 'permit',
  grantee: { org: 'TertiaryHospitalMSP', role: 'clinician', practitionerId: 'prac-doc00001' },
  purposes: ['referral', 'treatment'],
  categories: ['laboratory', 'outpatient'],
  validFrom: '2026-11-22T00:00:00.000Z',
  validUntil: '2027-11-22T00:00:00.000Z',
  dataFrom: '2020-01-01T00:00:00.000Z',
  dataUntil: '2026-12-31T00:00:00.000Z',
  exceptions: [
    { purposes: ['research'], categories: ['genomic'] },
    { grantee: { org: 'ResearchMSP' }, dataFrom: '2025-01-01T00:00:00.000Z' },
  ],
});

/** A minimal, valid FHIR Consent as a client would POST it. */
function fhirConsent(provision: fhir4.ConsentProvision): fhir4.Consent {
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
      ],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: logicalReference('Patient', PATIENT),
    provision,
  };
}

const orgActor = (org: string): fhir4.ConsentProvisionActor => ({
  role: {
    coding: [
      { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' },
    ],
  },
  reference: logicalReference('Organization', org),
});

function expectValid(resource: unknown): void {
  const result = validateResource(resource);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
}

describe('toFhirConsent', () => {
  it('maps every element of a permit with exceptions, and the result is valid FHIR R4', () => {
    const resource = toFhirConsent(permit, { now: NOW });
    expectValid(resource);
    expect(resource).toMatchObject({
      resourceType: 'Consent',
      id: 'con-0123456789abcdef01234567',
      meta: { versionId: '1', lastUpdated: NOW },
      identifier: [{ system: NAMING_SYSTEM.consentId, value: 'con-0123456789abcdef01234567' }],
      status: 'active',
      scope: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
        ],
      },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: logicalReference('Patient', PATIENT),
      performer: [logicalReference('Patient', PATIENT)],
      dateTime: NOW,
      policyRule: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
      },
    });
    expect(resource.provision).toEqual({
      type: 'permit',
      period: { start: '2026-11-22T00:00:00.000Z', end: '2027-11-22T00:00:00.000Z' },
      actor: [
        {
          role: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'IRCP',
                display: 'information recipient',
              },
              { system: PROJECT_SYSTEM.role, code: 'clinician' },
            ],
          },
          reference: logicalReference('Organization', 'TertiaryHospitalMSP'),
        },
        {
          role: expect.objectContaining({}) as fhir4.CodeableConcept,
          reference: logicalReference('Practitioner', 'prac-doc00001'),
        },
      ],
      purpose: [
        { system: ACT_REASON, code: 'COC', display: 'coordination of care' },
        { system: ACT_REASON, code: 'TREAT', display: 'treatment' },
      ],
      class: [
        { system: CATEGORY, code: 'laboratory', display: 'Laboratory results' },
        { system: CATEGORY, code: 'outpatient', display: 'Outpatient records' },
      ],
      dataPeriod: { start: '2020-01-01T00:00:00.000Z', end: '2026-12-31T00:00:00.000Z' },
      provision: [
        {
          type: 'deny',
          purpose: [{ system: ACT_REASON, code: 'HRESCH', display: 'healthcare research' }],
          class: [{ system: CATEGORY, code: 'genomic', display: 'Genomic data' }],
        },
        {
          type: 'deny',
          actor: [{ ...orgActor('ResearchMSP'), role: expect.anything() as fhir4.CodeableConcept }],
          dataPeriod: { start: '2025-01-01T00:00:00.000Z' },
        },
      ],
    });
    expect(resource.extension).toContainEqual({ url: EXTENSION.txId, valueString: 'a'.repeat(64) });
  });

  it('maps each purpose to v3-ActReason', () => {
    const purposes: readonly Purpose[] = [
      'treatment',
      'referral',
      'emergency',
      'research',
      'public-health',
      'insurance',
    ];
    expect([...purposes].sort()).toEqual(PURPOSES);
    const codes = purposes.map(
      (purpose) =>
        toFhirConsent(grant({ ...permitInput(), purposes: [purpose] }), { now: NOW }).provision
          ?.purpose?.[0]?.code,
    );
    expect(codes).toEqual(['TREAT', 'COC', 'ETREAT', 'HRESCH', 'PUBHLTH', 'HPAYMT']);
  });

  it('carries sensitivity labels as provision.securityLabel (v3-ActCode) both ways, in permits and exceptions', () => {
    const input: ConsentInput = {
      ...permitInput(),
      sensitive: ['HIV', 'PSY'],
      exceptions: [{ categories: ['laboratory'], sensitive: ['STD'] }],
    };
    const resource = toFhirConsent(grant(input), { now: NOW });
    const actCode = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
    expect(resource.provision?.securityLabel).toEqual([
      { system: actCode, code: 'HIV', display: 'HIV/AIDS information sensitivity' },
      {
        system: actCode,
        code: 'PSY',
        display: 'psychiatry disorder information sensitivity',
      },
    ]);
    expect(resource.provision?.provision?.[0]?.securityLabel?.map((label) => label.code)).toEqual([
      'STD',
    ]);
    expectValid(resource);
    const back = fromFhirConsent(resource);
    expect(back.sensitive).toEqual(['HIV', 'PSY']);
    expect(back.exceptions?.[0]?.sensitive).toEqual(['STD']);
  });

  it('carries the notice as Consent.policy (the notice URI and its SHA-256) both ways', () => {
    const notice = {
      org: 'EnterpriseMSP',
      noticeId: 'consent-sharing',
      version: 3,
      sha256: 'ab'.repeat(32),
    };
    const resource = toFhirConsent(grant({ ...permitInput(), notice }), { now: NOW });
    expect(resource.policy).toEqual([
      {
        extension: [{ url: EXTENSION.sha256, valueString: 'ab'.repeat(32) }],
        authority: 'https://consent-ledger.example/fhir/notices/EnterpriseMSP',
        uri: 'https://consent-ledger.example/fhir/notices/EnterpriseMSP/consent-sharing/3',
      },
    ]);
    expectValid(resource);
    expect(fromFhirConsent(resource).notice).toEqual(notice);
    expect(toFhirConsent(grant(permitInput()), { now: NOW })).not.toHaveProperty('policy');
    const policy = resource.policy?.[0] ?? {};
    const refusal = (policies: fhir4.ConsentPolicy[]) => {
      try {
        fromFhirConsent({ ...resource, policy: policies });
      } catch (error) {
        return (error as FhirArgumentError).expression;
      }
      return undefined;
    };
    expect(refusal([{ ...policy, extension: [] }])).toEqual(['Consent.policy[0].extension']);
    expect(
      refusal([
        { ...policy, extension: [{ url: EXTENSION.sha256, valueString: 'AB'.repeat(32) }] },
      ]),
    ).toEqual(['Consent.policy[0].extension']);
    expect(refusal([{ ...policy, authority: 'https://example.org' }])).toEqual([
      'Consent.policy[0].authority',
    ]);
    expect(refusal([policy, policy])).toEqual(['Consent.policy']);
    expect(refusal([{ ...policy, uri: `${policy.uri ?? ''}/extra` }])).toEqual(['Consent.policy']);
  });

  it('carries a member institution as an Organization actor in the institution-id system, both ways', () => {
    const input: ConsentInput = {
      ...permitInput(),
      grantee: { org: 'EnterpriseMSP', role: 'analyst', institution: 'inst-insurer01' },
      exceptions: [{ grantee: { org: 'EnterpriseMSP', institution: 'inst-insurer02' } }],
    };
    const resource = toFhirConsent(grant(input), { now: NOW });
    expect(resource.provision?.actor?.map((actor) => actor.reference)).toEqual([
      logicalReference('Organization', 'EnterpriseMSP'),
      {
        type: 'Organization',
        identifier: { system: NAMING_SYSTEM.institutionId, value: 'inst-insurer01' },
      },
    ]);
    expectValid(resource);
    const back = fromFhirConsent(resource);
    expect(back.grantee).toEqual(input.grantee);
    expect(back.exceptions?.[0]?.grantee).toEqual({
      org: 'EnterpriseMSP',
      institution: 'inst-insurer02',
    });
    const institutionActor = (value: string): fhir4.ConsentProvisionActor => ({
      role: orgActor('EnterpriseMSP').role,
      reference: {
        type: 'Organization',
        identifier: { system: NAMING_SYSTEM.institutionId, value },
      },
    });
    for (const [actor, message] of [
      [[institutionActor('inst-insurer01')], /without its organization/],
      [
        [orgActor('EnterpriseMSP'), institutionActor('Acme Insurance')],
        /must be an institution ID/,
      ],
      [
        [
          orgActor('EnterpriseMSP'),
          institutionActor('inst-insurer01'),
          institutionActor('inst-insurer02'),
        ],
        /second institution/,
      ],
    ] as const) {
      expect(() =>
        fromFhirConsent(
          fhirConsent({
            type: 'permit',
            actor: [...actor],
            purpose: [{ system: ACT_REASON, code: 'TREAT' }],
            class: [{ system: CATEGORY, code: 'outpatient' }],
          }),
        ),
      ).toThrow(message);
    }
  });

  it('reports revoked and expired consents as inactive, keeping the ledger status', () => {
    const revoked = toFhirConsent(
      { ...permit, status: 'revoked', revokedAt: '2026-12-01T00:00:00.000Z', version: 2 },
      { now: NOW },
    );
    expectValid(revoked);
    expect(revoked.status).toBe('inactive');
    expect(revoked.meta?.versionId).toBe('2');
    expect(revoked.extension).toContainEqual({
      url: EXTENSION.consentStatus,
      valueCoding: { system: PROJECT_SYSTEM.consentStatus, code: 'revoked' },
    });
    expect(revoked.extension).toContainEqual({
      url: EXTENSION.revokedAt,
      valueDateTime: '2026-12-01T00:00:00.000Z',
    });

    // Stored active, but read after validUntil: expired.
    const later = '2027-11-22T00:00:00.000Z';
    expect(ledgerConsentStatus(permit, later)).toBe('expired');
    const expired = toFhirConsent(permit, { now: later });
    expect(expired.status).toBe('inactive');
    expect(expired.extension?.[0]?.valueCoding?.code).toBe('expired');
    expect(toFhirConsent({ ...permit, status: 'expired' }, { now: NOW }).status).toBe('inactive');
    expect(ledgerConsentStatus(permit, '2027-11-21T23:59:59.999Z')).toBe('active');
  });

  it('maps a deny for everyone (no grantee, all purposes and categories)', () => {
    const deny = toFhirConsent(grant({ provision: 'deny' }), { now: NOW });
    expectValid(deny);
    expect(deny.provision).toEqual({ type: 'deny', period: { start: NOW } });
  });

  it('maps a role-only grantee to a Group actor identified by the role', () => {
    const deny = toFhirConsent(grant({ provision: 'deny', grantee: { role: 'researcher' } }), {
      now: NOW,
    });
    expectValid(deny);
    expect(deny.provision?.actor?.[0]?.reference).toEqual({
      type: 'Group',
      identifier: { system: NAMING_SYSTEM.roleGroup, value: 'researcher' },
    });
  });

  it('is deterministic', () => {
    expect(JSON.stringify(toFhirConsent(permit, { now: NOW }))).toBe(
      JSON.stringify(toFhirConsent(permit, { now: NOW })),
    );
  });

  it('names who signed as performer: the patient, or the guardian as a RelatedPerson', () => {
    expect(
      toFhirConsent({ ...permit, signedBy: { kind: 'patient', id: PATIENT } }, { now: NOW })
        .performer,
    ).toEqual([logicalReference('Patient', PATIENT)]);
    const byGuardian = toFhirConsent(
      { ...permit, signedBy: { kind: 'guardian', id: 'rp-aaaaaaaaaaaaaaaa' } },
      { now: NOW },
    );
    expect(byGuardian.performer).toEqual([
      logicalReference('RelatedPerson', 'rp-aaaaaaaaaaaaaaaa'),
    ]);
    expectValid(byGuardian);
  });

  it('names patients, organizations, practitioners and guardians by identifier only (no resource to resolve)', () => {
    const resource = toFhirConsent(permit, { now: NOW });
    for (const reference of [
      resource.patient,
      ...(resource.performer ?? []),
      ...(resource.provision?.actor ?? []).map((actor) => actor.reference),
    ]) {
      expect(reference?.reference).toBeUndefined();
      expect(reference?.identifier?.system).toMatch(/\/NamingSystem\//);
    }
  });
});

describe('the signature a new FHIR Consent carries', () => {
  const signed = {
    ...fhirConsent({ type: 'permit' }),
    extension: [
      {
        url: EXTENSION.signedAction,
        extension: [
          { url: 'statement', valueString: '{"action":"consent:GrantConsent"}' },
          { url: 'signature', valueString: 'sig' },
        ],
      },
    ],
  };

  it('reads the signed statement from the signed-action extension, a valid extension', () => {
    expectValid(signed);
    expect(signedActionOf(signed)).toEqual({
      statement: '{"action":"consent:GrantConsent"}',
      signature: 'sig',
    });
    expect(() => signedActionOf(fhirConsent({ type: 'permit' }))).toThrow(FhirArgumentError);
  });

  it('reads the performer as the patient or a guardian, and refuses anyone else or two', () => {
    expect(consentPerformer(fhirConsent({ type: 'permit' }))).toBeUndefined();
    expect(
      consentPerformer({ ...signed, performer: [logicalReference('Patient', PATIENT)] }),
    ).toEqual({ kind: 'patient', id: PATIENT });
    expect(consentPatientId({ ...signed, patient: { reference: `Patient/${PATIENT}` } })).toBe(
      PATIENT,
    );
    expect(
      consentPerformer({ ...signed, performer: [{ reference: `Patient/${PATIENT}` }] }),
    ).toEqual({ kind: 'patient', id: PATIENT });
    expect(
      consentPerformer({
        ...signed,
        performer: [{ reference: 'RelatedPerson/rp-aaaaaaaaaaaaaaaa' }],
      }),
    ).toEqual({ kind: 'guardian', id: 'rp-aaaaaaaaaaaaaaaa' });
    for (const performer of [
      [{ reference: 'Patient/pid-someoneelseaaaaaa' }],
      [{ reference: 'RelatedPerson/not-a-guardian' }],
      [{ reference: `Patient/${PATIENT}` }, { reference: 'RelatedPerson/rp-aaaaaaaaaaaaaaaa' }],
    ])
      expect(() => consentPerformer({ ...signed, performer })).toThrow(FhirArgumentError);
  });
});

function permitInput(): ConsentInput {
  return {
    provision: 'permit',
    grantee: { org: 'TertiaryHospitalMSP' },
    purposes: ['treatment'],
    categories: ['outpatient'],
  };
}

describe('fromFhirConsent', () => {
  it('reads a client consent into ConsentInput, normalizing dates and lists', () => {
    const resource = fhirConsent({
      type: 'permit',
      period: { start: '2026-11-22', end: '2027-11-22' },
      actor: [
        {
          role: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'IRCP',
              },
              { system: PROJECT_SYSTEM.role, code: 'clinician' },
            ],
          },
          reference: { reference: 'Organization/CommunityHospitalMSP' },
        },
      ],
      action: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' },
          ],
        },
      ],
      purpose: [
        { system: ACT_REASON, code: 'TREAT' },
        { system: ACT_REASON, code: 'COC' },
        { system: ACT_REASON, code: 'TREAT' },
      ],
      class: [
        { system: CATEGORY, code: 'outpatient' },
        { system: CATEGORY, code: 'laboratory' },
      ],
      dataPeriod: { start: '2020', end: '2026-11-22T08:00:00+08:00' },
      provision: [{ type: 'deny', class: [{ system: CATEGORY, code: 'genomic' }] }],
    });
    expectValid(resource);
    expect(fromFhirConsent(resource)).toEqual({
      provision: 'permit',
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['referral', 'treatment'],
      categories: ['laboratory', 'outpatient'],
      validFrom: '2026-11-22T00:00:00.000Z',
      validUntil: '2027-11-23T00:00:00.000Z',
      dataFrom: '2020-01-01T00:00:00.000Z',
      dataUntil: '2026-11-22T00:00:00.000Z',
      exceptions: [{ categories: ['genomic'] }],
    });
    expect(consentPatientId(resource)).toBe(PATIENT);
  });

  it('defaults the provision type to permit and leaves validFrom to the ledger', () => {
    const { type: _type, ...untyped } = toFhirConsent(grant(permitInput()), {
      now: NOW,
    }).provision!;
    const { period: _period, ...input } = untyped;
    expect(fromFhirConsent(fhirConsent(input))).toEqual({ provision: 'permit', ...permitInput() });
  });

  it('ignores server-assigned elements, narrative and extensions', () => {
    const resource: fhir4.Consent = {
      ...fhirConsent(toFhirConsent(grant(permitInput()), { now: NOW }).provision ?? {}),
      id: 'client-chosen',
      meta: { versionId: '7' },
      identifier: [{ system: 'urn:x', value: '1' }],
      dateTime: '2020-01-01',
      extension: [{ url: 'urn:x', valueString: 'y' }],
    };
    expect(fromFhirConsent(resource)).toEqual({
      ...permitInput(),
      validFrom: NOW,
    });
  });

  const refusals: [string, fhir4.Consent, string][] = [
    ['status', { ...fhirConsent(base()), status: 'draft' }, 'Consent.status'],
    [
      'scope',
      { ...fhirConsent(base()), scope: { coding: [{ system: 'x', code: 'adr' }] } },
      'Consent.scope',
    ],
    [
      'category',
      { ...fhirConsent(base()), category: [{ coding: [{ system: 'x', code: 'y' }] }] },
      'Consent.category',
    ],
    ['no patient', omit(fhirConsent(base()), 'patient'), 'Consent.patient'],
    [
      'non-pseudonym patient',
      { ...fhirConsent(base()), patient: { reference: 'Patient/123' } },
      'Consent.patient',
    ],
    [
      'another performer',
      { ...fhirConsent(base()), performer: [{ reference: 'Practitioner/prac-doc00001' }] },
      'Consent.performer[0]',
    ],
    [
      'opt-out policy',
      {
        ...fhirConsent(base()),
        policyRule: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }],
        },
      },
      'Consent.policyRule',
    ],
    [
      'policy',
      { ...fhirConsent(base()), policy: [{ uri: 'https://example.org/policy' }] },
      'Consent.policy',
    ],
    [
      'organization',
      { ...fhirConsent(base()), organization: [{ reference: 'Organization/GovMSP' }] },
      'Consent.organization',
    ],
    [
      'modifierExtension',
      { ...fhirConsent(base()), modifierExtension: [{ url: 'urn:x', valueBoolean: true }] },
      'Consent.modifierExtension',
    ],
    ['no provision', omit(fhirConsent(base()), 'provision'), 'Consent.provision'],
    ['provision.code', fhirConsent({ ...base(), code: [{ text: 'x' }] }), 'Consent.provision.code'],
    [
      // A security label outside the ledger's sensitivity labels (R is a confidentiality code).
      'an unknown provision.securityLabel',
      fhirConsent({ ...base(), securityLabel: [{ code: 'R' }] }),
      'Consent.provision.securityLabel[0]',
    ],
    [
      'a sensitivity code of another system',
      fhirConsent({ ...base(), securityLabel: [{ system: 'urn:x', code: 'PSY' }] }),
      'Consent.provision.securityLabel[0]',
    ],
    [
      'provision.data',
      fhirConsent({
        ...base(),
        data: [{ meaning: 'instance', reference: { reference: 'DocumentReference/1' } }],
      }),
      'Consent.provision.data',
    ],
    [
      'action collect',
      fhirConsent({
        ...base(),
        action: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'collect' },
            ],
          },
        ],
      }),
      'Consent.provision.action[0]',
    ],
    ['permit without org', fhirConsent({ ...base(), actor: [] }), 'Consent.provision.actor'],
    ['permit without purpose', fhirConsent(omit(base(), 'purpose')), 'Consent.provision.purpose'],
    ['permit without class', fhirConsent(omit(base(), 'class')), 'Consent.provision.class'],
    [
      'two organizations',
      fhirConsent({ ...base(), actor: [orgActor('GovMSP'), orgActor('ResearchMSP')] }),
      'Consent.provision.actor[1]',
    ],
    [
      'a patient actor',
      fhirConsent({
        ...base(),
        actor: [
          orgActor('GovMSP'),
          { ...orgActor('x'), reference: { reference: `Patient/${PATIENT}` } },
        ],
      }),
      'Consent.provision.actor[1].reference',
    ],
    [
      'a bad practitioner id',
      fhirConsent({
        ...base(),
        actor: [
          orgActor('GovMSP'),
          { ...orgActor('x'), reference: { reference: 'Practitioner/bob' } },
        ],
      }),
      'Consent.provision.actor[1].reference',
    ],
    [
      'an unknown actor role',
      fhirConsent({
        ...base(),
        actor: [{ ...orgActor('GovMSP'), role: { coding: [{ system: 'urn:x', code: 'boss' }] } }],
      }),
      'Consent.provision.actor[0].role.coding[0]',
    ],
    [
      'an unknown ledger role',
      fhirConsent({
        ...base(),
        actor: [
          {
            ...orgActor('GovMSP'),
            role: { coding: [{ system: PROJECT_SYSTEM.role, code: 'boss' }] },
          },
        ],
      }),
      'Consent.provision.actor[0].role.coding[0]',
    ],
    [
      'two roles',
      fhirConsent({
        ...base(),
        actor: [
          {
            ...orgActor('GovMSP'),
            role: {
              coding: [
                { system: PROJECT_SYSTEM.role, code: 'admin' },
                { system: PROJECT_SYSTEM.role, code: 'analyst' },
              ],
            },
          },
        ],
      }),
      'Consent.provision.actor',
    ],
    [
      'an unknown purpose',
      fhirConsent({ ...base(), purpose: [{ system: ACT_REASON, code: 'HMARKT' }] }),
      'Consent.provision.purpose[0]',
    ],
    [
      'an unknown category',
      fhirConsent({
        ...base(),
        class: [{ system: 'http://hl7.org/fhir/resource-types', code: 'Observation' }],
      }),
      'Consent.provision.class[0]',
    ],
    [
      'a bad date',
      fhirConsent({ ...base(), period: { start: '2026-02-30' } }),
      'Consent.provision.period.start',
    ],
    [
      'an inverted period',
      fhirConsent({ ...base(), period: { start: '2027-01-01', end: '2026-01-01' } }),
      'Consent.provision.period.end',
    ],
    [
      'an inverted data period',
      fhirConsent({
        ...base(),
        dataPeriod: { start: '2027-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' },
      }),
      'Consent.provision.dataPeriod.end',
    ],
    [
      'a permit exception',
      fhirConsent({ ...base(), provision: [{ type: 'permit' }] }),
      'Consent.provision.provision[0].type',
    ],
    [
      'an untyped exception',
      fhirConsent({ ...base(), provision: [{ class: [{ system: CATEGORY, code: 'genomic' }] }] }),
      'Consent.provision.provision[0].type',
    ],
    [
      'an exception period',
      fhirConsent({ ...base(), provision: [{ type: 'deny', period: { start: '2026-01-01' } }] }),
      'Consent.provision.provision[0].period',
    ],
    [
      'nested exceptions',
      fhirConsent({ ...base(), provision: [{ type: 'deny', provision: [{ type: 'permit' }] }] }),
      'Consent.provision.provision[0].provision',
    ],
    [
      'exceptions of a deny',
      fhirConsent({ type: 'deny', provision: [{ type: 'deny' }] }),
      'Consent.provision.provision',
    ],
  ];

  it.each(refusals)(
    'refuses %s with INVALID_ARGUMENT naming the element',
    (_name, resource, element) => {
      let caught: unknown;
      try {
        fromFhirConsent(resource);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(FhirArgumentError);
      const error = caught as FhirArgumentError;
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.getStatus()).toBe(400);
      expect(error.expression).toEqual([element]);
      expect(error.message.startsWith(`${element} `)).toBe(true);
    },
  );
});

function base(): fhir4.ConsentProvision {
  return {
    type: 'permit',
    actor: [orgActor('TertiaryHospitalMSP')],
    purpose: [{ system: ACT_REASON, code: 'TREAT' }],
    class: [{ system: CATEGORY, code: 'outpatient' }],
  };
}

/** A copy without one element (to build resources that lack a required part). */
function omit<T extends object>(value: T, key: keyof T): T {
  return Object.fromEntries(Object.entries(value).filter(([name]) => name !== key)) as T;
}

// ---------------------------------------------------------------------------------------------
// Round trips

const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) })
  .map((millis) => new Date(millis).toISOString());
const interval = fc
  .tuple(instant, instant, fc.boolean(), fc.boolean())
  .filter(([a, b]) => a !== b)
  .map(([a, b, keepStart, keepEnd]) => {
    const [start, end] = a < b ? [a, b] : [b, a];
    return { start: keepStart ? start : undefined, end: keepEnd ? end : undefined };
  });
const subset = <T extends string>(values: readonly T[]) =>
  fc.subarray([...values], { minLength: 1 }).map((list) => [...list].sort());
const orgs = fc.constantFrom('GovMSP', 'TertiaryHospitalMSP', 'ResearchMSP');
const practitioner = fc.stringMatching(/^prac-[a-z0-9]{8,12}$/);
const role = fc.constantFrom(...ROLES);
const grantee = (withOrg: boolean): fc.Arbitrary<Grantee> =>
  fc
    .record({
      org: withOrg ? orgs : fc.option(orgs, { nil: undefined }),
      role: fc.option(role, { nil: undefined }),
      practitionerId: fc.option(practitioner, { nil: undefined }),
    })
    .map((value) => compact(value));
const exception: fc.Arbitrary<ConsentException> = fc
  .record({
    grantee: fc.option(grantee(false), { nil: undefined }),
    purposes: fc.option(subset(PURPOSES), { nil: undefined }),
    categories: fc.option(subset(CATEGORIES), { nil: undefined }),
    sensitive: fc.option(subset(SENSITIVITY_LABELS), { nil: undefined }),
    data: interval,
  })
  .map(({ data, ...rest }) =>
    compact({
      ...rest,
      grantee:
        rest.grantee === undefined || Object.keys(rest.grantee).length === 0
          ? undefined
          : rest.grantee,
      dataFrom: data.start,
      dataUntil: data.end,
    }),
  );
const consentInput: fc.Arbitrary<ConsentInput> = fc
  .oneof(
    fc.record({
      provision: fc.constant('permit' as const),
      grantee: grantee(true),
      purposes: subset(PURPOSES),
      categories: subset(CATEGORIES),
      sensitive: fc.option(subset(SENSITIVITY_LABELS), { nil: undefined }),
      valid: interval,
      data: interval,
      exceptions: fc.array(exception, { maxLength: 3 }),
      notice: fc.option(
        fc.record({
          org: orgs,
          noticeId: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
          version: fc.integer({ min: 1, max: 999_999 }),
          sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
        }),
        { nil: undefined },
      ),
    }),
    fc.record({
      provision: fc.constant('deny' as const),
      grantee: fc.option(grantee(false), { nil: undefined }),
      purposes: fc.option(subset(PURPOSES), { nil: undefined }),
      categories: fc.option(subset(CATEGORIES), { nil: undefined }),
      sensitive: fc.option(subset(SENSITIVITY_LABELS), { nil: undefined }),
      valid: interval,
      data: interval,
      exceptions: fc.constant([]),
    }),
  )
  .map(({ valid, data, exceptions, ...rest }) =>
    compact({
      ...rest,
      grantee:
        rest.grantee === undefined || Object.keys(rest.grantee).length === 0
          ? undefined
          : rest.grantee,
      validFrom: valid.start,
      validUntil: valid.end,
      dataFrom: data.start,
      dataUntil: data.end,
      exceptions: exceptions.length === 0 ? undefined : exceptions,
    }),
  );

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, each]) => each !== undefined)) as T;
}

describe('round trips', () => {
  it('fromFhir(toFhir(consent)) gives back the consent input, through valid FHIR', () => {
    fc.assert(
      fc.property(consentInput, (input) => {
        const validFrom = input.validFrom ?? NOW;
        fc.pre(input.validUntil === undefined || validFrom < input.validUntil);
        // Read while valid: an expired consent reads inactive and is not a new consent.
        const resource = toFhirConsent(grant(input), { now: validFrom });
        expect(validateResource(resource).errors).toEqual([]);
        expect(fromFhirConsent(resource)).toEqual({ ...input, validFrom: input.validFrom ?? NOW });
      }),
      { numRuns: 300 },
    );
  });

  it('toFhir(fromFhir(x)) preserves the meaning of a client consent', () => {
    const clientConsents: fhir4.Consent[] = [
      fhirConsent({
        period: { start: '2026-11-22', end: '2027' },
        actor: [
          orgActor('TertiaryHospitalMSP'),
          { ...orgActor('x'), reference: logicalReference('Practitioner', 'prac-doc00001') },
        ],
        purpose: [
          { system: ACT_REASON, code: 'TREAT' },
          { system: ACT_REASON, code: 'ETREAT' },
        ],
        class: [
          { system: CATEGORY, code: 'imaging' },
          { system: CATEGORY, code: 'imaging' },
        ],
        dataPeriod: { end: '2026-06' },
        provision: [
          {
            type: 'deny',
            actor: [orgActor('ResearchMSP')],
            purpose: [{ system: ACT_REASON, code: 'HRESCH' }],
          },
        ],
      }),
      fhirConsent({
        type: 'deny',
        actor: [
          {
            role: { coding: [{ system: PROJECT_SYSTEM.role, code: 'analyst' }] },
            reference: {
              type: 'Group',
              identifier: { system: NAMING_SYSTEM.roleGroup, value: 'analyst' },
            },
          },
        ],
        class: [{ system: CATEGORY, code: 'genomic' }],
      }),
    ];
    for (const resource of clientConsents) {
      expectValid(resource);
      const input = fromFhirConsent(resource);
      const again = toFhirConsent(grant(input), { now: NOW });
      expectValid(again);
      expect(fromFhirConsent(again)).toEqual({ ...input, validFrom: input.validFrom ?? NOW });
      expect(again.status).toBe(resource.status);
      expect(again.patient).toEqual(resource.patient);
      expect(again.provision?.type ?? 'permit').toBe(resource.provision?.type ?? 'permit');
      const codes = (codings: fhir4.Coding[] | undefined) =>
        [
          ...new Set(
            (codings ?? []).map((coding) => `${coding.system ?? ''}|${coding.code ?? ''}`),
          ),
        ].sort();
      expect(codes(again.provision?.purpose)).toEqual(codes(resource.provision?.purpose));
      expect(codes(again.provision?.class)).toEqual(codes(resource.provision?.class));
      const references = (provision: fhir4.ConsentProvision | undefined) =>
        (provision?.actor ?? []).map((actor) => actor.reference);
      expect(references(again.provision)).toEqual(references(resource.provision));
      expect(references(again.provision?.provision?.[0])).toEqual(
        references(resource.provision?.provision?.[0]),
      );
    }
  });
});
