import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { rankValues } from "../index.js";
import type { TextSink } from "../io/textSink.js";

const FLUSH_AT = 1 << 16;

/**
 * Per-body output that needs every body before the first line can be written (a `rank` column,
 * `--order value`): the lines go to a temporary file as they are scored, and only a sort key,
 * an offset and a length stay in memory (20 bytes a body: 20 MB for a million), so memory stays
 * bounded by that, not by the text. At the end the lines are read back in rank order.
 *
 * The temporary file is unlinked as soon as it is opened, so nothing is left behind, even after
 * SIGKILL.
 */
export class RankedRows {
  readonly #fd: number;
  #buffer = "";
  #bufferBytes = 0;
  #written = 0;
  #count = 0;
  #keys = new Float64Array(1024);
  #offsets = new Float64Array(1024);
  #lengths = new Uint32Array(1024);

  constructor() {
    const path = join(tmpdir(), `ogmetric-ranked-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
    this.#fd = openSync(path, "wx+", 0o600);
    unlinkSync(path);
  }

  /**
   * Keeps one line (without its rank) and its sort key.
   * @param key - the ranked value, or null for a body without one
   * @param line - the output line, newline included
   */
  add(key: number | null, line: string): void {
    const n = this.#count;
    if (n === this.#keys.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T) => {
        const b = make(a.length * 2);
        b.set(a as never);
        return b;
      };
      this.#keys = grow(this.#keys, (m) => new Float64Array(m));
      this.#offsets = grow(this.#offsets, (m) => new Float64Array(m));
      this.#lengths = grow(this.#lengths, (m) => new Uint32Array(m));
    }
    const bytes = Buffer.byteLength(line);
    this.#keys[n] = key ?? Number.NaN;
    this.#offsets[n] = this.#written + this.#bufferBytes;
    this.#lengths[n] = bytes;
    this.#buffer += line;
    this.#bufferBytes += bytes;
    this.#count = n + 1;
    if (this.#buffer.length >= FLUSH_AT) this.#flush();
  }

  #flush(): void {
    if (this.#buffer.length === 0) return;
    const bytes = Buffer.from(this.#buffer, "utf8");
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off, this.#written + off);
    this.#written += bytes.length;
    this.#buffer = "";
    this.#bufferBytes = 0;
  }

  /**
   * Writes the lines ranked (competition ranking, as published: ties share the best rank; ties
   * judged at `decimals` when given), in rank order or in the order they came.
   * @param sink - the output
   * @param options - `order`: "value" (highest first), "-value" (lowest first) or "input";
   *   `decimals`: the precision ties are judged at; `prefix(rank, line)`: the line with its rank
   */
  async writeTo(
    sink: TextSink,
    options: { readonly order: "value" | "-value" | "input"; readonly decimals?: number | undefined; readonly prefix: (rank: number | null, line: string) => string },
  ): Promise<void> {
    this.#flush();
    const n = this.#count;
    const keys: (number | null)[] = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = Number.isNaN(this.#keys[i]!) ? null : this.#keys[i]!;
    const ranks = rankValues(keys, options.decimals === undefined ? {} : { decimals: options.decimals });
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (options.order !== "input") {
      const sign = options.order === "value" ? 1 : -1;
      order.sort((a, b) => {
        const ra = ranks[a]!;
        const rb = ranks[b]!;
        if (ra === null || rb === null) return ra === rb ? a - b : ra === null ? 1 : -1;
        return sign * (ra - rb) || a - b;
      });
    }
    let buf = Buffer.alloc(1 << 16);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const length = this.#lengths[i]!;
      if (length > buf.length) buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) got += readSync(this.#fd, buf, got, length - got, this.#offsets[i]! + got);
      sink.write(options.prefix(ranks[i]!, buf.toString("utf8", 0, length)));
      if (sink.buffered > FLUSH_AT) await sink.flush();
    }
    this.close();
  }

  /** Closes (and so deletes) the temporary file. Safe to call twice. */
  close(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
  }
}
