import type { Readable } from "node:stream";
import type { CsvEncoding } from "./decodeChunks.js";
import { openCsvRecords } from "./byteSource.js";
import type { CsvCounts, CsvReadOptions, CsvRecordReader } from "./csvRecordReader.js";
import { rowBatch, type CsvBatch } from "./csvInput.js";

export type { CsvBatch } from "./csvInput.js";

export {
  CsvError,
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_FIELD_CHARS,
  DEFAULT_MAX_ROW_CHARS,
  type CsvCounts,
  type CsvReadOptions,
  type CsvRowProblem,
} from "./csvRecordReader.js";

/**
 * Streams a CSV file in batches of rows (arrays of strings, never one object per row), with
 * bounded memory. The rows are the records of {@link CsvRecordReader} (the byte layer, which
 * defines what a record is: see docs/cli.md "Record rules"), each made into strings: this is the
 * general, convenient door; `CsvRecordReader` is the fast one for the hot path.
 *
 * Reads a path, `-` (standard input), a FIFO or a stream; UTF-8 (byte-order mark stripped; an
 * invalid byte is a `CsvError` with its row, column and byte offset), latin-1 or Windows-1252;
 * LF, CRLF or CR line ends, mixed freely; quoted fields with delimiters, line ends and doubled
 * quotes (RFC 4180); a last row without a line end. A row that cannot be read (broken quotes, a
 * field or row past its limit, a field count other than the header's) is reported in
 * `problems`; every other row is read, and `counts` accounts for each one.
 *
 * An empty file (no header) is a `CsvError` with code `empty_file`; a header with no rows gives
 * no batches.
 * @example
 * import { Readable } from "node:stream";
 * const csv = await CsvReader.open(Readable.from(["id,name,iga\nA,Uno,0.5\nB,\"Dos, Tres\",0.25\n"]));
 * csv.header; // => ["id", "name", "iga"]
 * const names: string[] = [];
 * for await (const batch of csv) for (const row of batch.rows) names.push(row[1]!);
 * names // => ["Uno", "Dos, Tres"]
 */
export class CsvReader implements AsyncIterable<CsvBatch> {
  readonly #records: CsvRecordReader;

  private constructor(records: CsvRecordReader) {
    this.#records = records;
  }

  /**
   * Opens a CSV file (or stream) and reads its header.
   * @param source - a file path, `-` for standard input, a FIFO's path, or a readable stream of bytes
   * @param options - encoding, delimiter, limits
   * @returns the reader, with `header` set
   * @throws CsvError when the file cannot be read, is empty, is not in the encoding, or its
   *   header cannot be read or is too wide
   * @throws TypeError for a delimiter that is not one character, or is a quote, CR or LF, or is
   *   not one byte in the encoding
   */
  static async open(source: string | Readable, options: CsvReadOptions = {}): Promise<CsvReader> {
    return new CsvReader(await openCsvRecords(source, options));
  }

  /** Name used in messages. */
  get file(): string {
    return this.#records.file;
  }

  get encoding(): CsvEncoding {
    return this.#records.encoding;
  }

  get delimiter(): string {
    return this.#records.delimiter;
  }

  /** The header's fields (row 1). */
  get header(): readonly string[] {
    return this.#records.header;
  }

  /** File size in bytes for a regular file; undefined for a stream, a FIFO or a pipe. */
  get totalBytes(): number | undefined {
    return this.#records.totalBytes;
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.#records.bytesRead;
  }

  /** The header's line end (`\n`, `\r\n` or `\r`; `\n` when it has none). Other rows may use any. */
  get newline(): string {
    return this.#records.newline;
  }

  /** Rows handed out so far, the header included (so the last row's number). */
  get rowsRead(): number {
    return this.#records.rowsRead;
  }

  /** Data rows handed out so far, by what became of them (`rows = ok + problems + blank`). */
  get counts(): CsvCounts {
    return this.#records.counts;
  }

  /** Stops reading and releases the file. */
  close(): void {
    this.#records.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<CsvBatch> {
    return {
      next: async () => {
        const batch = await this.#next();
        return batch ? { value: batch, done: false } : { value: undefined, done: true };
      },
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }

  async #next(): Promise<CsvBatch | undefined> {
    const batch = await this.#records.next();
    return batch ? rowBatch(batch) : undefined;
  }
}
