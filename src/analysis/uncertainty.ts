/**
 * Monte Carlo uncertainty of a ranking: how much each body's (and each group's) score and rank
 * move when the rubric's assumptions vary within what their provenance allows.
 *
 * Each replication draws every varying weight uniformly in its range, one option of every rule or
 * policy switch, and (optionally) one realization of noisy inputs; it scores every body under
 * that draw through `BatchScorer`, ranks the bodies and the group means, and records them. The
 * replications are then summarised per body and per group: nominal score and rank, median rank
 * and rank band, median score and score band, and the probability of being in the top or the
 * bottom k.
 *
 * Randomness (streams of the seed, see `substream`): stream 0 draws one uniform per edge of the
 * rubric and replication, stream 1 each switch's option, stream 2 the input realization, and
 * realization m of the inputs draws its noise from stream 3 + m. Replications are grouped by scenario (variant of the
 * rubric × input realization) so that each scenario's frames and fast path are built once; the
 * summaries depend only on the multiset of replications, so the result is the same to the bit
 * whatever the grouping, on every platform (the geometric rule, which uses `Math.log` and
 * `Math.exp`, excepted: see docs/analysis.md).
 */
import type { Issue } from "../issue.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import { safeParseUncertaintySpec, specError, type ResolvedUncertaintySpec, type UncertaintySpec } from "./analysisSpec.js";
import { prepareData, type AnalysisData } from "./internal/data.js";
import { GroupMeans } from "./internal/groupMeans.js";
import { quantileOfCounts, quantilesOf } from "./internal/quantiles.js";
import { RankKernel } from "./internal/rankKernel.js";
import { planAssumptions, Scenarios, type Switch, type WeightFactor } from "./internal/scenarios.js";
import { createRandom } from "./random.js";

/**
 * A median and a band (the spec's `band` quantiles, 5% and 95% by default).
 * @example
 * const bodies = [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }, { id: "B", values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } }];
 * const rank: Spread = uncertainty({ rubric, bodies }, { runs: 1000, seed: 7, weights: { verified: 0.5 } }).bodies[0]!.rank!;
 * rank // => { median: 1, band: [1, 2] }
 */
export interface Spread {
  readonly median: number;
  readonly band: readonly [low: number, high: number];
}

/**
 * One body's or one group's uncertainty.
 * @example
 * const bodies = [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }, { id: "B", values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } }];
 * const a: UnitUncertainty = uncertainty({ rubric, bodies }, { runs: 1000, seed: 7, weights: { verified: 0.5 }, top: 1 }).bodies[0]!;
 * [a.key, a.nominal, a.scored, a.pTop > 0.5, a.pBottom < 0.5] // => ["A", { score: 0.55, rank: 1 }, 1000, true, true]
 */
export interface UnitUncertainty {
  /** The body's id, or the group's label. */
  readonly key: string;
  /** For a group: its bodies. */
  readonly bodies?: number;
  /** Under the rubric as it is: score (a group's mean) and competition rank; null when not scored. */
  readonly nominal: { readonly score: number | null; readonly rank: number | null };
  /** Replications in which it had a score (and so a rank). */
  readonly scored: number;
  /** Median and band of its score over those replications; null when never scored. */
  readonly score: Spread | null;
  /** Median and band of its rank (1 = highest); null when never scored. */
  readonly rank: Spread | null;
  /** Share of all replications in which it ranked in the top k (rank ≤ k). */
  readonly pTop: number;
  /** Share of all replications in which it ranked in the bottom k (k or fewer units at or below it). */
  readonly pBottom: number;
}

/**
 * The uncertainty of one grouping's means.
 * @example
 * const bodies = [
 *   { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } },
 *   { id: "B", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } },
 *   { id: "C", fields: { state: "Sonora" }, values: { TG: 0.4, TC: 0.3, PG: 0.1, PC: 0.2 } },
 * ];
 * const g: GroupUncertainty = uncertainty({ rubric, bodies, by: ["state"] }, { runs: 200, seed: 1 }).groups[0]!;
 * [g.by, g.top, g.units.map((u) => [u.key, u.bodies, u.nominal.rank])] // => ["state", 3, [["Jalisco", 2, 1], ["Sonora", 1, 2]]]
 */
export interface GroupUncertainty {
  readonly by: string;
  /** The k of `pTop` and `pBottom` (the spec's `groupTop`). */
  readonly top: number;
  readonly units: readonly UnitUncertainty[];
}

/**
 * A switch and how many replications took each of its options.
 * @example
 * const bodies = [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }];
 * const use: SwitchUse = uncertainty({ rubric, bodies }, { runs: 500, seed: 3, rules: [{ node: "iga", options: ["arithmetic", "geometric"] }] }).factors.switches[0]!;
 * [use.name, use.options, use.runs] // => ["rule:iga", ["arithmetic", "geometric"], [264, 236]]
 */
export interface SwitchUse extends Switch {
  readonly runs: readonly number[];
}

/**
 * What {@link uncertainty} returns.
 * @example
 * const bodies = [
 *   { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } },
 *   { id: "B", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } },
 *   { id: "C", fields: { state: "Sonora" }, values: { TG: 0.4, TC: 0.3, PG: 0.1, PC: 0.2 } },
 * ];
 * const r: UncertaintyResult = uncertainty({ rubric, bodies, by: ["state"] }, { runs: 200, seed: 1 });
 * [r.rubric.id, r.node, r.bodies.length, r.groups.length, r.national.nominal?.toFixed(4)] // => ["mga-2017", "iga", 3, 1, "0.4417"]
 */
export interface UncertaintyResult {
  readonly rubric: { readonly id: string; readonly version: string; readonly hash: string };
  /** The node scored and ranked (the root unless the spec names another). */
  readonly node: string;
  /** The specification with every default filled in. */
  readonly spec: ResolvedUncertaintySpec;
  readonly bodies: readonly UnitUncertainty[];
  readonly groups: readonly GroupUncertainty[];
  /** The mean over all scored bodies. */
  readonly national: { readonly nominal: number | null; readonly mean: Spread | null };
  /** What varied: each weight's range, each switch's options (with their use), the input noise. */
  readonly factors: {
    readonly weights: readonly WeightFactor[];
    readonly switches: readonly SwitchUse[];
    readonly inputs: { readonly relative: number; readonly realizations: number } | null;
  };
  /** Values given directly for internal nodes that were recomputed from their children (`given: "recompute"`). */
  readonly recomputed: number;
  /** Input values that could not be read, and notes on the run. */
  readonly issues: readonly Issue[];
}

/**
 * Options of {@link uncertainty} that are not part of the specification.
 * @example
 * let last: number[] = [];
 * const options: UncertaintyOptions = { onProgress: (done, total) => { last = [done, total]; } };
 * uncertainty({ rubric, bodies: [{ id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }] }, { runs: 200 }, options);
 * last // => [200, 200]
 */
export interface UncertaintyOptions {
  /** Called now and then with the replications done, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called after each replication with what it scored (arrays reused: copy what you keep). For
   * tests and debugging; replications come grouped by scenario, not in order.
   */
  readonly onReplication?: (replication: number, info: { readonly rubric: CompiledRubric; readonly weights: Float64Array; readonly realization: number; readonly scores: Float64Array }) => void;
}

/** Largest number of stored (replication, unit) values: 12 bytes each, so about 800 MB. */
const MAX_STORED = 2 ** 26;

/** Replications buffered row by row before they are written column by column. */
const BLOCK = 32;

/**
 * A unit set's replications: scores and ranks stored column by column (one column per unit, its
 * scored replications packed at the front), top and bottom counts, and the scratch to rank.
 * Replications are first buffered BLOCK at a time, row by row, then moved to the columns BLOCK
 * values per unit at a time: a unit's column is touched once per block instead of once per
 * replication, which keeps the writes in cache.
 */
class Recorder {
  readonly units: number;
  readonly runs: number;
  readonly k: number;
  readonly scores: Float64Array;
  readonly ranks: Int32Array;
  readonly count: Int32Array;
  /** Smallest and largest score recorded per unit (for the quantiles' buckets). */
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly top: Int32Array;
  readonly bottom: Int32Array;
  readonly #kernel: RankKernel;
  readonly #low: Int32Array;
  readonly #blockScores: Float64Array;
  readonly #blockRanks: Int32Array;
  #rows = 0;

  constructor(units: number, runs: number, k: number, decimals: number) {
    this.units = units;
    this.runs = runs;
    this.k = k;
    this.scores = new Float64Array(units * runs);
    this.ranks = new Int32Array(units * runs);
    this.count = new Int32Array(units);
    this.min = new Float64Array(units).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(units).fill(Number.NEGATIVE_INFINITY);
    this.top = new Int32Array(units);
    this.bottom = new Int32Array(units);
    this.#kernel = new RankKernel(units, decimals);
    this.#low = new Int32Array(units);
    this.#blockScores = new Float64Array(BLOCK * units);
    this.#blockRanks = new Int32Array(BLOCK * units);
  }

  /** Ranks one replication's values (NaN = not scored) and records them. */
  record(values: Float64Array): void {
    const units = this.units;
    const row = this.#rows * units;
    const rank = this.#blockRanks;
    const low = this.#low;
    const bs = this.#blockScores;
    this.#kernel.rank(values, rank, low, row);
    const { k, top, bottom } = this;
    for (let u = 0; u < units; u++) {
      bs[row + u] = values[u]!;
      const r = rank[row + u]!;
      if (r === 0) continue;
      if (r <= k) top[u]!++;
      if (low[u]! <= k) bottom[u]!++;
    }
    if (++this.#rows === BLOCK) this.flush();
  }

  /**
   * Moves the buffered replications to the columns, in strips of 8 units: a strip's cells of one
   * buffered row share a cache line, and each unit's column receives its values in a run.
   */
  flush(): void {
    const { units, runs, scores, ranks, count, min, max } = this;
    const bs = this.#blockScores;
    const br = this.#blockRanks;
    const rows = this.#rows;
    for (let u0 = 0; u0 < units; u0 += 8) {
      const u1 = u0 + 8 < units ? u0 + 8 : units;
      for (let r = 0; r < rows; r++) {
        const row = r * units;
        for (let u = u0; u < u1; u++) {
          const v = bs[row + u]!;
          if (v !== v) continue;
          const at = u * runs + count[u]!++;
          scores[at] = v;
          ranks[at] = br[row + u]!;
          if (v < min[u]!) min[u] = v;
          if (v > max[u]!) max[u] = v;
        }
      }
    }
    this.#rows = 0;
  }

  /** Nominal ranks of a vector (without recording it). */
  nominal(values: Float64Array): Int32Array {
    const rank = new Int32Array(this.units);
    this.#kernel.rank(values, rank, this.#low);
    return rank;
  }

  /** Summaries per unit. */
  summarise(keys: readonly string[], nominal: Float64Array, band: readonly [number, number], totalRuns: number, sizes?: Int32Array): UnitUncertainty[] {
    this.flush();
    const nominalRank = this.nominal(nominal);
    const counts = new Int32Array(this.units + 1);
    const ps = [0.5, band[0], band[1]];
    const q = new Float64Array(3);
    const out: UnitUncertainty[] = [];
    for (let u = 0; u < this.units; u++) {
      const c = this.count[u]!;
      const from = u * this.runs;
      let score: Spread | null = null;
      let rank: Spread | null = null;
      if (c > 0) {
        const s = this.scores;
        quantilesOf(s, from, from + c, ps, q, [this.min[u]!, this.max[u]!]);
        score = { median: q[0]!, band: [q[1]!, q[2]!] };
        counts.fill(0);
        for (let j = from; j < from + c; j++) counts[this.ranks[j]!]!++;
        rank = { median: quantileOfCounts(counts, c, 0.5), band: [quantileOfCounts(counts, c, band[0]), quantileOfCounts(counts, c, band[1])] };
      }
      const v = nominal[u]!;
      out.push({
        key: keys[u]!,
        ...(sizes !== undefined ? { bodies: sizes[u]! } : {}),
        nominal: { score: v === v ? v : null, rank: nominalRank[u]! > 0 ? nominalRank[u]! : null },
        scored: c,
        score,
        rank,
        pTop: this.top[u]! / totalRuns,
        pBottom: this.bottom[u]! / totalRuns,
      });
    }
    return out;
  }
}

/** Median and band of the first `count` values (reordered). */
function spread(values: Float64Array, count: number, band: readonly [number, number]): Spread {
  const q = new Float64Array(3);
  quantilesOf(values, 0, count, [0.5, band[0], band[1]], q);
  return { median: q[0]!, band: [q[1]!, q[2]!] };
}

/**
 * Monte Carlo uncertainty of every body's and every group's score and rank under the rubric's
 * uncertain assumptions.
 *
 * By default each weight varies by its provenance: ±10% (relative) when `verified`, ±25% when
 * `inferred`, ±50% when `assumed`, overridable per node or edge; rules and not-applicable,
 * missing and no-observation policies switch between the options listed; inputs can carry
 * multiplicative noise. Every replication goes through `BatchScorer` (no allocation per
 * replication; ranks by an allocation-free ranker equal to `rankValues`). With zero-width ranges
 * and no switch, every replication reproduces the nominal result exactly.
 * @param data - the rubric and the bodies (frames or inputs), with ids and groupings
 * @param spec - what varies (see `UncertaintySpec`; default: weights by provenance, 1,000 runs, seed 1)
 * @param options - a progress callback, and a per-replication hook for tests
 * @returns per body, per group and nationally: nominal, median and band of score and rank, and
 *   top/bottom-k probabilities; with no bodies, empty lists
 * @throws TypeError or RangeError for malformed data or an invalid specification (the message
 *   lists the issues; `safeParseUncertaintySpec` returns them), or a variant that is not a valid rubric
 * @example
 * const bodies = [
 *   { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } },
 *   { id: "B", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } },
 *   { id: "C", fields: { state: "Sonora" }, values: { TG: 0.4, TC: 0.3, PG: 0.1, PC: 0.2 } },
 * ];
 * // Verified weights vary ±10% by default; widen them to ±50% to see A and B trade places.
 * const r = uncertainty({ rubric, bodies, by: ["state"] }, { runs: 1000, seed: 7, weights: { verified: 0.5 } });
 * r.bodies.map((b) => [b.key, b.nominal.rank, b.rank?.median, b.rank?.band]) // => [["A", 1, 1, [1, 2]], ["B", 2, 2, [1, 2]], ["C", 3, 3, [3, 3]]]
 */
export function uncertainty(data: AnalysisData, spec?: UncertaintySpec, options: UncertaintyOptions = {}): UncertaintyResult {
  const fn = "uncertainty";
  const prepared = prepareData(fn, data);
  const rubric = data.rubric;
  const parsed = safeParseUncertaintySpec(spec, rubric);
  if (!parsed.success) throw specError(fn, parsed.issues);
  const s = parsed.output;
  const planned = planAssumptions(rubric, s);
  if ("issues" in planned) throw specError(fn, planned.issues);
  const plan = planned.plan;
  const n = prepared.frames.length;
  const runs = s.runs;
  const groupUnits = prepared.groupings.reduce((t, g) => t + g.labels.length, 0);
  if ((n + groupUnits + 1) * runs > MAX_STORED) {
    throw new RangeError(`${fn}: ${runs} runs × ${n + groupUnits + 1} bodies and groups = ${(n + groupUnits + 1) * runs} stored values, above ${MAX_STORED} (12 bytes each); use fewer runs`);
  }
  const issues: Issue[] = [...prepared.issues];
  const scenarios = new Scenarios(plan, prepared.frames, s.seed, 3);
  if (scenarios.base.recomputed > 0) {
    issues.push({
      code: "given_recomputed",
      path: "$.given",
      message: `${scenarios.base.recomputed} value${scenarios.base.recomputed === 1 ? "" : "s"} given directly for internal nodes ${scenarios.base.recomputed === 1 ? "was" : "were"} recomputed from their children so that the weights under them take effect${scenarios.base.disagreed > 0 ? ` (${scenarios.base.disagreed} disagreed with their children beyond the inputs' precision)` : ""}; use given: "keep" to hold them fixed`,
    });
  }

  // The plan of every replication. Each kind of draw has its own stream, so that adding a switch
  // or input noise leaves the weights drawn as they were (common random numbers across
  // specifications): stream 0 one uniform per edge of the rubric (fixed edges draw too, and
  // ignore it), stream 1 each switch's option, stream 2 the input realization.
  const S = plan.switches.length;
  const E = plan.nominal.length;
  const M = plan.inputs?.realizations ?? 0;
  const radix = plan.switches.map((sw) => sw.options.length);
  const variants = radix.reduce((a, b) => a * b, 1);
  if (variants * Math.max(M, 1) > Number.MAX_SAFE_INTEGER) throw new RangeError(`${fn}: too many combinations of switches and realizations`);
  const weightStream = createRandom(s.seed);
  const switchStream = createRandom(s.seed).jump();
  const inputStream = createRandom(s.seed).jump().jump();
  const scenarioOf = new Float64Array(runs);
  const u = new Float64Array(runs * E);
  const used = plan.switches.map((sw) => new Array<number>(sw.options.length).fill(0));
  for (let j = 0; j < runs; j++) {
    let v = 0;
    for (let k = 0; k < S; k++) {
      const c = switchStream.nextInt(radix[k]!);
      used[k]![c]!++;
      v = v * radix[k]! + c;
    }
    const r = M > 0 ? inputStream.nextInt(M) : 0;
    scenarioOf[j] = v * Math.max(M, 1) + r;
    for (let e = 0; e < E; e++) u[j * E + e] = weightStream.nextOpen();
  }
  // Replications grouped by scenario (variant-major, so a variant's frames serve its realizations).
  const order = Int32Array.from({ length: runs }, (_, j) => j).sort((a, b) => scenarioOf[a]! - scenarioOf[b]! || a - b);

  // Units: bodies, then each grouping's groups; the national mean apart.
  const bodies = new Recorder(n, runs, s.top, s.rankDecimals);
  const groups = prepared.groupings.map((g) => new Recorder(g.labels.length, runs, s.groupTop, s.rankDecimals));
  const means = new GroupMeans(n, prepared.groupings.map((g) => ({ of: g.of, groups: g.labels.length })));
  // Views of each grouping's means (made once: no allocation per replication).
  const groupValues = prepared.groupings.map((g, k) => means.means.subarray(means.offset(k), means.offset(k) + g.labels.length));
  const national = new Float64Array(runs);
  let nationalCount = 0;

  const out = new Float64Array(n);
  const weights = Float64Array.from(plan.nominal);
  const choice = new Int32Array(S);

  // Nominal: the rubric as it is, the inputs as given, its own weights.
  const nominal = scenarios.scorer(rubric, -1);
  nominal.weights.set(weights);
  nominal.scorer.score(nominal.weights, out);
  const nominalBodies = Float64Array.from(out);
  means.compute(out);
  const nominalGroups = groupValues.map((v) => Float64Array.from(v));
  const nominalNational = means.means[0]!;

  const step = Math.max(1, Math.floor(runs / 100));
  let done = 0;
  let current = -1;
  let scorer = nominal.scorer;
  let vector = nominal.weights;
  let variant: CompiledRubric = rubric;
  let realization = -1;
  for (let p = 0; p < runs; p++) {
    const j = order[p]!;
    const key = scenarioOf[j]!;
    if (key !== current) {
      current = key;
      realization = M > 0 ? key % M : -1;
      let v = M > 0 ? Math.floor(key / M) : key;
      for (let k = S - 1; k >= 0; k--) {
        choice[k] = v % radix[k]!;
        v = Math.floor(v / radix[k]!);
      }
      variant = scenarios.variant(choice);
      ({ scorer, weights: vector } = scenarios.scorer(variant, realization));
    }
    for (const f of plan.weights) weights[f.edge] = f.min + (f.max - f.min) * u[j * E + f.edge]!;
    vector.set(weights);
    scorer.score(vector, out);
    options.onReplication?.(j, { rubric: variant, weights, realization, scores: out });
    bodies.record(out);
    means.compute(out);
    for (let k = 0; k < groups.length; k++) groups[k]!.record(groupValues[k]!);
    const m = means.means[0]!;
    if (m === m) national[nationalCount++] = m;
    if (++done % step === 0) options.onProgress?.(done, runs);
  }
  if (runs % step !== 0) options.onProgress?.(runs, runs);

  return {
    rubric: { id: rubric.id, version: rubric.version, hash: rubric.hash },
    node: rubric.nodes[plan.node]!.code,
    spec: s,
    bodies: bodies.summarise(prepared.ids, nominalBodies, s.band, runs),
    groups: prepared.groupings.map((g, k) => ({ by: g.by, top: s.groupTop, units: groups[k]!.summarise(g.labels, nominalGroups[k]!, s.band, runs, g.sizes) })),
    national: {
      nominal: nominalNational === nominalNational ? nominalNational : null,
      mean: nationalCount > 0 ? spread(national, nationalCount, s.band) : null,
    },
    factors: {
      weights: plan.weights,
      switches: plan.switches.map((sw, k) => ({ ...sw, runs: used[k]! })),
      inputs: plan.inputs === null ? null : { relative: plan.inputs.relative, realizations: plan.inputs.realizations },
    },
    recomputed: scenarios.base.recomputed,
    issues,
  };
}

