import { describe, expect, it } from 'vitest';
import { auditOutcome, decisionOfOutcome, toAuditEvent } from './audit-event.mapper.js';
import { validateResource } from './fhir-schema.validator.js';
import { EXTENSION, NAMING_SYSTEM, PROJECT_SYSTEM, logicalReference } from './fhir-terminology.js';
import type { AccessEventView as AccessEvent } from './ledger-views.js';

const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

const access: AccessEvent = {
  eventId: 'evt-0123456789abcdef01234567',
  patientId: 'pid-abcdefghijklmnop',
  accessor: { org: 'TertiaryHospitalMSP', role: 'clinician', idHash: 'b'.repeat(64) },
  accessorRegion: { province: '330000', city: '330100' },
  purpose: 'treatment',
  categories: ['laboratory', 'outpatient'],
  recordIds: ['lab/2026/0001'],
  dataFrom: '2026-01-01T00:00:00.000Z',
  decision: 'permit',
  reason: 'PERMITTED_BY_CONSENT',
  consentIds: ['con-0123456789abcdef01234567'],
  breakGlass: false,
  timestamp: '2026-11-22T03:27:06.155Z',
  txId: 'c'.repeat(64),
};

const breakGlass: AccessEvent = {
  ...access,
  eventId: 'evt-111111111111111111111111',
  accessor: { ...access.accessor, practitionerId: 'prac-doc00001' },
  purpose: 'emergency',
  recordIds: [],
  consentIds: [],
  reason: 'EMERGENCY_PERMITTED',
  breakGlass: true,
  emergency: {
    reasonCode: 'UNCONSCIOUS_PATIENT',
    justificationHash: 'd'.repeat(64),
    review: {
      status: 'reviewed',
      outcome: 'justified',
      reviewedAt: '2026-11-23T00:00:00.000Z',
      reviewerIdHash: 'e'.repeat(64),
      commentHash: 'f'.repeat(64),
    },
  },
};

function expectValid(resource: unknown): void {
  expect(validateResource(resource).errors).toEqual([]);
}

describe('toAuditEvent', () => {
  it('maps an ordinary permitted access to a valid AuditEvent', () => {
    const event = toAuditEvent(access);
    expectValid(event);
    expect(event).toMatchObject({
      resourceType: 'AuditEvent',
      id: access.eventId,
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
      subtype: [{ system: PROJECT_SYSTEM.accessEventKind, code: 'access' }],
      action: 'R',
      recorded: access.timestamp,
      outcome: '0',
      outcomeDesc: 'PERMITTED_BY_CONSENT',
      purposeOfEvent: [{ coding: [{ system: ACT_REASON, code: 'TREAT' }] }],
      source: {
        observer: {
          type: 'Device',
          identifier: { system: NAMING_SYSTEM.device, value: 'consent-ledger' },
        },
      },
    });
    expect(event.agent).toEqual([
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
              code: 'IRCP',
              display: 'information recipient',
            },
          ],
        },
        role: [{ coding: [{ system: PROJECT_SYSTEM.role, code: 'clinician' }] }],
        who: logicalReference('Organization', 'TertiaryHospitalMSP'),
        altId: 'b'.repeat(64),
        requestor: true,
        extension: [
          {
            url: EXTENSION.region,
            extension: [
              { url: 'province', valueCode: '330000' },
              { url: 'city', valueCode: '330100' },
            ],
          },
        ],
      },
    ]);
    expect(event.entity?.map((entity) => entity.what)).toEqual([
      logicalReference('Patient', 'pid-abcdefghijklmnop'),
      { reference: 'Consent/con-0123456789abcdef01234567' },
      {
        type: 'DocumentReference',
        identifier: { system: NAMING_SYSTEM.recordId, value: 'lab/2026/0001' },
      },
    ]);
    expect(event.entity?.[0]?.role?.code).toBe('1');
    expect(event.extension).toEqual([
      {
        url: EXTENSION.decisionReason,
        valueCoding: { system: PROJECT_SYSTEM.decisionReason, code: 'PERMITTED_BY_CONSENT' },
      },
      { url: EXTENSION.breakGlass, valueBoolean: false },
      {
        url: EXTENSION.dataCategory,
        valueCoding: {
          system: PROJECT_SYSTEM.dataCategory,
          code: 'laboratory',
          display: 'Laboratory results',
        },
      },
      {
        url: EXTENSION.dataCategory,
        valueCoding: {
          system: PROJECT_SYSTEM.dataCategory,
          code: 'outpatient',
          display: 'Outpatient records',
        },
      },
      { url: EXTENSION.dataPeriod, valuePeriod: { start: '2026-01-01T00:00:00.000Z' } },
      { url: EXTENSION.txId, valueString: 'c'.repeat(64) },
    ]);
  });

  it('names the accessor member institution as an agent in the institution-id naming system', () => {
    const event = toAuditEvent({
      ...access,
      accessor: { ...access.accessor, institution: 'inst-insurer02' },
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
      consentIds: [],
    });
    expectValid(event);
    expect(event.agent.map((agent) => [agent.who?.identifier, agent.requestor])).toEqual([
      [logicalReference('Organization', access.accessor.org).identifier, true],
      [{ system: NAMING_SYSTEM.institutionId, value: 'inst-insurer02' }, false],
    ]);
    expect(toAuditEvent(access).agent).toHaveLength(1);
  });

  it('maps a denial to outcome 4 with the reason', () => {
    const event = toAuditEvent({
      ...access,
      decision: 'deny',
      reason: 'DENIED_BY_EXCEPTION',
      consentIds: [],
    });
    expectValid(event);
    expect(event.outcome).toBe('4');
    expect(event.outcomeDesc).toBe('DENIED_BY_EXCEPTION');
    expect(event.extension?.[0]?.valueCoding?.code).toBe('DENIED_BY_EXCEPTION');
  });

  it('labels the patient entity with the sensitivity of the data asked for, and only then', () => {
    const event = toAuditEvent({
      ...access,
      decision: 'deny',
      reason: 'SENSITIVE_NOT_CONSENTED',
      labels: ['HIV', 'PSY'],
      consentIds: [],
    });
    expectValid(event);
    expect(event.entity?.[0]?.securityLabel).toEqual([
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'HIV',
        display: 'HIV/AIDS information sensitivity',
      },
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'PSY',
        display: 'psychiatry disorder information sensitivity',
      },
    ]);
    expect(toAuditEvent(access).entity?.[0]).not.toHaveProperty('securityLabel');
  });

  it('maps break-glass: ETREAT plus BTG, the practitioner, and the emergency details', () => {
    const event = toAuditEvent(breakGlass);
    expectValid(event);
    expect(event.subtype?.[0]?.code).toBe('break-glass');
    expect(event.action).toBe('R');
    expect(event.purposeOfEvent).toEqual([
      { coding: [{ system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' }] },
      { coding: [{ system: ACT_REASON, code: 'BTG', display: 'break the glass' }] },
    ]);
    expect(event.agent.map((agent) => [agent.who, agent.altId, agent.requestor])).toEqual([
      [logicalReference('Organization', 'TertiaryHospitalMSP'), undefined, true],
      [logicalReference('Practitioner', 'prac-doc00001'), 'b'.repeat(64), true],
    ]);
    expect(event.extension).toContainEqual({ url: EXTENSION.breakGlass, valueBoolean: true });
    expect(event.extension).toContainEqual({
      url: EXTENSION.emergency,
      extension: [
        {
          url: 'reasonCode',
          valueCoding: { system: PROJECT_SYSTEM.emergencyReason, code: 'UNCONSCIOUS_PATIENT' },
        },
        { url: 'justificationHash', valueString: 'd'.repeat(64) },
        { url: 'reviewStatus', valueCode: 'reviewed' },
        { url: 'reviewOutcome', valueCode: 'justified' },
        { url: 'reviewedAt', valueDateTime: '2026-11-23T00:00:00.000Z' },
        { url: 'reviewerIdHash', valueString: 'e'.repeat(64) },
        { url: 'reviewCommentHash', valueString: 'f'.repeat(64) },
      ],
    });
  });

  it('maps a pending emergency review and a refused emergency', () => {
    const event = toAuditEvent({
      ...breakGlass,
      decision: 'deny',
      reason: 'EMERGENCY_DENIED_BY_PATIENT',
      emergency: { ...breakGlass.emergency!, review: { status: 'pending' } },
    });
    expectValid(event);
    expect(event.outcome).toBe('4');
    const emergency = event.extension?.find((extension) => extension.url === EXTENSION.emergency);
    expect(emergency?.extension?.map((part) => part.url)).toEqual([
      'reasonCode',
      'justificationHash',
      'reviewStatus',
    ]);
  });

  it('maps a cohort inclusion', () => {
    const event = toAuditEvent({
      ...access,
      purpose: 'research',
      accessor: { org: 'ResearchMSP', role: 'researcher', idHash: 'f'.repeat(64) },
      cohort: { studyId: 'study-42' },
    });
    expectValid(event);
    expect(event.subtype?.[0]?.code).toBe('cohort');
    expect(event.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('HRESCH');
    expect(event.extension).toContainEqual({
      url: EXTENSION.cohortStudy,
      valueIdentifier: { system: NAMING_SYSTEM.studyId, value: 'study-42' },
    });
  });

  it('keeps every purpose distinct', () => {
    const purposes = [
      'treatment',
      'referral',
      'emergency',
      'research',
      'public-health',
      'insurance',
    ];
    const codes = purposes.map(
      (purpose) => toAuditEvent({ ...access, purpose }).purposeOfEvent?.[0]?.coding?.[0]?.code,
    );
    expect(codes).toEqual(['TREAT', 'COC', 'ETREAT', 'HRESCH', 'PUBHLTH', 'HPAYMT']);
  });
});

describe('outcome codes', () => {
  it('maps decisions to outcomes and back', () => {
    expect(auditOutcome('permit')).toBe('0');
    expect(auditOutcome('deny')).toBe('4');
    expect(decisionOfOutcome('0')).toBe('permit');
    expect(decisionOfOutcome('4')).toBe('deny');
    expect(decisionOfOutcome('8')).toBeUndefined();
  });
});
