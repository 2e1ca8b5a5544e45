/** The URL of the PDF font, an asset of the build (pdf-font.build.ts). */
declare module 'virtual:pdf-font' {
  const url: string;
  export default url;
}
