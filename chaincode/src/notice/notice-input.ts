import {
  NOTICE_ID_PATTERN,
  NOTICE_TEXT_MAX_LENGTH,
  type NoticeInput,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { inputOf, mspIdSchema, parseJsonArgument, validate } from '../ledger/validation';

/** A notice ID (ledger-api NOTICE_ID_PATTERN). */
export const noticeIdSchema = z
  .string()
  .regex(NOTICE_ID_PATTERN, 'must be 1 to 64 of [a-z0-9-], starting with a letter');

/** A notice version: 1, 2, … */
export const noticeVersionSchema = z.number().int().min(1).max(999_999);

/** One language's text: not blank, at most NOTICE_TEXT_MAX_LENGTH, no control characters. */
const noticeTextSchema = z
  .string()
  .max(NOTICE_TEXT_MAX_LENGTH, `must be at most ${String(NOTICE_TEXT_MAX_LENGTH)} characters`)
  .regex(/\S/u, 'must not be blank')
  // Line breaks and tabs are a text's own; other control characters are not.
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u, 'must not hold control characters');

const noticeInputSchema = inputOf<NoticeInput>()(
  z.strictObject({
    noticeId: noticeIdSchema,
    version: noticeVersionSchema,
    texts: z.strictObject({ 'zh-CN': noticeTextSchema, en: noticeTextSchema }),
  }),
);

/** A validated PublishNotice input. */
export type ValidNoticeInput = z.output<typeof noticeInputSchema>;

/** Parses PublishNotice's JSON argument `{noticeId, version, texts: {zh-CN, en}}`. */
export function parseNoticeInput(json: string): ValidNoticeInput {
  return parseJsonArgument(noticeInputSchema, { json, what: 'notice' });
}

/** Validates GetNotice's and CountConsentsByNotice's arguments. */
export function parseNoticeKey(
  args: Readonly<{ org: string; noticeId: string; version?: string }>,
): { readonly org: string; readonly noticeId: string; readonly version?: number } {
  const org = validate(mspIdSchema, { value: args.org, what: 'org' });
  const noticeId = validate(noticeIdSchema, { value: args.noticeId, what: 'noticeId' });
  if (args.version === undefined) return { org, noticeId };
  const version = Number(
    validate(z.string().regex(/^[1-9]\d{0,5}$/, 'must be a version number (1 to 999999)'), {
      value: args.version,
      what: 'version',
    }),
  );
  return { org, noticeId, version };
}

/** Validates an organization argument. */
export function parseNoticeOrg(value: string): string {
  return validate(mspIdSchema, { value, what: 'org' });
}
