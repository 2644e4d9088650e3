/**
 * A small seeded pseudo-random generator whose streams are byte-identical on every platform and
 * JavaScript engine.
 *
 * The generator is xoshiro128** (Blackman and Vigna, 2018; reference code
 * https://prng.di.unimi.it/xoshiro128starstar.c): 128 bits of state, period 2^128 − 1, and every
 * step is 32-bit integer arithmetic (`Math.imul`, shifts, xor, rotations), which ECMAScript
 * defines exactly, so no engine can differ. The state is filled from the seed by splitmix32: a Weyl
 * sequence (step 0x9e3779b9, the golden ratio) passed through MurmurHash3's 32-bit finaliser.
 *
 * Doubles are built from integers only (53 random bits scaled by 2^-53), never from `Math.random`
 * or a transcendental function. The normal sampler needs a logarithm in its tails; it uses this
 * module's own {@link portableLog} (basic arithmetic only) rather than `Math.log`, whose last bit
 * ECMAScript leaves to each engine.
 *
 * Independent streams: {@link Random.jump} advances a generator by 2^64 draws (the reference jump
 * polynomial), so `substream(seed, k)` (the seed's stream jumped k times) gives up to 2^64
 * non-overlapping streams of 2^64 draws each, and replication k can be reproduced on its own.
 */
import { normalQuantile } from "./portableMath.js";

/**
 * A seeded stream of random numbers. Not thread-safe; one per task.
 * @example
 * const rng: Random = createRandom(42);
 * const a = rng.clone();
 * rng.nextInt(6) === a.nextInt(6) // => true
 */
export interface Random {
  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number;
  /** A double in [0, 1) with 53 random bits (every multiple of 2^-53 equally likely). */
  nextDouble(): number;
  /** A double in (0, 1), never 0 nor 1: (k + 0.5)·2^-52 for a uniform 52-bit k. For inverse CDFs. */
  nextOpen(): number;
  /** A uniform integer in [0, n), unbiased (Lemire's multiply-shift with rejection), for an integer 1 ≤ n ≤ 2^32. */
  nextInt(n: number): number;
  /** Fills `out` with uniform integers in [0, n): the same numbers as `out.length` calls of `nextInt(n)`, faster. */
  fillInts(n: number, out: Int32Array | Uint32Array | Float64Array): void;
  /** A standard normal draw: {@link normalQuantile} of {@link Random.nextOpen}. Portable, one uniform per draw. */
  nextNormal(): number;
  /** Advances this generator by 2^64 draws, in place (about 128 steps); returns it. */
  jump(): Random;
  /** An independent copy of the current state. */
  clone(): Random;
  /** The four 32-bit state words (for logs and tests). */
  state(): [number, number, number, number];
}

const TWO_32 = 4294967296;
const TWO_NEG_53 = 1 / 9007199254740992;
const TWO_NEG_32 = 1 / 4294967296;
const TWO_NEG_52 = 1 / 4503599627370496;
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b] as const;

/** splitmix32: one output of the Weyl sequence at `state` (returns [output, next state]). */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [z >>> 0, next];
}

class Xoshiro128 implements Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.#s0 = s0 | 0;
    this.#s1 = s1 | 0;
    this.#s2 = s2 | 0;
    this.#s3 = s3 | 0;
  }

  nextUint32(): number {
    const s1 = this.#s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 = s1 ^ this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result >>> 0;
  }

  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_NEG_53;
  }

  nextOpen(): number {
    const hi = this.nextUint32() >>> 6; // 26 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) * TWO_NEG_52;
  }

  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_32 && n === Math.floor(n))) {
      throw new RangeError(`Random.nextInt: n must be an integer from 1 to 2^32, received ${String(n)}`);
    }
    let x = this.nextUint32();
    if (n <= 2097152) {
      // Lemire's multiply-shift with rejection: x·n < 2^53 is exact in a double, its high 32 bits
      // are the result and its low 32 bits decide rejection (only when they fall below 2^32 mod n).
      let m = x * n;
      let high = Math.floor(m * TWO_NEG_32);
      let low = m - high * TWO_32;
      if (low < n) {
        const threshold = TWO_32 % n;
        while (low < threshold) {
          x = this.nextUint32();
          m = x * n;
          high = Math.floor(m * TWO_NEG_32);
          low = m - high * TWO_32;
        }
      }
      return high;
    }
    // Larger n: accept x below the largest multiple of n that fits in 32 bits.
    const limit = TWO_32 - (TWO_32 % n);
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  fillInts(n: number, out: Int32Array | Uint32Array | Float64Array): void {
    if (!(n >= 1 && n <= 2097152 && n === Math.floor(n))) {
      for (let i = 0; i < out.length; i++) out[i] = this.nextInt(n);
      return;
    }
    // nextInt's multiply-shift path with the generator's state in locals (one call, not one per draw).
    let s0 = this.#s0;
    let s1 = this.#s1;
    let s2 = this.#s2;
    let s3 = this.#s3;
    const threshold = TWO_32 % n;
    for (let i = 0; i < out.length; i++) {
      let high: number;
      let low: number;
      do {
        const m5 = Math.imul(s1, 5);
        const x = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const m = x * n;
        high = Math.floor(m * TWO_NEG_32);
        low = m - high * TWO_32;
      } while (low < threshold);
      out[i] = high;
    }
    this.#s0 = s0;
    this.#s1 = s1;
    this.#s2 = s2;
    this.#s3 = s3;
  }

  nextNormal(): number {
    return normalQuantile(this.nextOpen());
  }

  jump(): Random {
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          t0 ^= this.#s0;
          t1 ^= this.#s1;
          t2 ^= this.#s2;
          t3 ^= this.#s3;
        }
        this.nextUint32();
      }
    }
    this.#s0 = t0;
    this.#s1 = t1;
    this.#s2 = t2;
    this.#s3 = t3;
    return this;
  }

  clone(): Random {
    return new Xoshiro128(this.#s0, this.#s1, this.#s2, this.#s3);
  }

  state(): [number, number, number, number] {
    return [this.#s0 >>> 0, this.#s1 >>> 0, this.#s2 >>> 0, this.#s3 >>> 0];
  }
}

/**
 * Checks a seed: an integer from 0 to 2^53 − 1.
 * @param fn - the calling function's name, for the error message
 * @param seed - the seed to check
 * @throws TypeError when the seed is not a number, RangeError when it is not a safe non-negative integer
 */
export function checkSeed(fn: string, seed: unknown): asserts seed is number {
  if (typeof seed !== "number") throw new TypeError(`${fn}: seed must be a number, received ${typeof seed}`);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${fn}: seed must be an integer from 0 to 2^53 - 1, received ${String(seed)}`);
  }
}

/**
 * Creates a xoshiro128** generator from a seed. The same seed gives the same stream on every
 * platform and engine.
 *
 * The seed's low and high 32-bit halves each drive a splitmix32 sequence; the state words are
 * the xor of the two sequences' first four outputs (an all-zero state, which xoshiro cannot
 * leave, is replaced by a fixed non-zero word).
 * @param seed - an integer from 0 to 2^53 − 1
 * @returns a fresh generator
 * @throws RangeError when the seed is not a safe non-negative integer
 * @example
 * createRandom(42).nextUint32() // => 1580552567
 * createRandom(42).nextDouble() === createRandom(42).nextDouble() // => true
 */
export function createRandom(seed: number): Random {
  checkSeed("createRandom", seed);
  const lo = seed % TWO_32 | 0;
  const hi = Math.floor(seed / TWO_32) | 0;
  let a = lo;
  let b = hi ^ 0x6a09e667; // a fixed odd offset so that hi = 0 and lo = 0 differ from each other
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, na] = splitmix32(a);
    const [y, nb] = splitmix32(b);
    a = na;
    b = nb;
    words.push((x ^ y) >>> 0);
  }
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return new Xoshiro128(words[0]!, words[1]!, words[2]!, words[3]!);
}

/**
 * The generator for stream `index` of a seed: `createRandom(seed)` jumped `index` times. Streams
 * of one seed never overlap within 2^64 draws, so replication `index` can be rerun on its own.
 * @param seed - an integer from 0 to 2^53 − 1
 * @param index - stream number, an integer from 0 (the seed's own stream) to 2^20
 * @returns a fresh generator
 * @throws RangeError when the seed or the index is out of range
 * @example
 * substream(7, 0).nextUint32() === createRandom(7).nextUint32() // => true
 * substream(7, 1).nextUint32() === createRandom(7).jump().nextUint32() // => true
 */
export function substream(seed: number, index: number): Random {
  checkSeed("substream", seed);
  if (!Number.isInteger(index) || index < 0 || index > 1 << 20) {
    throw new RangeError(`substream: index must be an integer from 0 to 2^20, received ${String(index)}`);
  }
  const r = createRandom(seed);
  for (let k = 0; k < index; k++) r.jump();
  return r;
}

/**
 * A generator with an explicit state (for reproducing a reference stream or a logged state).
 * @param words - four 32-bit words, not all zero
 * @returns a generator starting from that state
 * @throws RangeError when there are not four integer words or all are zero
 * @example
 * fromState([1, 2, 3, 4]).nextUint32() // => 11520
 */
export function fromState(words: readonly number[]): Random {
  if (words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_32)) {
    throw new RangeError("fromState: expected four integers from 0 to 2^32 - 1");
  }
  if (words.every((w) => w === 0)) throw new RangeError("fromState: the all-zero state is not allowed");
  return new Xoshiro128(words[0]!, words[1]!, words[2]!, words[3]!);
}
