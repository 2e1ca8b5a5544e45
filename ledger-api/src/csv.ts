/**
 * CSV as RFC 4180 writes it, for the exports people open in spreadsheets (the gateway's audit
 * export, the web app's access history). Written here rather than taken from a CSV library: the
 * exports only write, and the one rule a library would not apply, defusing formulas, is the part
 * that matters.
 */

/** One CSV field: quoted when it holds a comma, quote or line break; a leading =, +, -, @, tab or CR is defused against spreadsheet formulas. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line, CRLF-terminated. */
export function csvRow(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
