import { AccessContract } from './access/access.contract';
import { AuditContract } from './audit/audit.contract';
import { BaselineContract } from './baseline/baseline.contract';
import { ConsentContract } from './consent/consent.contract';
import { LEDGER_SERIALIZERS } from './ledger/ledger-serializer';
import { RecordsContract } from './records/records.contract';
import { RegistryContract } from './registry/registry.contract';

/**
 * The contracts of the consent-ledger chaincode, as fabric-chaincode-node loads them. The first is
 * the default contract (for unqualified function names). A benchmark seeding contract, when it
 * comes, is one more entry here, writing through the same stores (consent-store, access-event-store,
 * record-store) as the transactions do.
 */
export const contracts: unknown[] = [
  BaselineContract,
  RegistryContract,
  ConsentContract,
  AccessContract,
  RecordsContract,
  AuditContract,
];

/** Transaction results are serialized as sorted-key JSON (see LedgerSerializer). */
export const serializers = LEDGER_SERIALIZERS;
