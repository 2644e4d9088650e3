/**
 * Reading a survey file (one row per body, plus observation files) the way `ogmetric score` reads
 * it: the same column plan, required-input check, observation store, row screening, value reading
 * and reject reasons. The private core of `scoreCsv`, `readBodies`, `scoreFile` and `ogmetric
 * compare`. Pure (no `node:` import): the files are `CsvInput`s, opened from a path in Node
 * (`fileInput`) or from a string, a `Blob` or a web stream anywhere (`textInput`).
 */
import { BodyScorer, ObservationStore } from "../engine/index.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import type { CsvReadOptions } from "./csvRecordReader.js";
import type { CsvInput } from "./csvInput.js";
import { ENCODING_NAMES, type CsvEncoding } from "./decodeChunks.js";
import { planColumns, rubricLookups, type ColumnPlan } from "../cli/columns.js";
import { CliError, UsageError, at } from "../cli/errors.js";
import { giveRow, stringCells } from "../cli/giveRow.js";
import { detach } from "../internal/detach.js";
import { openObservationFiles, readObservationFile, rejectUnscoredObservations, type ObservationFile, type ObservationPlan } from "../cli/observations.js";
import { RejectLog, recordText } from "../cli/rejects.js";
import { Reporter } from "../cli/report.js";
import { checkRequiredInputs } from "../cli/required.js";

/**
 * How to read a survey file: the options `ogmetric score` takes for its input (its observation
 * files apart, which each door gives in its own way).
 * @example
 * const options: BodyReadOptions = { map: { id: "SO" }, delimiter: ";", decimalComma: true };
 * options.map // => { id: "SO" }
 */
export interface BodyReadOptions {
  /** FIELD → COLUMN (`{ id: "SO", state: "edo" }`), as `--map`: FIELD is id, name, state, level, type or a node code. */
  readonly map?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  /** `utf8` (default), `latin1` or `windows-1252` (names as `--encoding` takes them). */
  readonly encoding?: string;
  /** Field delimiter, one character (default `,`). */
  readonly delimiter?: string;
  /** Read even when an input the index needs is absent (as `--allow-missing`); default false: throw. */
  readonly allowMissing?: boolean;
  /** Also read numbers written with a decimal comma (`0,5`). */
  readonly decimalComma?: boolean;
}

/**
 * A row that was not used, or used with a value counted as missing: the rejects file's row, as a value.
 * @example
 * const s = await scoreCsv("id,TG,TC,PG,PC\nA,0.5,0.5,0.5,0.5\nB,2,0.5,0.5,0.5\n", { edition: "2017" });
 * const reject: RowReject = s.rejects[0]!;
 * [reject.row, reject.column, reject.columnName, reject.code] // => [3, 2, "TG", "out_of_range"]
 */
export interface RowReject {
  readonly file: string;
  /** Row number (the header is row 1). */
  readonly row: number;
  /** 1-based column of the (first) problem, when known. */
  readonly column?: number;
  /** That column's header name ("" when unknown). */
  readonly columnName: string;
  /** snake_case: `missing_id`, `invalid_value`, `column_count`, `unknown_body`, ... */
  readonly code: string;
  readonly reason: string;
  /** The row's original content, as one line of the file. */
  readonly record: string;
  /** True for an observation kept with the unreadable value counted as missing. */
  readonly used: boolean;
}

/**
 * The account of one file: every data line used, rejected or blank.
 * @example
 * const s = await scoreCsv("id,TG,TC,PG,PC\nA,0.5,0.5,0.5,0.5\n\nB,x,0.5,0.5,0.5\n", { edition: "2017" });
 * const account: FileAccount = s.accounts[0]!;
 * account // => { file: "<string>", dataLines: 3, used: 1, rejected: 1, blank: 1 }
 */
export interface FileAccount {
  readonly file: string;
  readonly dataLines: number;
  readonly used: number;
  readonly rejected: number;
  readonly blank: number;
}

/**
 * A problem that stops reading a file (a missing column, a duplicate id, absent inputs...).
 * @example
 * let error: unknown;
 * try { await scoreCsv("id,TG\nA,0.5\nA,0.25\n", { edition: "2017", allowMissing: true }); } catch (e) { error = e; }
 * error instanceof InputFileError && error.message // => '<string>:3:1: id "A" is used again (first in row 2); ids must be unique'
 */
export class InputFileError extends Error {
  /** Further lines (e.g. one per absent input, with the fix). */
  readonly details: readonly string[];
  constructor(message: string, details: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = "InputFileError";
    this.details = details;
  }
}

/** Rejected rows kept as values as well as logged (to a rejects file, for the CLI). */
export class CollectingRejects extends RejectLog {
  readonly list: RowReject[] = [];
  readonly #onReject: ((r: RowReject) => void) | undefined;

  constructor(sink: ConstructorParameters<typeof RejectLog>[0], raw: boolean, reporter: Reporter, onReject?: (r: RowReject) => void) {
    super(sink, raw, reporter);
    this.#onReject = onReject;
  }

  override add(file: string, row: number, column: number | undefined, columnName: string, code: string, reason: string, record: string, used = false): void {
    super.add(file, row, column, columnName, code, reason, record, used);
    const r: RowReject = { file, row, ...(column !== undefined ? { column } : {}), columnName, code, reason, record, used };
    this.list.push(r);
    this.#onReject?.(r);
  }
}

/** A stream that keeps each line written to it (for warnings returned as values). */
export function lineCollector(lines: string[]): { write(text: string): boolean } {
  return {
    write(text: string) {
      for (const line of text.split("\n")) if (line.length > 0) lines.push(line);
      return true;
    },
  };
}

/** One body's row, read and given to the scorer. */
export interface BodyRow {
  readonly id: string;
  readonly rowNo: number;
  /** Identity fields (without id) and carried columns. */
  readonly fields: Record<string, string>;
  /** The row's cells: valid until the next row is asked for (the reader reuses its arrays). */
  readonly row: readonly string[];
}

/** An open survey file: its plan, then its rows (`rows()`), then its accounts. */
export interface BodyFile {
  readonly plan: ColumnPlan;
  readonly scorer: BodyScorer;
  readonly store: ObservationStore | undefined;
  /** Observation rows kept per body and set (when asked to keep them): code → cell. */
  readonly observationRows: Map<string, Map<string, Record<string, string>[]>> | undefined;
  /** Accepted rows, with the scorer begun and given the row's values and the body's observations (not evaluated). */
  rows(): AsyncGenerator<BodyRow>;
  /** After `rows()` is exhausted: each file's account. */
  readonly accounts: FileAccount[];
  close(): void;
}

/** Turns CLI errors into the library's: usage mistakes into TypeError, input problems into InputFileError. */
export function asLibraryError(e: unknown, caller: string): unknown {
  if (e instanceof UsageError) {
    const what = e.message.startsWith(`${caller}: `) ? e.message.slice(caller.length + 2) : e.message.replace(/^ogmetric \S+: /, "");
    return new TypeError(`${caller}: ${what.replace(/ \(see .*--help\)$/, "")}`, { cause: e });
  }
  if (e instanceof CliError) return new InputFileError(e.message, e.details, { cause: e });
  return e;
}

/**
 * Opens a survey file and its observation files, plans their columns, checks that the rubric's
 * root gets every input it needs, and reads the observations (before any body row).
 * @param input - the survey file
 * @param observationInputs - its observation files, one per observation set (as `--observations`)
 * @param rubric - the rubric that reads it
 * @param options - as `ogmetric score`'s input options
 * @param rejects - where rejected rows go
 * @param reporter - where warnings go
 * @param keep - keep observation rows per body (for `readBodies`)
 * @param explain - score with explanations (shares and raw inputs)
 * @param command - name for messages
 * @throws CliError / UsageError (the callers convert them), CsvError for an unreadable file
 */
export async function openBodyInput(
  input: CsvInput,
  observationInputs: readonly CsvInput[],
  rubric: CompiledRubric,
  options: BodyReadOptions,
  rejects: RejectLog,
  reporter: Reporter,
  keep: boolean,
  explain: boolean,
  command: string,
): Promise<BodyFile> {
  const encoding = options.encoding === undefined ? "utf8" : ENCODING_NAMES.get(options.encoding.toLowerCase());
  if (encoding === undefined) throw new UsageError(command, `encoding: expected utf8, latin1 or windows-1252, found ${JSON.stringify(options.encoding)}`);
  const csvOptions: CsvReadOptions = { encoding: encoding as CsvEncoding, delimiter: options.delimiter ?? "," };
  const maps = options.map === undefined ? [] : Array.isArray(options.map) ? (options.map as readonly (readonly [string, string])[]) : Object.entries(options.map);
  const idColumn = maps.find(([field]) => field === "id")?.[1];
  const file = input.name;
  const csv = await input.open(csvOptions);
  let opened: ObservationFile[] = [];
  try {
    const plan = planColumns(file, csv.header, { command, maps, ...rubricLookups(rubric), requireId: true });
    for (const warning of plan.warnings) reporter.line(warning);
    const files = observationInputs;
    const store = files.length > 0 ? new ObservationStore(rubric, { decimalComma: options.decimalComma === true }) : undefined;
    if (store) opened = await openObservationFiles(store, files, csvOptions, idColumn);
    checkRequiredInputs(rubric, plan.valueNodes, opened.map((f) => f.plan.set), { input: file, allowMissing: options.allowMissing === true }, reporter);
    const observationRows = keep && store ? new Map<string, Map<string, Record<string, string>[]>>() : undefined;
    const keepRow = (id: string, row: readonly string[], p: ObservationPlan) => {
      const setId = rubric.observationSets[p.set]!.id;
      const cells: Record<string, string> = Object.create(null);
      for (let k = 0; k < p.cols.length; k++) cells[rubric.nodes[p.nodes[k]!]!.code] = detach(row[p.cols[k]!]!);
      let sets = observationRows!.get(id);
      if (!sets) {
        sets = new Map();
        observationRows!.set(detach(id), sets);
      }
      const list = sets.get(setId);
      if (list) list.push(cells);
      else sets.set(setId, [cells]);
    };
    const observed: { file: string; dataLines: number; accepted: number }[] = [];
    if (store) for (const f of opened) observed.push({ file: f.file, ...(await readObservationFile(store, f, rejects, reporter, undefined, observationRows ? keepRow : undefined)) });
    const scorer = new BodyScorer(rubric, { explain, decimalComma: options.decimalComma === true });
    const accounts: FileAccount[] = [];
    const account = (name: string, dataLines: number, used: number) => {
      const rejected = rejects.rejectedIn(name);
      const blank = rejects.blankIn(name);
      if (used + rejected + blank !== dataLines) throw new Error(`the row account of ${name} does not balance: ${dataLines} data lines but ${used} used + ${rejected} rejected + ${blank} blank`);
      accounts.push({ file: name, dataLines, used, rejected, blank });
    };

    async function* rows(): AsyncGenerator<BodyRow> {
      const header = csv.header;
      const { idCol, valueCols, valueNodes } = plan;
      const seen = new Map<string, number>();
      const rejectedIds = new Map<string, number>();
      let lastRow = 1;
      let used = 0;
      try {
        for await (const batch of csv) {
          const { firstRow, problems } = batch;
          const batchRows = batch.rows;
          for (let r = 0; r < batchRows.length; r++) {
            const row = batchRows[r]!;
            const rowNo = firstRow + r;
            const noteRejected = () => {
              const id = row[idCol];
              if (store !== undefined && id !== undefined && store.has(id) && !rejectedIds.has(id)) rejectedIds.set(detach(id), rowNo);
            };
            if (!rejects.screen(file, rowNo, row, problems?.get(r), header, csv.delimiter)) {
              noteRejected();
              continue;
            }
            const id = row[idCol]!;
            if (id.trim() === "") {
              rejects.add(file, rowNo, idCol + 1, header[idCol]!, "missing_id", "the id is empty", recordText(row, csv.delimiter));
              continue;
            }
            scorer.begin();
            const bad = giveRow(scorer, header, stringCells(row), valueCols, valueNodes);
            if (bad !== undefined) {
              rejects.add(file, rowNo, bad.col + 1, header[bad.col]!, bad.code, bad.reasons, recordText(row, csv.delimiter));
              noteRejected();
              continue;
            }
            const first = seen.get(id);
            if (first !== undefined) throw new CliError(`${at(file, rowNo, idCol + 1)}id ${JSON.stringify(id)} is used again (first in row ${first}); ids must be unique`);
            seen.set(detach(id), rowNo);
            if (store !== undefined) scorer.observe(store, id);
            const fields: Record<string, string> = Object.create(null);
            for (const { field, col } of plan.identity) if (field !== "id") fields[field] = detach(row[col]!);
            for (const col of plan.passthrough) fields[header[col]!] = detach(row[col]!);
            used++;
            yield { id: detach(id), rowNo, fields, row };
          }
          lastRow = firstRow + batchRows.length - 1;
        }
        account(file, lastRow - 1, used);
        let unscoredRows = new Map<string, number>();
        if (store) {
          const unused = store.unused();
          if (unused.size > 0) {
            const unscored = new Map<string, number | undefined>();
            for (const [id] of unused) unscored.set(id, rejectedIds.get(id));
            reporter.line(`${[...unused.values()].reduce((a, b) => a + b, 0)} observation rows name bodies that were not read (their row was rejected, or no row has their id); rejected`);
            unscoredRows = await rejectUnscoredObservations(files, csvOptions, idColumn, unscored, file, rejects);
          }
        }
        for (const f of observed) account(f.file, f.dataLines, f.accepted - (unscoredRows.get(f.file) ?? 0));
      } finally {
        csv.close();
      }
    }

    return {
      plan,
      scorer,
      store,
      observationRows,
      rows,
      accounts,
      close: () => {
        csv.close();
        for (const f of opened) f.csv.close();
      },
    };
  } catch (e) {
    csv.close();
    for (const f of opened) f.csv.close();
    throw e;
  }
}
