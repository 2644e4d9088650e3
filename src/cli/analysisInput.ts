import { readFileSync } from "node:fs";
import type { SafeParseSpecResult } from "../analysis/index.js";
import { formatFixed, type BodyScore, type CompiledRubric } from "../index.js";
import { BodyScorer, ObservationStore, READ_OK, type ScoreFrame } from "../engine/index.js";
import type { CsvEncoding } from "../io/decodeChunks.js";
import { CsvReader, type CsvReadOptions } from "../io/readCsv.js";
import { fileInput } from "../io/fileInput.js";
import type { TextSink } from "../io/textSink.js";
import { CsvWriter } from "../io/writeCsv.js";
import { keyColumns, planColumns, rubricLookups } from "./columns.js";
import { CliError, EXIT_OK, EXIT_REJECTED, UsageError, at } from "./errors.js";
import { detach } from "./idLog.js";
import { openObservationFiles, readObservationFile, rejectUnscoredObservations, type ObservationFile } from "./observations.js";
import type { CliIo } from "./io.js";
import { loadRubric } from "./loadRubric.js";
import { checkOutputs, RunOutputs } from "./outputs.js";
import { cellReason, recordText, reportAccount, reportRejects, RejectLog } from "./rejects.js";
import { Progress, Reporter } from "./report.js";
import { checkRequiredInputs } from "./required.js";

/** How `uncertainty`, `sensitivity` and `audit` read their survey file (the flags `score` takes). */
export interface AnalysisReadOptions {
  readonly input: string;
  readonly observations: readonly string[];
  readonly map: readonly (readonly [string, string])[];
  readonly encoding: CsvEncoding;
  readonly delimiter: string;
  readonly allowMissing: boolean;
  readonly decimalComma: boolean;
}

/** The bodies of a survey file, held in memory for an analysis. */
export interface AnalysisInput {
  /** One filled frame per body scored, in file order. */
  readonly frames: ScoreFrame[];
  readonly ids: string[];
  /** The identity fields present besides id (name, state, level, type), with each body's value. */
  readonly fields: { readonly name: string; readonly values: string[] }[];
  /** Each `--by` key's value per body. */
  readonly groups: Record<string, string[]>;
  /** With `results`: each body's full result (for the statistical audit). */
  readonly results: BodyScore[];
}

const MAX_SHOWN = 10;

/**
 * Reads INPUT.csv and its observation files through the same pieces as `ogmetric score` (column
 * plan, required inputs, observation store, rejects, account lines) and keeps every body in
 * memory: a frame each (about 5 KB for the editions), or its full result with `results`.
 *
 * A row that cannot be read is rejected (written to the rejects, counted, the run goes on and
 * exits 3); a repeated id is fatal. Observation rows of bodies not in the file are rejected too.
 * @param command - e.g. "ogmetric uncertainty", for messages
 * @param by - grouping keys to read (identity fields or carried columns)
 * @param results - keep each body's `BodyScore` instead of its frame
 * @throws CliError for fatal input errors (exit 1), or absent required inputs (exit 2)
 */
export async function readAnalysisInput(
  command: string,
  rubric: CompiledRubric,
  o: AnalysisReadOptions,
  by: readonly string[],
  rejects: RejectLog,
  reporter: Reporter,
  results = false,
): Promise<AnalysisInput> {
  const csvOptions: CsvReadOptions = { encoding: o.encoding, delimiter: o.delimiter };
  const idColumn = o.map.find(([field]) => field === "id")?.[1];
  const csv = await CsvReader.open(o.input, { ...csvOptions, name: o.input });
  let opened: ObservationFile[] = [];
  try {
    const plan = planColumns(o.input, csv.header, { command, maps: o.map, ...rubricLookups(rubric), requireId: true });
    for (const warning of plan.warnings) reporter.line(warning);
    const byCols = keyColumns(plan, by);
    const store = o.observations.length > 0 ? new ObservationStore(rubric, { decimalComma: o.decimalComma }) : undefined;
    if (store) opened = await openObservationFiles(store, o.observations.map(fileInput), csvOptions, idColumn);
    checkRequiredInputs(rubric, plan.valueNodes, opened.map((f) => f.plan.set), o, reporter);
    const observationLines: { file: string; dataLines: number; accepted: number }[] = [];
    if (store) for (const f of opened) observationLines.push({ file: f.file, ...(await readObservationFile(store, f, rejects, reporter)) });

    const header = csv.header;
    const { idCol, valueCols, valueNodes } = plan;
    const identity = plan.identity.filter((f) => f.field !== "id");
    const input: AnalysisInput = {
      frames: [],
      ids: [],
      fields: identity.map((f) => ({ name: f.field, values: [] })),
      groups: Object.fromEntries(by.map((key) => [key, [] as string[]])),
      results: [],
    };
    const seen = new Map<string, number>();
    const repeated: string[] = [];
    const rejectedIds = new Map<string, number>();
    const shared = results ? new BodyScorer(rubric, { decimalComma: o.decimalComma }) : undefined;
    let lastRow = 1;
    for await (const batch of csv) {
      const { rows, firstRow, problems } = batch;
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const rowNo = firstRow + r;
        if (!rejects.screen(o.input, rowNo, row, problems?.get(r), header, csv.delimiter)) continue;
        const id = detach(row[idCol]!);
        if (id.trim() === "") {
          rejects.add(o.input, rowNo, idCol + 1, header[idCol]!, "missing_id", "the id is empty", recordText(row, csv.delimiter));
          continue;
        }
        const scorer = shared ?? new BodyScorer(rubric, { decimalComma: o.decimalComma });
        scorer.begin();
        let reasons: string | undefined;
        let badCol = -1;
        let badCode = "";
        for (let k = 0; k < valueCols.length; k++) {
          const node = valueNodes[k]!;
          const cell = row[valueCols[k]!]!;
          const code = scorer.give(node, cell);
          if (code === READ_OK) continue;
          const issue = scorer.issue(node, cell, code);
          const name = header[valueCols[k]!]!;
          const shown = name === rubric.nodes[node]!.code ? JSON.stringify(name) : `${JSON.stringify(name)} (${rubric.nodes[node]!.code})`;
          reasons = `${reasons === undefined ? "" : `${reasons}; `}${cellReason(shown, issue)}`;
          if (badCol < 0) {
            badCol = valueCols[k]!;
            badCode = issue.code;
          }
        }
        if (reasons !== undefined) {
          rejects.add(o.input, rowNo, badCol + 1, header[badCol]!, badCode, reasons, recordText(row, csv.delimiter));
          if (store?.has(id) && !rejectedIds.has(id)) rejectedIds.set(id, rowNo);
          continue;
        }
        const first = seen.get(id);
        if (first !== undefined) {
          repeated.push(`${at(o.input, rowNo, idCol + 1)}id ${JSON.stringify(id)} is used again (first in row ${first})`);
          continue;
        }
        seen.set(id, rowNo);
        if (store) scorer.observe(store, id);
        input.ids.push(id);
        identity.forEach((f, i) => input.fields[i]!.values.push(detach(row[f.col]!)));
        by.forEach((key, i) => input.groups[key]!.push(detach(row[byCols[i]!]!)));
        if (results) {
          scorer.evaluate();
          const fields: Record<string, string> = Object.create(null);
          identity.forEach((f) => (fields[f.field] = detach(row[f.col]!)));
          input.results.push(scorer.result({ id, fields }, []));
        } else input.frames.push(scorer.frame);
      }
      lastRow = firstRow + rows.length - 1;
      await rejects.flush();
    }
    if (repeated.length > 0) {
      const lines = repeated.slice(0, MAX_SHOWN);
      if (repeated.length > MAX_SHOWN) lines.push(`... and ${repeated.length - MAX_SHOWN} more`);
      throw new CliError(`${o.input}: ${repeated.length} row${repeated.length === 1 ? " repeats" : "s repeat"} an earlier id; ids must be unique (nothing was written)`, undefined, lines);
    }

    let unscoredRows = new Map<string, number>();
    const unused = store?.unused();
    if (unused && unused.size > 0) {
      let n = 0;
      const unscored = new Map<string, number | undefined>();
      for (const [id, count] of unused) {
        n += count;
        unscored.set(id, rejectedIds.get(id));
      }
      reporter.line(`${n} observation row${n === 1 ? "" : "s"} of ${unused.size} bod${unused.size === 1 ? "y" : "ies"} not scored (not in ${o.input}, or rejected); rejected`);
      unscoredRows = await rejectUnscoredObservations(o.observations.map(fileInput), csvOptions, idColumn, unscored, o.input, rejects);
    }
    const bodies = input.ids.length;
    reportAccount(reporter, rejects, o.input, lastRow - 1, { count: bodies, what: bodies === 1 ? "body read" : "bodies read" });
    for (const f of observationLines) {
      const used = f.accepted - (unscoredRows.get(f.file) ?? 0);
      reportAccount(reporter, rejects, f.file, f.dataLines, { count: used, what: used === 1 ? "observation used" : "observations used" });
    }
    return input;
  } finally {
    csv.close();
    for (const f of opened) f.csv.close();
  }
}

/** A column of an analysis table: its name, and whether `--round` rounds it (scores and shares, not ranks or counts). */
export interface Column {
  readonly name: string;
  readonly round?: boolean;
}

/** A row of an analysis table: cells by column name (null: empty). */
export type Row = Readonly<Record<string, string | number | null>>;

/**
 * Writes an analysis table: CSV (header, then one line per row; `--round` rounds the columns
 * marked so, half up on the exact decimal), NDJSON (one object per row, keys as the CSV header,
 * numbers unrounded), or JSON (the whole result object, indented).
 */
export function writeTable(sink: TextSink, format: "csv" | "json" | "ndjson", columns: readonly Column[], rows: readonly Row[], whole: unknown, options: { readonly raw: boolean; readonly round?: number | undefined }): void {
  if (format === "json") {
    sink.write(`${JSON.stringify(whole, null, 2)}\n`);
    return;
  }
  if (format === "ndjson") {
    for (const row of rows) {
      const obj: Record<string, string | number | null> = {};
      for (const c of columns) obj[c.name] = row[c.name] ?? null;
      sink.write(`${JSON.stringify(obj)}\n`);
    }
    return;
  }
  const writer = new CsvWriter(sink, { raw: options.raw });
  writer.writeRow(columns.map((c) => c.name));
  for (const row of rows) {
    writer.writeRow(
      columns.map((c) => {
        const v = row[c.name];
        return typeof v === "number" && c.round && options.round !== undefined && Number.isFinite(v) ? formatFixed(v, options.round) : (v ?? null);
      }),
    );
  }
}

/** A probability's name in column headers: 0.05 → "05", 0.95 → "95", 0.025 → "2.5". */
export function percentName(p: number): string {
  const x = Number((p * 100).toPrecision(12));
  return Number.isInteger(x) && x < 10 ? `0${x}` : String(x);
}

/**
 * Reads a specification file (JSON) for `--spec`.
 * @throws CliError when the file cannot be read
 */
export function readSpecFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    const text = readFileSync(file, "utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a specification" : (e as Error).message}`, undefined, [], { cause: e });
  }
}

/**
 * The specification of a run: the `--spec` file (JSON text, parsed here so that flags can be laid
 * over it) with the flags given, which win.
 * @throws CliError (exit 1) when the file is not a JSON object
 */
export function specWithFlags(file: string | undefined, text: string | undefined, flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  let spec: Record<string, unknown> = {};
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new CliError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new CliError(`${file}: expected a JSON object (the specification), found ${Array.isArray(parsed) ? "an array" : typeof parsed}`);
    spec = parsed as Record<string, unknown>;
  }
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) spec[key] = value;
  return spec;
}

/**
 * The checked specification, or the run's one error (exit 1) listing every issue as
 * `file: $.path: message` (flags are named as such).
 * @param command - the command, named in the error when there is no file
 * @param file - the `--spec` file, if any
 * @param parsed - what `safeParseUncertaintySpec` or `safeParseSensitivitySpec` returned
 */
export function specOrFail<T>(command: string, file: string | undefined, parsed: SafeParseSpecResult<T>): T {
  if (parsed.success) return parsed.output;
  const n = parsed.issues.length;
  throw new CliError(`${file ?? command}: invalid specification (${n} issue${n === 1 ? "" : "s"})`, undefined, parsed.issues.map((i) => `${file ?? "specification"}: ${i.path}: ${i.message}`));
}

/**
 * Runs an analysis function, turning its refusals (`RangeError`, `TypeError`: a specification
 * the data cannot honour) into the run's one error (exit 1).
 */
export function analysisRun<T>(command: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new CliError(`${command}: ${e.message}`, undefined, [], { cause: e });
    throw e;
  }
}

/** What an analysis command works with once its outputs are open. */
export interface AnalysisContext {
  readonly rubric: CompiledRubric;
  readonly reporter: Reporter;
  readonly outputs: RunOutputs;
  readonly rejects: RejectLog;
}

/**
 * The frame the analysis commands share: `--round` only with CSV, the rubric, every output path
 * checked against `inputs` before anything is read, then `prepare` (the specification: its
 * errors come before any output is opened), the rejects log and `run`; every output commits
 * together, or none on an error.
 * @param inputs - every file the command reads (the rubric file is added here)
 * @returns 0, or 3 when rows were rejected
 */
export async function analysisCommand<T>(
  command: string,
  o: AnalysisFrameOptions,
  io: CliIo,
  inputs: readonly string[],
  prepare: (rubric: CompiledRubric) => T,
  run: (context: AnalysisContext, prepared: T) => Promise<void>,
): Promise<number> {
  if (o.round !== undefined && o.format !== "csv") throw new UsageError(command, "--round applies to CSV output");
  const rubric = loadRubric(o);
  checkOutputs(command, [...inputs, ...(o.rubric ? [o.rubric] : [])], [
    ["--out", o.out],
    ["--rejects", o.rejects],
  ]);
  const prepared = prepare(rubric);
  const reporter = new Reporter(io.stderr);
  const outputs = new RunOutputs();
  try {
    const rejects = new RejectLog(o.rejects === undefined ? undefined : outputs.open(o.rejects, io.stdout).sink, o.raw, reporter);
    await run({ rubric, reporter, outputs, rejects }, prepared);
    reportRejects(reporter, rejects, o.rejects);
    await outputs.commit();
    return rejects.count > 0 ? EXIT_REJECTED : EXIT_OK;
  } catch (e) {
    outputs.abort();
    throw e;
  }
}

/** The options `analysisCommand` reads. */
export interface AnalysisFrameOptions {
  readonly edition?: string | undefined;
  readonly rubric?: string | undefined;
  readonly round?: number | undefined;
  readonly format: "csv" | "json" | "ndjson";
  readonly out?: string | undefined;
  readonly rejects?: string | undefined;
  readonly raw: boolean;
}

/** Draws a progress bar for a run of `total` steps when asked, or on a terminal for long runs. */
export function runProgress(mode: "auto" | "always" | "never", reporter: Reporter, label: string, total: number, unit: string, long: boolean): Progress | undefined {
  if (mode === "never" || (mode === "auto" && !(reporter.stream.isTTY === true && long))) return undefined;
  return new Progress(reporter.stream, label, total, unit);
}
