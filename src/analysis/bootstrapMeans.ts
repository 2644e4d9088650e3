/**
 * Bootstrap confidence intervals for group means (the state, type and level tables), resampling
 * bodies with replacement within each group.
 *
 * - **percentile**: the α/2 and 1 − α/2 quantiles of the replicate means.
 * - **BCa** (bias-corrected and accelerated; Efron 1987, Efron and Tibshirani 1993 §14.3): the
 *   quantiles at α₁ = Φ(z₀ + (z₀ + z_{α/2}) / (1 − a(z₀ + z_{α/2}))) and α₂ likewise with
 *   z_{1−α/2}, where z₀ = Φ⁻¹(share of replicates below the group's mean) corrects median bias and
 *   the acceleration a = Σ d_i³ / (6 (Σ d_i²)^{3/2}), d_i = θ̄₍.₎ − θ₍ᵢ₎ over the jackknife means
 *   θ₍ᵢ₎ (the mean without body i), corrects for skewness.
 *
 * Each group draws from its own stream, `substream(seed, g)` for the g-th group in first-seen order,
 * so a group's interval depends only on the seed, its position and its own values.
 *
 * Edge cases: a group whose values are all equal (including a group of one body) has every
 * replicate equal to its mean, so its interval is [mean, mean]; such an interval is marked
 * `degenerate: true`, because it measures nothing about sampling uncertainty (one body, or no
 * spread). When BCa's z₀ is infinite (every replicate on one side of the mean, possible in tiny
 * groups) or its acceleration undefined, the group falls back to the percentile interval and an
 * issue `bca_fallback` says so.
 *
 * References: B. Efron, "Better bootstrap confidence intervals", JASA 82 (1987) 171–185;
 * B. Efron and R. J. Tibshirani, An Introduction to the Bootstrap, Chapman & Hall, 1993.
 */
import { resolveState } from "../catalog/states.js";
import type { Issue } from "../issue.js";
import type { BodyScore } from "../score/scoreBody.js";
import { checkConfidence, checkCount, quantileInterval } from "./internal/interval.js";
import { normalCdf, normalQuantile } from "./portableMath.js";
import { checkSeed, createRandom } from "./random.js";

/**
 * Options of {@link bootstrapMeans}.
 * @example
 * const options: BootstrapOptions = { seed: 7, replicates: 500, method: "percentile", confidence: 0.9 };
 * bootstrapMeans([0.1, 0.3, 0.5], ["x", "x", "x"], options).confidence // => 0.9
 */
export interface BootstrapOptions {
  /** Replicates per group (default 2000). */
  readonly replicates?: number;
  /** Level of the intervals (default 0.95). */
  readonly confidence?: number;
  /** `"percentile"` (default) or `"bca"`. */
  readonly method?: "percentile" | "bca";
  readonly seed: number;
}

/**
 * One group's mean and interval.
 * @example
 * const g: GroupInterval = bootstrapMeans([0.2, 0.4, 0.6], ["a", "a", "a"], { seed: 1 }).groups[0]!;
 * [g.key, g.n, g.mean.toFixed(2), g.low <= g.mean && g.mean <= g.high] // => ["a", 3, "0.40", true]
 */
export interface GroupInterval {
  readonly key: string;
  /** Bodies with a value (the resampled set). */
  readonly n: number;
  /** Bodies of the group whose value was null or NaN (not scored), left out. */
  readonly excluded: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** Standard deviation of the replicate means (the bootstrap standard error). */
  readonly se: number;
  /** The method actually used (BCa may fall back to percentile). */
  readonly method: "percentile" | "bca";
  /** Every replicate equals the mean: one body or no spread; the interval says nothing. */
  readonly degenerate: boolean;
  /** BCa only: bias correction z₀ and acceleration a. */
  readonly z0?: number;
  readonly acceleration?: number;
}

/**
 * The result of {@link bootstrapMeans}.
 * @example
 * const r: BootstrapResult = bootstrapMeans([0.2, 0.4], ["a", "a"], { seed: 1 });
 * [r.method, r.replicates, r.confidence] // => ["percentile", 2000, 0.95]
 */
export interface BootstrapResult {
  readonly method: "percentile" | "bca";
  readonly confidence: number;
  readonly replicates: number;
  readonly seed: number;
  /** Groups in first-seen order; a group whose every value was excluded is omitted and reported in `issues`. */
  readonly groups: readonly GroupInterval[];
  readonly issues: readonly Issue[];
}

/** Compensated (Neumaier) mean of `values[0..n)`. */
function meanOf(values: Float64Array, n: number): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return (s + c) / n;
}

/**
 * Bootstrap confidence intervals for the mean of each group, resampling within groups.
 *
 * A value of `null` or `NaN` is a body without a score (not applicable or missing) and is left
 * out, counted in `excluded`. Empty input gives no groups.
 * @param values - one value per body
 * @param groups - one group key per body, same length (use one key for a national interval)
 * @param options - `seed` (required), `replicates` (2000), `confidence` (0.95), `method` ("percentile")
 * @returns one interval per group, in first-seen order
 * @throws RangeError when the lengths differ, a value is ±Infinity, or an option is out of range;
 *   TypeError when a key is not a string
 * @example
 * const r = bootstrapMeans([0.2, 0.4, 0.6, 0.5, 0.5], ["a", "a", "a", "b", "b"], { seed: 1 });
 * r.groups.map((g) => [g.key, g.mean.toFixed(2), g.degenerate]) // => [["a", "0.40", false], ["b", "0.50", true]]
 */
export function bootstrapMeans(
  values: ArrayLike<number | null>,
  groups: ArrayLike<string>,
  options: BootstrapOptions,
): BootstrapResult {
  if (options === null || typeof options !== "object") throw new TypeError("bootstrapMeans: expected an options object with a seed");
  const replicates = options.replicates ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const method = options.method ?? "percentile";
  checkSeed("bootstrapMeans", options.seed);
  checkCount("bootstrapMeans", "replicates", replicates, 1);
  checkConfidence("bootstrapMeans", confidence);
  if (method !== "percentile" && method !== "bca") throw new RangeError(`bootstrapMeans: method must be "percentile" or "bca", received ${String(method)}`);
  if (values.length !== groups.length) {
    throw new RangeError(`bootstrapMeans: values has ${values.length} entries but groups has ${groups.length}`);
  }

  // Collect each group's values in first-seen order.
  const byKey = new Map<string, { values: number[]; excluded: number }>();
  for (let i = 0; i < values.length; i++) {
    const key = groups[i];
    if (typeof key !== "string") throw new TypeError(`bootstrapMeans: groups[${i}] must be a string, received ${typeof key}`);
    const v = values[i];
    let g = byKey.get(key);
    if (!g) {
      g = { values: [], excluded: 0 };
      byKey.set(key, g);
    }
    if (v === null || v === undefined || Number.isNaN(v)) g.excluded++;
    else if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`bootstrapMeans: values[${i}] must be a finite number or null, received ${String(v)}`);
    else g.values.push(v);
  }

  const alpha = (1 - confidence) / 2;
  const issues: Issue[] = [];
  const out: GroupInterval[] = [];
  // Stream g is the seed's stream jumped g times: keep one generator and jump it once per group.
  const streams = createRandom(options.seed);
  for (const [key, g] of byKey) {
    const random = streams.clone();
    streams.jump();
    const n = g.values.length;
    if (n === 0) {
      issues.push({ code: "empty_group", path: key, message: `group "${key}" has no body with a value (${g.excluded} left out)` });
      continue;
    }
    const x = Float64Array.from(g.values);
    const mean = meanOf(x, n);
    const reps = new Float64Array(replicates);
    const idx = new Int32Array(n);
    for (let b = 0; b < replicates; b++) {
      // One resample: n draws with replacement, summed (compensated).
      random.fillInts(n, idx);
      let s = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const v = x[idx[i]!]!;
        const t = s + v;
        c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
        s = t;
      }
      reps[b] = (s + c) / n;
    }
    const repMean = meanOf(reps, replicates);
    const se = replicates > 1 ? Math.sqrt(meanOf(reps.map((r) => (r - repMean) * (r - repMean)), replicates) * (replicates / (replicates - 1))) : 0;
    let degenerate = true;
    for (let i = 1; i < n; i++) if (x[i] !== x[0]) degenerate = false;
    if (degenerate) {
      out.push({ key, n, excluded: g.excluded, mean, low: mean, high: mean, se: 0, method, degenerate: true });
      continue;
    }
    let below = 0;
    for (let b = 0; b < replicates; b++) if (reps[b]! < mean) below++;
    let used: "percentile" | "bca" = method;
    let lo = alpha;
    let hi = 1 - alpha;
    let bca: { z0: number; acceleration: number } | undefined;
    if (method === "bca") {
      // Jackknife means: θ(i) = (S − x_i)/(n − 1); d_i = θ̄ − θ(i).
      let num = 0;
      let den = 0;
      if (n > 1) {
        const sum = mean * n;
        const jack = x.map((xi) => (sum - xi) / (n - 1));
        const jackMean = meanOf(jack, n);
        for (let i = 0; i < n; i++) {
          const d = jackMean - jack[i]!;
          num += d * d * d;
          den += d * d;
        }
      }
      const z0 = normalQuantile(below / replicates);
      const acceleration = den > 0 ? num / (6 * den * Math.sqrt(den)) : Number.NaN;
      const zl = normalQuantile(alpha);
      const zh = normalQuantile(1 - alpha);
      const dl = 1 - acceleration * (z0 + zl);
      const dh = 1 - acceleration * (z0 + zh);
      if (!Number.isFinite(z0) || !Number.isFinite(acceleration) || !(dl > 0) || !(dh > 0)) {
        used = "percentile";
        const why = !Number.isFinite(z0) ? `${below} of ${replicates} replicates fall below the mean` : !Number.isFinite(acceleration) ? "the jackknife has no spread" : "the acceleration is too large";
        issues.push({ code: "bca_fallback", path: key, message: `group "${key}": BCa is undefined here (${why}); the percentile interval is given` });
      } else {
        lo = normalCdf(z0 + (z0 + zl) / dl);
        hi = normalCdf(z0 + (z0 + zh) / dh);
        bca = { z0, acceleration };
      }
    }
    const [low, high] = quantileInterval(reps, lo, hi);
    out.push({ key, n, excluded: g.excluded, mean, low, high, se, method: used, degenerate: false, ...(bca ?? {}) });
  }
  return { method, confidence, replicates, seed: options.seed, groups: out, issues };
}

/**
 * Options of {@link bootstrapScores}.
 * @example
 * const options: BootstrapScoresOptions = { node: "tg", seed: 3 };
 * bootstrapScores([scoreBody(rubric, { values: { TG: 0.5 } })], options).groups[0]!.mean // => 0.5
 */
export interface BootstrapScoresOptions extends BootstrapOptions {
  /** Node code whose group means are bootstrapped (default: each body's root value). */
  readonly node?: string;
  /** Field of `BodyScore.fields` to group by (`state`, `type`, `level`, ...); omit for one national group. */
  readonly by?: string;
}

/**
 * {@link bootstrapMeans} over scored bodies: the node's value per body (null unless scored),
 * grouped by one of the bodies' fields. State names are matched through `resolveState`, so
 * "CDMX" and "Ciudad de México" are one group, keyed by the canonical name; other keys are used
 * as written. A body without the field falls in the group "" (empty key). No bodies give no groups.
 * @param scores - the bodies' results
 * @param options - `node` (default the root), `by` (default national), and the bootstrap options
 * @returns one interval per group, in first-seen order (the national group is keyed "national")
 * @throws RangeError for a node no body has, and as {@link bootstrapMeans}
 * @example
 * const rubric = loadEdition("2017");
 * const scores = ["CDMX", "Ciudad de México", "Jalisco"].map((state) =>
 *   scoreBody(rubric, { fields: { state }, values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }));
 * bootstrapScores(scores, { by: "state", seed: 1 }).groups.map((g) => [g.key, g.n]) // => [["Ciudad de México", 2], ["Jalisco", 1]]
 */
export function bootstrapScores(scores: readonly BodyScore[], options: BootstrapScoresOptions): BootstrapResult {
  if (!Array.isArray(scores as unknown)) throw new TypeError("bootstrapScores: scores must be an array of body results");
  const { node, by } = options ?? {};
  const values: (number | null)[] = [];
  const groups: string[] = [];
  let found = node === undefined;
  for (const score of scores) {
    let value: number | null;
    if (node === undefined) value = score.status === "scored" ? score.value : null;
    else {
      const n = score.nodes.find((x) => x.code === node);
      if (n) found = true;
      value = n && n.status === "scored" ? n.value : null;
    }
    values.push(value);
    let key = "national";
    if (by !== undefined) {
      key = score.fields?.[by] ?? "";
      if (by === "state") {
        const s = resolveState(key);
        if (s.ok) key = s.state.name;
      }
    }
    groups.push(key);
  }
  if (!found && scores.length > 0) throw new RangeError(`bootstrapScores: no body has a node "${String(node)}"`);
  return bootstrapMeans(values, groups, options);
}
