import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAs, orgLayout, peerIdentity, userIdentity } from '@consent-ledger/network';
import { ledgerHeight } from '../support/ledger.ts';
import { closeUsers, enrollPatient, enrollUser, type TestUser } from '../support/identities.ts';
import { errorText, expectLedgerError } from '../support/ledger-errors.ts';
import { committedTransactions, transactionOnLedger } from '../support/ledger-watch.ts';
import { contractOf, org, text } from '../support/ledger.ts';

/**
 * Attacks on the ledger itself (docs/reliability.md, "Attacks"), each on the real network: it fails,
 * and nothing is written. A hospital rewriting another hospital's record is shown to be stopped by
 * the record's key-level endorsement policy at validation, with endorsements forged by colluding
 * peers, not only by the chaincode's own check.
 */

const sha256 = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/** The signing key of an MSP folder (its one keystore file). */
function keyOf(mspDir: string) {
  const keystore = path.join(mspDir, 'keystore');
  const [file] = readdirSync(keystore);
  if (file === undefined) throw new Error(`no key in ${keystore}`);
  return createPrivateKey(readFileSync(path.join(keystore, file)));
}

/** Signs a message as Fabric does: ECDSA over its SHA-256, low-S DER. */
async function fabricSign(mspDir: string, message: Uint8Array): Promise<Uint8Array> {
  const digest = createHash('sha256').update(message).digest();
  return signers.newPrivateKeySigner(keyOf(mspDir))(digest);
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

/**
 * Takes a genuinely endorsed (not submitted) transaction, rewrites its write set with `rewrite`
 * (reads and range queries dropped, so that no MVCC check can be what refuses it), endorses the
 * result with the private keys of `endorsers`' peers (colluding organizations running altered
 * chaincode), and signs the envelope as the creator: the transaction bytes an attacker who
 * controls those peers could submit.
 */
async function forge(
  prepared: Uint8Array,
  options: Readonly<{
    creatorMspDir: string;
    endorsers: readonly string[];
    rewrite: (text: string) => string;
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
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  for (const namespace of rwset.getNsRwsetList()) {
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(namespace.getRwset_asU8());
    kv.setReadsList([]);
    kv.setRangeQueriesInfoList([]);
    for (const write of kv.getWritesList()) {
      write.setKey(options.rewrite(write.getKey()));
      write.setValue(encoder.encode(options.rewrite(decoder.decode(write.getValue_asU8()))));
    }
    for (const write of kv.getMetadataWritesList()) write.setKey(options.rewrite(write.getKey()));
    namespace.setRwset(kv.serializeBinary());
  }
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

interface RecordHistory {
  versions: { version: number; sha256: string; owner: string }[];
}

describe('attacks on the ledger', () => {
  let patient: TestUser;
  let otherPatient: TestUser;
  let owner: TestUser;
  let rival: TestUser;
  let enterpriseAnalyst: TestUser;
  let researcher: TestUser;
  let regulator: TestUser;
  let consentId = '';
  let eventId = '';
  const recordId = `attack-${randomBytes(5).toString('hex')}`;
  const refusedTxIds: string[] = [];
  let heightBefore = 0n;

  const getRecord = async (): Promise<RecordHistory> =>
    JSON.parse(
      text(await regulator.contract('records').evaluateTransaction('GetRecord', recordId)),
    ) as RecordHistory;

  beforeAll(async () => {
    [patient, otherPatient, owner, rival, enterpriseAnalyst, researcher, regulator] =
      await Promise.all([
        enrollPatient('tertiary'),
        enrollPatient('tertiary'),
        enrollUser({ org: 'tertiary', role: 'clinician' }),
        enrollUser({ org: 'community', role: 'clinician' }),
        enrollUser({ org: 'enterprise', role: 'analyst' }),
        enrollUser({ org: 'research', role: 'researcher' }),
        enrollUser({ org: 'gov', role: 'regulator' }),
      ]);
    const consent = JSON.parse(
      text(
        await patient.contract('consent').submitTransaction(
          'GrantConsent',
          JSON.stringify({
            grantee: { org: 'TertiaryHospitalMSP' },
            purposes: ['treatment'],
            categories: ['imaging'],
          }),
        ),
      ),
    ) as { consentId: string };
    consentId = consent.consentId;
    const event = JSON.parse(
      text(
        await owner.contract('access').submitTransaction(
          'RequestAccess',
          JSON.stringify({
            patientId: patient.patientId,
            purpose: 'treatment',
            categories: ['imaging'],
          }),
        ),
      ),
    ) as { eventId: string };
    eventId = event.eventId;
    await owner.contract('records').submitTransaction(
      'AnchorRecord',
      JSON.stringify({
        recordId,
        patientId: patient.patientId,
        category: 'imaging',
        sha256: sha256('v1'),
      }),
    );
    heightBefore = await ledgerHeight();
  });

  afterAll(() => {
    closeUsers();
  });

  it('refuses a patient revoking another patient’s consent', async () => {
    const proposal = otherPatient
      .contract('consent')
      .newProposal('RevokeConsent', { arguments: [consentId] });
    refusedTxIds.push(proposal.getTransactionId());
    await expectLedgerError(proposal.endorse(), 'FORBIDDEN');
    const consent = JSON.parse(
      text(await patient.contract('consent').evaluateTransaction('GetConsent', consentId)),
    ) as { status: string; version: number };
    expect(consent).toMatchObject({ status: 'active', version: 1 });
  });

  it('refuses a hospital anchoring a new version of another hospital’s record, in code', async () => {
    const proposal = rival.contract('records').newProposal('AnchorRecord', {
      arguments: [
        JSON.stringify({
          recordId,
          patientId: patient.patientId,
          category: 'imaging',
          sha256: sha256('forged'),
        }),
      ],
    });
    refusedTxIds.push(proposal.getTransactionId());
    await expectLedgerError(proposal.endorse(), 'FORBIDDEN');
  });

  it('invalidates, by the key-level endorsement policy, a rewrite endorsed by two colluding peers', async () => {
    const creatorMspDir = userIdentity(orgLayout(rival.org), rival.id).mspDir;
    // The rival anchors a record of its own, endorsed for real (not submitted): a template.
    const decoy = `decoy-${randomBytes(5).toString('hex')}`;
    const endorseDecoy = (id: string) =>
      rival
        .contract('records')
        .newProposal('AnchorRecord', {
          arguments: [
            JSON.stringify({
              recordId: id,
              patientId: patient.patientId,
              category: 'imaging',
              sha256: sha256('forged'),
            }),
          ],
          endorsingOrganizations: ['CommunityHospitalMSP', 'EnterpriseMSP'],
        })
        .endorse();
    const template = await endorseDecoy(decoy);
    // Its writes aimed at the tertiary hospital's record, endorsed by the community hospital's and
    // the enterprise's peers: the chaincode's any-two policy is met, the record's is not.
    const forged = await forge(template.getBytes(), {
      creatorMspDir,
      endorsers: ['community', 'enterprise'],
      rewrite: (value) => value.replaceAll(decoy, recordId),
    });
    const attack = rival.connection.gateway.newSignedTransaction(forged.bytes, forged.signature);
    refusedTxIds.push(attack.getTransactionId());
    const status = await (await attack.submit()).getStatus();
    expect(status.successful).toBe(false);
    expect(status.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    const record = await getRecord();
    expect(record.versions.map((each) => [each.version, each.owner, each.sha256])).toEqual([
      [1, 'TertiaryHospitalMSP', sha256('v1')],
    ]);

    // Control: the same forgery aimed at the rival's own new record is valid, so what refused the
    // attack is the owner's key-level policy, not a malformed transaction.
    const control = `decoy-${randomBytes(5).toString('hex')}`;
    const controlForged = await forge((await endorseDecoy(decoy)).getBytes(), {
      creatorMspDir,
      endorsers: ['community', 'enterprise'],
      rewrite: (value) => value.replaceAll(decoy, control),
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
      await expectLedgerError(
        reader.contract('audit').evaluateTransaction('GetAccessEvent', eventId),
        'FORBIDDEN',
      );
      await expectLedgerError(
        reader
          .contract('audit')
          .evaluateTransaction(
            'QueryAccessEvents',
            JSON.stringify({ accessorOrg: 'TertiaryHospitalMSP' }),
          ),
        'FORBIDDEN',
      );
      const own = JSON.parse(
        text(
          await reader
            .contract('audit')
            .evaluateTransaction(
              'QueryAccessEvents',
              JSON.stringify({ patientId: patient.patientId }),
            ),
        ),
      ) as { items: unknown[] };
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
        const contract = contractOf(connection.gateway, 'records');
        const read = await contract.evaluateTransaction('GetRecord', recordId).then(
          () => 'answered',
          (error: unknown) => errorText(error),
        );
        expect(read).toMatch(/access denied|creator|certificate|identity/i);
        expect(read).not.toMatch(/\b(?:INVALID_ARGUMENT|FORBIDDEN|RECORD_NOT_FOUND): /);
        const proposal = contract.newProposal('AnchorRecord', {
          arguments: [
            JSON.stringify({
              recordId,
              patientId: patient.patientId,
              category: 'imaging',
              sha256: sha256('rogue'),
            }),
          ],
        });
        refusedTxIds.push(proposal.getTransactionId());
        const write = await proposal.endorse().then(
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
    const proposal = owner.contract('records').newProposal('AnchorRecord', {
      arguments: [
        JSON.stringify({
          recordId: replayed,
          patientId: patient.patientId,
          category: 'imaging',
          sha256: sha256('once'),
        }),
      ],
    });
    const transaction = await proposal.endorse();
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
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.log(
      `[attacks] replay: ${resubmitted}; validation codes of its copies on the ledger: ${JSON.stringify(copies.map((copy) => copy.validationCode))}`,
    );
    expect(
      copies.filter((copy) => copy.validationCode === peer.TxValidationCode.VALID),
    ).toHaveLength(1);
    for (const copy of copies.slice(1))
      expect(copy.validationCode).toBe(peer.TxValidationCode.DUPLICATE_TXID);
    const record = JSON.parse(
      text(await regulator.contract('records').evaluateTransaction('GetRecord', replayed)),
    ) as RecordHistory;
    expect(record.versions).toHaveLength(1);
  });

  it('wrote nothing for any refused attack', async () => {
    for (const txId of refusedTxIds.slice(0, 2))
      expect(await transactionOnLedger(txId)).toBe(false);
    // The rogue certificate's proposal never reached the ledger either.
    expect(await transactionOnLedger(refusedTxIds[refusedTxIds.length - 1] ?? '')).toBe(false);
    // The forged rewrite is in a block, but invalid: its writes were never applied.
    const committed = await committedTransactions(heightBefore, await ledgerHeight());
    const forged = committed.filter((tx) => tx.txId === refusedTxIds[2]);
    expect(forged.map((tx) => tx.validationCode)).toEqual([
      peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    ]);
    expect((await getRecord()).versions).toHaveLength(1);
  });
});
