// Typings for the fabric-shim internals the test harness drives: the contract router the peer
// runs (ChaincodeFromContract) and the shim's loggers. Only what the harness uses is declared.

declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract.js' {
  import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim-api';

  /** fabric-shim's router from a chaincode invocation to a contract's transaction function. */
  class ChaincodeFromContract {
    constructor(
      contractClasses: unknown[],
      serializers: unknown,
      metadata: object,
      title: string,
      version: string,
    );
    readonly metadata: {
      contracts: Record<
        string,
        {
          transactions: {
            name: string;
            tag?: string[];
            parameters?: { name: string; schema: unknown }[];
            returns?: unknown;
          }[];
        }
      >;
      components: { schemas: Record<string, unknown> };
    };
    invokeFunctionality(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  }
  export = ChaincodeFromContract;
}

declare module 'fabric-shim/lib/logger.js' {
  export function getLogger(name?: string): { transports: { silent?: boolean }[] };
}

declare module 'fabric-contract-api/lib/logger.js' {
  export function getLogger(name?: string): { transports: { silent?: boolean }[] };
}

declare module 'fabric-shim/lib/contract-spi/bootstrap.js' {
  /** Loads and validates a metadata file against fabric-contract-api's schema, as at startup. */
  export function loadAndValidateMetadata(path: string): unknown;
}
