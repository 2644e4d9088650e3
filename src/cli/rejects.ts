import type { Issue } from "../issue.js";
import type { CsvRowProblem } from "../io/readCsv.js";
import { csvText } from "../io/writeCsv.js";
import type { TextSink } from "../io/textSink.js";
import { at } from "./errors.js";
import type { Reporter } from "./report.js";

/**
 * Why one cell was refused, as rejects and messages say it.
 * @param column - how to name the column, e.g. `"TG" (tg)` (already quoted)
 * @param issue - the core's issue for the value
 * @returns e.g. `column "TG" (tg): expected a number from 0 to 1, found "abc"`
 */
export function cellReason(column: string, issue: Issue): string {
  return `column ${column}: expected ${issue.expected}, found ${issue.received}${issue.hint ? ` (${issue.hint})` : ""}`;
}

/** Columns of the rejects file. */
export const REJECT_COLUMNS = ["file", "row", "column", "code", "reason", "record"] as const;

/**
 * The row's original content as one line of the input's CSV: the fields joined by the input's
 * delimiter, quoted where they hold the delimiter, a quote or a line break (so it reads back as
 * the same fields).
 */
export function recordText(fields: readonly string[], delimiter: string): string {
  const code = delimiter.charCodeAt(0);
  let out = "";
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += delimiter;
    out += csvText(fields[i]!, true, code);
  }
  return out;
}

/** Rejected rows: every one to the rejects file (when given), the first few to stderr. */
export class RejectLog {
  readonly #sink: TextSink | undefined;
  readonly #raw: boolean;
  readonly #reporter: Reporter;
  count = 0;
  readonly #perFile = new Map<string, number>();
  readonly #blank = new Map<string, number>();
  readonly #flagged = new Map<string, number>();

  constructor(sink: TextSink | undefined, raw: boolean, reporter: Reporter) {
    this.#sink = sink;
    this.#raw = raw;
    this.#reporter = reporter;
    sink?.write(`${REJECT_COLUMNS.join(",")}\n`);
  }

  /**
   * Records one rejected row.
   * @param file - the file it came from
   * @param row - its row number
   * @param column - 1-based column of the (first) problem, when known
   * @param columnName - that column's header name ("" when unknown)
   * @param code - snake_case issue code
   * @param reason - what is wrong, for a person
   * @param record - the row's original content (see `recordText`)
   * @param used - the row was still used (an observation with a value counted as missing): it is
   *   written to the rejects file for review but counted as used, not as rejected
   */
  add(file: string, row: number, column: number | undefined, columnName: string, code: string, reason: string, record: string, used = false): void {
    this.count++;
    const tally = used ? this.#flagged : this.#perFile;
    tally.set(file, (tally.get(file) ?? 0) + 1);
    this.#reporter.limited("rejected", `${at(file, row, column)}${reason}`);
    const sink = this.#sink;
    if (!sink) return;
    const text = (s: string) => csvText(s, this.#raw, 44);
    sink.write(`${text(file)},${row},${text(columnName)},${code},${text(reason)},${text(record)}\n`);
  }

  /**
   * Screens a row before it is used: rejects a row the CSV reader could not read whole (a field
   * or row too large, broken quotes) or whose field count differs from the header's, and skips
   * blank lines.
   * @param file - the file it came from
   * @param row - its row number
   * @param fields - the row's fields as read
   * @param problem - what the reader found wrong with it, if anything
   * @param header - the file's header
   * @param delimiter - the file's delimiter, to give the record back as it was
   * @returns true when the row can be used
   */
  screen(file: string, row: number, fields: readonly string[], problem: CsvRowProblem | undefined, header: readonly string[], delimiter: string): boolean {
    if (problem) {
      const name = problem.column ? (header[problem.column - 1] ?? "") : "";
      this.add(file, row, problem.column, name, problem.code, problem.message, problem.text ?? recordText(fields, delimiter));
      return false;
    }
    if (fields.length === header.length) return true;
    if (fields.length !== 1 || fields[0] !== "") {
      this.add(file, row, undefined, "", "column_count", `expected ${header.length} columns, found ${fields.length}`, recordText(fields, delimiter));
    } else this.blank(file);
    return false;
  }

  /** Counts a blank line of a file (skipped, but accounted for). */
  blank(file: string): void {
    this.#blank.set(file, (this.#blank.get(file) ?? 0) + 1);
  }

  /** Rows of one file rejected so far. */
  rejectedIn(file: string): number {
    return this.#perFile.get(file) ?? 0;
  }

  /** Blank lines of one file skipped so far. */
  blankIn(file: string): number {
    return this.#blank.get(file) ?? 0;
  }

  /** Rows of one file used but written to the rejects for a value that could not be read. */
  flaggedIn(file: string): number {
    return this.#flagged.get(file) ?? 0;
  }

  async flush(): Promise<void> {
    if (this.#sink && this.#sink.buffered > 1 << 18) await this.#sink.flush();
  }
}

/**
 * Prints the account of one input file, in which every data line is used, rejected or blank
 * (`in.csv: 1000 data lines: 998 bodies scored, 1 rejected, 1 blank`).
 * @param reporter - where lines go
 * @param rejects - the run's rejected rows
 * @param input - the file accounted for
 * @param dataLines - its data lines (records after the header) as the reader counted them
 * @param used - rows used, e.g. `{ count: 998, what: "bodies scored" }`
 * @throws Error when the account does not balance (a bug: no row may vanish)
 */
export function reportAccount(reporter: Reporter, rejects: RejectLog, input: string, dataLines: number, used: { readonly count: number; readonly what: string }): void {
  const rejected = rejects.rejectedIn(input);
  const blank = rejects.blankIn(input);
  if (used.count + rejected + blank !== dataLines) {
    throw new Error(`the row account of ${input} does not balance: ${dataLines} data lines but ${used.count} used + ${rejected} rejected + ${blank} blank`);
  }
  const flagged = rejects.flaggedIn(input);
  const note = flagged > 0 ? ` (${flagged} with a value counted as missing)` : "";
  reporter.line(`${input}: ${dataLines} data line${dataLines === 1 ? "" : "s"}: ${used.count} ${used.what}${note}, ${rejected} rejected, ${blank} blank`);
}

/**
 * Prints the closing lines of a run: how many rejected rows were not shown, and where the
 * rejected rows went.
 * @param reporter - where lines go
 * @param rejects - the run's rejected rows
 * @param rejectsFile - the `--rejects` file, if given
 */
export function reportRejects(reporter: Reporter, rejects: RejectLog, rejectsFile: string | undefined): void {
  const hidden = reporter.hidden("rejected");
  if (hidden > 0) reporter.line(`... and ${hidden} more rejected row${hidden === 1 ? "" : "s"}`);
  if (rejects.count === 0) return;
  const n = rejects.count;
  reporter.line(`${n} row${n === 1 ? "" : "s"} written to the rejects${rejectsFile ? `: ${rejectsFile}` : " (use --rejects FILE to keep them)"}`);
}
