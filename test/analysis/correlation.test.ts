import { describe, expect, it } from "vitest";
import { averageRanks, cronbachAlpha, pearson, spearman } from "../../src/analysis/index.js";
import { rankValues } from "../../src/index.js";

// A small table of five bodies and three items, worked by hand:
//   x = [1, 2, 3, 4, 5]   mean 3    deviations [-2, -1, 0, 1, 2]          Σd² = 10
//   y = [2, 1, 4, 3, 5]   mean 3    deviations [-1, -2, 1, 0, 2]          Σd² = 10
//   z = [5, 3, 3, 1, 2]   mean 2.8  deviations [2.2, 0.2, 0.2, -1.8, -0.8] Σd² = 8.8
const x = [1, 2, 3, 4, 5];
const y = [2, 1, 4, 3, 5];
const z = [5, 3, 3, 1, 2];

describe("pearson and spearman", () => {
  it("pearson(x, y) = Σ dx·dy / √(Σdx² Σdy²) = (2 + 2 + 0 + 0 + 4) / √(10·10) = 0.8", () => {
    expect(pearson(x, y)).toBeCloseTo(0.8, 14);
  });

  it("pearson(x, z) = (-4.4 - 0.2 + 0 - 1.8 - 1.6) / √(10·8.8) = -8/√88", () => {
    expect(pearson(x, z)).toBeCloseTo(-8 / Math.sqrt(88), 14);
  });

  it("spearman ranks ties by their average: z's ranks are [5, 3.5, 3.5, 1, 2]", () => {
    expect(averageRanks(z)).toEqual([5, 3.5, 3.5, 1, 2]);
    // Rank deviations of z from 3: [2, 0.5, 0.5, -2, -1], Σ = 9.5; with x's ranks (= x):
    // Σ dx·dz = -4 - 0.5 + 0 - 2 - 2 = -8.5, so ρ = -8.5 / √(10·9.5) = -8.5/√95.
    expect(spearman(x, z)).toBeCloseTo(-8.5 / Math.sqrt(95), 14);
    // Without ties Spearman's ρ is 1 − 6Σd²/(n(n²−1)): rank differences of x and y are
    // [-1, 1, -1, 1, 0], Σd² = 4, ρ = 1 − 24/120 = 0.8.
    expect(spearman(x, y)).toBeCloseTo(0.8, 14);
  });

  it("null for a constant variable or fewer than 2 pairs; lengths must match", () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1], [2])).toBeNull();
    expect(() => pearson([1, 2], [1])).toThrow(/^pearson: x has 2 values but y has 1/);
  });
});

describe("cronbachAlpha", () => {
  it("α(x, y, z) = 3/2 · (1 − (2.5 + 2.5 + 2.2)/5.2) = −15/26", () => {
    // Item variances (n − 1 = 4): 10/4, 10/4, 8.8/4. Totals x + y + z = [8, 6, 10, 8, 12], mean 8.8,
    // deviations [-0.8, -2.8, 1.2, -0.8, 3.2], Σd² = 20.8, variance 5.2.
    expect(cronbachAlpha([x, y, z])).toBeCloseTo(-15 / 26, 14);
  });

  it("α(x, y) = 2 · (1 − 5/9) = 8/9, and identical items give 1", () => {
    // Totals x + y = [3, 3, 7, 7, 10], mean 6, Σd² = 36, variance 9; item variances 2.5 + 2.5.
    expect(cronbachAlpha([x, y])).toBeCloseTo(8 / 9, 14);
    expect(cronbachAlpha([x, x])).toBeCloseTo(1, 14);
  });

  it("null when the totals do not vary or with one body; at least two items", () => {
    expect(cronbachAlpha([[1, 2], [2, 1]])).toBeNull();
    expect(cronbachAlpha([[1], [2]])).toBeNull();
    expect(() => cronbachAlpha([x])).toThrow(/^cronbachAlpha: needs at least 2 items/);
  });
});

// The analyses rank with the core's rankValues (competition ranking, as published tables rank);
// these are the cases the analysis module relied on when it had its own copy.
describe("rankValues, as the analyses use it", () => {
  it("ranks as league tables do: equal values share the best rank (1224)", () => {
    expect(rankValues([0.5, 0.7, 0.5, 0.2])).toEqual([2, 1, 2, 4]);
    expect(rankValues([0.2, 0.5, 0.5, 0.5, 0.1], { order: "ascending" })).toEqual([2, 3, 3, 3, 1]);
  });

  it("compares at the published decimals when asked, rounding half up on the decimal value", () => {
    // 0.514 and 0.506 both print 0.51; 0.505 prints 0.51 too (half up), 0.5049 prints 0.50.
    expect(rankValues([0.514, 0.506, 0.505, 0.5049], { decimals: 2 })).toEqual([1, 1, 1, 4]);
    expect(rankValues([0.1 + 0.2, 0.3])).toEqual([1, 2]);
    expect(rankValues([0.1 + 0.2, 0.3], { decimals: 12 })).toEqual([1, 1]);
  });

  it("leaves null unranked and out of the count, refuses NaN; empty input gives an empty list", () => {
    expect(rankValues([null, 0.4, null, 0.9])).toEqual([null, 2, null, 1]);
    expect(() => rankValues([0.4, Number.NaN])).toThrow(/^rankValues: value 1 is NaN/);
    expect(rankValues([])).toEqual([]);
    expect(() => rankValues([1], { decimals: 16 })).toThrow(/decimals must be an integer from 0 to 15/);
  });
});
