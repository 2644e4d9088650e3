/**
 * Competition ranks of many value vectors without allocating: what Monte Carlo and Sobol' runs
 * need for each of thousands of replications. The ranks are those of the core's `rankValues`
 * (competition ranking, "1224": a value's rank is 1 + the number of values strictly above it,
 * after rounding half up to `decimals` decimals); a property test holds the two together.
 *
 * Internal to `ogmetric/analysis`.
 */
import { formatFixed } from "../../aggregate/round.js";

/** Radix of the sort: 11 bits a pass. */
const RADIX = 2048;

/**
 * One stable counting pass of the radix sort: keys (with their units) from `keys` to `toKeys`
 * ordered by the 11 bits at `shift`. A function of its own, so the engine optimises it once for
 * both directions of the ping-pong between the buffers.
 */
function radixPass(keys: Uint32Array, toKeys: Uint32Array, units: Int32Array, toUnits: Int32Array, m: number, shift: number, counts: Int32Array): void {
  counts.fill(0);
  for (let p = 0; p < m; p++) counts[(keys[p]! >>> shift) & 2047]!++;
  let sum = 0;
  for (let d = 0; d < 2048; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
  for (let p = 0; p < m; p++) {
    const key = keys[p]!;
    const to = counts[(key >>> shift) & 2047]!++;
    toKeys[to] = key;
    toUnits[to] = units[p]!;
  }
}

/**
 * The radix path's keys: each value's key times 10^d (round half up, as `scaledKey`), with its
 * unit, packed in order; unranked units get rank 0. Three small functions rather than one: the
 * engine optimises them markedly better apart (measured: 30 µs against 55 µs for 1,243 units).
 * @returns the number of keys, or -1 when one does not fit (negative, or above 2^32 − 1)
 */
function radixKeys(values: ArrayLike<number>, n: number, scale: number, decimals: number, keys: Uint32Array, units: Int32Array, ranks: Int32Array, lowRanks: Int32Array, at: number, max: Float64Array): number {
  let m = 0;
  let top = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) {
      ranks[at + i] = 0;
      lowRanks[i] = 0;
      continue;
    }
    let q: number;
    const y = (v < 0 ? -v : v) * scale;
    const f = Math.floor(y);
    const off = y - f - 0.5;
    if (y < 4503599627370496 && (off < 0 ? -off : off) > 1e-14 * y) q = off > 0 ? f + 1 : f;
    else q = Math.round(Number(formatFixed(v, decimals)) * scale);
    if (v < 0 || !(q <= 4294967295)) return -1;
    keys[m] = q;
    units[m] = i;
    m++;
    if (q > top) top = q;
  }
  max[0] = top;
  return m;
}

/**
 * Sorts m keys (with their units) by as many radix passes as the largest key needs, the passes
 * written out with literal shifts. Returns 0 when the order ended in the A buffers, 1 in B.
 */
function radixSort(keyA: Uint32Array, keyB: Uint32Array, unitA: Int32Array, unitB: Int32Array, m: number, max: number, counts: Int32Array): number {
  radixPass(keyA, keyB, unitA, unitB, m, 0, counts);
  if (max < 2048) return 1;
  radixPass(keyB, keyA, unitB, unitA, m, 11, counts);
  if (max < 4194304) return 0;
  radixPass(keyA, keyB, unitA, unitB, m, 22, counts);
  return 1;
}

/** Competition ranks from sorted keys: from the top (a new key starts a new rank, ties keep it), and from the bottom. */
function assignRanks(keys: Uint32Array, units: Int32Array, m: number, ranks: Int32Array, lowRanks: Int32Array, at: number): void {
  let prev = -1;
  let rank = 0;
  for (let p = m - 1; p >= 0; p--) {
    const q = keys[p]!;
    if (q !== prev) {
      prev = q;
      rank = m - p;
    }
    ranks[at + units[p]!] = rank;
  }
  prev = -1;
  for (let p = 0; p < m; p++) {
    const q = keys[p]!;
    if (q !== prev) {
      prev = q;
      rank = p + 1;
    }
    lowRanks[units[p]!] = rank;
  }
}

/**
 * Ranks vectors of `size` values (NaN = not ranked) into caller-owned arrays, without allocating.
 *
 * When the values are compared at d decimals and their rounded keys n (the value times 10^d)
 * are whole numbers from 0 to 2^32 − 1 (with d ≤ 9, any value from 0 to 4), the keys are sorted
 * with their units by a least-significant-digit radix sort (11 bits a pass, as many passes as the
 * largest key needs: three for scores at 9 decimals), and one pass in each direction gives the
 * ranks: O(n). Otherwise (and for fewer than 256 units) the keys are sorted alone
 * (`Float64Array.prototype.sort`) and each value's place found by binary search: O(n log n).
 */
export class RankKernel {
  readonly size: number;
  /** 10^decimals, or 0 to compare the values as they are. */
  readonly #scale: number;
  readonly #decimals: number;
  readonly #keys: Float64Array;
  readonly #sorted: Float64Array;
  readonly #keyA: Uint32Array;
  readonly #keyB: Uint32Array;
  readonly #unitA: Int32Array;
  readonly #unitB: Int32Array;
  readonly #counts = new Int32Array(RADIX);
  readonly #max = new Float64Array(1);

  /**
   * @param size - values per vector
   * @param decimals - compare values rounded half up to this many decimals (0 to 15), or undefined for the exact values
   */
  constructor(size: number, decimals: number | undefined) {
    this.size = size;
    this.#decimals = decimals ?? -1;
    this.#scale = decimals === undefined ? 0 : 10 ** decimals;
    this.#keys = new Float64Array(size);
    this.#sorted = new Float64Array(size);
    this.#keyA = new Uint32Array(size);
    this.#keyB = new Uint32Array(size);
    this.#unitA = new Int32Array(size);
    this.#unitB = new Int32Array(size);
  }

  /**
   * The comparison key of a value: the double nearest the value rounded half up to `decimals`
   * decimals, exactly as `rankValues` compares (`Number(formatFixed(x, decimals))`).
   */
  key(x: number): number {
    const scale = this.#scale;
    if (scale === 0) return x;
    const n = this.scaledKey(x);
    return (n === n ? n / scale : Number(formatFixed(x, this.#decimals))) + 0; // + 0: -0 is 0
  }

  /**
   * The key times 10^d, an integer: round half up of |x|·10^d, signed; NaN when the fast
   * rounding cannot decide (see below).
   *
   * `formatFixed` reads x at 15 significant digits and rounds that decimal half up. Here
   * y = |x|·10^d is rounded instead; the 15-digit decimal of x and y differ by less than
   * 6·10^-15·y, so when y is farther than 10^-14·y from a half-integer both round alike, and
   * n / 10^d (two exact integers, one correctly rounded division) is the double nearest the
   * decimal n·10^-d, which is what `Number()` of the decimal text gives. Nearer a half-integer,
   * or beyond 2^52, the caller asks `formatFixed` itself (rare: about 2·10^-14·y of values).
   */
  scaledKey(x: number): number {
    const a = x < 0 ? -x : x;
    const y = a * this.#scale;
    if (!(y < 4503599627370496)) return Number.NaN;
    const f = Math.floor(y);
    const frac = y - f;
    const off = frac - 0.5;
    if ((off < 0 ? -off : off) <= 1e-14 * y) return Number.NaN;
    const n = frac > 0.5 ? f + 1 : f;
    return x < 0 ? -n : n;
  }

  /**
   * Ranks one vector.
   * @param values - `size` values; NaN marks a unit without a value (unranked)
   * @param ranks - receives each unit's descending competition rank (1 = highest), 0 when unranked
   * @param lowRanks - receives each unit's ascending competition rank (1 = lowest), 0 when unranked
   * @param at - where unit 0's rank goes in `ranks` (the others follow)
   * @returns the number of ranked units
   */
  rank(values: ArrayLike<number>, ranks: Int32Array, lowRanks: Int32Array, at = 0): number {
    const scale = this.#scale;
    // The radix passes cost 2,048 steps each whatever the size: below 256 units, sorting is cheaper.
    if (scale === 0 || this.size < 256) return this.#rankBySearch(values, ranks, lowRanks, at);
    const m = radixKeys(values, this.size, scale, this.#decimals, this.#keyA, this.#unitA, ranks, lowRanks, at, this.#max);
    if (m < 0) return this.#rankBySearch(values, ranks, lowRanks, at);
    if (radixSort(this.#keyA, this.#keyB, this.#unitA, this.#unitB, m, this.#max[0]!, this.#counts) === 0) assignRanks(this.#keyA, this.#unitA, m, ranks, lowRanks, at);
    else assignRanks(this.#keyB, this.#unitB, m, ranks, lowRanks, at);
    return m;
  }

  /** The general way: sort the keys, then find each value's place by binary search. */
  #rankBySearch(values: ArrayLike<number>, ranks: Int32Array, lowRanks: Int32Array, at: number): number {
    const n = this.size;
    const keys = this.#keys;
    const sorted = this.#sorted;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v !== v) {
        keys[i] = Number.NaN;
        continue;
      }
      const k = this.key(v);
      keys[i] = k;
      sorted[m++] = k;
    }
    // NaN sorts last: the first m entries are the keys, ascending.
    sorted.fill(Number.NaN, m);
    sorted.sort();
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      if (k !== k) {
        ranks[at + i] = 0;
        lowRanks[i] = 0;
        continue;
      }
      // First position holding k (values below it: lo), then past its ties.
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid]! < k) lo = mid + 1;
        else hi = mid;
      }
      let end = lo + 1;
      while (end < m && sorted[end] === k) end++;
      ranks[at + i] = m - end + 1;
      lowRanks[i] = lo + 1;
    }
    return m;
  }
}
