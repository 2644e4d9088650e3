import { kernelOf, type CompiledRubric, type Kernel } from "../rubric/compileRubric.js";

/** Reads a vector's scaled weights; set by the class's static block, so only this module has it. */
let scaledOf: (w: WeightVector) => Float64Array;

/**
 * A checked vector of edge weights for one rubric: one weight per child edge, in the order of
 * `rubric.nodes[i].children` for i = 0, 1, ... (the rubric's own weights come from
 * `createWeights(rubric)`).
 *
 * Every weight is finite and ≥ 0, and under each internal node at least one is above 0; a weight
 * of 0 takes its child out of the node (neither counted nor able to make it missing). Anything
 * else is refused with a `RangeError` naming the node, so no weight vector can make a score NaN.
 *
 * The engine never sums the weights as given: under each node they are first multiplied by the
 * power of two that brings the largest into [1, 2). That scaling is exact, changes no result that
 * plain arithmetic gets right, and keeps sums finite and precise across the whole double range
 * (weights of 1e308 or of 5e-324 score like weights of 1).
 * @example
 * const w: WeightVector = createWeights(rubric);
 * [w.length, w.get(0), w.toArray().length] // => [27, 0.5, 27]
 */
export class WeightVector {
  /** The rubric's hash: a vector fits the rubric it was made for. */
  readonly rubric: CompiledRubric;
  /** Number of edges. */
  readonly length: number;
  /** Whether some weight is 0 (a child taken out of its node): batch re-scoring then takes the general path. */
  get hasZero(): boolean {
    return this.#raw.includes(0);
  }
  readonly #raw: Float64Array;
  readonly #scaled: Float64Array;

  static {
    scaledOf = (w) => w.#scaled;
  }

  /** @internal Use `createWeights`. */
  constructor(rubric: CompiledRubric, raw: Float64Array, scaled: Float64Array) {
    this.rubric = rubric;
    this.length = raw.length;
    this.#raw = raw;
    this.#scaled = scaled;
    Object.freeze(this);
  }

  /**
   * The weight of one edge, as given.
   * @param edge - edge position
   * @returns the weight
   */
  get(edge: number): number {
    const w = this.#raw[edge];
    if (w === undefined) throw new RangeError(`WeightVector.get: edge ${edge} is outside 0..${this.length - 1}`);
    return w;
  }

  /**
   * Replaces every weight, checking the new ones first (a vector that fails the check is left as
   * it was). For Monte Carlo runs that draw thousands of vectors without allocating one each.
   * @param values - one weight per edge
   * @throws RangeError as `createWeights`
   */
  set(values: ArrayLike<number>): void {
    const k = kernelOf(this.rubric, "WeightVector.set");
    checkWeights(k, values, "WeightVector.set");
    for (let e = 0; e < values.length; e++) this.#raw[e] = values[e]!;
    scaleWeights(k, this.#raw, this.#scaled);
  }

  /** A copy of the weights as given. */
  toArray(): Float64Array {
    return Float64Array.from(this.#raw);
  }
}

/**
 * Largest ratio between two positive weights under one node. Beyond it the smaller weight would
 * vanish below the double range once scaled; no real rubric comes near (the same limit holds for
 * rubric files, issue `weight_ratio_too_large`).
 * @example
 * let message = "";
 * try { createWeights(rubric, rubricArrays(rubric).weights.map((w, i) => (i === 0 ? 1e301 : w))); } catch (e) { message = (e as Error).message; }
 * message.startsWith("createWeights") // => true
 */
export const MAX_WEIGHT_RATIO = 1e300;

/**
 * The weights the kernel multiplies by: per node, the given weights scaled by a power of two.
 * Internal (not exported from any entry point): the array is the vector's own.
 */
export function kernelWeights(weights: WeightVector): Float64Array {
  return scaledOf(weights);
}

/**
 * Makes a checked weight vector for a rubric.
 * @param rubric - a compiled rubric
 * @param values - one weight per child edge, in node order then child order; default the rubric's own
 * @returns the vector
 * @throws RangeError for a wrong length, a weight that is NaN, infinite or negative, or a node whose weights are all 0
 * @example
 * createWeights(loadEdition("2017")).get(0) // => 0.5
 */
export function createWeights(rubric: CompiledRubric, values?: ArrayLike<number>): WeightVector {
  const k = kernelOf(rubric, "createWeights");
  if (values !== undefined) checkWeights(k, values, "createWeights");
  const raw = values === undefined ? Float64Array.from(k.weights) : Float64Array.from(values);
  const scaled = new Float64Array(raw.length);
  scaleWeights(k, raw, scaled);
  return new WeightVector(rubric, raw, scaled);
}

function checkWeights(k: Kernel, values: ArrayLike<number>, caller: string): void {
  const nodes = k.rubric.nodes;
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new TypeError(`${caller}: expected an array of ${k.weights.length} weights`);
  }
  if (values.length !== k.weights.length) {
    throw new RangeError(`${caller}: expected ${k.weights.length} weights (one per child edge of ${k.rubric.id}), received ${values.length}`);
  }
  for (let i = 0; i < k.size; i++) {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let e = k.childStart[i]!; e < k.childStart[i + 1]!; e++) {
      const w = values[e];
      if (typeof w !== "number" || !Number.isFinite(w) || w < 0) {
        throw new RangeError(`${caller}: weight ${e} (${nodes[i]!.code} → ${nodes[k.childNode[e]!]!.code}) must be a finite number ≥ 0, received ${String(w)}`);
      }
      if (w > 0 && w < min) min = w;
      if (w > max) max = w;
    }
    if (k.childStart[i + 1]! > k.childStart[i]! && max === 0) {
      throw new RangeError(`${caller}: the weights under "${nodes[i]!.code}" are all 0; at least one must be above 0`);
    }
    if (max / min > MAX_WEIGHT_RATIO) {
      throw new RangeError(`${caller}: the weights under "${nodes[i]!.code}" differ by a factor above ${MAX_WEIGHT_RATIO} (${min} to ${max})`);
    }
  }
}

/** Per node, multiplies the weights by the power of two that brings the largest into [1, 2). */
function scaleWeights(k: Kernel, raw: Float64Array, out: Float64Array): void {
  for (let i = 0; i < k.size; i++) {
    const start = k.childStart[i]!;
    const end = k.childStart[i + 1]!;
    let max = 0;
    for (let e = start; e < end; e++) if (raw[e]! > max) max = raw[e]!;
    if (max === 0) continue;
    const exp = binaryExponent(max);
    // 2^-exp in two exact factors: 2^1074 alone would overflow for the smallest subnormals.
    const a = 2 ** Math.trunc(-exp / 2);
    const b = 2 ** (-exp - Math.trunc(-exp / 2));
    for (let e = start; e < end; e++) out[e] = raw[e]! * a * b;
  }
}

/** floor(log2(x)) for a positive finite double, exactly (subnormals included). */
export function binaryExponent(x: number): number {
  let e = Math.floor(Math.log2(x));
  // Math.log2 may round across a power of two; settle on the exact exponent.
  while (e > -1074 && 2 ** e > x) e--;
  while (e < 1023 && 2 ** (e + 1) <= x) e++;
  return e;
}
