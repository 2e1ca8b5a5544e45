import fontUrl from 'virtual:pdf-font';

/** The PDF font (pdf-font.build.ts), fetched when a PDF is first written, then kept. */
let loading: Promise<Uint8Array> | undefined;

/** The bytes of the PDF font. */
export function loadPdfFont(): Promise<Uint8Array> {
  loading ??= fetch(fontUrl).then(async (response) => {
    if (!response.ok) throw new Error(`the PDF font did not load (${String(response.status)})`);
    return new Uint8Array(await response.arrayBuffer());
  });
  // A failed load is tried again next time.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
