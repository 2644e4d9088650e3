/**
 * Correlation and reliability coefficients for the audit: Pearson, Spearman (with average ranks
 * for ties) and Cronbach's alpha. Pearson and the variances come from simple-statistics.
 */
import { sampleCorrelation, sampleVariance } from "simple-statistics";

/**
 * Average ranks (1-based; tied values share the mean of the ranks they span), as Spearman's
 * coefficient needs them. simple-statistics' `sampleRankCorrelation` gives tied values distinct
 * ranks in input order, which is wrong for data with many ties such as 0/1 indicators.
 * @param x - the values (finite)
 * @returns the average rank of each value, in input order
 * @example
 * averageRanks([10, 20, 20, 5]) // => [2, 3.5, 3.5, 1]
 */
export function averageRanks(x: readonly number[]): number[] {
  const order = x.map((_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Array<number>(x.length);
  for (let p = 0; p < order.length; ) {
    let q = p;
    while (q + 1 < order.length && x[order[q + 1]!] === x[order[p]!]) q++;
    const r = (p + q) / 2 + 1;
    for (let t = p; t <= q; t++) ranks[order[t]!] = r;
    p = q + 1;
  }
  return ranks;
}

/**
 * Pearson's correlation coefficient (simple-statistics `sampleCorrelation`).
 * @param x - first variable
 * @param y - second variable, same length
 * @returns r in [-1, 1], or null with fewer than 2 pairs or when either variable is constant
 * @throws RangeError when the lengths differ
 * @example
 * pearson([1, 2, 3], [2, 4, 7])?.toFixed(4) // => "0.9934"
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`pearson: x has ${x.length} values but y has ${y.length}`);
  if (x.length < 2) return null;
  const r = sampleCorrelation(x as number[], y as number[]);
  return Number.isFinite(r) ? Math.max(-1, Math.min(1, r)) : null;
}

/**
 * Spearman's rank correlation: Pearson's coefficient of the average ranks.
 * @param x - first variable
 * @param y - second variable, same length
 * @returns ρ in [-1, 1], or null with fewer than 2 pairs or when either variable is constant
 * @throws RangeError when the lengths differ
 * @example
 * spearman([1, 2, 3, 4], [1, 3, 2, 4])?.toFixed(4) // => "0.8000"
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`spearman: x has ${x.length} values but y has ${y.length}`);
  if (x.length < 2) return null;
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Cronbach's alpha of k items over n respondents (bodies):
 * α = k/(k − 1) · (1 − Σ s²_i / s²_T), with s²_i each item's sample variance and s²_T the sample
 * variance of the unweighted item totals.
 * @param items - k ≥ 2 columns of n values each (same n, no missing values)
 * @returns α (at most 1, unbounded below), or null when n < 2 or the totals do not vary
 * @throws RangeError with fewer than 2 items or columns of different lengths
 * @example
 * cronbachAlpha([[1, 2, 3], [1, 2, 3]]) // => 1
 */
export function cronbachAlpha(items: readonly (readonly number[])[]): number | null {
  const k = items.length;
  if (k < 2) throw new RangeError(`cronbachAlpha: needs at least 2 items, received ${k}`);
  const n = items[0]!.length;
  if (items.some((c) => c.length !== n)) throw new RangeError("cronbachAlpha: every item needs the same number of values");
  if (n < 2) return null;
  const totals = Array.from({ length: n }, (_, j) => items.reduce((s, c) => s + c[j]!, 0));
  const totalVariance = sampleVariance(totals);
  if (!(totalVariance > 0)) return null;
  const itemVariance = items.reduce((s, c) => s + sampleVariance(c as number[]), 0);
  return (k / (k - 1)) * (1 - itemVariance / totalVariance);
}
