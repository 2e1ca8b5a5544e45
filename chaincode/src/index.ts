import { BaselineContract } from './baseline/baseline.contract';

/** The contracts of the consent-ledger chaincode, as fabric-chaincode-node loads them. */
export const contracts: unknown[] = [BaselineContract];
