/** subset-font ships no types: the one function the PDF font build uses. */
declare module 'subset-font' {
  /** A subset of an sfnt font holding the glyphs of `text`, in `targetFormat`. */
  export default function subsetFont(
    font: Uint8Array,
    text: string,
    options?: Readonly<{ targetFormat?: 'sfnt' | 'truetype' | 'woff' | 'woff2' }>,
  ): Promise<Uint8Array>;
}
