// RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF lines.
export type CsvValue = string | number | boolean | null | undefined;

// Text a spreadsheet would run as a formula (=HYPERLINK(…), @SUM(…), +1+1, -2+3; tab and CR
// lead to the same on some importers) gets a leading ' (OWASP "CSV injection"). Product
// names, categories and ids come from event producers, not from Pulse. Numbers stay numbers:
// -1250 is a number value, never text, so a negative change still sums in the sheet.
const FORMULA_START = /^[=+\-@\t\r]/;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvValue[][]): string {
  const lines = [header, ...rows].map((row) => row.map(field).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
