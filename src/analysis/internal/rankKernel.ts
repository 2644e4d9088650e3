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
    const n = this.size;
    const scale = this.#scale;
    // The radix passes cost 2,048 steps each whatever the size: below 256 units, sorting is cheaper.
    if (scale === 0 || n < 256) return this.#rankBySearch(values, ranks, lowRanks, at);
    let keyA = this.#keyA;
    let unitA = this.#unitA;
    const keyB = this.#keyB;
    const unitB = this.#unitB;
    let m = 0;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v !== v) {
        ranks[at + i] = 0;
        lowRanks[i] = 0;
        continue;
      }
      let q = this.scaledKey(v);
      if (q !== q) q = Math.round(Number(formatFixed(v, this.#decimals)) * scale);
      if (!(q >= 0 && q <= 4294967295)) return this.#rankBySearch(values, ranks, lowRanks, at);
      keyA[m] = q;
      unitA[m] = i;
      m++;
      if (q > max) max = q;
    }
    // Passes written out with literal shifts, which the engine folds into each copy of the pass.
    const counts = this.#counts;
    let sorted = 0; // 0: keyA holds the order, 1: keyB
    radixPass(keyA, keyB, unitA, unitB, m, 0, counts);
    sorted = 1;
    if (max >= 2048) {
      radixPass(keyB, keyA, unitB, unitA, m, 11, counts);
      sorted = 0;
      if (max >= 4194304) {
        radixPass(keyA, keyB, unitA, unitB, m, 22, counts);
        sorted = 1;
      }
    }
    if (sorted === 1) {
      keyA = keyB;
      unitA = unitB;
    }
    // Highest first: a new key starts a new rank (its position from the top); ties keep it.
    let prev = -1;
    let rank = 0;
    for (let p = m - 1; p >= 0; p--) {
      const q = keyA[p]!;
      if (q !== prev) {
        prev = q;
        rank = m - p;
      }
      ranks[at + unitA[p]!] = rank;
    }
    prev = -1;
    for (let p = 0; p < m; p++) {
      const q = keyA[p]!;
      if (q !== prev) {
        prev = q;
        rank = p + 1;
      }
      lowRanks[unitA[p]!] = rank;
    }
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
