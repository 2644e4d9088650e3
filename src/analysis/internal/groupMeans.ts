/**
 * Group means of one replication's body values, without allocating: what Monte Carlo and Sobol'
 * runs compute for every grouping (state, type, level) and the national mean. Internal.
 */

/** Scratch for the group means of one grouping: compensated sums and counts per group. */
export interface MeanScratch {
  readonly sum: Float64Array;
  readonly comp: Float64Array;
  readonly count: Int32Array;
}

/** Scratch for `groups` groups. */
export function meanScratch(groups: number): MeanScratch {
  return { sum: new Float64Array(groups), comp: new Float64Array(groups), count: new Int32Array(groups) };
}

/**
 * Means of one replication's body values per group (`of[b]` = body b's group, -1 for none; a
 * single group of every body for the national mean), over the bodies scored, with compensated
 * sums (each addition's rounding error recovered exactly by Knuth's TwoSum, without a branch,
 * and added at the end). A group with no body scored gets NaN.
 */
export function groupMeans(of: Int32Array | null, values: Float64Array, n: number, t: MeanScratch, out: Float64Array): void {
  const { sum, comp, count } = t;
  sum.fill(0);
  comp.fill(0);
  count.fill(0);
  for (let b = 0; b < n; b++) {
    const gi = of === null ? 0 : of[b]!;
    const v = values[b]!;
    if (gi < 0 || v !== v) continue;
    const s = sum[gi]!;
    const x = s + v;
    const z = x - s;
    comp[gi]! += s - (x - z) + (v - z);
    sum[gi] = x;
    count[gi]!++;
  }
  for (let gi = 0; gi < count.length; gi++) out[gi] = count[gi]! > 0 ? (sum[gi]! + comp[gi]!) / count[gi]! : Number.NaN;
}
