import type { JSX, TargetedInputEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  GUARDIAN_ID_PATTERN,
  PATIENT_ID_PATTERN,
  signStatement,
  type AccessToken,
} from '@consent-ledger/ledger-api';
import {
  ApiError,
  activate,
  createApiClient,
  keepTokens,
  ledgerInfo,
  messageOf,
  whoAmI,
} from './api.client.ts';
import { deviceKeysSupported, keySlot } from './device-key.ts';
import type { Session } from './login.view.tsx';
import { deviceKeys, useStatementDialog } from './signing.components.tsx';
import { normalizeEnrolmentCode, statementFor, type SessionSigner } from './statements.ts';
import { Field, Status } from './ui.components.tsx';

/**
 * The first sign-in with the one-time enrolment code the home hospital handed over: this browser
 * makes the patient's (or guardian's) key, shows the statement that binds it, signs it once the
 * reader confirms, and sends it with a new username and password (POST /patients/activate or
 * /guardians/activate). The private key never leaves the browser.
 */

const USERNAME = '^[a-z0-9][a-z0-9._\\-]{2,63}$';

/** Thrown when the reader cancels the confirmation: nothing was signed or sent. */
class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/** What to do about a refused activation, beside the gateway's own words. */
function activationMessage(error: unknown): string {
  const words = messageOf(error);
  if (!(error instanceof ApiError)) return words;
  switch (error.code) {
    case 'CONFLICT':
      return `${words} The username may be taken (choose another), or this pseudonym was already activated: if you did not do that, tell your hospital at once.`;
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
      return `${words} Check the pseudonym, the guardian ID and the enrolment code on your slip.`;
    case 'NOT_FOUND':
      return `${words} Check the pseudonym on your slip: this hospital does not know it.`;
    case 'INVALID_ARGUMENT':
      return words.includes('password')
        ? `Please choose another password: ${words}. Nothing reached the ledger: your enrolment code still works.`
        : words;
    default:
      return words;
  }
}

type Phase = 'key' | 'confirm' | 'send';
const PHASE_WORDS: Readonly<Record<Phase, string>> = {
  key: 'Making your key in this browser…',
  confirm: 'Waiting for your confirmation…',
  send: 'Binding your key on the ledger…',
};

/** The first sign-in page; calls `onSignedIn` with the new session. */
export function FirstSignInView(
  props: Readonly<{ onSignedIn: (session: Session) => void }>,
): JSX.Element {
  const [as, setAs] = useState<'patient' | 'guardian'>('patient');
  const [patientId, setPatientId] = useState('');
  const [guardianId, setGuardianId] = useState('');
  const [code, setCode] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [phase, setPhase] = useState<Phase | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [minLength, setMinLength] = useState<number | undefined>();
  const dialog = useStatementDialog();
  useEffect(() => {
    // The gateway's password rule, shown beside the field; the gateway decides in the end.
    ledgerInfo().then(
      (info) => {
        setMinLength(info.passwordMinLength);
      },
      () => undefined,
    );
  }, []);

  const run = async (): Promise<void> => {
    const pid = patientId.trim();
    const rp = guardianId.trim();
    const enrolmentCode = normalizeEnrolmentCode(code);
    const problems = [
      PATIENT_ID_PATTERN.test(pid) ? '' : 'enter the pseudonym as printed (pid-…)',
      as === 'guardian' && !GUARDIAN_ID_PATTERN.test(rp)
        ? 'enter the guardian ID as printed (rp-…)'
        : '',
      enrolmentCode === undefined ? 'enter the 16-character enrolment code' : '',
      new RegExp(USERNAME).test(username.trim())
        ? ''
        : 'choose a username of 3 to 64 lower-case letters, digits, dots, dashes or underscores',
      minLength === undefined || Array.from(password.normalize('NFKC')).length >= minLength
        ? ''
        : `choose a password of at least ${String(minLength)} characters`,
    ].filter((problem) => problem !== '');
    setNotice(undefined);
    if (problems.length > 0 || enrolmentCode === undefined) {
      setError(`Please ${problems.join(', ')}.`);
      return;
    }
    if (!deviceKeysSupported()) {
      setError(
        'This browser cannot keep a key: it needs WebCrypto (the page served over https, or from localhost) and IndexedDB.',
      );
      return;
    }
    setError(undefined);
    const signer: SessionSigner =
      as === 'patient'
        ? { kind: 'patient', id: pid, patientId: pid }
        : { kind: 'guardian', id: rp, patientId: pid };
    try {
      setPhase('key');
      const ledger = await ledgerInfo();
      const token = await deviceKeys().createFor(
        keySlot(signer),
        async (key): Promise<AccessToken> => {
          const credentials = { username: username.trim(), password };
          setPhase('confirm');
          if (as === 'patient') {
            const build = (now: Date) =>
              statementFor({
                ledger,
                signer,
                key,
                action: 'patient:ActivatePatient',
                payload: { publicKey: key.publicKey, enrolmentCode },
                now,
              });
            const confirmed = await dialog.confirm({
              statement: build(new Date()),
              rebuild: build,
              title: 'Sign your first sign-in?',
              confirmLabel: 'Sign and activate',
            });
            if (confirmed === undefined) throw new Cancelled();
            setPhase('send');
            const action = await signStatement(confirmed, key);
            return activate({ as: 'patient', body: { ...credentials, action } });
          }
          const build = (now: Date) =>
            statementFor({
              ledger,
              signer,
              key,
              action: 'patient:ActivateGuardian',
              payload: { publicKey: key.publicKey, enrolmentCode, guardianId: rp },
              now,
            });
          const confirmed = await dialog.confirm({
            statement: build(new Date()),
            rebuild: build,
            title: 'Sign your first sign-in as a guardian?',
            confirmLabel: 'Sign and activate',
          });
          if (confirmed === undefined) throw new Cancelled();
          setPhase('send');
          const action = await signStatement(confirmed, key);
          return activate({ as: 'guardian', body: { ...credentials, action } });
        },
      );
      const api = createApiClient(token, { onTokens: keepTokens });
      props.onSignedIn({ api, me: await whoAmI(api) });
    } catch (failure) {
      if (failure instanceof Cancelled)
        setNotice('Cancelled: nothing was signed or sent. Your enrolment code still works.');
      else setError(activationMessage(failure));
    } finally {
      setPhase(undefined);
    }
  };

  const text = (
    label: string,
    options: Readonly<{
      name: string;
      value: string;
      set: (value: string) => void;
      hint?: string;
      type?: 'text' | 'password';
      autocomplete?: string;
      placeholder?: string;
    }>,
  ): JSX.Element => (
    <Field label={label} {...(options.hint === undefined ? {} : { hint: options.hint })}>
      {(id, hint) => {
        const common = {
          id,
          name: options.name,
          required: true,
          autocomplete: options.autocomplete ?? 'off',
          spellcheck: false,
          'aria-describedby': hint,
          placeholder: options.placeholder,
          value: options.value,
          onInput: (event: TargetedInputEvent<HTMLInputElement>) => {
            options.set(event.currentTarget.value);
          },
        };
        return options.type === 'password' ? (
          <input type="password" {...common} />
        ) : (
          <input type="text" {...common} />
        );
      }}
    </Field>
  );

  return (
    <main id="main" class="narrow">
      <h1>First sign-in</h1>
      <p>
        Use the slip your hospital gave you. This browser makes your own signing key: it never
        leaves this browser, and only it can then sign for you. Use your own device.
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <fieldset class="checks">
          <legend>Who are you?</legend>
          <label class="check">
            <input
              type="radio"
              name="as"
              value="patient"
              checked={as === 'patient'}
              onChange={() => {
                setAs('patient');
              }}
            />
            I am the patient
          </label>
          <label class="check">
            <input
              type="radio"
              name="as"
              value="guardian"
              checked={as === 'guardian'}
              onChange={() => {
                setAs('guardian');
              }}
            />
            I am a guardian
          </label>
        </fieldset>
        {text('Pseudonym (patient ID)', {
          name: 'patientId',
          value: patientId,
          set: setPatientId,
          placeholder: 'pid-…',
        })}
        {as === 'guardian'
          ? text('Guardian ID', {
              name: 'guardianId',
              value: guardianId,
              set: setGuardianId,
              placeholder: 'rp-…',
            })
          : null}
        {text('Enrolment code', {
          name: 'enrolmentCode',
          value: code,
          set: setCode,
          hint: '16 letters and digits, as printed (dashes optional).',
        })}
        {text('Choose a username', {
          name: 'username',
          value: username,
          set: setUsername,
          autocomplete: 'username',
          hint: '3 to 64 lower-case letters, digits, dots, dashes or underscores.',
        })}
        {text('Choose a password', {
          name: 'password',
          value: password,
          set: setPassword,
          type: 'password',
          autocomplete: 'new-password',
          hint: `${minLength === undefined ? 'A long password' : `At least ${String(minLength)} characters`}: a few words of your own make a good one; not a common password, a sequence, or your username. It signs you in here; only your key signs for you.`,
        })}
        <button type="submit" disabled={phase !== undefined}>
          Make my key and review
        </button>
      </form>
      <Status
        busy={phase !== undefined}
        busyText={phase === undefined ? undefined : PHASE_WORDS[phase]}
        error={error}
      >
        {notice === undefined ? null : <p class="notice">{notice}</p>}
      </Status>
      <p>
        <a href="#/">Back to sign in</a>
      </p>
      {dialog.element}
    </main>
  );
}
