import { describe, expect, it } from "vitest";
import { createRandom, normalCdf, normalQuantile, portableExp, portableLog } from "../../src/analysis/index.js";

/** Relative difference in units of 2^-52 (about one ulp). */
const ulps = (a: number, b: number) => Math.abs(a - b) / (Math.abs(b) * 2 ** -52);

describe("portableLog and portableExp (basic arithmetic only)", () => {
  it("portableLog is within 2 ulps of Math.log over 200,000 values from 1e-300 to 1e300 and the subnormals", () => {
    const r = createRandom(1);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = 10 ** ((r.nextDouble() - 0.5) * 600);
      const y = Math.log(x);
      if (y !== 0) worst = Math.max(worst, ulps(portableLog(x), y));
    }
    for (const x of [5e-324, 1e-310, 2.2250738585072014e-308, 0.5, 2, Math.E, 1 + 2 ** -52, 1 - 2 ** -53]) {
      worst = Math.max(worst, ulps(portableLog(x), Math.log(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(portableLog(1)).toBe(0);
    expect(portableLog(0)).toBe(-Infinity);
    expect(portableLog(-1)).toBeNaN();
    expect(portableLog(Infinity)).toBe(Infinity);
  });

  it("portableExp is within 2 ulps of Math.exp from -745 to 709", () => {
    const r = createRandom(2);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = -745 + r.nextDouble() * 1454;
      const y = Math.exp(x);
      if (y > 2.2250738585072014e-308 && Number.isFinite(y)) worst = Math.max(worst, ulps(portableExp(x), y));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(portableExp(0)).toBe(1);
    expect(portableExp(710)).toBe(Infinity);
    expect(portableExp(-800)).toBe(0);
  });
});

describe("normalQuantile and normalCdf", () => {
  // Oracle: SciPy 1.17 scipy.special.ndtri and ndtr (Cephes), printed with repr.
  const quantiles: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798409],
    [1e-10, -6.361340902404056],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.074, -1.4466320671589785],
    [0.075, -1.4395314709384563],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.7, 0.5244005127080407],
    [0.925, 1.4395314709384563],
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
  ];
  it.each(quantiles)("normalQuantile(%d) matches SciPy's ndtri within 1e-15 relative", (p, z) => {
    const q = normalQuantile(p);
    if (z === 0) expect(q).toBe(0);
    else expect(Math.abs(q - z) / Math.abs(z)).toBeLessThan(1e-15);
  });

  const cdf: [number, number][] = [
    [-8, 6.22096057427174e-16],
    [-7, 1.279812543885835e-12],
    [-5, 2.866515718791933e-7],
    [-3, 0.0013498980316300933],
    [-1.5, 0.06680720126885807],
    [-0.5, 0.3085375387259869],
    [0, 0.5],
    [0.25, 0.5987063256829237],
    [1, 0.8413447460685429],
    [1.959963984540054, 0.975],
    [3, 0.9986501019683699],
    [6, 0.9999999990134123],
  ];
  it.each(cdf)("normalCdf(%d) matches SciPy's ndtr within 1e-15 absolute", (x, p) => {
    expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-15);
  });

  it("normalQuantile inverts normalCdf, is odd, and rejects p outside [0, 1]", () => {
    for (let x = -5; x <= 5; x += 0.25) expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 9);
    expect(normalQuantile(0.25)).toBe(-normalQuantile(0.75)); // 0.25 - 0.5 and 0.75 - 0.5 are exact
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(/^normalQuantile: p must be in \[0, 1\]/);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});
