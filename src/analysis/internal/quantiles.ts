/**
 * Quantiles of Monte Carlo columns without sorting them: the same numbers as simple-statistics'
 * `quantileSorted` on the sorted column (which `bootstrapMeans` and `sobol` use), found by
 * selection in O(n) for doubles and by counting for integer ranks. Internal.
 */

/**
 * Rearranges `a[from .. to)` so that `a[k]` holds the value a sort would put there, everything
 * before it is ≤ and everything after it ≥ (quickselect: median-of-three pivot and a three-way
 * partition, so long runs of equal values cost one pass).
 * @returns a[k]
 */
export function selectInPlace(a: Float64Array, from: number, to: number, k: number): number {
  let lo = from;
  let hi = to;
  for (;;) {
    if (hi - lo <= 16) {
      for (let i = lo + 1; i < hi; i++) {
        const v = a[i]!;
        let j = i - 1;
        while (j >= lo && a[j]! > v) {
          a[j + 1] = a[j]!;
          j--;
        }
        a[j + 1] = v;
      }
      return a[k]!;
    }
    const x = a[lo]!;
    const y = a[lo + ((hi - lo) >>> 1)]!;
    const z = a[hi - 1]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = lo;
    let i = lo;
    let gt = hi;
    while (i < gt) {
      const v = a[i]!;
      if (v < pivot) {
        a[i] = a[lt]!;
        a[lt] = v;
        lt++;
        i++;
      } else if (v > pivot) {
        gt--;
        a[i] = a[gt]!;
        a[gt] = v;
      } else i++;
    }
    if (k < lt) hi = lt;
    else if (k >= gt) lo = gt;
    else return pivot;
  }
}

/**
 * The p-quantile of `a[from .. to)` as `quantileSorted` gives it on the sorted values: with
 * L values and idx = L·p, the smallest value for p = 0, the largest for p = 1, the ⌈idx⌉-th
 * smallest when idx is not whole, else the mean of the idx-th and (idx + 1)-th smallest for even
 * L and the (idx + 1)-th for odd L. Reorders the range (values are kept).
 * @param a - the column
 * @param from - first position
 * @param to - end (exclusive); at least one value
 * @param p - probability in [0, 1]
 */
export function quantileInPlace(a: Float64Array, from: number, to: number, p: number): number {
  const n = to - from;
  const k = kthIndex(n, p);
  const v = selectInPlace(a, from, to, from + k);
  if (!averaged(n, p)) return v;
  return (v + selectInPlace(a, from, to, from + k + 1)) / 2;
}

/**
 * The same quantile of integer ranks from their counts: `counts[r]` replications had rank r.
 * @param counts - counts per rank, index 0 unused
 * @param n - total count (at least 1)
 * @param p - probability in [0, 1]
 */
export function quantileOfCounts(counts: Int32Array, n: number, p: number): number {
  const k = kthIndex(n, p);
  const v = kthOfCounts(counts, k);
  if (!averaged(n, p)) return v;
  return (v + kthOfCounts(counts, k + 1)) / 2;
}

/** 0-based order statistic `quantileSorted` reads first. */
function kthIndex(n: number, p: number): number {
  if (p === 1) return n - 1;
  if (p === 0) return 0;
  const idx = n * p;
  if (idx % 1 !== 0) return Math.ceil(idx) - 1;
  return n % 2 === 0 ? idx - 1 : idx;
}

/** Whether `quantileSorted` averages two neighbours. */
function averaged(n: number, p: number): boolean {
  return p !== 0 && p !== 1 && (n * p) % 1 === 0 && n % 2 === 0;
}

/** The k-th smallest (0-based) of the values counted. */
function kthOfCounts(counts: Int32Array, k: number): number {
  let seen = 0;
  for (let r = 0; r < counts.length; r++) {
    seen += counts[r]!;
    if (seen > k) return r;
  }
  return counts.length - 1;
}
