import { Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidArgumentError } from './errors.js';

/** Validates a path parameter against a pattern (400 INVALID_ARGUMENT otherwise). */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  constructor(
    private readonly pattern: RegExp,
    private readonly what: string,
  ) {}

  transform(value: string): string {
    if (!this.pattern.test(value)) throw new InvalidArgumentError(`malformed ${this.what}`);
    return value;
  }
}

/** A pipe for a path parameter matching `pattern`. */
export function idPipe(pattern: RegExp, what: string): IdPipe {
  return new IdPipe(pattern, what);
}
