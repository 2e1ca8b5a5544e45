import {
  fromBase64url,
  valueSalt,
  ledgerError,
  type ArgsOf,
  type DerivedIdPrefix,
  type Organization,
  type OrganizationType,
  type Role,
  type TransactionArguments,
  type TransactionName,
  type WireArgs,
} from '@consent-ledger/ledger-api';
import { Context } from 'fabric-contract-api';
import { deriveId } from './ids';
import type { DecodedRequest } from './request';
import type { StateAccess } from './state';
import { transactionTime } from './time';

/** Who is calling, resolved once per transaction from the certificate and the registry. */
export interface Caller {
  readonly mspId: string;
  readonly role: Role;
  /** The practitioner ID (clinicians, when their certificate has one). */
  readonly practitionerId?: string;
  /** The member institution (the certificate's `institution` attribute, registered in its org). */
  readonly institution?: string;
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
 * The transaction context of every contract: the Fabric context plus the decoded transient request
 * (arguments typed by the catalogue, the salt), the transaction time and the transaction's ID
 * derivation, and a per-transaction memo for what several steps read (the same on every endorser:
 * it lives no longer than the transaction).
 */
export class RequestContext extends Context implements TransactionArguments, StateAccess {
  #request: DecodedRequest | undefined;
  #txTime: string | undefined;
  #valueSalt: string | undefined;
  #derived = 0;
  readonly #memo = new Map<string, Promise<unknown>>();

  /** The decoded request (set by the contract's beforeTransaction). */
  get request(): DecodedRequest {
    if (this.#request === undefined) {
      throw ledgerError('INVALID_ARGUMENT', 'the transaction request is not decoded');
    }
    return this.#request;
  }

  /** Records the decoded request (called by the contract's beforeTransaction only). */
  setRequest(request: DecodedRequest): void {
    this.#request = request;
  }

  /** The qualified name of the transaction running. */
  get transaction(): TransactionName {
    return this.request.transaction;
  }

  /** The arguments of the transaction running, as the catalogue types them (strings). */
  argsOf<N extends TransactionName>(name: N): WireArgs<ArgsOf<N>> {
    const request = this.request;
    if (request.transaction !== name) {
      throw new Error(`argsOf(${name}) called in ${request.transaction}`);
    }
    return request.args as unknown as WireArgs<ArgsOf<N>>;
  }

  /** The request's salt (base64url); every submit has one. Never stored: see {@link salt}. */
  get requestSalt(): string {
    const salt = this.request.salt;
    if (salt === undefined) throw ledgerError('INVALID_ARGUMENT', 'request.salt: missing');
    return salt;
  }

  /**
   * The salt this transaction stores in its private values: ledger-api's valueSalt of the request's
   * salt (one way), so that a reader of a stored value cannot open the transaction's sealed result.
   */
  get salt(): string {
    this.#valueSalt ??= valueSalt(this.requestSalt);
    return this.#valueSalt;
  }

  /** The stored salt as bytes: the value of private index entries. */
  get saltBytes(): Uint8Array {
    return fromBase64url(this.salt);
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

  /** The next ID derived from the transaction ID and salt (`prefix-` + 24 hex). */
  nextId(prefix: DerivedIdPrefix): string {
    const id = deriveId({ prefix, txId: this.txId, n: this.#derived, salt: this.requestSalt });
    this.#derived += 1;
    return id;
  }

  /** A value computed once per transaction under a key (reads every endorser makes alike). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.#memo.get(key);
    if (known !== undefined) return known as Promise<T>;
    const computed = compute();
    this.#memo.set(key, computed);
    return computed;
  }
}

/** The context of the ledger's contracts: a request context plus the resolved, authorized caller. */
export class LedgerContext extends RequestContext {
  #caller: Caller | undefined;

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

  /** Records the authorized caller (called by LedgerContract.beforeTransaction only). */
  setCaller(caller: Caller): void {
    this.#caller = caller;
  }
}
