/**
 * Shared pieces of the bootstrap: percentile intervals and argument checks. Internal to
 * `ogmetric/analysis`; not exported from its index.
 */
import { quantileSorted } from "simple-statistics";

/**
 * A closed interval [low, high].
 * @example
 * const [low, high]: Interval = sobol({ factors: [{ name: "x", min: 0, max: 1 }], model: (x) => x[0]!, n: 256, seed: 1, bootstrap: 100 }).firstInterval[0]!;
 * low <= high // => true
 */
export type Interval = readonly [low: number, high: number];

/**
 * The equal-tailed percentile interval of bootstrap replicates (sorted ascending in place).
 * Quantiles are simple-statistics' `quantileSorted` (the inverse of the empirical CDF).
 * @param replicates - the replicate values; sorted by this call
 * @param lower - probability of the lower end, e.g. 0.025
 * @param upper - probability of the upper end, e.g. 0.975
 * @returns [low, high]
 */
export function quantileInterval(replicates: Float64Array, lower: number, upper: number): Interval {
  replicates.sort();
  return [quantileSorted(replicates as unknown as number[], lower), quantileSorted(replicates as unknown as number[], upper)];
}

/**
 * Checks a confidence level: a number strictly between 0 and 1.
 * @param fn - caller's name for the message
 * @param confidence - the level
 * @throws RangeError when it is not in (0, 1)
 */
export function checkConfidence(fn: string, confidence: number): void {
  if (typeof confidence !== "number" || !(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: confidence must be a number strictly between 0 and 1, received ${String(confidence)}`);
  }
}

/**
 * Checks a replicate count: an integer from `min` to 10^7.
 * @param fn - caller's name for the message
 * @param name - the option's name
 * @param value - the count
 * @param min - the smallest accepted value
 * @throws RangeError when out of range
 */
export function checkCount(fn: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > 10_000_000) {
    throw new RangeError(`${fn}: ${name} must be an integer from ${min} to 10000000, received ${String(value)}`);
  }
}
