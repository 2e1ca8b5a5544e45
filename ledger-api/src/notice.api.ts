import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { EVERYONE, REGULATOR, type AccessRules } from './access-rule.ts';
import { canonicalJson } from './request.ts';
import type { Evaluate, Submit } from './transaction.ts';

/**
 * Notices (PIPL arts. 17, 29-30; IHE BPPC's policy documents): the text an organization gives a
 * patient before a consent, published on the ledger by the organization's admin, one immutable
 * version after another, in both languages of the product. A consent names the notice it was
 * given under ({@link NoticeRef}); the patient's signature covers that reference and with it the
 * SHA-256 of the exact texts. A notice is the organization's public document, about no patient:
 * its text is public state, so every member reads the same words by the same hash.
 */

/** The languages every notice version is published in. */
export const NOTICE_LANGUAGES = ['zh-CN', 'en'] as const;
/** A language of a notice. */
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

/** A notice ID: its organization's code for the notice (`consent-sharing`), not a title. */
export const NOTICE_ID_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
/** The longest text of a notice in one language, in UTF-16 code units. */
export const NOTICE_TEXT_MAX_LENGTH = 8000;

/** A notice's texts, one per language. */
export type NoticeTexts = Readonly<Record<NoticeLanguage, string>>;

/** Which notice, in which version, with which text: what a consent names. */
export interface NoticeRef {
  /** The organization that published it: the patient's home or the consent's grantee. */
  readonly org: string;
  readonly noticeId: string;
  readonly version: number;
  /** {@link noticeDigest} of the version's texts. */
  readonly sha256: string;
}

/** PublishNotice's input: the next version of one of the caller's organization's notices. */
export interface NoticeInput {
  readonly noticeId: string;
  /** 1 for a new notice, else the latest version plus one. */
  readonly version: number;
  readonly texts: NoticeTexts;
}

/** A published notice version without its texts. */
export interface NoticeSummary extends NoticeRef {
  readonly publishedAt: string;
  readonly txId: string;
}

/** A published notice version. */
export interface Notice extends NoticeSummary {
  readonly texts: NoticeTexts;
}

/** How many consents name each version of a notice (their current versions, any status). */
export interface NoticeUse {
  readonly org: string;
  readonly noticeId: string;
  /** Ascending by version; a version no consent names is absent. */
  readonly versions: readonly { readonly version: number; readonly consents: number }[];
}

/**
 * The SHA-256 (lowercase hex) of a notice version's texts: of the UTF-8 bytes of their sorted-key
 * JSON (`{"en":"…","zh-CN":"…"}`), so anyone can recompute it from the texts alone.
 */
export function noticeDigest(texts: NoticeTexts): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(texts))));
}

/** The notices of the organizations (contract `notice`). */
export interface NoticeTransactions {
  /** Publishes the next version of a notice of the caller's organization (its admin). */
  'notice:PublishNotice': Submit<[notice: NoticeInput], Notice>;
  /** One version of a notice, with its texts. */
  'notice:GetNotice': Evaluate<[org: string, noticeId: string, version: number], Notice>;
  /** Every version of every notice of an organization, by notice ID then version, no texts. */
  'notice:ListNotices': Evaluate<[org: string], readonly NoticeSummary[]>;
  /** How many consents name each version of a notice (the regulator). */
  'notice:CountConsentsByNotice': Evaluate<[org: string, noticeId: string], NoticeUse>;
}

/** Who may call the notice contract's transactions. */
export const NOTICE_ACCESS: AccessRules<NoticeTransactions> = {
  'notice:PublishNotice': {
    grants: [{ orgTypes: 'any', roles: ['admin'] }],
    scope: "its own organization's notices",
  },
  'notice:GetNotice': { grants: EVERYONE },
  'notice:ListNotices': { grants: EVERYONE },
  'notice:CountConsentsByNotice': { grants: REGULATOR },
};
