import { AtomicFile } from "../io/atomicFile.js";
import { isSameFile } from "../io/sameFile.js";
import { StreamSink, type TextSink } from "../io/textSink.js";
import { CliError, UsageError } from "./errors.js";

/** An output: a file written atomically, or standard output. */
export interface Output {
  readonly sink: TextSink;
  /** Makes the output final (renames a file into place); a no-op for stdout. */
  commit(): Promise<void>;
  /** Drops a file output (its temporary file); a no-op for stdout. */
  abort(): void;
}

/**
 * Refuses outputs that would overwrite an input (exit 1), or each other (exit 2).
 * @param command - e.g. "ogmetric score"
 * @param inputs - every file the command reads
 * @param outputs - `[flag, path]` for each output given
 */
export function checkOutputs(command: string, inputs: readonly string[], outputs: readonly (readonly [string, string | undefined])[]): void {
  const given = outputs.filter((o): o is readonly [string, string] => o[1] !== undefined);
  for (const [flag, path] of given) {
    for (const input of inputs) {
      if (isSameFile(input, path)) throw new CliError(`${flag} ${path} is the input file ${input}; refusing to write over an input`);
    }
  }
  for (let i = 0; i < given.length; i++) {
    for (let j = i + 1; j < given.length; j++) {
      if (isSameFile(given[i]![1], given[j]![1])) throw new UsageError(command, `${given[i]![0]} and ${given[j]![0]} name the same file`);
    }
  }
}

/**
 * Opens an output: a temporary file beside `path` (renamed into place by `commit`), or stdout.
 * @throws CliError when the temporary file cannot be created
 */
function openOutput(path: string | undefined, stdout: NodeJS.WritableStream): Output {
  if (path === undefined) {
    const sink = new StreamSink(stdout as never);
    return { sink, commit: () => sink.flush(), abort: () => undefined };
  }
  let file: AtomicFile;
  try {
    file = AtomicFile.open(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: cannot write here (${code === "ENOENT" ? "no such directory" : code === "EACCES" ? "permission denied" : (e as Error).message})`, undefined, [], { cause: e });
  }
  return {
    sink: file,
    commit: async () => file.commit(),
    abort: () => file.abort(),
  };
}

/**
 * The outputs of one run (the results and the rejects file): opened as the run needs them, then
 * committed together on success or all dropped on failure, so no half-written file is left.
 */
export class RunOutputs {
  readonly #opened: Output[] = [];

  /** Opens an output (see `openOutput`) that `commit` and `abort` will take care of. */
  open(path: string | undefined, stdout: NodeJS.WritableStream): Output {
    const out = openOutput(path, stdout);
    this.#opened.push(out);
    return out;
  }

  /** Makes every output final, in the order opened. */
  async commit(): Promise<void> {
    for (const out of this.#opened) await out.commit();
  }

  /** Drops every output not yet committed. */
  abort(): void {
    for (const out of this.#opened) out.abort();
  }
}
