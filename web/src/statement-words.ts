import {
  keyIdOf,
  type ActionStatement,
  type BindingVersion,
  type Consent,
  type ConsentInput,
  type ErasureReceipt,
  type PatientActionName,
} from '@consent-ledger/ledger-api';
import { formatDateTime, t } from './i18n/i18n.ts';
import {
  categoriesWords,
  sensitivitiesWords,
  granteeRoleWord,
  orgName as defaultOrgName,
  purposesWords,
  granteeName,
} from './i18n/words.ts';

/**
 * A statement in plain words, for the confirmation the patient reads before signing. The exact
 * text is shown beside it (the "technical details"); these words must say the same thing.
 */

/** A statement told in words. */
export interface StatementWords {
  /** What the action does. */
  readonly what: readonly string[];
  /** Who signs, and with which key. */
  readonly who: string;
  /** Where and until when the statement can be used. */
  readonly validity: string;
}

/** What {@link describeStatement} may use to say more than the statement's own fields. */
export interface WordsContext {
  /** An organization's readable name (the network's names by default). */
  readonly orgName?: (mspId: string | undefined) => string;
  /** A date-time as the reader reads it (the browser's locale by default). */
  readonly time?: (iso: string) => string;
  /** The consent a revocation or erasure is about, to name it. */
  readonly consent?: Consent;
}

/** A statement of any action, told apart by `action`. */
type AnyStatement = { readonly [A in PatientActionName]: ActionStatement<A> }[PatientActionName];

const categoriesOf = (items: readonly string[] | undefined): string =>
  items === undefined || items.length === 0 ? t('statement.allData') : categoriesWords(items);
const purposesOf = (items: readonly string[] | undefined): string =>
  items === undefined || items.length === 0 ? t('statement.anyPurpose') : purposesWords(items);

/** The terms of a consent in words. */
function termsOf(
  terms: ConsentInput,
  words: Readonly<{
    whose: string;
    orgName: (mspId: string | undefined) => string;
    time: (iso: string) => string;
  }>,
): string[] {
  const values = {
    org: granteeName(terms.grantee, words.orgName),
    role:
      terms.grantee?.role === undefined
        ? ''
        : t('statement.onlyRole', { role: granteeRoleWord(terms.grantee.role, true) }),
    whose: words.whose,
    data: categoriesOf(terms.categories),
    purposes: purposesOf(terms.purposes),
  };
  const from =
    terms.validFrom === undefined ? t('statement.fromRecorded') : words.time(terms.validFrom);
  const lines = [
    terms.provision === 'deny' ? t('statement.refuse', values) : t('statement.allow', values),
    terms.validUntil === undefined
      ? t('statement.periodOpen', { from })
      : t('statement.period', { from, until: words.time(terms.validUntil) }),
  ];
  if (terms.dataFrom !== undefined && terms.dataUntil !== undefined)
    lines.push(
      t('statement.dataBetween', {
        from: words.time(terms.dataFrom),
        until: words.time(terms.dataUntil),
      }),
    );
  else if (terms.dataFrom !== undefined)
    lines.push(t('statement.dataFrom', { from: words.time(terms.dataFrom) }));
  else if (terms.dataUntil !== undefined)
    lines.push(t('statement.dataUntil', { until: words.time(terms.dataUntil) }));
  if (terms.sensitive !== undefined && terms.sensitive.length > 0)
    lines.push(
      t(terms.provision === 'deny' ? 'statement.sensitiveRefuse' : 'statement.sensitiveAllow', {
        labels: sensitivitiesWords(terms.sensitive),
      }),
    );
  const exceptions = terms.exceptions?.length ?? 0;
  if (exceptions > 0) lines.push(t('statement.exceptions', { count: exceptions }));
  return lines;
}

/** The consent named by a revocation or erasure, in words. */
function consentNamed(
  consentId: string,
  consent: Consent | undefined,
  orgName: (mspId: string | undefined) => string,
): string {
  if (consent?.consentId !== consentId) return t('statement.consentId', { id: consentId });
  return t(consent.provision === 'deny' ? 'statement.namedRefusal' : 'statement.namedConsent', {
    org: granteeName(consent.grantee, orgName),
    data: categoriesOf(consent.categories),
    purposes: purposesOf(consent.purposes),
    id: consentId,
  });
}

/** A statement in plain words. */
export function describeStatement(
  statement: ActionStatement,
  context: Readonly<WordsContext> = {},
): StatementWords {
  const orgName = context.orgName ?? defaultOrgName;
  const time = context.time ?? formatDateTime;
  const typed = statement as AnyStatement;
  const self = typed.signer.kind === 'patient';
  const whose = self ? t('statement.your') : t('statement.patients');
  const you = self ? t('statement.you') : t('statement.thePatient');
  const what = ((): string[] => {
    switch (typed.action) {
      case 'consent:GrantConsent':
        return termsOf(typed.payload, { whose, orgName, time });
      case 'consent:UpdateConsent': {
        const { consentId, expectedVersion, ...terms } = typed.payload;
        return [
          t('statement.change', { id: consentId, version: expectedVersion }),
          ...termsOf(terms, { whose, orgName, time }),
        ];
      }
      case 'consent:RevokeConsent':
        return [
          t('statement.revoke', {
            whose,
            consent: consentNamed(typed.payload.consentId, context.consent, orgName),
            version: typed.payload.expectedVersion,
          }),
          t('statement.revokeAfter'),
        ];
      case 'consent:EraseConsent':
        return [
          t('statement.erase', {
            whose,
            consent: consentNamed(typed.payload.consentId, context.consent, orgName),
          }),
          t('statement.eraseAfter'),
        ];
      case 'patient:ActivatePatient':
        return [
          t('statement.activate', {
            key: typed.signer.keyId,
            patient: typed.patientId,
            code: typed.payload.enrolmentCode,
          }),
          t('statement.activateAfter'),
        ];
      case 'patient:ActivateGuardian':
        return [
          t('statement.activateGuardian', {
            key: typed.signer.keyId,
            guardian: typed.payload.guardianId,
            patient: typed.patientId,
            code: typed.payload.enrolmentCode,
          }),
          t('statement.activateGuardianAfter'),
        ];
      case 'patient:AddDevice':
        return [t('statement.addDevice', { key: keyIdOf(typed.payload.publicKey), you })];
      case 'patient:RemoveDevice':
        return [t('statement.removeDevice', { key: typed.payload.keyId, you })];
      case 'request:ApproveRequest':
        return [
          t('statement.approveRequest', { id: typed.payload.requestId }),
          ...termsOf(typed.payload.consent, { whose, orgName, time }),
        ];
      case 'request:DeclineRequest':
        return [
          t('statement.declineRequest', { id: typed.payload.requestId }),
          ...(typed.payload.reason === undefined
            ? []
            : [
                t('statement.declineBecause', {
                  reason: t(`declineReason.${typed.payload.reason}`),
                }),
              ]),
        ];
    }
  })();
  const who = self
    ? t('statement.whoPatient', { patient: typed.patientId, key: typed.signer.keyId })
    : t('statement.whoGuardian', {
        guardian: typed.signer.id,
        patient: typed.patientId,
        key: typed.signer.keyId,
      });
  const validity = t('statement.validity', {
    chaincode: typed.chaincode,
    channel: typed.channel,
    from: time(typed.issuedAt),
    until: time(typed.expiresAt),
  });
  return { what, who, validity };
}

/** Who made a change or asked for an erasure, in words; `self` is the reader's own signer ID. */
export function byWhom(
  by: BindingVersion['by'] | ErasureReceipt['requestedBy'],
  options: Readonly<{ self?: string; orgName?: (mspId: string | undefined) => string }> = {},
): string {
  const orgName = options.orgName ?? defaultOrgName;
  const you = by.id === options.self ? t('statement.byYou') : '';
  switch (by.kind) {
    case 'org':
      return t('statement.byOrg', { org: orgName(by.id) });
    case 'patient':
      return t('statement.byPatient', { id: by.id, you });
    case 'guardian':
      return t('statement.byGuardian', { id: by.id, you });
  }
}

/** The terms of a consent in words, as a patient reads them (a consent request's, before approving). */
export function consentTermsWords(terms: ConsentInput): string[] {
  return termsOf(terms, {
    whose: t('statement.your'),
    orgName: defaultOrgName,
    time: formatDateTime,
  });
}
