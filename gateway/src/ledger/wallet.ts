import { Wallet, type WalletStore, type X509Identity } from 'fabric-network';

/** An enrolled identity's credentials. */
export interface LedgerCredentials {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
}

/** The gateway's wallet: enrolled identities by label (one per user, plus the service identity). */
export interface IdentityWallet {
  get(label: string): Promise<LedgerCredentials | undefined>;
  put(label: string, credentials: LedgerCredentials): Promise<void>;
  remove(label: string): Promise<void>;
  list(): Promise<string[]>;
}

/**
 * Wallet label of the gateway's own service identity: an admin of the organization (role `admin`,
 * no user behind it) that listens to the ledger's blocks, answers readiness, carries patients'
 * signed statements and reads a patient's own data for the patient's session.
 */
export const SERVICE_IDENTITY = 'gateway-service';

/** Injection token of the {@link IdentityWallet}. */
export const IDENTITY_WALLET = Symbol('IDENTITY_WALLET');

class FabricIdentityWallet implements IdentityWallet {
  readonly #wallet: Wallet;

  constructor(store: WalletStore) {
    this.#wallet = new Wallet(store);
  }

  async get(label: string): Promise<LedgerCredentials | undefined> {
    const identity = await this.#wallet.get(label);
    if (identity === undefined) return undefined;
    if (identity.type !== 'X.509') throw new Error(`wallet identity ${label} is not X.509`);
    const { credentials } = identity as X509Identity;
    return {
      mspId: identity.mspId,
      certificate: credentials.certificate,
      privateKey: credentials.privateKey,
    };
  }

  async put(label: string, credentials: LedgerCredentials): Promise<void> {
    const identity: X509Identity = {
      type: 'X.509',
      mspId: credentials.mspId,
      credentials: { certificate: credentials.certificate, privateKey: credentials.privateKey },
    };
    await this.#wallet.put(label, identity);
  }

  async remove(label: string): Promise<void> {
    await this.#wallet.remove(label);
  }

  async list(): Promise<string[]> {
    return this.#wallet.list();
  }
}

/** A fabric-network {@link Wallet} over the given store (the encrypted SQLite one in the gateway). */
export function createIdentityWallet(store: WalletStore): IdentityWallet {
  return new FabricIdentityWallet(store);
}
