import { readFileSync } from "node:fs";
import { loadEdition, safeParseRubric, type CompiledRubric, type Issue } from "../index.js";
import { CliError } from "./errors.js";

/**
 * Reads a rubric file and validates it, or explains in one line each why it cannot be used.
 * @param file - path of a rubric JSON file
 * @returns the compiled rubric, or the issues (with JSON paths)
 * @throws CliError when the file cannot be read
 */
export function readRubricFile(file: string): { rubric: CompiledRubric; issues?: undefined } | { rubric?: undefined; issues: readonly Issue[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a rubric file" : (e as Error).message}`, undefined, [], { cause: e });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const result = safeParseRubric(text);
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
