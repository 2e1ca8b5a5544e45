import type { Category } from '@consent-ledger/ledger-api';

/**
 * The private half of a record anchor: which patient and category a record is about, kept in the
 * collection of the patient's home and the record's owner (keys.ts `rec~lnk`). The public anchor
 * names neither; reads merge the two for callers whose organization holds the link.
 */
export interface RecordLink {
  readonly recordId: string;
  readonly patientId: string;
  /** The patient's home organization. */
  readonly patientHome: string;
  readonly category: Category;
  /** The organization owning the record. */
  readonly owner: string;
  /** The transaction that anchored version 1. */
  readonly txId: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}
