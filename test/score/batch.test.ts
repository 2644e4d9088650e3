import fc from "fast-check";
import Papa from "papaparse";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BatchScorer, BodyScorer, ObservationStore, createFrame, evaluateFrame, rubricArrays, STATUS_SCORED } from "../../src/engine/index.js";
import { createWeights, loadEdition, parseRubric, type CompiledRubric, type RubricNode } from "../../src/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";
import { runs } from "../propertyRuns.js";

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 20191, numRuns: runs(60) });

const csv = (f: string) => Papa.parse<Record<string, string>>(readFileSync(new URL(`../../fixtures/${f}`, import.meta.url), "utf8"), { header: true, skipEmptyLines: true }).data;

/** The 2019 sample's 1,000 bodies in frames, through the one scoring path. */
function sampleFrames(rubric: CompiledRubric) {
  const store = new ObservationStore(rubric);
  const files: Record<string, string> = { citizen_requests: "mga2019-sample-requests.csv", request_records: "mga2019-sample-records.csv" };
  rubric.observationSets.forEach((set, s) => {
    for (const row of csv(files[set.id]!)) {
      store.beginRow(row.id!, s);
      for (const l of set.leaves) store.cell(l, row[rubric.nodes[l]!.code]);
      store.endRow();
    }
  });
  return csv("mga2019-sample.csv").map((row) => {
    const scorer = new BodyScorer(rubric);
    scorer.begin();
    for (const [key, value] of Object.entries(row)) {
      const n = rubric.index.get(key);
      if (n !== undefined) scorer.give(n, value);
    }
    scorer.observe(store, row.id!);
    return scorer.frame;
  });
}

/** Dirichlet-like random weights per node from fast-check's integers (positive, or with zeros). */
const weightsArb = (n: number, zeros: boolean) => fc.array(fc.integer({ min: zeros ? 0 : 1, max: 1000 }), { minLength: n, maxLength: n });

function reference(frames: readonly ReturnType<typeof createFrame>[], weights: ReturnType<typeof createWeights>, node: number): number[] {
  return frames.map((f) => {
    evaluateFrame(f, weights);
    return f.status[node] === STATUS_SCORED ? f.value[node]! : Number.NaN;
  });
}

describe("BatchScorer equals evaluateFrame within 1e-12", () => {
  const rubric = loadEdition("2019");
  const E = rubricArrays(rubric).weights.length;
  // The sample is scored inside the tests (on first use), not while the file is collected: the
  // mutation run counts code reached outside a test as reached by every test (a "static" mutant,
  // retested with the whole suite), which made a quarter of the mutants static.
  let sample: { frames: ReturnType<typeof sampleFrames>; batch: BatchScorer; out: Float64Array } | undefined;
  const loaded = () => {
    if (sample === undefined) {
      const frames = sampleFrames(rubric);
      sample = { frames, batch: new BatchScorer(rubric, frames), out: new Float64Array(frames.length) };
    }
    return sample;
  };

  it("every sample body takes the linear path (the editions are arithmetic throughout, the gate included)", () => {
    const { frames, batch } = loaded();
    expect(batch.linear).toBe(frames.filter((f) => { evaluateFrame(f); return f.status[rubric.root] === STATUS_SCORED; }).length);
    expect(batch.linear).toBeGreaterThan(900);
  });

  it("on the 2019 sample under random weight vectors, zero weights included", () => {
    const { frames, batch, out } = loaded();
    fc.assert(
      fc.property(weightsArb(E, false), fc.boolean(), (raw, withZero) => {
        const values = raw.map((x, e) => (withZero && e % 7 === 3 ? 0 : x));
        let weights;
        try {
          weights = createWeights(rubric, values);
        } catch {
          return; // a node whose weights came out all 0
        }
        batch.score(weights, out);
        const want = reference(frames, weights, rubric.root);
        for (let b = 0; b < frames.length; b++) {
          if (Number.isNaN(want[b]!)) expect(out[b]).toBeNaN();
          else expect(Math.abs(out[b]! - want[b]!)).toBeLessThanOrEqual(1e-12);
        }
      }),
    );
  });

  it("for any node, not only the root", () => {
    const { frames } = loaded();
    const t = rubric.index.get("tg")!;
    const sub = new BatchScorer(rubric, frames, t);
    const w = createWeights(rubric);
    const got = new Float64Array(frames.length);
    sub.score(w, got);
    const want = reference(frames, w, t);
    want.forEach((v, b) => (Number.isNaN(v) ? expect(got[b]).toBeNaN() : expect(Math.abs(got[b]! - v)).toBeLessThanOrEqual(1e-12)));
  });

  it("on random rubrics with every rule, gates, NA policies and nodes given directly (non-linear paths fall back)", () => {
    const ruleArb = fc.constantFrom("arithmetic", "geometric", "minimum") as fc.Arbitrary<"arithmetic" | "geometric" | "minimum">;
    const treeArb = fc.record({
      rules: fc.array(ruleArb, { minLength: 3, maxLength: 3 }),
      na: fc.array(fc.constantFrom("reweight", "zero") as fc.Arbitrary<"reweight" | "zero">, { minLength: 3, maxLength: 3 }),
      gate: fc.boolean(),
    });
    const valueArb = fc.oneof(fc.constantFrom("0", "1", "NA", "", "0.5"), fc.double({ min: 0, max: 1, noNaN: true }).map(String));
    fc.assert(
      fc.property(treeArb, fc.array(fc.array(valueArb, { minLength: 7, maxLength: 7 }), { minLength: 1, maxLength: 30 }), weightsArb(8, false), ({ rules, na, gate }, bodies, raw) => {
        const nodes: RubricNode[] = [
          node("r", [["a", 1], ["b", 1]], { normalize: true, rule: rules[0]!, notApplicable: na[0]! }),
          node("a", [["a1", 1], ["a2", 1], ["a3", 1]], { normalize: true, rule: rules[1]!, notApplicable: na[1]! }),
          node("b", [["b1", 1], ["b2", 1], ["b3", 1]], { normalize: true, rule: rules[2]!, notApplicable: na[2]!, missing: "zero" }),
          leaf("a1", { type: "binary" }, gate ? { gates: ["a2"] } : {}),
          leaf("a2", { type: "score" }),
          leaf("a3", { type: "score" }),
          leaf("b1", { type: "score" }),
          leaf("b2", { type: "score" }, { missing: "not_applicable" }),
          leaf("b3", { type: "score" }),
        ];
        const r = parseRubric(rubricDoc(nodes));
        const codes = ["a1", "a2", "a3", "b1", "b2", "b3", "a"];
        const frames = bodies.map((cells) => {
          const s = new BodyScorer(r);
          s.begin();
          cells.forEach((cell, j) => {
            // a1 is binary; `a` (j = 6) is given directly over its subtree when its cell is a number.
            const value = codes[j] === "a1" ? (cell === "0.5" || Number(cell) % 1 !== 0 ? "1" : cell) : j === 6 && cell === "NA" ? "" : cell;
            s.give(r.index.get(codes[j]!)!, value);
          });
          return s.frame;
        });
        const w = createWeights(r, raw);
        const got = new Float64Array(frames.length);
        new BatchScorer(r, frames).score(w, got);
        const want = reference(frames, w, r.root);
        want.forEach((v, b) => (Number.isNaN(v) ? expect(got[b]).toBeNaN() : expect(Math.abs(got[b]! - v)).toBeLessThanOrEqual(1e-12)));
      }),
    );
  });

  it("refuses a weight vector of another rubric and a short output array", () => {
    const { batch, out } = loaded();
    expect(() => batch.score(createWeights(loadEdition("2017")), out)).toThrow(TypeError);
    expect(() => batch.score(createWeights(rubric), new Float64Array(3))).toThrow(RangeError);
  });
});
