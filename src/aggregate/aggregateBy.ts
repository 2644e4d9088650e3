import { quantileSorted } from "simple-statistics";
import type { Issue } from "../issue.js";
import { resolveState } from "../catalog/states.js";
import type { BodyScore } from "../score/scoreBody.js";
import { STATUS_MISSING, STATUS_NOT_APPLICABLE, STATUS_PENDING, STATUS_SCORED } from "../engine/codes.js";

/**
 * Statistics a group table can carry. `n` and `mean` are always computed.
 * @example
 * const stats: StatName[] = ["median", "max"];
 * aggregate([scoreBody(rubric, { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } })], { stats }).groups[0]!.nodes[0]!.max // => 0.35
 */
export type StatName = "n" | "mean" | "median" | "sd" | "min" | "max";
/**
 * Every statistic name, in the order tables print them.
 * @example
 * STAT_NAMES // => ["n", "mean", "median", "sd", "min", "max"]
 */
export const STAT_NAMES: readonly StatName[] = ["n", "mean", "median", "sd", "min", "max"];

/**
 * Options of `aggregate` and `Aggregator`: grouping fields, statistics, quantiles, weights and order.
 * @example
 * const options: AggregateOptions = { by: ["level"], stats: ["sd"], order: "key" };
 * aggregate([], options).by // => ["level"]
 */
export interface AggregateOptions {
  /** Grouping fields, e.g. `["state"]`, `["type"]`, `["level"]`; `[]` (default) is national. */
  readonly by?: readonly string[];
  /**
   * Statistics beyond n and mean: median, sd, min, max. The sd is the sample standard deviation
   * (n − 1) when unweighted, and the weighted population one (Σ w·(x − mean)² / Σ w) with weights.
   */
  readonly stats?: readonly StatName[];
  /** Quantile probabilities in [0, 1], e.g. [0.25, 0.75] (stores every value: memory grows with bodies). */
  readonly quantiles?: readonly number[];
  /** Field holding a body weight (finite, ≥ 0); default every body weighs 1. */
  readonly weight?: string;
  /** Group order: as first seen (default) or sorted by key (code point order, state by code). */
  readonly order?: "first_seen" | "key";
  /** Name of the input (a file), used in issue paths with the row number given to `add`. */
  readonly source?: string;
  /**
   * Most groups (default 20,000): each holds a dozen numbers per node, so a grouping by a key
   * that is nearly unique per body (an id, a name) would grow without bound. Past it, `add`
   * throws a `RangeError` saying so.
   */
  readonly maxGroups?: number;
  /**
   * Most values kept for medians and quantiles, over all groups and nodes (default 16,000,000:
   * 128 MB). Past it, `add` throws a `RangeError` saying so.
   */
  readonly maxKeptValues?: number;
}

/**
 * Statistics of one node within one group.
 * @example
 * const iga: NodeStats = aggregate([scoreBody(rubric, { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }), scoreBody(rubric, {})]).groups[0]!.nodes[0]!;
 * [iga.code, iga.n, iga.missing, iga.mean] // => ["iga", 1, 1, 0.35]
 */
export interface NodeStats {
  readonly code: string;
  /** Bodies whose node was scored (the mean is over these). */
  readonly n: number;
  readonly notApplicable: number;
  readonly missing: number;
  readonly mean: number | null;
  readonly median?: number | null;
  readonly sd?: number | null;
  readonly min?: number | null;
  readonly max?: number | null;
  readonly quantiles?: readonly (number | null)[];
}

/**
 * One group of bodies.
 * @example
 * const body = (state: string) => scoreBody(rubric, { fields: { state }, values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } });
 * const group: GroupStats = aggregate([body("NuevoLeon"), body("Nuevo León")], { by: ["state"] }).groups[0]!;
 * [group.key, group.stateCode, group.bodies] // => [["Nuevo León"], "19", 2]
 */
export interface GroupStats {
  /** One value per grouping field (canonical state name for `state`). */
  readonly key: readonly string[];
  /** INEGI code of the group's state when grouping by state ("FED" for the federal unit). */
  readonly stateCode?: string;
  /** Bodies in the group. */
  readonly bodies: number;
  /** Sum of body weights (equals `bodies` when unweighted). */
  readonly weight: number;
  readonly nodes: readonly NodeStats[];
}

/**
 * An aggregate table: groups in deterministic order, each with per-node statistics.
 * @example
 * const table: AggregateTable = aggregate([scoreBody(rubric, { fields: { state: "Atlantis" }, values: { TG: 0.5 } })], { by: ["state"] });
 * [table.groups.length, table.issues[0]?.code] // => [1, "unknown_state"]
 */
export interface AggregateTable {
  readonly by: readonly string[];
  readonly nodes: readonly string[];
  readonly stats: readonly StatName[];
  readonly quantiles: readonly number[];
  readonly groups: readonly GroupStats[];
  /** Unknown state names, invalid weights: reported, never guessed. */
  readonly issues: readonly Issue[];
}

class Group {
  readonly key: string[];
  readonly stateCode: string | undefined;
  bodies = 0;
  weight = 0;
  readonly n: Int32Array;
  readonly na: Int32Array;
  readonly missing: Int32Array;
  readonly wsum: Float64Array;
  readonly sum: Float64Array;
  readonly comp: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly wMean: Float64Array;
  readonly m2: Float64Array;
  readonly values: number[][] | undefined;

  constructor(key: string[], stateCode: string | undefined, size: number, keepValues: boolean) {
    this.key = key;
    this.stateCode = stateCode;
    this.n = new Int32Array(size);
    this.na = new Int32Array(size);
    this.missing = new Int32Array(size);
    this.wsum = new Float64Array(size);
    this.sum = new Float64Array(size);
    this.comp = new Float64Array(size);
    this.min = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
    this.wMean = new Float64Array(size);
    this.m2 = new Float64Array(size);
    this.values = keepValues ? Array.from({ length: size }, () => []) : undefined;
  }
}

/**
 * Streaming group statistics: add bodies one at a time (values and statuses per node), read the
 * table at the end. Means use compensated (Neumaier) sums; standard deviations Welford's
 * update; medians and quantiles keep the values (only when asked for).
 *
 * This is the one core behind `aggregate` (result objects) and the CLI (CSV rows).
 * @example
 * const agg = new Aggregator(["iga"], { by: ["state"] });
 * const state = (name: string) => (field: string) => (field === "state" ? name : undefined);
 * agg.add(state("Jalisco"), [0.5], [STATUS_SCORED]);
 * agg.add(state("JAL"), [0.3], [STATUS_SCORED]);
 * agg.result().groups.map((g) => [g.key[0], g.bodies, g.nodes[0]!.mean]) // => [["Jalisco", 2, 0.4]]
 */
export class Aggregator {
  readonly #codes: readonly string[];
  readonly #by: readonly string[];
  readonly #stats: readonly StatName[];
  readonly #quantiles: readonly number[];
  readonly #weightField: string | undefined;
  readonly #order: "first_seen" | "key";
  readonly #groups = new Map<string, Group>();
  /** Raw key text (as read, before trimming and state normalisation) → its group. */
  readonly #byRawKey = new Map<string, Group>();
  readonly #issues: Issue[] = [];
  readonly #reportedStates = new Set<string>();
  readonly #source: string | undefined;
  readonly #keepValues: boolean;
  readonly #maxGroups: number;
  readonly #maxKept: number;
  #kept = 0;
  readonly #wantSpread: boolean;
  readonly #wantRange: boolean;
  readonly #byState: number;

  /**
   * @param codes - node codes, in the order values will be given
   * @param options - grouping and statistics
   */
  constructor(codes: readonly string[], options: AggregateOptions = {}) {
    const stats = options.stats ?? ["n", "mean"];
    for (const s of stats) if (!STAT_NAMES.includes(s)) throw new RangeError(`Aggregator: unknown statistic "${String(s)}"`);
    const quantiles = options.quantiles ?? [];
    for (const q of quantiles) if (!(q >= 0 && q <= 1)) throw new RangeError(`Aggregator: quantile ${q} is outside [0, 1]`);
    this.#keepValues = stats.includes("median") || quantiles.length > 0;
    this.#wantSpread = stats.includes("sd");
    this.#wantRange = stats.includes("min") || stats.includes("max");
    if (this.#keepValues && options.weight !== undefined) {
      throw new RangeError("Aggregator: median and quantiles are unweighted; drop the weight field or those statistics");
    }
    this.#codes = codes;
    this.#by = options.by ?? [];
    this.#stats = stats;
    this.#quantiles = quantiles;
    this.#weightField = options.weight;
    this.#order = options.order ?? "first_seen";
    this.#byState = this.#by.indexOf("state");
    this.#source = options.source;
    this.#maxGroups = options.maxGroups ?? 20_000;
    this.#maxKept = options.maxKeptValues ?? 16_000_000;
  }

  /**
   * Adds one body.
   * @param field - reads a grouping or weight field of the body (undefined when absent)
   * @param values - node values, in the constructor's code order
   * @param status - node statuses (1 scored, 2 not applicable, 3 missing), same order
   * @param where - the body's row number (shown with `source`) or a label, for issue messages
   * @returns false when the body was left out (invalid weight), true otherwise
   */
  add(field: (name: string) => string | undefined, values: ArrayLike<number>, status: ArrayLike<number>, where: string | number = ""): boolean {
    let weight = 1;
    if (this.#weightField !== undefined) {
      const raw = field(this.#weightField);
      weight = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
      if (!Number.isFinite(weight) || weight < 0) {
        this.#issues.push({
          ...this.#where(where),
          code: "invalid_weight",
          message: `weight "${this.#weightField}" must be a finite number ≥ 0; the body is left out of the table`,
          expected: "a finite number >= 0",
          received: raw ?? "nothing",
        });
        return false;
      }
    }
    // Hot path: the raw key text, as read, finds its group without trimming or normalising.
    const by = this.#by;
    let rawKey = by.length === 1 ? (field(by[0]!) ?? "") : "";
    if (by.length > 1) for (const name of by) rawKey = joinKey(rawKey, field(name) ?? "");
    let g = this.#byRawKey.get(rawKey);
    if (!g) {
      g = this.#groupFor(field, where);
      // A standalone copy: the raw text may be a slice of a large chunk it would keep alive.
      this.#byRawKey.set(` ${rawKey}`.slice(1), g);
    }
    g.bodies++;
    g.weight += weight;
    const { n, na, missing, sum, comp, wsum, min, max, wMean, m2, values: kept } = g;
    const spread = this.#wantSpread;
    const range = this.#wantRange;
    for (let j = 0; j < this.#codes.length; j++) {
      const s = status[j];
      if (s === STATUS_SCORED) {
        const v = values[j]!;
        n[j]!++;
        // Neumaier compensated sum of weight × value.
        const x = weight * v;
        const before = sum[j]!;
        const t = before + x;
        comp[j]! += Math.abs(before) >= Math.abs(x) ? before - t + x : x - t + before;
        sum[j] = t;
        const w = wsum[j]! + weight;
        wsum[j] = w;
        if (spread && weight > 0) {
          // Welford's weighted update for the variance.
          const delta = v - wMean[j]!;
          wMean[j]! += (weight / w) * delta;
          m2[j]! += weight * delta * (v - wMean[j]!);
        }
        if (range) {
          if (v < min[j]!) min[j] = v;
          if (v > max[j]!) max[j] = v;
        }
        if (kept) {
          if (++this.#kept > this.#maxKept) {
            throw new RangeError(`Aggregator: medians and quantiles keep every value, and this table needs more than ${this.#maxKept}; ask for n, mean, sd, min and max only, or group more coarsely`);
          }
          kept[j]!.push(v);
        }
      } else if (s === STATUS_NOT_APPLICABLE) na[j]!++;
      else if (s === STATUS_MISSING || s === STATUS_PENDING) missing[j]!++;
    }
    return true;
  }

  #where(where: string | number): Pick<Issue, "path" | "file" | "row"> {
    if (typeof where === "string") return { path: where };
    return { path: this.#source === undefined ? `row ${where}` : `${this.#source}:${where}`, row: where, ...(this.#source !== undefined ? { file: this.#source } : {}) };
  }

  /** The group of a key not seen before in this spelling: trimmed, states canonical. */
  #groupFor(field: (name: string) => string | undefined, where: string | number): Group {
    const key: string[] = [];
    let stateCode: string | undefined;
    for (let k = 0; k < this.#by.length; k++) {
      const raw = (field(this.#by[k]!) ?? "").trim();
      if (k === this.#byState) {
        const r = resolveState(raw);
        if (r.ok) {
          key.push(r.state.name);
          stateCode = r.state.code;
          continue;
        }
        if (!this.#reportedStates.has(raw)) {
          this.#reportedStates.add(raw);
          this.#issues.push({ ...this.#where(where), code: "unknown_state", message: `${r.message}; grouped under its own name`, received: raw });
        }
      }
      key.push(raw);
    }
    const id = key.reduce(joinKey, "");
    let g = this.#groups.get(id);
    if (!g) {
      if (this.#groups.size >= this.#maxGroups) {
        throw new RangeError(`Aggregator: more than ${this.#maxGroups} groups by ${this.#by.join(", ")}; a table groups bodies by a key they share (state, type, level), and per-body results come without --by`);
      }
      g = new Group(key, stateCode, this.#codes.length, this.#keepValues);
      this.#groups.set(id, g);
    }
    return g;
  }

  /**
   * Reads the table (the aggregator can keep taking bodies afterwards).
   * @returns groups in first-seen or key order
   */
  result(): AggregateTable {
    let groups = [...this.#groups.values()];
    if (this.#order === "key") {
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      groups = groups.sort((a, b) => {
        for (let k = 0; k < a.key.length; k++) {
          const c = k === this.#byState ? cmp(stateSortKey(a), stateSortKey(b)) || cmp(a.key[k]!, b.key[k]!) : cmp(a.key[k]!, b.key[k]!);
          if (c !== 0) return c;
        }
        return 0;
      });
    }
    const want = new Set(this.#stats);
    return {
      by: [...this.#by],
      nodes: [...this.#codes],
      stats: [...this.#stats],
      quantiles: [...this.#quantiles],
      groups: groups.map((g) => ({
        key: [...g.key],
        ...(g.stateCode !== undefined ? { stateCode: g.stateCode } : {}),
        bodies: g.bodies,
        weight: g.weight,
        nodes: this.#codes.map((code, j): NodeStats => {
          const n = g.n[j]!;
          const w = g.wsum[j]!;
          const scored = n > 0 && w > 0;
          // Sorted once per node (typed-array sort is numeric), shared by the median and quantiles.
          const sorted = g.values ? Array.from(Float64Array.from(g.values[j]!).sort()) : undefined;
          return {
            code,
            n,
            notApplicable: g.na[j]!,
            missing: g.missing[j]!,
            mean: scored ? (g.sum[j]! + g.comp[j]!) / w : null,
            ...(want.has("median") ? { median: n > 0 ? quantileSorted(sorted!, 0.5) : null } : {}),
            ...(want.has("sd") ? { sd: n > 1 && w > 0 ? Math.sqrt(Math.max(0, g.m2[j]!) / (this.#weightField === undefined ? n - 1 : w)) : null } : {}),
            ...(want.has("min") ? { min: n > 0 ? g.min[j]! : null } : {}),
            ...(want.has("max") ? { max: n > 0 ? g.max[j]! : null } : {}),
            ...(this.#quantiles.length > 0
              ? { quantiles: this.#quantiles.map((q) => (n > 0 ? quantileSorted(sorted!, q) : null)) }
              : {}),
          };
        }),
      })),
      issues: [...this.#issues],
    };
  }
}

/** Appends a key part with its length, so that no choice of values can make two keys collide. */
function joinKey(joined: string, part: string): string {
  return `${joined}${part.length}:${part}`;
}

function stateSortKey(g: Group): string {
  return g.stateCode === undefined ? "\uffff" : g.stateCode === "FED" ? "99" : g.stateCode;
}

/** Code of a status name, for the aggregator's status array. */
const STATUS_CODE: ReadonlyMap<unknown, number> = new Map([
  ["scored", STATUS_SCORED],
  ["not_applicable", STATUS_NOT_APPLICABLE],
  ["missing", STATUS_MISSING],
]);

/**
 * Groups scored bodies and computes, per group and node: how many were scored, not applicable and
 * missing, the mean over scored bodies (unweighted unless `weight` names a field), and on request
 * median, sd, min, max and quantiles. Grouping by `state` uses canonical state names.
 *
 * Every score must come from the same rubric (same content hash), so that node `j` means the same
 * thing in every body; scores of two rubrics are refused, never averaged together.
 * Empty input gives a table with no groups.
 * @param scores - body results from `scoreBody` (each with `fields` for the grouping keys)
 * @param options - grouping and statistics
 * @returns the table
 * @throws RangeError when the scores come from different rubrics, or a score's nodes do not match its rubric's
 * @example
 * const scores = [scoreBody(rubric, { fields: { state: "CDMX" }, values: { TG: 0.6, TC: 0.6, PG: 0.4, PC: 0.4 } })];
 * aggregate(scores, { by: ["state"] }).groups[0]!.key // => ["Ciudad de México"]
 */
export function aggregate(scores: Iterable<BodyScore>, options: AggregateOptions = {}): AggregateTable {
  let agg: Aggregator | undefined;
  let codes: readonly string[] = [];
  let first: BodyScore["rubric"] | undefined;
  let values = new Float64Array(0);
  let status = new Uint8Array(0);
  let k = 0;
  for (const score of scores) {
    if (!agg || !first) {
      first = score.rubric;
      codes = score.nodes.map((n) => n.code);
      agg = new Aggregator(codes, options);
      values = new Float64Array(codes.length);
      status = new Uint8Array(codes.length);
    } else if (score.rubric?.hash !== first.hash) {
      const name = (r: BodyScore["rubric"] | undefined) => (r ? `${r.id}@${r.version} (hash ${String(r.hash).slice(0, 12)})` : "no rubric");
      throw new RangeError(`aggregate: score ${k}${score.id !== undefined ? ` (${score.id})` : ""} comes from ${name(score.rubric)}, the first from ${name(first)}; aggregate each rubric's scores separately`);
    }
    const nodes = score.nodes;
    if (nodes.length !== codes.length) throw new RangeError(`aggregate: score ${k} has ${nodes.length} nodes, the first ${codes.length}, under the same rubric`);
    for (let j = 0; j < nodes.length; j++) {
      const node = nodes[j]!;
      if (node.code !== codes[j]) throw new RangeError(`aggregate: score ${k} has node "${node.code}" where the first has "${codes[j]}", under the same rubric`);
      const code = STATUS_CODE.get(node.status);
      if (code === undefined) throw new RangeError(`aggregate: score ${k}, node "${node.code}": unknown status ${JSON.stringify(node.status)}`);
      if (code === STATUS_SCORED && !(typeof node.value === "number" && Number.isFinite(node.value))) {
        throw new RangeError(`aggregate: score ${k}, node "${node.code}" is scored but its value is ${String(node.value)}`);
      }
      status[j] = code;
      values[j] = code === STATUS_SCORED ? node.value! : 0;
    }
    const fields = score.fields;
    agg.add((name) => (fields && Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined), values, status, score.id ?? "");
    k++;
  }
  return (
    agg?.result() ?? {
      by: [...(options.by ?? [])],
      nodes: [],
      stats: [...(options.stats ?? ["n", "mean"])],
      quantiles: [...(options.quantiles ?? [])],
      groups: [],
      issues: [],
    }
  );
}
