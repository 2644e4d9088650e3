import { describe, expect, it } from "vitest";
import { createReadSlot, READ_OK, readScore, VALUE_ABSENT, VALUE_NOT_APPLICABLE, VALUE_PRESENT } from "../../src/engine/index.js";
import {
  formatExplanation,
  nodeScore,
  parseRubric,
  scoreBody,
  type BodyScore,
  type CompiledRubric,
  type RubricNode,
} from "../../src/index.js";
import { frozen, leaf, node, rubricDoc } from "../helpers.js";

const one = (input: RubricNode["input"], extra: Partial<RubricNode> = {}) =>
  parseRubric(rubricDoc([node("root", [["x", 1]]), leaf("x", input, extra)]));

const valueOf = (rubric: CompiledRubric, score: BodyScore, code: string) => nodeScore(rubric, score, code)?.value;
const statusOf = (rubric: CompiledRubric, score: BodyScore, code: string) => nodeScore(rubric, score, code)?.status;

describe("scoreBody reads every leaf input type", () => {
  it("score: used as is; outside [0, 1], NaN, Infinity and text are issues, never clamped", () => {
    const r = one({ type: "score" });
    expect(scoreBody(r, { values: { x: 0.42 } }).value).toBe(0.42);
    expect(scoreBody(r, { values: { x: "0.42" } }).value).toBe(0.42);
    for (const bad of [1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY, "abc", "0,5", "0x1", "Infinity"]) {
      const s = scoreBody(r, { values: { x: bad } });
      expect(s.status).toBe("missing");
      expect(s.issues).toHaveLength(1);
      expect(s.issues[0]!.path).toBe("x");
    }
    expect(scoreBody(r, { values: { x: 1.5 } }).issues[0]).toMatchObject({ code: "out_of_range", expected: "a number from 0 to 1", received: "1.5" });
    expect(scoreBody(r, { values: { x: "0,75" } }).issues[0]!.message).toBe('"x" expects a number from 0 to 1, found "0,75" (a decimal comma? write it with a point: 0.75)');
  });

  it("binary: 0 or 1 only", () => {
    const r = one({ type: "binary" });
    expect(scoreBody(r, { values: { x: "1" } }).value).toBe(1);
    expect(scoreBody(r, { values: { x: 0 } }).value).toBe(0);
    expect(scoreBody(r, { values: { x: 0.5 } }).issues[0]!.code).toBe("not_binary");
  });

  it("count: count / max, whole numbers 0..max", () => {
    const r = one({ type: "count", max: 3 });
    expect(scoreBody(r, { values: { x: 2 } }).value).toBe(2 / 3);
    expect(scoreBody(r, { values: { x: "3" } }).value).toBe(1);
    expect(scoreBody(r, { values: { x: 4 } }).issues[0]!.code).toBe("out_of_range");
    expect(scoreBody(r, { values: { x: 1.5 } }).issues[0]!.code).toBe("not_integer");
  });

  it("ordinal: the level's score; unknown levels are issues", () => {
    const r = one({
      type: "ordinal",
      levels: [
        { value: "ninguno", score: 0 },
        { value: "parcial", score: 0.5 },
        { value: "completo", score: 1 },
      ],
    });
    expect(scoreBody(r, { values: { x: "parcial" } }).value).toBe(0.5);
    expect(scoreBody(r, { values: { x: " completo " } }).value).toBe(1);
    const bad = scoreBody(r, { values: { x: "casi" } });
    expect(bad.issues[0]).toMatchObject({ code: "unknown_level", expected: 'one of "ninguno", "parcial", "completo"' });
  });

  it("linear: goalposts, clamped by declaration, ascending and descending", () => {
    const up = one({ type: "linear", low: 10, high: 30 });
    expect(scoreBody(up, { values: { x: 15 } }).value).toBe(0.25);
    expect(scoreBody(up, { values: { x: 5 } }).value).toBe(0);
    expect(scoreBody(up, { values: { x: 99 } }).value).toBe(1);
    const down = one({ type: "linear", low: 0, high: 20, direction: "descending" });
    expect(scoreBody(down, { values: { x: 5 } }).value).toBe(0.75);
  });

  it("per observation: the mean over the body's observations", () => {
    const doc = rubricDoc([node("root", [["x", 1]]), leaf("x", { type: "binary", observations: { set: "req" } })], {
      observationSets: [{ id: "req", label: { es: "s", en: "s" }, noObservations: "missing", provenance: { status: "verified", source: "test" } }],
    });
    const r = parseRubric(doc);
    const s = scoreBody(r, { observations: { req: [{ x: 1 }, { x: 0 }, { x: "1" }, { x: 1 }] } });
    expect(s.value).toBe(0.75);
    expect(s.nodes[1]!.observations).toEqual({ n: 4, missing: 0, notApplicable: 0, total: 4 });
    // Given directly, the body-level share is a score in [0, 1].
    expect(scoreBody(r, { values: { x: 0.75 } }).value).toBe(0.75);
    // A missing observation value makes the leaf missing under the default policy.
    expect(scoreBody(r, { observations: { req: [{ x: 1 }, { x: "" }] } }).status).toBe("missing");
    // No observations: the set's policy (missing here).
    const none = scoreBody(r, { observations: { req: [] } });
    expect(none.status).toBe("missing");
    expect(none.missingInputs).toEqual(["x"]);
  });

  it("per observation: missing-value policies act on each observation", () => {
    const make = (missing: "zero" | "not_applicable") =>
      parseRubric(
        rubricDoc([node("root", [["x", 1]]), leaf("x", { type: "binary", observations: { set: "req" } }, { missing })], {
          observationSets: [{ id: "req", label: { es: "s", en: "s" }, noObservations: "not_applicable", provenance: { status: "verified", source: "test" } }],
        }),
      );
    const obs = { req: [{ x: 1 }, { x: "" }, { x: 1 }, { x: 0 }] };
    expect(scoreBody(make("zero"), { observations: obs }).value).toBe(0.5);
    expect(scoreBody(make("not_applicable"), { observations: obs }).value).toBe(2 / 3);
    expect(scoreBody(make("zero"), { observations: { req: [] } }).status).toBe("not_applicable");
  });
});

describe("scoreBody combines children", () => {
  const tree = () =>
    rubricDoc([
      node("root", [["a", 0.5], ["b", 0.3], ["c", 0.2]]),
      leaf("a", { type: "score" }),
      leaf("b", { type: "score" }),
      leaf("c", { type: "score" }),
    ]);

  it("weighted arithmetic mean, with contributions that add up", () => {
    const r = parseRubric(tree());
    const s = scoreBody(r, frozen({ values: { a: 0.8, b: 0.5, c: 0.25 } }));
    expect(s.value).toBeCloseTo(0.5 * 0.8 + 0.3 * 0.5 + 0.2 * 0.25, 15);
    const contributions = s.nodes[0]!.contributions!;
    expect(contributions.map((c) => c.contribution)).toEqual([0.4, 0.15, 0.05]);
    expect(contributions.reduce((t, c) => t + c.contribution!, 0)).toBeCloseTo(s.value!, 15);
  });

  it("geometric and minimum rules", () => {
    const geo = tree();
    geo.nodes[0]!.rule = "geometric";
    const g = parseRubric(geo);
    expect(scoreBody(g, { values: { a: 0.8, b: 0.5, c: 0.25 } }).value).toBeCloseTo(0.8 ** 0.5 * 0.5 ** 0.3 * 0.25 ** 0.2, 14);
    expect(scoreBody(g, { values: { a: 0.8, b: 0, c: 0.25 } }).value).toBe(0);
    const min = tree();
    min.nodes[0]!.rule = "minimum";
    expect(scoreBody(parseRubric(min), { values: { a: 0.8, b: 0.5, c: 0.25 } }).value).toBe(0.25);
  });

  it("not applicable children are re-weighted away, or count 0 under the zero policy", () => {
    const r = parseRubric(tree());
    const s = scoreBody(r, { values: { a: 0.8, b: "NA", c: 0.3 } });
    // (0.5·0.8 + 0.2·0.3) / 0.7
    expect(s.value).toBeCloseTo((0.4 + 0.06) / 0.7, 15);
    expect(s.nodes[0]!.contributions![1]).toMatchObject({ status: "not_applicable", share: 0, contribution: null });
    const zero = tree();
    zero.nodes[0]!.notApplicable = "zero";
    expect(scoreBody(parseRubric(zero), { values: { a: 0.8, b: "n/a", c: 0.3 } }).value).toBeCloseTo(0.46, 15);
  });

  it("every child not applicable makes the parent not applicable", () => {
    const r = parseRubric(tree());
    expect(scoreBody(r, { values: { a: "NA", b: "NA", c: "NA" } }).status).toBe("not_applicable");
  });

  it("a missing child makes the parent missing and is named; per-node policies can map it to 0 or NA", () => {
    const r = parseRubric(tree());
    const s = scoreBody(r, { values: { a: 0.8, c: 0.3 } });
    expect(s.status).toBe("missing");
    expect(s.value).toBeNull();
    expect(s.missingInputs).toEqual(["b"]);
    const asZero = tree();
    asZero.nodes[2]!.missing = "zero";
    expect(scoreBody(parseRubric(asZero), { values: { a: 0.8, c: 0.3 } }).value).toBeCloseTo(0.46, 15);
    const asNa = tree();
    asNa.nodes[2]!.missing = "not_applicable";
    expect(scoreBody(parseRubric(asNa), { values: { a: 0.8, c: 0.3 } }).value).toBeCloseTo(0.46 / 0.7, 15);
  });

  it("zero, not applicable and missing stay distinct", () => {
    const r = parseRubric(tree());
    const s = scoreBody(r, { values: { a: 0, b: "NA" } });
    expect(s.nodes.slice(1).map((n) => [n.status, n.value])).toEqual([
      ["scored", 0],
      ["not_applicable", null],
      ["missing", null],
    ]);
  });

  it("an empty input leaves everything missing and names every leaf", () => {
    const r = parseRubric(tree());
    const s = scoreBody(r, {});
    expect(s.status).toBe("missing");
    expect(s.missingInputs).toEqual(["a", "b", "c"]);
  });

  it("unknown keys and duplicate inputs are issues", () => {
    const doc = tree();
    doc.nodes[1]!.aliases = ["A"];
    const r = parseRubric(doc);
    const s = scoreBody(r, { values: { a: 0.1, A: 0.2, zz: 1, ["__proto__"]: 1 } });
    expect(s.issues.map((i) => i.code).sort()).toEqual(["duplicate_input", "unknown_input", "unknown_input"]);
    // The value used is the first one given, and the explanation shows that one.
    expect(s.nodes[1]).toMatchObject({ value: 0.1, input: 0.1 });
  });
});

describe("scoreBody gates", () => {
  const gated = () =>
    parseRubric(
      rubricDoc([
        node("pg", [["mec", 0.2], ["act", 0.1], ["fun", 0.3], ["form", 0.1], ["seg", 0.3]]),
        leaf("mec", { type: "binary" }, { gates: ["act", "fun", "form", "seg"] }),
        leaf("act", { type: "count", max: 3 }),
        leaf("fun", { type: "binary" }),
        leaf("form", { type: "count", max: 3 }),
        leaf("seg", { type: "binary" }),
      ]),
    );

  it("a gate at 0 forces its siblings to 0 whatever their input (missing included)", () => {
    const r = gated();
    const s = scoreBody(r, { values: { mec: 0, act: 3, fun: 1, seg: 1 } });
    expect(s.value).toBe(0);
    expect(s.status).toBe("scored");
    expect(s.nodes.slice(1).map((n) => [n.code, n.value, n.source])).toEqual([
      ["mec", 0, "input"],
      ["act", 0, "gate"],
      ["fun", 0, "gate"],
      ["form", 0, "gate"],
      ["seg", 0, "gate"],
    ]);
    expect(s.nodes[2]!.gatedBy).toBe("mec");
    expect(s.missingInputs).toEqual([]);
  });

  it("a sibling forced to 0 by a gate gates in turn, whatever the order of the children", () => {
    // a gates b, b gates c. With a = 0, b is forced to 0, so b "scores exactly 0" and forces c.
    // The rule says nothing of the order children are listed in, so neither may the result.
    const chain = (order: string[]) =>
      parseRubric(
        rubricDoc([
          node("root", order.map((c): [string, number] => [c, 1]), { normalize: true }),
          leaf("a", { type: "binary" }, { gates: ["b"] }),
          leaf("b", { type: "binary" }, { gates: ["c"] }),
          leaf("c", { type: "binary" }),
        ]),
      );
    for (const order of [["a", "b", "c"], ["b", "a", "c"], ["c", "b", "a"], ["b", "c", "a"]]) {
      const s = scoreBody(chain(order), { values: { a: 0, b: 1, c: 1 } });
      expect(s.value, order.join()).toBe(0);
      const byCode = Object.fromEntries(s.nodes.map((n) => [n.code, [n.value, n.source, n.gatedBy]]));
      expect(byCode, order.join()).toEqual({ root: [0, "children", undefined], a: [0, "input", undefined], b: [0, "gate", "a"], c: [0, "gate", "b"] });
    }
  });

  it("a node forced to 0 by a gate raises no consistency warning: its given value is not used", () => {
    // m is given as 0.9 while its children give 0.1: a warning, unless the gate g = 0 overrides m.
    const r = parseRubric(
      rubricDoc([
        node("root", [["g", 0.5], ["m", 0.5]]),
        leaf("g", { type: "binary" }, { gates: ["m"] }),
        node("m", [["a", 1]]),
        leaf("a", { type: "score" }),
      ]),
    );
    const open = scoreBody(r, { values: { g: 1, m: "0.9", a: "0.1" } });
    expect(open.warnings.map((w) => [w.path, w.received, w.expected])).toEqual([["m", "0.9", "0.1"]]);
    const gated = scoreBody(r, { values: { g: 0, m: "0.9", a: "0.1" } });
    expect(gated.nodes[2]).toMatchObject({ code: "m", value: 0, source: "gate", gatedBy: "g" });
    expect(gated.warnings).toEqual([]);
  });

  it("a gate at 1 lets the siblings count", () => {
    const r = gated();
    const s = scoreBody(r, { values: { mec: 1, act: 2, fun: 1, form: 1, seg: 0 } });
    // 0.2·1 + 0.1·2/3 + 0.3·1 + 0.1·1/3 + 0.3·0
    expect(s.value).toBeCloseTo(0.2 + 0.1 * (2 / 3) + 0.3 + 0.1 / 3, 15);
  });
});

describe("scoreBody with nodes given directly", () => {
  const r = () =>
    parseRubric(
      rubricDoc([
        node("root", [["m", 0.5], ["n", 0.5]], { aliases: ["R"] }),
        node("m", [["a", 0.5], ["b", 0.5]], { aliases: ["M"] }),
        leaf("a", { type: "score" }),
        leaf("b", { type: "score" }),
        leaf("n", { type: "score" }),
      ]),
    );

  it("a given node overrides its subtree", () => {
    const s = scoreBody(r(), { values: { M: 0.9, n: 0.1 } });
    expect(s.value).toBeCloseTo(0.5, 15);
    expect(s.nodes[1]).toMatchObject({ source: "input", value: 0.9, computed: null });
    expect(s.missingInputs).toEqual([]);
    expect(s.warnings).toEqual([]);
  });

  it("warns when a given node disagrees with its children beyond the given precision", () => {
    const ok = scoreBody(r(), { values: { M: "0.35", a: "0.2", b: "0.5", n: 0 } });
    expect(ok.warnings).toEqual([]);
    // Inputs to 4 decimals: each stands for ±0.00005, so 0.3501 against 0.35 is within rounding...
    expect(scoreBody(r(), { values: { M: "0.3501", a: "0.2000", b: "0.5000", n: 0 } }).warnings).toEqual([]);
    // ...0.3502 is not, and neither is 0.40 against children given to 1 decimal (0.35 ± 0.05).
    expect(scoreBody(r(), { values: { M: "0.3502", a: "0.2000", b: "0.5000", n: 0 } }).warnings).toHaveLength(1);
    expect(scoreBody(r(), { values: { M: "0.39", a: "0.2", b: "0.5", n: 0 } }).warnings).toEqual([]);
    const bad = scoreBody(r(), { values: { M: "0.41", a: "0.2", b: "0.5", n: 0 } });
    expect(bad.warnings).toHaveLength(1);
    expect(bad.warnings[0]).toMatchObject({ code: "inconsistent_input", path: "m" });
    expect(bad.warnings[0]!.message).toContain("0.41");
    expect(bad.warnings[0]!.message).toContain("0.35");
    expect(bad.value).toBeCloseTo(0.205, 15);
  });

  it("the precision of an input with more than 22 decimals still counts, on a linear leaf's scale", () => {
    // x = 5e-301 (301 decimals, ±5e-302) between goalposts 0 and 1e-300 scores 0.5 ± 0.05, so
    // m given as 0.6 (±0.05) is within the inputs' precision of it.
    const r = parseRubric(rubricDoc([node("m", [["x", 1]]), leaf("x", { type: "linear", low: 0, high: 1e-300 })]));
    expect(scoreBody(r, { values: { x: "5e-301", m: "0.6" } }).warnings).toEqual([]);
    expect(scoreBody(r, { values: { x: "5e-301", m: "0.7" } }).warnings).toHaveLength(1);
  });

  it("a node given as not applicable is not applicable", () => {
    const s = scoreBody(r(), { values: { M: "NA", n: 0.4 } });
    expect(s.value).toBeCloseTo(0.4, 15);
  });
});

describe("scoreBody views", () => {
  const doc = rubricDoc(
    [
      node("iga", [["t", 0.5], ["p", 0.5]]),
      node("t", [["tg", 0.5], ["tc", 0.5]]),
      node("p", [["pg", 0.5], ["pc", 0.5]]),
      leaf("tg", { type: "score" }),
      leaf("tc", { type: "score" }),
      leaf("pg", { type: "score" }),
      leaf("pc", { type: "score" }),
    ],
    {
      views: [
        {
          id: "perspectiva",
          label: { es: "Perspectiva", en: "Perspective" },
          nodes: [node("gobierno", [["tg", 0.5], ["pg", 0.5]]), node("ciudadano", [["tc", 0.5], ["pc", 0.5]])],
        },
      ],
    },
  );

  it("reports a second grouping of the same nodes, whose mean is the index", () => {
    const r = parseRubric(doc);
    const s = scoreBody(r, { values: { tg: 0.46, tc: 0.54, pg: 0.23, pc: 0.32 } });
    expect(valueOf(r, s, "gobierno")).toBeCloseTo(0.345, 15);
    expect(valueOf(r, s, "ciudadano")).toBeCloseTo(0.43, 15);
    expect(nodeScore(r, s, "gobierno")!.view).toBe("perspectiva");
    expect((valueOf(r, s, "gobierno")! + valueOf(r, s, "ciudadano")!) / 2).toBeCloseTo(s.value!, 15);
    expect(formatExplanation(r, s)).toContain("view perspectiva: Perspectiva");
  });

  it("results carry the rubric id, version and hash", () => {
    const r = parseRubric(doc);
    expect(scoreBody(r, {}).rubric).toEqual({ id: "test", version: "1.0.0", hash: r.hash });
    expect(statusOf(r, scoreBody(r, {}), "gobierno")).toBe("missing");
  });
});

describe("formatExplanation", () => {
  it("shows how a raw input became a score: counts, levels, goalposts", () => {
    const r = parseRubric(
      rubricDoc([
        node("root", [["c", 0.4], ["o", 0.3], ["l", 0.3]]),
        leaf("c", { type: "count", max: 3 }),
        leaf("o", { type: "ordinal", levels: [{ value: "no", score: 0 }, { value: "sí", score: 1 }] }),
        leaf("l", { type: "linear", low: 10, high: 30, direction: "descending" }),
      ]),
    );
    const s = scoreBody(r, { values: { c: "2", o: "sí", l: 15 } });
    expect(s.nodes.map((n) => n.input)).toEqual([undefined, "2", "sí", 15]);
    expect(formatExplanation(r, s).split("\n")).toEqual([
      "root  root = 0.7917 (from children)",
      "├─ c  c = 0.6667  [w 0.4, share 0.4000 → 0.2667] (given 2 of 3)",
      '├─ o  o = 1.0000  [w 0.3, share 0.3000 → 0.3000] (given "sí")',
      "└─ l  l = 0.7500  [w 0.3, share 0.3000 → 0.2250] (given 15, goalposts 10–30 descending)",
    ]);
  });
});

describe("readScore", () => {
  it("reads a score cell with the rules of a node given directly, with no rubric", () => {
    const slot = createReadSlot();
    const read = (raw: unknown) => [readScore(raw, slot), slot.kind, slot.value] as const;
    expect(read("0.5391608333333334")).toEqual([READ_OK, VALUE_PRESENT, 0.5391608333333334]);
    expect(read(" 0.25 ")).toEqual([READ_OK, VALUE_PRESENT, 0.25]);
    expect(read("1e-1")).toEqual([READ_OK, VALUE_PRESENT, 0.1]);
    expect(read("na")).toEqual([READ_OK, VALUE_NOT_APPLICABLE, 0]);
    expect(read("")).toEqual([READ_OK, VALUE_ABSENT, 0]);
    expect(read(null)).toEqual([READ_OK, VALUE_ABSENT, 0]);
    for (const bad of ["0x1", "0b1", "0x00000000000000001", "1.5", "-0.1", "abc", "Infinity", "0,5"]) expect(readScore(bad, slot)).not.toBe(READ_OK);
  });
});
