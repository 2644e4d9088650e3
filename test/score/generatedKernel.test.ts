import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { BodyScorer, ObservationStore, createWeights, evaluateFrame, rubricArrays, type ScoreFrame } from "../../src/engine/index.js";
import { useGeneratedKernels } from "../../src/score/generatedKernel.js";
import { loadEdition, parseRubric, type CompiledRubric, type RubricNode } from "../../src/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";

fc.configureGlobal({ seed: 8, numRuns: 150 });
afterAll(() => useGeneratedKernels(true));

/** Every output array of a frame, as bytes: bit-for-bit comparison, NaN payloads and -0 included. */
function outputs(f: ScoreFrame): Uint8Array[] {
  return [f.value, f.status, f.source, f.err, f.computed, f.computedStatus, f.flags, f.gatedBy].map((a) => new Uint8Array(a.buffer.slice(0)));
}

/** Fills two frames (one on each path) identically, evaluates both, compares every output bit. */
function sameOnBothPaths(rubric: CompiledRubric, cells: readonly [number, string][], observations: readonly { set: number; cells: [number, string][] }[], weights?: ArrayLike<number>): void {
  const frames = [true, false].map((generated) => {
    useGeneratedKernels(generated);
    const scorer = new BodyScorer(rubric);
    scorer.begin();
    for (const [n, cell] of cells) scorer.give(n, cell);
    if (observations.length > 0) {
      const store = new ObservationStore(rubric);
      for (const o of observations) {
        store.beginRow("b", o.set);
        for (const [n, cell] of o.cells) store.cell(n, cell);
        store.endRow();
      }
      scorer.observe(store, "b");
    }
    const w = weights === undefined ? undefined : createWeights(rubric, weights);
    evaluateFrame(scorer.frame, w);
    return scorer.frame;
  });
  useGeneratedKernels(true);
  const [a, b] = frames.map(outputs);
  a!.forEach((bytes, k) => expect(bytes, `output array ${k}`).toEqual(b![k]));
}

const CELLS = ["", "NA", "0", "1", "0.5", "0.25", "2", "3", "x"];

describe("the generated kernel is bit-identical to evaluateFrame's loop", () => {
  it("is actually used here (Node allows code generation)", () => {
    const r = loadEdition("2017");
    const s = new BodyScorer(r);
    s.begin();
    evaluateFrame(s.frame);
    // A frame recording shares takes the loop; one that does not, the generated kernel.
    expect(new BodyScorer(r, { explain: true }).frame.share).toBeDefined();
  });

  it("on both editions with random leaf cells, observations and weights", () => {
    for (const edition of ["2017", "2019"]) {
      const r = loadEdition(edition);
      const leaves = r.nodes.filter((n) => n.children.length === 0 && n.observationSet === undefined).map((n) => n.index);
      const sets = r.observationSets.map((s, i) => ({ set: i, leaves: s.leaves }));
      const E = rubricArrays(r).weights.length;
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...CELLS), { minLength: leaves.length, maxLength: leaves.length }),
          fc.array(fc.record({ which: fc.nat(), cells: fc.array(fc.constantFrom(...CELLS), { minLength: 4, maxLength: 4 }) }), { maxLength: 6 }),
          fc.option(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: E, maxLength: E })),
          fc.constantFrom("", "0.4", "NA"),
          (cells, obs, w, given) => {
            const weights = w === null || w.some((_, e, a) => a.every((x) => x === 0)) ? undefined : w;
            const observations = obs.map((o) => {
              const s = sets[o.which % sets.length]!;
              return { set: s.set, cells: s.leaves.map((l, j) => [l, o.cells[j % 4]!] as [number, string]) };
            });
            const extra: [number, string][] = given === "" ? [] : [[r.index.get("TG")!, given]];
            try {
              sameOnBothPaths(r, [...leaves.map((n, j) => [n, cells[j]!] as [number, string]), ...extra], observations, weights);
            } catch (e) {
              if (e instanceof RangeError) return; // a node's weights all 0: refused, nothing to compare
              throw e;
            }
          },
        ),
      );
    }
  });

  it("on random rubrics: every rule, NA and missing policy, gates, views and nodes given directly", () => {
    const rule = fc.constantFrom("arithmetic", "geometric", "minimum") as fc.Arbitrary<"arithmetic" | "geometric" | "minimum">;
    const na = fc.constantFrom("reweight", "zero") as fc.Arbitrary<"reweight" | "zero">;
    const missing = fc.constantFrom("missing", "zero", "not_applicable") as fc.Arbitrary<"missing" | "zero" | "not_applicable">;
    fc.assert(
      fc.property(
        fc.record({ rules: fc.array(rule, { minLength: 3, maxLength: 3 }), nas: fc.array(na, { minLength: 3, maxLength: 3 }), missings: fc.array(missing, { minLength: 9, maxLength: 9 }), gate: fc.boolean(), noObs: missing }),
        fc.array(fc.constantFrom(...CELLS), { minLength: 9, maxLength: 9 }),
        fc.array(fc.array(fc.constantFrom(...CELLS), { minLength: 2, maxLength: 2 }), { maxLength: 4 }),
        ({ rules, nas, missings, gate, noObs }, cells, obs) => {
          const nodes: RubricNode[] = [
            node("r", [["a", 2], ["b", 1], ["o", 1]], { normalize: true, rule: rules[0]!, notApplicable: nas[0]!, missing: missings[0]! }),
            node("a", [["a1", 1], ["a2", 3], ["a3", 1]], { normalize: true, rule: rules[1]!, notApplicable: nas[1]!, missing: missings[1]! }),
            node("b", [["b1", 1], ["b2", 1]], { normalize: true, rule: rules[2]!, notApplicable: nas[2]!, missing: missings[2]! }),
            leaf("a1", { type: "binary" }, { missing: missings[3]!, ...(gate ? { gates: ["a2", "a3"] } : {}) }),
            leaf("a2", { type: "count", max: 3 }, { missing: missings[4]! }),
            leaf("a3", { type: "linear", low: 0, high: 4, direction: "descending" }, { missing: missings[5]! }),
            leaf("b1", { type: "score" }, { missing: missings[6]! }),
            leaf("b2", { type: "ordinal", levels: [{ value: "x", score: 0.3 }, { value: "1", score: 1 }] }, { missing: missings[7]! }),
            node("o", [["o1", 1], ["o2", 1]], { normalize: true }),
            leaf("o1", { type: "binary", observations: { set: "req" } }, { missing: missings[8]! }),
            leaf("o2", { type: "score", observations: { set: "req" } }),
          ];
          const r = parseRubric(
            rubricDoc(nodes, {
              observationSets: [{ id: "req", label: { es: "s", en: "s" }, noObservations: noObs, provenance: { status: "verified", source: "test" } }],
              views: [{ id: "v", label: { es: "v", en: "v" }, nodes: [node("va", [["a", 1], ["b", 1]], { rule: rules[2]!, normalize: true }) as RubricNode] }],
            }),
          );
          const codes = ["a1", "a2", "a3", "b1", "b2", "a", "b", "r", "o"];
          const given = codes.map((c, j) => [r.index.get(c)!, j >= 5 ? (cells[j] === "x" || cells[j] === "2" || cells[j] === "3" ? "" : cells[j]!) : cells[j]!] as [number, string]);
          const set = 0;
          const observations = obs.map((o) => ({ set, cells: [[r.index.get("o1")!, o[0]!], [r.index.get("o2")!, o[1]!]] as [number, string][] }));
          sameOnBothPaths(r, given, observations);
        },
      ),
    );
  });
});
