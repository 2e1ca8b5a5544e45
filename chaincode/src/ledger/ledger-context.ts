import {
  ledgerError,
  type DerivedIdPrefix,
  type Organization,
  type OrganizationType,
  type Role,
} from '@consent-ledger/ledger-api';
import { Context } from 'fabric-contract-api';
import { deriveId } from './ids';
import { transactionTime } from './time';

/** Who is calling, resolved once per transaction from the certificate and the registry. */
export interface Caller {
  readonly mspId: string;
  readonly role: Role;
  /** The patient pseudonym (patients only). */
  readonly patientId?: string;
  /** The practitioner ID (clinicians, when their certificate has one). */
  readonly practitionerId?: string;
  /** SHA-256 (hex) of the certificate's ID (subject and issuer DN): never the certificate itself. */
  readonly idHash: string;
  /** The caller's registry entry; absent only in registry transactions of an unregistered org. */
  readonly organization?: Organization;
  /** The organization's type (GovMSP is the government also before it registers itself). */
  readonly orgType?: OrganizationType;
}

/** A caller whose organization is registered: every transaction but the registry's has one. */
export interface Member extends Caller {
  readonly organization: Organization;
  readonly orgType: OrganizationType;
}

/**
 * The transaction context of every ledger contract: the Fabric context plus the resolved caller,
 * the transaction time and the transaction's ID derivation.
 */
export class LedgerContext extends Context {
  #caller: Caller | undefined;
  #txTime: string | undefined;
  #derived = 0;

  /** The caller, as resolved and authorized by the contract's beforeTransaction. */
  get caller(): Caller {
    if (this.#caller === undefined) throw ledgerError('FORBIDDEN', 'the caller is not resolved');
    return this.#caller;
  }

  /** The caller, whose organization is registered. */
  get member(): Member {
    const caller = this.caller;
    if (caller.organization === undefined || caller.orgType === undefined) {
      throw ledgerError('FORBIDDEN', `organization ${caller.mspId} is not registered`);
    }
    return { ...caller, organization: caller.organization, orgType: caller.orgType };
  }

  /** The transaction timestamp, ISO 8601 with milliseconds: the only "now" of the ledger. */
  get txTime(): string {
    this.#txTime ??= transactionTime(this.stub);
    return this.#txTime;
  }

  /** The transaction ID. */
  get txId(): string {
    return this.stub.getTxID();
  }

  /** The next ID derived from the transaction ID (`prefix-` + 24 hex). */
  nextId(prefix: DerivedIdPrefix): string {
    const id = deriveId({ prefix, txId: this.txId, n: this.#derived });
    this.#derived += 1;
    return id;
  }

  /** Records the authorized caller (called by LedgerContract.beforeTransaction only). */
  setCaller(caller: Caller): void {
    this.#caller = caller;
  }
}
