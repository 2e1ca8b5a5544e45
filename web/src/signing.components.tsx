import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  signStatement,
  statementText,
  type ActionStatement,
  type Consent,
  type LedgerInfo,
  type PatientActionName,
  type PatientActions,
  type PatientView,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { ledgerInfo, messageOf } from './api.client.ts';
import {
  createDeviceKeyStore,
  deviceKeysSupported,
  keySlot,
  type DeviceKeyStore,
  type StoredKey,
} from './device-key.ts';
import type { Session } from './login.view.tsx';
import { describeStatement } from './statement-words.ts';
import {
  cannotSign,
  isStale,
  signerOf,
  signingStatus,
  statementFor,
  type SessionSigner,
  type SigningStatus,
} from './statements.ts';
import { ConfirmDialog, TechnicalDetails, Time, type Task } from './ui.components.tsx';
import { t } from './i18n/i18n.ts';

/** What the confirmation shows, and how to make the statement again once it has expired. */
export interface ConfirmRequest<A extends PatientActionName> {
  readonly statement: ActionStatement<A>;
  /** The same statement with a new time and nonce (when the reader took too long). */
  readonly rebuild: (now: Date) => ActionStatement<A>;
  readonly title: string;
  readonly confirmLabel: string;
  /** Red confirmation for what cannot be undone (revoke, erase, remove). */
  readonly danger?: boolean;
  /** The consent a revocation or erasure names, to say which one in words. */
  readonly consent?: Consent;
}

interface Pending {
  readonly statement: ActionStatement;
  readonly rebuild: (now: Date) => ActionStatement;
  readonly title: string;
  readonly confirmLabel: string;
  readonly danger: boolean;
  readonly consent?: Consent;
  readonly notice?: string;
  readonly resolve: (statement: ActionStatement | undefined) => void;
}

/** The signing confirmation: one dialog, shown by {@link StatementDialog.confirm}. */
export interface StatementDialog {
  /** The dialog, to render once. */
  readonly element: JSX.Element;
  /**
   * Shows a statement in words and as its exact text; resolves with the statement the reader
   * confirmed (renewed if it had expired meanwhile), or undefined if they cancelled.
   */
  confirm<A extends PatientActionName>(
    request: ConfirmRequest<A>,
  ): Promise<ActionStatement<A> | undefined>;
}

function StatementBody(props: Readonly<{ pending: Pending }>): JSX.Element {
  const { statement, consent, notice } = props.pending;
  const words = describeStatement(statement, consent === undefined ? {} : { consent });
  return (
    <div class="statement-review">
      {notice === undefined ? null : <p class="notice">{notice}</p>}
      <div data-testid="statement-words">
        {words.what.map((line) => (
          <p key={line}>{line}</p>
        ))}
      </div>
      <p class="meta">
        {words.who} {words.validity}
      </p>
      <details class="technical">
        <summary>{t('signing.technical')}</summary>
        <p class="hint">{t('signing.technicalHint')}</p>
        <pre class="statement" data-testid="statement-text">
          {statementText(statement)}
        </pre>
      </details>
    </div>
  );
}

/** A {@link StatementDialog} as component state. */
export function useStatementDialog(): StatementDialog {
  const [pending, setPending] = useState<Pending | undefined>();
  // The open request, read by the handlers (state would be stale in a closure).
  const current = useRef<Pending | undefined>(undefined);
  const show = (next: Pending | undefined): void => {
    current.current = next;
    setPending(next);
  };
  const settle = (statement: ActionStatement | undefined): void => {
    const open = current.current;
    if (open === undefined) return;
    show(undefined);
    open.resolve(statement);
  };
  const element = (
    <ConfirmDialog
      open={pending !== undefined}
      title={pending?.title ?? t('signing.sign')}
      confirmLabel={pending?.confirmLabel ?? t('signing.sign')}
      danger={pending?.danger ?? false}
      onCancel={() => {
        settle(undefined);
      }}
      onConfirm={() => {
        const open = current.current;
        if (open === undefined) return;
        const now = new Date();
        if (isStale(open.statement, now)) {
          show({
            ...open,
            statement: open.rebuild(now),
            notice: t('signing.expired'),
          });
          return;
        }
        settle(open.statement);
      }}
    >
      {pending === undefined ? null : (
        <StatementBody key={pending.statement.nonce} pending={pending} />
      )}
    </ConfirmDialog>
  );
  return {
    element,
    confirm: <A extends PatientActionName>(request: ConfirmRequest<A>) =>
      new Promise<ActionStatement<A> | undefined>((resolve) => {
        current.current?.resolve(undefined);
        show({
          statement: request.statement,
          rebuild: request.rebuild,
          title: request.title,
          confirmLabel: request.confirmLabel,
          danger: request.danger ?? false,
          ...(request.consent === undefined ? {} : { consent: request.consent }),
          resolve: resolve as (statement: ActionStatement | undefined) => void,
        });
      }),
  };
}

/** A patient action the page asks to sign. */
export interface SignRequest<A extends PatientActionName> {
  readonly action: A;
  readonly payload: PatientActions[A];
  readonly title: string;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  readonly consent?: Consent;
}

/** The session's signing: its signer, the binding, this browser's key and the confirmation. */
export interface Signing {
  /** Undefined for users who sign nothing (staff, regulators). */
  readonly signer: SessionSigner | undefined;
  /** GET /patients/me, once loaded. */
  readonly view: PatientView | undefined;
  /** This browser's key for the signer, once looked up (undefined: none). */
  readonly key: StoredKey | undefined;
  /** Undefined while loading. */
  readonly status: SigningStatus | undefined;
  readonly loadError: string | undefined;
  readonly dialog: StatementDialog;
  /** Reads the binding and this browser's key again. */
  reload(): Promise<void>;
  /**
   * Builds the action's statement, shows it, and signs it with this browser's key once the reader
   * confirms; undefined if they cancel. Throws, in words, when this browser cannot sign.
   */
  sign<A extends PatientActionName>(request: SignRequest<A>): Promise<SignedAction<A> | undefined>;
  /** Makes a key on this browser (keeping one that waits to be added). */
  makeKeyHere(): Promise<StoredKey>;
}

let sharedStore: DeviceKeyStore | undefined;
/** This browser's key store (one per page). */
export function deviceKeys(): DeviceKeyStore {
  sharedStore ??= createDeviceKeyStore();
  return sharedStore;
}

/** The signing of a session, as component state; reloads when `refresh` changes. */
export function useSigning(session: Session, refresh: number): Signing {
  const signer = signerOf(session.me);
  const dialog = useStatementDialog();
  const [view, setView] = useState<PatientView | undefined>();
  const [key, setKey] = useState<StoredKey | undefined>();
  const [looked, setLooked] = useState(false);
  const [loadError, setLoadError] = useState<string | undefined>();
  const ledger = useRef<Promise<LedgerInfo> | undefined>(undefined);
  const reload = async (): Promise<void> => {
    if (signer === undefined) return;
    try {
      const [nextView, nextKey] = await Promise.all([
        session.api.get<PatientView>('/patients/me'),
        deviceKeysSupported() ? deviceKeys().load(keySlot(signer)) : Promise.resolve(undefined),
      ]);
      setView(nextView);
      setKey(nextKey);
      setLooked(true);
      setLoadError(undefined);
    } catch (error) {
      setLoadError(t('signing.loadError', { message: messageOf(error) }));
    }
  };
  useEffect(() => {
    void reload();
  }, [session, refresh]);
  const status =
    signer === undefined || view === undefined || !looked
      ? undefined
      : signingStatus({ binding: view.binding, signer, key, now: new Date() });
  return {
    signer,
    view,
    key,
    status,
    loadError,
    dialog,
    reload,
    async sign(request) {
      if (signer === undefined) throw new Error(t('signing.onlyPatient'));
      if (status === undefined) throw new Error(loadError ?? t('signing.stillLoading'));
      if (status.kind !== 'ready')
        throw new Error(t('signing.nothingSigned', { why: cannotSign(status) }));
      ledger.current ??= ledgerInfo().catch((error: unknown) => {
        ledger.current = undefined;
        throw error;
      });
      const info = await ledger.current;
      const build = (now: Date): ActionStatement<typeof request.action> =>
        statementFor({
          ledger: info,
          signer,
          key: status.key,
          action: request.action,
          payload: request.payload,
          now,
        });
      const confirmed = await dialog.confirm({
        statement: build(new Date()),
        rebuild: build,
        title: request.title,
        confirmLabel: request.confirmLabel,
        ...(request.danger === undefined ? {} : { danger: request.danger }),
        ...(request.consent === undefined ? {} : { consent: request.consent }),
      });
      if (confirmed === undefined) return undefined;
      return signStatement(confirmed, status.key);
    },
    async makeKeyHere() {
      if (signer === undefined) throw new Error(t('signing.onlyPatientKey'));
      if (!deviceKeysSupported()) throw new Error(t('signing.noWebCrypto'));
      const made =
        status?.kind === 'not-bound' && key !== undefined
          ? key
          : await deviceKeys().create(keySlot(signer));
      await reload();
      return made;
    },
  };
}

/**
 * Signs a patient action (after the confirmation) and sends it with `task`: nothing happens if
 * the reader cancels; a browser that cannot sign shows why in the task's error.
 */
export async function signAndSend<A extends PatientActionName, T>(
  options: Readonly<{
    signing: Signing;
    task: Task<T>;
    request: SignRequest<A>;
    send: (action: SignedAction<A>) => Promise<T>;
  }>,
): Promise<boolean> {
  let signed: SignedAction<A> | undefined;
  try {
    signed = await options.signing.sign(options.request);
  } catch (error) {
    await options.task.run(() =>
      Promise.reject(error instanceof Error ? error : new Error(String(error))),
    );
    return false;
  }
  if (signed === undefined) return false;
  const action = signed;
  await options.task.run(() => options.send(action));
  return true;
}

/** Says, when this browser cannot sign for the patient, why and where to set it up. */
export function SigningNotice(props: Readonly<{ signing: Signing }>): JSX.Element | null {
  const { status, loadError } = props.signing;
  if (loadError !== undefined)
    return (
      <div class="callout" role="alert">
        <p>{loadError}</p>
      </div>
    );
  if (status === undefined || status.kind === 'ready') return null;
  return (
    <div class="callout" data-testid="cannot-sign">
      <p>
        <strong>{t('signing.cannot')}</strong> {cannotSign(status)}
      </p>
      {status.kind === 'not-allowed' ? null : (
        <p>
          <a href="#/devices">{t('signing.setUp')}</a>
        </p>
      )}
    </div>
  );
}

/** A public key as text to copy to another device, with a copy button. */
export function PublicKeyBox(props: Readonly<{ keyRecord: StoredKey }>): JSX.Element {
  const [copied, setCopied] = useState<string | undefined>();
  const copy = async (): Promise<void> => {
    try {
      // navigator.clipboard is missing outside secure contexts: the error is caught here too.
      await navigator.clipboard.writeText(props.keyRecord.publicKey);
      setCopied(t('signing.copied'));
    } catch {
      setCopied(t('signing.copyRefused'));
    }
  };
  return (
    <div class="public-key">
      <p>
        {t('signing.keyMade')} <Time value={props.keyRecord.createdAt} />
        {t('signing.keyMadeAfter')}
      </p>
      <TechnicalDetails>
        <p class="meta">
          {t('devices.keyId')} <span class="id">{props.keyRecord.keyId}</span>
        </p>
      </TechnicalDetails>
      <label for="public-key-text">{t('signing.publicKey')}</label>
      <textarea
        id="public-key-text"
        class="id"
        readOnly
        rows={4}
        value={props.keyRecord.publicKey}
        data-testid="public-key"
        onFocus={(event) => {
          event.currentTarget.select();
        }}
      />
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            void copy();
          }}
        >
          {t('signing.copy')}
        </button>
      </div>
      <p role="status" aria-live="polite">
        {copied}
      </p>
    </div>
  );
}
