/**
 * Competition ranks of many value vectors without allocating: what Monte Carlo and Sobol' runs
 * need for each of thousands of replications. The ranks are those of the core's `rankValues`
 * (competition ranking, "1224": a value's rank is 1 + the number of values strictly above it,
 * after rounding half up to `decimals` decimals); a property test holds the two together.
 *
 * Internal to `ogmetric/analysis`.
 */
import { formatFixed } from "../../aggregate/round.js";

/**
 * Ranks vectors of `size` values (NaN = not ranked) into caller-owned arrays. Each call sorts the
 * rounded keys once (`Float64Array.prototype.sort`, numeric) and finds each value's place by
 * binary search: O(n log n), no allocation.
 */
export class RankKernel {
  readonly size: number;
  /** 10^decimals, or 0 to compare the values as they are. */
  readonly #scale: number;
  readonly #decimals: number;
  readonly #keys: Float64Array;
  readonly #sorted: Float64Array;

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
  }

  /**
   * The comparison key of a value: the double nearest the value rounded half up to `decimals`
   * decimals, exactly as `rankValues` compares (`Number(formatFixed(x, decimals))`).
   *
   * `formatFixed` reads x at 15 significant digits and rounds that decimal half up. Here
   * y = |x|·10^d is rounded instead; the 15-digit decimal of x and y differ by less than
   * 6·10^-15·y, so when y is farther than 10^-14·y from a half-integer both round alike, and
   * n / 10^d (two exact integers, one correctly rounded division) is the double nearest the
   * decimal n·10^-d, which is what `Number()` of the decimal text gives. Nearer a half-integer,
   * or beyond 2^52, the key comes from `formatFixed` itself (rare: about 2·10^-14·y of values).
   */
  key(x: number): number {
    const scale = this.#scale;
    if (scale === 0) return x;
    const a = x < 0 ? -x : x;
    const y = a * scale;
    if (y < 4503599627370496) {
      const f = Math.floor(y);
      const frac = y - f;
      const off = frac - 0.5;
      if ((off < 0 ? -off : off) > 1e-14 * y) {
        const n = frac > 0.5 ? f + 1 : f;
        const k = n / scale;
        return (x < 0 ? -k : k) + 0; // + 0: -0 is 0
      }
    }
    return Number(formatFixed(x, this.#decimals));
  }

  /**
   * Ranks one vector.
   * @param values - `size` values; NaN marks a unit without a value (unranked)
   * @param ranks - receives each unit's descending competition rank (1 = highest), 0 when unranked
   * @param lowRanks - receives each unit's ascending competition rank (1 = lowest), 0 when unranked
   * @returns the number of ranked units
   */
  rank(values: ArrayLike<number>, ranks: Int32Array, lowRanks: Int32Array): number {
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
        ranks[i] = 0;
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
      ranks[i] = m - end + 1;
      lowRanks[i] = lo + 1;
    }
    return m;
  }
}
