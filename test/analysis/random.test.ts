import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom, fromState, substream } from "../../src/analysis/index.js";

describe("xoshiro128** (createRandom, fromState)", () => {
  it("fromState([1, 2, 3, 4]) gives the reference implementation's first ten outputs", () => {
    // Produced by Blackman and Vigna's xoshiro128starstar.c (v1.1), as recorded in the Rust
    // rand_xoshiro test suite.
    const r = fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 10 }, () => r.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it("jump() moves the state as the reference jump() does (2^64 steps ahead)", () => {
    // Oracle: the reference C code (xoshiro128starstar.c, jump with 0x8764000b 0xf542d2d3
    // 0x6fa035c3 0x77f2db5b) compiled with gcc and run from the state 1, 2, 3, 4.
    const r = fromState([1, 2, 3, 4]).jump();
    expect(r.state()).toEqual([2843103750, 2038079848, 1533207345, 44816753]);
    expect(Array.from({ length: 5 }, () => r.nextUint32())).toEqual([1194304935, 745561276, 25819468, 3320478005, 3046317961]);
    r.jump();
    expect(Array.from({ length: 5 }, () => r.nextUint32())).toEqual([3416635870, 2848629889, 1424411027, 2950004014, 4049930288]);
  });

  it("substream(seed, k) is the seed's stream jumped k times, and streams differ", () => {
    const jumped = createRandom(99).jump().jump();
    const s2 = substream(99, 2);
    expect(s2.state()).toEqual(jumped.state());
    expect(substream(99, 0).state()).toEqual(createRandom(99).state());
    expect(substream(99, 1).nextUint32()).not.toBe(substream(99, 2).nextUint32());
  });

  it("the same seed gives the same stream, another seed another stream, and clone() forks", () => {
    const take = (seed: number) => {
      const r = createRandom(seed);
      return JSON.stringify([r.nextUint32(), r.nextDouble(), r.nextOpen(), r.nextInt(1000), r.nextNormal()]);
    };
    expect(take(2024)).toBe(take(2024));
    expect(take(2024)).not.toBe(take(2025));
    expect(take(0)).not.toBe(take(2 ** 32)); // the seed's high half counts
    const a = createRandom(5);
    a.nextUint32();
    const b = a.clone();
    expect(b.nextUint32()).toBe(a.nextUint32());
  });

  it("pins the stream of seed 42 (a regression pin: a change here changes every seeded result)", () => {
    const r = createRandom(42);
    expect(r.state()).toEqual([3688067512, 3434756930, 831114780, 1451099932]);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextDouble(), r.nextNormal()]).toEqual([
      1580552567, 3148757609, 3570626032, 0.6886706725960522, 1.1519906339853476,
    ]);
  });

  it("nextDouble is k·2^-53 in [0, 1); nextOpen is (k + 1/2)·2^-52, never 0 or 1", () => {
    const r = createRandom(3);
    for (let i = 0; i < 10_000; i++) {
      const d = r.nextDouble();
      expect(d >= 0 && d < 1).toBe(true);
      expect(Number.isInteger(d * 2 ** 53)).toBe(true);
      const o = r.nextOpen();
      expect(o > 0 && o < 1).toBe(true);
      expect(Number.isInteger(o * 2 ** 52 - 0.5)).toBe(true);
    }
    // The extremes of nextOpen's formula are representable and inside (0, 1).
    expect((0 + 0.5) * 2 ** -52).toBeGreaterThan(0);
    expect((2 ** 52 - 1 + 0.5) * 2 ** -52).toBeLessThan(1);
  });

  it("nextInt(n) stays in [0, n) for any n up to 2^32 (property, seeded)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const r = createRandom(seed);
        for (let i = 0; i < 20; i++) {
          const x = r.nextInt(n);
          if (!(Number.isInteger(x) && x >= 0 && x < n)) return false;
        }
        return true;
      }),
      { seed: 11, numRuns: 300 },
    );
    expect(createRandom(1).nextInt(1)).toBe(0);
  });

  it("nextInt(6) is uniform: chi-square over 60,000 draws below the 0.999 quantile (20.52, 5 df)", () => {
    const r = createRandom(8);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.nextInt(6)]!++;
    const chi = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(20.52);
  });

  it("nextInt for n above 2^21 (modulo path) is uniform over halves and quarters", () => {
    const r = createRandom(9);
    const n = 3 * 2 ** 30; // rejection matters here: 2^32 mod n = 2^30
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[Math.floor(r.nextInt(n) / 2 ** 30)]!++;
    const chi = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(13.82); // 0.999 quantile, 2 df
  });

  it("nextNormal has mean 0 and variance 1 (200,000 draws, 5 standard errors)", () => {
    const r = createRandom(10);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const z = r.nextNormal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it("rejects bad seeds and bad n with messages prefixed by the function name", () => {
    expect(() => createRandom(-1)).toThrow(RangeError);
    expect(() => createRandom(1.5)).toThrow(/^createRandom: seed must be an integer/);
    expect(() => createRandom("1" as unknown as number)).toThrow(TypeError);
    expect(() => substream(1, -1)).toThrow(/^substream: index/);
    expect(() => createRandom(1).nextInt(0)).toThrow(/^Random.nextInt:/);
    expect(() => createRandom(1).nextInt(2 ** 32 + 1)).toThrow(RangeError);
    expect(() => fromState([0, 0, 0, 0])).toThrow(/all-zero/);
  });
});

describe("Random.fillInts", () => {
  it("gives the same numbers as repeated nextInt calls, and leaves the generator in the same state", () => {
    for (const n of [1, 2, 7, 100, 2 ** 21, 2 ** 21 + 1, 3e9]) {
      const a = createRandom(n);
      const b = createRandom(n);
      const out = new Int32Array(500);
      const big = new Float64Array(500);
      (n > 2 ** 31 ? a.fillInts(n, big) : a.fillInts(n, out));
      const expected = Array.from({ length: 500 }, () => b.nextInt(n));
      expect(Array.from(n > 2 ** 31 ? big : out)).toEqual(expected);
      expect(a.state()).toEqual(b.state());
    }
  });
});
