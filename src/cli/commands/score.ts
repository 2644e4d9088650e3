import { formatFixed, type CompiledRubric } from "../../index.js";
import { Aggregator, BodyScorer, FLAG_INCONSISTENT, ObservationStore, READ_OK, STATUS_NOT_APPLICABLE, STATUS_SCORED } from "../../engine/index.js";
import { CsvReader, type CsvReadOptions } from "../../io/readCsv.js";
import { CsvWriter, csvText } from "../../io/writeCsv.js";
import { keyColumns, planColumns, rubricLookups, type ColumnPlan } from "../columns.js";
import { CliError, EXIT_OK, EXIT_REJECTED, UsageError, at } from "../errors.js";
import { IdLog, detach } from "../idLog.js";
import { NumberText } from "../numberText.js";
import type { CliIo } from "../io.js";
import { loadRubric, scoresTag } from "../loadRubric.js";
import { readObservationFile, rejectUnknownBodies } from "../observations.js";
import type { ScoreOptions } from "../options.js";
import { checkOutputs, RunOutputs, type Output } from "../outputs.js";
import { RejectLog, cellReason, recordText, reportRejects } from "../rejects.js";
import { Progress, Reporter, wantProgress } from "../report.js";
import { writeTable } from "../tableOutput.js";

const COMMAND = "ogmetric score";
const FLUSH_AT = 1 << 16;

/** A repeated id: its first row and a later one. */
interface Duplicate {
  readonly first: number;
  readonly row: number;
  readonly id: string;
}

/**
 * `ogmetric score`: scores every body of INPUT.csv in one streaming pass and writes one row per
 * body (or, with --by, the aggregate table). See docs/cli.md for the contract.
 * @returns the exit code: 0, or 3 when rows were rejected
 * @throws CliError for fatal input errors, UsageError for bad options
 */
export async function score(o: ScoreOptions, io: CliIo): Promise<number> {
  if (o.round !== undefined && o.format !== "csv" && o.by.length === 0) {
    throw new UsageError(COMMAND, "--round applies to CSV output and to --by tables, not to per-body JSON");
  }
  const rubric = loadRubric(o);
  checkOutputs(COMMAND, [o.input, ...o.observations, ...(o.rubric ? [o.rubric] : [])], [
    ["--out", o.out],
    ["--rejects", o.rejects],
  ]);
  const reporter = new Reporter(io.stderr);
  const csvOptions: CsvReadOptions = { encoding: o.encoding, delimiter: o.delimiter };
  const idColumn = o.map.find(([field]) => field === "id")?.[1];

  // The header first: a missing id column should not wait for the observation files.
  const csv = await CsvReader.open(o.input, { ...csvOptions, name: o.input });
  const outputs = new RunOutputs();
  try {
    const plan = planColumns(o.input, csv.header, {
      command: COMMAND,
      maps: o.map,
      ...rubricLookups(rubric),
      requireId: true,
      reserved: ["rubric"],
    });
    keyColumns(plan, o.by); // refuses a --by key with no column
    const out = outputs.open(o.out, io.stdout);
    const rejects = new RejectLog(o.rejects === undefined ? undefined : outputs.open(o.rejects, io.stdout).sink, o.raw, reporter);

    let store: ObservationStore | undefined;
    if (o.observations.length > 0) {
      store = new ObservationStore(rubric);
      for (const file of o.observations) await readObservationFile(store, file, csvOptions, idColumn, rejects, reporter);
    }

    const pass = await scorePass(o, rubric, csv, plan, store, out, rejects, reporter);

    const candidates = pass.ids.candidates();
    if (candidates.length > 0) {
      const confirmed = await confirmDuplicates(o.input, csvOptions, plan.idCol, candidates);
      if (confirmed.length > 0) {
        const lines = confirmed.slice(0, 10).map((h) => `${at(o.input, h.row, plan.idCol + 1)}id ${JSON.stringify(h.id)} is used again (first in row ${h.first})`);
        if (confirmed.length > 10) lines.push(`... and ${confirmed.length - 10} more`);
        const written = o.out === undefined ? "rows already sent to standard output are incomplete: discard them" : "nothing was written";
        throw new CliError(`${o.input}: ${confirmed.length} row${confirmed.length === 1 ? " repeats" : "s repeat"} an earlier id; ids must be unique (${written})`, undefined, lines);
      }
    }
    if (store) {
      const unknown = store.unused();
      if (unknown.size > 0) {
        let rows = 0;
        for (const n of unknown.values()) rows += n;
        reporter.line(`${rows} observation row${rows === 1 ? "" : "s"} name${rows === 1 ? "s" : ""} ${unknown.size} bod${unknown.size === 1 ? "y" : "ies"} not in ${o.input}; rejected`);
        await rejectUnknownBodies(o.observations, csvOptions, idColumn, unknown, o.input, rejects);
      }
    }

    if (pass.aggregator) writeTable(pass.aggregator.result(), out.sink, o, reporter);
    reportRejects(reporter, rejects, o.rejects, `${pass.scored} bod${pass.scored === 1 ? "y" : "ies"} scored`);
    if (pass.inconsistent > 0) {
      reporter.line(
        `${pass.inconsistent} bod${pass.inconsistent === 1 ? "y has" : "ies have"} a node given directly that disagrees with its subtree beyond the inputs' precision${pass.inconsistent > reporter.limit ? ` (first ${reporter.limit} shown)` : ""}; the given values were used`,
      );
    }
    await outputs.commit();
    return rejects.count > 0 ? EXIT_REJECTED : EXIT_OK;
  } catch (e) {
    outputs.abort();
    throw e;
  } finally {
    csv.close();
  }
}

interface PassResult {
  readonly scored: number;
  readonly inconsistent: number;
  readonly ids: IdLog;
  readonly aggregator: Aggregator | undefined;
}

/** The one streaming pass: read, score, write (or aggregate) each row. */
async function scorePass(
  o: ScoreOptions,
  rubric: CompiledRubric,
  csv: CsvReader,
  plan: ColumnPlan,
  store: ObservationStore | undefined,
  out: Output,
  rejects: RejectLog,
  reporter: Reporter,
): Promise<PassResult> {
  const file = o.input;
  const header = csv.header;
  const { idCol, valueCols, valueNodes } = plan;
  const nValues = valueCols.length;
  const size = rubric.size;
  const scorer = new BodyScorer(rubric, { explain: o.format !== "csv" && o.by.length === 0 });
  const frame = scorer.frame;
  const { value, status, flags } = frame;
  const ids = new IdLog();
  const delimiter = csv.delimiter;
  const raw = o.raw;
  const round = o.round;

  // Output: identity fields, pass-through columns, rubric, every node in display order.
  const outCols = Int32Array.from([...plan.identity.map((f) => f.col), ...plan.passthrough]);
  const outNames = [...plan.identity.map((f) => f.field), ...plan.passthrough.map((c) => header[c]!)];
  const tag = `,${csvText(scoresTag(rubric), raw, 44)}`;
  const jsonFields = outNames.map((name, i) => [name, outCols[i]!] as const).filter(([name]) => name !== "id");
  const sink = out.sink;
  const numbers = new NumberText(size);
  const perBody = o.by.length === 0;
  const format = o.format;
  let aggregator: Aggregator | undefined;
  let current: readonly string[] = [];
  const fieldCols = plan.fieldCols;
  const field = (name: string): string | undefined => {
    const c = fieldCols.get(name);
    return c === undefined ? undefined : current[c];
  };
  if (perBody) {
    if (format === "csv") new CsvWriter(sink, { raw }).writeRow([...outNames, "rubric", ...rubric.nodes.map((n) => n.code)]);
    else if (format === "json") sink.write("[");
  } else {
    aggregator = new Aggregator(
      rubric.nodes.map((n) => n.code),
      { by: o.by, stats: ["n", "mean", ...o.stats.filter((s) => s !== "n" && s !== "mean")], order: o.order === "key" ? "key" : "first_seen", source: file },
    );
  }

  const progress = wantProgress(o.progress, reporter.stream, csv.totalBytes) ? new Progress(reporter.stream, file, csv.totalBytes!) : undefined;
  reporter.progress = progress;
  let scored = 0;
  let inconsistent = 0;
  let lastRow = 1;

  for await (const batch of csv) {
    const { rows, firstRow, problems } = batch;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const rowNo = firstRow + r;
      if (!rejects.screen(file, rowNo, row, problems?.get(r), header, delimiter)) continue;
      const id = row[idCol]!;
      if (id.length === 0 || ((id.charCodeAt(0) <= 32 || id.charCodeAt(id.length - 1) <= 32) && id.trim() === "")) {
        rejects.add(file, rowNo, idCol + 1, header[idCol]!, "missing_id", "the id is empty", recordText(row, delimiter));
        continue;
      }

      scorer.begin();
      let reasons: string | undefined;
      let badCol = -1;
      let badCode = "";
      for (let k = 0; k < nValues; k++) {
        const node = valueNodes[k]!;
        const cell = row[valueCols[k]!]!;
        const code = scorer.give(node, cell);
        if (code !== READ_OK) {
          const issue = scorer.issue(node, cell, code);
          const name = header[valueCols[k]!]!;
          const shown = name === rubric.nodes[node]!.code ? JSON.stringify(name) : `${JSON.stringify(name)} (${rubric.nodes[node]!.code})`;
          reasons = `${reasons === undefined ? "" : `${reasons}; `}${cellReason(shown, issue)}`;
          if (badCol < 0) {
            badCol = valueCols[k]!;
            badCode = issue.code;
          }
        }
      }
      if (reasons !== undefined) {
        rejects.add(file, rowNo, badCol + 1, header[badCol]!, badCode, reasons, recordText(row, delimiter));
        continue;
      }
      if (store !== undefined) scorer.observe(store, id);
      scorer.evaluate();
      scored++;

      ids.add(id, rowNo);

      for (let k = 0; k < nValues; k++) {
        const node = valueNodes[k]!;
        if ((flags[node]! & FLAG_INCONSISTENT) === 0) continue;
        inconsistent++;
        const internal = rubric.nodes[node]!.children.length > 0;
        reporter.limited(
          "inconsistent",
          `${at(file, rowNo, valueCols[k]! + 1)}warning: column ${JSON.stringify(header[valueCols[k]!])} gives ${rubric.nodes[node]!.code} = ${value[node]} but its ${internal ? "children give" : "observations give"} ${frame.computed[node]} (beyond the inputs' precision ±${(frame.err[node]! + 1e-9).toPrecision(2)})`,
        );
        break;
      }

      if (aggregator !== undefined) {
        current = row;
        aggregator.add(field, value, status, rowNo);
        continue;
      }
      if (format === "csv") {
        let line = "";
        for (let c = 0; c < outCols.length; c++) {
          if (c > 0) line += ",";
          line += csvText(row[outCols[c]!]!, raw, 44);
        }
        line += tag;
        for (let j = 0; j < size; j++) {
          const s = status[j];
          if (s === STATUS_SCORED) line += round === undefined ? `,${numbers.text(j, value[j]!)}` : `,${formatFixed(value[j]!, round)}`;
          else if (s === STATUS_NOT_APPLICABLE) line += ",NA";
          else line += ",";
        }
        sink.write(`${line}\n`);
      } else {
        const fields: Record<string, string> = Object.fromEntries(jsonFields.map(([name, c]) => [name, row[c]!]));
        const body = scorer.result({ id, fields }, []);
        const text = JSON.stringify(body);
        sink.write(format === "json" ? `${scored === 1 ? "\n" : ",\n"}${text}` : `${text}\n`);
      }
    }
    lastRow = firstRow + rows.length - 1;
    progress?.update(csv.bytesRead, lastRow);
    if (sink.buffered > FLUSH_AT) await sink.flush();
    await rejects.flush();
  }
  progress?.clear();
  reporter.progress = undefined;
  if (perBody && format === "json") sink.write(scored === 0 ? "]\n" : "\n]\n");
  const hidden = reporter.hidden("inconsistent");
  if (hidden > 0) reporter.line(`... and ${hidden} more consistency warning${hidden === 1 ? "" : "s"}`);
  return { scored, inconsistent, ids, aggregator };
}

/**
 * Reads the ids of rows whose ids hashed alike and compares them exactly.
 * @param groups - rows whose ids share a hash (from `IdLog.candidates`)
 * @returns the real duplicates, in row order
 */
async function confirmDuplicates(file: string, options: CsvReadOptions, idCol: number, groups: readonly (readonly number[])[]): Promise<Duplicate[]> {
  const ids = new Map<number, string>();
  for (const g of groups) for (const row of g) ids.set(row, "");
  const csv = await CsvReader.open(file, { ...options, name: file });
  try {
    for await (const batch of csv) {
      for (let r = 0; r < batch.rows.length; r++) {
        const rowNo = batch.firstRow + r;
        if (ids.has(rowNo)) ids.set(rowNo, detach(batch.rows[r]![idCol] ?? ""));
      }
    }
  } finally {
    csv.close();
  }
  const out: Duplicate[] = [];
  for (const g of groups) {
    const first = new Map<string, number>();
    for (const row of g) {
      const id = ids.get(row)!;
      const f = first.get(id);
      if (f === undefined) first.set(id, row);
      else out.push({ first: f, row, id });
    }
  }
  return out.sort((a, b) => a.row - b.row);
}
