/**
 * Sobol' low-discrepancy points in up to 128 dimensions, with Joe–Kuo direction numbers, 32-bit
 * integer arithmetic (Gray-code order, Antonov–Saleev), and optional seeded scrambling.
 *
 * Scrambling is Matoušek's random linear scramble plus a random digital shift (the scheme SciPy's
 * `qmc.Sobol` uses): each dimension's generator matrix is multiplied on the left by a random
 * lower-triangular binary matrix with a unit diagonal, then every point is xored with a random
 * 32-bit word. The result keeps the (t, m, s)-net structure of the sequence (so the first 2^m
 * points still put exactly one point in each dyadic interval of length 2^-m of every coordinate)
 * while making each point uniform on [0, 1)^d, so averages are unbiased and independent
 * scramblings give independent estimates.
 */
import { JOE_KUO } from "./joeKuo.js";
import type { Random } from "./random.js";

/**
 * Largest dimension with direction numbers here.
 * @example
 * createSobolSequence(SOBOL_MAX_DIMENSION).dimension === SOBOL_MAX_DIMENSION // => true
 */
export const SOBOL_MAX_DIMENSION = JOE_KUO.length + 1;

const BITS = 32;
const TWO_NEG_32 = 1 / 4294967296;

/**
 * A stream of Sobol' points.
 * @example
 * const s: SobolSequence = createSobolSequence(3);
 * s.next(new Float64Array(3));
 * [s.dimension, s.index] // => [3, 1]
 */
export interface SobolSequence {
  readonly dimension: number;
  /** How many points have been drawn. */
  readonly index: number;
  /**
   * Writes the next point into `out[offset .. offset + dimension)`: coordinate j is
   * (X_j + 1/2)·2^-32 for the point's 32-bit integer X_j, so it lies strictly inside (0, 1).
   */
  next(out: Float64Array, offset?: number): void;
  /** The next point's 32-bit integers (unsigned) into `out`, for tests and bit-exact checks. */
  nextIntegers(out: Uint32Array): void;
}

/** The 32 direction numbers (scaled to 32 bits) of dimension `d` (0-based). */
function directionNumbers(d: number): Uint32Array {
  const v = new Uint32Array(BITS + 1); // v[1..32]
  if (d === 0) {
    for (let k = 1; k <= BITS; k++) v[k] = (1 << (BITS - k)) >>> 0;
    return v;
  }
  const row = JOE_KUO[d - 1]!;
  const a = row[0]!;
  const s = row.length - 1;
  for (let k = 1; k <= Math.min(s, BITS); k++) v[k] = (row[k]! << (BITS - k)) >>> 0;
  for (let k = s + 1; k <= BITS; k++) {
    let x = (v[k - s]! ^ (v[k - s]! >>> s)) >>> 0;
    for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) x = (x ^ v[k - j]!) >>> 0;
    v[k] = x;
  }
  return v;
}

/** Parity of the set bits of a 32-bit word. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Left-multiplies a dimension's direction numbers by a random unit lower-triangular matrix. */
function linearScramble(v: Uint32Array, random: Random): void {
  // Row k (k = 1 is the most significant digit) of the matrix, as a mask over digit positions:
  // random digits strictly above the diagonal's position, and the diagonal itself.
  const rows = new Uint32Array(BITS + 1);
  for (let k = 1; k <= BITS; k++) {
    const above = k === 1 ? 0 : (0xffffffff << (BITS + 1 - k)) >>> 0;
    rows[k] = ((random.nextUint32() & above) | (1 << (BITS - k))) >>> 0;
  }
  for (let j = 1; j <= BITS; j++) {
    const col = v[j]!;
    let out = 0;
    for (let k = 1; k <= BITS; k++) if (parity(rows[k]! & col)) out |= 1 << (BITS - k);
    v[j] = out >>> 0;
  }
}

/**
 * Creates a Sobol' sequence.
 * @param dimension - number of coordinates, 1 to 128
 * @param scramble - a generator to scramble with (linear scramble and digital shift), or omit for
 *   the plain sequence, which starts at the origin's cell
 * @returns the sequence, positioned at its first point
 * @throws RangeError when the dimension is out of range
 * @example
 * const s = createSobolSequence(2);
 * const p = new Float64Array(2);
 * s.next(p); s.next(p);
 * Array.from(p) // => [0.5000000001164153, 0.5000000001164153]
 */
export function createSobolSequence(dimension: number, scramble?: Random): SobolSequence {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > SOBOL_MAX_DIMENSION) {
    throw new RangeError(`createSobolSequence: dimension must be an integer from 1 to ${SOBOL_MAX_DIMENSION}, received ${String(dimension)}`);
  }
  const v: Uint32Array[] = [];
  const x = new Uint32Array(dimension);
  for (let d = 0; d < dimension; d++) {
    const dir = directionNumbers(d);
    if (scramble) linearScramble(dir, scramble);
    v.push(dir);
  }
  if (scramble) for (let d = 0; d < dimension; d++) x[d] = scramble.nextUint32();
  let index = 0;
  const advance = () => {
    if (index >= 4294967296) throw new RangeError("createSobolSequence: no more than 2^32 points");
    if (index > 0) {
      // Gray-code order: point i differs from point i - 1 by the direction number of the lowest
      // zero bit of i - 1.
      let c = 1;
      let value = index - 1;
      while (value % 2 === 1) {
        value = Math.floor(value / 2);
        c++;
      }
      for (let d = 0; d < dimension; d++) x[d] = (x[d]! ^ v[d]![c]!) >>> 0;
    }
    index++;
  };
  return {
    dimension,
    get index() {
      return index;
    },
    next(out: Float64Array, offset = 0) {
      advance();
      for (let d = 0; d < dimension; d++) out[offset + d] = (x[d]! + 0.5) * TWO_NEG_32;
    },
    nextIntegers(out: Uint32Array) {
      advance();
      out.set(x);
    },
  };
}
