import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { TextSink } from "./textSink.js";

/** Characters buffered before a write to disk. */
const FLUSH_AT = 1 << 16;

const open = new Set<AtomicFile>();

/**
 * An output file that appears complete or not at all: text goes to a temporary file beside the
 * target (same directory, so the final rename is atomic), and `commit` renames it over the
 * target. `abort` (or `AtomicFile.abortAll`, for signal handlers and fatal errors) deletes the
 * temporary file, leaving any previous target untouched.
 *
 * The temporary file is named `.<target name>.<pid>.<random>.tmp`.
 * @example
 * import { existsSync, mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const target = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "scores.csv");
 * const out = AtomicFile.open(target);
 * out.write("id,iga\n");
 * existsSync(target) // => false
 * out.commit();
 * readFileSync(target, "utf8") // => "id,iga\n"
 */
export class AtomicFile implements TextSink {
  /** Absolute path of the target. */
  readonly target: string;
  /** Absolute path of the temporary file. */
  readonly tempPath: string;
  #fd: number | undefined;
  #buffer = "";
  #state: "open" | "committed" | "aborted" = "open";

  private constructor(target: string, tempPath: string, fd: number) {
    this.target = target;
    this.tempPath = tempPath;
    this.#fd = fd;
  }

  /**
   * Creates the temporary file for `target`.
   * @param target - the path the output should finally have
   * @returns the open file
   * @throws the file system's error when the directory cannot be written
   */
  static open(target: string): AtomicFile {
    const abs = resolve(target);
    const temp = join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const fd = openSync(temp, "wx", 0o666);
    const file = new AtomicFile(abs, temp, fd);
    open.add(file);
    return file;
  }

  /** Deletes the temporary files of every file not yet committed (synchronous, for exit paths). */
  static abortAll(): void {
    for (const file of [...open]) file.abort();
  }

  write(text: string): void {
    if (this.#state !== "open") throw new Error(`AtomicFile: ${this.target} is already ${this.#state}`);
    this.#buffer += text;
    if (this.#buffer.length >= FLUSH_AT) this.#writeOut();
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  async flush(): Promise<void> {
    this.#writeOut();
  }

  #writeOut(): void {
    if (this.#buffer.length === 0 || this.#fd === undefined) return;
    const bytes = Buffer.from(this.#buffer, "utf8");
    this.#buffer = "";
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
  }

  /** Writes what is buffered, syncs, and renames the temporary file over the target. */
  commit(): void {
    if (this.#state !== "open") throw new Error(`AtomicFile: ${this.target} is already ${this.#state}`);
    try {
      this.#writeOut();
      fsyncSync(this.#fd!);
      closeSync(this.#fd!);
      this.#fd = undefined;
      renameSync(this.tempPath, this.target);
      this.#state = "committed";
      open.delete(this);
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Closes and deletes the temporary file; the target is left as it was. Safe to call twice. */
  abort(): void {
    if (this.#state !== "open") return;
    this.#state = "aborted";
    open.delete(this);
    this.#buffer = "";
    if (this.#fd !== undefined) {
      try {
        closeSync(this.#fd);
      } catch {
        // already closed
      }
      this.#fd = undefined;
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  }
}
