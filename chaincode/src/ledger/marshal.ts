import stringify from 'json-stringify-deterministic';

/**
 * The one serialization of the chaincode: sorted-key JSON (json-stringify-deterministic), UTF-8.
 * Every state value, index value, event payload and transaction result goes through it, so the
 * same data always gives the same bytes on every endorsing peer.
 */
export function marshal(value: unknown): Buffer {
  return Buffer.from(marshalText(value), 'utf8');
}

/**
 * The sorted-key JSON text of a value (what {@link marshal} encodes). `cycles: true` spares the
 * library's cycle check, a whole extra JSON.stringify pass: ledger values are plain trees.
 */
export function marshalText(value: unknown): string {
  return stringify(value, { cycles: true });
}

/**
 * Reads back what {@link marshal} wrote. Typed reads of state go through state.ts, which knows
 * the value type of every key type (keys.ts); client input is parsed by the validators instead.
 */
export function unmarshal(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}
