import { createReadStream, statSync } from "node:fs";
import type { Readable } from "node:stream";
import Papa from "papaparse";
import { ChunkDecoder, DecodeError, type CsvEncoding } from "./decodeChunks.js";
import { RecordScanner } from "./recordScanner.js";

/**
 * Longest field read, in characters (UTF-16 code units): 1 MiB. A longer field rejects its row.
 * @example
 * DEFAULT_MAX_FIELD_CHARS // => 1048576
 */
export const DEFAULT_MAX_FIELD_CHARS = 1_048_576;
/**
 * Longest row read, in characters: 8 MiB. A longer row is rejected (its text is not kept).
 * @example
 * DEFAULT_MAX_ROW_CHARS // => 8388608
 */
export const DEFAULT_MAX_ROW_CHARS = 8_388_608;
/**
 * Most columns a header may have: 16,384, the widest sheet a spreadsheet (Excel) can hold.
 * @example
 * DEFAULT_MAX_COLUMNS // => 16384
 */
export const DEFAULT_MAX_COLUMNS = 16_384;
/** Characters of a rejected oversized row kept for the rejects file. */
const KEPT_CHARS = 200;

/**
 * Options of {@link CsvReader.open}.
 * @example
 * import { Readable } from "node:stream";
 * const options: CsvReadOptions = { delimiter: ";", name: "in.csv" };
 * (await CsvReader.open(Readable.from(["id;iga\nA;0.5\n"]), options)).header // => ["id", "iga"]
 */
export interface CsvReadOptions {
  /** `utf8` (default; a byte-order mark is stripped, invalid bytes are an error), `latin1` or `windows1252`. */
  readonly encoding?: CsvEncoding;
  /** One character, default `,`; not a quote, CR or LF. */
  readonly delimiter?: string;
  /** Name used in messages (default: the path, or `<stream>`). */
  readonly name?: string;
  readonly maxFieldChars?: number;
  readonly maxRowChars?: number;
  readonly maxColumns?: number;
  /** Bytes read at a time from a path (default 64 KiB, the fastest size measured). */
  readonly chunkBytes?: number;
}

/**
 * A fatal problem with a whole file (unreadable, empty, not in the encoding, bad header).
 * @example
 * import { Readable } from "node:stream";
 * let error: unknown;
 * try { await CsvReader.open(Readable.from([""]), { name: "empty.csv" }); } catch (e) { error = e; }
 * error instanceof CsvError && [error.code, error.file] // => ["empty_file", "empty.csv"]
 */
export class CsvError extends Error {
  /** snake_case: `empty_file`, `invalid_utf8`, `header_too_large`, `too_many_columns`, `read_error`, ... */
  readonly code: string;
  readonly file: string;
  /** Row number (the header is row 1), when known. */
  readonly row: number | undefined;
  /** 1-based column number, when known. */
  readonly column: number | undefined;
  constructor(code: string, file: string, message: string, row?: number, column?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "CsvError";
    this.code = code;
    this.file = file;
    this.row = row;
    this.column = column;
  }
}

/**
 * Why one row could not be read; the row is still counted and given its number.
 * @example
 * import { Readable } from "node:stream";
 * const csv = await CsvReader.open(Readable.from(["i,v\nA,xyz\n", "B,", "0.5\n"]), { maxFieldChars: 2 });
 * const problems: CsvRowProblem[] = [];
 * for await (const batch of csv) for (const p of batch.problems?.values() ?? []) problems.push(p);
 * problems.map((p) => p.code) // => ["field_too_large", "field_too_large"]
 */
export interface CsvRowProblem {
  /** `field_too_large`, `row_too_large`, `invalid_quotes` or `unclosed_quote`. */
  readonly code: string;
  readonly message: string;
  /** 1-based column where the problem is, when known. */
  readonly column?: number;
  /** For rows too large to keep: their first characters, to show instead of the fields. */
  readonly text?: string;
}

/**
 * Consecutive rows of a file, in order.
 * @example
 * import { Readable } from "node:stream";
 * const csv = await CsvReader.open(Readable.from(["id,iga\nA,0.5\nB,0.25\n"]));
 * const batches: CsvBatch[] = [];
 * for await (const batch of csv) batches.push({ ...batch, rows: batch.rows.map((r) => [...r]) });
 * batches.map((b) => [b.firstRow, b.rows]) // => [[2, [["A", "0.5"], ["B", "0.25"]]]]
 */
export interface CsvBatch {
  /**
   * The rows' fields. Row `i` has row number `firstRow + i` (the header is row 1, each record
   * counts one row even when a quoted field spans lines). A blank line is the row `[""]`.
   * The arrays belong to the reader's caller until the next batch is asked for.
   */
  readonly rows: readonly (readonly string[])[];
  readonly firstRow: number;
  /** Rows that could not be read, by index in `rows`; undefined when every row was read. */
  readonly problems: ReadonlyMap<number, CsvRowProblem> | undefined;
}

interface Skip {
  readonly scanner: RecordScanner;
  readonly problem: Omit<CsvRowProblem, "message" | "text">;
  readonly kept: string;
  readonly maxField: number;
  readonly maxRow: number;
}

/**
 * Streams a CSV file in batches of rows (arrays of strings, never one object per row) over
 * papaparse's parser, with bounded memory: a row is held only while it is read, a field longer
 * than `maxFieldChars` or a row longer than `maxRowChars` is skipped without being kept and
 * reported as a row problem, and the header may have at most `maxColumns` columns.
 *
 * Reads UTF-8 (byte-order mark stripped; an invalid byte is a `CsvError` with its row, column
 * and byte offset) or latin-1; LF, CRLF or CR line breaks (detected from the first line); quoted
 * fields with embedded line breaks and doubled quotes (RFC 4180); a last row without a line break.
 *
 * An empty file (no header) is a `CsvError` with code `empty_file`; a header with no rows gives
 * no batches.
 * @example
 * import { Readable } from "node:stream";
 * const csv = await CsvReader.open(Readable.from(["id,name,iga\nA,Uno,0.5\nB,\"Dos, Tres\",0.25\n"]));
 * csv.header; // => ["id", "name", "iga"]
 * const ids: string[] = [];
 * for await (const batch of csv) for (const row of batch.rows) ids.push(row[1]!);
 * ids // => ["Uno", "Dos, Tres"]
 */
export class CsvReader implements AsyncIterable<CsvBatch> {
  /** Name used in messages. */
  readonly file: string;
  readonly encoding: CsvEncoding;
  readonly delimiter: string;
  /** The header's fields (row 1). */
  header: readonly string[] = [];
  /** File size in bytes when reading a path; undefined for a stream. */
  readonly totalBytes: number | undefined;
  /** Bytes read so far. */
  bytesRead = 0;

  readonly #stream: Readable;
  readonly #chunks: AsyncIterator<Buffer | string>;
  readonly #decoder: ChunkDecoder;
  readonly #maxField: number;
  readonly #maxRow: number;
  readonly #maxColumns: number;
  #newline = "";
  #parser: Papa.Parser | undefined;
  #pending = "";
  /** Rows handed out so far, header included. */
  #row = 0;
  #skip: Skip | undefined;
  /** Scanner of the row being read once it passes the field limit, and how far it has read. */
  #scan: RecordScanner | undefined;
  #scanned = 0;
  #done = false;
  #queued: CsvBatch | undefined;

  private constructor(stream: Readable, file: string, totalBytes: number | undefined, options: CsvReadOptions) {
    this.#stream = stream;
    this.#chunks = stream[Symbol.asyncIterator]();
    this.file = file;
    this.totalBytes = totalBytes;
    this.encoding = options.encoding ?? "utf8";
    this.delimiter = options.delimiter ?? ",";
    this.#decoder = new ChunkDecoder(this.encoding);
    this.#maxField = options.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
    this.#maxRow = Math.max(options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS, this.#maxField);
    this.#maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  }

  /**
   * Opens a CSV file (or stream) and reads its header.
   * @param source - a file path, or a readable stream of bytes
   * @param options - encoding, delimiter, limits
   * @returns the reader, with `header` set
   * @throws CsvError when the file cannot be read, is empty, is not in the encoding, or its
   *   header is too large or too wide
   * @throws TypeError for a delimiter that is not one character, or is a quote, CR or LF
   */
  static async open(source: string | Readable, options: CsvReadOptions = {}): Promise<CsvReader> {
    const delimiter = options.delimiter ?? ",";
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\r" || delimiter === "\n") {
      throw new TypeError(`CsvReader.open: the delimiter must be one character other than a quote, CR or LF, received ${JSON.stringify(delimiter)}`);
    }
    let reader: CsvReader;
    if (typeof source === "string") {
      const file = options.name ?? source;
      let size: number | undefined;
      try {
        const stat = statSync(source);
        if (stat.isDirectory()) throw new CsvError("read_error", file, "is a directory, not a file");
        size = stat.isFile() ? stat.size : undefined;
      } catch (e) {
        if (e instanceof CsvError) throw e;
        throw new CsvError("read_error", file, describeFsError(e), undefined, undefined, { cause: e });
      }
      const stream = createReadStream(source, { highWaterMark: options.chunkBytes ?? 65_536 });
      reader = new CsvReader(stream, file, size, options);
    } else {
      reader = new CsvReader(source, options.name ?? "<stream>", undefined, options);
    }
    try {
      await reader.#readHeader();
    } catch (e) {
      reader.close();
      throw e;
    }
    return reader;
  }

  /** Rows handed out so far, the header included (so the last row's number). */
  get rowsRead(): number {
    return this.#row;
  }

  /** The line break detected from the first line: `\n`, `\r\n` or `\r`. */
  get newline(): string {
    return this.#newline || "\n";
  }

  /** Stops reading and releases the file. */
  close(): void {
    this.#done = true;
    this.#stream.destroy();
  }

  [Symbol.asyncIterator](): AsyncIterator<CsvBatch> {
    return {
      next: async () => {
        try {
          const batch = await this.#next();
          return batch ? { value: batch, done: false } : { value: undefined, done: true };
        } catch (e) {
          this.close();
          throw e;
        }
      },
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }

  async #readHeader(): Promise<void> {
    for (;;) {
      const batch = await this.#next();
      if (!batch) throw new CsvError("empty_file", this.file, "the file is empty: expected a header row", 1);
      if (batch.rows.length === 0) continue;
      const problem = batch.problems?.get(0);
      if (problem) throw new CsvError(problem.code === "row_too_large" || problem.code === "field_too_large" ? "header_too_large" : problem.code, this.file, `header: ${problem.message}`, 1, problem.column);
      const header = batch.rows[0]!;
      if (header.length > this.#maxColumns) {
        throw new CsvError("too_many_columns", this.file, `the header has ${header.length} columns; at most ${this.#maxColumns} are read`, 1, this.#maxColumns + 1);
      }
      this.header = header;
      if (batch.rows.length > 1) {
        let problems: Map<number, CsvRowProblem> | undefined;
        if (batch.problems) {
          problems = new Map();
          for (const [i, p] of batch.problems) if (i > 0) problems.set(i - 1, p);
        }
        this.#queued = { rows: batch.rows.slice(1), firstRow: batch.firstRow + 1, problems };
      }
      return;
    }
  }

  async #next(): Promise<CsvBatch | undefined> {
    for (;;) {
      const queued = this.#queued;
      if (queued) {
        this.#queued = undefined;
        return queued;
      }
      if (this.#done) return undefined;
      let step: IteratorResult<Buffer | string>;
      try {
        step = await this.#chunks.next();
      } catch (e) {
        throw new CsvError("read_error", this.file, describeFsError(e), undefined, undefined, { cause: e });
      }
      let text: string;
      let final = false;
      try {
        if (step.done) {
          final = true;
          this.#done = true;
          text = this.#decoder.end();
        } else {
          const chunk = typeof step.value === "string" ? Buffer.from(step.value) : step.value;
          this.bytesRead += chunk.length;
          text = this.#decoder.decode(chunk);
        }
      } catch (e) {
        if (e instanceof DecodeError) throw this.#decodeError(e);
        throw e;
      }
      const batch = this.#parse(text, final);
      if (batch) return batch;
    }
  }

  #decodeError(e: DecodeError): CsvError {
    // Find the row and column of the bad byte: scan the text not yet parsed, up to the byte.
    const before = this.#pending + e.validText;
    const scanner = this.#skip?.scanner ?? new RecordScanner(this.delimiter, this.#newline || guessNewline(before) || "\n");
    let row = this.#row + 1;
    for (let at = scanner.feed(before); at >= 0; at = scanner.feed(before, at)) {
      row++;
      scanner.reset();
    }
    const hint = this.encoding === "utf8" ? "; if the file is latin-1, read it with encoding latin1" : "";
    return new CsvError(e.code, this.file, `${e.message}${e.code === "invalid_utf8" ? hint : ""}`, e.code === "invalid_utf8" ? row : undefined, e.code === "invalid_utf8" ? scanner.field + 1 : undefined, { cause: e });
  }

  /** Parses the next piece of text; returns the rows completed, or undefined for none. */
  #parse(text: string, final: boolean): CsvBatch | undefined {
    let input = this.#pending.length === 0 ? text : this.#pending + text;
    this.#pending = "";
    let lead: { row: string[]; problem: CsvRowProblem } | undefined;
    if (this.#skip) {
      const skip = this.#skip;
      const end = skip.scanner.feed(input);
      if (end < 0 && !final) return undefined;
      this.#skip = undefined;
      lead = { row: [skip.kept], problem: skipProblem(skip) };
      input = end < 0 ? "" : input.slice(end);
    }
    if (!this.#parser) {
      const newline = guessNewline(input);
      if (newline === undefined && !final) {
        if (input.length > this.#maxRow) {
          throw new CsvError("header_too_large", this.file, `the first row is longer than ${this.#maxRow} characters`, 1);
        }
        this.#pending = input;
        return undefined;
      }
      this.#newline = newline ?? "\n";
      this.#parser = new Papa.Parser({ delimiter: this.delimiter, newline: this.#newline as "\n", quoteChar: '"' });
    }
    let rows: string[][] = [];
    let problems: Map<number, CsvRowProblem> | undefined;
    if (input.length > 0) {
      const result = this.#parser.parse(input, 0, !final) as Papa.ParseResult<string[]>;
      rows = result.data as string[][];
      if (!final) this.#pending = input.slice(result.meta.cursor);
      for (const err of result.errors) {
        if (err.row === undefined || err.row >= rows.length) continue;
        problems ??= new Map();
        if (!problems.has(err.row)) {
          problems.set(
            err.row,
            err.code === "MissingQuotes"
              ? { code: "unclosed_quote", message: "a quoted field is not closed before the end of the file" }
              : { code: "invalid_quotes", message: "malformed quotes: a quoted field has text after its closing quote" },
          );
        }
      }
      if (this.#newline === "\n") stripCarriageReturns(rows);
      if (input.length > this.#maxField) problems = this.#checkFields(rows, problems);
      if (rows.length > 0) this.#scan = undefined;
      if (this.#pending.length > this.#maxField) this.#checkPending();
    }
    if (lead) {
      rows.unshift(lead.row);
      const shifted = new Map<number, CsvRowProblem>([[0, lead.problem]]);
      if (problems) for (const [i, p] of problems) shifted.set(i + 1, p);
      problems = shifted;
    }
    if (rows.length === 0) return undefined;
    const batch: CsvBatch = { rows, firstRow: this.#row + 1, problems };
    this.#row += rows.length;
    return batch;
  }

  #checkFields(rows: string[][], problems: Map<number, CsvRowProblem> | undefined): Map<number, CsvRowProblem> | undefined {
    const max = this.#maxField;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      let total = 0;
      for (let c = 0; c < row.length; c++) {
        const len = row[c]!.length;
        total += len + 1;
        if (len > max) {
          problems ??= new Map();
          problems.set(r, {
            code: "field_too_large",
            message: `field ${c + 1} is longer than the limit of ${max} characters (it holds ${len})`,
            column: c + 1,
            text: keep(row.join(this.delimiter)),
          });
          break;
        }
      }
      if (total > this.#maxRow && !problems?.has(r)) {
        problems ??= new Map();
        problems.set(r, { code: "row_too_large", message: `the row is longer than the limit of ${this.#maxRow} characters (it holds ${total})`, text: keep(row.join(this.delimiter)) });
      }
    }
    return problems;
  }

  /** The row being read has grown past the field limit: skip it if a field or the row is too large. */
  #checkPending(): void {
    const pending = this.#pending;
    // The same row as last time grows at its end: scan only the new text.
    if (!this.#scan) {
      this.#scan = new RecordScanner(this.delimiter, this.#newline);
      this.#scanned = 0;
    }
    const scanner = this.#scan;
    scanner.feed(pending, this.#scanned);
    this.#scanned = pending.length;
    const max = this.#maxField;
    if (scanner.openFieldChars <= max && scanner.longest <= max && pending.length <= this.#maxRow) return;
    const fieldTooLarge = scanner.openFieldChars > max || scanner.longest > max;
    const column = scanner.openFieldChars > max ? scanner.field + 1 : scanner.longestField + 1;
    this.#pending = "";
    this.#scan = undefined;
    this.#skip = {
      scanner,
      problem: fieldTooLarge ? { code: "field_too_large", column } : { code: "row_too_large" },
      kept: keep(pending),
      maxField: max,
      maxRow: this.#maxRow,
    };
  }
}

function skipProblem(skip: Skip): CsvRowProblem {
  const { scanner, problem } = skip;
  const chars = scanner.chars;
  const message =
    problem.code === "field_too_large"
      ? `field ${problem.column} is longer than the limit of ${skip.maxField} characters (the row holds ${chars}); the row was skipped`
      : `the row is longer than the limit of ${skip.maxRow} characters (it holds ${chars}); it was skipped`;
  return { ...problem, message, text: skip.kept };
}

/** The first characters of an oversized row, copied so that the big text can be freed. */
function keep(text: string): string {
  const head = text.length > KEPT_CHARS ? `${text.slice(0, KEPT_CHARS)}... [${text.length - KEPT_CHARS} more characters not kept]` : text;
  return Buffer.from(head, "utf8").toString("utf8");
}

function stripCarriageReturns(rows: string[][]): void {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const last = row.length - 1;
    const cell = row[last]!;
    if (cell.charCodeAt(cell.length - 1) === 13) row[last] = cell.slice(0, -1);
  }
}

/** The line break of the first line: `\r\n`, `\r` or `\n`; undefined when there is none yet. */
function guessNewline(text: string): string | undefined {
  const lf = text.indexOf("\n");
  const cr = text.indexOf("\r");
  if (cr >= 0 && (lf < 0 || cr < lf)) {
    if (text.charCodeAt(cr + 1) === 10) return "\r\n";
    return cr === text.length - 1 ? undefined : "\r";
  }
  return lf < 0 ? undefined : "\n";
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return err?.message ?? String(e);
  }
}
