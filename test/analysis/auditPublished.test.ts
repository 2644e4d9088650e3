import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditPublished, parsePublishedCsv, type PublishedFigure } from "../../src/analysis/index.js";
import { formatFixed, loadEdition, parseRubric, scoreBody } from "../../src/index.js";
import { frozen, leaf, node, rubricDoc } from "../helpers.js";

const PRESS_2019 = "IGA,T,TG,TC,P,PG,PC\n0.52,0.64,0.72,0.56,0.41,0.19,0.58\n";

describe("auditPublished on the national tables", () => {
  it("flags the 2019 P, and only P: (0.19 + 0.58)/2 = 0.385, so P lies in [0.38, 0.39], not in 0.41's [0.405, 0.415]", () => {
    const rubric = loadEdition("2019");
    const audit = auditPublished(rubric, rubric.references);
    expect(audit.issues).toEqual([]);
    expect(audit.consistent).toBe(false);
    expect(audit.contradictions.map((c) => [c.code, c.path, c.received, c.expected])).toEqual([["published_contradiction", "p", "0.41", "[0.38, 0.39]"]]);
    const p = audit.checks.find((c) => c.node === "p")!;
    // The point gap is 0.41 − 0.385 = 0.025; rounding allows 0.005 on each side of P and 0.5·0.005
    // + 0.5·0.005 on the children's mean, 0.01 in all: what is left is 0.015.
    expect(p.difference).toBeCloseTo(0.025, 15);
    expect(p.gap).toBeCloseTo(0.025 - 0.01, 15);
    expect(p).toMatchObject({ relation: "identity", consistent: false, implied: { value: 0.385, low: 0.38, high: 0.39 }, published: { value: "0.41", low: 0.405, high: 0.415 } });
    expect(p.terms).toEqual([
      { node: "pg", weight: 0.5, value: "0.19" },
      { node: "pc", weight: 0.5, value: "0.58" },
    ]);
  });

  it("passes the 2019 IGA: (0.64 + 0.41)/2 = 0.525 meets [0.515, 0.525], and the four sub-indices' 0.5125 ± 0.005 does too", () => {
    const rubric = loadEdition("2019");
    const checks = auditPublished(rubric, rubric.references).checks.filter((c) => c.node === "iga");
    expect(checks.map((c) => [c.level, c.consistent, c.implied.value])).toEqual([
      ["children", true, 0.525],
      ["deepest", true, 0.5125],
    ]);
    // T = (0.72 + 0.56)/2 = 0.64 exactly.
    expect(auditPublished(rubric, rubric.references).checks.find((c) => c.node === "t")).toMatchObject({ consistent: true, difference: 0 });
  });

  it("passes the 2017 national table and the 17 component means read off the official charts", () => {
    const rubric = loadEdition("2017");
    const audit = auditPublished(rubric, rubric.references);
    expect(audit.issues).toEqual([]);
    expect(audit.contradictions).toEqual([]);
    expect(audit.warnings).toEqual([]);
    expect(audit.consistent).toBe(true);
    // iga, t and p against their children and against the components; each sub-index against its components.
    expect(audit.checks.map((c) => `${c.node}:${c.level}:${c.terms.length}`)).toEqual([
      "iga:children:2", "iga:deepest:17", "t:children:2", "t:deepest:8", "p:children:2", "p:deepest:9",
      "tg:children:4", "tc:children:4", "pg:children:5", "pc:children:4",
    ]);
    // By hand: TG = 0.5·0.67 + 0.2·0.45 + 0.2·0.15 + 0.1·0.05 = 0.46; TC = (0.67 + 0.39 + 0.65 + 0.47)/4 = 0.545
    // (meets 0.54's [0.535, 0.545] at its edge); PG = 0.2·0.36 + 0.1·0.33 + 0.3·0.32 + 0.1·0.10 + 0.3·0.06 = 0.229.
    const implied = (code: string) => audit.checks.find((c) => c.node === code && c.level === "children")!.implied.value;
    expect(implied("tg")).toBe(0.46);
    expect(implied("tc")).toBe(0.545);
    expect(implied("pg")).toBe(0.229);
    expect(implied("pc")).toBe(0.324);
    expect(audit.checks.find((c) => c.node === "pg")!.notes.join()).toMatch(/pg\.mec gates its siblings/);
  });

  it("reads the same 2019 table from a wide CSV with the official column names", () => {
    const rubric = loadEdition("2019");
    const { figures, issues } = parsePublishedCsv(PRESS_2019, rubric);
    expect(issues).toEqual([]);
    expect(figures).toHaveLength(7);
    expect(figures[0]).toEqual({ node: "IGA", by: [], group: [], value: "0.52", row: 2 });
    const audit = auditPublished(rubric, figures);
    expect(audit.contradictions.map((c) => c.path)).toEqual(["p"]);
    expect(audit.contradictions[0]!.message).toBe(
      "p (national) is published as 0.41, standing for [0.405, 0.415], but its children give 0.5·0.19 + 0.5·0.58 = 0.385 and, allowing for their rounding, put it in [0.38, 0.39]: a gap of 0.015",
    );
  });
});

describe("parsePublishedCsv and grouped tables", () => {
  const rubric = loadEdition("2017");

  it("reads a long table with by/group and a wide table with a state column; state names are matched", () => {
    const long = parsePublishedCsv("\uFEFFnode,by,group,value,decimals\nIGA,state,CDMX,0.51,\nT,state,Ciudad de México,0.6,2\nP,state,cdmx,0.45,\n\n", rubric);
    expect(long.issues).toEqual([]);
    expect(long.figures.map((f) => [f.node, f.group, f.value, f.decimals, f.row])).toEqual([
      ["IGA", ["CDMX"], "0.51", undefined, 2],
      ["T", ["Ciudad de México"], "0.6", 2, 3],
      ["P", ["cdmx"], "0.45", undefined, 4],
    ]);
    // One group: (0.60 + 0.45)/2 = 0.525 → [0.52, 0.53] against 0.51's [0.505, 0.515]: a gap of 0.005.
    const audit = auditPublished(rubric, long.figures);
    expect(audit.contradictions.map((c) => [c.path, c.expected])).toEqual([["state=Ciudad de México/iga", "[0.52, 0.53]"]]);
    expect(audit.checks[0]!.gap).toBeCloseTo(0.005, 15);

    const wide = parsePublishedCsv("state,GA,T,P,extra\nJalisco,0.40,0.50,0.30,1\nQueretaro,0.27,0.33,0.21,2\n", rubric);
    expect(wide.issues.map((i) => [i.code, i.column])).toEqual([["unknown_column", "extra"]]);
    const groups = auditPublished(rubric, wide.figures).checks.map((c) => [c.group[0], c.consistent]);
    expect(groups).toEqual([
      ["Jalisco", true],
      ["Querétaro", true],
    ]);
  });

  it("reports unreadable figures as issues and checks the rest", () => {
    const table: PublishedFigure[] = frozen([
      { node: "zz", value: "0.5" },
      { node: "t", value: 0.5 },
      { node: "t", value: "0,5" },
      { node: "t", value: "0.123", decimals: 2 },
      { node: "t", value: 0.123, decimals: 2 },
      { node: "iga", value: "0.39" },
      { node: "iga", value: "0.40" },
    ]);
    const audit = auditPublished(rubric, table);
    expect(audit.issues.map((i) => i.code)).toEqual(["unknown_node", "missing_decimals", "invalid_value", "invalid_value", "invalid_value", "conflicting_figures"]);
    expect(audit.issues[2]!.hint).toBe("write it with a point: 0.5");
    expect(audit.checks).toEqual([]); // iga has no published children here
    expect(auditPublished(rubric, []).checks).toEqual([]);
    expect(() => auditPublished(rubric, "x" as unknown as PublishedFigure[])).toThrow(/^auditPublished: table must be an array/);
  });

  it("a figure exactly at the edge of its interval is consistent (exact arithmetic, no binary noise)", () => {
    // (0.23 + 0.32)/2 = 0.275 → [0.27, 0.28]. 0.285 at 3 decimals stands for [0.2845, 0.2855]: gap 0.0045.
    // 0.29 at 2 decimals stands for [0.285, 0.295]: gap 0.005. 0.28 stands for [0.275, 0.285]: meets.
    const figures = (p: string): PublishedFigure[] => [{ node: "pg", value: "0.23" }, { node: "pc", value: "0.32" }, { node: "p", value: p }];
    expect(auditPublished(rubric, figures("0.28")).consistent).toBe(true);
    expect(auditPublished(rubric, figures("0.285")).checks[0]!.gap).toBeCloseTo(0.0045, 15);
    expect(auditPublished(rubric, figures("0.29")).checks[0]!.gap).toBeCloseTo(0.005, 15);
    // Edge: children 0.2 and 0.3 (as 1 decimal) give [0.2, 0.3]; a parent of 0.35 at 2 decimals stands
    // for [0.345, 0.355]; a parent of 0.3 at 2 decimals for [0.295, 0.305], which meets it.
    const edge = (p: string): PublishedFigure[] => [{ node: "pg", value: "0.2" }, { node: "pc", value: "0.3" }, { node: "p", value: p, decimals: 2 }];
    expect(auditPublished(rubric, edge("0.35")).consistent).toBe(false);
    expect(auditPublished(rubric, edge("0.3")).consistent).toBe(true);
  });
});

describe("auditPublished beyond the arithmetic identity", () => {
  const rubricWith = (rule: "geometric" | "minimum") =>
    parseRubric(rubricDoc([node("r", [["a", 0.5], ["b", 0.5]], { rule }), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));

  it("minimum rule: the parent's mean is at most the smallest child mean and at least Σ children − (k − 1)", () => {
    const r = rubricWith("minimum");
    const figs = (v: string): PublishedFigure[] => [{ node: "a", value: "0.80" }, { node: "b", value: "0.90" }, { node: "r", value: v }];
    // Bounds from [0.795, 0.805] and [0.895, 0.905]: low max(0, 0.795 + 0.895 − 1) = 0.69, high 0.805.
    const ok = auditPublished(r, figs("0.75"));
    expect(ok.checks[0]).toMatchObject({ relation: "bounds", consistent: true, implied: { value: null, low: 0.69, high: 0.805 } });
    expect(auditPublished(r, figs("0.85")).contradictions.map((c) => c.code)).toEqual(["published_contradiction"]);
    expect(auditPublished(r, figs("0.60")).checks[0]!.gap).toBeCloseTo(0.69 - 0.605, 15);
  });

  it("geometric rule: at most the weighted arithmetic mean (AM–GM)", () => {
    const r = rubricWith("geometric");
    const figs = (v: string): PublishedFigure[] => [{ node: "a", value: "0.40" }, { node: "b", value: "0.60" }, { node: "r", value: v }];
    // High end 0.5·0.405 + 0.5·0.605 = 0.505; low end max(0, 0.395 + 0.595 − 1) = 0.
    expect(auditPublished(r, figs("0.49")).checks[0]).toMatchObject({ consistent: true, implied: { low: 0, high: 0.505 } });
    expect(auditPublished(r, figs("0.52")).consistent).toBe(false);
  });

  it("a term that may be not applicable makes the check approximate: a gap is a warning, not a contradiction", () => {
    // 2019: tg.ai is not applicable for bodies without request records, and tg re-weights over the rest.
    const rubric = loadEdition("2019");
    const figs: PublishedFigure[] = [
      { node: "tg", value: "0.72" },
      { node: "tg.ai", value: "0.90" },
      { node: "tg.ta", value: "0.50" },
      { node: "tg.tp", value: "0.30" },
      { node: "tg.da", value: "0.10" },
    ];
    // 0.5·0.9 + 0.2·0.5 + 0.2·0.3 + 0.1·0.1 = 0.62, [0.615, 0.625] against [0.715, 0.725].
    const audit = auditPublished(rubric, figs);
    expect(audit.checks[0]).toMatchObject({ relation: "approximate", consistent: false });
    expect(audit.checks[0]!.notes[0]).toMatch(/tg\.ai may be not applicable/);
    expect(audit.checks[0]!.notes.join()).toMatch(/uses assumed weights/);
    expect(audit.contradictions).toEqual([]);
    expect(audit.warnings.map((w) => [w.code, w.path])).toEqual([["published_approximate_gap", "tg"]]);
    expect(audit.consistent).toBe(true);
    // A node declared not applicable by the caller does the same on 2017.
    const r17 = loadEdition("2017");
    const t = [{ node: "t", value: "0.9" }, { node: "tg", value: "0.5" }, { node: "tc", value: "0.5" }];
    expect(auditPublished(r17, t).contradictions).toHaveLength(1);
    expect(auditPublished(r17, t, { notApplicable: ["TC"] }).warnings).toHaveLength(1);
  });
});

describe("auditPublished never flags tables computed from real scores (property, seeded)", () => {
  // Random bodies on the 2017 rubric at component level (gates included), scored by the engine;
  // every node's national mean, rounded half up to 2 or 3 decimals, is published. Such a table is
  // consistent by construction, so any contradiction would be a false positive. Moving the
  // published IGA by 0.03 or more must be flagged (its children pin it within ±0.01).
  const rubric = loadEdition("2017");
  const body = fc.record({
    tg: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
    tc: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })),
    pg: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 })),
    pc: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.double({ min: 0, max: 1, noNaN: true })),
  });
  it("holds for 40 random datasets of 1 to 60 bodies", () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 60 }), fc.constantFrom(2, 3), fc.constantFrom(0.03, -0.04), (bodies, decimals, shift) => {
        const scores = bodies.map((b) =>
          scoreBody(rubric, {
            values: {
              "tg.ai": b.tg[0], "tg.tr": b.tg[1], "tg.tp": b.tg[2], "tg.da": b.tg[3],
              "tc.disp": b.tc[0], "tc.clar": b.tc[1], "tc.comp": b.tc[2], "tc.cel": b.tc[3],
              "pg.mec": b.pg[0], "pg.act": b.pg[1], "pg.fun": b.pg[2], "pg.form": b.pg[3], "pg.seg": b.pg[4],
              "pc.met": b.pc[0], "pc.recep": b.pc[1], "pc.act": b.pc[2], "pc.cel": b.pc[3],
            },
          }),
        );
        if (scores.some((s) => s.status !== "scored")) return false;
        const main = rubric.nodes.filter((n) => n.view === undefined);
        const figures: PublishedFigure[] = main.map((n) => {
          const values = scores.map((s) => s.nodes.find((x) => x.code === n.code)!.value!);
          return { node: n.code, value: formatFixed(values.reduce((a, v) => a + v, 0) / values.length, decimals) };
        });
        if (!auditPublished(rubric, figures).consistent) return false;
        const iga = figures.find((f) => f.node === "iga")!;
        const moved = figures.map((f) => (f === iga ? { ...f, value: formatFixed(Number(iga.value) + shift, decimals) } : f));
        return auditPublished(rubric, moved).contradictions.some((c) => c.path === "iga");
      }),
      { seed: 7, numRuns: 40 },
    );
  });
});
