import type { CompiledRubric } from "../rubric/compileRubric.js";
import { fileInput } from "../io/fileInput.js";
import { chosenRubric, scoreInput, type RubricChoice, type ScoredInput } from "../io/scoreCsv.js";
import type { BodyFileOptions } from "./bodyFile.js";

/**
 * Options of `scoreFile`.
 * @example
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const file = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "bodies.csv");
 * writeFileSync(file, "clave,TG,TC,PG,PC\nA,0.5,0.5,0.2,0.2\n");
 * const options: ScoreFileOptions = { edition: "2017", map: { id: "clave" } };
 * (await scoreFile(file, options)).scores.map((s) => [s.id, s.value]) // => [["A", 0.35]]
 */
export type ScoreFileOptions = BodyFileOptions & RubricChoice;

/**
 * A survey file scored: every body's explained result, and what was not used.
 * @example
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const file = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "bodies.csv");
 * writeFileSync(file, "id,TG,TC,PG,PC\nA,0.5,0.5,0.2,0.2\nB,0.5,x,0.2,0.2\n");
 * const s: ScoredFile = await scoreFile(file, { edition: "2017" });
 * [s.file === file, s.rubric.id, s.warnings]; // => [true, "mga-2017", []]
 * s.scores.map((x) => [x.id, x.value]); // => [["A", 0.35]]
 * [s.rejects.length, s.rejectCounts] // => [1, { not_a_number: 1 }]
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
