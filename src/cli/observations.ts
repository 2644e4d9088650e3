import { BodyScorer, ObservationStore, READ_OK } from "../engine/index.js";
import { CsvReader, type CsvReadOptions } from "../io/readCsv.js";
import { CliError, at } from "./errors.js";
import { cellReason, recordText, type RejectLog } from "./rejects.js";
import type { Reporter } from "./report.js";

/** How an observations file's columns are used. */
interface ObservationPlan {
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

/**
 * Reads one observations file into the core's observation store (the same accumulation
 * `scoreBody` uses). A row whose value cannot be read still counts as an observation of the body,
 * with that value missing, and goes to the rejects.
 * @param only - read only the rows of this body (for `explain`)
 */
export async function readObservationFile(
  store: ObservationStore,
  file: string,
  csvOptions: CsvReadOptions,
  idColumn: string | undefined,
  rejects: RejectLog,
  reporter: Reporter,
  only?: string,
): Promise<void> {
  const rubric = store.rubric;
  const csv = await CsvReader.open(file, { ...csvOptions, name: file });
  try {
    const plan = planObservations(file, csv.header, store, idColumn);
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
        if (reasons !== undefined) {
          rejects.add(file, rowNo, firstBad + 1, csv.header[firstBad]!, "invalid_value", `${reasons} (counted as a missing observation of the body)`, recordText(row, csv.delimiter));
        }
      }
      await rejects.flush();
    }
  } finally {
    csv.close();
  }
}

/**
 * Writes the observation rows of bodies that are not in the main input to the rejects: a second,
 * streaming pass over the observation files (done only when there are such rows).
 */
export async function rejectUnknownBodies(
  files: readonly string[],
  csvOptions: CsvReadOptions,
  idColumn: string | undefined,
  unknown: ReadonlyMap<string, number>,
  input: string,
  rejects: RejectLog,
): Promise<void> {
  for (const file of files) {
    const csv = await CsvReader.open(file, { ...csvOptions, name: file });
    let idCol = csv.header.indexOf("id");
    if (idColumn !== undefined && csv.header.includes(idColumn)) idCol = csv.header.indexOf(idColumn);
    for await (const batch of csv) {
      batch.rows.forEach((row, r) => {
        if (batch.problems?.has(r) || row.length !== csv.header.length) return;
        const id = row[idCol]!;
        if (!unknown.has(id)) return;
        rejects.add(file, batch.firstRow + r, idCol + 1, csv.header[idCol]!, "unknown_body", `no body with id ${JSON.stringify(id)} in ${input}`, recordText(row, csv.delimiter));
      });
      await rejects.flush();
    }
  }
}
