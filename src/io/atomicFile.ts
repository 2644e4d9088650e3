import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { TextSink } from "./textSink.js";

/** Characters buffered before a write to disk. */
const FLUSH_AT = 1 << 16;

/** Symbolic links followed before a path is refused as a loop (Linux's own limit). */
const MAX_LINKS = 40;

const open = new Set<AtomicFile>();

/** What a path to be written names once its symbolic links are followed. */
export type WriteTargetKind = "absent" | "file" | "directory" | "character_device" | "fifo" | "socket" | "other";

/** Where writing to a path lands (see `writeTarget`). */
export interface WriteTarget {
  /** The path as given. */
  readonly given: string;
  /**
   * The absolute path written: the final target of any symbolic links, so that the link stays and
   * the file it points to is replaced. For a link through `/proc` (`/dev/stdout`, `/dev/fd/N`),
   * the link itself.
   */
  readonly path: string;
  readonly kind: WriteTargetKind;
  /**
   * True when the path must be written where it is, not replaced by a rename: a character device
   * (`/dev/null`, a terminal), a FIFO, a socket, or anything reached through `/proc`.
   */
  readonly inPlace: boolean;
}

function kindOf(st: Stats): WriteTargetKind {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "directory";
  if (st.isCharacterDevice()) return "character_device";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  return "other";
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * Follows a path's symbolic links to what writing it would change, without creating anything.
 * A link under `/proc` (where `/dev/stdout` and `/dev/fd/N` lead) names an open file of a
 * process rather than a place in a directory, so it is not followed further: such a path is
 * written in place, as are character devices, FIFOs and sockets.
 * @param path - the path to write, relative to the working directory or absolute
 * @returns the final path and what is there (`absent` when nothing is yet)
 * @throws the file system's error for a loop of links (`ELOOP`) or an unreadable directory
 * @example
 * writeTarget("scores.csv").kind // => "absent" (before the first run)
 */
export function writeTarget(path: string): WriteTarget {
  let p = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { given: path, path: p, kind: "absent", inPlace: false };
      throw e;
    }
    if (!st.isSymbolicLink()) {
      const kind = kindOf(st);
      return { given: path, path: p, kind, inPlace: kind !== "file" && kind !== "absent" && kind !== "directory" };
    }
    if (p.startsWith("/proc/")) {
      // A "magic" link to an open file (pipe:[123], a terminal, a deleted file...): write through it.
      let kind: WriteTargetKind = "other";
      try {
        kind = kindOf(statSync(p));
      } catch {
        // a dangling descriptor: opening it will say why
      }
      return { given: path, path: p, kind, inPlace: kind !== "directory" };
    }
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw errno("ELOOP", `too many symbolic links, ${path}`);
}

/** The temporary name pattern of a target: `.<name>.<pid>.<8 hex digits>.tmp`. */
function tempPattern(name: string): RegExp {
  return new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.([1-9][0-9]{0,9})\\.[0-9a-f]{8}\\.tmp$`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * An output file that appears complete or not at all: text goes to a temporary file beside the
 * target (same directory, so the final rename is atomic), and `commit` renames it over the
 * target. `abort` (or `AtomicFile.abortAll`, for signal handlers and fatal errors) deletes the
 * temporary file, leaving any previous target untouched.
 *
 * - The temporary file is named `.<target name>.<pid>.<random>.tmp`. Opening a target first
 *   deletes such files of processes that are no longer running (left by a SIGKILL or a crash).
 * - A symbolic link is written through: the file it points to is replaced, the link stays.
 * - A file being replaced keeps its permission bits and, where the process may set them, its
 *   owner and group (the temporary file gets them before the rename). A new file gets the
 *   usual `0666` less the umask. Until then the temporary file of a replacement is `0600`, so a
 *   private file's new content is never readable by others.
 * - Several files are committed together by calling `prepare` on each (everything written and
 *   synced), then `publish` on each (the renames).
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
  /** Absolute path of the file replaced: the target of a symbolic link, not the link. */
  readonly target: string;
  /** Absolute path of the temporary file. */
  readonly tempPath: string;
  #fd: number | undefined;
  /** Bytes waiting to be written: text is encoded into it as it comes, so no long string is built. */
  readonly #bytes = Buffer.allocUnsafe(FLUSH_AT * 4);
  #used = 0;
  #state: "open" | "prepared" | "committed" | "aborted" = "open";
  /** Created 0600 because a file was there to be replaced (its mode is copied at `prepare`). */
  readonly #private: boolean;

  private constructor(target: string, tempPath: string, fd: number, isPrivate: boolean) {
    this.target = target;
    this.tempPath = tempPath;
    this.#fd = fd;
    this.#private = isPrivate;
  }

  /**
   * Creates the temporary file for `target` (after deleting stale ones, see `clearStale`).
   * @param target - the path the output should finally have; a symbolic link is followed
   * @returns the open file
   * @throws TypeError when the target is a directory, a device, a FIFO or a socket (which cannot
   *   be replaced by a rename: write to those directly); the file system's error when the
   *   directory cannot be written
   */
  static open(target: string): AtomicFile {
    const where = writeTarget(target);
    if (where.kind !== "absent" && where.kind !== "file") {
      throw new TypeError(`AtomicFile.open: ${target} is a ${where.kind.replace("_", " ")}, which cannot be replaced by a rename; write to it directly`);
    }
    const abs = where.path;
    AtomicFile.clearStale(abs);
    const temp = join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const replacing = where.kind === "file";
    const fd = openSync(temp, "wx", replacing ? 0o600 : 0o666);
    const file = new AtomicFile(abs, temp, fd, replacing);
    open.add(file);
    return file;
  }

  /**
   * Deletes the temporary files that runs killed before they could clean up (SIGKILL, a crash,
   * a power cut) left beside `target`: files named exactly `.<name>.<pid>.<8 hex digits>.tmp`
   * whose process is no longer running. Files of running processes, of other targets and of any
   * other name are left alone. Never throws.
   * @param target - the output path (as `AtomicFile.open` would write it)
   * @returns the paths deleted
   */
  static clearStale(target: string): string[] {
    const abs = resolve(target);
    const dir = dirname(abs);
    const pattern = tempPattern(basename(abs));
    const removed: string[] = [];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return removed;
    }
    for (const name of names) {
      const m = pattern.exec(name);
      if (!m) continue;
      const pid = Number(m[1]);
      if (pid === process.pid || alive(pid)) continue;
      const path = join(dir, name);
      try {
        if (!lstatSync(path).isFile()) continue;
        unlinkSync(path);
        removed.push(path);
      } catch {
        // gone already, or not ours to delete
      }
    }
    return removed;
  }

  /** Deletes the temporary files of every file not yet committed (synchronous, for exit paths). */
  static abortAll(): void {
    for (const file of [...open]) file.abort();
  }

  write(text: string): void {
    if (this.#state !== "open") throw new Error(`AtomicFile: ${this.target} is already ${this.#state}`);
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.#used + text.length * 3 > this.#bytes.length) {
      this.#writeOut();
      if (text.length * 3 > this.#bytes.length) {
        this.#writeBytes(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.#used += this.#bytes.write(text, this.#used, "utf8");
  }

  get buffered(): number {
    return this.#used;
  }

  async flush(): Promise<void> {
    this.#writeOut();
  }

  #writeOut(): void {
    if (this.#used === 0 || this.#fd === undefined) return;
    const bytes = this.#bytes.subarray(0, this.#used);
    this.#used = 0;
    this.#writeBytes(bytes);
  }

  #writeBytes(bytes: Uint8Array): void {
    if (this.#fd === undefined) return;
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
  }

  /**
   * Makes the temporary file complete: writes what is buffered, gives it the mode and owner of
   * the file it will replace, syncs it to disk and closes it. The target is not touched yet.
   * On failure the temporary file is deleted and the error thrown.
   */
  prepare(): void {
    if (this.#state !== "open") throw new Error(`AtomicFile: ${this.target} is already ${this.#state}`);
    try {
      this.#writeOut();
      const fd = this.#fd!;
      this.#keepModeAndOwner(fd);
      fsyncSync(fd);
      closeSync(fd);
      this.#fd = undefined;
      this.#state = "prepared";
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  #keepModeAndOwner(fd: number): void {
    let old: Stats | undefined;
    try {
      old = statSync(this.target);
    } catch {
      old = undefined;
    }
    if (old === undefined || !old.isFile()) {
      // A new file: 0666 less the umask, as created; unless the file it was to replace went away
      // meanwhile, and the temporary file is still private.
      if (this.#private) fchmodSync(fd, 0o666 & ~process.umask());
      return;
    }
    const mine = fstatSync(fd);
    if (mine.uid !== old.uid || mine.gid !== old.gid) {
      try {
        fchownSync(fd, old.uid, old.gid);
      } catch (e) {
        // Only a privileged process may give a file away; others keep their own ownership.
        if ((e as NodeJS.ErrnoException).code !== "EPERM") throw e;
      }
    }
    // After the chown, which clears set-user-id and set-group-id bits.
    fchmodSync(fd, old.mode & 0o7777);
  }

  /** Renames the prepared temporary file over the target, then syncs the directory. */
  publish(): void {
    if (this.#state !== "prepared") throw new Error(`AtomicFile: ${this.target} is ${this.#state}, not prepared`);
    try {
      renameSync(this.tempPath, this.target);
    } catch (e) {
      this.abort();
      throw e;
    }
    this.#state = "committed";
    open.delete(this);
    syncDirectory(dirname(this.target));
  }

  /** Writes what is buffered, syncs, and renames the temporary file over the target (`prepare`, then `publish`). */
  commit(): void {
    this.prepare();
    this.publish();
  }

  /** Closes and deletes the temporary file; the target is left as it was. Safe to call twice. */
  abort(): void {
    if (this.#state === "committed" || this.#state === "aborted") return;
    this.#state = "aborted";
    open.delete(this);
    this.#used = 0;
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

/** Makes a rename durable; some file systems cannot sync a directory, which is not an error. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // EISDIR, EINVAL, EACCES...: the rename itself has happened
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
