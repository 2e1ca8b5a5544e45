import { JSONSerializer } from 'fabric-contract-api';
import { marshal } from './marshal';

/**
 * fabric-contract-api's transaction serializer with two changes: a sealed result (bytes: see
 * sealed-result.ts) is passed through as it is, and object results are written with marshal()
 * (sorted-key JSON) instead of JSON.stringify, so every result is the same bytes on every endorser
 * whatever the order its fields were built in. Arguments are decoded as before.
 */
export class LedgerSerializer extends JSONSerializer {
  override toBuffer(result: unknown, schema: unknown = {}, loggerPrefix?: string): Buffer {
    if (result instanceof Uint8Array) return Buffer.from(result);
    if (typeof result === 'object' && result !== null) return marshal(result);
    return super.toBuffer(result, schema, loggerPrefix);
  }
}

/** The serializer configuration fabric-chaincode-node reads from the chaincode's main module. */
export const LEDGER_SERIALIZERS = {
  transaction: 'ledgerSerializer',
  serializers: { ledgerSerializer: LedgerSerializer },
};
