import { createCipheriv } from 'node:crypto';
import { resultIv, resultKey } from '@consent-ledger/ledger-api';
import { marshal } from './marshal';

/**
 * Seals a transaction's result (ledger-api sealed-result.ts): Fabric writes the return value of
 * every ordered transaction into the block, which every peer and orderer keeps, so a result that
 * carries private data must not travel in clear. AES-256-GCM with the key derived from the
 * transaction's salt (transient: only the client and the endorsers know it) and the IV derived from
 * the transaction ID: every endorser seals to the same bytes (deterministic), and each transaction
 * has its own key and IV. The output is the ciphertext followed by the 16-byte tag.
 */
export function sealResult(
  result: unknown,
  opening: Readonly<{ salt: string; txId: string }>,
): Buffer {
  const plain =
    result === undefined
      ? Buffer.alloc(0)
      : typeof result === 'string'
        ? Buffer.from(result, 'utf8')
        : marshal(result);
  const cipher = createCipheriv('aes-256-gcm', resultKey(opening.salt), resultIv(opening.txId));
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}
