import { setImmediate as nextTurn } from 'node:timers/promises';
import { MIMEType } from 'node:util';
import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { InvalidArgumentError } from './errors.js';

/** Most validation messages answered in one error, and the longest of each (bounded bodies). */
export const MAX_VALIDATION_MESSAGES = 10;
const MAX_VALIDATION_MESSAGE_LENGTH = 200;

function messagesOf(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property)
        ? `${path}${message.slice(error.property.length)}`
        : `${path}: ${message}`,
    );
    return [...own, ...messagesOf(error.children ?? [], path)];
  });
}

/**
 * One message for a failed validation: the first {@link MAX_VALIDATION_MESSAGES} problems, each
 * cut to 200 characters, and how many more there are.
 */
export function validationMessage(errors: readonly ValidationError[]): string {
  const all = messagesOf(errors);
  const shown = all
    .slice(0, MAX_VALIDATION_MESSAGES)
    .map((message) =>
      message.length > MAX_VALIDATION_MESSAGE_LENGTH
        ? `${message.slice(0, MAX_VALIDATION_MESSAGE_LENGTH - 1)}…`
        : message,
    );
  const more = all.length - shown.length;
  return (
    (shown.join('; ') || 'invalid input') + (more > 0 ? `; and ${String(more)} more problems` : '')
  );
}

/** Elements of a nested array validated per turn of the event loop (a few milliseconds). */
export const VALIDATION_SLICE = 64;

type ValidatorOptions = Parameters<typeof classValidator.validate>[1];

/** The validation rules of a class. */
function rulesOf(
  target: unknown,
): ReturnType<classValidator.MetadataStorage['getTargetValidationMetadatas']> {
  return typeof target === 'function'
    ? classValidator.getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)
    : [];
}

/** The properties of `object` (of class `target`) that hold more than a slice of nested values. */
function largeNestedArrays(
  object: object,
  target: unknown = object.constructor,
): [string, unknown[]][] {
  const nested = new Set(
    rulesOf(target)
      .filter((metadata) => metadata.type === 'nestedValidation')
      .map((metadata) => metadata.propertyName),
  );
  return Object.entries(object).filter(
    (entry): entry is [string, unknown[]] =>
      nested.has(entry[0]) && Array.isArray(entry[1]) && entry[1].length > VALIDATION_SLICE,
  );
}

/**
 * class-validator's ValidationPipe, but a large array of nested objects (a batch's items) is
 * validated a slice at a time, yielding to the event loop between slices, and stops once enough
 * items failed to fill an error: validating 20,000 items in one go held the event loop for two
 * seconds. The array's own rules (type, size) are checked on a stand-in of the same length.
 */
class SlicedValidationPipe extends ValidationPipe {
  /**
   * A body whose large nested array (a batch's items) class-transformer would turn into instances
   * all at once (20,000 items: 300 ms of CPU before the first was validated): the rest of the body
   * and the first item go through the pipe as usual, the array's size rule is checked on its
   * length, then each further item is made an instance and validated a slice at a time, stopping
   * once enough failed.
   */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const target = metadata.metatype;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return super.transform(value, metadata);
    const large = largeNestedArrays(value, target);
    if (large.length === 0) return super.transform(value, metadata);
    const head: Record<string, unknown> = { ...value };
    for (const [key, items] of large) head[key] = items.slice(0, 1);
    const entity = (await super.transform(head, metadata)) as Record<string, unknown>;
    for (const [key, items] of large) {
      for (const rule of rulesOf(target)) {
        // Rules without constraints (IsOptional...) have none at all.
        const max = (rule.constraints as unknown[] | undefined)?.[0];
        if (rule.propertyName === key && rule.name === 'arrayMaxSize' && typeof max === 'number')
          if (items.length > max)
            throw new InvalidArgumentError(
              `${key} must contain no more than ${String(max)} elements`,
            );
      }
      const first = (entity[key] as unknown[])[0];
      const itemClass = (first as object).constructor as new () => object;
      const instances: unknown[] = [first];
      const children: ValidationError[] = [];
      for (let index = 1; index < items.length; index += 1) {
        if (children.length >= MAX_VALIDATION_MESSAGES) break;
        if (index % VALIDATION_SLICE === 0) await nextTurn();
        const item = items[index];
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          children.push(notAnObject(String(index), item));
          continue;
        }
        const instance = classTransformer.plainToInstance(itemClass, item, this.transformOptions);
        const itemErrors = await this.validate(instance, {
          ...this.validatorOptions,
          validationError: { target: false, value: false },
        });
        if (itemErrors.length > 0)
          children.push({ property: String(index), value: item, children: itemErrors });
        instances.push(instance);
      }
      if (children.length > 0)
        throw new InvalidArgumentError(validationMessage([{ property: key, children }]));
      entity[key] = instances;
    }
    return entity;
  }

  protected override async validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> {
    const large = largeNestedArrays(object);
    if (large.length === 0) return super.validate(object, validatorOptions);
    const shallow = Object.assign(
      Object.create(Object.getPrototypeOf(object) as object | null) as object,
      object,
    ) as Record<string, unknown>;
    // Holes: `each` rules and nested validation skip them, the size rules read the length.
    for (const [key, items] of large) shallow[key] = new Array<unknown>(items.length);
    const errors = [...(await super.validate(shallow, validatorOptions))];
    for (const [key, items] of large) {
      const children: ValidationError[] = [];
      for (let index = 0; index < items.length; index += 1) {
        if (children.length >= MAX_VALIDATION_MESSAGES) break;
        if (index % VALIDATION_SLICE === 0) await nextTurn();
        const item = items[index];
        if (typeof item !== 'object' || item === null) {
          children.push(notAnObject(String(index), item));
          continue;
        }
        const itemErrors = await this.validate(item, validatorOptions);
        if (itemErrors.length > 0)
          children.push({ property: String(index), value: item, children: itemErrors });
      }
      if (children.length > 0) errors.push({ property: key, value: items, children });
    }
    return errors;
  }
}

function notAnObject(property: string, value: unknown): ValidationError {
  return {
    property,
    value,
    constraints: { nestedValidation: `${property} must be an object` },
    children: [],
  };
}

/** The global validation pipe: whitelist, forbid unknown properties, transform; 400 INVALID_ARGUMENT. */
export function createValidationPipe(): ValidationPipe {
  return new SlicedValidationPipe({
    // The gateway's own copies, the ones its DTO decorators registered with (the workspace root
    // holds another class-transformer that Nest would otherwise load).
    transformerPackage: classTransformer,
    validatorPackage: classValidator,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new InvalidArgumentError(validationMessage(errors)),
  });
}

/** A request body declared in a charset other than UTF-8 (body-parser's error shape, 415). */
class UnsupportedCharsetError extends Error {
  override readonly name = 'UnsupportedCharsetError';
  readonly status = 415;
  readonly type = 'charset.unsupported';
}

/**
 * Express middleware: refuses a body whose Content-Type names a charset other than UTF-8 with 415.
 * JSON between systems must be UTF-8 (RFC 8259, 8.1); Express's parsers would otherwise decode
 * any `utf-*` label, UTF-7 included, whose shifted sequences slip past text filters. A malformed
 * Content-Type is left to the parsers, which refuse it.
 */
export function requireUtf8Body(
  request: { readonly headers: Readonly<Record<string, string | string[] | undefined>> },
  _response: unknown,
  next: (error?: unknown) => void,
): void {
  const header = request.headers['content-type'];
  let charset: string | undefined;
  try {
    charset =
      typeof header === 'string'
        ? (new MIMEType(header).params.get('charset') ?? undefined)
        : undefined;
  } catch {
    charset = undefined;
  }
  const normalized = charset?.toLowerCase();
  if (normalized === undefined || normalized === 'utf-8' || normalized === 'utf8') {
    next();
    return;
  }
  next(
    new UnsupportedCharsetError(`unsupported charset "${normalized.toUpperCase()}": send UTF-8`),
  );
}
