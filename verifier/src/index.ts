/** Offline verification of Consent Ledger evidence bundles (docs/evidence-bundle.md). */
export {
  verifyBundle,
  ordererSignatureCheck,
  type OrdererSignatureInput,
  type CheckName,
  type CheckResult,
  type Report,
  type VerifyOptions,
} from './verify-bundle.ts';
export {
  parseBundle,
  parseCheckpoint,
  BundleFormatError,
  PRIVATE_SUBJECTS,
  type Checkpoint,
  type EvidenceBundle,
  type EvidenceBundleV1,
  type EvidenceBundleV2,
  type HeaderJson,
  type PrivateWriteJson,
  type Subject,
  type SubjectV1,
} from './bundle.ts';
export {
  privateWriteInBlock,
  privateWriteOf,
  transactionIndex,
  type BlockPrivateWriteQuery,
  type PrivateWrite,
  type PrivateWriteQuery,
} from './private-write.ts';
export { dataHash, headerBytes, headerHash, sha256Hex, type BlockHeader } from './block-hash.ts';
export { blockHashes, toHeader } from './block-checks.ts';
export { fingerprint } from './identity.ts';
export {
  compositeKey,
  decodeTransaction,
  type DecodedHashedWrite,
  type DecodedTransaction,
} from './transaction.ts';
export {
  buildBundle,
  blockByNumber,
  headerJson,
  mspCertificates,
  channelCertificates,
  type ChannelCertificates,
  type BuildBundleOptions,
  type Evaluate,
} from './build-bundle.ts';
