/** A page of a ledger query (a plain type: the web app imports it without Nest's decorators). */
export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; empty when there is no more. */
  readonly bookmark: string;
}
