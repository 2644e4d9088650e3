/**
 * Where the CSV reader's bytes come from: a regular file (read with `readSync` straight into the
 * reader's buffer: no stream, no copy), a FIFO or standard input (read asynchronously, so that
 * a read waiting for a writer never blocks the event loop and a signal handler can still run),
 * or any Node stream. Not exported from `ogmetric/node`.
 */

import { isUtf8 } from "node:buffer";
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { Socket } from "node:net";
import type { Readable } from "node:stream";
import { CsvRecordReader, type ByteSource, type CsvReadOptions } from "./csvRecordReader.js";

export type { ByteSource } from "./csvRecordReader.js";

/** Node's buffers and UTF-8 check, for every Node source. */
abstract class NodeSource {
  alloc(size: number): Uint8Array {
    return Buffer.allocUnsafe(size);
  }

  isUtf8(bytes: Uint8Array): boolean {
    return isUtf8(bytes);
  }
}

/** A regular file (or standard input redirected from one): `readSync` at a tracked position. */
class FileSource extends NodeSource implements ByteSource {
  readonly size: number | undefined;
  readonly #fd: number;
  readonly #own: boolean;
  #position: number | null;
  #closed = false;

  constructor(fd: number, own: boolean, size: number, position: number | null) {
    super();
    this.#fd = fd;
    this.#own = own;
    this.size = size;
    this.#position = position;
  }

  read(buf: Uint8Array, offset: number, length: number): number {
    if (this.#closed) return 0;
    const n = readSync(this.#fd, buf, offset, length, this.#position);
    if (this.#position !== null) this.#position += n;
    return n;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#own) closeSync(this.#fd);
  }
}

/** Any readable stream of bytes (a FIFO, a pipe, standard input, a caller's stream). */
class StreamSource extends NodeSource implements ByteSource {
  readonly size = undefined;
  readonly #stream: Readable;
  readonly #chunks: AsyncIterator<Buffer | string>;
  #pending: Buffer | undefined;
  #closed = false;

  constructor(stream: Readable) {
    super();
    this.#stream = stream;
    this.#chunks = stream[Symbol.asyncIterator]();
  }

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    while (!this.#pending || this.#pending.length === 0) {
      if (this.#closed) return 0;
      let step: IteratorResult<Buffer | string>;
      try {
        step = await this.#chunks.next();
      } catch (e) {
        if (this.#closed) return 0;
        throw e;
      }
      if (step.done || this.#closed) return 0;
      this.#pending = typeof step.value === "string" ? Buffer.from(step.value) : step.value;
    }
    const chunk = this.#pending;
    const n = Math.min(length, chunk.length);
    chunk.copy(buf, offset, 0, n);
    this.#pending = n < chunk.length ? chunk.subarray(n) : undefined;
    return n;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = undefined;
    this.#stream.destroy();
  }
}

/**
 * Opens a source of bytes.
 *
 * - `-` is standard input: read with `readSync` when it is redirected from a regular file, else
 *   as a stream.
 * - A FIFO is opened without blocking (`O_NONBLOCK`: opening a FIFO waits for a writer
 *   otherwise, in a thread that no signal can interrupt) and read as a socket, so that waiting
 *   for a writer, or for data, never blocks the event loop.
 * - A regular file is read with `readSync`; anything else (a character device) as a stream.
 * @param source - a path, `-`, or a readable stream
 * @returns the source
 * @throws the file system's error (ENOENT, EACCES, EISDIR...) when the path cannot be opened
 */
export function openByteSource(source: string | Readable): ByteSource {
  if (typeof source !== "string") return new StreamSource(source);
  if (source === "-") {
    const stat = fstatSync(0);
    if (stat.isFile()) return new FileSource(0, false, stat.size, null);
    return new StreamSource(process.stdin);
  }
  const stat: Stats = statSync(source);
  if (stat.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${source}'`), { code: "EISDIR" });
  if (stat.isFIFO()) {
    const fd = openSync(source, constants.O_RDONLY | constants.O_NONBLOCK);
    return new StreamSource(new Socket({ fd, readable: true, writable: false }));
  }
  if (stat.isFile()) {
    const fd = openSync(source, "r");
    return new FileSource(fd, true, fstatSync(fd).size, 0);
  }
  return new StreamSource(createReadStream(source));
}

/**
 * Opens a CSV file (a path, `-` for standard input, a FIFO) or a Node stream as a record reader.
 * @param source - the path or stream
 * @param options - as `CsvRecordReader.open`; the name defaults to the path (`<stdin>` for `-`, `<stream>` for a stream)
 * @returns the reader, its header read
 * @throws as `CsvRecordReader.open`
 */
export function openCsvRecords(source: string | Readable, options: CsvReadOptions = {}): Promise<CsvRecordReader> {
  const name = options.name ?? (typeof source === "string" ? (source === "-" ? "<stdin>" : source) : "<stream>");
  return CsvRecordReader.open(() => openByteSource(source), { ...options, name });
}
