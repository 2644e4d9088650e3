import { describe, expect, it } from "vitest";
import { createRandom, createSobolSequence, SOBOL_MAX_DIMENSION } from "../../src/analysis/index.js";

describe("createSobolSequence", () => {
  // Oracle: SciPy 1.17, scipy.stats.qmc.Sobol(d=128, scramble=False, bits=32).random(4096),
  // scaled by 2^32 (SciPy uses the same Joe–Kuo new-joe-kuo-6.21201 numbers and Gray-code order).
  it("the plain sequence's integers equal SciPy's for 4096 points in 128 dimensions (a weighted checksum and sample rows)", () => {
    const s = createSobolSequence(128);
    const x = new Uint32Array(128);
    let hash = 0n;
    const rows = new Map<number, number[]>();
    for (let i = 0; i < 4096; i++) {
      s.nextIntegers(x);
      for (let d = 0; d < 128; d++) hash += BigInt(x[d]!) * BigInt(i * 131 + d * 7 + 1);
      if ([1, 2, 1000, 2047, 4095].includes(i)) rows.set(i, Array.from(x));
    }
    expect(hash).toBe(302488850637292306432n);
    expect(rows.get(1)!.slice(0, 8)).toEqual(new Array(8).fill(2147483648));
    expect(rows.get(2)!.slice(0, 8)).toEqual([3221225472, 1073741824, 1073741824, 1073741824, 3221225472, 3221225472, 1073741824, 3221225472]);
    expect(rows.get(1000)!.slice(120)).toEqual([1094713344, 3334471680, 2134900736, 2361393152, 1950351360, 2898264064, 725614592, 2336227328]);
    expect(rows.get(2047)!.slice(0, 4)).toEqual([2097152, 2694840320, 3999268864, 1507852288]);
    expect(rows.get(4095)!.slice(120)).toEqual([1416626176, 502267904, 1825570816, 409993216, 1943011328, 3262119936, 4193255424, 1123024896]);
  });

  it("a scrambled sequence keeps the net property: the first 2^10 points put one point in each 1/1024 cell of every coordinate", () => {
    const d = 20;
    const s = createSobolSequence(d, createRandom(7));
    const p = new Float64Array(d);
    const seen = Array.from({ length: d }, () => new Uint8Array(1024));
    for (let i = 0; i < 1024; i++) {
      s.next(p);
      for (let j = 0; j < d; j++) {
        expect(p[j]! > 0 && p[j]! < 1).toBe(true);
        seen[j]![Math.floor(p[j]! * 1024)]!++;
      }
    }
    for (const cells of seen) expect(cells.every((c) => c === 1)).toBe(true);
  });

  it("a scrambled two-dimensional projection is a (0, m, 2)-net for the first two coordinates (m = 8)", () => {
    // Dimensions 1 and 2 of the Sobol' sequence form a (0, m, 2)-net; a linear scramble with a
    // digital shift preserves it: every 2^-a × 2^-(8-a) box holds exactly one of 256 points.
    const s = createSobolSequence(2, createRandom(3));
    const pts: [number, number][] = [];
    const p = new Float64Array(2);
    for (let i = 0; i < 256; i++) {
      s.next(p);
      pts.push([p[0]!, p[1]!]);
    }
    for (let a = 0; a <= 8; a++) {
      const boxes = new Map<string, number>();
      for (const [u, v] of pts) {
        const key = `${Math.floor(u * 2 ** a)},${Math.floor(v * 2 ** (8 - a))}`;
        boxes.set(key, (boxes.get(key) ?? 0) + 1);
      }
      expect(boxes.size).toBe(256);
    }
  });

  it("scrambling depends on the seed only", () => {
    const first = (seed: number) => {
      const s = createSobolSequence(4, createRandom(seed));
      const p = new Float64Array(4);
      s.next(p);
      s.next(p);
      return Array.from(p);
    };
    expect(first(1)).toEqual(first(1));
    expect(first(1)).not.toEqual(first(2));
  });

  it("rejects dimensions outside 1..128", () => {
    expect(SOBOL_MAX_DIMENSION).toBe(128);
    expect(() => createSobolSequence(0)).toThrow(/^createSobolSequence: dimension must be an integer from 1 to 128/);
    expect(() => createSobolSequence(129)).toThrow(RangeError);
  });
});
