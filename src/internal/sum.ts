/**
 * Compensated summation (Kahan–Babuška, in Neumaier's form).
 *
 * Plain `+=` loses the low-order bits of every addition: 0.1 added ten times gives
 * 0.9999999999999999. Carrying the lost part in a second variable gives the correctly rounded
 * result for sums like these, and Neumaier's form also survives terms larger than the running sum
 * (`[1, 1e100, 1, -1e100]` sums to 2, where Kahan's original gives 0).
 */

/**
 * A running compensated sum: add numbers one at a time, read the total at any point.
 *
 * Non-finite input follows IEEE arithmetic: any `NaN`, or both `Infinity` and `-Infinity`, gives
 * `NaN`; otherwise an infinite term gives that infinity.
 *
 * @example
 * const acc = new KahanAccumulator();
 * for (let i = 0; i < 10; i++) acc.add(0.1);
 * acc.value(); // => 1
 */
export class KahanAccumulator {
  #sum = 0;
  #compensation = 0;

  /**
   * Adds one term.
   *
   * @param x - The term to add.
   * @returns This accumulator, so calls can be chained.
   * @example
   * new KahanAccumulator().add(1).add(1e100).add(1).add(-1e100).value(); // => 2
   */
  add(x: number): this {
    const sum = this.#sum;
    const next = sum + x;
    // Recover what `next` lost, taking the smaller magnitude's low bits.
    if (Math.abs(sum) >= Math.abs(x)) {
      this.#compensation += sum - next + x;
    } else {
      this.#compensation += x - next + sum;
    }
    this.#sum = next;
    return this;
  }

  /**
   * The compensated total of the terms added so far; 0 when none were added.
   *
   * @returns The sum, corrected by the carried low-order part.
   * @example
   * new KahanAccumulator().value(); // => 0
   */
  value(): number {
    const sum = this.#sum;
    // With an infinite or NaN running sum the compensation is NaN; the plain sum is the answer.
    return Number.isFinite(sum) ? sum + this.#compensation : sum;
  }
}

/**
 * Sums numbers with compensated (Neumaier) summation.
 *
 * @param values - The terms, any array-like of numbers; empty input sums to 0.
 * @returns The compensated sum; `NaN` if any term is `NaN` (see {@link KahanAccumulator}).
 * @throws TypeError when `values` is not array-like.
 * @example
 * compensatedSum([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]); // => 1
 * compensatedSum([1, 1e100, 1, -1e100]); // => 2
 * compensatedSum([]); // => 0
 */
export function compensatedSum(values: ArrayLike<number>): number {
  if (values == null || typeof values.length !== "number") {
    throw new TypeError("compensatedSum: expected an array-like of numbers");
  }
  const acc = new KahanAccumulator();
  for (let i = 0; i < values.length; i++) acc.add(values[i] as number);
  return acc.value();
}
