/** Progress of reading a file, 0..1. */
export type Progress = (fraction: number) => void;

/**
 * The SHA-256 of a file in lower-case hex, computed in the browser with WebCrypto: the file is
 * read locally (reporting progress) and never sent anywhere.
 */
export async function sha256OfFile(
  file: Blob,
  onProgress: Progress = () => undefined,
): Promise<string> {
  if (!('subtle' in crypto))
    throw new Error(
      'This page is not a secure context (https or localhost): WebCrypto is unavailable.',
    );
  const bytes = new Uint8Array(file.size);
  let offset = 0;
  const reader = file.stream().getReader();
  onProgress(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.set(value, offset);
    offset += value.byteLength;
    onProgress(file.size === 0 ? 1 : offset / file.size);
  }
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  onProgress(1);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
