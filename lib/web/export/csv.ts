// RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF lines.

/** A decimal figure written as it is (`-1234.56`): a number to the sheet, never text. */
export interface CsvDecimal {
  decimal: string;
}
/** A bigint is a number too: whole numbers beyond 2^53 (lib/domain/exact-number.ts), written exactly. */
export type CsvValue = string | number | bigint | boolean | CsvDecimal | null | undefined;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A decimal figure (moneyFigure, percentFigure) as a CSV number. */
export function decimal(text: string): CsvDecimal {
  if (!DECIMAL.test(text)) throw new Error(`not a decimal figure: ${text}`);
  return { decimal: text };
}

// Text a spreadsheet would run as a formula (=HYPERLINK(…), @SUM(…), +1+1, -2+3; tab and CR
// lead to the same on some importers) gets a leading ' (OWASP "CSV injection"). Product
// names, categories and ids come from event producers, not from Pulse. Numbers stay numbers:
// -1250 is a number value, never text, so a negative change still sums in the sheet.
const FORMULA_START = /^[=+\-@\t\r]/;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return value.decimal;
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const line = (row: CsvValue[]) => row.map(field).join(',');

/**
 * The table, after `about` (label, value rows saying what the figures are: units, range,
 * time zone, as of) and an empty line when given.
 */
export function toCsv(header: string[], rows: CsvValue[][], about: CsvValue[][] = []): string {
  const lines = [...(about.length > 0 ? [...about.map(line), ''] : []), line(header), ...rows.map(line)];
  return `${lines.join('\r\n')}\r\n`;
}
