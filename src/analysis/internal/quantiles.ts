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

/** Buckets of the bucketed quantiles; below 4 values a bucket, selection is as fast. */
const BUCKETS = 1024;

/**
 * Several quantiles of `a[from .. to)` at once, each as {@link quantileInPlace} gives it; the
 * range is left as it was.
 *
 * The order statistics they need are found in three linear passes instead of by selection over
 * the whole column: the range's minimum and maximum, then a count of its values in 1,024 equal
 * buckets between them (the bucket of v is ⌊(v − min)·1024/(max − min)⌋, which never decreases as
 * v grows, so every value of a bucket is ≤ every value of the next), then a copy of the values of
 * the few buckets holding a needed order statistic, where selection finishes the job. A column of
 * 10,000 Monte Carlo scores costs about three reads of it.
 * @param ps - probabilities in [0, 1]
 * @param out - receives one quantile per probability
 * @param range - the range's minimum and maximum when the caller knows them (saves a pass)
 */
export function quantilesOf(a: Float64Array, from: number, to: number, ps: readonly number[], out: Float64Array, range?: readonly [number, number]): void {
  const n = to - from;
  const ks: number[] = [];
  for (const p of ps) {
    const k = kthIndex(n, p);
    ks.push(k);
    if (averaged(n, p)) ks.push(k + 1);
  }
  const unique = [...new Set(ks)].sort((x, y) => x - y);
  const stat = new Map<number, number>();
  if (n <= 4 * BUCKETS) {
    const copy = a.slice(from, to);
    selectMany(copy, 0, n, unique, 0, unique.length);
    for (const k of unique) stat.set(k, copy[k]!);
  } else bucketed(a, from, to, unique, stat, range);
  ps.forEach((p, i) => {
    const k = kthIndex(n, p);
    out[i] = averaged(n, p) ? (stat.get(k)! + stat.get(k + 1)!) / 2 : stat.get(k)!;
  });
}

/** The order statistics `ks` (0-based, ascending) of `a[from .. to)`, by buckets (see above). */
function bucketed(a: Float64Array, from: number, to: number, ks: readonly number[], stat: Map<number, number>, range?: readonly [number, number]): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  if (range !== undefined) [min, max] = range;
  else {
    for (let i = from; i < to; i++) {
      const v = a[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!(max > min) || !Number.isFinite(max - min)) {
    const copy = a.slice(from, to);
    selectMany(copy, 0, to - from, ks, 0, ks.length);
    for (const k of ks) stat.set(k, copy[k]!);
    return;
  }
  const scale = BUCKETS / (max - min);
  const bucketOf = (v: number) => {
    const b = Math.floor((v - min) * scale);
    return b < BUCKETS ? b : BUCKETS - 1;
  };
  const counts = new Int32Array(BUCKETS);
  for (let i = from; i < to; i++) counts[bucketOf(a[i]!)]!++;
  // For each needed order statistic: its bucket, and how many values lie in lower buckets.
  const start = new Int32Array(BUCKETS + 1);
  for (let b = 0; b < BUCKETS; b++) start[b + 1] = start[b]! + counts[b]!;
  const wanted = new Int32Array(BUCKETS).fill(-1);
  const buckets: number[] = [];
  for (const k of ks) {
    let lo = 0;
    let hi = BUCKETS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (start[mid + 1]! > k) hi = mid;
      else lo = mid + 1;
    }
    if (wanted[lo] === -1) {
      wanted[lo] = 0;
      buckets.push(lo);
    }
  }
  // Copy the values of those buckets, each bucket to its own segment, then select within it.
  let size = 0;
  for (const b of buckets) {
    wanted[b] = size;
    size += counts[b]!;
  }
  const copy = new Float64Array(size);
  const fill = Int32Array.from(buckets, (b) => wanted[b]!);
  const slot = new Int32Array(BUCKETS).fill(-1);
  buckets.forEach((b, j) => (slot[b] = j));
  for (let i = from; i < to; i++) {
    const j = slot[bucketOf(a[i]!)]!;
    if (j >= 0) copy[fill[j]!++] = a[i]!;
  }
  for (const k of ks) {
    let b = 0;
    while (!(start[b + 1]! > k)) b++;
    const segment = wanted[b]!;
    stat.set(k, selectInPlace(copy, segment, segment + counts[b]!, segment + (k - start[b]!)));
  }
}

/**
 * Puts the order statistics at positions `ks[i0 .. i1)` (distinct, ascending, within [lo, hi))
 * in place: the middle one first, then the others within the side of it where they lie.
 */
function selectMany(a: Float64Array, lo: number, hi: number, ks: readonly number[], i0: number, i1: number): void {
  if (i0 >= i1) return;
  const mid = (i0 + i1) >>> 1;
  const k = ks[mid]!;
  selectInPlace(a, lo, hi, k);
  selectMany(a, lo, k, ks, i0, mid);
  selectMany(a, k + 1, hi, ks, mid + 1, i1);
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
