/**
 * A CSV to read, wherever its bytes are: a file (Node, `fileInput`), or a string, a `Blob`/`File`
 * or a web `ReadableStream` (anywhere: `textInput`). Both give rows of strings through the same
 * record reader (`CsvRecordReader`, whose `RecordScanner` is the one definition of a record), so
 * a survey read in a browser is read as `ogmetric score` reads it. Pure: no `node:` import.
 */
import { CsvRecordReader, RECORD_BLANK, RECORD_OK, type ByteSource, type CsvReadOptions, type CsvRecordBatch, type CsvRowProblem } from "./csvRecordReader.js";

/**
 * Consecutive rows of a file, in order.
 * @example
 * import { Readable } from "node:stream";
 * const csv = await CsvReader.open(Readable.from(["id,iga\nA,0.5\n\nB,0.25\n"]));
 * const batches: CsvBatch[] = [];
 * for await (const batch of csv) batches.push(batch);
 * batches.map((b) => [b.firstRow, b.rows, b.blank]) // => [[2, [["A", "0.5"], [""], ["B", "0.25"]], 1]]
 */
export interface CsvBatch {
  /**
   * The rows' fields. Row `i` has row number `firstRow + i` (the header is row 1, each record
   * counts one row even when a quoted field spans lines). A blank line is the row `[""]`; a row
   * that could not be read is its original text alone, `[text]` (see `problems`), except a
   * `column_count` problem, whose fields are read. The arrays belong to the caller.
   */
  readonly rows: readonly (readonly string[])[];
  readonly firstRow: number;
  /** Rows that could not be read, by index in `rows`; undefined when every row was read. */
  readonly problems: ReadonlyMap<number, CsvRowProblem> | undefined;
  /** Blank lines in the batch. */
  readonly blank: number;
}

/**
 * A batch of records made into rows of strings (the conversion `CsvReader` does).
 * @param batch - the record reader's batch
 * @returns its rows
 */
export function rowBatch(batch: CsvRecordBatch): CsvBatch {
  const rows: string[][] = new Array(batch.length);
  let problems: Map<number, CsvRowProblem> | undefined;
  let blank = 0;
  for (let r = 0; r < batch.length; r++) {
    const status = batch.status(r);
    if (status === RECORD_OK) rows[r] = batch.fields(r);
    else if (status === RECORD_BLANK) {
      rows[r] = [""];
      blank++;
    } else {
      const problem = batch.problem(r)!;
      (problems ??= new Map()).set(r, problem);
      rows[r] = problem.code === "column_count" ? batch.fields(r) : [batch.raw(r)];
    }
  }
  return { rows, firstRow: batch.firstRow, problems, blank };
}

/** An open CSV read as rows of strings: what `CsvReader` is, and what `textInput` opens. */
export interface CsvRows extends AsyncIterable<CsvBatch> {
  /** The header's fields (row 1). */
  readonly header: readonly string[];
  readonly delimiter: string;
  /** Stops reading and releases the source. */
  close(): void;
}

/**
 * The rows of a record reader.
 * @param records - an open reader
 * @returns its rows, batch by batch
 */
export function csvRows(records: CsvRecordReader): CsvRows {
  return {
    header: records.header,
    delimiter: records.delimiter,
    close: () => records.close(),
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const batch = await records.next();
        return batch ? { value: rowBatch(batch), done: false } : { value: undefined, done: true };
      },
      return: async () => {
        records.close();
        return { value: undefined, done: true };
      },
    }),
  };
}

/** A CSV to read: its name in messages, and a way to open it (twice for an observations file). */
export interface CsvInput {
  /** The name rejects and messages give (a path, a file name). */
  readonly name: string;
  /** Opens it and reads its header. */
  open(options: CsvReadOptions): Promise<CsvRows>;
  /** Whether it is the same file as another input (given twice, it would be counted twice). */
  sameAs(other: CsvInput): boolean;
  /** The object it reads (a path, a `Blob`, a string, a stream): `sameAs` compares these. */
  readonly source: unknown;
}

/**
 * A CSV given as text or bytes: a string (text already: read as UTF-8, whatever the encoding
 * option says), a `Blob` or `File` (its bytes, in the chosen encoding), or a web
 * `ReadableStream` of bytes (read as it arrives).
 * @example
 * const csv: CsvText = new Blob(["id,TG,TC,PG,PC\nA,0.46,0.54,0.23,0.32\n"]);
 * (await scoreCsv(csv, { edition: "2017" })).scores[0]!.value // => 0.3875
 */
export type CsvText = string | Blob | ReadableStream<Uint8Array>;

/**
 * The bytes of a string (UTF-8), a `Blob` or a web stream, for `CsvRecordReader.open`.
 * @param source - the CSV
 * @returns a source to read once
 */
export function webByteSource(source: CsvText): ByteSource {
  if (typeof source === "string") return new BytesSource(new TextEncoder().encode(source));
  if (typeof Blob !== "undefined" && source instanceof Blob) return new WebStreamSource(source.stream() as ReadableStream<Uint8Array>);
  if (isReadableStream(source)) return new WebStreamSource(source);
  throw new TypeError(`expected a string, a Blob or a ReadableStream of bytes, received ${describe(source)}`);
}

/** Whether `x` is a web `ReadableStream` (by its methods: streams from another realm count too). */
export function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === "object" && x !== null && typeof (x as ReadableStream).getReader === "function" && typeof (x as ReadableStream).tee === "function";
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "an object";
  return typeof x;
}

/** Bytes in memory, read synchronously. */
class BytesSource implements ByteSource {
  readonly size: number;
  readonly #bytes: Uint8Array;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.size = bytes.length;
  }

  read(buf: Uint8Array, offset: number, length: number): number {
    const n = Math.min(length, this.#bytes.length - this.#at);
    buf.set(this.#bytes.subarray(this.#at, this.#at + n), offset);
    this.#at += n;
    return n;
  }

  close(): void {
    this.#at = this.#bytes.length;
  }
}

/** A web stream of bytes (a `Blob`'s, a `fetch` body, a caller's), read chunk by chunk. */
class WebStreamSource implements ByteSource {
  readonly size = undefined;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #pending: Uint8Array | undefined;
  #closed = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    while (this.#pending === undefined || this.#pending.length === 0) {
      if (this.#closed) return 0;
      const step = await this.#reader.read();
      if (step.done || this.#closed) return 0;
      const value: unknown = step.value;
      if (!(value instanceof Uint8Array)) throw new TypeError(`the stream gave ${describe(value)}, not bytes (a Uint8Array); pipe text through a TextEncoderStream`);
      this.#pending = value;
    }
    const chunk = this.#pending;
    const n = Math.min(length, chunk.length);
    buf.set(n === chunk.length ? chunk : chunk.subarray(0, n), offset);
    this.#pending = n < chunk.length ? chunk.subarray(n) : undefined;
    return n;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = undefined;
    this.#reader.cancel().catch(() => undefined);
  }
}

/**
 * A CSV given as a string, a `Blob`/`File` or a web stream. A stream can be opened a second time
 * only when `reread` is set: it is then split (`tee`), and the unread copy held until asked for.
 * @param source - the CSV
 * @param name - its name in messages (a `File`'s name by default, else `<string>`, `<blob>`, `<stream>`)
 * @param reread - whether a stream will be opened twice (observation files may be)
 * @returns the input
 */
export function textInput(source: CsvText, name?: string, reread = false): CsvInput {
  const given = name ?? (typeof source === "string" ? "<string>" : typeof File !== "undefined" && source instanceof File ? source.name : typeof Blob !== "undefined" && source instanceof Blob ? "<blob>" : "<stream>");
  let rest: ReadableStream<Uint8Array> | undefined = isReadableStream(source) ? source : undefined;
  const input: CsvInput = {
    name: given,
    source,
    sameAs: (other) => other.source === source,
    open: async (options) => {
      let bytes: CsvText = source;
      if (rest !== undefined) {
        if (rest.locked) throw new TypeError(`${given}: the stream was read already; give a Blob or a string to read it again`);
        if (reread) [bytes, rest] = rest.tee();
        else [bytes, rest] = [rest, rest];
      }
      const encoding = typeof source === "string" ? "utf8" : options.encoding;
      const records = await CsvRecordReader.open(() => webByteSource(bytes), { ...options, ...(encoding !== undefined ? { encoding } : {}), name: given });
      return csvRows(records);
    },
  };
  return input;
}
