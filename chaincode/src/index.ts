import { AccessContract } from './access/access.contract';
import { AuditContract } from './audit/audit.contract';
import { BaselineContract } from './baseline/baseline.contract';
import { BenchContract } from './bench/bench.contract';
import { CohortContract } from './cohort/cohort.contract';
import { ConsentContract } from './consent/consent.contract';
import { ConsentRequestContract } from './consent-request/consent-request.contract';
import { acceptTransientInputs } from './ledger/ledger-contract';
import { LEDGER_SERIALIZERS } from './ledger/ledger-serializer';
import { dropShimLogsBelowLevel } from './ledger/shim-logging';
import { NoticeContract } from './notice/notice.contract';
import { PatientContract } from './patient/patient.contract';
import { RecordsContract } from './records/records.contract';
import { ReferralContract } from './referral/referral.contract';
import { RegistryContract } from './registry/registry.contract';

/**
 * The contracts of the consent-ledger chaincode, as fabric-chaincode-node loads them, one per
 * contract of ledger-api's catalogue (and per gateway module). The first is the default contract
 * (for unqualified function names). `bench` seeds synthetic access events through the same store
 * as access:RequestAccess, and refuses unless the package enables it (only the benchmark's own
 * deployment does). Every transaction takes its inputs from the proposal's transient request and
 * declares no parameter.
 */
export const contracts: unknown[] = [
  BaselineContract,
  RegistryContract,
  NoticeContract,
  PatientContract,
  ConsentContract,
  AccessContract,
  ReferralContract,
  CohortContract,
  RecordsContract,
  AuditContract,
  BenchContract,
  ConsentRequestContract,
];

acceptTransientInputs(contracts);
dropShimLogsBelowLevel();

/** Transaction results are serialized as sorted-key JSON (see LedgerSerializer). */
export const serializers = LEDGER_SERIALIZERS;
