import {
  READ_OK,
  VALUE_NOT_APPLICABLE,
  VALUE_PRESENT,
  createReadSlot,
  readIssue,
  readValue,
  type CompiledRubric,
  type RawValue,
  type ScoreFrame,
} from "../index.js";
import { CsvReader, type CsvReadOptions } from "../io/readCsv.js";
import { CliError, at } from "./errors.js";
import { detach } from "./idLog.js";
import { cellReason, recordText, type RejectLog } from "./rejects.js";
import type { Reporter } from "./report.js";

/** How an observations file's columns are used. */
interface ObservationPlan {
  readonly file: string;
  readonly set: number;
  readonly idCol: number;
  /** Columns of the set's leaves present in the file, and the leaf (position in the store). */
  readonly cols: Int32Array;
  readonly leafPos: Int32Array;
  /** Store positions of the set's leaves that have no column (missing in every row). */
  readonly absent: Int32Array;
}

/**
 * Works out an observations file's columns: `id` (or the column `--map id=` names), one column
 * per per-observation leaf of one observation set (by code or alias); other columns are ignored.
 * @throws CliError for a missing id column, no leaf column, leaves of two sets, or a column that
 *   names a node that is not fed by observations
 */
function planObservations(file: string, header: readonly string[], rubric: CompiledRubric, idColumn: string | undefined, leafPosOf: Int32Array): ObservationPlan {
  let idCol = header.indexOf("id");
  if (idColumn !== undefined && header.includes(idColumn)) idCol = header.indexOf(idColumn);
  if (idCol < 0) {
    throw new CliError(`${at(file, 1)}no "id" column naming the body of each observation${idColumn !== undefined ? ` (nor ${JSON.stringify(idColumn)} from --map id=)` : ""}`);
  }
  let set = -1;
  const cols: number[] = [];
  const positions: number[] = [];
  header.forEach((name, col) => {
    if (col === idCol) return;
    const node = rubric.index.get(name);
    if (node === undefined) return;
    const s = rubric.obsSet[node]!;
    if (s < 0) {
      const sets = rubric.observationSets.map((o) => `${o.id}: ${[...o.leaves].map((l) => rubric.nodes[l]!.code).join(", ")}`).join("; ");
      throw new CliError(
        `${at(file, 1, col + 1)}column ${JSON.stringify(name)} is a node that observations do not feed; an observations file has one column per observation for the leaves of one set (${sets || "this rubric has none"})`,
      );
    }
    if (set >= 0 && s !== set) {
      throw new CliError(
        `${at(file, 1, col + 1)}column ${JSON.stringify(name)} belongs to observation set "${rubric.observationSets[s]!.id}", but earlier columns to "${rubric.observationSets[set]!.id}"; give each set its own file`,
      );
    }
    if (cols.some((c) => rubric.index.get(header[c]!) === node)) {
      throw new CliError(`${at(file, 1, col + 1)}column ${JSON.stringify(name)} gives leaf "${rubric.nodes[node]!.code}" a second time`);
    }
    set = s;
    cols.push(col);
    positions.push(leafPosOf[node]!);
  });
  if (set < 0) {
    const leaves = rubric.observationSets.flatMap((o) => [...o.leaves].map((l) => rubric.nodes[l]!.code));
    throw new CliError(`${at(file, 1)}no column for a per-observation leaf (${leaves.join(", ") || `${rubric.id} has none`})`);
  }
  const present = new Set(positions);
  const absent = [...rubric.observationSets[set]!.leaves].map((l) => leafPosOf[l]!).filter((p) => !present.has(p));
  return { file, set, idCol, cols: Int32Array.from(cols), leafPos: Int32Array.from(positions), absent: Int32Array.from(absent) };
}

/**
 * Per-body accumulators for observation files, read before the main input: for each body, each
 * per-observation leaf's sum, scored, missing and not-applicable counts, and each set's number of
 * observations. Memory grows with bodies × leaves, not with observations.
 */
export class ObservationStore {
  readonly rubric: CompiledRubric;
  /** Node of each store position (every per-observation leaf of every set). */
  readonly leaves: Int32Array;
  /** Store position of each node, -1 when not per-observation. */
  readonly leafPosOf: Int32Array;
  readonly #slots = new Map<string, number>();
  #ids: string[] = [];
  #cap = 0;
  #sum = new Float64Array(0);
  #n = new Int32Array(0);
  #missing = new Int32Array(0);
  #na = new Int32Array(0);
  #setCount = new Int32Array(0);
  /** Observation rows per body, and whether a body row used them. */
  #rows = new Int32Array(0);
  #used = new Uint8Array(0);

  constructor(rubric: CompiledRubric) {
    this.rubric = rubric;
    const leaves: number[] = [];
    const pos = new Int32Array(rubric.size).fill(-1);
    for (let i = 0; i < rubric.size; i++) {
      if (rubric.obsSet[i]! >= 0 && rubric.childStart[i + 1] === rubric.childStart[i]) {
        pos[i] = leaves.length;
        leaves.push(i);
      }
    }
    this.leaves = Int32Array.from(leaves);
    this.leafPosOf = pos;
  }

  /** Number of bodies with observations. */
  get bodies(): number {
    return this.#ids.length;
  }

  #slot(id: string): number {
    let s = this.#slots.get(id);
    if (s !== undefined) return s;
    s = this.#ids.length;
    const key = detach(id);
    this.#slots.set(key, s);
    this.#ids.push(key);
    if (s >= this.#cap) this.#grow();
    return s;
  }

  #grow(): void {
    const cap = Math.max(64, this.#cap * 2);
    const L = this.leaves.length;
    const S = this.rubric.observationSets.length;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.#sum = grow(this.#sum, cap * L, (n) => new Float64Array(n));
    this.#n = grow(this.#n, cap * L, (n) => new Int32Array(n));
    this.#missing = grow(this.#missing, cap * L, (n) => new Int32Array(n));
    this.#na = grow(this.#na, cap * L, (n) => new Int32Array(n));
    this.#setCount = grow(this.#setCount, cap * S, (n) => new Int32Array(n));
    this.#rows = grow(this.#rows, cap, (n) => new Int32Array(n));
    this.#used = grow(this.#used, cap, (n) => new Uint8Array(n));
    this.#cap = cap;
  }

  /**
   * Reads one observations file into the accumulators. A row whose value cannot be read still
   * counts as an observation of the body, with that value missing (as `loadBodyInput` does), and
   * goes to the rejects.
   */
  async read(file: string, csvOptions: CsvReadOptions, idColumn: string | undefined, rejects: RejectLog, reporter: Reporter): Promise<void> {
    const csv = await CsvReader.open(file, { ...csvOptions, name: file });
    const plan = planObservations(file, csv.header, this.rubric, idColumn, this.leafPosOf);
    const { rubric } = this;
    if (plan.absent.length > 0) {
      const names = [...plan.absent].map((p) => rubric.nodes[this.leaves[p]!]!.code).join(", ");
      reporter.line(`${file}: warning: no column for ${names}; every observation in this file counts as missing for ${plan.absent.length === 1 ? "it" : "them"}`);
    }
    const L = this.leaves.length;
    const S = rubric.observationSets.length;
    const slot = createReadSlot();
    for await (const batch of csv) {
      const { rows, firstRow, problems } = batch;
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const rowNo = firstRow + r;
        if (!rejects.screen(file, rowNo, row, problems?.get(r), csv.header, csv.delimiter)) continue;
        const id = row[plan.idCol]!;
        if (id.trim() === "") {
          rejects.add(file, rowNo, plan.idCol + 1, csv.header[plan.idCol]!, "missing_id", "the id is empty: the observation names no body", recordText(row, csv.delimiter));
          continue;
        }
        const s = this.#slot(id);
        this.#setCount[s * S + plan.set]!++;
        this.#rows[s]!++;
        const base = s * L;
        let reasons: string | undefined;
        let firstBad = -1;
        for (let k = 0; k < plan.cols.length; k++) {
          const col = plan.cols[k]!;
          const pos = base + plan.leafPos[k]!;
          const node = this.leaves[plan.leafPos[k]!]!;
          const raw = row[col]!;
          const code = readValue(rubric, node, raw, slot, true);
          if (code !== READ_OK) {
            const issue = readIssue(rubric, node, raw as RawValue, code, true);
            reasons = `${reasons ? `${reasons}; ` : ""}${cellReason(JSON.stringify(csv.header[col]), issue)}`;
            if (firstBad < 0) firstBad = col;
            this.#missing[pos]!++;
          } else if (slot.kind === VALUE_PRESENT) {
            // The same accumulation as the core's `addObservation`, into this body's slot.
            this.#sum[pos]! += slot.value;
            this.#n[pos]!++;
          } else if (slot.kind === VALUE_NOT_APPLICABLE) this.#na[pos]!++;
          else this.#missing[pos]!++;
        }
        for (let k = 0; k < plan.absent.length; k++) this.#missing[base + plan.absent[k]!]!++;
        if (reasons !== undefined) {
          rejects.add(file, rowNo, firstBad + 1, csv.header[firstBad]!, "invalid_value", `${reasons} (counted as a missing observation of the body)`, recordText(row, csv.delimiter));
        }
      }
      await rejects.flush();
    }
  }

  /**
   * Puts a body's observations into a frame (after `resetFrame`), and marks the body as used.
   * @returns false when the body has no observations
   */
  load(id: string, frame: ScoreFrame): boolean {
    const s = this.#slots.get(id);
    if (s === undefined) return false;
    this.#used[s] = 1;
    const L = this.leaves.length;
    const base = s * L;
    for (let k = 0; k < L; k++) {
      const node = this.leaves[k]!;
      frame.obsSum[node] = this.#sum[base + k]!;
      frame.obsN[node] = this.#n[base + k]!;
      frame.obsMissing[node] = this.#missing[base + k]!;
      frame.obsNotApplicable[node] = this.#na[base + k]!;
    }
    const S = this.rubric.observationSets.length;
    for (let set = 0; set < S; set++) frame.setCount[set] = this.#setCount[s * S + set]!;
    return true;
  }

  /** Ids with observations that no body row used, with their number of observation rows. */
  unused(): Map<string, number> {
    const out = new Map<string, number>();
    this.#ids.forEach((id, s) => {
      if (this.#used[s] === 0) out.set(id, this.#rows[s]!);
    });
    return out;
  }

  /** Marks every body as unused (for a second pass). */
  clearUsed(): void {
    this.#used.fill(0);
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
