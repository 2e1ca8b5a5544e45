import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent } from '@consent-ledger/ledger-api';
import fontkit, { type Font } from '@pdf-lib/fontkit';
import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { accessHistoryPdf, wrapText } from './access-history-pdf.ts';
import { setLanguage } from './i18n/i18n.ts';
import { ACCESS_EVENT, EMERGENCY_EVENT } from './testing/access-events.ts';
import { orgName } from './i18n/words.ts';
import { pdfFontCharacters, pdfFontSubset } from './pdf-font.build.ts';

/** Writing a PDF with its font embedded takes seconds on a busy machine (no speed is checked). */
const PDF_TIMEOUT = 30_000;

const base = ACCESS_EVENT;
/** The emergency access, by a community hospital clinician. */
const emergency: AccessEvent = {
  ...EMERGENCY_EVENT,
  accessor: { org: 'CommunityHospitalMSP', role: 'clinician', idHash: 'c'.repeat(64) },
};
/** Enough requests for a second page. */
const many: AccessEvent[] = Array.from({ length: 40 }, (_, index) => ({
  ...(index % 2 === 0 ? base : emergency),
  eventId: `evt-${String(index).padStart(28, '0')}`,
  decision: index % 3 === 0 ? 'deny' : 'permit',
}));

/** The text of every page, as a PDF reader extracts it (one string a page). */
async function pagesOf(pdf: Uint8Array): Promise<string[]> {
  const task = getDocument({ data: pdf.slice() });
  const doc = await task.promise;
  const pages: string[] = [];
  for (let number = 1; number <= doc.numPages; number += 1) {
    const content = await (await doc.getPage(number)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .filter((text) => text !== '')
        .join('\n'),
    );
  }
  await task.destroy();
  return pages;
}

/** A font a PDF embeds: its name, its compressed size, and its program, parsed. */
interface EmbeddedFont {
  readonly name: string;
  readonly bytes: number;
  readonly program: Font;
}

/** The fonts a PDF embeds (TrueType font files). */
async function embeddedFonts(pdf: Uint8Array): Promise<EmbeddedFont[]> {
  const doc = await PDFDocument.load(pdf);
  const fonts: EmbeddedFont[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const file = object.lookup(PDFName.of('FontFile2'));
    if (!(file instanceof PDFRawStream)) continue;
    fonts.push({
      name: object.lookup(PDFName.of('FontName'))?.toString().slice(1) ?? '',
      bytes: file.contents.byteLength,
      program: fontkit.create(decodePDFRawStream(file).decode()),
    });
  }
  return fonts;
}

let font: Uint8Array;
beforeAll(async () => {
  font = await pdfFontSubset();
}, 60_000);
afterAll(async () => {
  await setLanguage('zh-CN');
});

describe('the access history PDF', () => {
  it(
    'is written in Chinese with the font embedded, every row readable back',
    async () => {
      await setLanguage('zh-CN');
      const pdf = await accessHistoryPdf([emergency, base], {
        font,
        patientId: base.patientId,
        writtenAt: '2026-12-06T09:00:00.000Z',
      });
      expect(Buffer.from(pdf).toString('latin1', 0, 5)).toBe('%PDF-');
      // The font travels inside the file (TrueType, subset), so no Chinese font is needed to read it.
      const fonts = await embeddedFonts(pdf);
      expect(fonts).toHaveLength(1);
      expect(fonts[0]?.name).toMatch(/^NotoSansSC/);
      // The build's subset of the font (compressed), not the 10.5 MB font.
      expect(fonts[0]?.bytes).toBeLessThan(250_000);
      const [page, ...rest] = await pagesOf(pdf);
      expect(rest).toEqual([]);
      for (const words of [
        '谁查看了我的数据：访问记录',
        orgName('TertiaryHospitalMSP'),
        orgName('CommunityHospitalMSP'),
        '医生',
        '已允许',
        '是：危及生命',
        '事件编号',
      ]) {
        expect(page).toContain(words);
      }
      // Every character on the page has its outline in the embedded font: no font of the reader's
      // machine is needed (a missing glyph would show as a box, or not at all).
      const program = fonts[0]?.program;
      for (const character of new Set(Array.from(page?.replace(/\s/g, '') ?? ''))) {
        const glyph = program?.glyphForCodePoint(character.codePointAt(0) ?? 0);
        expect(glyph?.id, character).toBeGreaterThan(0);
        expect(glyph?.path.toSVG().length, character).toBeGreaterThan(0);
      }
      expect(page).toContain(base.patientId);
      expect(page).toContain(base.eventId);
      expect(page).toContain(emergency.eventId);
      expect(page).toContain('第 1 页，共 1 页');
      // Newest first, as given: the emergency row before the other.
      expect(page?.indexOf(emergency.eventId)).toBeLessThan(page?.indexOf(base.eventId) ?? 0);
    },
    PDF_TIMEOUT,
  );

  it(
    'is written in English when the page is, with its headings on every page',
    async () => {
      await setLanguage('en');
      const pdf = await accessHistoryPdf(many, {
        font,
        patientId: base.patientId,
        writtenAt: '2026-12-06T09:00:00.000Z',
      });
      const pages = await pagesOf(pdf);
      expect(pages.length).toBeGreaterThan(1);
      const all = pages.join('\n');
      expect(all).toContain('Who asked for my data: access history');
      expect(all).toContain('City Tertiary Hospital');
      expect(all).toContain('Clinician');
      expect(all).not.toMatch(/[\u4e00-\u9fff]/);
      for (const event of many) expect(all).toContain(event.eventId);
      for (const [index, page] of pages.entries()) {
        expect(page).toContain('Event ID');
        expect(page).toContain(`Page ${String(index + 1)} of ${String(pages.length)}`);
      }
    },
    PDF_TIMEOUT,
  );

  it('holds every character the catalogues use, in a font a fraction of the full one', () => {
    const characters = pdfFontCharacters();
    expect(characters).toContain('访');
    expect(characters).toContain('A');
    expect(characters).toContain('年');
    // The full Noto Sans SC Regular is 10.5 MB.
    expect(font.byteLength).toBeLessThan(1_500_000);
  });
});

describe('wrapText', () => {
  const fits = (width: number) => (line: string) => line.length <= width;
  it('breaks English after spaces and Chinese or IDs anywhere', () => {
    expect(wrapText('Allowed by the patient consent', fits(12))).toEqual([
      'Allowed by',
      'the patient',
      'consent',
    ]);
    expect(wrapText('市第一人民医院（三级医院）', fits(5))).toEqual([
      '市第一人民',
      '医院（三级',
      '医院）',
    ]);
    // Closing punctuation stays on the line before, even a little past the width.
    expect(wrapText('市第一人民医院（三级医院）', fits(12))).toEqual([
      '市第一人民医院（三级医院）',
    ]);
    expect(wrapText('evt-0123456789', fits(6))).toEqual(['evt-01', '234567', '89']);
    expect(wrapText('', fits(3))).toEqual(['']);
    expect(wrapText('10:00\u202fAM', fits(20))).toEqual(['10:00 AM']);
  });
});
