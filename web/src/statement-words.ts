import {
  keyIdOf,
  type ActionStatement,
  type BindingChange,
  type BindingVersion,
  type Consent,
  type ConsentInput,
  type ErasureReceipt,
  type GuardianRelationship,
  type PatientActionName,
} from '@consent-ledger/ledger-api';
import { ORGANIZATIONS } from './api.types.ts';

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

function defaultOrgName(mspId: string | undefined): string {
  if (mspId === undefined) return 'everyone';
  return ORGANIZATIONS.find((org) => org.mspId === mspId)?.name ?? mspId;
}

const list = (items: readonly string[] | undefined, all: string): string =>
  items === undefined || items.length === 0 ? all : items.join(', ');

/** The terms of a consent in words. */
function termsOf(
  terms: ConsentInput,
  words: Readonly<{
    whose: string;
    orgName: (mspId: string | undefined) => string;
    time: (iso: string) => string;
  }>,
): string[] {
  const org = words.orgName(terms.grantee?.org);
  const role = terms.grantee?.role === undefined ? '' : ` (${terms.grantee.role}s only)`;
  const data = `${words.whose} ${list(terms.categories, 'all kinds of')} data for ${list(terms.purposes, 'any purpose')}`;
  const lines = [
    terms.provision === 'deny'
      ? `Refuse ${org}${role} the use of ${data}.`
      : `Allow ${org}${role} to use ${data}.`,
    `From ${terms.validFrom === undefined ? 'the moment it is recorded' : words.time(terms.validFrom)}, ${
      terms.validUntil === undefined ? 'with no end date' : `until ${words.time(terms.validUntil)}`
    }.`,
  ];
  if (terms.dataFrom !== undefined || terms.dataUntil !== undefined)
    lines.push(
      `Only data ${terms.dataFrom === undefined ? '' : `from ${words.time(terms.dataFrom)} `}${
        terms.dataUntil === undefined ? '' : `until ${words.time(terms.dataUntil)}`
      }`.trimEnd() + '.',
    );
  const exceptions = terms.exceptions?.length ?? 0;
  if (exceptions > 0)
    lines.push(`With ${String(exceptions)} exception${exceptions === 1 ? '' : 's'}.`);
  return lines;
}

/** The consent named by a revocation or erasure, in words. */
function consentNamed(
  consentId: string,
  consent: Consent | undefined,
  orgName: (mspId: string | undefined) => string,
): string {
  if (consent?.consentId !== consentId) return `consent ${consentId}`;
  return `${consent.provision === 'deny' ? 'refusal' : 'consent'} to ${orgName(consent.grantee?.org)} for ${list(
    consent.categories,
    'all kinds of',
  )} data for ${list(consent.purposes, 'any purpose')} (consent ${consentId})`;
}

/** A statement in plain words. */
export function describeStatement(
  statement: ActionStatement,
  context: Readonly<WordsContext> = {},
): StatementWords {
  const orgName = context.orgName ?? defaultOrgName;
  const time = context.time ?? ((iso: string) => new Date(iso).toLocaleString());
  const typed = statement as AnyStatement;
  const self = typed.signer.kind === 'patient';
  const whose = self ? 'your' : "the patient's";
  const you = self ? 'you' : 'the patient';
  const what = ((): string[] => {
    switch (typed.action) {
      case 'consent:GrantConsent':
        return termsOf(typed.payload, { whose, orgName, time });
      case 'consent:UpdateConsent': {
        const { consentId, expectedVersion, ...terms } = typed.payload;
        return [
          `Change consent ${consentId} (version ${String(expectedVersion)}) to these terms:`,
          ...termsOf(terms, { whose, orgName, time }),
        ];
      }
      case 'consent:RevokeConsent':
        return [
          `Revoke ${whose} ${consentNamed(typed.payload.consentId, context.consent, orgName)}, at version ${String(
            typed.payload.expectedVersion,
          )}.`,
          'From then on it allows nothing. You can grant a new consent later.',
        ];
      case 'consent:EraseConsent':
        return [
          `Erase the details of ${whose} ${consentNamed(typed.payload.consentId, context.consent, orgName)} from every organization's peer that holds them.`,
          'Only a revoked or expired consent can be erased. The ledger keeps a receipt of the erasure and the hashes it already had.',
        ];
      case 'patient:ActivatePatient':
        return [
          `Bind this browser's key ${typed.signer.keyId} to your pseudonym ${typed.patientId}, proven with your enrolment code ${typed.payload.enrolmentCode}.`,
          'From then on this browser signs for you. The key never leaves it.',
        ];
      case 'patient:ActivateGuardian':
        return [
          `Bind this browser's key ${typed.signer.keyId} to you as guardian ${typed.payload.guardianId} of patient ${typed.patientId}, proven with your enrolment code ${typed.payload.enrolmentCode}.`,
          'From then on this browser signs for the patient during your guardianship. The key never leaves it.',
        ];
      case 'patient:AddDevice':
        return [
          `Add the device whose key ID is ${keyIdOf(typed.payload.publicKey)} to the keys that can sign for ${you}.`,
        ];
      case 'patient:RemoveDevice':
        return [
          `Remove the device whose key ID is ${typed.payload.keyId}: from then on it cannot sign for ${you}.`,
        ];
    }
  })();
  const who = self
    ? `Signed by you (patient ${typed.patientId}) with this browser's key ${typed.signer.keyId}.`
    : `Signed by you as guardian ${typed.signer.id} for patient ${typed.patientId}, with this browser's key ${typed.signer.keyId}.`;
  const validity = `Valid once, for the ${typed.chaincode} ledger on channel ${typed.channel}, from ${time(
    typed.issuedAt,
  )} until ${time(typed.expiresAt)}.`;
  return { what, who, validity };
}

/** What each change of a binding did, in words. */
export const CHANGE_WORDS: Readonly<Record<BindingChange, string>> = {
  registered: 'Registered by the home hospital',
  activated: 'First sign-in: the first device bound',
  'device-added': 'A device added',
  'device-removed': 'A device removed',
  'recovery-requested': 'A recovery asked for by the home hospital',
  'recovery-approved': 'Recovery approved by the regulator: every earlier key stopped working',
  'guardian-proposed': 'A guardian proposed by the home hospital',
  'guardian-approved': 'A guardian approved by the regulator',
  'guardian-activated': "A guardian's key bound",
  'guardian-ended': 'A guardianship ended',
};

/** How a guardian is related to the patient, in words. */
export const RELATIONSHIP_WORDS: Readonly<Record<GuardianRelationship, string>> = {
  guardian: 'Guardian',
  'legal-proxy': 'Legal proxy',
  parent: 'Parent',
};

/** Who made a change or asked for an erasure, in words; `self` is the reader's own signer ID. */
export function byWhom(
  by: BindingVersion['by'] | ErasureReceipt['requestedBy'],
  options: Readonly<{ self?: string; orgName?: (mspId: string | undefined) => string }> = {},
): string {
  const orgName = options.orgName ?? defaultOrgName;
  const you = by.id === options.self ? ' (you)' : '';
  switch (by.kind) {
    case 'org':
      return `staff of ${orgName(by.id)}`;
    case 'patient':
      return `the patient ${by.id}${you}`;
    case 'guardian':
      return `guardian ${by.id}${you}`;
  }
}
