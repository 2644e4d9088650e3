/**
 * Issue 7's findings, one test each: values nobody can corrupt, weights that cannot make a NaN,
 * exact normalisation across the double range, scores of two rubrics never mixed, and hostile
 * objects that cannot reach a result. Every test here failed on the engine before the issue.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createFrame, evaluateFrame, rubricArrays, STATUS_SCORED } from "../../src/engine/index.js";
import {
  aggregate,
  createWeights,
  loadEdition,
  loadEditionDocument,
  parseRubric,
  safeParseRubric,
  scoreBody,
  type RubricDocument,
} from "../../src/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";

const SUBS = { TG: 0.5, TC: 0.5, PG: 0.5, PC: 0.5 };

/** Every object reachable from a value (own properties, map entries), cycles visited once. */
function reachable(root: unknown): unknown[] {
  const seen = new Set<unknown>();
  const stack = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) continue;
    seen.add(v);
    for (const key of Reflect.ownKeys(v as object)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ("value" in d) stack.push(d.value);
    }
    if (v instanceof Map || (typeof (v as { entries?: unknown }).entries === "function" && typeof (v as { get?: unknown }).get === "function")) {
      for (const [k, x] of (v as ReadonlyMap<unknown, unknown>).entries()) stack.push(k, x);
    }
  }
  return [...seen];
}

describe("a compiled rubric exposes nothing mutable", () => {
  it("no typed array, no unfrozen object, no Map with set(): the cached edition cannot be poisoned", () => {
    const rubric = loadEdition("2017");
    for (const v of reachable(rubric)) {
      if (typeof v === "function") continue;
      expect(ArrayBuffer.isView(v)).toBe(false);
      expect(v instanceof Map).toBe(false);
      expect(Object.isFrozen(v)).toBe(true);
    }
    expect((rubric as unknown as { weights?: unknown }).weights).toBeUndefined();
    expect(() => (rubric.index as unknown as Map<string, number>).set("tg", 0)).toThrow(TypeError);
  });

  it("the engine door hands out copies: changing them changes no later score", () => {
    const rubric = loadEdition("2017");
    const arrays = rubricArrays(rubric);
    arrays.weights[0] = 99;
    arrays.childNode.fill(0);
    expect(rubricArrays(rubric).weights[0]).toBe(0.5);
    expect(scoreBody(loadEdition("2017"), { values: { TG: 1, TC: 0, PG: 0, PC: 0 } }).value).toBe(0.25);
  });

  it("a weight vector's own array is a copy too", () => {
    const rubric = loadEdition("2017");
    const w = createWeights(rubric);
    w.toArray()[0] = 99;
    expect(w.get(0)).toBe(0.5);
    expect(Object.isFrozen(w)).toBe(true);
  });
});

describe("weight vectors are checked: a bad one is a RangeError naming the node, never a NaN score", () => {
  const rubric = loadEdition("2017");
  const n = rubricArrays(rubric).weights.length;
  const good = () => Array.from(rubricArrays(rubric).weights);

  it.each([
    ["too short", good().slice(1), /expected 27 weights.*received 26/],
    ["empty", [], /expected 27 weights.*received 0/],
    ["NaN", Object.assign(good(), { 3: Number.NaN }), /weight 3 \(t → tc\) must be a finite number ≥ 0, received NaN/],
    ["negative", Object.assign(good(), { 0: -0.5 }), /weight 0 \(iga → t\) must be a finite number ≥ 0, received -0.5/],
    ["infinite", Object.assign(good(), { 1: Number.POSITIVE_INFINITY }), /weight 1 \(iga → p\) must be a finite number/],
    ["all zero under a node", Object.assign(good(), { 0: 0, 1: 0 }), /weights under "iga" are all 0/],
  ])("%s", (_, values, message) => {
    expect(n).toBe(27);
    expect(() => createWeights(rubric, values)).toThrow(RangeError);
    expect(() => createWeights(rubric, values)).toThrow(message);
    expect(() => scoreBody(rubric, { values: SUBS }, { weights: values })).toThrow(message);
  });

  it("set() checks first and leaves a vector unchanged when the new weights are bad", () => {
    const w = createWeights(rubric);
    expect(() => w.set(Object.assign(good(), { 2: Number.NaN }))).toThrow(RangeError);
    expect(w.toArray()).toEqual(Float64Array.from(good()));
  });

  it("a weight of 0 takes its child out: neither counted nor able to make the parent missing", () => {
    // iga = t only; p's inputs are absent, so with p's weight at 0 the index is still scored.
    const weights = Object.assign(good(), { 1: 0 });
    const s = scoreBody(rubric, { values: { TG: 0.4, TC: 0.6 } }, { weights });
    expect(s.value).toBe(0.5);
    expect(s.status).toBe("scored");
    expect(s.nodes[0]!.contributions!.map((c) => c.share)).toEqual([1, 0]);
    // The perspective view still needs pg and pc; the main tree does not.
    expect(s.nodes.find((n) => n.code === "gobierno")!.status).toBe("missing");
  });

  it("a vector made for another rubric is refused by the kernel", () => {
    const frame = createFrame(loadEdition("2019"));
    expect(() => evaluateFrame(frame, createWeights(rubric))).toThrow(/made for mga-2017@/);
  });
});

describe("normalisation and goalposts are exact across the double range", () => {
  const pair = (w: [number, number], rule: "arithmetic" | "geometric" = "arithmetic") =>
    parseRubric(rubricDoc([node("root", [["a", w[0]], ["b", w[1]]], { normalize: true, rule }), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));

  it("weights [1e308, 1e308] score like [1, 1]", () => {
    expect(scoreBody(pair([1e308, 1e308]), { values: { a: 0.2, b: 0.8 } }).value).toBe(0.5);
    expect(scoreBody(pair([1e308, 1e308]), { values: { a: 0, b: 0 } }).value).toBe(0);
    expect(scoreBody(pair([1e308, 1e308], "geometric"), { values: { a: 0.25, b: 1 } }).value).toBeCloseTo(0.5, 15);
  });

  it("subnormal weights [1.5e-323, 5e-324] score like [3, 1]", () => {
    // 1.5e-323 is exactly 3 × 5e-324: shares 0.75 and 0.25, so 0.2 × 0.75 + 0.8 × 0.25 = 0.35.
    expect(scoreBody(pair([1.5e-323, 5e-324]), { values: { a: 0.2, b: 0.8 } }).value).toBeCloseTo(0.35, 15);
    expect(scoreBody(pair([1.5e-323, 5e-324]), { values: { a: 0.2, b: 0.8 } }).nodes[0]!.contributions!.map((c) => c.share)).toEqual([0.75, 0.25]);
  });

  it("weights that differ by more than 1e300 are refused with an issue code", () => {
    const r = safeParseRubric(rubricDoc([node("root", [["a", 1e308], ["b", 1e-10]], { normalize: true }), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));
    expect(r.success).toBe(false);
    expect(!r.success && r.issues.map((i) => i.code)).toEqual(["weight_ratio_too_large"]);
  });

  it("a linear leaf with goalposts ±1e308 scores 0 at the low end, 0.5 in the middle, 1 at the top", () => {
    const r = parseRubric(rubricDoc([node("root", [["x", 1]]), leaf("x", { type: "linear", low: -1e308, high: 1e308 })]));
    expect(scoreBody(r, { values: { x: 0 } }).value).toBe(0.5);
    expect(scoreBody(r, { values: { x: -1e308 } }).value).toBe(0);
    expect(scoreBody(r, { values: { x: 1e308 } }).value).toBe(1);
    expect(scoreBody(r, { values: { x: 5e307 } }).value).toBeCloseTo(0.75, 15);
    const d = parseRubric(rubricDoc([node("root", [["x", 1]]), leaf("x", { type: "linear", low: -1.7e308, high: 1.7e308, direction: "descending" })]));
    expect(scoreBody(d, { values: { x: -0.85e308 } }).value).toBeCloseTo(0.75, 15);
  });
});

describe("aggregate never mixes rubrics", () => {
  it("refuses 2017 and 2019 scores together, naming both", () => {
    const a = scoreBody(loadEdition("2017"), { id: "A", values: SUBS });
    const b = scoreBody(loadEdition("2019"), { id: "B", values: SUBS });
    expect(() => aggregate([a, b])).toThrow(RangeError);
    expect(() => aggregate([a, b])).toThrow(/score 1 \(B\) comes from mga-2019@1\.0\.0 \(hash [0-9a-f]{12}\), the first from mga-2017@1\.0\.0/);
  });

  it("refuses an edited copy with the same id and version (another hash)", () => {
    const doc = loadEditionDocument("2017");
    doc.nodes[0]!.label = { es: "Otro", en: "Other" };
    const a = scoreBody(loadEdition("2017"), { values: SUBS });
    const b = scoreBody(parseRubric(doc), { values: SUBS });
    expect(() => aggregate([a, b])).toThrow(/the first from mga-2017@1\.0\.0/);
  });

  it("refuses a score whose nodes were reordered or whose scored value is not a number", () => {
    const a = scoreBody(loadEdition("2017"), { values: SUBS });
    const swapped = { ...a, nodes: [a.nodes[1]!, a.nodes[0]!, ...a.nodes.slice(2)] };
    expect(() => aggregate([a, swapped])).toThrow(/has node "t" where the first has "iga"/);
    const nan = { ...a, nodes: [{ ...a.nodes[0]!, value: Number.NaN }, ...a.nodes.slice(1)] };
    expect(() => aggregate([nan])).toThrow(/"iga" is scored but its value is NaN/);
  });
});

describe("hostile objects cannot reach a result", () => {
  const polluted: string[] = [];
  const pollute = (key: string, value: unknown, enumerable = false) => {
    Object.defineProperty(Object.prototype, key, { value, enumerable, configurable: true, writable: true });
    polluted.push(key);
  };
  afterEach(() => {
    for (const key of polluted.splice(0)) delete (Object.prototype as Record<string, unknown>)[key];
  });

  it("Object.prototype.rule = 'minimum' changes neither a parsed rubric nor a body's score", () => {
    pollute("rule", "minimum");
    expect(scoreBody(parseRubric(loadEditionDocument("2017")), { values: { TG: 1, TC: 0, PG: 1, PC: 0 } }).value).toBe(0.5);
    expect(scoreBody(loadEdition("2019"), { values: { TG: 1, TC: 0, PG: 1, PC: 0 } }).value).toBe(0.5);
  });

  it("Object.prototype.missing = 'zero' and Object.prototype.values change nothing", () => {
    pollute("missing", "zero", true);
    pollute("values", { TG: 1, TC: 1, PG: 1, PC: 1 });
    const r = parseRubric(loadEditionDocument("2017"));
    const s = scoreBody(r, { values: { TG: 0.5 } });
    expect(s.status).toBe("missing");
    expect(s.missingInputs).toContain("tc.disp");
    expect(scoreBody(r, {}).status).toBe("missing");
  });

  it("safeParseRubric of a Proxy reads it as data; a revoked one is an issue, never a throw", () => {
    const doc = loadEditionDocument("2017");
    expect(safeParseRubric(new Proxy(doc, {})).success).toBe(true);
    const { proxy, revoke } = Proxy.revocable(doc, {});
    revoke();
    const r = safeParseRubric(proxy);
    expect(r.success).toBe(false);
    expect(!r.success && r.issues[0]).toMatchObject({ code: "unreadable", path: "$" });
    const throwing = new Proxy(doc, { ownKeys: () => { throw new Error("boom"); } });
    expect(safeParseRubric(throwing)).toMatchObject({ success: false, issues: [{ code: "unreadable" }] });
  });

  it("a getter that answers differently each time is read once: what was validated is what is compiled", () => {
    const doc = rubricDoc([node("root", [["a", 0.5], ["b", 0.5]]), leaf("a", { type: "score" }), leaf("b", { type: "score" })]);
    let reads = 0;
    Object.defineProperty(doc.nodes[0]!.children![0]!, "weight", { enumerable: true, get: () => (++reads === 1 ? 0.5 : -5) });
    const r = parseRubric(doc);
    expect(reads).toBe(1);
    expect(r.nodes[0]!.children[0]!.weight).toBe(0.5);
    expect(scoreBody(r, { values: { a: 1, b: 0 } }).value).toBe(0.5);
  });

  it("a body input's getter is read once, and inherited values are ignored", () => {
    let reads = 0;
    const values = { TC: 0.5, PG: 0.5, PC: 0.5 };
    Object.defineProperty(values, "TG", { enumerable: true, get: () => (++reads === 1 ? 0.5 : 2) });
    const s = scoreBody(loadEdition("2017"), { values });
    expect(reads).toBe(1);
    expect(s.value).toBe(0.5);
    const inherited = Object.create({ TG: 1 }) as Record<string, number>;
    expect(scoreBody(loadEdition("2017"), { values: inherited }).missingInputs).toContain("tg.ai");
  });

  it("a cyclic or absurdly deep document is an issue, not a hang or a stack overflow", () => {
    const cyclic: Record<string, unknown> = { ...rubricDoc([leaf("root", { type: "score" })]) };
    cyclic.self = cyclic;
    expect(safeParseRubric(cyclic)).toMatchObject({ success: false, issues: [{ code: "nesting_too_deep" }] });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(safeParseRubric(deep)).toMatchObject({ success: false, issues: [{ code: "nesting_too_deep" }] });
    expect(safeParseRubric("x".repeat(17 * 1024 * 1024))).toMatchObject({ success: false, issues: [{ code: "too_large" }] });
  });

  it("scoreBody refuses an input it cannot read as data with a TypeError", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => scoreBody(loadEdition("2017"), proxy)).toThrow(/^scoreBody: the document could not be read/);
    expect(() => scoreBody(loadEdition("2017"), { values: [1, 2] as unknown as Record<string, number> })).toThrow(/^scoreBody: values must be an object/);
  });
});

describe("the kernel refuses what is not a compiled rubric", () => {
  it("a look-alike object is a TypeError, not undefined behaviour", () => {
    const fake = { ...loadEdition("2017") };
    expect(() => scoreBody(fake, { values: SUBS })).toThrow(/expected a compiled rubric/);
    expect(() => createFrame(fake)).toThrow(TypeError);
  });

  it("frames score through the kernel with codes from the one table", () => {
    const rubric = loadEdition("2017");
    const frame = createFrame(rubric);
    evaluateFrame(frame);
    expect(frame.status[0]).not.toBe(STATUS_SCORED);
  });
});

// Type-level: the document type accepts the shipped editions.
const _typed: RubricDocument = loadEditionDocument("2019");
void _typed;
