import { formatExplanation, formatFixed, type BodyScore, type CompiledRubric } from "../../index.js";
import { BodyScorer, CONSISTENCY_EPSILON, ObservationStore, READ_OK } from "../../engine/index.js";
import type { Issue } from "../../issue.js";
import { CsvReader, type CsvReadOptions } from "../../io/readCsv.js";
import { planColumns, rubricLookups, type ColumnPlan } from "../columns.js";
import { CliError, EXIT_OK, EXIT_REJECTED, at } from "../errors.js";
import { detach } from "../idLog.js";
import type { CliIo } from "../io.js";
import { loadRubric } from "../loadRubric.js";
import { NearestIds, quoteId, showId } from "../nearestIds.js";
import { fileInput } from "../../io/fileInput.js";
import { openObservationFiles, readObservationFile, type ObservationFile } from "../observations.js";
import { checkRequiredInputs } from "../required.js";
import type { ExplainOptions } from "../options.js";
import { RejectLog } from "../rejects.js";
import { Reporter } from "../report.js";

const COMMAND = "ogmetric explain";

/** The body's row, read. */
interface Found {
  readonly row: number;
  readonly id: string;
  readonly fields: Record<string, string>;
}

/**
 * `ogmetric explain INPUT.csv --id ID` (or `--row N`): the scoring tree of one body, read from
 * its row and its observation rows and scored on the same path as `score` (`BodyScorer` and the
 * observation store); unreadable values show as input issues instead of rejecting the row.
 * @returns 0, or 3 when the body's inputs have issues (the row `score` would reject)
 * @throws CliError when the id is not in the file (naming the nearest ids), is in it twice, or
 *   row N is not a body's row
 */
export async function explain(o: ExplainOptions, io: CliIo): Promise<number> {
  const rubric = loadRubric(o);
  const csvOptions: CsvReadOptions = { encoding: o.encoding, delimiter: o.delimiter };
  const csv = await CsvReader.open(o.input, { ...csvOptions, name: o.input });
  const scorer = new BodyScorer(rubric, { explain: true, decimalComma: o.decimalComma });
  const reporter = new Reporter(io.stderr);
  const store = o.observations.length > 0 ? new ObservationStore(rubric, { decimalComma: o.decimalComma }) : undefined;
  const idColumn = o.map.find(([f]) => f === "id")?.[1];
  let opened: ObservationFile[] = [];
  const issues: Issue[] = [];
  let found: Found | undefined;
  let plan: ColumnPlan;
  try {
    plan = planColumns(o.input, csv.header, {
      command: COMMAND,
      maps: o.map,
      ...rubricLookups(rubric),
      requireId: true,
    });
    for (const warning of plan.warnings) reporter.line(warning);
    if (store) opened = await openObservationFiles(store, o.observations.map(fileInput), csvOptions, idColumn);
    checkRequiredInputs(rubric, plan.valueNodes, opened.map((f) => f.plan.set), o, reporter);
    const header = csv.header;
    const take = (row: readonly string[], rowNo: number) => {
      const fields: [string, string][] = [];
      for (const { field, col } of plan.identity) if (field !== "id") fields.push([field, detach(row[col]!)]);
      for (const col of plan.passthrough) fields.push([header[col]!, detach(row[col]!)]);
      found = { row: rowNo, id: detach(row[plan.idCol]!), fields: Object.fromEntries(fields) };
      scorer.begin();
      plan.valueCols.forEach((col, k) => {
        const node = plan.valueNodes[k]!;
        const cell = detach(row[col]!);
        const code = scorer.give(node, cell);
        if (code !== READ_OK) issues.push(scorer.issue(node, cell, code));
      });
    };
    let lastRow = 1;
    reading: for await (const batch of csv) {
      for (let r = 0; r < batch.rows.length; r++) {
        const row = batch.rows[r]!;
        const rowNo = batch.firstRow + r;
        if (o.row !== undefined) {
          if (rowNo !== o.row) continue;
          checkRow(o.input, rowNo, row, header.length, batch.problems?.get(r)?.message);
          if (row[plan.idCol]!.trim() === "") throw new CliError(`${at(o.input, rowNo, plan.idCol + 1)}the id is empty: not a body's row (score rejects it)`);
          take(row, rowNo);
          break reading;
        }
        if (row.length !== header.length || row[plan.idCol] !== o.id) continue;
        if (found) throw new CliError(`${at(o.input, rowNo, plan.idCol + 1)}id ${quoteId(o.id!)} is used again (first in row ${found.row}); ids must be unique`);
        take(row, rowNo);
      }
      lastRow = batch.firstRow + batch.rows.length - 1;
    }
    if (!found && o.row !== undefined) throw new CliError(`${o.input}: no row ${o.row}; the last row is ${lastRow}${lastRow === 1 ? " (the header)" : ""}`);
  } catch (e) {
    for (const f of opened) f.csv.close();
    throw e;
  } finally {
    csv.close();
  }
  if (!found) {
    for (const f of opened) f.csv.close();
    throw await unknownId(o.input, csvOptions, plan.idCol, o.id!);
  }
  const body: Found = found;

  if (store) {
    // This body's observation rows go through the same store as in `score`; its unreadable
    // ones are reported on stderr.
    const rejects = new RejectLog(undefined, false, reporter);
    for (const f of opened) await readObservationFile(store, f, rejects, reporter, body.id);
    scorer.observe(store, body.id);
  }
  scorer.evaluate();
  const result = scorer.result({ id: body.id, fields: body.fields }, issues);
  if (o.format === "json") io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const shown = roundedWarnings(rubric, result, scorer, o.decimals);
    io.stdout.write(`${o.input}:${body.row}: ${showId(body.id)}\n${formatExplanation(rubric, shown, { lang: o.lang, decimals: o.decimals })}\n`);
  }
  return result.issues.length > 0 ? EXIT_REJECTED : EXIT_OK;
}

/** Refuses a row that is not a body's: unreadable, blank, or with the wrong number of fields. */
function checkRow(file: string, rowNo: number, row: readonly string[], width: number, problem: string | undefined): void {
  if (problem !== undefined) throw new CliError(`${at(file, rowNo)}the row cannot be read: ${problem}`);
  if (row.length === 1 && row[0] === "") throw new CliError(`${at(file, rowNo)}the row is blank`);
  if (row.length !== width) throw new CliError(`${at(file, rowNo)}the row has ${row.length} field${row.length === 1 ? "" : "s"}, the header ${width}: not a body's row (score rejects it)`);
}

/**
 * The error for an id that is not in the file: reads the ids again for the nearest ones
 * (without case and accents, by edit distance; up to 3) and points to `--row`.
 */
async function unknownId(file: string, options: CsvReadOptions, idCol: number, id: string): Promise<CliError> {
  const near = new NearestIds(id);
  const csv = await CsvReader.open(file, { ...options, name: file });
  try {
    for await (const batch of csv) {
      for (let r = 0; r < batch.rows.length; r++) {
        const cell = batch.rows[r]![idCol];
        if (cell !== undefined && cell.trim() !== "") near.offer(cell, batch.firstRow + r);
      }
    }
  } finally {
    csv.close();
  }
  const list = near.list;
  const details =
    list.length === 0
      ? []
      : [`did you mean ${list.map((n) => `${quoteId(n.id)} (row ${n.row})`).join(", ")}? --row ${list[0]!.row} explains the body on that row, however its id is spelled`];
  return new CliError(`${file}: no body with id ${quoteId(id)}`, undefined, details);
}

/**
 * The result as the text shows it: the consistency warnings' figures (the given value, what
 * the subtree gives, their difference and the inputs' precision) rounded to `decimals` like
 * every other figure of the tree. The JSON output keeps the core's full-precision message.
 */
function roundedWarnings(rubric: CompiledRubric, result: BodyScore, scorer: BodyScorer, decimals: number): BodyScore {
  if (result.warnings.length === 0) return result;
  const f = (x: number) => formatFixed(x, decimals);
  const warnings = result.warnings.map((w) => {
    const i = w.code === "inconsistent_input" ? rubric.index.get(w.path) : undefined;
    const node = i === undefined ? undefined : result.nodes[i];
    if (i === undefined || node?.value == null || node.computed == null) return w;
    const from = rubric.nodes[i]!.children.length > 0 ? "children give" : "observations give";
    const precision = scorer.frame.err[i]! + CONSISTENCY_EPSILON;
    return {
      ...w,
      message: `"${node.code}" is given as ${f(node.value)} but its ${from} ${f(node.computed)} (difference ${f(Math.abs(node.value - node.computed))}, beyond the inputs' precision ±${f(precision)})`,
    };
  });
  return { ...result, warnings };
}
