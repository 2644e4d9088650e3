/**
 * Scoring a survey CSV given as text or bytes (a string, a `Blob`/`File`, a web stream), in a
 * browser as in Node: the same reader, column plan, checks, rejects and scoring path as
 * `ogmetric score` and `scoreFile` (which is this over a file).
 */
import { loadEdition } from "../rubric/editions.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import type { BodyScore } from "../score/scoreBody.js";
import { Reporter } from "../cli/report.js";
import { asLibraryError, CollectingRejects, lineCollector, openBodyInput, type BodyReadOptions, type FileAccount, type RowReject } from "./bodyFile.js";
import { isReadableStream, textInput, type CsvInput, type CsvText } from "./csvInput.js";

export type { CsvText } from "./csvInput.js";

/**
 * The rubric that reads a file: a compiled rubric, or a built-in edition.
 * @example
 * const choice: RubricChoice = { edition: "2019" };
 * choice.edition // => "2019"
 */
export type RubricChoice = { readonly rubric: CompiledRubric; readonly edition?: undefined } | { readonly edition: string; readonly rubric?: undefined };

/** The rubric of a `RubricChoice`. */
export function chosenRubric(options: RubricChoice, caller: string): CompiledRubric {
  if (options.rubric !== undefined) return options.rubric;
  if (options.edition !== undefined) return loadEdition(options.edition);
  throw new TypeError(`${caller}: give options.edition ("2017", "2019") or options.rubric`);
}

/**
 * What scoring a survey gives, whatever the door: the scores, what was not used, and the account.
 * @example
 * const s: ScoredInput = await scoreCsv("id,TG,TC,PG,PC\nA,0.5,0.5,0.5,0.5\nB,0.5,,0.5,0.5,0.5\n", { edition: "2017" });
 * [s.scores.length, s.rejectCounts, s.accounts[0]!.rejected] // => [1, { column_count: 1 }, 1]
 */
export interface ScoredInput {
  readonly rubric: CompiledRubric;
  /** One explained result per body read, in file order (as `scoreBody` returns them). */
  readonly scores: BodyScore[];
  /** Rows not used (and observations used with a value counted as missing), with file, row, column and reason. */
  readonly rejects: RowReject[];
  /** Counts of the rejects by code, e.g. `{ invalid_value: 2, missing_id: 1 }`. */
  readonly rejectCounts: Readonly<Record<string, number>>;
  readonly warnings: string[];
  /** Per file (the survey's first, then each observation file's): data lines = used + rejected + blank. */
  readonly accounts: FileAccount[];
}

/**
 * Scores a survey and its observation files: the one loop behind `scoreCsv` and `scoreFile`.
 * @param input - the survey
 * @param observations - its observation files
 * @param rubric - the rubric
 * @param options - the input options
 * @param caller - name for messages
 * @returns the scores, rejects, warnings and accounts
 */
export async function scoreInput(input: CsvInput, observations: readonly CsvInput[], rubric: CompiledRubric, options: BodyReadOptions, caller: string): Promise<ScoredInput> {
  const warnings: string[] = [];
  const reporter = new Reporter(lineCollector(warnings), Number.POSITIVE_INFINITY);
  const rejects = new CollectingRejects(undefined, true, new Reporter(lineCollector([]), 0));
  const scores: BodyScore[] = [];
  let body;
  try {
    body = await openBodyInput(input, observations, rubric, options, rejects, reporter, false, true, caller);
  } catch (e) {
    throw asLibraryError(e, caller);
  }
  const { scorer } = body;
  try {
    for await (const r of body.rows()) {
      scorer.evaluate();
      scores.push(scorer.result({ id: r.id, fields: r.fields }, []));
    }
  } catch (e) {
    throw asLibraryError(e, caller);
  } finally {
    body.close();
  }
  const rejectCounts: Record<string, number> = {};
  for (const r of rejects.list) rejectCounts[r.code] = (rejectCounts[r.code] ?? 0) + 1;
  return { rubric, scores, rejects: rejects.list, rejectCounts, warnings, accounts: body.accounts };
}

/**
 * Options of `scoreCsv`: the rubric (`edition` or `rubric`), the input options of `ogmetric
 * score`, and the observation files.
 * @example
 * const options: ScoreCsvOptions = { edition: "2017", name: "survey.csv", observations: [{ csv: "id,sr\nA,1\n", name: "requests.csv" }] };
 * options.observations?.length // => 1
 */
export type ScoreCsvOptions = BodyReadOptions &
  RubricChoice & {
    /** The survey's name in rejects and messages (default: a `File`'s name, else `<string>`, `<blob>` or `<stream>`). */
    readonly name?: string;
    /** Observation files, one per observation set (as `--observations`): each a CSV, or `{ csv, name }` to name it. */
    readonly observations?: readonly (CsvText | { readonly csv: CsvText; readonly name?: string })[];
  };

/**
 * Scores a survey CSV given as a string, a `Blob`/`File` or a web `ReadableStream` of bytes,
 * exactly as `ogmetric score` scores a file: the same record rules, column plan (node codes and
 * aliases are values; `id`, `name`, `state`, `level` and `type` identity fields; other columns
 * carried; `map` renames), required-input check, observation files, row checks, reject reasons
 * and scoring path. Runs in a browser (no `node:` import); `scoreFile` is the same over a path.
 *
 * A string is text (read as is; `encoding` applies to bytes); a `File` is named by its name. An
 * observation stream may be read twice (to reject rows of bodies not scored), so it is held in
 * memory until scoring ends. A header-only file gives no scores.
 * @param csv - the survey
 * @param options - the rubric, the input options, the observation files
 * @returns every body's explained result, the rejects (file, row, column, code, reason, record)
 *   with their counts, warnings and each file's account (data lines = used + rejected + blank)
 * @throws InputFileError for a file that cannot be used (no id column, a column given twice, an id
 *   used twice, inputs the index needs absent without `allowMissing`), CsvError for an unreadable
 *   file (empty, not in its encoding), TypeError for a bad option
 * @example
 * const s = await scoreCsv("id,state,TG,TC,PG,PC\nA,Jalisco,0.46,0.54,0.23,0.32\nB,Puebla,1.5,0.5,0.5,0.5\n", { edition: "2017" });
 * [s.scores[0]!.id, formatFixed(s.scores[0]!.value!, 4)] // => ["A", "0.3875"]
 * s.rejects.map((r) => [r.row, r.columnName, r.code]) // => [[3, "TG", "out_of_range"]]
 */
export async function scoreCsv(csv: CsvText, options: ScoreCsvOptions): Promise<ScoredInput> {
  const rubric = chosenRubric(options, "scoreCsv");
  const observations = (options.observations ?? []).map((o, i) => {
    const named = typeof o === "object" && o !== null && "csv" in o;
    return textInput(checkText(named ? o.csv : o, `options.observations[${i}]`), named ? o.name : undefined, true);
  });
  return scoreInput(textInput(checkText(csv, "csv"), options.name), observations, rubric, options, "scoreCsv");
}

function checkText(x: CsvText, what: string): CsvText {
  if (typeof x === "string" || (typeof Blob !== "undefined" && x instanceof Blob) || isReadableStream(x)) return x;
  throw new TypeError(`scoreCsv: ${what} must be a string, a Blob or a ReadableStream of bytes, received ${x === null ? "null" : typeof x}`);
}
