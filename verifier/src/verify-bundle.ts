import { createHash } from 'node:crypto';
import { batchLeaf, collectionEndorsement, verifyInclusion } from '@consent-ledger/ledger-api';
import { common } from '@hyperledger/fabric-protos';
import {
  blockHashes,
  chainCheck,
  dataHashCheck,
  toHeader,
  validationCheck,
} from './block-checks.ts';
import { headerBytes, sha256Hex } from './block-hash.ts';
import type { Checkpoint, EvidenceBundle, EvidenceBundleV2, HeaderJson } from './bundle.ts';
import { certificateProblem, fingerprint, signatureHolds } from './identity.ts';
import { jsonObject, subjectFields } from './private-write.ts';
import {
  compositeKey,
  decodeTransaction,
  identityOf,
  type DecodedTransaction,
} from './transaction.ts';

/** The outcome of one check. */
export interface CheckResult {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly detail: string;
}

/** The checks, in the order they run. */
export type CheckName =
  | 'document-hash'
  | 'merkle-path'
  | 'transaction'
  | 'write-set'
  | 'private-write'
  | 'block-data-hash'
  | 'validation-code'
  | 'orderer-signature'
  | 'pinned-certificates'
  | 'endorsements'
  | 'creator-signature'
  | 'header-chain';

/** The report of {@link verifyBundle}. */
export interface Report {
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
  /** The name of the first check that failed. */
  readonly firstFailure?: CheckName;
}

/** Options of {@link verifyBundle}. */
export interface VerifyOptions {
  /** The document whose SHA-256 the bundle is about. */
  readonly document?: Uint8Array;
  /** A checkpoint the auditor trusts; without it the block is not linked to anything. */
  readonly trust?: Checkpoint;
}

const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');
const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest();

/**
 * The Merkle leaf of a version 1 bundle's batch item: the UTF-8 of its sorted-key JSON without a
 * salt, as batches were anchored before leaves were salted.
 */
function unsaltedLeaf(
  item: Readonly<Record<'category' | 'patientId' | 'recordId' | 'sha256', string>>,
): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      category: item.category,
      patientId: item.patientId,
      recordId: item.recordId,
      sha256: item.sha256,
    }),
  );
}

/** The leaf of a batch member subject: salted in version 2, unsalted in version 1. */
function batchMemberLeaf(bundle: EvidenceBundle): Uint8Array | undefined {
  if (bundle.version === 1) {
    return bundle.subject.kind === 'batch-member' ? unsaltedLeaf(bundle.subject.item) : undefined;
  }
  return bundle.subject.kind === 'batch-member' ? batchLeaf(bundle.subject.item) : undefined;
}

/** The MSPs whose endorsements verify, and what is wrong with the others. */
interface Endorsers {
  readonly valid: ReadonlySet<string>;
  readonly problems: readonly string[];
}

function endorsersOf(bundle: EvidenceBundle, tx: DecodedTransaction): Endorsers {
  const valid = new Set<string>();
  const problems: string[] = [];
  for (const endorsement of tx.endorsements) {
    const problem =
      certificateProblem(
        endorsement.certificate,
        bundle.certificates[endorsement.mspId],
        tx.timestamp,
      ) ??
      (signatureHolds(endorsement.certificate, endorsement.signed, endorsement.signature)
        ? undefined
        : 'the signature does not verify');
    if (problem === undefined) valid.add(endorsement.mspId);
    else problems.push(`${endorsement.mspId}: ${problem}`);
  }
  return { valid, problems };
}

/**
 * Verifies an evidence bundle offline: every check runs (so the report is complete), and the
 * bundle holds only if all of them do.
 */
export function verifyBundle(
  bundle: EvidenceBundle,
  options: Readonly<VerifyOptions> = {},
): Report {
  const checks: CheckResult[] = [];
  const add = (name: CheckName, ok: boolean, detail: string): void => {
    checks.push({ name, ok, detail });
  };
  const { subject } = bundle;

  if (options.document !== undefined) {
    const claimed =
      subject.kind === 'record'
        ? subject.sha256
        : subject.kind === 'batch-member'
          ? subject.item.sha256
          : undefined;
    const actual = sha256Hex(options.document);
    if (claimed === undefined)
      add('document-hash', false, `the subject (${subject.kind}) has no document`);
    else
      add('document-hash', actual === claimed, `document SHA-256 ${actual}, anchored ${claimed}`);
  }

  if (subject.kind === 'batch-member') {
    const ok = verifyInclusion({
      leaf: batchMemberLeaf(bundle) ?? new Uint8Array(0),
      leafIndex: subject.leafIndex,
      treeSize: subject.treeSize,
      auditPath: subject.auditPath.map((each) => Buffer.from(each, 'hex')),
      root: Buffer.from(subject.root, 'hex'),
    });
    add(
      'merkle-path',
      ok,
      `leaf ${subject.leafIndex} of ${subject.treeSize} ${ok ? 'leads' : 'does not lead'} to root ${subject.root}`,
    );
  }

  const envelope = fromBase64(bundle.transaction.envelope);
  let transaction: DecodedTransaction | undefined;
  try {
    transaction = decodeTransaction(envelope);
  } catch (error) {
    add('transaction', false, `the envelope does not decode: ${String(error)}`);
  }
  if (transaction !== undefined) {
    const ok =
      transaction.txId === bundle.transaction.txId && transaction.channel === bundle.channel;
    add(
      'transaction',
      ok,
      `envelope of transaction ${transaction.txId} on channel ${transaction.channel}`,
    );
    if (bundle.version === 2 && bundle.privateWrite !== undefined) {
      add(
        'write-set',
        true,
        `skipped (the subject, ${subject.kind}, is private data: see private-write)`,
      );
      const problem = privateWriteProblem(bundle, transaction);
      add(
        'private-write',
        problem === undefined,
        problem ??
          `the transaction wrote the ${subject.kind}'s value to ${bundle.privateWrite.collection}: its key and value hash to the block's hashed write`,
      );
    } else {
      const found = writeSetProblem(bundle, transaction);
      add('write-set', found === undefined, found ?? `the ${subject.kind} is in the write set`);
    }
  } else {
    add('write-set', false, 'no decodable transaction');
    if (bundle.version === 2 && bundle.privateWrite !== undefined) {
      add('private-write', false, 'no decodable transaction');
    }
  }

  const data = bundle.block.data.map(fromBase64);
  checks.push(dataHashCheck({ header: bundle.block.header, data, envelope }));
  const filter = bundle.block.transactionsFilter;
  checks.push(
    validationCheck({
      data,
      envelope,
      ...(filter === undefined ? {} : { filter: fromBase64(filter) }),
    }),
  );

  checks.push(
    ordererSignatureCheck({
      header: bundle.block.header,
      metadataSignatures: bundle.block.metadataSignatures,
      ordererCertificates: bundle.ordererCertificates,
      at: transaction?.timestamp,
    }),
  );

  const pinned = options.trust?.msps;
  if (pinned !== undefined) {
    const organizations = [
      ...Object.entries(bundle.certificates),
      ...Object.entries(bundle.ordererCertificates ?? {}),
    ];
    const problems = organizations.flatMap(([mspId, authorities]) => {
      const allowed = new Set(Object.hasOwn(pinned, mspId) ? pinned[mspId] : []);
      return authorities.roots
        .filter((pem) => {
          try {
            return !allowed.has(fingerprint(pem));
          } catch {
            return true;
          }
        })
        .map(() => mspId);
    });
    add(
      'pinned-certificates',
      problems.length === 0,
      problems.length === 0
        ? 'every root CA is pinned by the checkpoint'
        : `root CAs not pinned by the checkpoint: ${[...new Set(problems)].join(', ')}`,
    );
  }

  if (transaction !== undefined) {
    const tx = transaction;
    const { valid: endorsers, problems } = endorsersOf(bundle, tx);
    const policy = bundle.endorsementPolicy;
    const satisfying = [...endorsers].filter((mspId) => policy.orgs.includes(mspId)).sort();
    const ok = problems.length === 0 && satisfying.length >= policy.outOf;
    add(
      'endorsements',
      ok,
      problems.length > 0
        ? problems.join('; ')
        : `valid endorsements by ${satisfying.join(', ') || 'nobody'}; policy ${policy.outOf} of ${policy.orgs.length}`,
    );
    const creatorProblem =
      certificateProblem(
        tx.creatorCertificate,
        bundle.certificates[tx.creatorMspId],
        tx.timestamp,
      ) ??
      (signatureHolds(tx.creatorCertificate, tx.payload, tx.creatorSignature)
        ? undefined
        : 'the signature does not verify');
    add(
      'creator-signature',
      creatorProblem === undefined,
      `submitted by a member of ${tx.creatorMspId}${creatorProblem === undefined ? '' : `: ${creatorProblem}`}`,
    );
  } else {
    add('endorsements', false, 'no decodable transaction');
  }

  if (options.trust !== undefined) {
    checks.push(chainCheck({ bundle, trust: options.trust }));
  } else {
    const [hash] = blockHashes([bundle.block.header]);
    add(
      'header-chain',
      true,
      `skipped (no trusted checkpoint); block ${bundle.block.header.number} hashes to ${hash ?? '?'}`,
    );
  }

  const failed = checks.find((check) => !check.ok);
  return {
    ok: failed === undefined,
    checks,
    ...(failed === undefined ? {} : { firstFailure: failed.name }),
  };
}

/** Inputs of {@link ordererSignatureCheck}. */
export interface OrdererSignatureInput {
  readonly header: HeaderJson;
  /** Base64 of the block's metadata [SIGNATURES] (a common.Metadata). */
  readonly metadataSignatures: string | undefined;
  /** The orderer organizations' CAs, by MSP ID. */
  readonly ordererCertificates: EvidenceBundle['ordererCertificates'];
  /** When the signer's certificate must have been valid: the transaction's timestamp. */
  readonly at: Date | undefined;
}

/** The creator (MSP ID, PEM certificate) of a serialized SignatureHeader, if it decodes. */
function signerOf(
  signatureHeader: Uint8Array,
): { readonly mspId: string; readonly certificate: string } | undefined {
  if (signatureHeader.length === 0) return undefined;
  try {
    return identityOf(common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8());
  } catch {
    return undefined;
  }
}

/**
 * An orderer of an orderer organization in `ordererCertificates` signed the block header (ANY
 * signature suffices, as etcdraft's default BlockValidation policy, ANY Writers, requires). Each
 * MetadataSignature signs `metadata.value ‖ signatureHeader ‖ BlockHeaderBytes(header)` (Fabric
 * 2.5 blockwriter.go addBlockSignature). Skipped (passing) when the bundle lacks the orderer CAs
 * or the signatures.
 */
export function ordererSignatureCheck(input: Readonly<OrdererSignatureInput>): CheckResult {
  const result = (ok: boolean, detail: string): CheckResult => ({
    name: 'orderer-signature',
    ok,
    detail,
  });
  const authorities = input.ordererCertificates;
  if (authorities === undefined) {
    return result(true, 'skipped (the bundle has no orderer CA certificates)');
  }
  if (input.metadataSignatures === undefined) {
    return result(true, 'skipped (the bundle has no block signatures)');
  }
  let metadata: common.Metadata;
  try {
    metadata = common.Metadata.deserializeBinary(fromBase64(input.metadataSignatures));
  } catch (error) {
    return result(false, `the block's SIGNATURES metadata does not decode: ${String(error)}`);
  }
  const signatures = metadata.getSignaturesList();
  if (signatures.length === 0) return result(false, 'the block has no orderer signatures');
  const header = headerBytes(toHeader(input.header));
  const value = metadata.getValue_asU8();
  const signers = new Set<string>();
  const problems: string[] = [];
  for (const [index, signature] of signatures.entries()) {
    const signatureHeader = signature.getSignatureHeader_asU8();
    const signer = signerOf(signatureHeader);
    if (signer === undefined) {
      problems.push(`signature ${index}: no decodable signature header`);
      continue;
    }
    const { mspId, certificate } = signer;
    const problem = !Object.hasOwn(authorities, mspId)
      ? 'not an orderer organization of the bundle'
      : (certificateProblem(certificate, authorities[mspId], input.at) ??
        (signatureHolds(
          certificate,
          Buffer.concat([value, signatureHeader, header]),
          signature.getSignature_asU8(),
        )
          ? undefined
          : 'the signature does not verify'));
    if (problem === undefined) signers.add(mspId);
    else problems.push(`signature ${index} by ${mspId || 'no MSP'}: ${problem}`);
  }
  if (signers.size === 0) return result(false, problems.join('; '));
  return result(
    true,
    `block ${input.header.number} signed by an orderer of ${[...signers].sort().join(', ')}` +
      (problems.length === 0 ? '' : ` (ignored: ${problems.join('; ')})`),
  );
}

function writeSetProblem(bundle: EvidenceBundle, tx: DecodedTransaction): string | undefined {
  const { subject } = bundle;
  if (subject.kind === 'consent')
    return 'a consent is private data: the bundle needs its private write';
  if (subject.kind === 'consent-request')
    return 'a consent request is private data: the bundle needs its private write';
  const key =
    subject.kind === 'record'
      ? compositeKey(
          'rec',
          subject.owner === undefined ? [subject.recordId] : [subject.owner, subject.recordId],
        )
      : subject.kind === 'batch-member'
        ? compositeKey('bat', [subject.batchId])
        : compositeKey('evt', [subject.eventId]);
  const write = tx.writes.find(
    (each) => each.namespace === bundle.chaincode && each.key === key && !each.isDelete,
  );
  if (write === undefined) return `no write of ${JSON.stringify(key)} in ${bundle.chaincode}`;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(write.value).toString('utf8'));
  } catch {
    return 'the written value is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'the written value is not an object';
  const fields = value as Record<string, unknown>;
  const expected: Record<string, unknown> =
    subject.kind === 'record'
      ? {
          recordId: subject.recordId,
          ...(subject.owner === undefined ? {} : { owner: subject.owner }),
          sha256: subject.sha256,
          ...(subject.version === undefined ? {} : { version: subject.version }),
        }
      : subject.kind === 'batch-member'
        ? { batchId: subject.batchId, root: subject.root, size: subject.treeSize }
        : { eventId: subject.eventId };
  const wrong = Object.entries(expected).filter(([name, want]) => fields[name] !== want);
  return wrong.length === 0
    ? undefined
    : `the written value differs in ${wrong.map(([name]) => name).join(', ')}`;
}

/**
 * Why the bundle's private write is not proven, or undefined when it is: the transaction's
 * read-write set for the chaincode's namespace holds, in the collection's hashed write set, a
 * write of SHA-256(key) with value hash SHA-256(value); the value is a JSON object naming the
 * subject (and, when it names one, this transaction); and the endorsements that verify include
 * enough members of the collection for its endorsement policy (ledger-api collectionEndorsement).
 */
function privateWriteProblem(bundle: EvidenceBundleV2, tx: DecodedTransaction): string | undefined {
  const { privateWrite, subject } = bundle;
  if (privateWrite === undefined) return 'the bundle has no private write';
  const { collection, key } = privateWrite;
  const value = fromBase64(privateWrite.value);
  const keyHash = sha256(key);
  const write = tx.hashedWrites.find(
    (each) =>
      each.namespace === bundle.chaincode &&
      each.collection === collection &&
      keyHash.equals(each.keyHash),
  );
  if (write === undefined) {
    return `no write of the key in ${collection}'s hashed write set of ${bundle.chaincode}`;
  }
  if (write.isDelete || write.isPurge) return `the transaction deleted the key in ${collection}`;
  if (!sha256(value).equals(write.valueHash)) {
    return `the private value does not hash to the value hash the block holds for the key`;
  }
  const fields = jsonObject(value);
  if (typeof fields === 'string') return fields;
  const expected = subjectFields(subject);
  if (typeof fields.txId === 'string') expected.txId = tx.txId;
  const wrong = Object.entries(expected).filter(([name, want]) => fields[name] !== want);
  if (wrong.length > 0) {
    return `the private value differs from the subject in ${wrong.map(([name]) => name).join(', ')}`;
  }
  let policy: ReturnType<typeof collectionEndorsement>;
  try {
    policy = collectionEndorsement(collection, bundle.endorsementPolicy.orgs);
  } catch {
    return `${collection} is not a collection of the channel's organizations`;
  }
  const { valid } = endorsersOf(bundle, tx);
  const members = policy.peers.filter((mspId) => valid.has(mspId));
  if (members.length < policy.outOf) {
    return `${collection} needs ${policy.outOf} of ${policy.peers.join(', ')} to endorse; valid endorsements by members: ${members.join(', ') || 'none'}`;
  }
  return undefined;
}
