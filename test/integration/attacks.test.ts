import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signers, type Proposal } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  generatePatientKey,
  hashEnrolmentCode,
  newEnrolmentCode,
  newSalt,
  transientRequest,
  type ArgsOf,
  type ConsentInput,
  type PatientKey,
  type RecordHistory,
  type ResultOf,
  type SignedAction,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import { connectAs, orgLayout, peerIdentity, userIdentity } from '@consent-ledger/network';
import {
  closeUsers,
  enrollUser,
  newGuardianId,
  newPatientId,
  signAs,
  type TestUser,
} from '../support/identities.ts';
import { evaluate, submit, type Caller } from '../support/ledger-calls.ts';
import { errorText, expectLedgerError } from '../support/ledger-errors.ts';
import { committedTransactions, transactionOnLedger, writtenBy } from '../support/ledger-watch.ts';
import { ledgerHeight, org, topology } from '../support/ledger.ts';
import { registerPatient, type TestPatient } from '../support/patients.ts';

/**
 * Attacks on the ledger itself (docs/reliability.md, "Attacks"; docs/patient-keys.md), each on the
 * real network: it fails, and nothing is written. A hospital rewriting another hospital's record is
 * stopped by the record's key-level endorsement policy at validation, with endorsements forged by
 * colluding peers. An insurer that registers the pseudonym again, mints a patient certificate or
 * signs a consent with a key of its own gets nothing, and its analyst is denied. The patient's own
 * hospital, which holds the patient's data, its CA, its peer and its admins' certificates, cannot
 * grant, revoke or erase for the patient: not with a statement signed by a key it made, not with a
 * patient certificate, not with its own peer endorsing alone, not with a write set it forges and
 * its peer signs. Replayed, altered, replaced-key and out-of-period guardian statements are
 * refused too.
 */

const GOV = 'GovMSP';
const TERTIARY = 'TertiaryHospitalMSP';
const COMMUNITY = 'CommunityHospitalMSP';
const ENTERPRISE = 'EnterpriseMSP';
const CHAINCODE = topology.chaincode.name;
const sha256 = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');
const sha256Bytes = (data: string | Uint8Array): Buffer =>
  createHash('sha256').update(data).digest();
const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** A composite key as the chaincode writes it (chaincode/src/ledger/keys.ts). */
const compositeKey = (type: string, ...attributes: string[]): string =>
  `\u0000${[type, ...attributes].join('\u0000')}\u0000`;

/** The signing key of an MSP folder (its one keystore file). */
function keyOf(mspDir: string) {
  const keystore = path.join(mspDir, 'keystore');
  const [file] = readdirSync(keystore);
  if (file === undefined) throw new Error(`no key in ${keystore}`);
  return createPrivateKey(readFileSync(path.join(keystore, file)));
}

/** Signs a message as Fabric does: ECDSA over its SHA-256, low-S DER. */
async function fabricSign(mspDir: string, message: Uint8Array): Promise<Uint8Array> {
  return signers.newPrivateKeySigner(keyOf(mspDir))(sha256Bytes(message));
}

/** A peer's serialized identity and MSP folder (its enrollment certificate and key). */
function peerSigner(orgName: string): { identity: Uint8Array; mspDir: string } {
  const organization = org(orgName);
  const peerNode = organization.peers[0];
  if (peerNode === undefined) throw new Error(`${orgName} has no peer`);
  const mspDir = peerIdentity(organization, peerNode).mspDir;
  const identity = new msp.SerializedIdentity();
  identity.setMspid(organization.mspId);
  identity.setIdBytes(readFileSync(path.join(mspDir, 'signcerts', 'cert.pem')));
  return { identity: identity.serializeBinary(), mspDir };
}

/** A user's MSP folder (its certificate and key, as the organization's CA issued them). */
function mspDirOf(user: TestUser): string {
  return userIdentity(orgLayout(user.org), user.id).mspDir;
}

/**
 * Takes a genuinely endorsed (not submitted) transaction, rewrites its read-write set with
 * `rewrite`, endorses the result with the private keys of `endorsers`' peers (organizations running
 * altered chaincode), and signs the envelope as the creator: the transaction bytes an attacker who
 * controls those peers could submit.
 */
async function forge(
  prepared: Uint8Array,
  options: Readonly<{
    creatorMspDir: string;
    endorsers: readonly string[];
    rewrite: (rwset: ledger.rwset.TxReadWriteSet) => void;
  }>,
): Promise<{ bytes: Uint8Array; signature: Uint8Array }> {
  const preparedTx = gatewayProtos.PreparedTransaction.deserializeBinary(prepared);
  const envelope = preparedTx.getEnvelope();
  if (envelope === undefined) throw new Error('no envelope');
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = transaction.getActionsList()[0];
  if (action === undefined) throw new Error('no action');
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (endorsed === undefined) throw new Error('no endorsed action');
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
    endorsed.getProposalResponsePayload_asU8(),
  );
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
    responsePayload.getExtension_asU8(),
  );
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
  options.rewrite(rwset);
  chaincodeAction.setResults(rwset.serializeBinary());
  responsePayload.setExtension$(chaincodeAction.serializeBinary());
  const responseBytes = responsePayload.serializeBinary();
  const endorsements = await Promise.all(
    options.endorsers.map(async (orgName) => {
      const signer = peerSigner(orgName);
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(signer.identity);
      endorsement.setSignature(
        await fabricSign(signer.mspDir, Buffer.concat([responseBytes, signer.identity])),
      );
      return endorsement;
    }),
  );
  endorsed.setProposalResponsePayload(responseBytes);
  endorsed.setEndorsementsList(endorsements);
  actionPayload.setAction(endorsed);
  action.setPayload(actionPayload.serializeBinary());
  transaction.setActionsList([action]);
  payload.setData(transaction.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  envelope.setPayload(payloadBytes);
  const signature = await fabricSign(options.creatorMspDir, payloadBytes);
  envelope.setSignature(signature);
  preparedTx.setEnvelope(envelope);
  return { bytes: preparedTx.serializeBinary(), signature };
}

/** Rewrites the public writes of a read-write set's keys and values (reads dropped: no MVCC). */
function rewritePublic(rewrite: (text: string) => string) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return (rwset: ledger.rwset.TxReadWriteSet): void => {
    for (const namespace of rwset.getNsRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(namespace.getRwset_asU8());
      kv.setReadsList([]);
      kv.setRangeQueriesInfoList([]);
      for (const write of kv.getWritesList()) {
        write.setKey(rewrite(write.getKey()));
        write.setValue(encoder.encode(rewrite(decoder.decode(write.getValue_asU8()))));
      }
      for (const write of kv.getMetadataWritesList()) write.setKey(rewrite(write.getKey()));
      namespace.setRwset(kv.serializeBinary());
    }
  };
}

/** A private write an attacker wants: a key and a value (or a purge) in a collection. */
interface PrivateWrite {
  readonly collection: string;
  readonly key: string;
  /** The value written; absent: the key is purged (PurgePrivateData). */
  readonly value?: string;
}

/**
 * Replaces a read-write set by the given private writes of the chaincode's namespace (their hashes
 * as a block holds them; the values themselves never leave the attacker), and nothing else.
 */
function privateWrites(writes: readonly PrivateWrite[]) {
  return (rwset: ledger.rwset.TxReadWriteSet): void => {
    const collections = new Map<string, ledger.rwset.kvrwset.KVWriteHash[]>();
    for (const write of writes) {
      const hashed = new ledger.rwset.kvrwset.KVWriteHash();
      hashed.setKeyHash(sha256Bytes(write.key));
      if (write.value === undefined) {
        hashed.setIsDelete(true);
        hashed.setIsPurge(true);
      } else hashed.setValueHash(sha256Bytes(write.value));
      collections.set(write.collection, [...(collections.get(write.collection) ?? []), hashed]);
    }
    const namespace = new ledger.rwset.NsReadWriteSet();
    namespace.setNamespace(CHAINCODE);
    namespace.setRwset(new ledger.rwset.kvrwset.KVRWSet().serializeBinary());
    namespace.setCollectionHashedRwsetList(
      [...collections].map(([name, hashes]) => {
        const set = new ledger.rwset.kvrwset.HashedRWSet();
        set.setHashedWritesList(hashes);
        const collection = new ledger.rwset.CollectionHashedReadWriteSet();
        collection.setCollectionName(name);
        collection.setHashedRwset(set.serializeBinary());
        collection.setPvtRwsetHash(sha256Bytes(randomBytes(32)));
        return collection;
      }),
    );
    rwset.setNsRwsetList([namespace]);
  };
}

/** A certificate authority outside the channel, and a client certificate it issued (openssl). */
function rogueIdentity(
  dir: string,
  attributes: Record<string, string>,
): { mspDir: string; caCert: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  run(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/C=US/ST=North Carolina/O=Hyperledger/OU=Fabric/CN=fabric-ca-server',
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:1',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    'ca.pem',
  );
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'user.key');
  const enrollmentId = 'rogue-clinician';
  run(
    'req',
    '-new',
    '-key',
    'user.key',
    '-subj',
    `/OU=client/CN=${enrollmentId}`,
    '-out',
    'user.csr',
  );
  const attrs = JSON.stringify({
    attrs: { ...attributes, 'hf.EnrollmentID': enrollmentId, 'hf.Type': 'client' },
  });
  writeFileSync(
    path.join(dir, 'ext.cnf'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      `1.2.3.4.5.6.7.8.1=DER:${Buffer.from(attrs).toString('hex')}`,
    ].join('\n'),
  );
  run(
    'x509',
    '-req',
    '-in',
    'user.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '30',
    '-extfile',
    'ext.cnf',
    '-out',
    'user.pem',
  );
  const mspDir = path.join(dir, 'msp');
  mkdirSync(path.join(mspDir, 'signcerts'), { recursive: true });
  mkdirSync(path.join(mspDir, 'keystore'), { recursive: true });
  writeFileSync(
    path.join(mspDir, 'signcerts', 'cert.pem'),
    readFileSync(path.join(dir, 'user.pem')),
  );
  writeFileSync(path.join(mspDir, 'keystore', 'key.pem'), readFileSync(path.join(dir, 'user.key')));
  return { mspDir, caCert: readFileSync(path.join(dir, 'ca.pem'), 'utf8') };
}

/** A proposal with the request as transient data (its transaction ID known before it is sent). */
function proposal(
  caller: Caller,
  name: SubmitName,
  args: readonly unknown[],
  endorsers: readonly string[],
): Proposal {
  const [contractName, fn] = name.split(':') as [string, string];
  return caller.connection.gateway
    .getNetwork(topology.channel.name)
    .getContract(CHAINCODE, contractName)
    .newProposal(fn, {
      transientData: transientRequest({ args, salt: newSalt() }),
      endorsingOrganizations: [...endorsers],
    });
}

/** The terms an insurer wants: its analysts, genomic data, for insurance. */
const INSURER_TERMS: ConsentInput = {
  grantee: { org: ENTERPRISE, role: 'analyst' },
  purposes: ['insurance'],
  categories: ['genomic'],
};

describe('attacks on the ledger', () => {
  let patient: TestPatient;
  let otherPatient: TestPatient;
  let homeAdmin: TestUser;
  let owner: TestUser;
  let rival: TestUser;
  let enterpriseAdmin: TestUser;
  let enterpriseAnalyst: TestUser;
  let researcher: TestUser;
  let regulator: TestUser;
  let consentId = '';
  let revokedId = '';
  let eventId = '';
  const recordId = `attack-${randomBytes(5).toString('hex')}`;
  /** Proposals refused at endorsement: never on the ledger. */
  const refusedTxIds: string[] = [];
  /** Forged transactions: in a block, invalid. */
  const forgedTxIds: string[] = [];
  let heightBefore = 0n;
  let before: unknown[] = [];

  const commit = async <N extends SubmitName>(
    caller: Caller,
    name: N,
    args: ArgsOf<N>,
    endorsers: readonly string[],
  ): Promise<ResultOf<N>> => (await submit(caller, name, args, { endorsers })).result;
  /** Sends a proposal that must be refused with `code` at endorsement. */
  const refused = async (made: Proposal, code: string): Promise<string> => {
    refusedTxIds.push(made.getTransactionId());
    return expectLedgerError(made.endorse(), code);
  };
  const getRecord = async (): Promise<RecordHistory> =>
    evaluate(regulator, 'records:GetRecord', recordId, TERTIARY);
  /** What the attacks aim at: the patient's consents and binding, as the regulator reads them. */
  const patientState = async (): Promise<unknown[]> =>
    Promise.all([
      evaluate(regulator, 'consent:GetConsentHistory', consentId),
      evaluate(regulator, 'consent:GetConsentHistory', revokedId),
      evaluate(regulator, 'consent:QueryConsents', { patientId: patient.patientId, pageSize: 100 }),
      evaluate(regulator, 'patient:GetBindingHistory', patient.patientId),
      evaluate(regulator, 'patient:QueryErasures', patient.patientId),
    ]);

  beforeAll(async () => {
    [homeAdmin, owner, rival, enterpriseAdmin, enterpriseAnalyst, researcher, regulator] =
      await Promise.all([
        enrollUser({ org: 'tertiary', role: 'admin' }),
        enrollUser({ org: 'tertiary', role: 'clinician' }),
        enrollUser({ org: 'community', role: 'clinician' }),
        enrollUser({ org: 'enterprise', role: 'admin' }),
        enrollUser({ org: 'enterprise', role: 'analyst' }),
        enrollUser({ org: 'research', role: 'researcher' }),
        enrollUser({ org: 'gov', role: 'regulator' }),
      ]);
    [patient, otherPatient] = await Promise.all([
      registerPatient('tertiary', { carrier: homeAdmin }),
      registerPatient('tertiary', { carrier: homeAdmin }),
    ]);
    const ends = [TERTIARY, GOV];
    consentId = (
      await commit(
        homeAdmin,
        'consent:GrantConsent',
        [
          await patient.sign('consent:GrantConsent', {
            grantee: { org: COMMUNITY },
            purposes: ['treatment'],
            categories: ['imaging'],
          }),
        ],
        ends,
      )
    ).consentId;
    revokedId = (
      await commit(
        homeAdmin,
        'consent:GrantConsent',
        [
          await patient.sign('consent:GrantConsent', {
            grantee: { org: TERTIARY },
            purposes: ['treatment'],
            categories: ['imaging'],
          }),
        ],
        ends,
      )
    ).consentId;
    await commit(
      homeAdmin,
      'consent:RevokeConsent',
      [await patient.sign('consent:RevokeConsent', { consentId: revokedId, expectedVersion: 1 })],
      ends,
    );
    eventId = (
      await commit(
        owner,
        'access:RequestAccess',
        [{ patientId: patient.patientId, purpose: 'treatment', categories: ['imaging'] }],
        ends,
      )
    ).eventId;
    await commit(
      owner,
      'records:AnchorRecord',
      [{ recordId, patientId: patient.patientId, category: 'imaging', sha256: sha256('v1') }],
      ends,
    );
    before = await patientState();
    heightBefore = await ledgerHeight();
  }, 600_000);

  afterAll(() => {
    closeUsers();
  });

  it('refuses a patient revoking another patient’s consent', async () => {
    // The other patient's own key, on a statement about themselves naming this consent.
    await refused(
      proposal(
        homeAdmin,
        'consent:RevokeConsent',
        [await otherPatient.sign('consent:RevokeConsent', { consentId, expectedVersion: 1 })],
        [TERTIARY, GOV],
      ),
      'FORBIDDEN',
    );
    // The other patient's key, on a statement naming this patient.
    await refused(
      proposal(
        homeAdmin,
        'consent:RevokeConsent',
        [
          await signAs(otherPatient.key, {
            patientId: patient.patientId,
            action: 'consent:RevokeConsent',
            payload: { consentId, expectedVersion: 1 },
          }),
        ],
        [TERTIARY, GOV],
      ),
      'FORBIDDEN',
    );
    const consent = await evaluate(regulator, 'consent:GetConsent', consentId);
    expect(consent).toMatchObject({ status: 'active', version: 1 });
  });

  it('keeps a hospital anchoring another hospital’s record ID to a record of its own', async () => {
    // Record IDs are scoped by their owner: the rival's anchor of the ID is its own record's
    // version 1 (it used to be refused: an ID one hospital took, another could not use), and the
    // owner's record is untouched (also checked with the patient's state at the end).
    const theirs = await commit(
      rival,
      'records:AnchorRecord',
      [{ recordId, patientId: patient.patientId, category: 'imaging', sha256: sha256('forged') }],
      [COMMUNITY, TERTIARY],
    );
    expect(theirs).toMatchObject({ recordId, version: 1, owner: COMMUNITY });
    expect((await getRecord()).versions.map((each) => [each.version, each.owner])).toEqual([
      [1, TERTIARY],
    ]);
  });

  it('invalidates, by the key-level endorsement policy, a rewrite endorsed by two colluding peers', async () => {
    const creatorMspDir = mspDirOf(rival);
    // The rival anchors a record of its own for a patient of the enterprise, endorsed for real by
    // the two colluding organizations (not submitted): a template. The record's patient link lives
    // in the rival's and the enterprise's collection, so their two peers satisfy its policy.
    const insured = await registerPatient('enterprise', { carrier: enterpriseAdmin });
    const decoy = `decoy-${randomBytes(5).toString('hex')}`;
    const endorseDecoy = (id: string) =>
      proposal(
        rival,
        'records:AnchorRecord',
        [
          {
            recordId: id,
            patientId: insured.patientId,
            category: 'imaging',
            sha256: sha256('forged'),
          },
        ],
        [COMMUNITY, ENTERPRISE],
      ).endorse();
    const template = await endorseDecoy(decoy);
    // Its public writes aimed at the tertiary hospital's record (keys and values of the owner's
    // record: its owner and its ID), endorsed by the community hospital's and the enterprise's
    // peers: the chaincode's any-two policy is met, the record's is not.
    const forged = await forge(template.getBytes(), {
      creatorMspDir,
      endorsers: ['community', 'enterprise'],
      rewrite: rewritePublic((value) =>
        value.replaceAll(decoy, recordId).replaceAll(COMMUNITY, TERTIARY),
      ),
    });
    const attack = rival.connection.gateway.newSignedTransaction(forged.bytes, forged.signature);
    forgedTxIds.push(attack.getTransactionId());
    const status = await (await attack.submit()).getStatus();
    expect(status.successful).toBe(false);
    expect(status.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    const record = await getRecord();
    expect(record.versions.map((each) => [each.version, each.owner, each.sha256])).toEqual([
      [1, TERTIARY, sha256('v1')],
    ]);

    // Control: the same forgery aimed at the rival's own new record is valid, so what refused the
    // attack is the owner's key-level policy, not a malformed transaction.
    const control = `decoy-${randomBytes(5).toString('hex')}`;
    const controlForged = await forge((await endorseDecoy(decoy)).getBytes(), {
      creatorMspDir,
      endorsers: ['community', 'enterprise'],
      rewrite: rewritePublic((value) => value.replaceAll(decoy, control)),
    });
    const controlStatus = await (
      await rival.connection.gateway
        .newSignedTransaction(controlForged.bytes, controlForged.signature)
        .submit()
    ).getStatus();
    expect(controlStatus.code).toBe(peer.TxValidationCode.VALID);
  });

  it('refuses an enterprise and a research user reading audit events that are not theirs', async () => {
    for (const reader of [enterpriseAnalyst, researcher]) {
      await expectLedgerError(evaluate(reader, 'audit:GetAccessEvent', eventId), 'FORBIDDEN');
      await expectLedgerError(
        evaluate(reader, 'audit:QueryAccessEvents', { accessorOrg: TERTIARY }),
        'FORBIDDEN',
      );
      const own = await evaluate(reader, 'audit:QueryAccessEvents', {
        patientId: patient.patientId,
      });
      expect(own.items).toEqual([]);
    }
  });

  it('refuses a certificate from a CA outside the channel, with the right MSP ID and attributes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rogue-ca-'));
    try {
      const rogue = rogueIdentity(dir, { role: 'clinician' });
      const trusted = readFileSync(orgLayout(org('tertiary')).caCert, 'utf8');
      expect(rogue.caCert).not.toBe(trusted);
      const connection = connectAs({ org: org('tertiary'), identity: { mspDir: rogue.mspDir } });
      try {
        const read = await evaluate({ connection }, 'records:GetRecord', recordId, TERTIARY).then(
          () => 'answered',
          (error: unknown) => errorText(error),
        );
        expect(read).toMatch(/access denied|creator|certificate|identity/i);
        expect(read).not.toMatch(/\b(?:INVALID_ARGUMENT|FORBIDDEN|RECORD_NOT_FOUND): /);
        const made = proposal(
          { connection },
          'records:AnchorRecord',
          [
            {
              recordId,
              patientId: patient.patientId,
              category: 'imaging',
              sha256: sha256('rogue'),
            },
          ],
          [TERTIARY, GOV],
        );
        refusedTxIds.push(made.getTransactionId());
        const write = await made.endorse().then(
          () => 'endorsed',
          (error: unknown) => errorText(error),
        );
        expect(write).toMatch(/access denied|creator|certificate|identity/i);
        console.log(
          `[attacks] rogue certificate: ${read.split('\n')[0] ?? ''} / ${write.split('\n')[0] ?? ''}`,
        );
      } finally {
        connection.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('commits a replayed signed transaction once only', async () => {
    const replayed = `replay-${randomBytes(5).toString('hex')}`;
    const made = proposal(
      owner,
      'records:AnchorRecord',
      [
        {
          recordId: replayed,
          patientId: patient.patientId,
          category: 'imaging',
          sha256: sha256('once'),
        },
      ],
      [TERTIARY, GOV],
    );
    const transaction = await made.endorse();
    const first = await transaction.submit();
    expect((await first.getStatus()).code).toBe(peer.TxValidationCode.VALID);
    const firstHeight = await ledgerHeight();
    // The identical signed bytes, sent again.
    const bytes = transaction.getBytes();
    const signature =
      gatewayProtos.PreparedTransaction.deserializeBinary(bytes)
        .getEnvelope()
        ?.getSignature_asU8() ?? new Uint8Array();
    expect(signature.length).toBeGreaterThan(0);
    const replay = owner.connection.gateway.newSignedTransaction(bytes, signature);
    expect(replay.getTransactionId()).toBe(transaction.getTransactionId());
    const resubmitted = await replay.submit().then(
      () => 'accepted for ordering',
      (error: unknown) => errorText(error),
    );
    // Either refused at once, or ordered and then marked a duplicate by every peer: wait for it.
    let copies: { validationCode: number }[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      copies = (await committedTransactions(firstHeight - 1n, await ledgerHeight())).filter(
        (tx) => tx.txId === transaction.getTransactionId(),
      );
      if (resubmitted !== 'accepted for ordering' || copies.length > 1) break;
      await sleep(1000);
    }
    console.log(
      `[attacks] replay: ${resubmitted}; validation codes of its copies on the ledger: ${JSON.stringify(copies.map((copy) => copy.validationCode))}`,
    );
    expect(
      copies.filter((copy) => copy.validationCode === peer.TxValidationCode.VALID),
    ).toHaveLength(1);
    for (const copy of copies.slice(1))
      expect(copy.validationCode).toBe(peer.TxValidationCode.DUPLICATE_TXID);
    const record = await evaluate(regulator, 'records:GetRecord', replayed, TERTIARY);
    expect(record.versions).toHaveLength(1);
  });

  it('gives an insurer nothing: the pseudonym is taken, its patient certificate and its key speak for no one, its analyst is denied', async () => {
    const victim = await registerPatient('tertiary', { carrier: homeAdmin });
    const start = await ledgerHeight();
    // Registering the pseudonym again, at the insurer's own organization: CONFLICT.
    await refused(
      proposal(
        enterpriseAdmin,
        'patient:RegisterPatient',
        [{ patientId: victim.patientId, enrolment: hashEnrolmentCode(newEnrolmentCode()) }],
        [ENTERPRISE, GOV],
      ),
      'CONFLICT',
    );
    // A "patient" certificate its CA mints for the pseudonym authorizes nothing.
    const minted = await enrollUser({
      org: 'enterprise',
      role: 'patient',
      patientId: victim.patientId,
    });
    const insurerKey = await generatePatientKey();
    const forgedGrant = (): Promise<SignedAction> =>
      signAs(insurerKey, {
        patientId: victim.patientId,
        action: 'consent:GrantConsent',
        payload: INSURER_TERMS,
      });
    const text = await refused(
      proposal(minted, 'consent:GrantConsent', [await forgedGrant()], [ENTERPRISE, GOV]),
      'FORBIDDEN',
    );
    expect(text).toMatch(/role patient/);
    // A consent signed with a key the insurer made, carried by its admin: refused (the insurer
    // holds no collection of the patient's home); carried by the patient's home itself (as if it
    // colluded): refused by the signature's key.
    await refused(
      proposal(enterpriseAdmin, 'consent:GrantConsent', [await forgedGrant()], [ENTERPRISE, GOV]),
      'FORBIDDEN',
    );
    const keyText = await refused(
      proposal(homeAdmin, 'consent:GrantConsent', [await forgedGrant()], [TERTIARY, GOV]),
      'FORBIDDEN',
    );
    expect(keyText).toMatch(/not bound/);
    // Nor can it make the key the patient's: the activation is done and the code is not its.
    const activationKey = await generatePatientKey();
    await refused(
      proposal(
        enterpriseAdmin,
        'patient:ActivatePatient',
        [
          await signAs(activationKey, {
            patientId: victim.patientId,
            action: 'patient:ActivatePatient',
            payload: { publicKey: activationKey.publicKey, enrolmentCode: newEnrolmentCode() },
          }),
        ],
        [ENTERPRISE, GOV],
      ),
      'FORBIDDEN',
    );
    // The insurer's analyst asks: denied, for want of a consent (a deny is recorded).
    const decision = await commit(
      enterpriseAnalyst,
      'access:RequestAccess',
      [{ patientId: victim.patientId, purpose: 'insurance', categories: ['genomic'] }],
      [ENTERPRISE, TERTIARY, GOV],
    );
    expect(decision).toMatchObject({ decision: 'deny', reason: 'NO_MATCHING_CONSENT' });
    const consents = await evaluate(regulator, 'consent:QueryConsents', {
      patientId: victim.patientId,
      pageSize: 100,
    });
    expect(consents.items).toEqual([]);
    const written = await writtenBy({ from: start, creators: [enterpriseAdmin.id, minted.id] });
    expect(written).toEqual([]);
    console.log(
      `[attacks] insurer: CONFLICT, FORBIDDEN x4, analyst ${decision.decision} ${decision.reason}`,
    );
  });

  it('keeps the patient’s own hospital from granting, revoking or erasing for the patient', async () => {
    const madeKey: PatientKey = await generatePatientKey();
    const { patientId } = patient;
    const attempts = async (): Promise<SignedAction[]> => [
      await signAs(madeKey, { patientId, action: 'consent:GrantConsent', payload: INSURER_TERMS }),
      await signAs(madeKey, {
        patientId,
        action: 'consent:RevokeConsent',
        payload: { consentId, expectedVersion: 1 },
      }),
      await signAs(madeKey, {
        patientId,
        action: 'consent:EraseConsent',
        payload: { consentId: revokedId },
      }),
    ];
    const names: SubmitName[] = [
      'consent:GrantConsent',
      'consent:RevokeConsent',
      'consent:EraseConsent',
    ];
    // Its admin's certificate, statements signed with a key it made; endorsed by the home and the
    // regulator, then by its own peer alone.
    for (const endorsers of [[TERTIARY, GOV], [TERTIARY]]) {
      const actions = await attempts();
      for (const [index, action] of actions.entries())
        await refused(proposal(homeAdmin, names[index]!, [action], endorsers), 'FORBIDDEN');
    }
    // A certificate with role patient for the pseudonym, minted by its own CA.
    const minted = await enrollUser({
      org: 'tertiary',
      role: 'patient',
      patientId: patient.patientId,
    });
    for (const [index, action] of (await attempts()).entries())
      await refused(proposal(minted, names[index]!, [action], [TERTIARY]), 'FORBIDDEN');

    // Its peer running altered chaincode: write sets it forges (a consent to the insurer; this
    // consent revoked; this consent's details purged), endorsed by its own peer alone, submitted
    // with its admin's certificate. The template is a proposal its peer endorses for real.
    const forgedId = `con-${randomBytes(12).toString('hex')}`;
    const forgedConsent = canonicalJson({
      consentId: forgedId,
      patientId: patient.patientId,
      patientHome: TERTIARY,
      provision: 'permit',
      ...INSURER_TERMS,
      validFrom: iso(0),
      exceptions: [],
      status: 'active',
      version: 1,
      createdAt: iso(0),
      updatedAt: iso(0),
      signedBy: { kind: 'patient', id: patient.patientId },
      txId: 'f'.repeat(64),
      salt: newSalt(),
    });
    const pairWithInsurer = `pair_${ENTERPRISE}_${TERTIARY}`;
    const pairWithCommunity = `pair_${COMMUNITY}_${TERTIARY}`;
    const current = await evaluate(regulator, 'consent:GetConsent', consentId);
    const forgeries: Record<string, PrivateWrite[]> = {
      grant: [
        { collection: pairWithInsurer, key: compositeKey('con', forgedId), value: forgedConsent },
        {
          collection: pairWithInsurer,
          key: compositeKey('con~set', patient.patientId, ENTERPRISE),
          value: canonicalJson({ ids: [forgedId], salt: newSalt() }),
        },
      ],
      revoke: [
        {
          collection: pairWithCommunity,
          key: compositeKey('con', consentId),
          value: canonicalJson({ ...current, status: 'revoked', version: 2, revokedAt: iso(0) }),
        },
      ],
      erase: [
        { collection: pairWithCommunity, key: compositeKey('con', consentId) },
        { collection: pairWithCommunity, key: compositeKey('con~ver', consentId, '0000000001') },
      ],
    };
    const codes: Record<string, number> = {};
    for (const [name, writes] of Object.entries(forgeries)) {
      const template = await proposal(
        homeAdmin,
        'patient:RegisterPatient',
        [{ patientId: newPatientId(), enrolment: hashEnrolmentCode(newEnrolmentCode()) }],
        [TERTIARY],
      ).endorse();
      const forged = await forge(template.getBytes(), {
        creatorMspDir: mspDirOf(homeAdmin),
        endorsers: ['tertiary'],
        rewrite: privateWrites(writes),
      });
      const attack = homeAdmin.connection.gateway.newSignedTransaction(
        forged.bytes,
        forged.signature,
      );
      forgedTxIds.push(attack.getTransactionId());
      const status = await (await attack.submit()).getStatus();
      codes[name] = status.code;
      expect(status.successful, name).toBe(false);
      expect(status.code, name).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    }
    await expectLedgerError(
      evaluate(regulator, 'consent:GetConsent', forgedId),
      'CONSENT_NOT_FOUND',
    );
    expect(await evaluate(regulator, 'consent:GetConsent', consentId)).toMatchObject({
      status: 'active',
      version: 1,
    });
    const decision = await evaluate(enterpriseAnalyst, 'access:CheckAccess', {
      patientId: patient.patientId,
      purpose: 'insurance',
      categories: ['genomic'],
    });
    expect(decision.decision).toBe('deny');
    console.log(
      `[attacks] home hospital: FORBIDDEN x9, forged write sets ${JSON.stringify(codes)}`,
    );
  });

  it('refuses replayed, altered, replaced-key and out-of-period guardian statements, writing nothing', async () => {
    const ends = [TERTIARY, GOV];
    // A statement carried once, then again.
    const grant = await otherPatient.sign('consent:GrantConsent', {
      grantee: { org: TERTIARY },
      purposes: ['treatment'],
      categories: ['laboratory'],
    });
    const granted = await commit(homeAdmin, 'consent:GrantConsent', [grant], ends);
    await refused(proposal(homeAdmin, 'consent:GrantConsent', [grant], ends), 'CONFLICT');
    // A statement altered after it was signed: it revokes another consent than the one signed.
    const revocation = await otherPatient.sign('consent:RevokeConsent', {
      consentId: granted.consentId,
      expectedVersion: 1,
    });
    const parsed = JSON.parse(revocation.statement) as { payload: Record<string, unknown> };
    const altered = {
      statement: canonicalJson({ ...parsed, payload: { ...parsed.payload, consentId } }),
      signature: revocation.signature,
    };
    await refused(proposal(homeAdmin, 'consent:RevokeConsent', [altered], ends), 'FORBIDDEN');
    // A key replaced by a recovery (the home asks, the regulator approves, a new device binds).
    const recovered = await registerPatient('tertiary', { carrier: homeAdmin });
    const kept = (
      await commit(
        homeAdmin,
        'consent:GrantConsent',
        [
          await recovered.sign('consent:GrantConsent', {
            grantee: { org: TERTIARY },
            purposes: ['treatment'],
            categories: ['imaging'],
          }),
        ],
        ends,
      )
    ).consentId;
    const code = newEnrolmentCode();
    await commit(
      homeAdmin,
      'patient:RequestRecovery',
      [{ patientId: recovered.patientId, enrolment: hashEnrolmentCode(code) }],
      ends,
    );
    await commit(regulator, 'patient:ApproveRecovery', [recovered.patientId], ends);
    const replacement = await generatePatientKey();
    await commit(
      homeAdmin,
      'patient:ActivatePatient',
      [
        await signAs(replacement, {
          patientId: recovered.patientId,
          action: 'patient:ActivatePatient',
          payload: { publicKey: replacement.publicKey, enrolmentCode: code },
        }),
      ],
      ends,
    );
    const oldKeyText = await refused(
      proposal(
        homeAdmin,
        'consent:RevokeConsent',
        [await recovered.sign('consent:RevokeConsent', { consentId: kept, expectedVersion: 1 })],
        ends,
      ),
      'FORBIDDEN',
    );
    expect(oldKeyText).toMatch(/not bound|no longer/);
    const history = await evaluate(regulator, 'patient:GetBindingHistory', recovered.patientId);
    expect(history.map((version) => version.change)).toEqual([
      'registered',
      'activated',
      'recovery-requested',
      'recovery-approved',
      'activated',
    ]);
    // A guardian of a minor, once their period is over.
    const minor = await registerPatient('tertiary', {
      carrier: homeAdmin,
      adultFrom: `${String(new Date().getUTCFullYear() + 10)}-01-01`,
    });
    const guardianId = newGuardianId();
    const guardianCode = newEnrolmentCode();
    const validUntil = iso(45_000);
    await commit(
      homeAdmin,
      'patient:ProposeGuardian',
      [
        {
          patientId: minor.patientId,
          guardianId,
          relationship: 'parent',
          validFrom: iso(-60_000),
          validUntil,
          enrolment: hashEnrolmentCode(guardianCode),
        },
      ],
      ends,
    );
    await commit(
      regulator,
      'patient:ApproveGuardian',
      [{ patientId: minor.patientId, guardianId }],
      ends,
    );
    const guardianKey = await generatePatientKey();
    await commit(
      homeAdmin,
      'patient:ActivateGuardian',
      [
        await signAs(guardianKey, {
          patientId: minor.patientId,
          guardianId,
          action: 'patient:ActivateGuardian',
          payload: { publicKey: guardianKey.publicKey, enrolmentCode: guardianCode, guardianId },
        }),
      ],
      ends,
    );
    const minorConsent = (
      await commit(
        homeAdmin,
        'consent:GrantConsent',
        [
          await signAs(guardianKey, {
            patientId: minor.patientId,
            guardianId,
            action: 'consent:GrantConsent',
            payload: {
              grantee: { org: TERTIARY },
              purposes: ['treatment'],
              categories: ['imaging'],
            },
          }),
        ],
        ends,
      )
    ).consentId;
    expect(await evaluate(regulator, 'consent:GetConsent', minorConsent)).toMatchObject({
      signedBy: { kind: 'guardian', id: guardianId },
    });
    const wait = Date.parse(validUntil) + 2_000 - Date.now();
    if (wait > 0) await sleep(wait);
    const periodText = await refused(
      proposal(
        homeAdmin,
        'consent:RevokeConsent',
        [
          await signAs(guardianKey, {
            patientId: minor.patientId,
            guardianId,
            action: 'consent:RevokeConsent',
            payload: { consentId: minorConsent, expectedVersion: 1 },
          }),
        ],
        ends,
      ),
      'FORBIDDEN',
    );
    expect(periodText).toMatch(/period is over/);
    // Nothing of it written: the consents as they were.
    expect(await evaluate(regulator, 'consent:GetConsent', granted.consentId)).toMatchObject({
      status: 'active',
      version: 1,
    });
    expect(await evaluate(regulator, 'consent:GetConsent', kept)).toMatchObject({
      status: 'active',
      version: 1,
    });
    expect(await evaluate(regulator, 'consent:GetConsent', minorConsent)).toMatchObject({
      status: 'active',
      version: 1,
    });
  });

  it('wrote nothing for any refused attack', async () => {
    const found: string[] = [];
    for (const txId of refusedTxIds) if (await transactionOnLedger(txId)) found.push(txId);
    expect(found).toEqual([]);
    // The forged transactions are in blocks, but invalid: their writes were never applied.
    const forged = await writtenBy({ from: heightBefore, txIds: forgedTxIds });
    expect(forged.map((tx) => tx.validationCode)).toEqual(
      forgedTxIds.map(() => peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE),
    );
    expect((await getRecord()).versions).toHaveLength(1);
    // The patient's consents and binding read as before every attack.
    expect(await patientState()).toEqual(before);
    console.log(
      `[attacks] ${String(refusedTxIds.length)} proposals refused at endorsement (none on the ledger), ${String(forgedTxIds.length)} forged transactions invalid (${JSON.stringify(forged.map((tx) => tx.validationCode))})`,
    );
  });
});
