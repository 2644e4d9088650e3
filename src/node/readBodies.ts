import { chosenRubric, type RubricChoice } from "../io/scoreCsv.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import type { BodyInput } from "../score/scoreBody.js";
import { Reporter } from "../cli/report.js";
import { asLibraryError, CollectingRejects, lineCollector, openBodyFile, type BodyFile, type BodyFileOptions, type FileAccount, type RowReject } from "./bodyFile.js";

export type { RubricChoice } from "../io/scoreCsv.js";

/**
 * Options of `readBodies`.
 * @example
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const file = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "bodies.csv");
 * writeFileSync(file, "id,TG,TC,PG,PC\nA,0.5,0.5,0.2,0.2\nB,0.5,x,0.2,0.2\n");
 * const codes: string[] = [];
 * const options: ReadBodiesOptions = { edition: "2017", onReject: (r) => codes.push(r.code) };
 * (await readBodies(file, options).toArray()).map((b) => b.id); // => ["A"]
 * codes // => ["not_a_number"]
 */
export type ReadBodiesOptions = BodyFileOptions &
  RubricChoice & {
    /** Called with each rejected row as it is found (they are also collected in `rejects`). */
    readonly onReject?: (reject: RowReject) => void;
  };

/**
 * The bodies of a survey file, read as `ogmetric score` reads them. Iterate it once
 * (`for await`); `rejects`, `warnings` and `accounts` fill as it goes and are complete at the end.
 * @example
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const file = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "bodies.csv");
 * writeFileSync(file, "id,state,TG,TC,PG,PC\nA,Jalisco,0.5,0.5,0.2,0.2\nB,Colima,0.5,x,0.2,0.2\n");
 * const reader: BodyReader = readBodies(file, { edition: "2017" });
 * const bodies: BodyInput[] = [];
 * for await (const body of reader) bodies.push(body);
 * bodies.map((b) => [b.id, b.fields, b.values]); // => [["A", { state: "Jalisco" }, { tg: "0.5", tc: "0.5", pg: "0.2", pc: "0.2" }]]
 * reader.rejects.map((r) => [r.row, r.columnName, r.code]); // => [[3, "TC", "not_a_number"]]
 * reader.accounts.map((a) => [a.dataLines, a.used, a.rejected]) // => [[2, 1, 1]]
 */
export class BodyReader implements AsyncIterable<BodyInput> {
  readonly file: string;
  readonly rubric: CompiledRubric;
  /** Rows not used (and observations used with a value counted as missing), as values. */
  readonly rejects: RowReject[] = [];
  /** Warnings: near-miss headers, observation columns absent, inputs absent with `allowMissing`. */
  readonly warnings: string[] = [];
  /** Per file, once read to the end: data lines = used + rejected + blank. */
  readonly accounts: FileAccount[] = [];
  readonly #options: ReadBodiesOptions;
  #started = false;

  /** @internal Use `readBodies`. */
  constructor(file: string, options: ReadBodiesOptions) {
    this.file = file;
    this.rubric = chosenRubric(options, "readBodies");
    this.#options = options;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<BodyInput> {
    if (this.#started) throw new TypeError("readBodies: a BodyReader is read once; call readBodies again to read the file again");
    this.#started = true;
    const reporter = new Reporter(lineCollector(this.warnings), Number.POSITIVE_INFINITY);
    const rejects = new CollectingRejects(undefined, true, new Reporter(lineCollector([]), 0), (r) => {
      this.rejects.push(r);
      this.#options.onReject?.(r);
    });
    let body;
    try {
      body = await openBodyFile(this.file, this.rubric, this.#options, rejects, reporter, true, false, "readBodies");
    } catch (e) {
      throw asLibraryError(e, "readBodies");
    }
    try {
      yield* bodyInputs(body, this.rubric);
    } catch (e) {
      throw asLibraryError(e, "readBodies");
    } finally {
      body.close();
    }
    this.accounts.push(...body.accounts);
  }

  /**
   * Reads every body.
   * @returns the bodies, in file order
   */
  async toArray(): Promise<BodyInput[]> {
    const out: BodyInput[] = [];
    for await (const b of this) out.push(b);
    return out;
  }
}

/**
 * Reads a survey file as `BodyInput`s, with the rules of `ogmetric score`: columns named by node
 * codes or aliases are values, `id` (required, unique), `name`, `state`, `level` and `type` are
 * identity fields, other columns are carried as fields; `map` renames (`{ id: "SO" }`);
 * `encoding` and `delimiter` as `--encoding` and `--delimiter`; each `observations` file feeds one
 * observation set, its rows attached to their body. A row the score command would reject (wrong
 * column count, empty id, a value outside its scale) is not yielded but kept in `rejects` with
 * file, row, column and reason, as are observation rows of bodies not read.
 *
 * Nothing is read until the reader is iterated. A header-only file yields nothing.
 * @param path - the survey file (CSV)
 * @param options - the rubric (`edition` or `rubric`) and the input options
 * @returns an async iterable of bodies, with `rejects`, `warnings`, `accounts` and `toArray()`
 * @throws (while iterating) InputFileError for a file that cannot be used (no id column, a column
 *   given twice, an id used twice, inputs the index needs absent without `allowMissing`),
 *   CsvError for an unreadable file, TypeError for a bad option
 * @example
 * const reader = readBodies("fixtures/mga2017-sample.csv", { edition: "2017", observations: ["fixtures/mga2017-sample-requests.csv"] });
 * (await reader.toArray()).length // => 1000
 */
export function readBodies(path: string, options: ReadBodiesOptions): BodyReader {
  return new BodyReader(path, options);
}

/**
 * The bodies of an open survey file as `BodyInput`s: values by node code (empty cells left out),
 * identity and carried fields, and the body's observation rows by set (when the file was opened
 * keeping them).
 * @param body - from `openBodyFile`
 * @param rubric - the rubric it was opened with
 */
export async function* bodyInputs(body: BodyFile, rubric: CompiledRubric): AsyncGenerator<BodyInput> {
  const nodes = rubric.nodes;
  const { valueCols, valueNodes } = body.plan;
  for await (const r of body.rows()) {
    const values: Record<string, string> = Object.create(null);
    for (let k = 0; k < valueCols.length; k++) {
      const cell = r.row[valueCols[k]!]!;
      // A standalone copy: the cell may be a slice of a large chunk of the file.
      if (cell !== "") values[nodes[valueNodes[k]!]!.code] = ` ${cell}`.slice(1);
    }
    const sets = body.observationRows?.get(r.id);
    yield {
      id: r.id,
      fields: r.fields,
      values,
      ...(sets !== undefined ? { observations: Object.fromEntries(sets) } : {}),
    };
  }
}
