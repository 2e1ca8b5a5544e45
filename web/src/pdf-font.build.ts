import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import subsetFont from 'subset-font';
import type { Plugin } from 'vite';
import { en } from './i18n/messages.en.ts';
import { zhCN } from './i18n/messages.zh-cn.ts';

/**
 * The font of the PDFs the web app writes (a patient's access history), made at build time: Noto
 * Sans SC (SIL Open Font License, from @expo-google-fonts/noto-sans-sc, whose full TrueType files
 * pdf-lib's fontkit reads; @fontsource/noto-sans-sc ships WOFF2 slices by Unicode range, which
 * would take one embedded font per slice) cut down with HarfBuzz (subset-font) to the characters
 * the PDF can hold: everything the catalogues say in either language, printable ASCII (IDs,
 * codes) and what Intl writes dates and numbers with. The full font is 10.5 MB; this subset is a
 * few hundred kilobytes, fetched only when a patient asks for a PDF, and pdf-lib subsets it again
 * to the glyphs one PDF uses.
 */

/** The module the web app imports for the font's URL. */
export const PDF_FONT_MODULE = 'virtual:pdf-font';

/** The full font the subset is cut from. */
const FONT_PATH = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';

/** What Intl writes dates, times and numbers with, beyond the catalogues and ASCII. */
const FORMATTING = '年月日时分秒上午下午星期一二三四五六七八九十〇：，。、（）·—–…‘’“”「」％';

function strings(tree: unknown): string[] {
  if (typeof tree === 'string') return [tree];
  if (tree !== null && typeof tree === 'object') return Object.values(tree).flatMap(strings);
  return [];
}

/** Every character the PDF font must hold, sorted. */
export function pdfFontCharacters(): string {
  const characters = new Set<string>();
  for (let code = 0x20; code < 0x7f; code += 1) characters.add(String.fromCharCode(code));
  for (const text of [...strings(zhCN), ...strings(en), FORMATTING])
    for (const character of text) characters.add(character);
  return [...characters].sort().join('');
}

/** The PDF font: Noto Sans SC cut down to {@link pdfFontCharacters}, as TrueType. */
export async function pdfFontSubset(): Promise<Uint8Array> {
  const full = await readFile(createRequire(import.meta.url).resolve(FONT_PATH));
  return new Uint8Array(await subsetFont(full, pdfFontCharacters(), { targetFormat: 'truetype' }));
}

/**
 * A Vite plugin: `import fontUrl from 'virtual:pdf-font'` gives the URL of the subset font, an
 * asset of the build (fetched by the app only when it writes a PDF).
 */
export function pdfFontPlugin(): Plugin {
  const resolved = `\0${PDF_FONT_MODULE}`;
  return {
    name: 'consent-ledger-pdf-font',
    resolveId(id) {
      return id === PDF_FONT_MODULE ? resolved : undefined;
    },
    async load(id) {
      if (id !== resolved) return undefined;
      const source = await pdfFontSubset();
      if (this.meta.watchMode) {
        // The dev server serves no emitted assets: a data URL instead.
        return `export default ${JSON.stringify(`data:font/ttf;base64,${Buffer.from(source).toString('base64')}`)};`;
      }
      const ref = this.emitFile({ type: 'asset', name: 'pdf-font.ttf', source });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
  };
}
