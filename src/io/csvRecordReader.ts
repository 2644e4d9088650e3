/**
 * The CSV reader's byte layer: records found by `RecordScanner` (the one definition of a record,
 * see its module doc and docs/cli.md "Record rules"), handed out in batches that read each field
 * straight from the bytes, and make a string only for a field asked for as text.
 */

import Papa from "papaparse";
import { DecodeError, decodeBytes, delimiterByte, firstInvalidUtf8, type CsvEncoding } from "./decodeChunks.js";
import { RECORD_BLANK, RECORD_OK, RECORD_PROBLEM, RecordScanner, type RecordTable } from "./recordScanner.js";

export { RECORD_BLANK, RECORD_OK, RECORD_PROBLEM } from "./recordScanner.js";

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
/**
 * Where the reader's bytes come from: a file or a Node stream (`openByteSource`, Node only), or a
 * string, a `Blob` or a web `ReadableStream` (`webByteSource`, anywhere). Pure: this module runs
 * in a browser.
 */
export interface ByteSource {
  /** Size in bytes when known and read synchronously (a regular file, a string), else undefined. */
  readonly size: number | undefined;
  /**
   * Reads up to `length` bytes into `buf` at `offset`.
   * @returns the bytes read (0 at the end), synchronously for a regular file or a string
   */
  read(buf: Uint8Array, offset: number, length: number): number | Promise<number>;
  /** Stops reading and releases the file or stream; a pending read then gives 0. */
  close(): void;
  /** A buffer of `size` bytes (Node: `Buffer.allocUnsafe`, whose slicers decode fastest); default a `Uint8Array`. */
  alloc?(size: number): Uint8Array;
  /** Whether the bytes are valid UTF-8 (Node: `buffer.isUtf8`); default the reader's own check. */
  isUtf8?(bytes: Uint8Array): boolean;
}

/** Lets the event loop run (timers, signals, a page's input) before going on. */
function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Bytes read at a time by default: 1 MiB from a file (fastest measured), any size a stream gives. */
const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Options of {@link CsvRecordReader.open} and `CsvReader.open`.
 * @example
 * import { Readable } from "node:stream";
 * const options: CsvReadOptions = { delimiter: ";", name: "in.csv" };
 * (await CsvReader.open(Readable.from(["id;iga\nA;0.5\n"]), options)).header // => ["id", "iga"]
 */
export interface CsvReadOptions {
  /** `utf8` (default; a byte-order mark is stripped, invalid bytes are an error), `latin1` or `windows1252`. */
  readonly encoding?: CsvEncoding;
  /** One character, default `,`; not a quote, CR or LF, and one byte in the encoding (ASCII for UTF-8). */
  readonly delimiter?: string;
  /** Name used in messages (default: the path, `<stdin>` for `-`, `<stream>` for a stream). */
  readonly name?: string;
  readonly maxFieldChars?: number;
  readonly maxRowChars?: number;
  readonly maxColumns?: number;
  /** Bytes read at a time (default 1 MiB from a file; a stream's chunks are also cut to this size). */
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
  /** `field_too_large`, `row_too_large`, `invalid_quotes`, `unclosed_quote` or `column_count`. */
  readonly code: string;
  readonly message: string;
  /** 1-based column where the problem is, when known. */
  readonly column?: number;
  /**
   * The row's original text, for the rejects file (for a row past a limit, its first 200
   * characters and how many more there were). Absent for `column_count`, whose fields are read.
   */
  readonly text?: string;
}

/** Rows of a file's data (the header not counted), by what became of them. */
export interface CsvCounts {
  /** Data rows read: always `ok + problems + blank`. */
  readonly rows: number;
  /** Rows read whole, with as many fields as the header. */
  readonly ok: number;
  /** Rows that could not be read (each has a `CsvRowProblem`). */
  readonly problems: number;
  /** Blank lines. */
  readonly blank: number;
}

/** `CsvRecordBatch.decimal` found a plain decimal: its value and decimals are in the slot. */
export const DECIMAL_PLAIN = 1;
/** `CsvRecordBatch.decimal` found an empty field. */
export const DECIMAL_EMPTY = 2;
/** `CsvRecordBatch.decimal` found anything else: read the field with `text` instead. */
export const DECIMAL_OTHER = 0;

/** Reusable output of {@link CsvRecordBatch.decimal}, so that the hot path allocates nothing. */
export interface DecimalSlot {
  /** The number, exactly as the core's decimal reader gives it. */
  value: number;
  /** Decimals written (`0.50` → 2, `7` → 0, `5.` → 0). */
  decimals: number;
}

/**
 * Creates an empty slot for {@link CsvRecordBatch.decimal}.
 * @returns `{ value: 0, decimals: 0 }`
 */
export function createDecimalSlot(): DecimalSlot {
  return { value: 0, decimals: 0 };
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * One string per distinct value of a column with few values (a state, a level, a type), so that
 * reading the column makes no new string per row: `batch.text(r, col, pool)`. A pool holds at
 * most `maxValues` values (those first seen); past that, values are decoded as usual. Use one
 * pool per reader (the bytes of a value are read in the reader's encoding).
 * @example
 * const states = new TextPool();
 * batch.text(0, 2, states) === batch.text(1, 2, states); // => true, one string, when both say "Jalisco"
 */
export class TextPool {
  readonly #max: number;
  /** Open addressing over entry indexes + 1 (0: empty), twice the entries' room. */
  readonly #slots: Int32Array;
  readonly #bytes: Uint8Array[] = [];
  readonly #texts: string[] = [];

  /**
   * @param maxValues - most distinct values kept (default 4096)
   * @throws RangeError when maxValues is not a whole number from 1 to 2^20
   */
  constructor(maxValues = 4096) {
    if (!(Number.isInteger(maxValues) && maxValues >= 1 && maxValues <= 1 << 20)) {
      throw new RangeError(`TextPool: maxValues must be a whole number from 1 to 2^20, received ${maxValues}`);
    }
    this.#max = maxValues;
    let size = 2;
    while (size < maxValues * 2) size *= 2;
    this.#slots = new Int32Array(size);
  }

  /** Distinct values kept. */
  get size(): number {
    return this.#texts.length;
  }

  /** @internal The string of bytes `start` to `end` of `buf`, shared when seen before. */
  text(buf: Uint8Array, start: number, end: number, encoding: CsvEncoding): string {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slots = this.#slots;
    const mask = slots.length - 1;
    const n = end - start;
    for (let slot = (h ^ (h >>> 15)) & mask; ; slot = (slot + 1) & mask) {
      const e = slots[slot]!;
      if (e === 0) {
        const text = decodeBytes(buf, start, end, encoding);
        if (this.#texts.length < this.#max) {
          this.#bytes.push(new Uint8Array(buf.subarray(start, end))); // a copy: the buffer is reused
          this.#texts.push(text);
          slots[slot] = this.#texts.length;
        }
        return text;
      }
      const bytes = this.#bytes[e - 1]!;
      if (bytes.length === n) {
        let k = 0;
        while (k < n && bytes[k] === buf[start + k]) k++;
        if (k === n) return this.#texts[e - 1]!;
      }
    }
  }
}

/**
 * Consecutive records of a file, read from the reader's buffer. Record `r` (0-based) is row
 * `firstRow + r` (the header is row 1; each record counts one row, even when a quoted field
 * spans lines; a blank line is a row). Valid until the reader's next batch is asked for.
 *
 * The hot path reads fields without making strings: `decimal` for numbers, `text` only for
 * the cells wanted as text.
 * @example
 * const slot = createDecimalSlot();
 * for await (const batch of reader) {
 *   for (let r = 0; r < batch.length; r++) {
 *     if (batch.status(r) !== RECORD_OK) continue; // RECORD_BLANK, or RECORD_PROBLEM: batch.problem(r)
 *     const id = batch.text(r, 0);
 *     if (batch.decimal(r, 5, slot) === DECIMAL_PLAIN) use(slot.value, slot.decimals);
 *     else useText(batch.text(r, 5)); // NA, exponents, quoted or padded cells...
 *   }
 * }
 */
export class CsvRecordBatch {
  /** Row number of the first record. */
  firstRow = 0;
  /** Records in the batch. */
  length = 0;
  #buf: Uint8Array = new Uint8Array(0);
  #start = new Int32Array(0);
  #end = new Int32Array(0);
  #firstSep = new Int32Array(0);
  #sep = new Int32Array(0);
  #status = new Uint8Array(0);
  #quoted = new Uint8Array(0);
  #problems: ReadonlyMap<number, CsvRowProblem> = new Map();
  readonly #encoding: CsvEncoding;
  readonly #delimiter: string;
  readonly #parser: Papa.Parser;
  /** The last record parsed by papaparse, and its fields. */
  #parsedRow = -1;
  #parsed: string[] = [];

  /** @internal Made by the reader. */
  constructor(encoding: CsvEncoding, delimiter: string) {
    this.#encoding = encoding;
    this.#delimiter = delimiter;
    this.#parser = new Papa.Parser({ delimiter, newline: "\n", quoteChar: '"' });
  }

  /** @internal Points the batch at the scanner's table and buffer. */
  set(buf: Uint8Array, t: RecordTable, firstRow: number): void {
    this.#buf = buf;
    this.#start = t.start;
    this.#end = t.end;
    this.#firstSep = t.firstSep;
    this.#sep = t.sep;
    this.#status = t.status;
    this.#quoted = t.quoted;
    this.#problems = t.problems;
    this.length = t.n;
    this.firstRow = firstRow;
    this.#parsedRow = -1;
  }

  /**
   * Row number of record `r` (the header is row 1).
   * @param r - record index in the batch
   * @returns `firstRow + r`
   */
  row(r: number): number {
    return this.firstRow + r;
  }

  /**
   * What record `r` is.
   * @param r - record index in the batch
   * @returns `RECORD_OK` (read whole, as many fields as the header), `RECORD_BLANK` (a blank
   *   line) or `RECORD_PROBLEM` (see `problem`)
   */
  status(r: number): number {
    return this.#status[r]!;
  }

  /**
   * Why record `r` could not be read.
   * @param r - record index in the batch
   * @returns the problem, or undefined for a record read whole or a blank line
   */
  problem(r: number): CsvRowProblem | undefined {
    return this.#status[r] === RECORD_PROBLEM ? this.#problems.get(r) : undefined;
  }

  /**
   * Fields of record `r`: the header's count for a record read whole, another count for a
   * `column_count` problem, 0 for a blank line or a record that could not be read.
   * @param r - record index in the batch
   * @returns the number of fields
   */
  fieldCount(r: number): number {
    return this.#firstSep[r + 1]! - this.#firstSep[r]!;
  }

  #field(r: number, col: number, fn: string): number {
    const f = this.#firstSep[r]! + col;
    if (!(col >= 0 && f < this.#firstSep[r + 1]!) || !(r >= 0 && r < this.length)) {
      throw new RangeError(`CsvRecordBatch.${fn}: no field ${col} in record ${r} (it has ${r >= 0 && r < this.length ? this.fieldCount(r) : 0})`);
    }
    return f;
  }

  /**
   * Field `col` of record `r` as text: decoded from its bytes, or, for a quoted field, read by
   * papaparse (which gives its content, `""` read as `"`).
   * @param r - record index in the batch
   * @param col - 0-based column
   * @param pool - give one string per distinct value of a column with few values (see {@link TextPool})
   * @returns the field's text
   * @throws RangeError when the record has no such field
   */
  text(r: number, col: number, pool?: TextPool): string {
    const f = this.#field(r, col, "text");
    const start = col === 0 ? this.#start[r]! : this.#sep[f - 1]! + 1;
    const end = this.#sep[f]!;
    // Only a field that opens with a quote needs unquoting; any other field is its bytes.
    if (this.#quoted[r] === 1 && start < end && this.#buf[start] === 34) return this.#papa(r)[col]!;
    return pool ? pool.text(this.#buf, start, end, this.#encoding) : decodeBytes(this.#buf, start, end, this.#encoding);
  }

  /**
   * Where field `col` of record `r` lies in the batch's buffer (engine room: for code that reads
   * bytes itself, such as hashing an id; a quoted field's range includes its quotes).
   * @param r - record index in the batch
   * @param col - 0-based column
   * @param out - receives the first byte at 0 and the byte after the last at 1
   * @returns the buffer, valid until the next batch is asked for
   * @throws RangeError when the record has no such field
   */
  fieldBytes(r: number, col: number, out: Int32Array): Uint8Array {
    const f = this.#field(r, col, "fieldBytes");
    out[0] = col === 0 ? this.#start[r]! : this.#sep[f - 1]! + 1;
    out[1] = this.#sep[f]!;
    return this.#buf;
  }

  /**
   * Reads field `col` of record `r` as a plain decimal straight from its bytes, with the core's
   * rule (`readValue`'s decimal reader): an optional sign, then digits with at most one point,
   * at least one digit, at most 32 characters. The value equals `Number(text)` bit for bit: up to
   * 15 digits it is digits / 10^decimals (both exact, so one correctly rounded division); past
   * that, `Number` of the digits read as text (17-digit values, as a scores file holds, take this
   * way without decoding the field). `decimals` is the number of digits after the point.
   * Anything else (spaces, `NA`, exponents, longer texts, a quoted or non-ASCII field) is
   * `DECIMAL_OTHER`: read it with `text` and the core's general reader.
   * @param r - record index in the batch
   * @param col - 0-based column
   * @param out - receives `value` and `decimals` for `DECIMAL_PLAIN`
   * @returns `DECIMAL_PLAIN`, `DECIMAL_EMPTY` (no characters at all) or `DECIMAL_OTHER`
   * @throws RangeError when the record has no such field
   * @example
   * batch.decimal(0, 1, slot) // => DECIMAL_PLAIN for "-0.250", with slot.value -0.25 and slot.decimals 3
   */
  decimal(r: number, col: number, out: DecimalSlot): number {
    const f = this.#field(r, col, "decimal");
    const buf = this.#buf;
    let i = col === 0 ? this.#start[r]! : this.#sep[f - 1]! + 1;
    const end = this.#sep[f]!;
    const n = end - i;
    if (n === 0) return DECIMAL_EMPTY;
    if (n > 32) return DECIMAL_OTHER;
    let c = buf[i]!;
    let neg = false;
    if (c === 45 || c === 43) {
      neg = c === 45;
      i++;
    }
    const unsigned = i;
    let digits = 0;
    let mantissa = 0;
    let decimals = -1;
    for (; i < end; i++) {
      c = buf[i]!;
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        if (decimals >= 0) decimals++;
      } else if (c === 46 && decimals < 0) decimals = 0;
      else return DECIMAL_OTHER;
    }
    if (digits === 0) return DECIMAL_OTHER;
    // Past 15 digits the mantissa is no longer exact: the text's own correctly rounded value.
    const v = digits > 15 ? Number(decodeBytes(buf, unsigned, end, "latin1")) : decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
    out.value = neg ? -v : v;
    out.decimals = decimals < 0 ? 0 : decimals;
    return DECIMAL_PLAIN;
  }

  /**
   * Every field of record `r` as text (see `text`).
   * @param r - record index in the batch
   * @returns a new array (empty for a blank line or a record that could not be read)
   */
  fields(r: number): string[] {
    const first = this.#firstSep[r]!;
    const n = this.#firstSep[r + 1]! - first;
    if (n === 0) return [];
    if (this.#quoted[r] === 1) return this.#papa(r).slice();
    // One string for the record, split on the delimiter: the delimiter is one byte that no
    // multi-byte character holds, so the pieces are the fields.
    const line = decodeBytes(this.#buf, this.#start[r]!, this.#end[r]!, this.#encoding);
    return n === 1 ? [line] : line.split(this.#delimiter);
  }

  /**
   * Record `r`'s original text, its line end left out: for the rejects file. For a record past
   * a size limit, its first 200 characters and how many more there were.
   * @param r - record index in the batch
   * @returns the text
   */
  raw(r: number): string {
    const text = this.#status[r] === RECORD_PROBLEM ? this.#problems.get(r)?.text : undefined;
    return text ?? decodeBytes(this.#buf, this.#start[r]!, this.#end[r]!, this.#encoding);
  }

  /** Record `r`'s fields by papaparse (records holding a quote), cached for the last record asked. */
  #papa(r: number): string[] {
    if (this.#parsedRow !== r) {
      const text = decodeBytes(this.#buf, this.#start[r]!, this.#end[r]!, this.#encoding);
      const result = this.#parser.parse(text, 0, false) as Papa.ParseResult<string[]>;
      this.#parsed = result.data[0] ?? [""];
      this.#parsedRow = r;
    }
    return this.#parsed;
  }
}

/**
 * Streams a CSV file in batches of records read from bytes (see {@link CsvRecordBatch}), with
 * bounded memory: the reader holds one buffer, which grows only to hold the longest record (at
 * most `maxRowChars` characters; a record past a limit is skipped without being held). Reads a
 * path, `-` (standard input), a FIFO, or a Node stream; UTF-8 (byte-order mark stripped, every
 * byte checked; an invalid byte is a `CsvError` with its row, column and byte offset), latin-1
 * or Windows-1252, decoding only the fields asked for as text.
 *
 * The record rules are in `RecordScanner` and docs/cli.md ("Record rules"). Every data row is
 * one record: `counts.rows = counts.ok + counts.problems + counts.blank`.
 *
 * An empty file (no header) is a `CsvError` with code `empty_file`; a header with no rows gives
 * no batches.
 * @example
 * const csv = await CsvRecordReader.open("scores.csv");
 * csv.header; // => ["id", "name", "iga"]
 * for await (const batch of csv) for (let r = 0; r < batch.length; r++) batch.text(r, 0);
 */
export class CsvRecordReader implements AsyncIterable<CsvRecordBatch> {
  /** Name used in messages. */
  readonly file: string;
  readonly encoding: CsvEncoding;
  readonly delimiter: string;
  /** The header's fields (row 1). */
  header: readonly string[] = [];
  /** File size in bytes for a regular file; undefined for a stream, a FIFO or a pipe. */
  readonly totalBytes: number | undefined;
  /** Bytes read so far. */
  bytesRead = 0;

  readonly #src: ByteSource;
  readonly #scanner: RecordScanner;
  readonly #batch: CsvRecordBatch;
  readonly #chunk: number;
  readonly #maxColumns: number;
  readonly #utf8: boolean;
  readonly #alloc: (size: number) => Uint8Array;
  readonly #isUtf8: (bytes: Uint8Array) => boolean;
  #buf: Uint8Array;
  /** Bytes of `#buf` filled, and validated (UTF-8). */
  #end = 0;
  #checked = 0;
  /** Stream offset of `#buf[0]`. */
  #base = 0;
  #started = false;
  #final = false;
  #closed = false;
  /** The first batch, read with the header, is still to be handed out. */
  #queued = false;
  /** Rows handed out so far, header included. */
  #row = 0;
  #ok = 0;
  #problems = 0;
  #blank = 0;
  /** Bytes read synchronously since the event loop last ran. */
  #unyielded = 0;
  #newline = "\n";

  private constructor(src: ByteSource, file: string, options: CsvReadOptions, delimiterCode: number) {
    this.#src = src;
    this.file = file;
    this.totalBytes = src.size;
    this.encoding = options.encoding ?? "utf8";
    this.delimiter = options.delimiter ?? ",";
    this.#utf8 = this.encoding === "utf8";
    this.#chunk = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.#maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
    const maxField = options.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
    const encoding = this.encoding;
    this.#scanner = new RecordScanner({
      delimiter: delimiterCode,
      utf8: this.#utf8,
      maxField,
      maxRow: Math.max(options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS, maxField),
      decode: (bytes, start, end) => decodeBytes(bytes, start, end, encoding),
    });
    this.#batch = new CsvRecordBatch(this.encoding, this.delimiter);
    this.#alloc = src.alloc ? (n) => src.alloc!(n) : (n) => new Uint8Array(n);
    this.#isUtf8 = src.isUtf8 ? (b) => src.isUtf8!(b) : (b) => firstInvalidUtf8(b, true) < 0;
    this.#buf = this.#alloc(Math.max(2 * this.#chunk, 1 << 16));
  }

  /**
   * Opens a CSV file (or stream) and reads its header. In Node, `openCsvRecords` opens a path or a
   * stream; anywhere, `webByteSource` gives the source of a string, a `Blob` or a web stream.
   * @param source - opens the bytes (called once the options are checked; an error it throws is a
   *   `CsvError` with code `read_error`)
   * @param options - encoding, delimiter, limits
   * @returns the reader, with `header` set
   * @throws CsvError when the file cannot be read, is empty, is not in the encoding, or its
   *   header cannot be read or is too wide
   * @throws TypeError for a delimiter that is not one character, is a quote, CR or LF, or is not
   *   one byte in the encoding
   * @throws RangeError for a limit or chunk size that is not a positive whole number
   */
  static async open(source: () => ByteSource, options: CsvReadOptions = {}): Promise<CsvRecordReader> {
    const delimiter = options.delimiter ?? ",";
    const encoding = options.encoding ?? "utf8";
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\r" || delimiter === "\n") {
      throw new TypeError(`CsvReader.open: the delimiter must be one character other than a quote, CR or LF, received ${JSON.stringify(delimiter)}`);
    }
    const code = delimiterByte(delimiter, encoding);
    if (code < 0) throw new TypeError(`CsvReader.open: the delimiter ${JSON.stringify(delimiter)} is not one byte in ${encoding}; use an ASCII character`);
    for (const key of ["maxFieldChars", "maxRowChars", "maxColumns", "chunkBytes"] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= 2 ** 30)) {
        throw new RangeError(`CsvReader.open: ${key} must be a whole number from 1 to 2^30, received ${v}`);
      }
    }
    const file = options.name ?? "<stream>";
    let src: ByteSource;
    try {
      src = source();
    } catch (e) {
      throw new CsvError("read_error", file, describeFsError(e), undefined, undefined, { cause: e });
    }
    const reader = new CsvRecordReader(src, file, options, code);
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

  /** The header's line end (`\n`, `\r\n` or `\r`; `\n` when it has none). Other rows may use any. */
  get newline(): string {
    return this.#newline;
  }

  /** Data rows handed out so far, by what became of them. */
  get counts(): CsvCounts {
    return { rows: this.#ok + this.#problems + this.#blank, ok: this.#ok, problems: this.#problems, blank: this.#blank };
  }

  /** Stops reading and releases the file or stream (a read waiting on a FIFO or pipe ends). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#src.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<CsvRecordBatch> {
    return {
      next: async () => {
        const batch = await this.next();
        return batch ? { value: batch, done: false } : { value: undefined, done: true };
      },
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }

  /**
   * The next batch of records; the previous batch is no longer valid.
   * @returns the batch, or undefined at the end of the file (or once closed)
   * @throws CsvError when the file cannot be read or is not in its encoding
   */
  async next(): Promise<CsvRecordBatch | undefined> {
    try {
      if (this.#queued) {
        this.#queued = false;
        return this.#batch;
      }
      if (this.#closed) return undefined;
      const found = await this.#fill();
      if (this.#closed) return undefined;
      return found ? this.#emit() : undefined;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Drops what the last batch used, then reads until a record is found; false at the end. */
  async #fill(): Promise<boolean> {
    const scanner = this.#scanner;
    // Keep what the scanner still needs, and a character cut by the last chunk's end (not yet checked).
    const shift = this.#started ? Math.min(scanner.keepFrom, this.#utf8 ? this.#checked : scanner.keepFrom) : 0;
    if (shift > 0) {
      this.#buf.copyWithin(0, shift, this.#end);
      this.#end -= shift;
      this.#checked -= shift;
      this.#base += shift;
    }
    scanner.rebase(shift);
    for (;;) {
      if (this.#final) return false;
      // A regular file is read synchronously: let the event loop in (signals, timers) once a
      // MiB, also inside one long record.
      if (this.#src.size !== undefined && this.#unyielded >= 1 << 20) {
        this.#unyielded = 0;
        await yieldToEventLoop();
        if (this.#closed) return false;
      }
      await this.#read();
      if (this.#closed) return false;
      if (!this.#started) {
        if (this.#end < 3 && !this.#final) continue;
        this.#start();
      }
      if (this.#utf8) this.#check();
      scanner.scan(this.#buf, this.#end, this.#final);
      if (scanner.table.n > 0) return true;
    }
  }

  async #read(): Promise<void> {
    const want = this.#chunk;
    if (this.#buf.length - this.#end < want) {
      const grown = this.#alloc(Math.max(this.#buf.length * 2, this.#end + want));
      grown.set(this.#buf.subarray(0, this.#end), 0);
      this.#buf = grown;
    }
    let n: number;
    try {
      const r = this.#src.read(this.#buf, this.#end, want);
      n = typeof r === "number" ? r : await r;
    } catch (e) {
      if (this.#closed) return;
      throw new CsvError("read_error", this.file, describeFsError(e), undefined, undefined, { cause: e });
    }
    if (n === 0) this.#final = true;
    this.#end += n;
    this.bytesRead += n;
    this.#unyielded += n;
  }

  /** The first bytes: a byte-order mark. */
  #start(): void {
    this.#started = true;
    const [a, b, c] = this.#buf;
    const end = this.#end;
    if (end >= 2 && ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff))) {
      const cause = new DecodeError("utf16", "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8", 0, "", a);
      throw new CsvError("utf16", this.file, cause.message, undefined, undefined, { cause });
    }
    const bom = end >= 3 && a === 0xef && b === 0xbb && c === 0xbf;
    if (bom && !this.#utf8) {
      const cause = new DecodeError(
        "utf8_bom_in_latin1",
        `the file starts with a UTF-8 byte-order mark, so it is UTF-8, not ${this.encoding === "latin1" ? "latin-1" : "Windows-1252"}`,
        0,
        "",
        a,
      );
      throw new CsvError("utf8_bom_in_latin1", this.file, cause.message, undefined, undefined, { cause });
    }
    this.#scanner.begin(bom ? 3 : 0);
    this.#checked = bom ? 3 : 0;
  }

  /** Checks the UTF-8 of the bytes read since the last check (up to a character cut by the chunk's end). */
  #check(): void {
    const buf = this.#buf;
    let stop = this.#end;
    if (!this.#final) {
      // Leave out a character whose bytes are not all here yet.
      for (let k = stop - 1; k >= Math.max(this.#checked, stop - 3); k--) {
        const b = buf[k]!;
        if (b < 0x80) break;
        if (b >= 0xc0) {
          const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
          if (stop - k < need) stop = k;
          break;
        }
      }
    }
    if (stop <= this.#checked) return;
    const bytes = buf.subarray(this.#checked, stop);
    if (this.#isUtf8(bytes)) {
      this.#checked = stop;
      return;
    }
    const rel = firstInvalidUtf8(bytes, this.#final);
    const bad = this.#checked + (rel < 0 ? bytes.length : rel);
    // Locate it: read the records up to the bad byte.
    this.#scanner.scan(buf, bad, false);
    const row = this.#row + this.#scanner.table.n + 1 - (this.#row === 0 && this.#scanner.table.n > 0 ? 0 : 0);
    const column = this.#scanner.field + 1;
    const offset = this.#base + bad;
    const byte = buf[bad];
    let length = 1;
    if (byte !== undefined && byte >= 0xc2 && byte <= 0xf4) length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    const cut = this.#final && bad + length > this.#end && firstInvalidUtf8(buf.subarray(bad, this.#end), false) < 0;
    const message = cut ? `the file ends inside a UTF-8 character (byte offset ${offset}): it is not valid UTF-8` : `invalid UTF-8 (byte 0x${(byte ?? 0).toString(16).padStart(2, "0")} at byte offset ${offset})`;
    const cause = new DecodeError("invalid_utf8", message, offset, "", byte);
    throw new CsvError("invalid_utf8", this.file, `${message}; if the file is latin-1, read it with encoding latin1`, row, column, { cause });
  }

  /** Hands out the scanner's records as a batch, checking field counts against the header. */
  #emit(): CsvRecordBatch {
    const t = this.#scanner.table;
    const width = this.header.length;
    let ok = 0;
    let blank = 0;
    for (let r = 0; r < t.n; r++) {
      const s = t.status[r];
      if (s === RECORD_OK) {
        const n = t.firstSep[r + 1]! - t.firstSep[r]!;
        if (n === width) ok++;
        else {
          t.status[r] = RECORD_PROBLEM;
          t.problems.set(r, { code: "column_count", message: `expected ${width} columns, found ${n}` });
        }
      } else if (s === RECORD_BLANK) blank++;
    }
    this.#ok += ok;
    this.#blank += blank;
    this.#problems += t.n - ok - blank;
    this.#batch.set(this.#buf, t, this.#row + 1);
    this.#row += t.n;
    return this.#batch;
  }

  async #readHeader(): Promise<void> {
    if (!(await this.#fill())) throw new CsvError("empty_file", this.file, "the file is empty: expected a header row", 1);
    const t = this.#scanner.table;
    const problem = t.status[0] === RECORD_PROBLEM ? t.problems.get(0) : undefined;
    if (problem) {
      const code = problem.code === "row_too_large" || problem.code === "field_too_large" ? "header_too_large" : problem.code;
      throw new CsvError(code, this.file, `header: ${problem.message}`, 1, problem.column);
    }
    this.#batch.set(this.#buf, t, 1);
    const header = t.status[0] === RECORD_BLANK ? [""] : this.#batch.fields(0);
    if (header.length > this.#maxColumns) {
      throw new CsvError("too_many_columns", this.file, `the header has ${header.length} columns; at most ${this.#maxColumns} are read`, 1, this.#maxColumns + 1);
    }
    this.header = header;
    this.#row = 1;
    const eol = t.end[0]!;
    if (t.n > 1 || this.#end > eol) {
      this.#newline = this.#buf[eol] === 13 ? (this.#buf[eol + 1] === 10 ? "\r\n" : "\r") : "\n";
    }
    // The rest of the first batch is the first data batch.
    const n = t.n - 1;
    t.start.copyWithin(0, 1, t.n);
    t.end.copyWithin(0, 1, t.n);
    t.status.copyWithin(0, 1, t.n);
    t.quoted.copyWithin(0, 1, t.n);
    t.firstSep.copyWithin(0, 1, t.n + 1);
    const problems = [...t.problems].filter(([r]) => r > 0);
    t.problems.clear();
    for (const [r, p] of problems) t.problems.set(r - 1, p);
    t.n = n;
    if (n > 0) {
      this.#emit();
      this.#queued = true;
    }
  }
}

function describeFsError(e: unknown): string {
  const err = e as { readonly code?: unknown; readonly message?: string } | undefined;
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
