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
import { OrgBrand } from './brand.components.tsx';
import type { Session } from './login.view.tsx';
import { deviceKeys, useStatementDialog } from './signing.components.tsx';
import { normalizeEnrolmentCode, statementFor, type SessionSigner } from './statements.ts';
import { formatNumber, t } from './i18n/i18n.ts';
import { LanguageSwitch } from './i18n/language-switch.components.tsx';
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
      return t('first.conflict');
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
      return t('first.checkSlip');
    case 'NOT_FOUND':
      return t('first.unknownPseudonym');
    case 'INVALID_ARGUMENT':
      // The gateway's own text says which field; a refused password gets its own advice.
      return error.message.includes('password') ? t('first.password') : words;
    default:
      return words;
  }
}

type Phase = 'key' | 'confirm' | 'send';
const phaseWords = (phase: Phase): string => t(`first.phase.${phase}`);

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
  const [mspId, setMspId] = useState<string | undefined>();
  const dialog = useStatementDialog();
  useEffect(() => {
    // The gateway's password rule, shown beside the field; the gateway decides in the end.
    ledgerInfo().then(
      (info) => {
        setMinLength(info.passwordMinLength);
        setMspId(info.mspId);
      },
      () => undefined,
    );
  }, []);

  const run = async (): Promise<void> => {
    const pid = patientId.trim();
    const rp = guardianId.trim();
    const enrolmentCode = normalizeEnrolmentCode(code);
    const problems = [
      PATIENT_ID_PATTERN.test(pid) ? '' : t('first.problem.pseudonym'),
      as === 'guardian' && !GUARDIAN_ID_PATTERN.test(rp) ? t('first.problem.guardian') : '',
      enrolmentCode === undefined ? t('first.problem.code') : '',
      new RegExp(USERNAME).test(username.trim()) ? '' : t('first.problem.username'),
      minLength === undefined || Array.from(password.normalize('NFKC')).length >= minLength
        ? ''
        : t('first.problem.password', { count: formatNumber(minLength) }),
    ].filter((problem) => problem !== '');
    setNotice(undefined);
    if (problems.length > 0 || enrolmentCode === undefined) {
      setError(t('grant.problems', { list: problems.join(t('grant.sep')) }));
      return;
    }
    if (!deviceKeysSupported()) {
      setError(t('first.noWebCrypto'));
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
              title: t('first.signTitle'),
              confirmLabel: t('first.signConfirm'),
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
            title: t('first.signTitleGuardian'),
            confirmLabel: t('first.signConfirm'),
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
      if (failure instanceof Cancelled) setNotice(t('first.cancelled'));
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
      <header class="sign-in-top">
        <OrgBrand mspId={mspId} />
        <LanguageSwitch />
      </header>
      <h1>{t('first.title')}</h1>
      <p>{t('first.intro')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <fieldset class="checks">
          <legend>{t('first.who')}</legend>
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
            {t('first.asPatient')}
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
            {t('first.asGuardian')}
          </label>
        </fieldset>
        {text(t('patients.pseudonym'), {
          name: 'patientId',
          value: patientId,
          set: setPatientId,
          placeholder: 'pid-…',
        })}
        {as === 'guardian'
          ? text(t('patients.guardianId'), {
              name: 'guardianId',
              value: guardianId,
              set: setGuardianId,
              placeholder: 'rp-…',
            })
          : null}
        {text(t('patients.code'), {
          name: 'enrolmentCode',
          value: code,
          set: setCode,
          hint: t('first.codeHint'),
        })}
        {text(t('first.username'), {
          name: 'username',
          value: username,
          set: setUsername,
          autocomplete: 'username',
          hint: t('first.usernameHint'),
        })}
        {text(t('first.choosePassword'), {
          name: 'password',
          value: password,
          set: setPassword,
          type: 'password',
          autocomplete: 'new-password',
          hint:
            minLength === undefined
              ? t('first.passwordHintLong')
              : t('first.passwordHint', { count: formatNumber(minLength) }),
        })}
        <button type="submit" disabled={phase !== undefined}>
          {t('first.submit')}
        </button>
      </form>
      <Status
        busy={phase !== undefined}
        busyText={phase === undefined ? undefined : phaseWords(phase)}
        error={error}
      >
        {notice === undefined ? null : <p class="notice">{notice}</p>}
      </Status>
      <p>
        <a href="#/">{t('first.back')}</a>
      </p>
      {dialog.element}
    </main>
  );
}
