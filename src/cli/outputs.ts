import { accessSync, constants, createWriteStream, fstatSync, openSync, statSync, type Stats } from "node:fs";
import { Socket } from "node:net";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { AtomicFile, writeTarget, type WriteTarget } from "../io/atomicFile.js";
import { isSameFile } from "../io/sameFile.js";
import { StreamSink, type TextSink } from "../io/textSink.js";
import { CliError, UsageError } from "./errors.js";

/** The path that means standard output, for `--out` and `--rejects`. */
export const STDOUT_PATH = "-";

/** An output: a file written atomically, something written in place (a device, a FIFO), or stdout. */
export interface Output {
  readonly sink: TextSink;
  /** How messages name it: the path as given, or "standard output". */
  readonly name: string;
  /** `file`: replaced by a rename on commit; `in_place` and `stdout`: written as the run goes. */
  readonly kind: "file" | "in_place" | "stdout";
  /** Makes the output complete without making it final: written, synced (a file), or flushed. */
  prepare(): Promise<void>;
  /** Makes a prepared file final (the rename); a no-op for the others. */
  publish(): void;
  /** `prepare` then `publish`, for an output that goes alone. */
  commit(): Promise<void>;
  /** Drops a file output (its temporary file) or closes an in-place one; a no-op for stdout. */
  abort(): void;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such directory",
  ENOTDIR: "a part of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  EISDIR: "is a directory",
  EIO: "input/output error",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "file name too long",
  ENXIO: "no process is reading it",
  EPIPE: "the reader closed it",
  EBUSY: "the file is busy",
};

/** A file system error in words: `no space left on device (ENOSPC)`. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && REASONS[code] !== undefined) return `${REASONS[code]} (${code})`;
  return (e as Error | undefined)?.message ?? String(e);
}

function fstatOrUndefined(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Whether `path` is this process's standard output (`/dev/stdout`, `/proc/self/fd/1`, the file it was redirected to...). */
function isStdout(path: string): boolean {
  const out = fstatOrUndefined(1);
  const st = statOrUndefined(path);
  return out !== undefined && st !== undefined && out.dev === st.dev && out.ino === st.ino;
}

/**
 * Checks every output before anything is read, so that a run never scores a whole file only to
 * find it cannot write the result:
 * - at most one output goes to standard output (`-`, or `--out` left out): usage error, exit 2;
 * - two outputs naming the same file (other than a character device such as `/dev/null`):
 *   usage error, exit 2;
 * - an output that is an input (the input, an observation file, the rubric), however spelled:
 *   exit 1;
 * - an output that is a directory, in a directory that does not exist, or that cannot be
 *   written (permissions, a read-only file system): exit 1.
 * @param command - e.g. "ogmetric score"
 * @param inputs - every file the command reads
 * @param outputs - `[flag, path]` for each output; an output left out (`undefined`) is not
 *   written, except `--out`, whose absence means standard output
 * @throws UsageError or CliError as above
 */
export function checkOutputs(command: string, inputs: readonly string[], outputs: readonly (readonly [string, string | undefined])[]): void {
  const toStdout = outputs.filter(([flag, path]) => path === STDOUT_PATH || (path === undefined && flag === "--out"));
  if (toStdout.length > 1) {
    const named = toStdout.filter(([, path]) => path === STDOUT_PATH).map(([flag]) => `${flag} ${STDOUT_PATH}`);
    const results = toStdout.find(([flag, path]) => flag === "--out" && path === undefined) ? " (the results go there without --out FILE)" : "";
    throw new UsageError(command, `${named.join(" and ")}: only one output can go to standard output${results}; give a file name to the other`);
  }
  const files = outputs.filter((o): o is readonly [string, string] => o[1] !== undefined && o[1] !== STDOUT_PATH);
  for (const [flag, path] of files) checkWritable(flag, path);
  for (const [flag, path] of files) {
    for (const input of inputs) {
      if (isSameFile(input, path)) throw new CliError(`${flag} ${path} is the input file ${input}; refusing to write over an input`);
    }
  }
  const shared = (path: string) => statOrUndefined(path)?.isCharacterDevice() === true;
  for (let i = 0; i < files.length; i++) {
    const [flag, path] = files[i]!;
    if (shared(path)) continue;
    if (toStdout.length > 0 && isStdout(path)) throw new UsageError(command, `${flag} ${path} is standard output, where ${toStdout[0]![0] === "--out" ? "the results" : "the rejected rows"} already go`);
    for (let j = i + 1; j < files.length; j++) {
      if (isSameFile(path, files[j]![1])) throw new UsageError(command, `${flag} and ${files[j]![0]} name the same file`);
    }
  }
}

/** Refuses (exit 1) an output path that cannot be written: a directory, a missing or read-only directory. */
function checkWritable(flag: string, path: string): void {
  const fail = (why: string, e?: unknown): never => {
    throw new CliError(`${flag} ${path}: cannot write here: ${why}; nothing was read or written`, undefined, [], e === undefined ? undefined : { cause: e });
  };
  let target: WriteTarget;
  try {
    target = writeTarget(path);
  } catch (e) {
    return fail(reason(e), e);
  }
  if (target.kind === "directory") fail("it is a directory; give the name of a file to write");
  if (target.kind === "socket" && !isStdout(target.path)) fail("it is a socket, which cannot be opened as a file");
  try {
    if (target.inPlace) accessSync(target.path, constants.W_OK);
    else {
      const dir = dirname(target.path);
      const st = statSync(dir);
      if (!st.isDirectory()) fail(`${dir} is not a directory`);
      accessSync(dir, constants.W_OK | constants.X_OK);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    fail(reason(e), e);
  }
}

/** How often a FIFO with no reader yet is tried again, in milliseconds. */
const FIFO_RETRY_MS = 50;

/**
 * A FIFO opened for writing without blocking a thread: opening it plainly waits in the thread
 * pool until a reader comes, and a process waiting so cannot exit (not even on SIGTERM, nor
 * after an error). It is opened non-blocking instead, tried again until a reader comes (ENXIO
 * until then), then written as a pipe, with back-pressure. `cancel` stops the waiting (a stream
 * still being constructed cannot be destroyed before).
 */
function fifoStream(path: string): { stream: Writable; cancel: () => void } {
  let socket: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waiting: ((e?: Error) => void) | undefined;
  let cancelled = false;
  const noReader = () => Object.assign(new Error("no process opened the FIFO for reading"), { code: "ENXIO" });
  const stream = new Writable({
    construct(callback) {
      // Construction runs on a later tick: a run that failed before it (a reader that reads
      // synchronously never yields) must not start waiting for a reader afterwards.
      if (cancelled) {
        callback(noReader());
        return;
      }
      waiting = callback;
      const attempt = () => {
        timer = undefined;
        let fd: number;
        try {
          fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENXIO") timer = setTimeout(attempt, FIFO_RETRY_MS);
          else {
            waiting = undefined;
            callback(e as Error);
          }
          return;
        }
        waiting = undefined;
        socket = new Socket({ fd, readable: false, writable: true });
        socket.on("error", (e) => this.destroy(e));
        callback();
      };
      attempt();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket!.write(chunk, callback);
    },
    final(callback) {
      socket!.end(callback);
    },
    destroy(error, callback) {
      if (timer !== undefined) clearTimeout(timer);
      socket?.destroy();
      callback(error);
    },
  });
  const cancel = () => {
    cancelled = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const callback = waiting;
    waiting = undefined;
    callback?.(noReader());
  };
  return { stream, cancel };
}

/** Stops a write error from reaching the user as an internal error: it becomes one line saying what was not written. */
class GuardedSink implements TextSink {
  readonly #inner: TextSink;
  readonly #fail: (e: unknown) => Error;
  readonly #pending: () => unknown;

  constructor(inner: TextSink, fail: (e: unknown) => Error, pending: () => unknown = () => undefined) {
    this.#inner = inner;
    this.#fail = fail;
    this.#pending = pending;
  }

  write(text: string): void {
    const late = this.#pending();
    if (late !== undefined) throw this.#fail(late);
    try {
      this.#inner.write(text);
    } catch (e) {
      throw this.#fail(e);
    }
  }

  get buffered(): number {
    return this.#inner.buffered;
  }

  async flush(): Promise<void> {
    const late = this.#pending();
    if (late !== undefined) throw this.#fail(late);
    try {
      await this.#inner.flush();
    } catch (e) {
      throw this.#fail(e);
    }
  }
}

function stdoutOutput(stdout: NodeJS.WritableStream): Output {
  const sink = new StreamSink(stdout as never);
  return {
    sink,
    name: "standard output",
    kind: "stdout",
    prepare: () => sink.flush(),
    publish: () => undefined,
    commit: () => sink.flush(),
    abort: () => undefined,
  };
}

/**
 * The outputs of one run (the results and the rejects file): opened as the run needs them, then
 * committed together on success or all dropped on failure.
 *
 * - A file (or a symbolic link to one) is written to a temporary file beside it (see
 *   `AtomicFile`). `commit` first completes every temporary file (written, synced, given the old
 *   file's mode and owner), and only when all are complete renames them into place; a failure
 *   before that leaves every target as it was.
 * - `-` (and no path) is standard output. A character device, a FIFO, a socket, or a link
 *   through `/proc` (`/dev/stdout`, `/dev/fd/3`) cannot be renamed over: it is written in place
 *   as the run goes, like standard output; a path that is this process's standard output is
 *   written through `stdout`.
 * - A write error (a full disk, an I/O error) becomes a `CliError` that names the output and
 *   says that no file was changed.
 */
export class RunOutputs {
  readonly #opened: Output[] = [];

  /**
   * Opens an output that `commit` and `abort` will take care of.
   * @param path - a file, `-`, or undefined for standard output
   * @param stdout - the standard output stream
   * @throws CliError when the output cannot be created
   */
  open(path: string | undefined, stdout: NodeJS.WritableStream): Output {
    const out = this.#openOne(path, stdout);
    this.#opened.push(out);
    return out;
  }

  #openOne(path: string | undefined, stdout: NodeJS.WritableStream): Output {
    if (path === undefined || path === STDOUT_PATH) return stdoutOutput(stdout);
    let target: WriteTarget;
    try {
      target = writeTarget(path);
    } catch (e) {
      throw new CliError(`${path}: cannot write here: ${reason(e)}`, undefined, [], { cause: e });
    }
    if (target.kind === "directory") throw new CliError(`${path}: cannot write here: it is a directory; give the name of a file to write`);
    if (target.inPlace) return isStdout(target.path) ? stdoutOutput(stdout) : this.#inPlace(path, target);
    let file: AtomicFile;
    try {
      file = AtomicFile.open(path);
    } catch (e) {
      throw new CliError(`${path}: cannot write here: ${reason(e)}`, undefined, [], { cause: e });
    }
    const fail = (e: unknown) => this.#failure(path, e);
    return {
      sink: new GuardedSink(file, fail),
      name: path,
      kind: "file",
      prepare: async () => {
        try {
          file.prepare();
        } catch (e) {
          throw fail(e);
        }
      },
      publish: () => file.publish(),
      commit: async () => {
        try {
          file.commit();
        } catch (e) {
          throw fail(e);
        }
      },
      abort: () => file.abort(),
    };
  }

  /** A device, FIFO or socket: opened where it is, written as the run goes. */
  #inPlace(path: string, target: WriteTarget): Output {
    // A regular file reached through /proc (a descriptor redirected to a file) is appended to,
    // so what the shell or another program already wrote there stays.
    const fifo = target.kind === "fifo" ? fifoStream(target.path) : undefined;
    const stream: Writable = fifo?.stream ?? createWriteStream(target.path, { flags: target.kind === "file" ? "a" : "w" });
    let error: unknown;
    stream.on("error", (e) => {
      error ??= e;
    });
    const fail = (e: unknown) => this.#failure(path, e);
    const sink = new GuardedSink(new StreamSink(stream), fail, () => error);
    const prepare = async () => {
      try {
        await sink.flush();
        stream.end();
        await finished(stream);
      } catch (e) {
        throw e instanceof CliError ? e : fail(e);
      }
      if (error !== undefined) throw fail(error);
    };
    return {
      sink,
      name: path,
      kind: "in_place",
      prepare,
      publish: () => undefined,
      commit: prepare,
      abort: () => {
        fifo?.cancel();
        stream.destroy();
      },
    };
  }

  /** The message of a failed write: which output, why, and what was left as it was. */
  #failure(name: string, e: unknown): Error {
    if (e instanceof CliError) return e;
    const files = this.#opened.filter((o) => o.kind === "file").length;
    const streamed = this.#opened.filter((o) => o.kind !== "file").map((o) => o.name);
    const kept = files > 0 ? "; no output file was changed" : "";
    const partial = streamed.length > 0 ? `; what was already written to ${streamed.join(" and ")} is incomplete: discard it` : "";
    return new CliError(`${name}: cannot write: ${reason(e)}${kept}${partial}`, undefined, [], { cause: e });
  }

  /**
   * Makes every output final together: first every output is completed (temporary files
   * written, synced and closed; streams flushed), then, only if all succeeded, the temporary
   * files are renamed into place.
   * @throws CliError naming the output that failed; every temporary file is then deleted
   */
  async commit(): Promise<void> {
    for (const out of this.#opened) {
      try {
        await out.prepare();
      } catch (e) {
        this.abort();
        throw this.#failure(out.name, e);
      }
    }
    const published: string[] = [];
    for (const out of this.#opened) {
      try {
        out.publish();
      } catch (e) {
        this.abort();
        const done = published.length > 0 ? `; ${published.join(" and ")} ${published.length === 1 ? "was" : "were"} already replaced` : "; no output file was changed";
        throw new CliError(`${out.name}: cannot put the output in place: ${reason(e)}${done}`, undefined, [], { cause: e });
      }
      if (out.kind === "file") published.push(out.name);
    }
  }

  /** Drops every output not yet committed. */
  abort(): void {
    for (const out of this.#opened) out.abort();
  }
}
