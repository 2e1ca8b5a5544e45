/**
 * The attributes a Fabric CA wrote into an enrollment certificate (`ecert` attributes), read from
 * the certificate's PEM: the CA stores them as the JSON `{"attrs":{...}}` in an extension of its
 * own (OID 1.2.3.4.5.6.7.8.1), whose bytes appear in the DER as they are.
 */
export function certificateAttributes(pem: string): Readonly<Record<string, string>> {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const text = Buffer.from(body, 'base64').toString('latin1');
  const at = text.indexOf('"attrs":{');
  if (at < 0) return {};
  const start = at + '"attrs":'.length;
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (char === '{') depth += 1;
    else if (char === '}') depth -= 1;
    if (depth === 0) {
      const parsed = JSON.parse(text.slice(start, index + 1)) as unknown;
      if (parsed === null || typeof parsed !== 'object') return {};
      return Object.fromEntries(
        Object.entries(parsed).filter((entry): entry is [string, string] => {
          return typeof entry[1] === 'string';
        }),
      );
    }
  }
  return {};
}
