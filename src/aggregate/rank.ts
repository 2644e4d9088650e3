import { formatFixed } from "./round.js";

/**
 * Options of `rankValues`.
 * @example
 * const options: RankOptions = { order: "ascending" };
 * rankValues([0.51, 0.27, 0.48], options) // => [3, 1, 2]
 */
export interface RankOptions {
  /** Rank 1 is the highest value (default) or the lowest. */
  readonly order?: "descending" | "ascending";
  /**
   * Compare values as published, rounded half up to this many decimals: values that print alike
   * tie. Default: compare the exact values.
   */
  readonly decimals?: number;
}

/**
 * Ranks values as published tables rank them: competition ranking ("1224"), where tied values
 * share the best rank and the next rank skips (1, 2, 2, 4). A missing value (null) gets no rank.
 *
 * With `decimals`, ties are decided on the rounded values, so two states published as 0.48 share a
 * rank even when their unrounded means differ.
 * @param values - one value per unit, null for a unit that has none
 * @param options - direction and the precision ties are judged at
 * @returns one rank per value (null where the value is null), in the input order
 * @example
 * rankValues([0.51, 0.48, 0.48, 0.27]) // => [1, 2, 2, 4]
 * rankValues([0.4801, 0.4849, null], { decimals: 2 }) // => [1, 1, null]
 */
export function rankValues(values: readonly (number | null)[], options: RankOptions = {}): (number | null)[] {
  const descending = (options.order ?? "descending") === "descending";
  const decimals = options.decimals;
  const keyed: { at: number; key: number }[] = [];
  values.forEach((v, at) => {
    if (v === null) return;
    if (!Number.isFinite(v)) throw new RangeError(`rankValues: value ${at} is ${v}; rank finite numbers (null for none)`);
    keyed.push({ at, key: decimals === undefined ? v : Number(formatFixed(v, decimals)) });
  });
  keyed.sort((a, b) => (descending ? b.key - a.key : a.key - b.key) || a.at - b.at);
  const ranks: (number | null)[] = values.map(() => null);
  keyed.forEach((k, i) => {
    const prev = keyed[i - 1];
    ranks[k.at] = prev !== undefined && prev.key === k.key ? ranks[prev.at]! : i + 1;
  });
  return ranks;
}
