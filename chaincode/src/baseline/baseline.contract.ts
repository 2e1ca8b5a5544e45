import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

/**
 * The benchmark's yardstick: one plain write and one plain read, nothing else, deployed in the
 * same package under the same endorsement policy, so every other transaction's cost can be
 * reported as a ratio to the cost of a bare Fabric write or read.
 */
@Info({ title: 'Baseline', description: 'Plain Put and Get, the benchmark baseline' })
export class BaselineContract extends Contract {
  constructor() {
    super('baseline');
  }

  /** Writes a value under a key of the baseline's own namespace prefix. */
  @Transaction()
  async Put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(`baseline:${key}`, Buffer.from(value, 'utf8'));
  }

  /** Reads a value written by Put; empty when absent. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, key: string): Promise<string> {
    const value = await ctx.stub.getState(`baseline:${key}`);
    return Buffer.from(value).toString('utf8');
  }
}
