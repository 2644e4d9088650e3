/**
 * A survey file read from disk: the pure reader (`src/io/bodyFile.ts`) over `fileInput`s.
 */
import type { CompiledRubric } from "../rubric/compileRubric.js";
import { fileInput } from "../io/fileInput.js";
import { openBodyInput, type BodyFile, type BodyReadOptions } from "../io/bodyFile.js";
import type { RejectLog } from "../cli/rejects.js";
import type { Reporter } from "../cli/report.js";

export { asLibraryError, CollectingRejects, InputFileError, lineCollector, type BodyFile, type BodyRow, type FileAccount, type RowReject } from "../io/bodyFile.js";

/**
 * How to read a survey file: the options `ogmetric score` takes for its input.
 * @example
 * const options: BodyFileOptions = { observations: ["fixtures/mga2017-sample-requests.csv"], encoding: "latin1" };
 * options.observations // => ["fixtures/mga2017-sample-requests.csv"]
 */
export interface BodyFileOptions extends BodyReadOptions {
  /** Observation files, one per observation set (as `--observations`). */
  readonly observations?: readonly string[];
}

/**
 * Opens a survey file and its observation files (see `openBodyInput`).
 * @throws CliError / UsageError (the callers convert them), CsvError for an unreadable file
 */
export function openBodyFile(
  file: string,
  rubric: CompiledRubric,
  options: BodyFileOptions,
  rejects: RejectLog,
  reporter: Reporter,
  keep: boolean,
  explain: boolean,
  command: string,
): Promise<BodyFile> {
  return openBodyInput(fileInput(file), (options.observations ?? []).map(fileInput), rubric, options, rejects, reporter, keep, explain, command);
}
