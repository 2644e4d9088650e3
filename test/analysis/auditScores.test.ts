import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { auditScores } from "../../src/analysis/index.js";
import { loadEdition, parseRubric, scoreBody, type BodyScore } from "../../src/index.js";
import { frozen, leaf, node, rubricDoc } from "../helpers.js";
import { BSO_PATH, dataSuite } from "../sharedData.js";

const score = { type: "score" } as const;

describe("auditScores on a hand-made dataset", () => {
  // r = (a + b)/2, a = (a1 + a2)/2, b = (b1 + b2)/2; a2 = a1 + 0.1 (collinear), b1 = 1 − a1 where both exist.
  const rubric = parseRubric(
    rubricDoc([
      node("r", [["a", 0.5], ["b", 0.5]]),
      node("a", [["a1", 0.5], ["a2", 0.5]]),
      leaf("a1", score),
      leaf("a2", score),
      node("b", [["b1", 0.5], ["b2", 0.5]]),
      leaf("b1", score),
      leaf("b2", score),
    ]),
  );
  const rows: [string, string, string, string][] = [
    ["0.1", "0.2", "0.9", "0.8"],
    ["0.2", "0.3", "0.8", "0.9"],
    ["0.3", "0.4", "0.7", "0.6"],
    ["0.4", "0.5", "NA", "0.5"], // b1 not applicable: b = b2
    ["0.5", "0.6", "0.5", ""], // b2 missing: b and r missing
    ["0.6", "0.7", "0.4", "0.3"],
  ];
  const scores = frozen(rows.map(([a1, a2, b1, b2], i) => scoreBody(rubric, { id: `B${i + 1}`, values: { a1, a2, b1, b2 } })));
  const audit = auditScores(rubric, scores);
  const stats = (code: string) => audit.indicators.find((s) => s.code === code)!;
  const pair = (a: string, b: string) => audit.correlations.find((c) => c.a === a && c.b === b)!;

  it("counts scored, not applicable and missing per node", () => {
    expect(stats("b1")).toMatchObject({ scored: 5, notApplicable: 1, missing: 0, availability: 1 });
    expect(stats("b2")).toMatchObject({ scored: 5, notApplicable: 0, missing: 1, availability: 5 / 6 });
    expect(stats("b")).toMatchObject({ scored: 5, missing: 1 });
    expect(stats("r")).toMatchObject({ scored: 5, missing: 1, bodies: 6 });
    expect(stats("a1").mean).toBeCloseTo(0.35, 14);
  });

  it("flags a2 ~ a1 as collinear (within) and b1 ~ a1 as negative (across), over the bodies where both are scored", () => {
    expect(pair("a1", "a2")).toMatchObject({ relation: "within", n: 6, flags: ["collinear"] });
    expect(pair("a1", "a2").pearson).toBeCloseTo(1, 12);
    // b1 = 1 − a1 on the 5 bodies where b1 is scored: r = ρ = −1.
    expect(pair("a1", "b1")).toMatchObject({ relation: "across", n: 5, flags: ["negative"] });
    expect(pair("a1", "b1").pearson).toBeCloseTo(-1, 12);
    expect(pair("a1", "b1").spearman).toBeCloseTo(-1, 12);
    // A node and its parent: no collinear flag even when r is 1.
    expect(pair("a1", "a")).toMatchObject({ relation: "parent", flags: [] });
    expect(audit.flags.map((f) => f.code)).toEqual(expect.arrayContaining(["collinear", "negative_correlation"]));
  });

  it("Cronbach's alpha of a = (a1, a1 + 0.1) is 2·(1 − 2s²/4s²) = 1; b uses only bodies with both children", () => {
    expect(audit.alpha.find((a) => a.code === "a")!.alpha).toBeCloseTo(1, 12);
    expect(audit.alpha.find((a) => a.code === "b")!.n).toBe(4);
  });

  it("reports no_data for a node no body carries and low availability below 65%", () => {
    const some = auditScores(rubric, [scores[4]!, scores[4]!, scores[0]!]); // b2 missing in 2 of 3
    expect(some.indicators.find((s) => s.code === "b2")!.flags).toEqual(["low_availability"]);
    const none = auditScores(rubric, [scoreBody(rubric, { values: { a1: 0.5, a2: 0.5 } })]);
    expect(none.indicators.find((s) => s.code === "b1")!.flags).toEqual(["no_data"]);
    expect(none.flags.filter((f) => f.code === "no_data").map((f) => f.path)).toEqual(["r", "b", "b1", "b2"]);
  });

  it("with no bodies every count is 0 and every statistic null", () => {
    const empty = auditScores(rubric, []);
    expect(empty.bodies).toBe(0);
    expect(empty.indicators.every((s) => s.scored === 0 && s.mean === null && s.availability === null)).toBe(true);
    expect(empty.correlations).toEqual([]);
    expect(empty.drops.every((d) => d.ranked === 0 && d.meanShift === null)).toBe(true);
  });
});

describe("auditScores skewness and kurtosis (COINr's outlier flag)", () => {
  it("19 zeros and a one: G1 = √20 and excess kurtosis G2 = 20, flagged as outliers", () => {
    // A 0/1 variable with share p of ones has population skewness g1 = (1 − 2p)/√(pq) and excess
    // kurtosis g2 = 1/(pq) − 6. COINr (e1071 type 2) adjusts them: G1 = g1·√(n(n−1))/(n − 2),
    // G2 = ((n + 1)g2 + 6)(n − 1)/((n − 2)(n − 3)). With n = 20, p = 0.05:
    // g1 = 0.9/√0.0475, G1 = g1·√380/18 = √20; g2 = 1/0.0475 − 6, G2 = (21·g2 + 6)·19/306 = 20.
    const n = 20;
    const p = 0.05;
    const q = 1 - p;
    const G1 = (((1 - 2 * p) / Math.sqrt(p * q)) * Math.sqrt(n * (n - 1))) / (n - 2);
    const G2 = (((n + 1) * (1 / (p * q) - 6) + 6) * (n - 1)) / ((n - 2) * (n - 3));
    expect(G1).toBeCloseTo(Math.sqrt(20), 12);
    expect(G2).toBeCloseTo(20, 10);
    const rubric = parseRubric(rubricDoc([node("r", [["x", 0.5], ["y", 0.5]]), leaf("x", score), leaf("y", score)]));
    const scores = Array.from({ length: n }, (_, i) => scoreBody(rubric, { values: { x: i === 7 ? 1 : 0, y: (i % 5) / 4 } }));
    const audit = auditScores(rubric, scores);
    const x = audit.indicators.find((s) => s.code === "x")!;
    expect(x.skew).toBeCloseTo(G1, 10);
    expect(x.kurtosis).toBeCloseTo(G2, 9);
    expect(x.flags).toEqual(["outliers"]);
    expect(audit.indicators.find((s) => s.code === "y")!.flags).toEqual([]);
    // The flag needs both: a skewness above 2 with the kurtosis threshold raised to 25 is not flagged.
    expect(auditScores(rubric, scores, { kurtosis: 25 }).indicators.find((s) => s.code === "x")!.flags).toEqual([]);
  });
});

describe("auditScores drop-one rank effects", () => {
  it("dropping a or b re-weights the other, and ranks move as computed by hand", () => {
    // r = (a + b)/2. P: a 1, b 0 → 0.5; Q: 0.6, 0.6 → 0.6; R: 0, 0.9 → 0.45. Ranks Q 1, P 2, R 3.
    // Without a, r = b: P 0, Q 0.6, R 0.9 → R 1, Q 2, P 3: shifts P 1, Q 1, R 2 → mean 4/3, max 2.
    // Without b, r = a: P 1, Q 0.6, R 0 → P 1, Q 2, R 3: shifts 1, 1, 0 → mean 2/3, max 1.
    const rubric = parseRubric(rubricDoc([node("r", [["a", 0.5], ["b", 0.5]]), leaf("a", score), leaf("b", score)]));
    const scores = [
      scoreBody(rubric, { id: "P", values: { a: 1, b: 0 } }),
      scoreBody(rubric, { id: "Q", values: { a: 0.6, b: 0.6 } }),
      scoreBody(rubric, { id: "R", values: { a: 0, b: 0.9 } }),
    ];
    const drops = auditScores(rubric, scores).drops;
    expect(drops.find((d) => d.code === "a")).toMatchObject({ parent: "r", ranked: 3, rescored: 3, maxShift: 2 });
    expect(drops.find((d) => d.code === "a")!.meanShift).toBeCloseTo(4 / 3, 14);
    expect(drops.find((d) => d.code === "b")).toMatchObject({ ranked: 3, rescored: 3, maxShift: 1 });
    expect(drops.find((d) => d.code === "b")!.meanShift).toBeCloseTo(2 / 3, 14);
  });

  it("follows the geometric and minimum rules when re-scoring", () => {
    // P: a 0.25, b 1; Q: 0.36, 0.64; R: 1, 0.16.
    // Geometric (weights ½, ½): √(ab) = 0.5, 0.48, 0.4 → P 1, Q 2, R 3. Without b, r = a: 0.25, 0.36,
    // 1 → R 1, Q 2, P 3: shifts 2, 0, 2 (mean 4/3). Without a, r = b: P 1, Q 2, R 3: no shift.
    // Minimum: 0.25, 0.36, 0.16 → Q 1, P 2, R 3. Without b, r = a → R 1, Q 2, P 3: shifts P 1, Q 1,
    // R 2 (mean 4/3). Without a, r = b → P 1, Q 2, R 3: shifts P 1, Q 1, R 0 (mean 2/3).
    const bodies = [
      { a: 0.25, b: 1 },
      { a: 0.36, b: 0.64 },
      { a: 1, b: 0.16 },
    ];
    const drops = (rule: "geometric" | "minimum") => {
      const rubric = parseRubric(rubricDoc([node("r", [["a", 0.5], ["b", 0.5]], { rule }), leaf("a", score), leaf("b", score)]));
      const result = auditScores(rubric, bodies.map((values) => scoreBody(rubric, { values })));
      return result.drops.map((d) => [d.code, d.rescored, d.meanShift, d.maxShift]);
    };
    expect(drops("geometric")).toEqual([
      ["a", 3, 0, 0],
      ["b", 3, 4 / 3, 2],
    ]);
    expect(drops("minimum")).toEqual([
      ["a", 3, 2 / 3, 1],
      ["b", 3, 4 / 3, 2],
    ]);
  });

  it("ties share the best rank: two bodies equal after dropping do not count as a shift between them", () => {
    const rubric = parseRubric(rubricDoc([node("r", [["a", 0.5], ["b", 0.5]]), leaf("a", score), leaf("b", score)]));
    // Without b: both have a = 0.5 and tie at rank 1, so X (rank 1 → 1) and Y (rank 2 → 1) move by 0 and 1.
    const scores = [scoreBody(rubric, { values: { a: 0.5, b: 0.9 } }), scoreBody(rubric, { values: { a: 0.5, b: 0.1 } })];
    const b = auditScores(rubric, scores).drops.find((d) => d.code === "b")!;
    expect(b).toMatchObject({ maxShift: 1, meanShift: 0.5 });
  });
});

dataSuite("auditScores on the published 2017 per-body data", BSO_PATH, () => {
  const rubric = loadEdition("2017");
  const scores: BodyScore[] = (() => {
    const text = new TextDecoder("latin1").decode(readFileSync(BSO_PATH));
    const [, ...rows] = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
    return rows.map(([SO, edo, niv, ts, GA, P, T, TG, TC, PG, PC]) => scoreBody(rubric, { id: SO!, fields: { state: edo!, level: niv!, type: ts! }, values: { GA, P, T, TG, TC, PG, PC } }));
  })();

  it("covers the seven published columns for all 908 bodies, and says the 17 components are not in the file", () => {
    const audit = auditScores(rubric, scores);
    for (const code of ["iga", "t", "p", "tg", "tc", "pg", "pc"]) expect(audit.indicators.find((s) => s.code === code)).toMatchObject({ scored: 908, missing: 0 });
    expect(audit.flags.filter((f) => f.code === "no_data")).toHaveLength(17);
    expect(audit.flags.filter((f) => f.code === "outliers")).toEqual([]);
  });

  it("pg ~ pc correlation equals a direct computation on the file's columns", () => {
    const audit = auditScores(rubric, scores);
    const pg = scores.map((s) => s.nodes.find((n) => n.code === "pg")!.value!);
    const pc = scores.map((s) => s.nodes.find((n) => n.code === "pc")!.value!);
    const m = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const [mg, mc] = [m(pg), m(pc)];
    const cov = pg.reduce((s, g, i) => s + (g - mg) * (pc[i]! - mc), 0);
    const r = cov / Math.sqrt(pg.reduce((s, g) => s + (g - mg) ** 2, 0) * pc.reduce((s, c) => s + (c - mc) ** 2, 0));
    expect(audit.correlations.find((c) => c.a === "pg" && c.b === "pc")!.pearson).toBeCloseTo(r, 12);
  });

  it("measures the rank effect of dropping each sub-index and dimension", () => {
    const drops = auditScores(rubric, scores).drops.filter((d) => d.rescored > 0);
    expect(drops.map((d) => d.code).sort()).toEqual(["p", "pc", "pg", "t", "tc", "tg"]);
    for (const d of drops) {
      expect(d.ranked).toBe(908);
      expect(d.meanShift!).toBeGreaterThan(0);
      expect(d.maxShift!).toBeLessThan(908);
    }
  });
});
