/**
 * Variance-based sensitivity analysis (Sobol' indices) of any model, with the Saltelli sampling
 * design and bootstrap confidence intervals.
 *
 * Design (Saltelli 2002; Saltelli et al. 2010): two N × k matrices A and B of independent factor
 * draws, and for each factor i the matrix A_B^(i), A with its column i taken from B; the model is
 * evaluated on the N(k + 2) rows. With V the variance of all 2N outputs of A and B,
 *
 * - first order, Saltelli et al. (2010), eq. (b) of their table 2:
 *   S_i = (1/N) Σ_j f(B)_j (f(A_B^(i))_j − f(A)_j) / V
 * - total, Jansen (1999), eq. (f):
 *   S_Ti = (1/2N) Σ_j (f(A)_j − f(A_B^(i))_j)² / V
 *
 * Sums are compensated (Kahan). Intervals come from resampling the N rows with replacement and
 * recomputing the estimators (percentile bootstrap, the same resampled rows for every factor and
 * output).
 *
 * Points come from a scrambled Sobol' sequence (see `createSobolSequence`): columns 1..k give A and
 * k+1..2k give B, so 2k ≤ 128 dimensions. Quasi-random points make these estimators converge
 * roughly as 1/N instead of 1/√N for smooth models; `sampling: "random"` uses the seeded
 * pseudo-random generator instead (any k).
 *
 * References: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola, "Variance
 * based sensitivity analysis of model output. Design and estimator for the total sensitivity
 * index", Computer Physics Communications 181 (2010) 259–270. M. J. W. Jansen, "Analysis of
 * variance designs for model output", Computer Physics Communications 117 (1999) 35–43.
 */
import { checkConfidence, checkCount, quantileInterval, type Interval } from "./internal/interval.js";
import { checkSeed, substream, type Random } from "./random.js";
import { createSobolSequence, SOBOL_MAX_DIMENSION } from "./sobolSequence.js";

/**
 * A factor drawn uniformly between `min` and `max`.
 * @example
 * const x: UniformFactor = { name: "w", min: 0.4, max: 0.6 };
 * sobol({ factors: [x], model: (p) => p[0]!, n: 64, seed: 1, bootstrap: 0 }).mean.toFixed(2) // => "0.50"
 */
export interface UniformFactor {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/**
 * A factor drawn by its inverse CDF: `sample(u)` for u uniform in (0, 1), never 0 or 1.
 * @example
 * const coin: SampledFactor = { name: "coin", sample: (u) => (u < 0.5 ? 0 : 1) };
 * sobol({ factors: [coin], model: (p) => p[0]!, n: 64, seed: 1, bootstrap: 0 }).mean // => 0.5
 */
export interface SampledFactor {
  readonly name: string;
  readonly sample: (u: number) => number;
}

/**
 * An uncertain input of the model.
 * @example
 * const factors: SobolFactor[] = [{ name: "a", min: 0, max: 1 }, { name: "b", sample: (u) => 2 * u }];
 * sobol({ factors, model: (x) => x[0]! + x[1]!, n: 256, seed: 1, bootstrap: 0 }).factors // => ["a", "b"]
 */
export type SobolFactor = UniformFactor | SampledFactor;

/**
 * A model with one output: reads the factor values (a reused array, in factor order).
 * @example
 * const model: ScalarModel = (x) => x[0]! * x[1]!;
 * sobol({ factors: [{ name: "a", min: 0, max: 1 }, { name: "b", min: 0, max: 1 }], model, n: 512, seed: 1, bootstrap: 0 }).total.map((s) => s!.toFixed(1)) // => ["0.6", "0.6"]
 */
export type ScalarModel = (x: Float64Array) => number;

/**
 * A model with several outputs (one per body or group, say), evaluated one point at a time.
 * @example
 * const model: PointModel = { outputs: 2, evaluate: (x, out) => { out[0] = x[0]!; out[1] = 1 - x[0]!; } };
 * sobol({ factors: [{ name: "a", min: 0, max: 1 }], model, n: 64, seed: 1, bootstrap: 0 }).outputs.length // => 2
 */
export interface PointModel {
  readonly outputs: number;
  /** Writes the `outputs` results for the point `x` into `out` (both arrays are reused). */
  readonly evaluate: (x: Float64Array, out: Float64Array) => void;
}

/**
 * A vectorised model: evaluates a block of points at once.
 * @example
 * const model: BatchModel = { outputs: 1, evaluateBatch: (points, rows, out) => { for (let r = 0; r < rows; r++) out[r] = points[2 * r]! + points[2 * r + 1]!; } };
 * sobol({ factors: [{ name: "a", min: 0, max: 1 }, { name: "b", min: 0, max: 1 }], model, n: 256, seed: 1, bootstrap: 0 }).first.map((s) => s!.toFixed(1)) // => ["0.5", "0.5"]
 */
export interface BatchModel {
  readonly outputs: number;
  /**
   * Evaluates `rows` points, stored row after row in `points` (row r is
   * `points[r·k .. r·k + k)`), writing row r's outputs to `out[r·outputs .. r·outputs + outputs)`.
   */
  readonly evaluateBatch: (points: Float64Array, rows: number, out: Float64Array) => void;
  /** Points per call (default 4096, rounded to whole groups of k + 2 rows). */
  readonly batchSize?: number;
}

/**
 * Any of the three model forms.
 * @example
 * const models: SobolModel[] = [(x) => x[0]!, { outputs: 1, evaluate: (x, out) => { out[0] = x[0]!; } }];
 * models.map((model) => sobol({ factors: [{ name: "a", min: 0, max: 1 }], model, n: 64, seed: 1, bootstrap: 0 }).first[0]!.toFixed(1)) // => ["1.0", "1.0"]
 */
export type SobolModel = ScalarModel | PointModel | BatchModel;

/**
 * Options of {@link sobol}.
 * @example
 * const options: SobolOptions = { factors: [{ name: "a", min: 0, max: 1 }], model: (x) => x[0]!, n: 128, seed: 9, bootstrap: 0, outputNames: ["y"] };
 * sobol(options).output // => "y"
 */
export interface SobolOptions {
  readonly factors: readonly SobolFactor[];
  readonly model: SobolModel;
  /** Base sample size N (rows of A); the model runs N(k + 2) times. Powers of two suit the Sobol' sequence best. */
  readonly n: number;
  /** Seed of the scrambling (or of the pseudo-random points) and of the bootstrap. */
  readonly seed: number;
  /** Bootstrap replicates for the intervals (default 500; 0 for no intervals). */
  readonly bootstrap?: number;
  /** Level of the intervals (default 0.95). */
  readonly confidence?: number;
  /** `"sobol"` (default, scrambled Sobol' points, k ≤ 64) or `"random"` (xoshiro128** points). */
  readonly sampling?: "sobol" | "random";
  /** Names of the outputs (default "0", "1", ...). */
  readonly outputNames?: readonly string[];
  /**
   * Groups of factors whose indices are wanted together (the weights of one provenance status,
   * of one node...): each factor in exactly one group. The design then swaps a group's columns
   * at once (A_B^(g) is A with every column of group g from B), so the indices, one per group,
   * are the closed first-order and total indices of the group (Saltelli et al. 2008, §1.2.15;
   * Jansen 1999). Default: every factor its own group.
   */
  readonly groups?: readonly { readonly name: string; readonly factors: readonly string[] }[];
}

/**
 * The indices of one output. A null index means the output does not vary (V = 0).
 * @example
 * const y: SobolIndices = sobol({ factors: [{ name: "a", min: 0, max: 1 }], model: (x) => 2 * x[0]!, n: 256, seed: 1, bootstrap: 0 });
 * [y.first[0]!.toFixed(2), y.total[0]!.toFixed(2)] // => ["1.00", "1.00"]
 */
export interface SobolIndices {
  readonly output: string;
  /** Mean and variance (population, over the 2N rows of A and B) of the output. */
  readonly mean: number;
  readonly variance: number;
  /** First-order index of each factor, in factor order. */
  readonly first: readonly (number | null)[];
  /** Total index of each factor. */
  readonly total: readonly (number | null)[];
  /** Percentile bootstrap intervals (null without bootstrap or when V = 0). */
  readonly firstInterval: readonly (Interval | null)[];
  readonly totalInterval: readonly (Interval | null)[];
}

/**
 * The result of {@link sobol}: the indices of the first (or only) output, and of every output.
 * @example
 * const r: SobolResult = sobol({ factors: [{ name: "a", min: 0, max: 1 }, { name: "b", min: 0, max: 1 }], model: (x) => x[0]!, n: 128, seed: 1, bootstrap: 0 });
 * [r.n, r.evaluations, r.sampling] // => [128, 512, "sobol"]
 */
export interface SobolResult extends SobolIndices {
  /** What the indices are of: the factors, or the groups when `groups` was given. */
  readonly factors: readonly string[];
  /** The groups, as given (absent without `groups`). */
  readonly groups?: readonly { readonly name: string; readonly factors: readonly string[] }[];
  readonly n: number;
  /** Model evaluations (points): N(k + 2), with k the number of groups when grouped. */
  readonly evaluations: number;
  readonly sampling: "sobol" | "random";
  readonly seed: number;
  readonly bootstrap: number;
  readonly confidence: number;
  /** One entry per model output; `outputs[0]` repeats the top-level indices. */
  readonly outputs: readonly SobolIndices[];
}

/** Largest stored output table: N·(k + 2)·outputs doubles (2 GiB). */
const MAX_STORED = 2 ** 28;

function checkFactors(factors: readonly SobolFactor[]): void {
  if (!Array.isArray(factors) || factors.length === 0) throw new TypeError("sobol: factors must be a non-empty array");
  const names = new Set<string>();
  factors.forEach((f, i) => {
    if (f === null || typeof f !== "object" || typeof f.name !== "string" || f.name === "") {
      throw new TypeError(`sobol: factors[${i}] must be an object with a non-empty name`);
    }
    if (names.has(f.name)) throw new RangeError(`sobol: factor name "${f.name}" is used twice`);
    names.add(f.name);
    if ("sample" in f) {
      if (typeof f.sample !== "function") throw new TypeError(`sobol: factors[${i}].sample must be a function`);
    } else if (!Number.isFinite(f.min) || !Number.isFinite(f.max) || f.min > f.max) {
      throw new RangeError(`sobol: factors[${i}] ("${f.name}") needs finite min ≤ max, received ${String(f.min)} and ${String(f.max)}`);
    }
  });
}

/** Each factor's group (its own position without groups) and the names of the groups. */
function checkGroups(factors: readonly SobolFactor[], groups: SobolOptions["groups"]): { groupOf: Int32Array; names: string[] } {
  if (groups === undefined) return { groupOf: Int32Array.from(factors, (_, i) => i), names: factors.map((f) => f.name) };
  if (!Array.isArray(groups) || groups.length === 0) throw new TypeError("sobol: groups must be a non-empty array of { name, factors }");
  const position = new Map(factors.map((f, i) => [f.name, i]));
  const groupOf = new Int32Array(factors.length).fill(-1);
  const names = new Set<string>();
  groups.forEach((g, k) => {
    if (g === null || typeof g !== "object" || typeof g.name !== "string" || g.name === "" || !Array.isArray(g.factors) || g.factors.length === 0) {
      throw new TypeError(`sobol: groups[${k}] must be { name, factors } with a name and at least one factor`);
    }
    if (names.has(g.name)) throw new RangeError(`sobol: group name "${g.name}" is used twice`);
    names.add(g.name);
    for (const f of g.factors) {
      const i = position.get(f);
      if (i === undefined) throw new RangeError(`sobol: groups[${k}] ("${g.name}") names "${f}", which is not a factor`);
      if (groupOf[i] !== -1) throw new RangeError(`sobol: factor "${f}" is in two groups`);
      groupOf[i] = k;
    }
  });
  const loose = factors.findIndex((_, i) => groupOf[i] === -1);
  if (loose >= 0) throw new RangeError(`sobol: factor "${factors[loose]!.name}" is in no group; with groups, every factor belongs to one`);
  return { groupOf, names: [...names] };
}

/** The number of outputs and a block evaluator over `rows` points, whatever the model's form. */
function blockEvaluator(model: SobolModel, k: number, K: number): { outputs: number; blockRows: number; run: (points: Float64Array, rows: number, out: Float64Array) => void } {
  if (typeof model === "function") {
    const x = new Float64Array(k);
    return {
      outputs: 1,
      blockRows: 1024,
      run(points, rows, out) {
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < k; i++) x[i] = points[r * k + i]!;
          out[r] = model(x);
        }
      },
    };
  }
  if (model === null || typeof model !== "object" || !Number.isInteger(model.outputs) || model.outputs < 1) {
    throw new TypeError("sobol: model must be a function, or an object with an integer outputs ≥ 1 and evaluate or evaluateBatch");
  }
  const m = model.outputs;
  if ("evaluateBatch" in model && typeof model.evaluateBatch === "function") {
    const size = model.batchSize ?? 4096;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`sobol: model.batchSize must be a positive integer, received ${String(size)}`);
    return { outputs: m, blockRows: Math.max(1, Math.floor(size / (K + 2))), run: (points, rows, out) => model.evaluateBatch(points, rows, out) };
  }
  if ("evaluate" in model && typeof model.evaluate === "function") {
    const x = new Float64Array(k);
    const y = new Float64Array(m);
    return {
      outputs: m,
      blockRows: 1024,
      run(points, rows, out) {
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < k; i++) x[i] = points[r * k + i]!;
          model.evaluate(x, y);
          for (let o = 0; o < m; o++) out[r * m + o] = y[o]!;
        }
      },
    };
  }
  throw new TypeError("sobol: a model object needs an evaluate or an evaluateBatch function");
}

/**
 * The estimators for one output whose columns f(A), f(B), f(A_B^(1)), ..., f(A_B^(k)) lie one
 * after another, n values each, from `y[base]`: the population variance of the 2N values of A and
 * B (returned), then S_i (Saltelli 2010) and S_Ti (Jansen) written into `first` and `total`.
 *
 * Every sum is compensated (Kahan). Kahan's update is a chain of dependent additions, so each loop
 * carries two independent sums side by side, which the processor overlaps. Top-level and
 * closure-free, so the engine optimises it once for every call.
 */
function estimate(y: Float64Array, base: number, n: number, k: number, first: Float64Array, total: Float64Array): number {
  const fa = base;
  const fb = base + n;
  let s1 = 0;
  let c1 = 0;
  let s2 = 0;
  let c2 = 0;
  for (let j = 0; j < n; j++) {
    const v1 = y[fa + j]! - c1;
    const t1 = s1 + v1;
    c1 = t1 - s1 - v1;
    s1 = t1;
    const v2 = y[fb + j]! - c2;
    const t2 = s2 + v2;
    c2 = t2 - s2 - v2;
    s2 = t2;
  }
  const mean = (s1 + s2) / (2 * n);
  s1 = c1 = s2 = c2 = 0;
  for (let j = 0; j < n; j++) {
    const da = y[fa + j]! - mean;
    const v1 = da * da - c1;
    const t1 = s1 + v1;
    c1 = t1 - s1 - v1;
    s1 = t1;
    const db = y[fb + j]! - mean;
    const v2 = db * db - c2;
    const t2 = s2 + v2;
    c2 = t2 - s2 - v2;
    s2 = t2;
  }
  const variance = (s1 + s2) / (2 * n);
  for (let i = 0; i < k; i++) {
    const fab = base + (2 + i) * n;
    s1 = c1 = s2 = c2 = 0;
    for (let j = 0; j < n; j++) {
      const a = y[fa + j]!;
      const ab = y[fab + j]!;
      const v1 = y[fb + j]! * (ab - a) - c1; // f(B)(f(A_B) − f(A))
      const t1 = s1 + v1;
      c1 = t1 - s1 - v1;
      s1 = t1;
      const d = a - ab;
      const v2 = d * d - c2; // (f(A) − f(A_B))²
      const t2 = s2 + v2;
      c2 = t2 - s2 - v2;
      s2 = t2;
    }
    first[i] = s1 / n / variance;
    total[i] = s2 / (2 * n) / variance;
  }
  return variance;
}

/** Copies output o's k + 2 columns of `y`, rows taken in the order `rows`, into `g` (same layout, base 0). */
function gather(y: Float64Array, base: number, n: number, k: number, rows: Int32Array, g: Float64Array): void {
  for (let role = 0; role < k + 2; role++) {
    const from = base + role * n;
    const to = role * n;
    for (let j = 0; j < n; j++) g[to + j] = y[from + rows[j]!]!;
  }
}

/** Mean of A's and B's columns (compensated), for the result. */
function meanOf(y: Float64Array, base: number, n: number): number {
  let s = 0;
  let c = 0;
  for (let j = base; j < base + 2 * n; j++) {
    const v = y[j]! - c;
    const t = s + v;
    c = t - s - v;
    s = t;
  }
  return s / (2 * n);
}

/**
 * Computes first-order and total Sobol' indices of a model by the Saltelli design, with the
 * Saltelli 2010 (first order) and Jansen (total) estimators and percentile bootstrap intervals.
 *
 * The model sees factor values in factor order. It may return one number, or several outputs
 * (`{ outputs, evaluate }` one point at a time, or `{ outputs, evaluateBatch }` a block of points
 * at a time), and gets indices per output. All outputs are kept until the end (8·N·(k+2)·outputs
 * bytes). Same seed, same options: the same result to the bit, on any engine.
 * @param options - factors, model, base sample size `n`, `seed`; optional `bootstrap` (default
 *   500), `confidence` (0.95), `sampling` ("sobol"), `outputNames`
 * @returns the indices of output 0 at the top level, and every output's in `outputs`
 * @throws TypeError for a malformed factor or model; RangeError for n < 2, a bad seed, bootstrap
 *   or confidence, more than 64 factors with Sobol' sampling, a model value that is not finite, or
 *   an output table over 2^28 numbers
 * @example
 * const r = sobol({
 *   factors: [{ name: "x1", min: 0, max: 1 }, { name: "x2", min: 0, max: 1 }],
 *   model: (x) => x[0]! + 2 * x[1]!,
 *   n: 1024, seed: 1, bootstrap: 0,
 * });
 * r.first.map((s) => s!.toFixed(2)) // => ["0.20", "0.80"]
 */
export function sobol(options: SobolOptions): SobolResult {
  if (options === null || typeof options !== "object") throw new TypeError("sobol: expected an options object");
  const { factors, model, n, seed } = options;
  const bootstrap = options.bootstrap ?? 500;
  const confidence = options.confidence ?? 0.95;
  const sampling = options.sampling ?? "sobol";
  checkFactors(factors);
  checkCount("sobol", "n", n, 2);
  checkSeed("sobol", seed);
  checkCount("sobol", "bootstrap", bootstrap, 0);
  checkConfidence("sobol", confidence);
  if (sampling !== "sobol" && sampling !== "random") throw new RangeError(`sobol: sampling must be "sobol" or "random", received ${String(sampling)}`);
  const k = factors.length;
  const { groupOf, names: indexNames } = checkGroups(factors, options.groups);
  const K = indexNames.length;
  if (sampling === "sobol" && 2 * k > SOBOL_MAX_DIMENSION) {
    throw new RangeError(`sobol: Sobol' sampling takes at most ${SOBOL_MAX_DIMENSION / 2} factors (2k dimensions), received ${k}; use sampling: "random"`);
  }
  const { outputs: m, blockRows, run } = blockEvaluator(model, k, K);
  const names = options.outputNames ?? Array.from({ length: m }, (_, o) => String(o));
  if (names.length !== m) throw new RangeError(`sobol: outputNames has ${names.length} names for ${m} outputs`);
  if (n * (K + 2) * m > MAX_STORED) {
    throw new RangeError(`sobol: n·(k + 2)·outputs = ${n * (K + 2) * m} exceeds ${MAX_STORED}; use a smaller n or fewer outputs`);
  }

  // Uniform (0, 1) points: 2k coordinates per row.
  const pointRandom: Random = substream(seed, 0);
  const sequence = sampling === "sobol" ? createSobolSequence(2 * k, pointRandom) : null;
  const u = new Float64Array(2 * k);
  const low = Float64Array.from(factors, (f) => ("sample" in f ? 0 : f.min));
  const width = Float64Array.from(factors, (f) => ("sample" in f ? 0 : f.max - f.min));
  const samplers = factors.map((f) => ("sample" in f ? f.sample : null));

  const y = new Float64Array(n * (K + 2) * m);
  const points = new Float64Array(blockRows * (K + 2) * k);
  const out = new Float64Array(blockRows * (K + 2) * m);
  for (let start = 0; start < n; start += blockRows) {
    const rows = Math.min(blockRows, n - start);
    for (let r = 0; r < rows; r++) {
      if (sequence) sequence.next(u);
      else for (let d = 0; d < 2 * k; d++) u[d] = pointRandom.nextOpen();
      const at = r * (K + 2) * k;
      for (let i = 0; i < k; i++) {
        const sampler = samplers[i];
        const a = sampler ? sampler(u[i]!) : low[i]! + width[i]! * u[i]!;
        const b = sampler ? sampler(u[k + i]!) : low[i]! + width[i]! * u[k + i]!;
        points[at + i] = a; // A
        points[at + k + i] = b; // B
        const g = groupOf[i]!;
        for (let p = 0; p < K; p++) points[at + (2 + p) * k + i] = p === g ? b : a; // A_B^(p)
      }
    }
    run(points, rows * (K + 2), out);
    for (let r = 0; r < rows; r++) {
      for (let role = 0; role < K + 2; role++) {
        for (let o = 0; o < m; o++) {
          const v = out[(r * (K + 2) + role) * m + o]!;
          if (!Number.isFinite(v)) {
            const at = (r * (K + 2) + role) * k;
            throw new RangeError(`sobol: the model returned ${String(v)} for output ${names[o]} at x = [${Array.from(points.subarray(at, at + k)).join(", ")}]`);
          }
          y[(o * (K + 2) + role) * n + start + r] = v;
        }
      }
    }
  }

  // Bootstrap row resamples: the same for every output (each output replays the bootstrap stream
  // from its start), so they are drawn as needed rather than stored.
  const bootStart = substream(seed, 1);
  const alpha = (1 - confidence) / 2;
  const results: SobolIndices[] = [];
  const g = new Float64Array(bootstrap > 0 ? (K + 2) * n : 0);
  const rows = new Int32Array(bootstrap > 0 ? n : 0);
  const repFirst = new Float64Array(K);
  const repTotal = new Float64Array(K);
  for (let o = 0; o < m; o++) {
    const base = o * (K + 2) * n;
    const first = new Float64Array(K);
    const total = new Float64Array(K);
    const variance = estimate(y, base, n, K, first, total);
    const varies = variance > 0;
    let firstInterval: (Interval | null)[] = Array.from({ length: K }, () => null);
    let totalInterval: (Interval | null)[] = Array.from({ length: K }, () => null);
    if (varies && bootstrap > 0) {
      const firstReps = Array.from({ length: K }, () => new Float64Array(bootstrap));
      const totalReps = Array.from({ length: K }, () => new Float64Array(bootstrap));
      const bootRandom = bootStart.clone();
      for (let b = 0; b < bootstrap; b++) {
        bootRandom.fillInts(n, rows);
        gather(y, base, n, K, rows, g);
        const repVariance = estimate(g, 0, n, K, repFirst, repTotal);
        for (let i = 0; i < K; i++) {
          // A resample with no variance (possible for tiny n) counts as an index of 0.
          firstReps[i]![b] = repVariance > 0 ? repFirst[i]! : 0;
          totalReps[i]![b] = repVariance > 0 ? repTotal[i]! : 0;
        }
      }
      firstInterval = firstReps.map((reps) => quantileInterval(reps, alpha, 1 - alpha));
      totalInterval = totalReps.map((reps) => quantileInterval(reps, alpha, 1 - alpha));
    }
    results.push({
      output: names[o]!,
      mean: meanOf(y, base, n),
      variance,
      first: Array.from(first, (v) => (varies ? v : null)),
      total: Array.from(total, (v) => (varies ? v : null)),
      firstInterval,
      totalInterval,
    });
  }
  return {
    ...results[0]!,
    factors: indexNames,
    ...(options.groups !== undefined ? { groups: options.groups.map((gr) => ({ name: gr.name, factors: [...gr.factors] })) } : {}),
    n,
    evaluations: n * (K + 2),
    sampling,
    seed,
    bootstrap,
    confidence,
    outputs: results,
  };
}
