/**
 * Which assumption drives the uncertainty of a ranking: Sobol' indices of each body's rank (or
 * score) and of each group's mean, with the rubric's uncertain assumptions as factors.
 *
 * The factors are those of an uncertainty specification: the weights that vary (uniform in their
 * ranges), grouped by provenance status, by parent node or one by one; each rule or policy switch
 * as a discrete factor (its option drawn by `sample(u)` = ⌊u·options⌋); the input noise as a
 * discrete factor over its realizations. The model is a batch model over `BatchScorer`: each
 * block of design points is sorted by scenario (variant of the rubric × input realization), and
 * each scenario's points are scored on its own fast path. Everything else is `sobol`.
 */
import type { Issue } from "../issue.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import { safeParseSensitivitySpec, specError, type ResolvedSensitivitySpec, type SensitivitySpec } from "./analysisSpec.js";
import type { Interval } from "./internal/interval.js";
import { prepareData, type AnalysisData } from "./internal/data.js";
import { GroupMeans } from "./internal/groupMeans.js";
import { RankKernel } from "./internal/rankKernel.js";
import { planAssumptions, Scenarios } from "./internal/scenarios.js";
import { sobol, type SobolFactor } from "./sobol.js";

/**
 * One factor of a rubric sensitivity analysis: a group of weights, a switch or the input noise.
 * @example
 * const bodies = [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }, { id: "B", values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } }];
 * const f: SensitivityFactor = sensitivity({ rubric: loadEdition("2019"), bodies }, { n: 64 }).factors[0]!;
 * [f.name, f.kind, f.members] // => ["weights:verified", "weights", ["iga>t", "iga>p", "t>tg", "t>tc", "p>pg", "p>pc"]]
 */
export interface SensitivityFactor {
  /** `weights:assumed`, `weights:tg`, `weight:tg>tg.ai`, `rule:iga`, `noObservations:request_records`, `inputs`. */
  readonly name: string;
  readonly kind: "weights" | "switch" | "inputs";
  /** The weights of a weights factor (`parent>child`), the options of a switch, the realizations of the inputs. */
  readonly members: readonly string[];
}

/**
 * The indices of one output: a body's rank or score, a group's mean or rank, the national mean.
 * @example
 * const bodies = [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }, { id: "C", values: { TG: 0.4, TC: 0.3, PG: 0.1, PC: 0.2 } }];
 * const o: SensitivityOutput = sensitivity({ rubric, bodies }, { n: 256, bodies: "score" }).outputs[0]!;
 * [o.kind, o.key, o.measure, o.mean.toFixed(2), o.total.map((x) => x?.toFixed(1))] // => ["body", "A", "score", "0.55", ["1.0"]]
 */
export interface SensitivityOutput {
  readonly kind: "body" | "group" | "national";
  /** The grouping of a group. */
  readonly by?: string;
  /** Body id, group label, or "national". */
  readonly key: string;
  readonly measure: "rank" | "score" | "mean";
  /** Mean and variance of the output over the 2N points of A and B. */
  readonly mean: number;
  readonly variance: number;
  /** One index per factor, in factor order; null when the output does not vary. */
  readonly first: readonly (number | null)[];
  readonly total: readonly (number | null)[];
  readonly firstInterval: readonly (Interval | null)[];
  readonly totalInterval: readonly (Interval | null)[];
}

/**
 * The indices of a set of outputs taken together (every body's rank, or every group's mean of a
 * grouping): each output's index weighted by its variance, Σ V_o S_o / Σ V_o, which is the
 * generalised Sobol' index of the outputs as one vector (Gamboa, Janon, Klein and Lagnoux 2014):
 * the share of their summed variance that the factor explains. Outputs that hardly move weigh
 * little, so their noisy estimates do not swamp the summary.
 * @example
 * const bodies = [
 *   { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } },
 *   { id: "B", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } },
 *   { id: "C", fields: { state: "Sonora" }, values: { TG: 0.4, TC: 0.3, PG: 0.1, PC: 0.2 } },
 * ];
 * const sum: SensitivitySummary = sensitivity({ rubric, bodies, by: ["state"] }, { n: 256, bodies: "none" }).summary[0]!;
 * [sum.outputs, sum.count, sum.total.map((x) => x?.toFixed(1))] // => ["state", 2, ["1.0"]]
 */
export interface SensitivitySummary {
  /** `bodies`, or the grouping's key. */
  readonly outputs: string;
  /** Outputs that vary (the others have no indices and are left out). */
  readonly count: number;
  readonly first: readonly (number | null)[];
  readonly total: readonly (number | null)[];
}

/**
 * What {@link sensitivity} returns.
 * @example
 * const bodies = [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }, { id: "B", values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } }];
 * const s: SensitivityResult = sensitivity({ rubric: loadEdition("2019"), bodies }, { n: 256 });
 * [s.node, s.n, s.factors.length, s.evaluations] // => ["iga", 256, 3, 1280]
 */
export interface SensitivityResult {
  readonly rubric: { readonly id: string; readonly version: string; readonly hash: string };
  readonly node: string;
  readonly spec: ResolvedSensitivitySpec;
  readonly factors: readonly SensitivityFactor[];
  readonly n: number;
  /** Scorings of every body: N·(factors + 2). */
  readonly evaluations: number;
  readonly outputs: readonly SensitivityOutput[];
  readonly summary: readonly SensitivitySummary[];
  readonly recomputed: number;
  readonly issues: readonly Issue[];
}

/**
 * Options of {@link sensitivity} that are not part of the specification.
 * @example
 * let last: number[] = [];
 * const options: SensitivityOptions = { onProgress: (done, total) => { last = [done, total]; } };
 * sensitivity({ rubric, bodies: [{ id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }] }, { n: 64 }, options);
 * last // => [192, 192]
 */
export interface SensitivityOptions {
  /** Called as the scenarios' points are scored, with the points done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Sobol' indices of every body's rank (or score) and every group's mean under the rubric's
 * uncertain assumptions: which of them (the assumed weights, the verified ones, a node's weights,
 * a rule, a policy, the inputs) drives each ranking's uncertainty.
 *
 * First-order and total indices come from `sobol` (Saltelli design; Saltelli 2010 and Jansen
 * estimators; scrambled Sobol' points; bootstrap intervals with `bootstrap` > 0), with the weights
 * of a factor varying together (grouped indices). `summary` gives each set of outputs' indices
 * weighted by their variances (the generalised index of the set).
 * @param data - the rubric and the bodies (frames or inputs), with ids and groupings
 * @param spec - what varies and what is measured (see `SensitivitySpec`; default: weights by
 *   provenance, grouped by provenance status, n = 1024, every body's rank and every group's mean)
 * @param options - a progress callback
 * @returns the factors, the indices of every output, and their means per set of outputs
 * @throws TypeError or RangeError for malformed data, an invalid specification, nothing varying,
 *   an unknown id in `ids`, or too many outputs for `sobol`'s table
 * @example
 * const bodies = [
 *   { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } },
 *   { id: "B", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.6, PC: 0.5 } },
 *   { id: "C", fields: { state: "Sonora" }, values: { TG: 0.4, TC: 0.3, PG: 0.1, PC: 0.2 } },
 * ];
 * // 2019: weights by provenance. With sub-index values given, only the verified weights above
 * // them move the scores: they explain all of the variance of every body's score.
 * const s = sensitivity({ rubric: loadEdition("2019"), bodies, by: ["state"] }, { n: 256, bodies: "score" });
 * s.factors.map((f) => f.name) // => ["weights:verified", "weights:assumed", "weights:inferred"]
 * s.summary.map((x) => [x.outputs, x.total.map((t) => t?.toFixed(1))]) // => [["bodies", ["1.0", "0.0", "0.0"]], ["state", ["1.0", "0.0", "0.0"]]]
 */
export function sensitivity(data: AnalysisData, spec?: SensitivitySpec, options: SensitivityOptions = {}): SensitivityResult {
  const fn = "sensitivity";
  const prepared = prepareData(fn, data);
  const rubric: CompiledRubric = data.rubric;
  const parsed = safeParseSensitivitySpec(spec, rubric);
  if (!parsed.success) throw specError(fn, parsed.issues);
  const s = parsed.output;
  const planned = planAssumptions(rubric, s);
  if ("issues" in planned) throw specError(fn, planned.issues);
  const plan = planned.plan;
  const n = prepared.frames.length;
  const issues: Issue[] = [...prepared.issues];
  // Sobol' uses streams 0 (points) and 1 (bootstrap) of the seed; the input realizations 2, 3, ...
  const scenarios = new Scenarios(plan, prepared.frames, s.seed, 2);
  if (scenarios.base.recomputed > 0) {
    issues.push({ code: "given_recomputed", path: "$.given", message: `${scenarios.base.recomputed} value${scenarios.base.recomputed === 1 ? "" : "s"} given directly for internal nodes ${scenarios.base.recomputed === 1 ? "was" : "were"} recomputed from their children; use given: "keep" to hold them fixed` });
  }

  // Factors: one column per varying weight, switch and the inputs; grouped as asked.
  const columns: SobolFactor[] = [];
  const columnEdge: number[] = [];
  const groups = new Map<string, { kind: SensitivityFactor["kind"]; members: string[]; columns: string[] }>();
  const group = (name: string, kind: SensitivityFactor["kind"], members: readonly string[], column: string) => {
    let g = groups.get(name);
    if (g === undefined) groups.set(name, (g = { kind, members: [], columns: [] }));
    g.members.push(...members);
    g.columns.push(column);
  };
  for (const w of plan.weights) {
    if (!(w.max > w.min)) continue; // a weight that does not vary is no factor
    const column = `weight:${w.parent}>${w.child}`;
    columns.push({ name: column, min: w.min, max: w.max });
    columnEdge.push(w.edge);
    const name = s.factors === "provenance" ? `weights:${w.status}` : s.factors === "node" ? `weights:${w.parent}` : column;
    group(name, "weights", [`${w.parent}>${w.child}`], column);
  }
  const firstSwitch = columns.length;
  for (const sw of plan.switches) {
    const count = sw.options.length;
    columns.push({ name: sw.name, sample: (u: number) => Math.min(count - 1, Math.floor(u * count)) });
    group(sw.name, "switch", sw.options, sw.name);
  }
  const M = plan.inputs?.realizations ?? 0;
  if (M > 0) {
    columns.push({ name: "inputs", sample: (u: number) => Math.min(M - 1, Math.floor(u * M)) });
    group("inputs", "inputs", [`${M} realizations of ±${plan.inputs!.relative} relative noise`], "inputs");
  }
  if (columns.length === 0) throw new RangeError(`${fn}: nothing varies (every weight range has zero width, and there is no switch and no input noise)`);

  // Outputs: bodies (every one, or those of `ids`), each grouping's groups, the national mean.
  let bodyIndex: number[] = [];
  if (s.bodies !== "none") {
    if (s.ids === undefined) bodyIndex = prepared.ids.map((_, b) => b);
    else {
      const at = new Map(prepared.ids.map((id, b) => [id, b]));
      bodyIndex = s.ids.map((id) => {
        const b = at.get(id);
        if (b === undefined) throw new RangeError(`${fn}: ids: no body "${id}"`);
        return b;
      });
    }
  }
  const groupings = s.groups === "none" ? [] : prepared.groupings;
  const outputs: Omit<SensitivityOutput, "mean" | "variance" | "first" | "total" | "firstInterval" | "totalInterval">[] = [
    ...bodyIndex.map((b) => ({ kind: "body" as const, key: prepared.ids[b]!, measure: s.bodies === "score" ? ("score" as const) : ("rank" as const) })),
    ...groupings.flatMap((g) => g.labels.map((label) => ({ kind: "group" as const, by: g.by, key: label, measure: s.groups === "rank" ? ("rank" as const) : ("mean" as const) }))),
    { kind: "national" as const, key: "national", measure: "mean" as const },
  ];
  const m = outputs.length;
  const dropped = new Uint8Array(m);

  const S = plan.switches.length;
  const radix = plan.switches.map((sw) => sw.options.length);
  const kernel = new RankKernel(n, s.rankDecimals);
  const groupKernels = groupings.map((g) => new RankKernel(g.labels.length, s.rankDecimals));
  const ranks = new Int32Array(n);
  const low = new Int32Array(n);
  const scores = new Float64Array(n);
  const weights = Float64Array.from(plan.nominal);
  const choice = new Int32Array(S);
  const groupMeans = new GroupMeans(n, groupings.map((g) => ({ of: g.of, groups: g.labels.length })));
  const means = groupings.map((g, gi) => groupMeans.means.subarray(groupMeans.offset(gi), groupMeans.offset(gi) + g.labels.length));
  const groupRanks = groupings.map((g) => new Int32Array(g.labels.length));
  const groupLow = groupings.map((g) => new Int32Array(g.labels.length));
  const k = columns.length;
  const K = groups.size;

  const model = {
    outputs: m,
    batchSize: s.n * (K + 2),
    evaluateBatch(points: Float64Array, rows: number, out: Float64Array): void {
      // The scenario of each point, then the points sorted by scenario.
      const key = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let v = 0;
        for (let j = 0; j < S; j++) v = v * radix[j]! + points[r * k + firstSwitch + j]!;
        key[r] = M > 0 ? v * M + points[r * k + k - 1]! : v;
      }
      const order = Int32Array.from({ length: rows }, (_, r) => r).sort((a, b) => key[a]! - key[b]! || a - b);
      let current = -1;
      let scorer: ReturnType<Scenarios["scorer"]> | undefined;
      for (let p = 0; p < rows; p++) {
        const r = order[p]!;
        if (key[r] !== current) {
          current = key[r]!;
          const realization = M > 0 ? current % M : -1;
          let v = M > 0 ? Math.floor(current / M) : current;
          for (let j = S - 1; j >= 0; j--) {
            choice[j] = v % radix[j]!;
            v = Math.floor(v / radix[j]!);
          }
          scorer = scenarios.scorer(scenarios.variant(choice), realization);
        }
        for (let c = 0; c < columnEdge.length; c++) weights[columnEdge[c]!] = points[r * k + c]!;
        scorer!.weights.set(weights);
        scorer!.scorer.score(scorer!.weights, scores);
        let o = 0;
        const row = r * m;
        if (bodyIndex.length > 0) {
          if (s.bodies === "rank") kernel.rank(scores, ranks, low);
          for (const b of bodyIndex) {
            const v = s.bodies === "rank" ? (ranks[b]! > 0 ? ranks[b]! : Number.NaN) : scores[b]!;
            put(out, row + o, o, v);
            o++;
          }
        }
        groupMeans.compute(scores);
        groupings.forEach((_g, gi) => {
          const mean = means[gi]!;
          if (s.groups === "rank") groupKernels[gi]!.rank(mean, groupRanks[gi]!, groupLow[gi]!);
          for (let j = 0; j < mean.length; j++) {
            put(out, row + o, o, s.groups === "rank" ? (groupRanks[gi]![j]! > 0 ? groupRanks[gi]![j]! : Number.NaN) : mean[j]!);
            o++;
          }
        });
        put(out, row + o, o, groupMeans.means[0]!);
        if (p % 256 === 255) options.onProgress?.(p + 1, rows);
      }
      options.onProgress?.(rows, rows);
    },
  };
  /** An output that is not finite (a body not scored in some scenario) is kept out of the result. */
  function put(out: Float64Array, at: number, o: number, v: number): void {
    if (v === v) out[at] = v;
    else {
      out[at] = 0;
      dropped[o] = 1;
    }
  }

  const r = sobol({
    factors: columns,
    groups: [...groups].map(([name, g]) => ({ name, factors: g.columns })),
    model,
    n: s.n,
    seed: s.seed,
    bootstrap: s.bootstrap,
    confidence: s.confidence,
    sampling: s.sampling,
  });
  const result: SensitivityOutput[] = [];
  outputs.forEach((meta, o) => {
    if (dropped[o] === 1) return;
    const x = r.outputs[o]!;
    result.push({ ...meta, mean: x.mean, variance: x.variance, first: x.first, total: x.total, firstInterval: x.firstInterval, totalInterval: x.totalInterval });
  });
  const droppedCount = dropped.reduce((a, b) => a + b, 0);
  if (droppedCount > 0) {
    const names = outputs.filter((_, o) => dropped[o] === 1).slice(0, 5).map((x) => x.key);
    issues.push({
      code: "output_not_always_scored",
      path: "$",
      message: `${droppedCount} output${droppedCount === 1 ? " has" : "s have"} no value in some scenarios (${names.join(", ")}${droppedCount > 5 ? ", ..." : ""}) and no indices: a body missing under some policy, or a group with no body scored`,
    });
  }
  const summarise = (name: string, list: readonly SensitivityOutput[]): SensitivitySummary => {
    const varying = list.filter((x) => x.variance > 0);
    const weight = varying.reduce((t, x) => t + x.variance, 0);
    const mean = (pick: (x: SensitivityOutput) => readonly (number | null)[], i: number) =>
      varying.length === 0 ? null : varying.reduce((t, x) => t + x.variance * pick(x)[i]!, 0) / weight;
    return {
      outputs: name,
      count: varying.length,
      first: r.factors.map((_, i) => mean((x) => x.first, i)),
      total: r.factors.map((_, i) => mean((x) => x.total, i)),
    };
  };
  const summary = [
    ...(bodyIndex.length > 0 ? [summarise("bodies", result.filter((x) => x.kind === "body"))] : []),
    ...groupings.map((g) => summarise(g.by, result.filter((x) => x.kind === "group" && x.by === g.by))),
  ];
  return {
    rubric: { id: rubric.id, version: rubric.version, hash: rubric.hash },
    node: rubric.nodes[plan.node]!.code,
    spec: s,
    factors: [...groups].map(([name, g]) => ({ name, kind: g.kind, members: g.members })),
    n: s.n,
    evaluations: r.evaluations,
    outputs: result,
    summary,
    recomputed: scenarios.base.recomputed,
    issues,
  };
}
