/**
 * The subset of HL7 FHIR R4 (4.0.1) types this gateway reads and writes, with the element names and
 * cardinalities of the specification. The installed `@types/fhir` (3.0.x) describes STU3 only
 * (no `fhir4` namespace, and STU3's Consent has no `scope`/`provision`), so the R4 shapes live
 * here. Import them as a namespace (`import type * as fhir4 from './fhir-r4.types.js'`) so that
 * switching to a package with R4 types is a one-line change.
 */

/** Any FHIR resource: the discriminating `resourceType` plus its elements. */
export interface Resource {
  resourceType: string;
  id?: string;
  meta?: Meta;
}

/** Resource metadata. */
export interface Meta {
  versionId?: string;
  lastUpdated?: string;
  profile?: string[];
  tag?: Coding[];
}

/** A code from a code system. */
export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
  userSelected?: boolean;
}

/** A concept as one or more equivalent codings. */
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

/** A time range; `end` absent means ongoing. */
export interface Period {
  start?: string;
  end?: string;
}

/** An identifier in a naming system. */
export interface Identifier {
  system?: string;
  value?: string;
}

/** A reference by literal URL and/or by logical identifier. */
export interface Reference {
  reference?: string;
  type?: string;
  identifier?: Identifier;
  display?: string;
}

/** An extension; exactly one `value[x]` or nested extensions. */
export interface Extension {
  url: string;
  extension?: Extension[];
  valueBoolean?: boolean;
  valueCode?: string;
  valueCoding?: Coding;
  valueDateTime?: string;
  valueIdentifier?: Identifier;
  valueInstant?: string;
  valuePeriod?: Period;
  valuePositiveInt?: number;
  valueReference?: Reference;
  valueString?: string;
  valueUnsignedInt?: number;
}

/** Base of resources that carry extensions. */
export interface DomainResource extends Resource {
  extension?: Extension[];
  modifierExtension?: Extension[];
}

/** Consent.provision.actor. */
export interface ConsentProvisionActor {
  role: CodeableConcept;
  reference: Reference;
}

/** Consent.provision (recursive). */
export interface ConsentProvision {
  type?: 'deny' | 'permit';
  period?: Period;
  actor?: ConsentProvisionActor[];
  action?: CodeableConcept[];
  securityLabel?: Coding[];
  purpose?: Coding[];
  class?: Coding[];
  code?: CodeableConcept[];
  dataPeriod?: Period;
  data?: { meaning: string; reference: Reference }[];
  provision?: ConsentProvision[];
  extension?: Extension[];
  modifierExtension?: Extension[];
}

/** Consent status codes. */
export type ConsentState =
  'draft' | 'proposed' | 'active' | 'rejected' | 'inactive' | 'entered-in-error';

/** Consent.policy: a policy (here, the notice) the consent was given under. */
export interface ConsentPolicy {
  extension?: Extension[];
  authority?: string;
  uri?: string;
}

/** A healthcare consumer's choices (R4 Consent). */
export interface Consent extends DomainResource {
  resourceType: 'Consent';
  identifier?: Identifier[];
  status: ConsentState;
  scope: CodeableConcept;
  category: CodeableConcept[];
  patient?: Reference;
  dateTime?: string;
  performer?: Reference[];
  organization?: Reference[];
  policy?: ConsentPolicy[];
  policyRule?: CodeableConcept;
  provision?: ConsentProvision;
}

/** AuditEvent.agent. */
export interface AuditEventAgent {
  type?: CodeableConcept;
  role?: CodeableConcept[];
  who?: Reference;
  altId?: string;
  requestor: boolean;
  purposeOfUse?: CodeableConcept[];
  extension?: Extension[];
}

/** AuditEvent.entity.detail. */
export interface AuditEventEntityDetail {
  type: string;
  valueString?: string;
}

/** AuditEvent.entity. */
export interface AuditEventEntity {
  what?: Reference;
  type?: Coding;
  role?: Coding;
  securityLabel?: Coding[];
  detail?: AuditEventEntityDetail[];
  extension?: Extension[];
}

/** AuditEvent outcome codes: success, minor failure, serious failure, major failure. */
export type AuditEventOutcome = '0' | '4' | '8' | '12';

/** A record of an event relevant to security (R4 AuditEvent). */
export interface AuditEvent extends DomainResource {
  resourceType: 'AuditEvent';
  type: Coding;
  subtype?: Coding[];
  action?: 'C' | 'R' | 'U' | 'D' | 'E';
  period?: Period;
  recorded: string;
  outcome?: AuditEventOutcome;
  outcomeDesc?: string;
  purposeOfEvent?: CodeableConcept[];
  agent: AuditEventAgent[];
  source: { site?: string; observer: Reference; type?: Coding[] };
  entity?: AuditEventEntity[];
}

/** Provenance.agent. */
export interface ProvenanceAgent {
  type?: CodeableConcept;
  role?: CodeableConcept[];
  who: Reference;
  onBehalfOf?: Reference;
}

/** Provenance.entity. */
export interface ProvenanceEntity {
  role: 'derivation' | 'revision' | 'quotation' | 'source' | 'removal';
  what: Reference;
  extension?: Extension[];
}

/** Who, what, when of a resource version (R4 Provenance). */
export interface Provenance extends DomainResource {
  resourceType: 'Provenance';
  target: Reference[];
  occurredDateTime?: string;
  recorded: string;
  policy?: string[];
  reason?: CodeableConcept[];
  activity?: CodeableConcept;
  agent: ProvenanceAgent[];
  entity?: ProvenanceEntity[];
}

/** OperationOutcome issue severity. */
export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** OperationOutcome issue type (the codes this gateway uses). */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'not-supported'
  | 'business-rule'
  | 'conflict'
  | 'not-found'
  | 'too-long'
  | 'throttled'
  | 'transient'
  | 'exception'
  | 'too-costly'
  | 'informational';

/** OperationOutcome.issue. */
export interface OperationOutcomeIssue {
  severity: IssueSeverity;
  code: IssueType;
  details?: CodeableConcept;
  diagnostics?: string;
  expression?: string[];
}

/** Errors, warnings and information of an interaction (R4 OperationOutcome). */
export interface OperationOutcome extends DomainResource {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

/** Bundle.link. */
export interface BundleLink {
  relation: string;
  url: string;
}

/** Bundle.entry. */
export interface BundleEntry<T extends Resource = Resource> {
  fullUrl?: string;
  resource?: T;
  search?: { mode?: 'match' | 'include' | 'outcome'; score?: number };
  /** History bundles: how the version was made. */
  request?: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string };
  /** History bundles: the outcome of the interaction that made the version. */
  response?: { status: string; etag?: string; lastModified?: string };
}

/** A collection of resources (R4 Bundle). */
export interface Bundle<T extends Resource = Resource> extends Resource {
  resourceType: 'Bundle';
  type:
    | 'document'
    | 'message'
    | 'transaction'
    | 'transaction-response'
    | 'batch'
    | 'batch-response'
    | 'history'
    | 'searchset'
    | 'collection';
  timestamp?: string;
  total?: number;
  link?: BundleLink[];
  entry?: BundleEntry<T>[];
}

/** CapabilityStatement.rest.resource.searchParam. */
export interface CapabilityStatementSearchParam {
  name: string;
  definition?: string;
  type:
    | 'number'
    | 'date'
    | 'string'
    | 'token'
    | 'reference'
    | 'composite'
    | 'quantity'
    | 'uri'
    | 'special';
  documentation?: string;
}

/** RESTful interactions on a resource type. */
export type TypeRestfulInteraction =
  | 'read'
  | 'vread'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'create'
  | 'search-type';

/** CapabilityStatement.rest.resource. */
export interface CapabilityStatementResource {
  type: string;
  profile?: string;
  documentation?: string;
  interaction?: { code: TypeRestfulInteraction; documentation?: string }[];
  versioning?: 'no-version' | 'versioned' | 'versioned-update';
  readHistory?: boolean;
  updateCreate?: boolean;
  conditionalCreate?: boolean;
  conditionalRead?: 'not-supported' | 'modified-since' | 'not-match' | 'full-support';
  conditionalUpdate?: boolean;
  conditionalDelete?: 'not-supported' | 'single' | 'multiple';
  searchParam?: CapabilityStatementSearchParam[];
}

/** CapabilityStatement.rest. */
export interface CapabilityStatementRest {
  mode: 'client' | 'server';
  documentation?: string;
  security?: { cors?: boolean; service?: CodeableConcept[]; description?: string };
  resource?: CapabilityStatementResource[];
}

/** What a FHIR server can do (R4 CapabilityStatement). */
export interface CapabilityStatement extends DomainResource {
  resourceType: 'CapabilityStatement';
  url?: string;
  version?: string;
  name?: string;
  title?: string;
  status: 'draft' | 'active' | 'retired' | 'unknown';
  experimental?: boolean;
  date: string;
  publisher?: string;
  description?: string;
  kind: 'instance' | 'capability' | 'requirements';
  software?: { name: string; version?: string };
  implementation?: { description: string; url?: string };
  fhirVersion: string;
  format: string[];
  rest?: CapabilityStatementRest[];
}
