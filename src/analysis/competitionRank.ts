/**
 * Ranks as published league tables print them: competition ranking ("1224"), where equal values
 * share the best rank and the next rank skips as many places as were shared.
 */
import { roundHalfUp } from "../aggregate/round.js";

/**
 * Options of {@link competitionRank}.
 * @example
 * const options: RankOptions = { order: "ascending" };
 * competitionRank([0.3, 0.1, 0.3], options) // => [2, 1, 2]
 */
export interface RankOptions {
  /**
   * Compare values after rounding half up to this many decimals (0 to 15), the way a table
   * published at 2 decimals ties 0.514 and 0.506. Omit to compare the values as given.
   */
  readonly decimals?: number;
  /** `"descending"` (default: the highest value ranks 1) or `"ascending"`. */
  readonly order?: "descending" | "ascending";
}

/**
 * Competition ranks ("1224") of a list of values: each value's rank is 1 + the number of values
 * strictly better than it, so ties share the best rank. `null` and `NaN` values are unranked
 * (their rank is null) and do not count.
 * @param values - the values, in any order
 * @param options - `decimals` to compare at, `order` (descending by default)
 * @returns one rank (or null) per value, in the input's order; empty for empty input
 * @throws RangeError when `decimals` is not an integer from 0 to 15 or `order` is unknown
 * @example
 * competitionRank([0.5, 0.7, 0.5, 0.2]) // => [2, 1, 2, 4]
 * competitionRank([0.514, 0.506, 0.49], { decimals: 2 }) // => [1, 1, 3]
 */
export function competitionRank(values: ArrayLike<number | null>, options: RankOptions = {}): (number | null)[] {
  const { decimals, order = "descending" } = options;
  if (decimals !== undefined && !(Number.isInteger(decimals) && decimals >= 0 && decimals <= 15)) {
    throw new RangeError(`competitionRank: decimals must be an integer from 0 to 15, received ${String(decimals)}`);
  }
  if (order !== "descending" && order !== "ascending") {
    throw new RangeError(`competitionRank: order must be "descending" or "ascending", received ${String(order)}`);
  }
  const sign = order === "descending" ? -1 : 1;
  const keys: (number | null)[] = [];
  const ranked: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) {
      keys.push(null);
      continue;
    }
    keys.push(sign * (decimals === undefined ? v : roundHalfUp(v, decimals)));
    ranked.push(i);
  }
  ranked.sort((a, b) => keys[a]! - keys[b]!);
  const out: (number | null)[] = keys.map(() => null);
  for (let p = 0; p < ranked.length; p++) {
    const i = ranked[p]!;
    const prev = p > 0 ? ranked[p - 1]! : -1;
    out[i] = p > 0 && keys[prev] === keys[i] ? out[prev]! : p + 1;
  }
  return out;
}
