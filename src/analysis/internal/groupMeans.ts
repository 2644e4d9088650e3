/**
 * Group means of one replication's body values, without allocating: what Monte Carlo and Sobol'
 * runs compute for every grouping (state, type, level) and the national mean. Internal.
 */

/**
 * The means of every group of several groupings, and of all bodies, in one pass over the bodies.
 * Slot 0 is the national mean; grouping k's groups follow at `offset(k)`. Sums are compensated:
 * each addition's rounding error is recovered exactly by Knuth's TwoSum, without a branch, and
 * added at the end. A group with no body scored gets NaN.
 */
export class GroupMeans {
  /** One mean per slot (national first), rewritten by each `compute`. */
  readonly means: Float64Array;
  readonly #offsets: number[];
  /** Slots of body b: `#slots[#start[b] .. #start[b + 1])`. */
  readonly #start: Int32Array;
  readonly #slots: Int32Array;
  readonly #sum: Float64Array;
  readonly #comp: Float64Array;
  readonly #count: Int32Array;

  /**
   * @param n - bodies
   * @param groupings - per grouping, each body's group (-1: none) and the number of groups
   */
  constructor(n: number, groupings: readonly { readonly of: Int32Array; readonly groups: number }[]) {
    this.#offsets = [];
    let size = 1;
    for (const g of groupings) {
      this.#offsets.push(size);
      size += g.groups;
    }
    this.means = new Float64Array(size);
    this.#sum = new Float64Array(size);
    this.#comp = new Float64Array(size);
    this.#count = new Int32Array(size);
    this.#start = new Int32Array(n + 1);
    const slots: number[] = [];
    for (let b = 0; b < n; b++) {
      this.#start[b] = slots.length;
      slots.push(0);
      groupings.forEach((g, k) => {
        if (g.of[b]! >= 0) slots.push(this.#offsets[k]! + g.of[b]!);
      });
    }
    this.#start[n] = slots.length;
    this.#slots = Int32Array.from(slots);
  }

  /** Where grouping k's means start in `means`. */
  offset(k: number): number {
    return this.#offsets[k]!;
  }

  /** Computes every mean of one replication's values (NaN: a body not scored, left out). */
  compute(values: Float64Array): void {
    const sum = this.#sum;
    const comp = this.#comp;
    const count = this.#count;
    const start = this.#start;
    const slots = this.#slots;
    sum.fill(0);
    comp.fill(0);
    count.fill(0);
    const n = start.length - 1;
    for (let b = 0; b < n; b++) {
      const v = values[b]!;
      if (v !== v) continue;
      for (let j = start[b]!; j < start[b + 1]!; j++) {
        const g = slots[j]!;
        const s = sum[g]!;
        const x = s + v;
        const z = x - s;
        comp[g]! += s - (x - z) + (v - z);
        sum[g] = x;
        count[g]!++;
      }
    }
    const means = this.means;
    for (let g = 0; g < means.length; g++) means[g] = count[g]! > 0 ? (sum[g]! + comp[g]!) / count[g]! : Number.NaN;
  }
}
