import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { createValidationPipe } from '../common/validation.js';
import { PublishNoticeDto } from './notice.dto.js';

const pipe = createValidationPipe();
const parse = (body: unknown): Promise<unknown> =>
  pipe.transform(body, { type: 'body', metatype: PublishNoticeDto });
const texts = { 'zh-CN': '告知书', en: 'Notice' };

describe('POST /notices body through the global validation pipe', () => {
  it('takes a notice version with both texts', async () => {
    expect({
      ...((await parse({ noticeId: 'consent-sharing', version: 2, texts })) as object),
    }).toMatchObject({ noticeId: 'consent-sharing', version: 2 });
  });

  it('refuses missing or malformed texts, a bad ID or version, with INVALID_ARGUMENT', async () => {
    for (const body of [
      { noticeId: 'consent-sharing', version: 1 },
      { noticeId: 'consent-sharing', version: 1, texts: 'notice' },
      { noticeId: 'consent-sharing', version: 1, texts: { 'zh-CN': '告知书' } },
      { noticeId: 'consent-sharing', version: 1, texts: { ...texts, en: ' ' } },
      { noticeId: 'Consent Sharing', version: 1, texts },
      { noticeId: 'consent-sharing', version: 0, texts },
      { noticeId: 'consent-sharing', version: '1', texts },
    ]) {
      await expect(parse(body), JSON.stringify(body)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
  });
});
