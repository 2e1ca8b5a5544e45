import { X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { errorText } from './ledger-errors.ts';
import { connectAdmin, ledgerHeight, topology } from './ledger.ts';

/**
 * What reached the ledger while a suite ran, told apart from what other suites wrote at the same
 * time: the suites of this project run concurrently against one channel, so "the height did not
 * move" cannot be asserted. Instead a suite records the height before and after, reads every block
 * in between through qscc, and asserts that no transaction in them was created by one of its own
 * identities (by certificate subject) or carries one of its transaction IDs.
 */

/** A transaction of a committed block. */
export interface CommittedTransaction {
  readonly block: bigint;
  readonly txId: string;
  readonly creatorMsp: string;
  /** The creator certificate's common name (the CA enrollment ID). */
  readonly creatorName: string;
  /** peer.TxValidationCode (0 is VALID). */
  readonly validationCode: number;
}

/** The subject common name of a PEM certificate ('' when it is none). */
function commonName(pem: Uint8Array): string {
  try {
    const subject = new X509Certificate(pem).subject;
    return /(?:^|\n)CN=([^\n]*)/.exec(subject)?.[1] ?? '';
  } catch {
    return '';
  }
}

/** Every transaction in blocks `[from, to)`, read through an organization's peer. */
export async function committedTransactions(
  from: bigint,
  to: bigint,
  orgName = 'gov',
): Promise<CommittedTransaction[]> {
  const connection = connectAdmin(orgName);
  try {
    const qscc = connection.gateway.getNetwork(topology.channel.name).getContract('qscc');
    const out: CommittedTransaction[] = [];
    for (let number = from; number < to; number += 1n) {
      const bytes = await qscc.evaluateTransaction(
        'GetBlockByNumber',
        topology.channel.name,
        number.toString(),
      );
      const block = common.Block.deserializeBinary(bytes);
      const codes = block.getMetadata()?.getMetadataList_asU8()[2] ?? new Uint8Array();
      block
        .getData()
        ?.getDataList_asU8()
        .forEach((envelopeBytes, index) => {
          const envelope = common.Envelope.deserializeBinary(envelopeBytes);
          const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
          const header = payload.getHeader();
          if (header === undefined) return;
          const channelHeader = common.ChannelHeader.deserializeBinary(
            header.getChannelHeader_asU8(),
          );
          const signatureHeader = common.SignatureHeader.deserializeBinary(
            header.getSignatureHeader_asU8(),
          );
          const creator = msp.SerializedIdentity.deserializeBinary(
            signatureHeader.getCreator_asU8(),
          );
          const creatorName = commonName(creator.getIdBytes_asU8());
          out.push({
            block: number,
            txId: channelHeader.getTxId(),
            creatorMsp: creator.getMspid(),
            creatorName,
            validationCode: codes[index] ?? -1,
          });
        });
    }
    return out;
  } finally {
    connection.close();
  }
}

/** Whether the channel holds a transaction with this ID (valid or not). */
export async function transactionOnLedger(txId: string, orgName = 'gov'): Promise<boolean> {
  const connection = connectAdmin(orgName);
  try {
    const qscc = connection.gateway.getNetwork(topology.channel.name).getContract('qscc');
    await qscc.evaluateTransaction('GetTransactionByID', topology.channel.name, txId);
    return true;
  } catch (error) {
    if (/not found|no such transaction/i.test(errorText(error))) return false;
    throw error;
  } finally {
    connection.close();
  }
}

/**
 * The transactions committed from block `from` to the current height that one of `creators` (CA
 * enrollment IDs, the certificates' common names) created or that carry one of `txIds`, valid or
 * not: what a suite's own identities wrote while other suites wrote too.
 */
export async function writtenBy(
  options: Readonly<{ from: bigint; creators?: readonly string[]; txIds?: readonly string[] }>,
): Promise<CommittedTransaction[]> {
  const creators = new Set(options.creators ?? []);
  const txIds = new Set(options.txIds ?? []);
  const committed = await committedTransactions(options.from, await ledgerHeight());
  return committed.filter((tx) => creators.has(tx.creatorName) || txIds.has(tx.txId));
}
