/**
 * Ledger AccessEvent -> FHIR R4 AuditEvent.
 *
 * | ledger                        | FHIR R4 AuditEvent                                                          |
 * | ----------------------------- | --------------------------------------------------------------------------- |
 * | eventId                       | `id`                                                                        |
 * | (every access event)          | `type` DCM#110110 Patient Record; `action` R (the event is a read of       |
 * |                               | patient data, break-glass included: break-glass is a purpose, not an action) |
 * | ordinary / break-glass/cohort | `subtype` access-event-kind#access, #break-glass, #cohort                  |
 * | timestamp                     | `recorded`                                                                  |
 * | decision permit / deny        | `outcome` 0 (success) / 4 (minor failure: the request was refused, like a  |
 * |                               | 403, nothing failed); `outcomeDesc` = the reason code                       |
 * | purpose                       | `purposeOfEvent` v3-ActReason (emergency ETREAT); break-glass adds BTG      |
 * | accessor                      | `agent`: Organization <mspId> (role, altId = identity hash when no          |
 * |                               | practitioner, region extension), and Practitioner <id> when known; both     |
 * |                               | `requestor: true`; `network` omitted (the ledger does not see it); the     |
 * |                               | member institution (institution-id naming system), `requestor: false`      |
 * | (the ledger)                  | `source.observer` Device consent-ledger, type security-source-type#4       |
 * | patientId, consentIds,        | `entity`: Patient <pseudonym> (role Patient), Consent/<id> (role Security   |
 * | recordIds                     | Resource), records by identifier (record-id naming system, role Report)     |
 * | reason, breakGlass, emergency | extensions decision-reason, break-glass, emergency (reasonCode,            |
 * | {reasonCode, justification-   | justificationHash, reviewStatus, reviewOutcome, reviewedAt, reviewerIdHash, |
 * | Hash, review}                 | reviewCommentHash)                                                          |
 * | labels (sensitivity)          | the Patient entity's `securityLabel` (v3-ActCode: ETH, GDIS, HIV, PSY, ...) |
 * | categories, data period,      | extensions data-category (repeating), data-period, cohort-study,           |
 * | cohort, txId                  | ledger-tx-id                                                                |
 */
import type { DecisionValue, Emergency, Region } from '@consent-ledger/ledger-api';
import type * as fhir4 from './fhir-r4.types.js';
import {
  BREAK_THE_GLASS,
  EXTENSION,
  LEDGER_DEVICE,
  NAMING_SYSTEM,
  PROJECT_SYSTEM,
  SYSTEM,
  categoryCoding,
  securityLabelCoding,
  logicalReference,
  purposeCoding,
  recordReference,
  roleCoding,
} from './fhir-terminology.js';
import type { AccessEventView } from './ledger-views.js';

/** AuditEvent.type: DICOM 110110 Patient Record. */
export const PATIENT_RECORD_EVENT: fhir4.Coding = {
  system: SYSTEM.dicom,
  code: '110110',
  display: 'Patient Record',
};

/** AuditEvent.outcome of a decision: permit 0 (success), deny 4 (minor failure). */
export function auditOutcome(decision: DecisionValue): fhir4.AuditEventOutcome {
  return decision === 'permit' ? '0' : '4';
}

/** The decision an AuditEvent outcome code stands for (0 permit, 4 deny; others none). */
export function decisionOfOutcome(outcome: string): DecisionValue | undefined {
  if (outcome === '0') return 'permit';
  if (outcome === '4') return 'deny';
  return undefined;
}

/** A ledger access event as a FHIR R4 AuditEvent (see the table at the top of this file). */
export function toAuditEvent(event: AccessEventView): fhir4.AuditEvent {
  const kind = event.cohort !== undefined ? 'cohort' : event.breakGlass ? 'break-glass' : 'access';
  const purposeOfEvent: fhir4.CodeableConcept[] = [{ coding: [purposeCoding(event.purpose)] }];
  if (event.breakGlass) purposeOfEvent.push({ coding: [{ ...BREAK_THE_GLASS }] });
  return {
    resourceType: 'AuditEvent',
    id: event.eventId,
    extension: eventExtensions(event),
    type: { ...PATIENT_RECORD_EVENT },
    subtype: [{ system: PROJECT_SYSTEM.accessEventKind, code: kind }],
    action: 'R',
    recorded: event.timestamp,
    outcome: auditOutcome(event.decision),
    outcomeDesc: event.reason,
    purposeOfEvent,
    agent: agents(event),
    source: {
      observer: { ...LEDGER_DEVICE },
      type: [{ system: SYSTEM.securitySourceType, code: '4', display: 'Application Server' }],
    },
    entity: entities(event),
  };
}

function agents(event: AccessEventView): fhir4.AuditEventAgent[] {
  const { accessor } = event;
  const type: fhir4.CodeableConcept = {
    coding: [{ system: SYSTEM.participationType, code: 'IRCP', display: 'information recipient' }],
  };
  const role = (): fhir4.CodeableConcept[] => [{ coding: [roleCoding(accessor.role)] }];
  const organization: fhir4.AuditEventAgent = {
    type,
    role: role(),
    who: logicalReference('Organization', accessor.org),
    ...(accessor.practitionerId === undefined ? { altId: accessor.idHash } : {}),
    requestor: true,
    ...(event.accessorRegion === undefined
      ? {}
      : { extension: [regionExtension(event.accessorRegion)] }),
  };
  const institution: fhir4.AuditEventAgent[] =
    accessor.institution === undefined
      ? []
      : [
          {
            type: { coding: [...(type.coding ?? [])] },
            role: role(),
            who: {
              type: 'Organization',
              identifier: { system: NAMING_SYSTEM.institutionId, value: accessor.institution },
            },
            requestor: false,
          },
        ];
  if (accessor.practitionerId === undefined) return [organization, ...institution];
  return [
    organization,
    ...institution,
    {
      type: { coding: [...(type.coding ?? [])] },
      role: role(),
      who: logicalReference('Practitioner', accessor.practitionerId),
      altId: accessor.idHash,
      requestor: true,
    },
  ];
}

function entities(event: AccessEventView): fhir4.AuditEventEntity[] {
  const systemObject: fhir4.Coding = {
    system: SYSTEM.auditEntityType,
    code: '2',
    display: 'System Object',
  };
  return [
    {
      what: logicalReference('Patient', event.patientId),
      type: { system: SYSTEM.auditEntityType, code: '1', display: 'Person' },
      role: { system: SYSTEM.objectRole, code: '1', display: 'Patient' },
      // The sensitivity of the data asked for (v3-ActCode security labels), when it had any.
      ...(event.labels === undefined || event.labels.length === 0
        ? {}
        : { securityLabel: event.labels.map(securityLabelCoding) }),
    },
    ...event.consentIds.map((consentId): fhir4.AuditEventEntity => ({
      what: { reference: `Consent/${consentId}` },
      type: { ...systemObject },
      role: { system: SYSTEM.objectRole, code: '13', display: 'Security Resource' },
    })),
    ...event.recordIds.map((recordId): fhir4.AuditEventEntity => ({
      what: recordReference(recordId),
      type: { ...systemObject },
      role: { system: SYSTEM.objectRole, code: '3', display: 'Report' },
    })),
  ];
}

function eventExtensions(event: AccessEventView): fhir4.Extension[] {
  const extensions: fhir4.Extension[] = [
    {
      url: EXTENSION.decisionReason,
      valueCoding: { system: PROJECT_SYSTEM.decisionReason, code: event.reason },
    },
    { url: EXTENSION.breakGlass, valueBoolean: event.breakGlass },
  ];
  if (event.emergency !== undefined) extensions.push(emergencyExtension(event.emergency));
  for (const category of event.categories)
    extensions.push({ url: EXTENSION.dataCategory, valueCoding: categoryCoding(category) });
  if (event.dataFrom !== undefined || event.dataUntil !== undefined)
    extensions.push({
      url: EXTENSION.dataPeriod,
      valuePeriod: {
        ...(event.dataFrom === undefined ? {} : { start: event.dataFrom }),
        ...(event.dataUntil === undefined ? {} : { end: event.dataUntil }),
      },
    });
  if (event.cohort !== undefined)
    extensions.push({
      url: EXTENSION.cohortStudy,
      valueIdentifier: { system: NAMING_SYSTEM.studyId, value: event.cohort.studyId },
    });
  extensions.push({ url: EXTENSION.txId, valueString: event.txId });
  return extensions;
}

function emergencyExtension(emergency: Emergency): fhir4.Extension {
  const { review } = emergency;
  const parts: fhir4.Extension[] = [
    {
      url: 'reasonCode',
      valueCoding: { system: PROJECT_SYSTEM.emergencyReason, code: emergency.reasonCode },
    },
    { url: 'justificationHash', valueString: emergency.justificationHash },
    { url: 'reviewStatus', valueCode: review.status },
  ];
  if (review.outcome !== undefined) parts.push({ url: 'reviewOutcome', valueCode: review.outcome });
  if (review.reviewedAt !== undefined)
    parts.push({ url: 'reviewedAt', valueDateTime: review.reviewedAt });
  if (review.reviewerIdHash !== undefined)
    parts.push({ url: 'reviewerIdHash', valueString: review.reviewerIdHash });
  if (review.commentHash !== undefined)
    parts.push({ url: 'reviewCommentHash', valueString: review.commentHash });
  return { url: EXTENSION.emergency, extension: parts };
}

function regionExtension(region: Region): fhir4.Extension {
  const parts: fhir4.Extension[] = [{ url: 'province', valueCode: region.province }];
  if (region.city !== undefined) parts.push({ url: 'city', valueCode: region.city });
  if (region.county !== undefined) parts.push({ url: 'county', valueCode: region.county });
  return { url: EXTENSION.region, extension: parts };
}
