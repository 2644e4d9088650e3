import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareEditions, compareGroups, compareScores, scoreBody, type BodyComparison, type Comparison } from "../../src/index.js";
import { bodiesFor, rubricPairArb, someZeroWeights, valueArb } from "./arbitraries.js";

// Seeded: a failure replays from the seed fast-check prints. Few runs: each one enumerates Shapley
// games of up to 2^14 coalitions per body, and the machine is shared.
fc.configureGlobal({ seed: 20191, numRuns: 60 });

const valuesArb = fc.array(valueArb, { minLength: 4, maxLength: 40 });
const BODIES = 4;

/** Σ of the attribution terms of a row. */
function attributed(b: Pick<BodyComparison, "attribution">): number {
  const a = b.attribution!;
  return a.components.reduce((s, c) => s + c.weight + c.value, 0) + a.onlyFrom + a.onlyTo;
}

function expectSums(c: Comparison): number {
  let checked = 0;
  for (const b of c.bodies) {
    if (b.diff === null) {
      expect(b.attribution).toBeNull();
      continue;
    }
    expect(Math.abs(attributed(b) - b.diff)).toBeLessThanOrEqual(1e-12);
    for (const x of b.attribution!.components) expect(x.total).toBe(x.weight + x.value);
    checked++;
  }
  return checked;
}

/** Competition rank computed from scratch: 1 + the number of strictly greater values. */
function oracleRanks(values: readonly (number | null)[]): (number | null)[] {
  return values.map((v) => (v === null ? null : 1 + values.filter((w) => w !== null && w > v).length));
}

describe("attribution sums to the difference", () => {
  it("for every body, over random rubrics, crosswalks and data (auto method; gates, NA, missing, nodes given directly)", () => {
    let bodies = 0;
    fc.assert(
      fc.property(fc.oneof(rubricPairArb(), rubricPairArb(true)), valuesArb, valuesArb, (pair, va, vb) => {
        const a = bodiesFor(pair.from, pair.fromCodes, va, BODIES).map((b) => scoreBody(pair.from, b));
        const b = bodiesFor(pair.to, pair.toCodes, vb, BODIES).map((x) => scoreBody(pair.to, x));
        bodies += expectSums(compareScores({ rubric: pair.from, scores: a }, { rubric: pair.to, scores: b }, { crosswalk: pair.crosswalk }));
      }),
    );
    expect(bodies).toBeGreaterThan(20); // the generators do reach scored roots on both sides
  });

  it("with Shapley values forced, also where every rule is arithmetic, and with weights of 0", () => {
    fc.assert(
      fc.property(fc.oneof(rubricPairArb(), rubricPairArb(true)), valuesArb, valuesArb, fc.array(fc.nat(8), { minLength: 1, maxLength: 12 }), (pair, va, vb, dice) => {
        // Half the bodies under weight vectors with zeros, so a component can count under one
        // rubric only while it is missing under the other.
        const weights = (r: typeof pair.from, i: number) => (i % 2 === 0 ? { weights: someZeroWeights(r, dice) } : {});
        const a = bodiesFor(pair.from, pair.fromCodes, va, BODIES).map((b, i) => scoreBody(pair.from, b, weights(pair.from, i)));
        const b = bodiesFor(pair.to, pair.toCodes, vb, BODIES).map((x, i) => scoreBody(pair.to, x, weights(pair.to, i + 1)));
        const c = compareScores({ rubric: pair.from, scores: a }, { rubric: pair.to, scores: b }, { crosswalk: pair.crosswalk, method: "shapley" });
        expect(c.method).toBe("shapley");
        expectSums(c);
      }),
    );
  });

  it("when one dataset is scored under both rubrics through the crosswalk (compareEditions)", () => {
    fc.assert(
      fc.property(rubricPairArb(), valuesArb, (pair, va) => {
        const inputs = bodiesFor(pair.from, pair.fromCodes, va, BODIES);
        expectSums(compareEditions(inputs, pair.from, pair.to, { crosswalk: pair.crosswalk }));
        expectSums(compareEditions(inputs, pair.from, pair.to, { crosswalk: pair.crosswalk, bridge: false }));
      }),
    );
  });

  it("for group means: the mean attribution sums to the difference of the means over paired bodies", () => {
    fc.assert(
      fc.property(rubricPairArb(true), valuesArb, valuesArb, (pair, va, vb) => {
        const a = bodiesFor(pair.from, pair.fromCodes, va, 6).map((b) => scoreBody(pair.from, b));
        const b = bodiesFor(pair.to, pair.toCodes, vb, 6).map((x) => scoreBody(pair.to, x));
        const c = compareScores({ rubric: pair.from, scores: a }, { rubric: pair.to, scores: b }, { crosswalk: pair.crosswalk });
        const t = compareGroups(c, ["g"]);
        for (const g of t.groups) {
          const members = c.bodies.filter((x) => x.fields.g === g.key[0] && x.diff !== null);
          expect(g.n).toBe(members.length);
          if (members.length === 0) {
            expect(g.diff).toBeNull();
            continue;
          }
          const mean = (f: (x: BodyComparison) => number) => members.reduce((s, x) => s + f(x), 0) / members.length;
          expect(Math.abs(g.from! - mean((x) => x.from!))).toBeLessThanOrEqual(1e-12);
          expect(Math.abs(g.to! - mean((x) => x.to!))).toBeLessThanOrEqual(1e-12);
          expect(Math.abs(attributed(g) - g.diff!)).toBeLessThanOrEqual(1e-12);
        }
      }),
    );
  });
});

describe("comparing a rubric with itself", () => {
  it("gives zero differences, zero rank shifts and zero attribution, exactly", () => {
    fc.assert(
      fc.property(rubricPairArb(), valuesArb, fc.boolean(), (pair, va, shapley) => {
        const inputs = bodiesFor(pair.from, pair.fromCodes, va, BODIES);
        for (const c of [
          compareEditions(inputs, pair.from, pair.from, shapley ? { method: "shapley" } : {}),
          compareScores({ rubric: pair.from, scores: inputs.map((x) => scoreBody(pair.from, x)) }, { rubric: pair.from, scores: inputs.map((x) => scoreBody(pair.from, x)) }),
        ]) {
          expect(c.unmatched).toEqual([]);
          for (const b of c.bodies) {
            expect(b.from).toBe(b.to);
            if (b.diff === null) continue;
            expect(b.diff).toBe(0);
            expect(b.rankShift).toBe(0);
            for (const x of b.attribution!.components) expect([x.weight, x.value, x.total].map(Math.abs)).toEqual([0, 0, 0]);
            expect([b.attribution!.onlyFrom, b.attribution!.onlyTo].map(Math.abs)).toEqual([0, 0]);
            for (const n of b.nodes) if (n.diff !== null) expect(n.diff).toBe(0);
          }
        }
      }),
    );
  });
});

describe("swapping from and to", () => {
  it("negates every difference, rank shift and attribution term", () => {
    fc.assert(
      fc.property(rubricPairArb(), valuesArb, valuesArb, fc.boolean(), (pair, va, vb, shapley) => {
        const a = { rubric: pair.from, scores: bodiesFor(pair.from, pair.fromCodes, va, BODIES).map((b) => scoreBody(pair.from, b)) };
        const b = { rubric: pair.to, scores: bodiesFor(pair.to, pair.toCodes, vb, BODIES).map((x) => scoreBody(pair.to, x)) };
        const options = { crosswalk: pair.crosswalk, ...(shapley ? { method: "shapley" as const } : {}) };
        const ab = compareScores(a, b, options);
        const ba = compareScores(b, a, options);
        expect(ba.method).toBe(ab.method);
        expect(ba.components.map((c) => [c.from, c.code])).toEqual(ab.components.map((c) => [c.code, c.from]));
        expect(ba.onlyFrom).toEqual(ab.onlyTo);
        ab.bodies.forEach((x, i) => {
          const y = ba.bodies[i]!;
          expect(y.id).toBe(x.id);
          expect([y.from, y.to, y.rankFrom, y.rankTo]).toEqual([x.to, x.from, x.rankTo, x.rankFrom]);
          if (x.diff === null) return expect(y.diff).toBeNull();
          expect(y.diff === -x.diff).toBe(true); // exactly, signed zeros aside
          expect(y.rankShift === -x.rankShift!).toBe(true);
          const tolerance = ab.method === "two_factor" ? 0 : 1e-12;
          x.attribution!.components.forEach((c, k) => {
            const d = y.attribution!.components[k]!;
            expect(Math.abs(d.weight + c.weight)).toBeLessThanOrEqual(tolerance);
            expect(Math.abs(d.value + c.value)).toBeLessThanOrEqual(tolerance);
          });
          expect(Math.abs(y.attribution!.onlyFrom + x.attribution!.onlyTo)).toBeLessThanOrEqual(tolerance);
          expect(Math.abs(y.attribution!.onlyTo + x.attribution!.onlyFrom)).toBeLessThanOrEqual(tolerance);
          expect(y.assumed).toEqual(x.assumed.map((l) => l.split(" → ").reverse().join(" → ")));
        });
      }),
    );
  });
});

describe("rank tables", () => {
  it("agree with ranks computed from the per-body values, for bodies and for groups", () => {
    fc.assert(
      fc.property(rubricPairArb(true), valuesArb, valuesArb, (pair, va, vb) => {
        const a = bodiesFor(pair.from, pair.fromCodes, va, 9).map((b) => scoreBody(pair.from, b));
        const b = bodiesFor(pair.to, pair.toCodes, vb, 9).map((x) => scoreBody(pair.to, x));
        const c = compareScores({ rubric: pair.from, scores: a }, { rubric: pair.to, scores: b }, { crosswalk: pair.crosswalk });
        expect(c.bodies.map((x) => x.rankFrom)).toEqual(oracleRanks(c.bodies.map((x) => x.from)));
        expect(c.bodies.map((x) => x.rankTo)).toEqual(oracleRanks(c.bodies.map((x) => x.to)));
        for (const x of c.bodies) expect(x.rankShift).toBe(x.rankFrom !== null && x.rankTo !== null ? x.rankFrom - x.rankTo : null);
        const t = compareGroups(c, ["g"]);
        expect(t.groups.map((g) => g.rankFrom)).toEqual(oracleRanks(t.groups.map((g) => g.from)));
        expect(t.groups.map((g) => g.rankTo)).toEqual(oracleRanks(t.groups.map((g) => g.to)));
      }),
    );
  });
});
