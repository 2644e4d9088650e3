import type { TextSink } from "./textSink.js";

/** A plain decimal number (`-3`, `0.5`, `.5`, `1e-3`): never neutralised, it cannot be a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Options for writing CSV cells.
 * @example
 * const options: CsvWriteOptions = { delimiter: ";", raw: true };
 * csvCell("=1;2", options) // => '"=1;2"'
 */
export interface CsvWriteOptions {
  /** One character, default `,`. */
  readonly delimiter?: string;
  /** Write text cells exactly as given, without neutralising formulas (default false). */
  readonly raw?: boolean;
}

/**
 * Neutralises a text cell that a spreadsheet would run as a formula: text starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe (OWASP's advice), unless
 * it is a plain number such as `-0.5`.
 * @param text - a text cell
 * @returns the text, prefixed with `'` when it could start a formula
 * @example
 * neutralizeFormula("=HYPERLINK(\"http://x\")"); // => "'=HYPERLINK(\"http://x\")"
 * neutralizeFormula("-0.25"); // => "-0.25"
 */
export function neutralizeFormula(text: string): string {
  const c = text.charCodeAt(0);
  if ((c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) && !PLAIN_NUMBER.test(text)) return `'${text}`;
  return text;
}

/**
 * Formats one text cell for CSV (RFC 4180): quoted when it holds the delimiter, a quote, CR or
 * LF, with quotes doubled; formulas neutralised unless `raw`. An empty string stays empty.
 * @param text - the cell's text
 * @param options - delimiter and raw
 * @returns the cell as it goes in the file
 * @example
 * csvCell('say "hi", then go'); // => '"say ""hi"", then go"'
 * csvCell("@SUM(A1)"); // => "'@SUM(A1)"
 */
export function csvCell(text: string, options: CsvWriteOptions = {}): string {
  return csvText(text, options.raw ?? false, (options.delimiter ?? ",").charCodeAt(0));
}

/**
 * The allocation-light form of `csvCell` for hot loops: the delimiter as a character code.
 * @param text - the cell's text
 * @param raw - true to skip formula neutralisation
 * @param delimiter - character code of the delimiter (44 for a comma)
 * @returns the cell as it goes in the file
 * @example
 * csvText("+Más, Ciudadanos", false, 44) // => "\"'+Más, Ciudadanos\""
 */
export function csvText(text: string, raw: boolean, delimiter: number): string {
  let s = text;
  if (!raw && s.length > 0) s = neutralizeFormula(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 10 || c === 13 || c === delimiter) return `"${s.replace(/"/g, '""')}"`;
  }
  return s;
}

/**
 * Writes CSV rows to a text sink: RFC 4180 quoting, `\n` line ends, formulas neutralised in
 * text cells unless `raw`. Numbers are written in full precision (`String(x)`); `null` is an
 * empty cell.
 * @example
 * let text = "";
 * const sink: TextSink = { write: (t) => void (text += t), flush: async () => {}, buffered: 0 };
 * const out = new CsvWriter(sink);
 * out.writeRow(["id", "name", "iga"]);
 * out.writeRow(["A", "=SUM(A1)", 0.5]);
 * out.writeRow(["B", "Dos, Tres", null]);
 * text // => "id,name,iga\nA,'=SUM(A1),0.5\nB,\"Dos, Tres\",\n"
 */
export class CsvWriter {
  readonly #sink: TextSink;
  readonly #raw: boolean;
  readonly #delimiter: string;
  readonly #code: number;

  /**
   * @param sink - where the text goes
   * @param options - delimiter and raw
   */
  constructor(sink: TextSink, options: CsvWriteOptions = {}) {
    this.#sink = sink;
    this.#raw = options.raw ?? false;
    this.#delimiter = options.delimiter ?? ",";
    this.#code = this.#delimiter.charCodeAt(0);
  }

  /**
   * Writes one row.
   * @param cells - text (quoted and neutralised as needed), numbers (as `String(x)`), or null (empty)
   */
  writeRow(cells: readonly (string | number | null | undefined)[]): void {
    let line = "";
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (i > 0) line += this.#delimiter;
      if (typeof v === "number") line += String(v);
      else if (typeof v === "string") line += csvText(v, this.#raw, this.#code);
    }
    this.#sink.write(`${line}\n`);
  }
}
