import { formatFixed, resolveState, type CompiledRubric } from "../../index.js";
import { Aggregator, BodyScorer, CONSISTENCY_EPSILON, FLAG_INCONSISTENT, ObservationStore, STATUS_NOT_APPLICABLE, STATUS_SCORED } from "../../engine/index.js";
import { RECORD_BLANK, RECORD_OK, RECORD_PROBLEM, TextPool, type CsvRecordBatch, type CsvRecordReader } from "../../io/csvRecordReader.js";
import type { CsvReadOptions } from "../../io/readCsv.js";
import { openCsvRecords } from "../../io/byteSource.js";
import { CsvWriter, csvText } from "../../io/writeCsv.js";
import { keyColumns, planColumns, rubricLookups, type ColumnPlan } from "../columns.js";
import { CliError, aggregatorLimit, EXIT_OK, EXIT_REJECTED, UsageError, at } from "../errors.js";
import { IdLog, detach, type DuplicateId } from "../idLog.js";
import { NumberText } from "../numberText.js";
import type { CliIo } from "../io.js";
import { loadRubric, scoresTag } from "../loadRubric.js";
import { fileInput } from "../../io/fileInput.js";
import { openObservationFiles, readObservationFile, rejectUnscoredObservations, type ObservationFile } from "../observations.js";
import { splitStats, type ScoreOptions } from "../options.js";
import { RankedRows } from "../rankedRows.js";
import { checkRequiredInputs } from "../required.js";
import { checkOutputs, RunOutputs, type Output } from "../outputs.js";
import { BatchCells, giveRow } from "../giveRow.js";
import { RejectLog, reportAccount, reportRejects } from "../rejects.js";
import { Progress, Reporter, wantProgress } from "../report.js";
import { selectNodes, writeTable } from "../tableOutput.js";

const COMMAND = "ogmetric score";
const FLUSH_AT = 1 << 16;

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
  if (o.columns !== undefined && o.by.length === 0) throw new UsageError(COMMAND, "--columns goes with --by (per-body rows have one value per node)");
  const rubric = loadRubric(o);
  checkOutputs(COMMAND, [o.input, ...o.observations, ...(o.rubric ? [o.rubric] : [])], [
    ["--out", o.out],
    ["--rejects", o.rejects],
  ]);
  const reporter = new Reporter(io.stderr);
  const csvOptions: CsvReadOptions = { encoding: o.encoding, delimiter: o.delimiter };
  const idColumn = o.map.find(([field]) => field === "id")?.[1];
  const codes = rubric.nodes.map((n) => n.code);
  const nodes = selectNodes(COMMAND, codes, o.nodes, (name) => {
    const i = rubric.index.get(name);
    return i === undefined ? undefined : codes[i];
  });

  // Every header first (the input's, then each observation file's): a missing column or a whole
  // observation set left out is found before a single row is read.
  const csv = await openCsvRecords(o.input === "-" ? process.stdin : o.input, { ...csvOptions, name: o.input });
  const outputs = new RunOutputs();
  let opened: ObservationFile[] = [];
  try {
    const plan = planColumns(o.input, csv.header, {
      command: COMMAND,
      maps: o.map,
      ...rubricLookups(rubric),
      requireId: true,
      reserved: ["rubric", "rank", "state_name", "state_code"],
    });
    for (const warning of plan.warnings) reporter.line(warning);
    keyColumns(plan, o.by); // refuses a --by key with no column
    const store = o.observations.length > 0 ? new ObservationStore(rubric, { decimalComma: o.decimalComma }) : undefined;
    if (store) opened = await openObservationFiles(store, o.observations.map(fileInput), csvOptions, idColumn);
    checkRequiredInputs(rubric, plan.valueNodes, opened.map((f) => f.plan.set), o, reporter);

    const out = outputs.open(o.out, io.stdout);
    const rejects = new RejectLog(o.rejects === undefined ? undefined : outputs.open(o.rejects, io.stdout).sink, o.raw, reporter);
    const observationLines: { file: string; dataLines: number; accepted: number }[] = [];
    if (store) for (const f of opened) observationLines.push({ file: f.file, ...(await readObservationFile(store, f, rejects, reporter)) });

    const pass = await scorePass(o, rubric, csv, plan, nodes, store, out, rejects, reporter);

    pass.ids.finish();
    if (pass.ids.duplicateCount > 0) {
      const n = pass.ids.duplicateCount;
      const listed = await withIdTexts(pass.ids.duplicates(10), o.input, csvOptions, plan.idCol);
      const lines = listed.map((h) =>
        h.id === undefined
          ? `${at(o.input, h.row, plan.idCol + 1)}the id of row ${h.first} is used again`
          : `${at(o.input, h.row, plan.idCol + 1)}id ${JSON.stringify(h.id)} is used again (first in row ${h.first})`,
      );
      if (n > 10) lines.push(`... and ${n - 10} more`);
      const written = o.out === undefined || o.out === "-" ? "rows already sent to standard output are incomplete: discard them" : "nothing was written";
      throw new CliError(`${o.input}: ${n} row${n === 1 ? " repeats" : "s repeat"} an earlier id; ids must be unique (${written})`, undefined, lines);
    }
    let unscoredRows = new Map<string, number>();
    if (store) {
      const unused = store.unused();
      if (unused.size > 0) {
        let rows = 0;
        let rejectedBodies = 0;
        const unscored = new Map<string, number | undefined>();
        for (const [id, n] of unused) {
          rows += n;
          const bodyRow = pass.rejectedIds.get(id);
          if (bodyRow !== undefined) rejectedBodies++;
          unscored.set(id, bodyRow);
        }
        const unknown = unused.size - rejectedBodies;
        const parts = [
          ...(rejectedBodies > 0 ? [`${rejectedBodies} bod${rejectedBodies === 1 ? "y" : "ies"} whose row was rejected`] : []),
          ...(unknown > 0 ? [`${unknown} bod${unknown === 1 ? "y" : "ies"} not in ${o.input}`] : []),
        ];
        reporter.line(`${rows} observation row${rows === 1 ? "" : "s"} of ${parts.join(" and ")}; rejected`);
        unscoredRows = await rejectUnscoredObservations(o.observations.map(fileInput), csvOptions, idColumn, unscored, o.input, rejects);
      }
    }

    // A table of some nodes holds just those, in the order asked for (see scorePass).
    const tableNodes = nodes.length < rubric.size ? nodes.map((_, k) => k) : nodes;
    if (pass.aggregator) writeTable(pass.aggregator.result(), out.sink, { ...o, nodes: o.nodes }, reporter, tableNodes);
    else if (pass.ranked) await writeRanked(pass.ranked, out, o);
    reportAccount(reporter, rejects, o.input, pass.dataLines, { count: pass.scored, what: pass.scored === 1 ? "body scored" : "bodies scored" });
    for (const f of observationLines) {
      const used = f.accepted - (unscoredRows.get(f.file) ?? 0);
      reportAccount(reporter, rejects, f.file, f.dataLines, { count: used, what: used === 1 ? "observation used" : "observations used" });
    }
    reportRejects(reporter, rejects, o.rejects);
    if (pass.inconsistent > 0) {
      reporter.line(
        `${pass.inconsistent} bod${pass.inconsistent === 1 ? "y has" : "ies have"} a node given directly that disagrees with its subtree beyond the inputs' precision${pass.inconsistent > reporter.limit ? ` (first ${reporter.limit} shown)` : ""}; the given values were used`,
      );
    }
    await outputs.commit();
    return rejects.count > 0 ? EXIT_REJECTED : EXIT_OK;
  } catch (e) {
    outputs.abort();
    throw aggregatorLimit(e, o.input);
  } finally {
    csv.close();
    for (const f of opened) f.csv.close();
  }
}

interface PassResult {
  readonly scored: number;
  /** Data lines (records after the header) the reader found. */
  readonly dataLines: number;
  readonly inconsistent: number;
  readonly ids: IdLog;
  readonly aggregator: Aggregator | undefined;
  readonly ranked: RankedRows | undefined;
  /** Ids (with observations) whose row was rejected → that row's number. */
  readonly rejectedIds: ReadonlyMap<string, number>;
}

/**
 * The one streaming pass: read, score, write (or aggregate) each row. Cells are read from the
 * reader's bytes: plain decimals go to the scorer as numbers (`giveDecimal`), with no string made
 * for them; every other cell (NA, an ordinal level, a quoted or padded value) as text, through the
 * same reader as everywhere else. Text is decoded only for what is written or grouped.
 */
async function scorePass(
  o: ScoreOptions,
  rubric: CompiledRubric,
  csv: CsvRecordReader,
  plan: ColumnPlan,
  nodes: readonly number[],
  store: ObservationStore | undefined,
  out: Output,
  rejects: RejectLog,
  reporter: Reporter,
): Promise<PassResult> {
  const file = o.input;
  const header = csv.header;
  const { idCol, valueCols, valueNodes } = plan;
  const nValues = valueCols.length;
  const perBody = o.by.length === 0;
  const format = o.format;
  const scorer = new BodyScorer(rubric, { explain: format !== "csv" && perBody, decimalComma: o.decimalComma });
  const cells = new BatchCells();
  const frame = scorer.frame;
  const { value, status, flags } = frame;
  const ids = new IdLog();
  const idBytes = new Int32Array(2);
  const raw = o.raw;
  const round = o.round;
  const rejectedIds = new Map<string, number>();
  const needId = perBody || store !== undefined;

  // Per-body output: identity fields (with the canonical state beside the raw one), carried
  // columns, rubric, then the nodes asked for (every node by default) in tree order.
  const stateAt = plan.identity.findIndex((f) => f.field === "state");
  const outCols = [...plan.identity.map((f) => f.col), ...plan.passthrough];
  const outNames = [...plan.identity.map((f) => f.field), ...plan.passthrough.map((c) => header[c]!)];
  if (stateAt >= 0) outNames.splice(stateAt + 1, 0, "state_name", "state_code");
  const states = stateAt >= 0 ? new StateNames() : undefined;
  const tag = `,${csvText(scoresTag(rubric), raw, 44)}`;
  const jsonFields = plan.identity.filter((f) => f.field !== "id").map((f) => [f.field, f.col] as const).concat(plan.passthrough.map((c) => [header[c]!, c] as const));
  const sink = out.sink;
  const numbers = new NumberText(nodes.length);
  const rankedOutput = perBody && (o.rank || o.order === "value" || o.order === "-value");
  const ranked = rankedOutput ? new RankedRows() : undefined;
  const lead = nodes[0]!;
  let aggregator: Aggregator | undefined;
  // A table of some nodes (--nodes) aggregates only those: their values are gathered per body, so
  // medians keep values of the nodes asked for, not of every node.
  const some = nodes.length < rubric.size;
  const someValue = new Float64Array(some ? nodes.length : 0);
  const someStatus = new Uint8Array(some ? nodes.length : 0);
  // Grouping fields read with one shared string per distinct value (a state, a type).
  let batch: CsvRecordBatch | undefined;
  let row = 0;
  const pools = new Map<number, TextPool>();
  const fieldCols = plan.fieldCols;
  const field = (name: string): string | undefined => {
    const c = fieldCols.get(name);
    if (c === undefined) return undefined;
    let pool = pools.get(c);
    if (!pool) pools.set(c, (pool = new TextPool()));
    return batch!.text(row, c, pool);
  };
  if (perBody) {
    const names = ranked ? ["rank", ...outNames] : outNames;
    if (format === "csv") new CsvWriter(sink, { raw }).writeRow([...names, "rubric", ...nodes.map((j) => rubric.nodes[j]!.code)]);
    else if (format === "json" && !ranked) sink.write("[");
  } else {
    const { names, quantiles } = splitStats(o.stats);
    aggregator = new Aggregator(nodes.map((j) => rubric.nodes[j]!.code), {
      by: o.by,
      stats: ["n", "mean", ...names],
      quantiles,
      ...(o.weight !== undefined ? { weight: o.weight } : {}),
      order: o.order === "key" ? "key" : "first_seen",
      source: file,
    });
  }

  const progress = wantProgress(o.progress, reporter.stream, csv.totalBytes) ? new Progress(reporter.stream, file, csv.totalBytes!) : undefined;
  reporter.progress = progress;
  let scored = 0;
  let inconsistent = 0;
  let reserved = false;
  let lastYield = performance.now();

  for await (const b of csv) {
    batch = b;
    if (!reserved && csv.totalBytes !== undefined && csv.bytesRead > 0 && b.length > 0) {
      // Size the duplicate-id table once for the whole file, from the rows per byte seen so far.
      ids.reserve(Math.ceil((csv.totalBytes / csv.bytesRead) * (b.firstRow + b.length)));
      reserved = true;
    }
    for (let r = 0; r < b.length; r++) {
      // Let the event loop in every 50 ms or so (a signal, a progress redraw): a batch holds a
      // MiB of rows, which per-body output on a slow machine takes seconds to write.
      if ((r & 63) === 63 && performance.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      row = r;
      const rowNo = b.firstRow + r;
      const st = b.status(r);
      if (st === RECORD_BLANK) {
        rejects.blank(file);
        continue;
      }
      if (st === RECORD_PROBLEM) {
        const p = b.problem(r)!;
        rejects.add(file, rowNo, p.column, p.column ? (header[p.column - 1] ?? "") : "", p.code, p.message, b.raw(r));
        if (store !== undefined && b.fieldCount(r) > idCol) noteRejected(b.text(r, idCol), rowNo);
        continue;
      }
      const idBuf = b.fieldBytes(r, idCol, idBytes);
      let id = "";
      if (needId || idBytes[1]! - idBytes[0]! === 0 || idBuf[idBytes[0]!]! <= 32 || idBuf[idBytes[1]! - 1]! <= 32) {
        id = b.text(r, idCol);
        if (id.length === 0 || ((id.charCodeAt(0) <= 32 || id.charCodeAt(id.length - 1) <= 32) && id.trim() === "")) {
          rejects.add(file, rowNo, idCol + 1, header[idCol]!, "missing_id", "the id is empty", b.raw(r));
          continue;
        }
      }

      scorer.begin();
      const bad = giveRow(scorer, header, cells.at(b, r), valueCols, valueNodes);
      if (bad !== undefined) {
        rejects.add(file, rowNo, bad.col + 1, header[bad.col]!, bad.code, bad.reasons, b.raw(r));
        if (store !== undefined) noteRejected(id, rowNo);
        continue;
      }
      if (store !== undefined) scorer.observe(store, id);
      scorer.evaluate();
      scored++;
      if (needId) ids.add(id, rowNo);
      else ids.addField(b, r, idCol, rowNo);

      for (let k = 0; k < nValues; k++) {
        const node = valueNodes[k]!;
        if ((flags[node]! & FLAG_INCONSISTENT) === 0) continue;
        inconsistent++;
        const internal = rubric.nodes[node]!.children.length > 0;
        reporter.limited(
          "inconsistent",
          `${at(file, rowNo, valueCols[k]! + 1)}warning: column ${JSON.stringify(header[valueCols[k]!])} gives ${rubric.nodes[node]!.code} = ${value[node]} but its ${internal ? "children give" : "observations give"} ${frame.computed[node]} (beyond the inputs' precision ±${(frame.err[node]! + CONSISTENCY_EPSILON).toPrecision(2)})`,
        );
        break;
      }

      if (aggregator !== undefined) {
        if (some) {
          for (let k = 0; k < nodes.length; k++) {
            someValue[k] = value[nodes[k]!]!;
            someStatus[k] = status[nodes[k]!]!;
          }
          aggregator.add(field, someValue, someStatus, rowNo);
        } else aggregator.add(field, value, status, rowNo);
        continue;
      }
      let line: string;
      if (format === "csv") {
        line = "";
        for (let c = 0; c < outCols.length; c++) {
          if (c > 0) line += ",";
          const cell = b.text(r, outCols[c]!);
          line += csvText(cell, raw, 44);
          if (c === stateAt) {
            const named = states!.resolve(cell);
            line += `,${csvText(named.name, raw, 44)},${named.code}`;
          }
        }
        line += tag;
        for (let k = 0; k < nodes.length; k++) {
          const j = nodes[k]!;
          const s = status[j];
          if (s === STATUS_SCORED) line += round === undefined ? `,${numbers.text(k, value[j]!)}` : `,${formatFixed(value[j]!, round)}`;
          else if (s === STATUS_NOT_APPLICABLE) line += ",NA";
          else line += ",";
        }
        line += "\n";
      } else {
        const fields: Record<string, string> = Object.create(null);
        for (const [name, c] of jsonFields) fields[name] = b.text(r, c);
        if (states !== undefined) {
          const named = states.resolve(b.text(r, outCols[stateAt]!));
          fields.state_name = named.name;
          fields.state_code = named.code;
        }
        const body = scorer.result({ id, fields }, []);
        line = JSON.stringify(nodes.length === rubric.size ? body : { ...body, nodes: nodes.map((j) => body.nodes[j]!) });
        line = format === "json" && !ranked ? `${scored === 1 ? "\n" : ",\n"}${line}` : `${line}\n`;
      }
      if (ranked) ranked.add(status[lead] === STATUS_SCORED ? value[lead]! : null, line);
      else sink.write(line);
    }
    progress?.update(csv.bytesRead, csv.rowsRead);
    if (sink.buffered > FLUSH_AT) await sink.flush();
    await rejects.flush();
  }
  progress?.clear();
  reporter.progress = undefined;
  if (perBody && format === "json" && !ranked) sink.write(scored === 0 ? "]\n" : "\n]\n");
  const hidden = reporter.hidden("inconsistent");
  if (hidden > 0) reporter.line(`... and ${hidden} more consistency warning${hidden === 1 ? "" : "s"}`);
  states?.report(reporter, file);
  return { scored, dataLines: csv.counts.rows, inconsistent, ids, aggregator, ranked, rejectedIds };

  function noteRejected(id: string, rowNo: number): void {
    if (store !== undefined && store.has(id) && !rejectedIds.has(id)) rejectedIds.set(detach(id), rowNo);
  }
}

/** Resolves after the event loop has run once (its timers, I/O and signal handlers). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Writes ranked per-body lines: `rank` first (CSV column, JSON property), in the order asked. */
async function writeRanked(ranked: RankedRows, out: Output, o: ScoreOptions): Promise<void> {
  const json = o.format === "json";
  let first = true;
  if (json) out.sink.write("[");
  await ranked.writeTo(out.sink, {
    order: o.order === "value" || o.order === "-value" ? o.order : "input",
    decimals: o.round,
    prefix: (rank, line) => {
      const r = rank === null ? "" : String(rank);
      if (o.format === "csv") return `${r},${line}`;
      const obj = `{"rank":${rank === null ? "null" : r},${line.slice(1)}`;
      if (!json) return obj;
      const text = `${first ? "\n" : ",\n"}${obj.slice(0, -1)}`;
      first = false;
      return text;
    },
  });
  if (json) out.sink.write(first ? "]\n" : "\n]\n");
}

/**
 * Canonical state names and INEGI codes for per-body output, resolved once per spelling (at most
 * 10,000 spellings are remembered); unknown spellings are counted and the first few reported.
 */
class StateNames {
  readonly #cache = new Map<string, { name: string; code: string }>();
  readonly #unknown = new Map<string, number>();

  resolve(raw: string): { name: string; code: string } {
    let hit = this.#cache.get(raw);
    if (hit) return hit;
    const r = resolveState(raw);
    hit = r.ok ? { name: r.state.name, code: r.state.code } : { name: "", code: "" };
    if (!r.ok && raw.trim() !== "") this.#unknown.set(raw, (this.#unknown.get(raw) ?? 0) + 1);
    if (this.#cache.size < 10_000) this.#cache.set(detach(raw), hit);
    return hit;
  }

  report(reporter: Reporter, file: string): void {
    if (this.#unknown.size === 0) return;
    const shown = [...this.#unknown.keys()].slice(0, 10).map((s) => JSON.stringify(s)).join(", ");
    reporter.line(`${file}: warning: ${this.#unknown.size} state spelling${this.#unknown.size === 1 ? "" : "s"} not recognised (${shown}${this.#unknown.size > 10 ? ", ..." : ""}); state_name and state_code are empty for them`);
  }
}

/**
 * The id text of repeats found only when the duplicate-id log merged its spilled runs: read back
 * from the file (only when some are listed without it; not possible on standard input).
 */
async function withIdTexts(listed: readonly DuplicateId[], input: string, options: CsvReadOptions, idCol: number): Promise<DuplicateId[]> {
  const wanted = new Set(listed.filter((d) => d.id === undefined).map((d) => d.row));
  if (wanted.size === 0 || input === "-") return [...listed];
  const texts = new Map<number, string>();
  const csv = await openCsvRecords(input, { ...options, name: input });
  try {
    for await (const b of csv) {
      for (let r = 0; r < b.length; r++) if (wanted.has(b.row(r)) && b.status(r) === RECORD_OK) texts.set(b.row(r), b.text(r, idCol));
      if (texts.size === wanted.size) break;
    }
  } finally {
    csv.close();
  }
  return listed.map((d) => (d.id === undefined && texts.has(d.row) ? { ...d, id: texts.get(d.row)! } : d));
}
