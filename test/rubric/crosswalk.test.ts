import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  checkCrosswalk,
  CrosswalkError,
  parseCrosswalk,
  safeParseCrosswalk,
  type CrosswalkRubric,
} from "../../src/rubric/crosswalk.js";
import { crosswalkJsonSchema, type Crosswalk, type CrosswalkDocument } from "../../src/rubric/crosswalkSchema.js";
import type { Issue } from "../../src/issue.js";

const readJson = (relative: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../${relative}`, import.meta.url), "utf8"));

const mga2017 = readJson("rubrics/mga-2017.json") as CrosswalkRubric;
const mga2019 = readJson("rubrics/mga-2019.json") as CrosswalkRubric;
const shippedText = readFileSync(new URL("../../rubrics/crosswalk/mga-2017--mga-2019.json", import.meta.url), "utf8");
const rubrics = { from: mga2017, to: mga2019 };

/** A fresh, mutable copy of the shipped crosswalk. */
const shipped = (): CrosswalkDocument & { mappings: CrosswalkDocument["mappings"][number][] } => JSON.parse(shippedText);

const indexOf = (doc: CrosswalkDocument, from: string | undefined, to?: string) =>
  doc.mappings.findIndex((m) => m.from === from && (to === undefined || m.to === to));

function issuesOf(doc: unknown, with_: typeof rubrics | {} = rubrics): readonly Issue[] {
  const result = safeParseCrosswalk(doc, with_);
  if (result.success) throw new Error("expected the crosswalk to be rejected");
  return result.issues;
}

/** Only the fields a test pins down: code and path (message wording may change). */
const codeAndPath = (issues: readonly Issue[]) => issues.map(({ code, path }) => ({ code, path }));

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("shipped crosswalk mga-2017 → mga-2019", () => {
  it("safeParseCrosswalk(doc, { from: mga2017, to: mga2019 }) succeeds with no issue", () => {
    const result = safeParseCrosswalk(shipped(), rubrics);
    expect(result.success ? [] : result.issues).toEqual([]);
  });

  it("checkCrosswalk(parsed, mga2017, mga2019) returns no issue", () => {
    expect(checkCrosswalk(parseCrosswalk(shippedText), mga2017, mga2019)).toEqual([]);
  });

  it("maps every node of both rubrics, views included, exactly once", () => {
    const doc = shipped();
    const codes = (r: CrosswalkRubric) => [...r.nodes, ...(r.views ?? []).flatMap((v) => v.nodes)].map((n) => n.code);
    const from = doc.mappings.flatMap((m) => (m.from === undefined ? [] : [m.from]));
    const to = doc.mappings.flatMap((m) => (m.to === undefined ? [] : [m.to]));
    expect([...from].sort()).toEqual(codes(mga2017).sort());
    expect([...to].sort()).toEqual(codes(mga2019).sort());
  });

  it("records tg.tr → tg.ta as an assumed equivalence and the three request-record variables as 2019 only", () => {
    const doc = shipped();
    const tr = doc.mappings.find((m) => m.from === "tg.tr");
    expect(tr).toMatchObject({ to: "tg.ta", relation: "assumed_equivalent", provenance: { status: "assumed" } });
    const only = doc.mappings.filter((m) => m.relation === "only_in_2019").map((m) => m.to);
    expect(only).toEqual(["tg.ai.respuesta", "tg.ai.plazo", "tg.ai.prorroga"]);
  });

  it("parseCrosswalk does not modify a frozen input", () => {
    const doc = deepFreeze(shipped());
    expect(() => parseCrosswalk(doc, rubrics)).not.toThrow();
  });
});

describe("checkCrosswalk against the rubrics", () => {
  it("reports a code that is not in the rubric as unknown_code at the mapping's side", () => {
    const doc = shipped();
    const i = indexOf(doc, "pc.cel");
    doc.mappings[i] = { ...doc.mappings[i]!, to: "pc.celeridad", relation: "renamed" };
    const issues = issuesOf(doc);
    expect(issues).toContainEqual(
      expect.objectContaining({ code: "unknown_code", path: `$.mappings[${i}].to`, received: "pc.celeridad" }),
    );
    // and pc.cel of 2019 is then left unmapped
    expect(codeAndPath(issues)).toEqual([
      { code: "unknown_code", path: `$.mappings[${i}].to` },
      { code: "unmapped_code", path: "$.mappings" },
    ]);
    expect(issues[1]!.message).toContain('"pc.cel"');
  });

  it("reports a node left out as unmapped_code, once per rubric", () => {
    const doc = shipped();
    doc.mappings.splice(indexOf(doc, "pg.seg"), 1);
    const issues = issuesOf(doc);
    expect(codeAndPath(issues)).toEqual([
      { code: "unmapped_code", path: "$.mappings" },
      { code: "unmapped_code", path: "$.mappings" },
    ]);
    expect(issues.map((i) => i.expected)).toEqual(['a mapping with from "pg.seg"', 'a mapping with to "pg.seg"']);
  });

  it("reports a code mapped twice as duplicate_mapping on the later mapping", () => {
    const doc = shipped();
    const first = indexOf(doc, "tc.clar");
    doc.mappings.push({ ...doc.mappings[first]! });
    const last = doc.mappings.length - 1;
    const issues = issuesOf(doc);
    expect(codeAndPath(issues)).toEqual([
      { code: "duplicate_mapping", path: `$.mappings[${last}].from` },
      { code: "duplicate_mapping", path: `$.mappings[${last}].to` },
    ]);
    expect(issues[0]!.message).toContain(`$.mappings[${first}]`);
  });

  it("reports only_in_<edition> with both sides as only_in_both_sides at the relation", () => {
    const doc = shipped();
    const ai = indexOf(doc, "tg.ai");
    const plazo = indexOf(doc, undefined, "tg.ai.plazo");
    doc.mappings.splice(ai, 1);
    const at = plazo - 1; // shifted by the removal
    doc.mappings[at] = { ...doc.mappings[at]!, from: "tg.ai" };
    // tg.ai of 2019 is now unmapped on the to side, which is reported too
    expect(codeAndPath(issuesOf(doc))).toEqual([
      { code: "only_in_both_sides", path: `$.mappings[${at}].relation` },
      { code: "unmapped_code", path: "$.mappings" },
    ]);
  });

  it("reports an only_in_<edition> naming the other rubric's edition as edition_mismatch", () => {
    const doc = shipped();
    const i = indexOf(doc, undefined, "tg.ai.prorroga");
    doc.mappings[i] = { ...doc.mappings[i]!, relation: "only_in_2017" };
    expect(issuesOf(doc)).toEqual([
      expect.objectContaining({
        code: "edition_mismatch",
        path: `$.mappings[${i}].relation`,
        expected: "only_in_2019",
        received: "only_in_2017",
      }),
    ]);
  });

  it("reports a rubric of another version as rubric_mismatch", () => {
    const issues = issuesOf(shipped(), { from: mga2017, to: { ...mga2019, version: "1.1.0" } });
    expect(issues).toEqual([
      expect.objectContaining({ code: "rubric_mismatch", path: "$.to.version", expected: "1.1.0", received: "1.0.0" }),
    ]);
  });

  it("reports a provenance source listed in neither rubric as unknown_source", () => {
    const doc = shipped();
    doc.mappings[0] = { ...doc.mappings[0]!, provenance: { status: "verified", source: "my-notes" } };
    expect(codeAndPath(issuesOf(doc))).toEqual([{ code: "unknown_source", path: "$.mappings[0].provenance.source" }]);
  });

  it("skips the checks of a side whose rubric is not given", () => {
    const doc = shipped();
    doc.mappings.splice(indexOf(doc, "pg.seg"), 1);
    expect(safeParseCrosswalk(doc, { from: undefined, to: undefined }).success).toBe(true);
    expect(codeAndPath(issuesOf(doc, { from: mga2017 }))).toEqual([{ code: "unmapped_code", path: "$.mappings" }]);
  });
});

describe("checkCrosswalk without rubrics: relations and sides", () => {
  const provenance = { status: "assumed", source: "ogmetric-notes" } as const;
  const crosswalk = (mappings: Crosswalk["mappings"]): Crosswalk => ({
    schemaVersion: 1,
    from: { id: "a", version: "1.0.0" },
    to: { id: "b", version: "1.0.0" },
    mappings,
  });

  it("accepts same, renamed, assumed_equivalent and one-sided only_in mappings", () => {
    const issues = checkCrosswalk(
      crosswalk([
        { from: "x", to: "x", relation: "same", note: "n", provenance },
        { from: "y", to: "z", relation: "renamed", note: "n", provenance },
        { from: "w", to: "v", relation: "assumed_equivalent", note: "n", provenance },
        { from: "u", relation: "only_in_2017", note: "n", provenance },
        { to: "t", relation: "only_in_2019", note: "n", provenance },
      ]),
    );
    expect(issues).toEqual([]);
  });

  it("reports same with different codes as codes_differ and renamed to itself as codes_equal", () => {
    const issues = checkCrosswalk(
      crosswalk([
        { from: "x", to: "y", relation: "same", note: "n", provenance },
        { from: "z", to: "z", relation: "renamed", note: "n", provenance },
      ]),
    );
    expect(codeAndPath(issues)).toEqual([
      { code: "codes_differ", path: "$.mappings[0].to" },
      { code: "codes_equal", path: "$.mappings[1].to" },
    ]);
  });

  it("reports a two-sided relation with one side as missing_side, and a mapping with none as empty_mapping", () => {
    const issues = checkCrosswalk(
      crosswalk([
        { from: "x", relation: "renamed", note: "n", provenance },
        { to: "y", relation: "assumed_equivalent", note: "n", provenance },
        { relation: "same", note: "n", provenance },
      ]),
    );
    expect(codeAndPath(issues)).toEqual([
      { code: "missing_side", path: "$.mappings[0].to" },
      { code: "missing_side", path: "$.mappings[1].from" },
      { code: "empty_mapping", path: "$.mappings[2]" },
    ]);
  });

  it("reports duplicates even without rubrics", () => {
    const issues = checkCrosswalk(
      crosswalk([
        { from: "x", to: "x", relation: "same", note: "n", provenance },
        { from: "x", relation: "only_in_2017", note: "n", provenance },
      ]),
    );
    expect(codeAndPath(issues)).toEqual([{ code: "duplicate_mapping", path: "$.mappings[1].from" }]);
  });

  it("reports only_in against a rubric without edition as edition_mismatch", () => {
    const { edition: _none, ...noEdition } = mga2017;
    const issues = checkCrosswalk(
      crosswalk([{ from: "iga", relation: "only_in_2017", note: "n", provenance }]),
      { ...noEdition, id: "a", version: "1.0.0" },
    );
    expect(issues[0]).toMatchObject({ code: "edition_mismatch", path: "$.mappings[0].relation", expected: "a rubric with an edition" });
  });
});

describe("safeParseCrosswalk on malformed documents", () => {
  it("reports a __proto__ key as unknown_key and pollutes no prototype", () => {
    const text = shippedText.replace('"relation": "same"', '"relation": "same", "__proto__": { "polluted": true }');
    const issues = issuesOf(text);
    expect(codeAndPath(issues)).toEqual([{ code: "unknown_key", path: "$.mappings[0].__proto__" }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const top = issuesOf('{ "__proto__": {}, "schemaVersion": 1 }', {});
    expect(codeAndPath(top)).toContainEqual({ code: "unknown_key", path: "$.__proto__" });
  });

  it("reports values of the wrong type with their path, expected and received", () => {
    const doc = shipped() as unknown as Record<string, unknown> & { mappings: Record<string, unknown>[] };
    doc.schemaVersion = "1";
    doc.mappings[0]!.note = 3;
    doc.mappings[1]!.relation = "equal";
    doc.mappings[2]!.from = "TG";
    delete doc.mappings[3]!.provenance;
    doc.mappings[4]!.provenance = { status: "certain", source: "ogmetric-notes" };
    const issues = issuesOf(doc);
    expect(codeAndPath(issues)).toEqual([
      { code: "invalid_type", path: "$.schemaVersion" },
      { code: "invalid_type", path: "$.mappings[0].note" },
      { code: "invalid_value", path: "$.mappings[1].relation" },
      { code: "invalid_format", path: "$.mappings[2].from" },
      { code: "missing_key", path: "$.mappings[3].provenance" },
      { code: "invalid_value", path: "$.mappings[4].provenance.status" },
    ]);
    expect(issues[1]).toMatchObject({ expected: "string", received: "3" });
    expect(issues[2]).toMatchObject({ received: '"equal"', message: 'expected "same", "renamed", "assumed_equivalent" or "only_in_<edition>", found "equal"' });
    expect(issues[3]).toMatchObject({ received: '"TG"', message: 'expected a lower-case dotted code such as tg.ai, found "TG"' });
  });

  it("reports a document that is not an object, or not JSON", () => {
    expect(codeAndPath(issuesOf([], {}))).toEqual([{ code: "invalid_type", path: "$" }]);
    expect(codeAndPath(issuesOf("{ not json", {}))).toEqual([{ code: "invalid_json", path: "$" }]);
    expect(codeAndPath(issuesOf({ schemaVersion: 1, from: { id: "a", version: "1.0.0" }, to: { id: "b", version: "1.0.0" }, mappings: [] }, {}))).toEqual([
      { code: "invalid_length", path: "$.mappings" },
    ]);
  });

  it("parseCrosswalk throws a CrosswalkError carrying the issues", () => {
    const doc = shipped();
    doc.mappings.pop();
    try {
      parseCrosswalk(doc, rubrics);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CrosswalkError);
      expect(codeAndPath((e as CrosswalkError).issues)).toEqual([
        { code: "unmapped_code", path: "$.mappings" },
        { code: "unmapped_code", path: "$.mappings" },
      ]);
      expect((e as Error).message).toMatch(/^invalid crosswalk: \$\.mappings: node "ciudadano"/);
    }
  });
});

describe("crosswalk JSON Schema", () => {
  it("the shipped rubrics/schema/crosswalk.schema.json equals crosswalkJsonSchema()", () => {
    expect(readJson("rubrics/schema/crosswalk.schema.json")).toEqual(crosswalkJsonSchema());
  });
});
