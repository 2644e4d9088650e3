import type { CompiledRubric } from "../rubric/compileRubric.js";
import { fileInput } from "../io/fileInput.js";
import { chosenRubric, scoreInput, type RubricChoice, type ScoredInput } from "../io/scoreCsv.js";
import type { BodyFileOptions } from "./bodyFile.js";

/**
 * Options of `scoreFile`.
 * @example
 * const options: ScoreFileOptions = { edition: "2019", observations: ["fixtures/mga2019-sample-requests.csv", "fixtures/mga2019-sample-records.csv"] };
 * options.edition // => "2019"
 */
export type ScoreFileOptions = BodyFileOptions & RubricChoice;

/**
 * A survey file scored: every body's explained result, and what was not used.
 * @example
 * const s: ScoredFile = await scoreFile("fixtures/mga2017-sample.csv", { edition: "2017", observations: ["fixtures/mga2017-sample-requests.csv"] });
 * [s.file, s.accounts[0]!.dataLines] // => ["fixtures/mga2017-sample.csv", 1000]
 */
export interface ScoredFile extends ScoredInput {
  readonly file: string;
  readonly rubric: CompiledRubric;
}

/**
 * Scores a survey file in one call, exactly as `ogmetric score` scores it (the same column plan,
 * observation store, row checks and scoring path), and keeps every body's explained result in
 * memory: for notebooks and analyses of survey-sized files (for millions of rows, stream with the
 * command line). The result is a `ScoreSet`, ready for `aggregate(result.scores)` or
 * `compareScores`.
 *
 * A header-only file gives no scores.
 * @param path - the survey file (CSV)
 * @param options - the rubric (`edition` or `rubric`) and the input options of `readBodies`
 * @returns the scores, the rejects with their counts by code, warnings and the row accounts
 * @throws InputFileError for a file that cannot be used (see `readBodies`), CsvError for an
 *   unreadable file, TypeError for a bad option
 * @example
 * const s = await scoreFile("fixtures/mga2019-sample.csv", { edition: "2019", observations: ["fixtures/mga2019-sample-requests.csv", "fixtures/mga2019-sample-records.csv"] });
 * s.scores.length // => 1000
 */
export async function scoreFile(path: string, options: ScoreFileOptions): Promise<ScoredFile> {
  const rubric = chosenRubric(options, "scoreFile");
  const scored = await scoreInput(fileInput(path), (options.observations ?? []).map(fileInput), rubric, options, "scoreFile");
  return { file: path, ...scored };
}
