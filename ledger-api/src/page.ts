/** A page of a ledger query: its items in key order and where the next page starts. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; empty when there is nothing more. */
  readonly bookmark: string;
}
