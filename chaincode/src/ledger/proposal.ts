import type { ChaincodeStub } from 'fabric-shim-api';

/**
 * What the chaincode reads from the signed proposal beyond the stub's own accessors: the name the
 * chaincode was invoked under (a signed patient statement names it, docs/patient-keys.md). The
 * name is in the proposal's channel header extension, a `protos.ChaincodeHeaderExtension`
 * (`chaincode_id = 2` of type `ChaincodeID`, whose `name = 2`); fabric-shim hands the decoded
 * channel header out but not the extension, so the two fields are read here with a minimal
 * protobuf reader (varints and length-delimited fields, nothing else is needed).
 */

interface Field {
  readonly number: number;
  readonly bytes?: Uint8Array;
}

function varint(bytes: Uint8Array, at: number): { readonly value: number; readonly next: number } {
  let value = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && shift < 49; i += 1) {
    const byte = bytes[i] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    shift += 7;
  }
  throw new Error('truncated varint');
}

/** The top-level fields of a protobuf message (length-delimited ones with their bytes). */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = varint(bytes, at);
    const number = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    at = tag.next;
    if (wire === 0) {
      at = varint(bytes, at).next;
      out.push({ number });
    } else if (wire === 2) {
      const length = varint(bytes, at);
      const end = length.next + length.value;
      if (end > bytes.length) throw new Error('truncated field');
      out.push({ number, bytes: bytes.subarray(length.next, end) });
      at = end;
    } else if (wire === 1) {
      at += 8;
      out.push({ number });
    } else if (wire === 5) {
      at += 4;
      out.push({ number });
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

function field(bytes: Uint8Array, number: number): Uint8Array | undefined {
  return fields(bytes).find((each) => each.number === number)?.bytes;
}

/** The chaincode name of an encoded ChaincodeHeaderExtension, or undefined. */
export function chaincodeNameOfExtension(extension: Uint8Array): string | undefined {
  const chaincodeId = field(extension, 2);
  const name = chaincodeId === undefined ? undefined : field(chaincodeId, 2);
  return name === undefined ? undefined : new TextDecoder().decode(name);
}

/** An encoded ChaincodeHeaderExtension naming a chaincode (for tests and fakes). */
export function chaincodeHeaderExtension(name: string): Uint8Array {
  const encoded = (number: number, content: Uint8Array): Uint8Array => {
    const length: number[] = [];
    for (let rest = content.length; ; rest = Math.floor(rest / 128)) {
      length.push(rest >= 128 ? (rest % 128) | 0x80 : rest);
      if (rest < 128) break;
    }
    return Uint8Array.from([(number << 3) | 2, ...length, ...content]);
  };
  return encoded(2, encoded(2, new TextEncoder().encode(name)));
}

interface DecodedProposal {
  readonly proposal?: {
    readonly header?: {
      readonly channelHeader?: { getExtension_asU8?: () => Uint8Array };
    };
  };
}

/**
 * The name the chaincode was invoked under, from the signed proposal (empty when the proposal
 * carries none: such a proposal cannot match any signed statement).
 */
export function invokedChaincodeName(stub: ChaincodeStub): string {
  try {
    const decoded = stub.getSignedProposal() as unknown as DecodedProposal | undefined;
    const extension = decoded?.proposal?.header?.channelHeader?.getExtension_asU8?.();
    return extension === undefined ? '' : (chaincodeNameOfExtension(extension) ?? '');
  } catch {
    return '';
  }
}
