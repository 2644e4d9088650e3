import { formatFixed, resolveState, type CompiledRubric } from "../../index.js";
import { Aggregator, BodyScorer, CONSISTENCY_EPSILON, FLAG_INCONSISTENT, ObservationStore, STATUS_NOT_APPLICABLE, STATUS_SCORED } from "../../engine/index.js";
import { CsvReader, type CsvReadOptions } from "../../io/readCsv.js";
import { CsvWriter, csvText } from "../../io/writeCsv.js";
import { keyColumns, planColumns, rubricLookups, type ColumnPlan } from "../columns.js";
import { CliError, EXIT_OK, EXIT_REJECTED, UsageError, at } from "../errors.js";
import { IdLog, detach } from "../idLog.js";
import { NumberText } from "../numberText.js";
import type { CliIo } from "../io.js";
import { loadRubric, scoresTag } from "../loadRubric.js";
import { openObservationFiles, readObservationFile, rejectUnscoredObservations, type ObservationFile } from "../observations.js";
import { splitStats, type ScoreOptions } from "../options.js";
import { RankedRows } from "../rankedRows.js";
import { checkRequiredInputs } from "../required.js";
import { checkOutputs, RunOutputs, type Output } from "../outputs.js";
import { giveRow } from "../giveRow.js";
import { RejectLog, recordText, reportAccount, reportRejects } from "../rejects.js";
import { Progress, Reporter, wantProgress } from "../report.js";
import { selectNodes, writeTable } from "../tableOutput.js";

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
  const csv = await CsvReader.open(o.input, { ...csvOptions, name: o.input });
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
    if (store) opened = await openObservationFiles(store, o.observations, csvOptions, idColumn);
    checkRequiredInputs(rubric, plan.valueNodes, opened.map((f) => f.plan.set), o, reporter);

    const out = outputs.open(o.out, io.stdout);
    const rejects = new RejectLog(o.rejects === undefined ? undefined : outputs.open(o.rejects, io.stdout).sink, o.raw, reporter);
    const observationLines: { file: string; dataLines: number; accepted: number }[] = [];
    if (store) for (const f of opened) observationLines.push({ file: f.file, ...(await readObservationFile(store, f, rejects, reporter)) });

    const pass = await scorePass(o, rubric, csv, plan, nodes, store, out, rejects, reporter);

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
        unscoredRows = await rejectUnscoredObservations(o.observations, csvOptions, idColumn, unscored, o.input, rejects);
      }
    }

    if (pass.aggregator) writeTable(pass.aggregator.result(), out.sink, { ...o, nodes: o.nodes }, reporter, nodes);
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
    throw e;
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

/** The one streaming pass: read, score, write (or aggregate) each row. */
async function scorePass(
  o: ScoreOptions,
  rubric: CompiledRubric,
  csv: CsvReader,
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
  const frame = scorer.frame;
  const { value, status, flags } = frame;
  const ids = new IdLog();
  const delimiter = csv.delimiter;
  const raw = o.raw;
  const round = o.round;
  const rejectedIds = new Map<string, number>();
  const noteRejected = (row: readonly string[], rowNo: number) => {
    const id = row[idCol];
    if (store !== undefined && id !== undefined && store.has(id) && !rejectedIds.has(id)) rejectedIds.set(detach(id), rowNo);
  };

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
  let current: readonly string[] = [];
  const fieldCols = plan.fieldCols;
  const field = (name: string): string | undefined => {
    const c = fieldCols.get(name);
    return c === undefined ? undefined : current[c];
  };
  if (perBody) {
    const names = ranked ? ["rank", ...outNames] : outNames;
    if (format === "csv") new CsvWriter(sink, { raw }).writeRow([...names, "rubric", ...nodes.map((j) => rubric.nodes[j]!.code)]);
    else if (format === "json" && !ranked) sink.write("[");
  } else {
    const { names, quantiles } = splitStats(o.stats);
    aggregator = new Aggregator(rubric.nodes.map((n) => n.code), {
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
  let lastRow = 1;

  for await (const batch of csv) {
    const { rows, firstRow, problems } = batch;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const rowNo = firstRow + r;
      if (!rejects.screen(file, rowNo, row, problems?.get(r), header, delimiter)) {
        noteRejected(row, rowNo);
        continue;
      }
      const id = row[idCol]!;
      if (id.length === 0 || ((id.charCodeAt(0) <= 32 || id.charCodeAt(id.length - 1) <= 32) && id.trim() === "")) {
        rejects.add(file, rowNo, idCol + 1, header[idCol]!, "missing_id", "the id is empty", recordText(row, delimiter));
        continue;
      }

      scorer.begin();
      const bad = giveRow(scorer, header, row, valueCols, valueNodes);
      if (bad !== undefined) {
        rejects.add(file, rowNo, bad.col + 1, header[bad.col]!, bad.code, bad.reasons, recordText(row, delimiter));
        noteRejected(row, rowNo);
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
          `${at(file, rowNo, valueCols[k]! + 1)}warning: column ${JSON.stringify(header[valueCols[k]!])} gives ${rubric.nodes[node]!.code} = ${value[node]} but its ${internal ? "children give" : "observations give"} ${frame.computed[node]} (beyond the inputs' precision ±${(frame.err[node]! + CONSISTENCY_EPSILON).toPrecision(2)})`,
        );
        break;
      }

      if (aggregator !== undefined) {
        current = row;
        aggregator.add(field, value, status, rowNo);
        continue;
      }
      let line: string;
      if (format === "csv") {
        line = "";
        for (let c = 0; c < outCols.length; c++) {
          if (c > 0) line += ",";
          const cell = row[outCols[c]!]!;
          line += csvText(cell, raw, 44);
          if (c === stateAt) {
            const st = states!.resolve(cell);
            line += `,${csvText(st.name, raw, 44)},${st.code}`;
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
        for (const [name, c] of jsonFields) fields[name] = row[c]!;
        if (states !== undefined) {
          const st = states.resolve(row[outCols[stateAt]!]!);
          fields.state_name = st.name;
          fields.state_code = st.code;
        }
        const body = scorer.result({ id, fields }, []);
        line = JSON.stringify(nodes.length === rubric.size ? body : { ...body, nodes: nodes.map((j) => body.nodes[j]!) });
        line = format === "json" && !ranked ? `${scored === 1 ? "\n" : ",\n"}${line}` : `${line}\n`;
      }
      if (ranked) ranked.add(status[lead] === STATUS_SCORED ? value[lead]! : null, line);
      else sink.write(line);
    }
    lastRow = firstRow + rows.length - 1;
    progress?.update(csv.bytesRead, lastRow);
    if (sink.buffered > FLUSH_AT) await sink.flush();
    await rejects.flush();
  }
  progress?.clear();
  reporter.progress = undefined;
  if (perBody && format === "json" && !ranked) sink.write(scored === 0 ? "]\n" : "\n]\n");
  const hidden = reporter.hidden("inconsistent");
  if (hidden > 0) reporter.line(`... and ${hidden} more consistency warning${hidden === 1 ? "" : "s"}`);
  states?.report(reporter, file);
  return { scored, dataLines: lastRow - 1, inconsistent, ids, aggregator, ranked, rejectedIds };
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
