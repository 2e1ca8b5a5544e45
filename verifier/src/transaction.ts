import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';

/** One endorsement of a transaction. */
export interface DecodedEndorsement {
  readonly mspId: string;
  /** The endorser's certificate (PEM). */
  readonly certificate: string;
  /** The signed bytes: proposal response payload || endorser (serialized identity). */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

/** A key written by the transaction, in one chaincode namespace. */
export interface DecodedWrite {
  readonly namespace: string;
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/**
 * A private write of the transaction as the block holds it: in a collection's hashed read-write
 * set, SHA-256 of the key and of the value (the value itself stays with the collection's members).
 */
export interface DecodedHashedWrite {
  readonly namespace: string;
  readonly collection: string;
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array;
  readonly isDelete: boolean;
  readonly isPurge: boolean;
}

/** What the verifier needs out of a transaction envelope. */
export interface DecodedTransaction {
  readonly txId: string;
  readonly channel: string;
  readonly timestamp: Date | undefined;
  readonly creatorMspId: string;
  readonly creatorCertificate: string;
  /** The envelope's payload, which the creator signed. */
  readonly payload: Uint8Array;
  readonly creatorSignature: Uint8Array;
  readonly endorsements: readonly DecodedEndorsement[];
  readonly writes: readonly DecodedWrite[];
  readonly hashedWrites: readonly DecodedHashedWrite[];
}

const decoder = new TextDecoder();

/** The MSP ID and certificate (PEM) of a serialized msp.SerializedIdentity. */
export function identityOf(serialized: Uint8Array): {
  readonly mspId: string;
  readonly certificate: string;
} {
  const identity = msp.SerializedIdentity.deserializeBinary(serialized);
  return { mspId: identity.getMspid(), certificate: decoder.decode(identity.getIdBytes_asU8()) };
}

/** The part of google.protobuf.Timestamp used here. */
interface ProtoTimestamp {
  toDate(): Date;
}

/** Decodes a common.Envelope of an endorser transaction; throws on malformed bytes. */
export function decodeTransaction(envelopeBytes: Uint8Array): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (header === undefined) throw new Error('the envelope payload has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    header.getSignatureHeader_asU8(),
  );
  const creator = identityOf(signatureHeader.getCreator_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const endorsements: DecodedEndorsement[] = [];
  const writes: DecodedWrite[] = [];
  const hashedWrites: DecodedHashedWrite[] = [];
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) continue;
    const responsePayload = endorsed.getProposalResponsePayload_asU8();
    for (const endorsement of endorsed.getEndorsementsList()) {
      const endorserBytes = endorsement.getEndorser_asU8();
      endorsements.push({
        ...identityOf(endorserBytes),
        signed: Buffer.concat([responsePayload, endorserBytes]),
        signature: endorsement.getSignature_asU8(),
      });
    }
    const response = peer.ProposalResponsePayload.deserializeBinary(responsePayload);
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const write of kv.getWritesList()) {
        writes.push({
          namespace: ns.getNamespace(),
          key: write.getKey(),
          isDelete: write.getIsDelete(),
          value: write.getValue_asU8(),
        });
      }
      for (const collection of ns.getCollectionHashedRwsetList()) {
        const hashed = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(
          collection.getHashedRwset_asU8(),
        );
        for (const write of hashed.getHashedWritesList()) {
          hashedWrites.push({
            namespace: ns.getNamespace(),
            collection: collection.getCollectionName(),
            keyHash: write.getKeyHash_asU8(),
            valueHash: write.getValueHash_asU8(),
            isDelete: write.getIsDelete(),
            isPurge: write.getIsPurge(),
          });
        }
      }
    }
  }
  // google-protobuf's types are not installed (a devDependency of fabric-protos): type it here.
  const timestamp = channelHeader.getTimestamp() as unknown as ProtoTimestamp | undefined;
  return {
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    timestamp: timestamp === undefined ? undefined : timestamp.toDate(),
    creatorMspId: creator.mspId,
    creatorCertificate: creator.certificate,
    payload: payloadBytes,
    creatorSignature: envelope.getSignature_asU8(),
    endorsements,
    writes,
    hashedWrites,
  };
}

/** A Fabric composite key: `\u0000type\u0000attr1\u0000...\u0000`. */
export function compositeKey(type: string, attributes: readonly string[]): string {
  return `\u0000${[type, ...attributes].map((part) => `${part}\u0000`).join('')}`;
}
