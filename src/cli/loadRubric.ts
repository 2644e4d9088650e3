import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { loadEdition, safeParseRubric, type CompiledRubric, type Issue } from "../index.js";
import { MAX_DOCUMENT_CHARS } from "../internal/jsonInput.js";
import { CliError } from "./errors.js";

/** Bytes read at a time from a file whose size is not known in advance (a FIFO, a device). */
const CHUNK = 1 << 16;

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/**
 * Reads a JSON document file (a rubric or a crosswalk) as text, refusing one over 16 MiB
 * (`MAX_DOCUMENT_CHARS` bytes, far above the 30 KB of a real rubric) before reading it: a regular
 * file by its size, anything else (a FIFO, `/dev/zero`) by reading at most that much in 64 KiB
 * chunks. A UTF-8 byte-order mark is dropped.
 * @param file - the path
 * @param what - how messages name it, e.g. "rubric file"
 * @returns the text
 * @throws CliError (exit 1) for a missing file, a directory, an oversized or unreadable file
 */
export function readDocumentFile(file: string, what: string): string {
  const fail = (message: string, e?: unknown): never => {
    throw new CliError(`${file}: ${message}`, undefined, [], e === undefined ? undefined : { cause: e });
  };
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === "ENOENT" ? "no such file" : code === "EISDIR" ? `is a directory, not a ${what}` : (e as Error).message, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) fail(`is a directory, not a ${what}`);
    const tooLarge = (size: string) => fail(`${size}, more than a ${what} may hold (${MAX_DOCUMENT_CHARS / (1024 * 1024)} MiB)`);
    let bytes: Buffer;
    if (st.isFile()) {
      if (st.size > MAX_DOCUMENT_CHARS) tooLarge(`the file is ${mib(st.size)}`);
      bytes = Buffer.alloc(st.size);
      let off = 0;
      while (off < st.size) {
        const n = readSync(fd, bytes, off, st.size - off, null);
        if (n === 0) break;
        off += n;
      }
      bytes = bytes.subarray(0, off);
    } else {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.alloc(CHUNK);
        const n = readSync(fd, chunk, 0, CHUNK, null);
        if (n === 0) break;
        total += n;
        if (total > MAX_DOCUMENT_CHARS) tooLarge(`over ${mib(MAX_DOCUMENT_CHARS)} read`);
        chunks.push(chunk.subarray(0, n));
      }
      bytes = Buffer.concat(chunks, total);
    }
    const text = bytes.toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === "EISDIR" ? `is a directory, not a ${what}` : (e as Error).message, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a rubric file and validates it, or explains in one line each why it cannot be used.
 * @param file - path of a rubric JSON file
 * @returns the compiled rubric, or the issues (with JSON paths)
 * @throws CliError when the file cannot be read or is over 16 MiB
 */
export function readRubricFile(file: string): { rubric: CompiledRubric; issues?: undefined } | { rubric?: undefined; issues: readonly Issue[] } {
  return rubricResult(readDocumentFile(file, "rubric file"));
}

/**
 * Validates a rubric given as JSON text or as a parsed value.
 * @returns the compiled rubric, or the issues
 */
export function rubricResult(doc: unknown): { rubric: CompiledRubric; issues?: undefined } | { rubric?: undefined; issues: readonly Issue[] } {
  const result = safeParseRubric(doc);
  return result.success ? { rubric: result.output } : { issues: result.issues };
}

/** One line per rubric issue: `file: $.path: message`. */
export function issueLines(file: string, issues: readonly Issue[]): string[] {
  return issues.map((i) => `${file}: ${i.path}: ${i.message}`);
}

/**
 * The rubric named by `--edition` or `--rubric`.
 * @throws CliError (exit 1) for an unreadable or invalid rubric file, with every issue as details
 */
export function loadRubric(options: { readonly edition?: string | undefined; readonly rubric?: string | undefined }): CompiledRubric {
  if (options.edition !== undefined) return loadEdition(options.edition);
  const file = options.rubric!;
  const result = readRubricFile(file);
  if (result.rubric) return result.rubric;
  const n = result.issues.length;
  throw new CliError(`${file}: invalid rubric (${n} issue${n === 1 ? "" : "s"})`, undefined, issueLines(file, result.issues));
}

/** The tag a scores file carries in its `rubric` column: `id@version`. */
export function rubricTag(rubric: CompiledRubric): string {
  return `${rubric.id}@${rubric.version}`;
}

/**
 * The `rubric` column of per-body scores: id, version and the first 12 hex digits of the content
 * hash, e.g. `mga-2017@1.0.0#5ede0e237441`, so that scores of an edited copy of a rubric (same id
 * and version, other content) are never aggregated together with the original's.
 */
export function scoresTag(rubric: CompiledRubric): string {
  return `${rubricTag(rubric)}#${rubric.hash.slice(0, 12)}`;
}
