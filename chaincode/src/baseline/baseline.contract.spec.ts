import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { BaselineContract } from './baseline.contract';

describe('BaselineContract', () => {
  it('declares its transactions through decorators', () => {
    const contract = new BaselineContract();
    expect(contract.getName()).toBe('baseline');
    const meta = Reflect.getMetadata('fabric:transactions', BaselineContract.prototype) as {
      name: string;
    }[];
    expect(meta.map((t) => t.name).sort()).toEqual(['Get', 'Put']);
    const paramTypes = Reflect.getMetadata(
      'design:paramtypes',
      BaselineContract.prototype,
      'Put',
    ) as unknown[];
    expect(paramTypes).toHaveLength(3);
  });
});
