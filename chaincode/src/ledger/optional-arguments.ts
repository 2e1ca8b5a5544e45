import 'reflect-metadata';
import { ledgerError } from '@consent-ledger/ledger-api';

/** How many of a transaction's declared arguments a caller must give. */
export interface OptionalArgumentsOptions {
  /** Arguments required; the declared ones after them are optional (`undefined` when left out). */
  readonly required: number;
}

interface TransactionMetadata {
  name: string;
  parameters?: unknown[];
}

/**
 * Lets a transaction take trailing optional arguments. fabric-contract-api insists on exactly the
 * declared number of arguments, unless a transaction's metadata has no parameter list, in which
 * case it hands the transaction the string arguments as given: this decorator, placed above
 * `@Transaction`, drops that list and checks the count itself (INVALID_ARGUMENT, coded, unlike the
 * framework's own count error). The parameters then no longer appear in the metadata.
 */
export function OptionalArguments(options: Readonly<OptionalArgumentsOptions>): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const transactions = Reflect.getMetadata('fabric:transactions', target) as
      TransactionMetadata[] | undefined;
    const transaction = transactions?.find((each) => each.name === propertyKey);
    if (transaction === undefined) {
      throw new Error(`@OptionalArguments goes above @Transaction (${String(propertyKey)})`);
    }
    const declared = transaction.parameters?.length ?? 0;
    delete transaction.parameters;
    const original = descriptor.value as unknown as (...args: unknown[]) => Promise<unknown>;
    const name = String(propertyKey);
    const wrapped = function (this: unknown, ctx: unknown, ...args: unknown[]): Promise<unknown> {
      if (args.length < options.required || args.length > declared) {
        return Promise.reject(
          ledgerError(
            'INVALID_ARGUMENT',
            `${name} takes ${options.required} to ${declared} arguments, not ${args.length}`,
          ),
        );
      }
      return original.call(this, ctx, ...args);
    };
    descriptor.value = wrapped as typeof descriptor.value;
  };
}
