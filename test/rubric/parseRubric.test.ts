import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emitSchemas } from "../../src/rubric/emitSchemas.js";
import {
  loadEditionDocument,
  parseRubric,
  RubricError,
  safeParseRubric,
  type Issue,
  type RubricDocument,
} from "../../src/index.js";
import { frozen, leaf, node, rubricDoc } from "../helpers.js";

const valid = (): RubricDocument =>
  rubricDoc([
    node("root", [
      ["a", 0.5],
      ["b", 0.5],
    ]),
    leaf("a", { type: "score" }, { aliases: ["A"] }),
    leaf("b", { type: "binary" }),
  ]);

function issuesOf(doc: unknown): Issue[] {
  const result = safeParseRubric(doc);
  expect(result.success).toBe(false);
  return result.success ? [] : [...result.issues];
}

function expectIssue(doc: unknown, code: string, path: string): void {
  const issues = issuesOf(doc);
  expect(issues.map((i) => `${i.code} ${i.path}`)).toContain(`${code} ${path}`);
  for (const i of issues) expect(i.message.length).toBeGreaterThan(0);
}

describe("parseRubric on valid rubrics", () => {
  it("compiles a small rubric and leaves the input untouched", () => {
    const doc = frozen(valid());
    const rubric = parseRubric(doc);
    expect(rubric.id).toBe("test");
    expect(rubric.nodes.map((n) => n.code)).toEqual(["root", "a", "b"]);
    expect(rubric.index.get("A")).toBe(1);
    expect(rubric.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts JSON text", () => {
    expect(parseRubric(JSON.stringify(valid())).id).toBe("test");
  });

  it("gives the same hash whatever the key order, and a different one for another weight", () => {
    const doc = valid();
    const reordered = JSON.parse(JSON.stringify(doc, Object.keys(doc).reverse().concat(["es", "en", "code", "weight", "type", "status", "source", "citation", "id", "children", "input", "provenance", "label", "aliases"])));
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(doc)[0]);
    expect(parseRubric(reordered).hash).toBe(parseRubric(doc).hash);
    const other = valid();
    other.nodes[0]!.children = [
      { code: "a", weight: 0.6 },
      { code: "b", weight: 0.4 },
    ];
    expect(parseRubric(other).hash).not.toBe(parseRubric(doc).hash);
  });

  it("ignores $schema in the hash", () => {
    expect(parseRubric({ ...valid(), $schema: "./x.json" }).hash).toBe(parseRubric(valid()).hash);
  });

  it("accepts weights that do not sum to 1 when normalize is set", () => {
    const doc = rubricDoc([
      node("root", [["a", 2], ["b", 1]], { normalize: true }),
      leaf("a", { type: "score" }),
      leaf("b", { type: "score" }),
    ]);
    expect(safeParseRubric(doc).success).toBe(true);
  });

  it("the shipped JSON Schemas and standalone validators are the ones generated from the zod schemas", () => {
    const files = emitSchemas();
    expect(files.map((f) => f.path)).toContain("rubrics/schema/rubric.schema.json");
    for (const file of files) expect(readFileSync(new URL(`../../${file.path}`, import.meta.url), "utf8"), file.path).toBe(file.text);
  });

  it("parseRubric throws RubricError carrying the same issues safeParseRubric returns", () => {
    const doc = { ...valid(), root: "nowhere" };
    const safe = safeParseRubric(doc);
    expect(safe.success).toBe(false);
    try {
      parseRubric(doc);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RubricError);
      expect((e as RubricError).issues).toEqual(safe.success ? [] : safe.issues);
      expect((e as Error).message).toContain("nowhere");
    }
  });
});

describe("parseRubric on malformed rubrics reports the right issue code and path", () => {
  it("duplicate codes", () => {
    const doc = valid();
    doc.nodes.push(leaf("a", { type: "score" }));
    doc.nodes[0]!.children!.push({ code: "x", weight: 0 });
    expectIssue(doc, "duplicate_code", "$.nodes[3].code");
  });

  it("duplicate aliases and an alias that is another node's code", () => {
    const doc = valid();
    doc.nodes[2]!.aliases = ["A"];
    expectIssue(doc, "duplicate_alias", "$.nodes[2].aliases[0]");
    const doc2 = valid();
    doc2.nodes[2]!.aliases = ["a"];
    expectIssue(doc2, "alias_conflict", "$.nodes[2].aliases[0]");
  });

  it("a cycle", () => {
    const doc = rubricDoc([
      node("root", [["x", 1]]),
      node("x", [["y", 1]]),
      node("y", [["x", 1]]),
    ]);
    const issues = issuesOf(doc);
    const cycle = issues.find((i) => i.code === "cycle");
    expect(cycle?.message).toMatch(/x → y → x|y → x → y/);
  });

  it("weights summing to 0.9", () => {
    const doc = valid();
    doc.nodes[0]!.children = [
      { code: "a", weight: 0.5 },
      { code: "b", weight: 0.4 },
    ];
    const issues = issuesOf(doc);
    const issue = issues.find((i) => i.code === "weights_not_normalized")!;
    expect(issue.path).toBe("$.nodes[0].children");
    expect(issue.received).toBe("0.9");
  });

  it("a NaN weight, an Infinity weight, a zero and a negative weight", () => {
    for (const weight of [Number.NaN, Number.POSITIVE_INFINITY, 0, -0.5]) {
      const doc = valid();
      doc.nodes[0]!.children![0]!.weight = weight;
      expectIssue(doc, "invalid_weight", "$.nodes[0].children[0].weight");
    }
  });

  it("an unknown leaf type", () => {
    const doc = valid() as unknown as { nodes: { input: unknown }[] };
    doc.nodes[1]!.input = { type: "fuzzy" };
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "unknown_leaf_type", path: "$.nodes[1].input.type", received: '"fuzzy"' });
  });

  it("__proto__ and constructor keys do not pollute and are reported", () => {
    const text = `{"schemaVersion":1,"id":"t","version":"1.0.0","label":{"es":"a","en":"a"},"sources":[{"id":"test","citation":"c"}],"root":"r","nodes":[{"code":"r","label":{"es":"r","en":"r"},"input":{"type":"score"},"provenance":{"status":"verified","source":"test"},"__proto__":{"polluted":true}}],"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`;
    const issues = issuesOf(text);
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual(
      expect.arrayContaining(["unknown_key $.nodes[0].__proto__", "unknown_key $.__proto__", "unknown_key $.constructor"]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("a node code named __proto__ is rejected by the code format", () => {
    const doc = valid();
    doc.nodes[2]!.code = "__proto__";
    expectIssue(doc, "invalid_format", "$.nodes[2].code");
  });

  it("huge JSON nesting", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const issues = issuesOf({ ...valid(), description: deep });
    expect(issues).toEqual([expect.objectContaining({ code: "nesting_too_deep", path: "$" })]);
  });

  it("a tree deeper than the limit", () => {
    const nodes = [];
    for (let i = 0; i < 40; i++) nodes.push(node(`n${i}`, [[`n${i + 1}`, 1]]));
    nodes.push(leaf("n40", { type: "score" }));
    expectIssue(rubricDoc(nodes), "tree_too_deep", "$.root");
  });

  it("wrong types everywhere, all reported at once", () => {
    const doc = { ...valid(), schemaVersion: "1", id: 7, nodes: [{ code: "root", label: "x", input: { type: "score" }, provenance: { status: "sure", source: "test" } }] };
    const codes = issuesOf(doc).map((i) => `${i.code} ${i.path}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "invalid_type $.schemaVersion",
        "invalid_type $.id",
        "invalid_type $.nodes[0].label",
        "invalid_value $.nodes[0].provenance.status",
      ]),
    );
  });

  it("an unknown child and an unknown root", () => {
    const doc = valid();
    doc.nodes[0]!.children![1]!.code = "zz";
    expectIssue(doc, "unknown_child", "$.nodes[0].children[1].code");
    expectIssue({ ...valid(), root: "zz" }, "unknown_root", "$.root");
  });

  it("a node with both children and input, and a node with neither", () => {
    const doc = valid();
    doc.nodes[0]!.input = { type: "score" };
    expectIssue(doc, "leaf_with_children", "$.nodes[0]");
    const doc2 = valid();
    delete doc2.nodes[1]!.input;
    expectIssue(doc2, "empty_node", "$.nodes[1]");
  });

  it("goalposts in the wrong order", () => {
    const doc = valid();
    doc.nodes[1]!.input = { type: "linear", low: 10, high: 5 };
    expectIssue(doc, "goalposts_unordered", "$.nodes[1].input");
  });

  it("a gate pointing at a non-sibling, and a gate on itself", () => {
    const doc = rubricDoc([
      node("root", [["g", 0.5], ["x", 0.5]]),
      node("g", [["a", 0.5], ["b", 0.5]]),
      leaf("a", { type: "binary" }, { gates: ["x"] }),
      leaf("b", { type: "binary" }, { gates: ["b"] }),
      leaf("x", { type: "score" }),
    ]);
    expectIssue(doc, "gate_not_sibling", "$.nodes[2].gates[0]");
    expectIssue(doc, "gate_self", "$.nodes[3].gates[0]");
  });

  it("an unknown observation set and an unknown provenance source", () => {
    const doc = valid();
    doc.nodes[2]!.input = { type: "binary", observations: { set: "requests" } };
    doc.nodes[1]!.provenance = { status: "assumed", source: "nowhere" };
    expectIssue(doc, "unknown_observation_set", "$.nodes[2].input.observations.set");
    expectIssue(doc, "unknown_source", "$.nodes[1].provenance.source");
  });

  it("a node with two parents, an unreachable node and a duplicate child", () => {
    const doc = rubricDoc([
      node("root", [["m", 0.5], ["n", 0.5]]),
      node("m", [["a", 0.5], ["a", 0.5]]),
      node("n", [["a", 1]]),
      leaf("a", { type: "score" }),
      leaf("lost", { type: "score" }),
    ]);
    expectIssue(doc, "duplicate_child", "$.nodes[1].children[1].code");
    expectIssue(doc, "multiple_parents", "$.nodes[3].code");
    expectIssue(doc, "unreachable_node", "$.nodes[4].code");
  });

  it("a missing required key and an unknown key", () => {
    const doc = valid() as unknown as Record<string, unknown>;
    delete doc.sources;
    doc.weights = {};
    expectIssue(doc, "missing_key", "$.sources");
    expectIssue(doc, "unknown_key", "$.weights");
  });

  it("invalid JSON text, and values that are not objects at all", () => {
    expectIssue("{ not json", "invalid_json", "$");
    for (const bad of [null, 42, "\"a string\"", [], true]) expect(safeParseRubric(bad).success).toBe(false);
  });

  it("a view node with an input, and a reference to an unknown node", () => {
    const doc = valid();
    doc.views = [{ id: "v", label: { es: "v", en: "v" }, nodes: [leaf("vv", { type: "score" })] }];
    doc.references = [{ node: "nope", by: [], group: [], value: 0.4, decimals: 2, status: "verified", source: "test" }];
    expectIssue(doc, "view_leaf", "$.views[0].nodes[0].input");
    expectIssue(doc, "unknown_reference_node", "$.references[0].node");
  });

  it("never throws, whatever is thrown at it", () => {
    const samples: unknown[] = [undefined, Symbol.iterator, () => 1, { nodes: "x" }, { nodes: [null, 1, "a"] }, { ...valid(), views: [{ nodes: [{ code: 1 }] }] }];
    for (const s of samples) expect(() => safeParseRubric(s)).not.toThrow();
  });
});

describe("the built-in editions", () => {
  it("validate", () => {
    for (const e of ["2017", "2019"]) {
      const result = safeParseRubric(loadEditionDocument(e));
      expect(result.success ? [] : result.issues).toEqual([]);
    }
  });
});
