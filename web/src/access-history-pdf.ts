import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { AccessEvent } from '@consent-ledger/ledger-api';
import { accessHistoryTable } from './access-history.ts';
import { formatDateTime, language, t } from './i18n/i18n.ts';

/** What a patient's access-history PDF is written from, beside the events. */
export interface AccessHistoryPdfOptions {
  /** A TrueType font holding every character written (the build's PDF font, pdf-font.build.ts). */
  readonly font: Uint8Array;
  readonly patientId: string;
  /** When it is written (ISO instant). */
  readonly writtenAt: string;
}

/**
 * OpenType features fontkit would apply when laying text out, all off: its substitutions (a
 * ligature-like zero after a hyphen, say) pick glyphs that pdf-lib neither measures nor keeps in
 * the subset, so they would show wide or not at all. A table of words needs none of them.
 */
const NO_FEATURES: Readonly<Record<string, boolean>> = Object.fromEntries(
  [
    'aalt',
    'calt',
    'ccmp',
    'clig',
    'dlig',
    'fwid',
    'hwid',
    'kern',
    'liga',
    'locl',
    'pwid',
    'rclt',
    'rlig',
    'vert',
    'vrt2',
  ].map((tag) => [tag, false]),
);

/** A4 landscape, in points. */
const PAGE = { width: 842, height: 595, margin: 36 } as const;
const SIZE = { title: 14, text: 9, cell: 7, footer: 7 } as const;
const LINE = 9;
const PADDING = 3;
/** The columns' shares of the width, in the table's column order (the event ID last). */
const SHARES = [1.3, 1.5, 0.8, 1.5, 0.9, 0.7, 1.6, 1.1, 1.1, 2.3] as const;

/**
 * Intl's narrow and no-break spaces as plain spaces (one glyph fewer to hold); in English, curly
 * apostrophes and quotes as straight ones (the Chinese font draws them full-width).
 */
function plain(text: string): string {
  const spaced = text.replace(/[\u00a0\u2009\u202f]/g, ' ');
  return language() === 'en' ? spaced.replace(/[‘’]/g, "'").replace(/[“”]/g, '"') : spaced;
}

/** Punctuation that never starts a line (it stays with the character before it). */
const CLOSING: ReadonlySet<string> = new Set(Array.from('）》」』】〕，。、：；！？,.;:!?)]}'));

/**
 * Breaks a cell's text into lines that `fits`: after a space where there is one (English), else
 * between any two characters (Chinese, IDs), never before closing punctuation.
 */
export function wrapText(text: string, fits: (line: string) => boolean): string[] {
  const lines: string[] = [];
  let line = '';
  for (const character of plain(text)) {
    const next = line + character;
    if (fits(next) || line === '' || CLOSING.has(character)) {
      line = next;
      continue;
    }
    const space = line.lastIndexOf(' ');
    if (character !== ' ' && space > 0) {
      lines.push(line.slice(0, space));
      line = line.slice(space + 1) + character;
    } else {
      lines.push(line.trimEnd());
      line = character === ' ' ? '' : character;
    }
  }
  if (line !== '') lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

class TableWriter {
  readonly #doc: PDFDocument;
  readonly #font: PDFFont;
  readonly #widths: number[];
  readonly #header: readonly string[];
  #page: PDFPage;
  #y: number;

  constructor(doc: PDFDocument, font: PDFFont, header: readonly string[]) {
    this.#doc = doc;
    this.#font = font;
    this.#header = header;
    const total = SHARES.reduce((sum, share) => sum + share, 0);
    this.#widths = SHARES.map((share) => ((PAGE.width - 2 * PAGE.margin) * share) / total);
    this.#page = doc.addPage([PAGE.width, PAGE.height]);
    this.#y = PAGE.height - PAGE.margin;
  }

  text(text: string, size: number): void {
    this.#y -= size * 1.4;
    this.#page.drawText(plain(text), { x: PAGE.margin, y: this.#y, size, font: this.#font });
  }

  header(): void {
    this.#row(this.#header, true);
  }

  row(cells: readonly string[]): void {
    const height = this.#height(cells);
    if (this.#y - height < PAGE.margin + SIZE.footer * 2) {
      this.#page = this.#doc.addPage([PAGE.width, PAGE.height]);
      this.#y = PAGE.height - PAGE.margin;
      this.header();
    }
    this.#row(cells, false);
  }

  #lines(cells: readonly string[]): string[][] {
    return cells.map((cell, index) =>
      wrapText(
        cell,
        (line) =>
          this.#font.widthOfTextAtSize(line, SIZE.cell) <= (this.#widths[index] ?? 0) - 2 * PADDING,
      ),
    );
  }

  #height(cells: readonly string[]): number {
    return Math.max(...this.#lines(cells).map((lines) => lines.length)) * LINE + 2 * PADDING;
  }

  #row(cells: readonly string[], heading: boolean): void {
    const lines = this.#lines(cells);
    const height = Math.max(...lines.map((each) => each.length)) * LINE + 2 * PADDING;
    const top = this.#y;
    const width = PAGE.width - 2 * PAGE.margin;
    if (heading)
      this.#page.drawRectangle({
        x: PAGE.margin,
        y: top - height,
        width,
        height,
        color: rgb(0.9, 0.92, 0.95),
      });
    let x = PAGE.margin;
    for (const [index, cellLines] of lines.entries()) {
      for (const [number, line] of cellLines.entries())
        this.#page.drawText(line, {
          x: x + PADDING,
          y: top - PADDING - (number + 1) * LINE + 2,
          size: SIZE.cell,
          font: this.#font,
          color: rgb(0.1, 0.1, 0.1),
        });
      x += this.#widths[index] ?? 0;
    }
    this.#page.drawLine({
      start: { x: PAGE.margin, y: top - height },
      end: { x: PAGE.margin + width, y: top - height },
      thickness: 0.5,
      color: rgb(0.75, 0.77, 0.8),
    });
    this.#y = top - height;
  }
}

/**
 * A patient's access history as a PDF in the current language: the same rows as the CSV
 * (access-history.ts), a title, who and when, and page numbers. The font is embedded, so the
 * Chinese shows on a machine without Chinese fonts. A4 landscape.
 */
export async function accessHistoryPdf(
  events: readonly AccessEvent[],
  options: Readonly<AccessHistoryPdfOptions>,
): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  // Embedded whole: the font is subset already, at build time, to the characters the catalogues
  // can write (about 210 kB); fontkit's subsetting again per document (pdf-lib's `subset: true`)
  // dropped glyphs of that font (digits, many Chinese characters) in a renderer.
  const font = await doc.embedFont(options.font, { subset: false, features: NO_FEATURES });
  const title = t('historyPdf.title');
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setLanguage(language());
  doc.setCreationDate(new Date(options.writtenAt));
  doc.setProducer('Consent Ledger');
  const table = accessHistoryTable(events);
  const writer = new TableWriter(doc, font, table.header);
  writer.text(title, SIZE.title);
  writer.text(
    t('historyPdf.about', {
      patient: options.patientId,
      date: formatDateTime(options.writtenAt),
      count: events.length,
    }),
    SIZE.text,
  );
  writer.text('', SIZE.text);
  writer.header();
  for (const row of table.rows) writer.row(row);
  const pages = doc.getPages();
  for (const [index, page] of pages.entries())
    page.drawText(plain(t('historyPdf.page', { page: index + 1, pages: pages.length })), {
      x: PAGE.margin,
      y: PAGE.margin / 2,
      size: SIZE.footer,
      font,
      color: rgb(0.35, 0.35, 0.35),
    });
  // A copy over a plain ArrayBuffer (a Blob part).
  return new Uint8Array(await doc.save());
}
