/**
 * Ledger Consent <-> FHIR R4 Consent.
 *
 * | ledger                         | FHIR R4 Consent                                                            |
 * | ------------------------------ | -------------------------------------------------------------------------- |
 * | consentId                      | `id`, `identifier` (naming system consent-id)                              |
 * | version, updatedAt             | `meta.versionId`, `meta.lastUpdated`                                       |
 * | status active                  | `status` active                                                            |
 * | status revoked / expired       | `status` inactive (R4 has no "expired"); the ledger status is kept in the  |
 * |                                | ledger-consent-status extension; expiry is also `provision.period.end`    |
 * | (fixed)                        | `scope` consentscope#patient-privacy, `category` LOINC 59284-0,            |
 * |                                | `policyRule` v3-ActCode#OPTIN (nothing is shared without a permit)         |
 * | patientId                      | `patient`: Patient <pseudonym> (logical: type + identifier, see below)     |
 * | signedBy                       | `performer`: Patient <pseudonym>, or RelatedPerson <guardian ID> when a    |
 * |                                | guardian signed                                                            |
 * | (the signed statement)         | create only: extension signed-action (statement, signature), whose payload |
 * |                                | must equal the resource's terms                                            |
 * | createdAt                      | `dateTime`                                                                 |
 * | provision                      | `provision.type`                                                           |
 * | validFrom, validUntil          | `provision.period` (end = the exclusive validUntil)                        |
 * | grantee.org                    | `provision.actor` Organization <mspId>, role v3-ParticipationType#IRCP     |
 * | grantee.practitionerId         | `provision.actor` Practitioner <id>, role IRCP                             |
 * | grantee.institution            | `provision.actor` Organization identified by <institutionId> in the        |
 * |                                | institution-id naming system (logical only), role IRCP; needs the org     |
 * | grantee.role                   | an extra coding (project role system) in every actor's `role`; with       |
 * |                                | neither org nor practitioner, an actor Group identified by the role       |
 * | purposes                       | `provision.purpose` (v3-ActReason, see `purposeCoding`)                    |
 * | categories                     | `provision.class` (project data-category code system)                      |
 * | sensitive                      | `provision.securityLabel` (v3-ActCode: ETH, GDIS, HIV, PSY, SEX, STD): in  |
 * |                                | a permit the sensitive data it also opens, in a deny the data it reaches   |
 * | dataFrom, dataUntil            | `provision.dataPeriod`                                                     |
 * | exceptions                     | nested `provision.provision`, type deny                                    |
 * | txId, revokedAt                | extensions ledger-tx-id, revoked-at                                        |
 * | notice                         | `policy[0]`: `authority` <base>/notices/<org>, `uri` <base>/notices/<org>/ |
 * |                                | <noticeId>/<version> (the gateway's GET path), extension sha256 (texts)    |
 *
 * Several actors in one provision are a conjunction (every given grantee field must match), as in
 * the ledger. An absent purpose or class list on a deny means "all".
 */
import {
  GUARDIAN_ID_PATTERN,
  INSTITUTION_ID_PATTERN,
  PATIENT_ID_PATTERN,
  PRACTITIONER_ID_PATTERN,
  ROLES,
  SHA256_HEX_PATTERN,
  type ConsentStatus,
  type NoticeRef,
  type Role,
  type SignedAction,
  type SignedBy,
} from '@consent-ledger/ledger-api';
import type * as fhir4 from './fhir-r4.types.js';
import { endInstant, startInstant } from './fhir-datetime.js';
import { FhirArgumentError } from './fhir.errors.js';
import {
  EXTENSION,
  FHIR_PROJECT_BASE,
  NAMING_SYSTEM,
  PROJECT_SYSTEM,
  SYSTEM,
  categoryCoding,
  categoryOf,
  securityLabelCoding,
  sensitivityOf,
  logicalReference,
  purposeCoding,
  purposeOf,
  referenceKey,
  roleCoding,
} from './fhir-terminology.js';
import type { ConsentTerms, ConsentView, ExceptionTerms, GranteeTerms } from './ledger-views.js';

/** What a consent's FHIR form depends on besides the consent: the time of the read. */
export interface ConsentMappingContext {
  /** ISO instant of "now" (an active consent whose validUntil <= now reads as expired). */
  readonly now: string;
}

/** Consent.scope: privacy consent. */
export const PRIVACY_SCOPE: fhir4.Coding = {
  system: SYSTEM.consentScope,
  code: 'patient-privacy',
  display: 'Privacy Consent',
};
/** Consent.category: LOINC 59284-0 Patient Consent. */
export const PATIENT_CONSENT_CATEGORY: fhir4.Coding = {
  system: SYSTEM.loinc,
  code: '59284-0',
  display: 'Patient Consent',
};
/** Consent.policyRule: opt-in (no access without a permit, emergencies aside). */
export const OPT_IN_POLICY: fhir4.Coding = {
  system: SYSTEM.actCode,
  code: 'OPTIN',
  display: 'opt-in',
};
/** Actor role: information recipient. */
export const INFORMATION_RECIPIENT: fhir4.Coding = {
  system: SYSTEM.participationType,
  code: 'IRCP',
  display: 'information recipient',
};

const ACCESS_ACTION = 'access';
/** Where the gateway serves notices (GET /notices/:org/:noticeId/:version), as Consent.policy. */
const NOTICE_BASE = `${FHIR_PROJECT_BASE}/notices`;
const NOTICE_URI = new RegExp(
  `^${NOTICE_BASE.replaceAll('.', '\\.')}/([A-Za-z][A-Za-z0-9.-]{0,63})/([a-z][a-z0-9-]{0,63})/([1-9]\\d{0,5})$`,
);
const ORGANIZATION_REF = /^Organization\/([A-Za-z0-9\-.]{1,64})$/;
const PRACTITIONER_REF = /^Practitioner\/([A-Za-z0-9\-.]{1,64})$/;
const PATIENT_REF = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;
const RELATED_PERSON_REF = /^RelatedPerson\/([A-Za-z0-9\-.]{1,64})$/;

/** The ledger status of a consent at `now`: an active consent past its validUntil is expired. */
export function ledgerConsentStatus(consent: ConsentView, now: string): ConsentStatus {
  if (consent.status !== 'active') return consent.status;
  return consent.validUntil !== undefined && Date.parse(consent.validUntil) <= Date.parse(now)
    ? 'expired'
    : 'active';
}

/** FHIR Consent.status of a ledger status: active -> active; revoked, expired -> inactive. */
export function fhirConsentStatus(status: ConsentStatus): fhir4.ConsentState {
  return status === 'active' ? 'active' : 'inactive';
}

/** A ledger consent as a FHIR R4 Consent (see the table at the top of this file). */
export function toFhirConsent(consent: ConsentView, ctx: ConsentMappingContext): fhir4.Consent {
  const status = ledgerConsentStatus(consent, ctx.now);
  const patient = logicalReference('Patient', consent.patientId);
  const extension: fhir4.Extension[] = [
    {
      url: EXTENSION.consentStatus,
      valueCoding: { system: PROJECT_SYSTEM.consentStatus, code: status },
    },
  ];
  if (consent.revokedAt !== undefined)
    extension.push({ url: EXTENSION.revokedAt, valueDateTime: consent.revokedAt });
  extension.push({ url: EXTENSION.txId, valueString: consent.txId });
  return {
    resourceType: 'Consent',
    id: consent.consentId,
    meta: { versionId: String(consent.version), lastUpdated: consent.updatedAt },
    extension,
    identifier: [{ system: NAMING_SYSTEM.consentId, value: consent.consentId }],
    status: fhirConsentStatus(status),
    scope: { coding: [{ ...PRIVACY_SCOPE }] },
    category: [{ coding: [{ ...PATIENT_CONSENT_CATEGORY }] }],
    patient,
    dateTime: consent.createdAt,
    performer: [
      consent.signedBy?.kind === 'guardian'
        ? logicalReference('RelatedPerson', consent.signedBy.id)
        : logicalReference('Patient', consent.patientId),
    ],
    ...(consent.notice === undefined ? {} : { policy: [noticePolicy(consent.notice)] }),
    policyRule: { coding: [{ ...OPT_IN_POLICY }] },
    provision: {
      type: consent.provision,
      period: period(consent.validFrom, consent.validUntil) ?? { start: consent.validFrom },
      ...provisionRule(consent),
      ...optional(
        'provision',
        (consent.exceptions ?? []).map((exception): fhir4.ConsentProvision => ({
          type: 'deny',
          ...provisionRule(exception),
        })),
      ),
    },
  };
}

/** Consent.policy of the notice a consent was given under. */
function noticePolicy(notice: NoticeRef): fhir4.ConsentPolicy {
  return {
    extension: [{ url: EXTENSION.sha256, valueString: notice.sha256 }],
    authority: `${NOTICE_BASE}/${notice.org}`,
    uri: `${NOTICE_BASE}/${notice.org}/${notice.noticeId}/${String(notice.version)}`,
  };
}

/** The notice a Consent.policy names: one policy, a notice URI with its sha256 extension. */
function fromPolicy(policies: readonly fhir4.ConsentPolicy[] | undefined): NoticeRef | undefined {
  if (policies === undefined || policies.length === 0) return undefined;
  const [policy] = policies;
  const match = NOTICE_URI.exec(policy?.uri ?? '');
  if (policies.length > 1 || policy === undefined || match === null)
    throw FhirArgumentError.at(
      'Consent.policy',
      `must be one notice of the ledger (${NOTICE_BASE}/<org>/<noticeId>/<version>) when present`,
      'not-supported',
    );
  const [, org = '', noticeId = '', version = ''] = match;
  if (policy.authority !== undefined && policy.authority !== `${NOTICE_BASE}/${org}`)
    throw FhirArgumentError.at(
      'Consent.policy[0].authority',
      `must be ${NOTICE_BASE}/${org} when present`,
      'value',
    );
  const sha256 = (policy.extension ?? []).find((each) => each.url === EXTENSION.sha256);
  if (sha256?.valueString === undefined || !SHA256_HEX_PATTERN.test(sha256.valueString))
    throw FhirArgumentError.at(
      'Consent.policy[0].extension',
      `must carry ${EXTENSION.sha256}: the SHA-256 of the notice's texts, 64 lower-case hex digits`,
      'required',
    );
  return { org, noticeId, version: Number(version), sha256: sha256.valueString };
}

/** actor, purpose, class, securityLabel and dataPeriod of a consent or an exception. */
function provisionRule(rule: ExceptionTerms): fhir4.ConsentProvision {
  const dataPeriod = period(rule.dataFrom, rule.dataUntil);
  return {
    ...optional('actor', granteeActors(rule.grantee)),
    ...optional('purpose', (rule.purposes ?? []).map(purposeCoding)),
    ...optional('class', (rule.categories ?? []).map(categoryCoding)),
    ...optional('securityLabel', (rule.sensitive ?? []).map(securityLabelCoding)),
    ...(dataPeriod === undefined ? {} : { dataPeriod }),
  };
}

/** The actors of a grantee: organization, practitioner, or (alone) a role group. */
export function granteeActors(grantee: GranteeTerms | undefined): fhir4.ConsentProvisionActor[] {
  if (grantee === undefined) return [];
  const role = (): fhir4.CodeableConcept => ({
    coding: [
      { ...INFORMATION_RECIPIENT },
      ...(grantee.role === undefined ? [] : [roleCoding(grantee.role)]),
    ],
  });
  const actors: fhir4.ConsentProvisionActor[] = [];
  if (grantee.org !== undefined)
    actors.push({ role: role(), reference: logicalReference('Organization', grantee.org) });
  if (grantee.institution !== undefined)
    actors.push({
      role: role(),
      reference: {
        type: 'Organization',
        identifier: { system: NAMING_SYSTEM.institutionId, value: grantee.institution },
      },
    });
  if (grantee.practitionerId !== undefined)
    actors.push({
      role: role(),
      reference: logicalReference('Practitioner', grantee.practitionerId),
    });
  if (actors.length === 0 && grantee.role !== undefined)
    actors.push({
      role: role(),
      reference: {
        type: 'Group',
        identifier: { system: NAMING_SYSTEM.roleGroup, value: grantee.role },
      },
    });
  return actors;
}

function period(start: string | undefined, end: string | undefined): fhir4.Period | undefined {
  if (start === undefined && end === undefined) return undefined;
  return {
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
  };
}

function optional<K extends string, T>(key: K, values: T[]): Partial<Record<K, T[]>> {
  return values.length === 0 ? {} : ({ [key]: values } as Record<K, T[]>);
}

// ---------------------------------------------------------------------------------------------
// FHIR -> ledger

/** Top-level elements that carry no ledger meaning and are ignored (server-assigned or narrative). */
const IGNORED_CONSENT_ELEMENTS = new Set([
  'resourceType',
  'id',
  'meta',
  'text',
  'language',
  'extension',
  'identifier',
  'dateTime',
]);
const HANDLED_CONSENT_ELEMENTS = new Set([
  'policy',
  'status',
  'scope',
  'category',
  'patient',
  'performer',
  'policyRule',
  'provision',
]);
const HANDLED_ROOT_PROVISION = new Set([
  'type',
  'period',
  'actor',
  'action',
  'purpose',
  'class',
  'securityLabel',
  'dataPeriod',
  'provision',
]);
const HANDLED_EXCEPTION_PROVISION = new Set([
  'type',
  'actor',
  'action',
  'purpose',
  'class',
  'securityLabel',
  'dataPeriod',
]);

/**
 * The patient pseudonym a FHIR Consent is about (`Consent.patient`, `Patient/<pid>`). The ledger
 * takes the patient from the caller's certificate, so the gateway must check that they agree.
 */
export function consentPatientId(resource: fhir4.Consent): string {
  const reference = referenceKey(resource.patient);
  if (reference === undefined)
    throw FhirArgumentError.at('Consent.patient', 'is required (Patient/<pseudonym>)', 'required');
  const id = PATIENT_REF.exec(reference)?.[1];
  if (id === undefined || !PATIENT_ID_PATTERN.test(id))
    throw FhirArgumentError.at(
      'Consent.patient',
      'must reference a patient pseudonym as Patient/pid-<16 to 32 of [a-z2-7]>',
      'value',
    );
  return id;
}

/**
 * Who signed a FHIR Consent (`Consent.performer`): the patient (`Patient/<pseudonym>`, the one of
 * `Consent.patient`) or a guardian (`RelatedPerson/rp-...`); undefined when no performer is named.
 * Only the patient, or their guardian, gives consent.
 */
export function consentPerformer(resource: fhir4.Consent): SignedBy | undefined {
  const performers = resource.performer ?? [];
  if (performers.length > 1)
    throw FhirArgumentError.at(
      'Consent.performer',
      'names more than one signer (the patient, or one guardian)',
      'not-supported',
    );
  const [performer] = performers;
  if (performer === undefined) return undefined;
  const reference = referenceKey(performer) ?? '';
  const patientId = consentPatientId(resource);
  if (reference === `Patient/${patientId}`) return { kind: 'patient', id: patientId };
  const guardianId = RELATED_PERSON_REF.exec(reference)?.[1];
  if (guardianId !== undefined && GUARDIAN_ID_PATTERN.test(guardianId))
    return { kind: 'guardian', id: guardianId };
  throw FhirArgumentError.at(
    'Consent.performer[0]',
    'must be the consenting patient (Patient/<pseudonym>) or their guardian (RelatedPerson/rp-...)',
    'business-rule',
  );
}

/**
 * The statement a new FHIR Consent carries in its signed-action extension (sub-extensions
 * `statement` and `signature`, valueString each): the patient's (or guardian's) signature over the
 * consent's terms, which the ledger checks. INVALID_ARGUMENT when it is missing.
 */
export function signedActionOf(resource: fhir4.Consent): SignedAction {
  const extension = (resource.extension ?? []).find((each) => each.url === EXTENSION.signedAction);
  const part = (name: string): string | undefined =>
    extension?.extension?.find((each) => each.url === name)?.valueString;
  const statement = part('statement');
  const signature = part('signature');
  if (statement === undefined || signature === undefined)
    throw FhirArgumentError.at(
      'Consent.extension',
      `must carry the patient's signed statement (${EXTENSION.signedAction}: statement, signature)`,
      'required',
    );
  return { statement, signature };
}

/**
 * A FHIR R4 Consent (already valid against the schema) as the terms of a ledger ConsentInput for
 * `consent:GrantConsent`. Throws {@link FhirArgumentError} (INVALID_ARGUMENT, naming the element)
 * for anything the ledger cannot represent: another status than active, another scope, a policy,
 * source or verification, a provision on specific data, security labels or codes, actors other
 * than Organization/Practitioner/role group, unknown purposes or categories, exceptions that are
 * not deny or carry their own period, nesting beyond one level, modifier extensions.
 * Server-assigned elements (id, meta, identifier, dateTime), narrative and extensions are ignored.
 * Lists come out sorted and de-duplicated, as the ledger stores them.
 */
export function fromFhirConsent(resource: fhir4.Consent): ConsentTerms {
  if ((resource.resourceType as string) !== 'Consent')
    throw FhirArgumentError.at('resourceType', "must be 'Consent'", 'value');
  checkElements('Consent', resource, HANDLED_CONSENT_ELEMENTS, IGNORED_CONSENT_ELEMENTS);
  if (resource.status !== 'active')
    throw FhirArgumentError.at('Consent.status', "must be 'active' for a new consent", 'value');
  if (!hasCoding([resource.scope], PRIVACY_SCOPE))
    throw FhirArgumentError.at(
      'Consent.scope',
      `must be ${PRIVACY_SCOPE.system ?? ''}#patient-privacy`,
      'value',
    );
  if (!hasCoding(resource.category, PATIENT_CONSENT_CATEGORY))
    throw FhirArgumentError.at(
      'Consent.category',
      'must include LOINC 59284-0 (Patient Consent)',
      'value',
    );
  consentPatientId(resource);
  consentPerformer(resource);
  if (resource.policyRule !== undefined && !sameCodings(resource.policyRule, [OPT_IN_POLICY]))
    throw FhirArgumentError.at(
      'Consent.policyRule',
      `must be ${SYSTEM.actCode}#OPTIN when present (the ledger's only policy)`,
      'not-supported',
    );
  const notice = fromPolicy(resource.policy);
  const provision = resource.provision;
  if (provision === undefined)
    throw FhirArgumentError.at('Consent.provision', 'is required', 'required');
  return { ...fromRootProvision(provision), ...(notice === undefined ? {} : { notice }) };
}

function fromRootProvision(provision: fhir4.ConsentProvision): ConsentTerms {
  const path = 'Consent.provision';
  checkElements(path, provision, HANDLED_ROOT_PROVISION, new Set(['id', 'extension']));
  const type = provision.type ?? 'permit';
  const rule = fromRule(path, provision);
  const validFrom = instant(`${path}.period.start`, provision.period?.start, startInstant);
  const validUntil = instant(`${path}.period.end`, provision.period?.end, endInstant);
  checkOrder(`${path}.period`, validFrom, validUntil);
  const nested = provision.provision ?? [];
  if (type === 'deny' && nested.length > 0)
    throw FhirArgumentError.at(
      `${path}.provision`,
      'is only supported in a permit (exceptions are deny provisions nested in a permit)',
      'not-supported',
    );
  const exceptions = nested.map((exception, index) =>
    fromException(`${path}.provision[${index}]`, exception),
  );
  if (type === 'permit') {
    if (rule.grantee?.org === undefined)
      throw FhirArgumentError.at(
        `${path}.actor`,
        'of a permit must name the grantee organization (Organization/<mspId>)',
        'required',
      );
    if (rule.purposes === undefined)
      throw FhirArgumentError.at(
        `${path}.purpose`,
        'of a permit must name at least one purpose',
        'required',
      );
    if (rule.categories === undefined)
      throw FhirArgumentError.at(
        `${path}.class`,
        'of a permit must name at least one data category',
        'required',
      );
  }
  return {
    provision: type,
    ...rule,
    ...(validFrom === undefined ? {} : { validFrom }),
    ...(validUntil === undefined ? {} : { validUntil }),
    ...(exceptions.length === 0 ? {} : { exceptions }),
  };
}

function fromException(path: string, provision: fhir4.ConsentProvision): ExceptionTerms {
  if (provision.period !== undefined)
    throw FhirArgumentError.at(
      `${path}.period`,
      "is not supported (an exception shares the consent's period)",
      'not-supported',
    );
  if (provision.provision !== undefined)
    throw FhirArgumentError.at(
      `${path}.provision`,
      'is not supported (one level of exceptions)',
      'not-supported',
    );
  checkElements(path, provision, HANDLED_EXCEPTION_PROVISION, new Set(['id', 'extension']));
  if (provision.type !== 'deny')
    throw FhirArgumentError.at(
      `${path}.type`,
      "must be 'deny' (exceptions of a permit deny)",
      'value',
    );
  return fromRule(path, provision);
}

/**
 * The ledger codes of a provision's codings (sorted, once each); a coding none stands for is
 * refused at its path with what was expected.
 */
function codesOf<T extends string>(
  path: string,
  codings: readonly fhir4.Coding[] | undefined,
  vocabulary: Readonly<{ read: (coding: fhir4.Coding) => T | undefined; expected: string }>,
): T[] {
  return uniqueSorted(
    (codings ?? []).map((coding, index) => {
      const code = vocabulary.read(coding);
      if (code === undefined)
        throw FhirArgumentError.at(`${path}[${index}]`, `is not ${vocabulary.expected}`, 'value');
      return code;
    }),
  );
}

/** grantee, purposes, categories, sensitivity labels and data period of a provision. */
function fromRule(path: string, provision: fhir4.ConsentProvision): ExceptionTerms {
  (provision.action ?? []).forEach((action, index) => {
    if (!sameCodings(action, [{ system: SYSTEM.consentAction, code: ACCESS_ACTION }]))
      throw FhirArgumentError.at(
        `${path}.action[${index}]`,
        `is not supported (the ledger controls ${SYSTEM.consentAction}#access only)`,
        'not-supported',
      );
  });
  const grantee = fromActors(`${path}.actor`, provision.actor ?? []);
  const purposes = codesOf(`${path}.purpose`, provision.purpose, {
    read: purposeOf,
    expected: `a supported purpose (${SYSTEM.actReason}: TREAT, COC, ETREAT, HRESCH, PUBHLTH, HPAYMT)`,
  });
  const categories = codesOf(`${path}.class`, provision.class, {
    read: categoryOf,
    expected: `a data category of ${PROJECT_SYSTEM.dataCategory}`,
  });
  const sensitive = codesOf(`${path}.securityLabel`, provision.securityLabel, {
    read: sensitivityOf,
    expected: `a supported sensitivity label (${SYSTEM.actCode}: ETH, GDIS, HIV, PSY, SEX, STD)`,
  });
  const dataFrom = instant(`${path}.dataPeriod.start`, provision.dataPeriod?.start, startInstant);
  const dataUntil = instant(`${path}.dataPeriod.end`, provision.dataPeriod?.end, endInstant);
  checkOrder(`${path}.dataPeriod`, dataFrom, dataUntil);
  return {
    ...(grantee === undefined ? {} : { grantee }),
    ...(purposes.length === 0 ? {} : { purposes }),
    ...(categories.length === 0 ? {} : { categories }),
    ...(sensitive.length === 0 ? {} : { sensitive }),
    ...(dataFrom === undefined ? {} : { dataFrom }),
    ...(dataUntil === undefined ? {} : { dataUntil }),
  };
}

function fromActors(
  path: string,
  actors: readonly fhir4.ConsentProvisionActor[],
): GranteeTerms | undefined {
  let org: string | undefined;
  let practitionerId: string | undefined;
  let institution: string | undefined;
  const roles = new Set<Role>();
  actors.forEach((actor, index) => {
    const at = `${path}[${index}]`;
    for (const role of rolesOf(`${at}.role`, actor.role)) roles.add(role);
    const named = institutionOf(actor.reference);
    if (named !== undefined) {
      if (institution !== undefined)
        throw FhirArgumentError.at(
          at,
          'names a second institution (one grantee per provision)',
          'not-supported',
        );
      if (!INSTITUTION_ID_PATTERN.test(named))
        throw FhirArgumentError.at(
          `${at}.reference.identifier.value`,
          'must be an institution ID: inst- and 4 to 32 of [a-z0-9]',
          'value',
        );
      institution = named;
      return;
    }
    const reference = referenceKey(actor.reference);
    const orgId = reference === undefined ? undefined : ORGANIZATION_REF.exec(reference)?.[1];
    const practitioner =
      reference === undefined ? undefined : PRACTITIONER_REF.exec(reference)?.[1];
    if (orgId !== undefined) {
      if (org !== undefined)
        throw FhirArgumentError.at(
          at,
          'names a second organization (one grantee per provision)',
          'not-supported',
        );
      org = orgId;
    } else if (practitioner !== undefined) {
      if (practitionerId !== undefined)
        throw FhirArgumentError.at(
          at,
          'names a second practitioner (one grantee per provision)',
          'not-supported',
        );
      if (!PRACTITIONER_ID_PATTERN.test(practitioner))
        throw FhirArgumentError.at(
          `${at}.reference`,
          'must be Practitioner/prac-<8 to 32 of [a-z0-9]>',
          'value',
        );
      practitionerId = practitioner;
    } else if (
      reference === undefined &&
      actor.reference.type === 'Group' &&
      actor.reference.identifier?.system === NAMING_SYSTEM.roleGroup &&
      actor.reference.identifier.value !== undefined
    ) {
      roles.add(checkRole(`${at}.reference.identifier`, actor.reference.identifier.value));
    } else {
      throw FhirArgumentError.at(
        `${at}.reference`,
        `must be Organization/<mspId>, Practitioner/<id> or a Group identified in ${NAMING_SYSTEM.roleGroup}`,
        'not-supported',
      );
    }
  });
  if (roles.size > 1)
    throw FhirArgumentError.at(path, 'names more than one grantee role', 'not-supported');
  const [role] = roles;
  if (institution !== undefined && org === undefined)
    throw FhirArgumentError.at(
      path,
      'names an institution without its organization (an Organization actor with its MSP ID)',
      'value',
    );
  if (org === undefined && practitionerId === undefined && role === undefined) return undefined;
  return {
    ...(org === undefined ? {} : { org }),
    ...(role === undefined ? {} : { role }),
    ...(practitionerId === undefined ? {} : { practitionerId }),
    ...(institution === undefined ? {} : { institution }),
  };
}

/** The institution ID of an actor naming an Organization in the institution-id system. */
function institutionOf(reference: fhir4.Reference): string | undefined {
  return reference.type === 'Organization' &&
    reference.reference === undefined &&
    reference.identifier?.system === NAMING_SYSTEM.institutionId
    ? reference.identifier.value
    : undefined;
}

/** The ledger roles in an actor's role; IRCP/PRCP (recipient) codings carry no extra meaning. */
function rolesOf(path: string, role: fhir4.CodeableConcept): Role[] {
  const roles: Role[] = [];
  (role.coding ?? []).forEach((coding, index) => {
    if (
      coding.system === SYSTEM.participationType &&
      (coding.code === 'IRCP' || coding.code === 'PRCP')
    )
      return;
    if (coding.system === PROJECT_SYSTEM.role && coding.code !== undefined) {
      roles.push(checkRole(`${path}.coding[${index}]`, coding.code));
      return;
    }
    throw FhirArgumentError.at(
      `${path}.coding[${index}]`,
      `is not supported (${SYSTEM.participationType}#IRCP, or a role of ${PROJECT_SYSTEM.role})`,
      'not-supported',
    );
  });
  return roles;
}

function checkRole(path: string, role: string): Role {
  const known = ROLES.find((each) => each === role);
  if (known === undefined)
    throw FhirArgumentError.at(path, `is not a role (${ROLES.join(', ')})`, 'value');
  return known;
}

function instant(
  path: string,
  value: string | undefined,
  convert: (value: string) => string | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  const converted = convert(value);
  if (converted === undefined)
    throw FhirArgumentError.at(path, 'is not a valid date or dateTime', 'value');
  return converted;
}

function checkOrder(path: string, start: string | undefined, end: string | undefined): void {
  if (start !== undefined && end !== undefined && Date.parse(end) <= Date.parse(start))
    throw FhirArgumentError.at(`${path}.end`, `must be after ${path}.start`, 'value');
}

function checkElements(
  path: string,
  element: object,
  handled: ReadonlySet<string>,
  ignored: ReadonlySet<string>,
): void {
  for (const key of Object.keys(element)) {
    const base = key.startsWith('_') ? key.slice(1) : key;
    if (handled.has(base) || ignored.has(base)) continue;
    throw FhirArgumentError.at(
      `${path}.${key}`,
      key === 'modifierExtension' || key === 'implicitRules'
        ? 'is not understood by this server'
        : 'is not supported by the ledger',
      'not-supported',
    );
  }
}

function codingMatches(coding: fhir4.Coding, expected: fhir4.Coding): boolean {
  return coding.system === expected.system && coding.code === expected.code;
}

function hasCoding(concepts: readonly fhir4.CodeableConcept[], expected: fhir4.Coding): boolean {
  return concepts.some((concept) =>
    (concept.coding ?? []).some((coding) => codingMatches(coding, expected)),
  );
}

/** Every coding of the concept is one of `allowed` (and there is at least one). */
function sameCodings(concept: fhir4.CodeableConcept, allowed: readonly fhir4.Coding[]): boolean {
  const codings = concept.coding ?? [];
  return (
    codings.length > 0 &&
    codings.every((coding) => allowed.some((each) => codingMatches(coding, each)))
  );
}

function uniqueSorted<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}
