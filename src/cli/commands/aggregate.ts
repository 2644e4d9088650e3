import type { CompiledRubric } from "../../index.js";
import {
  Aggregator,
  READ_OK,
  STATUS_MISSING,
  STATUS_NOT_APPLICABLE,
  STATUS_SCORED,
  VALUE_NOT_APPLICABLE,
  VALUE_PRESENT,
  createReadSlot,
  readScore,
} from "../../engine/index.js";
import { describeValue } from "../../issue.js";
import { DECIMAL_EMPTY, DECIMAL_PLAIN, RECORD_BLANK, RECORD_PROBLEM, TextPool, createDecimalSlot, type CsvRecordBatch } from "../../io/csvRecordReader.js";
import { openCsvRecords } from "../../io/byteSource.js";
import { keyColumns, planColumns } from "../columns.js";
import { CliError, aggregatorLimit, EXIT_OK, EXIT_REJECTED, at } from "../errors.js";
import { detach } from "../idLog.js";
import type { CliIo } from "../io.js";
import { loadRubric, scoresTag } from "../loadRubric.js";
import { splitStats, type AggregateOptions } from "../options.js";
import { checkOutputs, RunOutputs } from "../outputs.js";
import { RejectLog, reportAccount, reportRejects } from "../rejects.js";
import { Progress, Reporter, wantProgress } from "../report.js";
import { selectNodes, writeTable } from "../tableOutput.js";

const COMMAND = "ogmetric aggregate";

/**
 * `ogmetric aggregate SCORES.csv`: group statistics of a scores file, national without --by.
 *
 * Node columns are the columns after the `rubric` column (the layout `score` writes), or, with
 * --edition/--rubric, the columns named by a node code or alias. A cell is a score in [0, 1],
 * `NA` (not applicable) or empty (missing); anything else rejects the row.
 * @returns 0, or 3 when rows were rejected
 */
export async function aggregateCommand(o: AggregateOptions, io: CliIo): Promise<number> {
  const rubric: CompiledRubric | undefined = o.edition !== undefined || o.rubric !== undefined ? loadRubric(o) : undefined;
  checkOutputs(COMMAND, [o.input, ...(o.rubric ? [o.rubric] : [])], [
    ["--out", o.out],
    ["--rejects", o.rejects],
  ]);
  const reporter = new Reporter(io.stderr);
  const csv = await openCsvRecords(o.input === "-" ? process.stdin : o.input, { encoding: o.encoding, delimiter: o.delimiter, name: o.input });
  const outputs = new RunOutputs();
  try {
    const header = csv.header;
    const rubricCol = header.indexOf("rubric");
    if (rubric === undefined && rubricCol < 0) {
      throw new CliError(`${at(o.input, 1)}no "rubric" column, so the node columns are unknown: aggregate a file written by "ogmetric score", or give --edition or --rubric`);
    }
    // Node columns → positions in the table, in rubric (or file) order.
    let codes: string[];
    let nodeOf: (name: string, col: number) => number | undefined;
    if (rubric) {
      const present = new Set(header.map((h) => rubric.index.get(h)).filter((i): i is number => i !== undefined));
      const order = [...present].sort((a, b) => a - b);
      const position = new Map(order.map((node, p) => [node, p]));
      codes = order.map((i) => rubric.nodes[i]!.code);
      nodeOf = (name) => {
        const node = rubric.index.get(name);
        return node === undefined ? undefined : position.get(node);
      };
    } else {
      codes = header.slice(rubricCol + 1);
      nodeOf = (_name, col) => (col > rubricCol ? col - rubricCol - 1 : undefined);
    }
    const plan = planColumns(o.input, header, {
      command: COMMAND,
      maps: o.map,
      nodeOf,
      ...(rubric ? { nodeOfField: (field: string) => nodeOf(field, -1), nodeName: (p: number) => codes[p]! } : {}),
      requireId: false,
    });
    if (plan.valueCols.length === 0) throw new CliError(`${at(o.input, 1)}no node columns to aggregate`);
    for (const warning of plan.warnings) reporter.line(warning);
    keyColumns(plan, o.by); // refuses a --by key with no column
    const nodes = selectNodes(COMMAND, codes, o.nodes, (name) => {
      if (!rubric) return name;
      const i = rubric.index.get(name);
      return i === undefined ? undefined : rubric.nodes[i]!.code;
    });
    const out = outputs.open(o.out, io.stdout);
    const rejects = new RejectLog(o.rejects === undefined ? undefined : outputs.open(o.rejects, io.stdout).sink, o.raw, reporter);

    const { names, quantiles } = splitStats(o.stats);
    const aggregator = new Aggregator(codes, {
      by: o.by,
      stats: ["n", "mean", ...names],
      quantiles,
      ...(o.weight !== undefined ? { weight: o.weight } : {}),
      order: o.order === "key" ? "key" : "first_seen",
      source: o.input,
    });
    const values = new Float64Array(codes.length);
    const slot = createReadSlot();
    const status = new Uint8Array(codes.length);
    const { valueCols, valueNodes } = plan;
    let tag = rubric ? scoresTag(rubric) : undefined;
    // Grouping fields read with one shared string per distinct value (a state, a type).
    let batch: CsvRecordBatch | undefined;
    let row = 0;
    const pools = new Map<number, TextPool>();
    const field = (name: string): string | undefined => {
      const c = plan.fieldCols.get(name);
      if (c === undefined) return undefined;
      let pool = pools.get(c);
      if (!pool) pools.set(c, (pool = new TextPool()));
      return batch!.text(row, c, pool);
    };
    const tags = new TextPool(16);
    const decimal = createDecimalSlot();
    const progress = wantProgress(o.progress, reporter.stream, csv.totalBytes) ? new Progress(reporter.stream, o.input, csv.totalBytes!) : undefined;
    reporter.progress = progress;
    let bodies = 0;

    for await (const b of csv) {
      batch = b;
      for (let r = 0; r < b.length; r++) {
        row = r;
        const rowNo = b.row(r);
        const st = b.status(r);
        if (st === RECORD_BLANK) {
          rejects.blank(o.input);
          continue;
        }
        if (st === RECORD_PROBLEM) {
          const p = b.problem(r)!;
          rejects.add(o.input, rowNo, p.column, p.column ? (header[p.column - 1] ?? "") : "", p.code, p.message, b.raw(r));
          continue;
        }
        if (rubricCol >= 0) {
          const t = b.text(r, rubricCol, tags);
          if (tag === undefined) tag = detach(t);
          else if (t !== tag) {
            throw new CliError(`${at(o.input, rowNo, rubricCol + 1)}rubric ${JSON.stringify(t)} differs from ${JSON.stringify(tag)}${rubric ? " (the rubric given)" : " (the first row's)"}: aggregate scores of one rubric at a time`);
          }
        }
        status.fill(STATUS_MISSING);
        let reasons: string | undefined;
        let badCol = -1;
        for (let k = 0; k < valueCols.length; k++) {
          const col = valueCols[k]!;
          const j = valueNodes[k]!;
          const d = b.decimal(r, col, decimal);
          if (d === DECIMAL_EMPTY) continue;
          // A plain decimal is a score when it lies in [0, 1]; anything else takes the core's reader.
          if (d === DECIMAL_PLAIN && decimal.value >= 0 && decimal.value <= 1) {
            values[j] = decimal.value;
            status[j] = STATUS_SCORED;
            continue;
          }
          const cell = b.text(r, col);
          if (readScore(cell, slot) !== READ_OK) {
            reasons = `${reasons === undefined ? "" : `${reasons}; `}column ${JSON.stringify(header[col])}: expected a score from 0 to 1, NA or an empty cell, found ${describeValue(cell)}`;
            if (badCol < 0) badCol = col;
          } else if (slot.kind === VALUE_PRESENT) {
            values[j] = slot.value;
            status[j] = STATUS_SCORED;
          } else if (slot.kind === VALUE_NOT_APPLICABLE) {
            status[j] = STATUS_NOT_APPLICABLE;
          }
        }
        if (reasons !== undefined) {
          rejects.add(o.input, rowNo, badCol + 1, header[badCol]!, "invalid_score", reasons, b.raw(r));
          continue;
        }
        aggregator.add(field, values, status, rowNo);
        bodies++;
      }
      progress?.update(csv.bytesRead, csv.rowsRead);
      await rejects.flush();
    }
    progress?.clear();
    reporter.progress = undefined;

    writeTable(aggregator.result(), out.sink, o, reporter, nodes);
    reportAccount(reporter, rejects, o.input, csv.counts.rows, { count: bodies, what: bodies === 1 ? "body aggregated" : "bodies aggregated" });
    reportRejects(reporter, rejects, o.rejects);
    await outputs.commit();
    return rejects.count > 0 ? EXIT_REJECTED : EXIT_OK;
  } catch (e) {
    outputs.abort();
    throw aggregatorLimit(e, o.input);
  } finally {
    csv.close();
  }
}
