/**
 * The one CSV rule of the platform: the command line, the API's exports (plain CSV, HXL-tagged CSV,
 * SDMX-CSV 2.0) and the web's downloads all write their cells through `csvCell`. Pure (no Node,
 * no DOM): the web imports this file as it is.
 *
 * Formula injection ("CSV injection"). A spreadsheet runs a cell that starts with `=`, `+`, `-` or
 * `@` (after any spaces) as a formula, and a tab or carriage return at the start as a formula lead
 * in some programs. A *text* cell whose start, after any whitespace (Unicode spaces, the no-break
 * space, zero-width spaces), is one of those — or that starts with a tab or a carriage return — is
 * written with an apostrophe first (`'=1+1`): the spreadsheet shows it as text.
 *
 * The separator of the reader is not ours to choose: Dutch, German and other Excels open a `.csv`
 * with `;` as the separator, and there a comma file's quotes only count at the start of a
 * `;`-field, so `ok;=cmd|…` inside a cell, quoted or not, would start a field of its own (a line
 * break inside a cell likewise starts a row). So a formula character that follows a `,`, `;`, tab,
 * CR or LF inside a text cell (after any whitespace) also gets an apostrophe right before it:
 * `ok;=cmd` is written `"ok;'=cmd"`. Whatever the reader splits on, no field starts a formula.
 *
 * Numbers are never touched: a cell typed `number` (or boolean) is a figure — `-5` in a numeric
 * column stays `-5`. Only `string` cells are defused; each writer passes its figures as numbers and
 * its text as strings (a negative figure formatted as text would be prefixed, by design).
 *
 * Quoting (RFC 4180): a cell holding `,`, `;`, `"`, a tab, CR or LF is quoted, its quotes doubled.
 */
export type CsvValue = string | number | boolean | null | undefined;

/** Whitespace a reader may skip before a formula: JavaScript's \s (Unicode spaces, NBSP, BOM) and the zero-width ones. */
const SPACE = '[\\s\\u180e\\u200b-\\u200d\\u2060]*';
const FORMULA = '[=+\\-@]';
/** A formula at the start of the cell (after any whitespace), or a tab or carriage return first. */
const AT_START = new RegExp(`^(?:${SPACE}${FORMULA}|[\\t\\r])`);
/** A formula after a separator or line break inside the cell (and any whitespace): the apostrophe goes right before it. */
const INSIDE = new RegExp(`([,;\\t\\r\\n]${SPACE})(${FORMULA})`, 'g');
const NEEDS_QUOTES = /[",;\t\r\n]/;

/** A text cell as a spreadsheet may read it without running anything. */
export function defuse(text: string): string {
  const inside = text.replace(INSIDE, "$1'$2");
  return AT_START.test(inside) ? `'${inside}` : inside;
}

/** One cell of a CSV line: nothing for no value, a figure as it is, text defused and quoted when needed. */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  const s = defuse(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV text: the header, then the rows, CRLF after each line. */
export function csvText(header: readonly CsvValue[], rows: readonly (readonly CsvValue[])[]): string {
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
