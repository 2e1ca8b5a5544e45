/**
 * How the transaction catalogue describes one transaction: whether it is submitted (ordered and
 * committed) or evaluated (read on one peer), its arguments as a labelled tuple in the order the
 * chaincode takes them, and its decoded result. String arguments travel as they are; every other
 * argument travels as JSON.
 */
export interface TransactionSpec<
  Kind extends 'submit' | 'evaluate',
  Args extends readonly unknown[],
  Result,
> {
  readonly kind: Kind;
  readonly args: Args;
  readonly result: Result;
}

/** A transaction that writes: endorsed, ordered and committed. */
export type Submit<Args extends readonly unknown[], Result> = TransactionSpec<
  'submit',
  Args,
  Result
>;

/** A transaction that only reads: evaluated on one peer, never ordered. */
export type Evaluate<Args extends readonly unknown[], Result> = TransactionSpec<
  'evaluate',
  Args,
  Result
>;
