import { BodyScorer, ObservationStore, READ_OK } from "../engine/index.js";
import type { CsvReadOptions } from "../io/csvRecordReader.js";
import type { CsvInput, CsvRows } from "../io/csvInput.js";
import { CliError, at } from "./errors.js";
import { cellReason, recordText, type RejectLog } from "./rejects.js";
import type { Reporter } from "./report.js";

/** How an observations file's columns are used. */
export interface ObservationPlan {
  readonly file: string;
  readonly set: number;
  readonly idCol: number;
  /** Columns of the set's leaves present in the file, and the leaf node of each. */
  readonly cols: Int32Array;
  readonly nodes: Int32Array;
  /** Leaves of the set that have no column (missing in every row). */
  readonly absent: readonly number[];
}

/**
 * Works out an observations file's columns: `id` (or the column `--map id=` names), one column
 * per per-observation leaf of one observation set (by code or alias); other columns are ignored.
 * @throws CliError for a missing id column, no leaf column, leaves of two sets, or a column that
 *   names a node that is not fed by observations
 */
function planObservations(file: string, header: readonly string[], store: ObservationStore, idColumn: string | undefined): ObservationPlan {
  const rubric = store.rubric;
  let idCol = header.indexOf("id");
  if (idColumn !== undefined && header.includes(idColumn)) idCol = header.indexOf(idColumn);
  if (idCol < 0) {
    throw new CliError(`${at(file, 1)}no "id" column naming the body of each observation${idColumn !== undefined ? ` (nor ${JSON.stringify(idColumn)} from --map id=)` : ""}`);
  }
  let set = -1;
  const cols: number[] = [];
  const nodes: number[] = [];
  const setList = () => rubric.observationSets.map((o) => `${o.id}: ${o.leaves.map((l) => rubric.nodes[l]!.code).join(", ")}`).join("; ");
  header.forEach((name, col) => {
    if (col === idCol) return;
    const node = rubric.index.get(name);
    if (node === undefined) return;
    const s = store.setOf(node);
    if (s < 0) {
      throw new CliError(
        `${at(file, 1, col + 1)}column ${JSON.stringify(name)} is a node that observations do not feed; an observations file has one column per observation for the leaves of one set (${setList() || "this rubric has none"})`,
      );
    }
    if (set >= 0 && s !== set) {
      throw new CliError(
        `${at(file, 1, col + 1)}column ${JSON.stringify(name)} belongs to observation set "${rubric.observationSets[s]!.id}", but earlier columns to "${rubric.observationSets[set]!.id}"; give each set its own file`,
      );
    }
    if (nodes.includes(node)) {
      throw new CliError(`${at(file, 1, col + 1)}column ${JSON.stringify(name)} gives leaf "${rubric.nodes[node]!.code}" a second time`);
    }
    set = s;
    cols.push(col);
    nodes.push(node);
  });
  if (set < 0) {
    const leaves = rubric.observationSets.flatMap((o) => o.leaves.map((l) => rubric.nodes[l]!.code));
    throw new CliError(`${at(file, 1)}no column for a per-observation leaf (${leaves.join(", ") || `${rubric.id} has none`})`);
  }
  const absent = rubric.observationSets[set]!.leaves.filter((l) => !nodes.includes(l));
  return { file, set, idCol, cols: Int32Array.from(cols), nodes: Int32Array.from(nodes), absent };
}

/** An observations file whose header has been read and planned. */
export interface ObservationFile {
  readonly file: string;
  readonly csv: CsvRows;
  readonly plan: ObservationPlan;
}

/**
 * Opens an observations file and works out its columns (before any row is read, so that a run
 * can check its inputs first).
 * @throws CliError for an unusable header (see `planObservations`)
 */
export async function openObservationFile(store: ObservationStore, input: CsvInput, csvOptions: CsvReadOptions, idColumn: string | undefined): Promise<ObservationFile> {
  const file = input.name;
  const csv = await input.open(csvOptions);
  try {
    return { file, csv, plan: planObservations(file, csv.header, store, idColumn) };
  } catch (e) {
    csv.close();
    throw e;
  }
}

/**
 * Opens every observations file of a run: refuses one given twice (the same file under two
 * names counts too), and returns them with the set each one feeds.
 * @throws CliError for a file given twice or an unusable header
 */
export async function openObservationFiles(store: ObservationStore, files: readonly CsvInput[], csvOptions: CsvReadOptions, idColumn: string | undefined): Promise<ObservationFile[]> {
  files.forEach((file, i) => {
    const twin = files.findIndex((other, j) => j < i && other.sameAs(file));
    if (twin >= 0) throw new CliError(`--observations ${file.name}: the same file as --observations ${files[twin]!.name}; giving it twice would count every observation twice`);
  });
  const opened: ObservationFile[] = [];
  try {
    for (const file of files) opened.push(await openObservationFile(store, file, csvOptions, idColumn));
  } catch (e) {
    for (const o of opened) o.csv.close();
    throw e;
  }
  return opened;
}

/**
 * Reads one observations file into the core's observation store (the same accumulation
 * `scoreBody` uses). A row whose value cannot be read still counts as an observation of the body,
 * with that value missing, and goes to the rejects.
 * @param only - read only the rows of this body (for `explain`)
 * @param onRow - called with each row counted as an observation (after the store took it), for
 *   readers that keep the rows themselves (`readBodies`)
 */
export async function readObservationFile(
  store: ObservationStore,
  opened: ObservationFile,
  rejects: RejectLog,
  reporter: Reporter,
  only?: string,
  onRow?: (id: string, row: readonly string[], plan: ObservationPlan) => void,
): Promise<{ readonly dataLines: number; readonly accepted: number }> {
  const rubric = store.rubric;
  const { csv, plan, file } = opened;
  let lastRow = 1;
  let accepted = 0;
  try {
    if (plan.absent.length > 0) {
      const names = plan.absent.map((n) => rubric.nodes[n]!.code).join(", ");
      reporter.line(`${file}: warning: no column for ${names}; every observation in this file counts as missing for ${plan.absent.length === 1 ? "it" : "them"}`);
    }
    const scorer = new BodyScorer(rubric);
    for await (const batch of csv) {
      const { rows, firstRow, problems } = batch;
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const rowNo = firstRow + r;
        if (only !== undefined && row[plan.idCol] !== only) continue;
        if (!rejects.screen(file, rowNo, row, problems?.get(r), csv.header, csv.delimiter)) continue;
        const id = row[plan.idCol]!;
        if (id.trim() === "") {
          rejects.add(file, rowNo, plan.idCol + 1, csv.header[plan.idCol]!, "missing_id", "the id is empty: the observation names no body", recordText(row, csv.delimiter));
          continue;
        }
        store.beginRow(id, plan.set);
        accepted++;
        let reasons: string | undefined;
        let firstBad = -1;
        for (let k = 0; k < plan.cols.length; k++) {
          const col = plan.cols[k]!;
          const node = plan.nodes[k]!;
          const raw = row[col]!;
          const code = store.cell(node, raw);
          if (code !== READ_OK) {
            reasons = `${reasons ? `${reasons}; ` : ""}${cellReason(JSON.stringify(csv.header[col]), scorer.issue(node, raw, code, true))}`;
            if (firstBad < 0) firstBad = col;
          }
        }
        store.endRow();
        onRow?.(id, row, plan);
        if (reasons !== undefined) {
          rejects.add(file, rowNo, firstBad + 1, csv.header[firstBad]!, "invalid_value", `${reasons} (counted as a missing observation of the body)`, recordText(row, csv.delimiter), true);
        }
      }
      lastRow = firstRow + rows.length - 1;
      await rejects.flush();
    }
  } finally {
    csv.close();
  }
  return { dataLines: lastRow - 1, accepted };
}

/**
 * Writes the observation rows of bodies that were not scored to the rejects, each with its reason:
 * the body's own row was rejected (`body_rejected`, with that row's number), or no row of the
 * main input has the id (`unknown_body`). A second, streaming pass over the observation files,
 * done only when there are such rows.
 * @param unscored - id → the main input's row that was rejected for it, or undefined when no row has the id
 * @returns rows rejected, per file
 */
export async function rejectUnscoredObservations(
  files: readonly CsvInput[],
  csvOptions: CsvReadOptions,
  idColumn: string | undefined,
  unscored: ReadonlyMap<string, number | undefined>,
  input: string,
  rejects: RejectLog,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const observations of files) {
    const file = observations.name;
    const csv = await observations.open(csvOptions);
    try {
      let idCol = csv.header.indexOf("id");
      if (idColumn !== undefined && csv.header.includes(idColumn)) idCol = csv.header.indexOf(idColumn);
      for await (const batch of csv) {
        batch.rows.forEach((row, r) => {
          if (batch.problems?.has(r) || row.length !== csv.header.length) return;
          const id = row[idCol]!;
          if (!unscored.has(id)) return;
          const bodyRow = unscored.get(id);
          const [code, reason] =
            bodyRow === undefined
              ? ["unknown_body", `no body with id ${JSON.stringify(id)} in ${input}`]
              : ["body_rejected", `the body ${JSON.stringify(id)} was not scored: its row ${bodyRow} of ${input} was rejected`];
          rejects.add(file, batch.firstRow + r, idCol + 1, csv.header[idCol]!, code, reason, recordText(row, csv.delimiter));
          counts.set(file, (counts.get(file) ?? 0) + 1);
        });
        await rejects.flush();
      }
    } finally {
      csv.close();
    }
  }
  return counts;
}
