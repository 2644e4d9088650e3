/**
 * scoreBody, and the frame kernel through BodyScorer, against the independent reference evaluator
 * (./referenceScore.ts: the rubric document, the documented rules, exact rationals) on drawn
 * rubrics and bodies with the hard cases (./arbitraries.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BodyScorer, CODES, ObservationStore } from "../../src/engine/index.js";
import { createWeights, parseRubric, scoreBody, type CompiledRubric } from "../../src/index.js";
import { bodyArb, rubricArb, scoredArb, type Drawn, type DrawnBody } from "./arbitraries.js";
import { expectClose, expectMatches } from "./compare.js";
import { toDouble } from "./rational.js";
import { referenceScore, type RefScore } from "./referenceScore.js";
import { runs } from "../propertyRuns.js";

// Seeded: a failure replays from the seed and path fast-check prints.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 7_2026, numRuns: runs(250) });

/** Scores a body through the engine door: give each value, load the observations, evaluate. */
function scoreByFrame(rubric: CompiledRubric, scorer: BodyScorer, body: DrawnBody): void {
  scorer.begin();
  for (const [key, raw] of Object.entries(body.values)) {
    const node = rubric.index.get(key);
    if (node !== undefined) scorer.give(node, raw);
  }
  const store = new ObservationStore(rubric);
  for (const [setId, rows] of Object.entries(body.observations)) {
    const set = rubric.observationSets.findIndex((s) => s.id === setId);
    for (const row of rows) {
      store.beginRow("body", set);
      const given = new Set<number>();
      for (const [key, raw] of Object.entries(row)) {
        const node = rubric.index.get(key);
        if (node === undefined || store.setOf(node) !== set || given.has(node)) continue;
        given.add(node);
        store.cell(node, raw);
      }
      store.endRow();
    }
  }
  scorer.observe(store, "body");
  scorer.evaluate();
}

/** The frame's statuses and values equal the reference, node by node. */
function expectFrameMatches(rubric: CompiledRubric, scorer: BodyScorer, ref: RefScore, context: string): void {
  const { status, value } = scorer.frame;
  rubric.nodes.forEach((info, i) => {
    const r = ref.nodes[i]!;
    expect(info.code, context).toBe(r.code);
    expect(CODES.status[status[i]!], `${context}: frame status of ${info.code}`).toBe(r.status);
    if (r.status === "scored") expectClose(value[i], toDouble(r.value!), r.exact, `${context}: frame value of ${info.code}`);
    else expect(value[i], `${context}: frame value of ${info.code} (not scored)`).toBe(0);
  });
}

/** A random checked weight vector: odd positive weights and zeros, at least one positive per node. */
function weightsArb(drawn: Drawn): fc.Arbitrary<number[]> {
  const rubric = parseRubric(drawn.doc);
  const perNode = rubric.nodes.map((n) => n.children.length);
  return fc.tuple(
    ...perNode.map((k) =>
      fc
        .array(fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.constantFrom(1, 2, 0.3, 1e-7, 3e5, 1 / 7) }), { minLength: k, maxLength: k })
        .map((ws) => (k > 0 && ws.every((w) => w === 0) ? [1, ...ws.slice(1)] : ws)),
    ),
  ).map((parts) => parts.flat());
}

describe("scoreBody equals the reference evaluator", () => {
  it("on every node: status, source, value, computed, counts, contributions, gates, missing inputs and issues", () => {
    fc.assert(
      fc.property(scoredArb, ({ drawn, body }) => {
        const rubric = parseRubric(drawn.doc);
        expectMatches(scoreBody(rubric, body), referenceScore(drawn.doc, body), JSON.stringify(body));
      }),
    );
  });

  it("under a caller's weight vector (zeros take a child out), given as an array or as a WeightVector", () => {
    fc.assert(
      fc.property(
        rubricArb.chain((drawn) => fc.tuple(fc.constant(drawn), bodyArb(drawn), weightsArb(drawn))),
        ([drawn, body, weights]) => {
          const rubric = parseRubric(drawn.doc);
          const ref = referenceScore(drawn.doc, body, weights);
          expectMatches(scoreBody(rubric, body, { weights }), ref, `weights ${weights}`);
          expectMatches(scoreBody(rubric, body, { weights: createWeights(rubric, weights) }), ref, `WeightVector ${weights}`);
        },
      ),
      { numRuns: runs(150) },
    );
  });
});

describe("consistency warnings at the edge of the inputs' precision", () => {
  it("a node given its computed value rounded to d decimals, ± a few units: warned exactly when the reference says", () => {
    fc.assert(
      fc.property(
        rubricArb.chain((drawn) => fc.tuple(fc.constant(drawn), bodyArb(drawn, { clean: true }), fc.nat(), fc.integer({ min: 1, max: 6 }), fc.integer({ min: -3, max: 3 }))),
        ([drawn, body, pick, d, k]) => {
          const rubric = parseRubric(drawn.doc);
          const base = scoreBody(rubric, body);
          const candidates = base.nodes.filter((n) => n.status === "scored" && (n.source === "children" || n.source === "observations"));
          if (candidates.length === 0) return;
          const target = candidates[pick % candidates.length]!;
          const units = Math.round(target.value! * 10 ** d) + k;
          if (units < 0 || units > 10 ** d) return;
          const alias = drawn.nodes.find((n) => n.code === target.code)!.alias;
          const values = Object.fromEntries(Object.entries(body.values).filter(([key]) => key !== target.code && key !== alias));
          const over = { values: { ...values, [target.code]: (units / 10 ** d).toFixed(d) }, observations: body.observations };
          expectMatches(scoreBody(rubric, over), referenceScore(drawn.doc, over), `${target.code} = ${over.values[target.code]}`);
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe("the frame kernel through BodyScorer equals the reference evaluator", () => {
  it("statuses and values in the frame, with a scorer reused from one body to the next", () => {
    fc.assert(
      fc.property(
        rubricArb.chain((drawn) => fc.tuple(fc.constant(drawn), bodyArb(drawn), bodyArb(drawn), fc.boolean())),
        ([drawn, first, second, explain]) => {
          const rubric = parseRubric(drawn.doc);
          const scorer = new BodyScorer(rubric, { explain });
          scoreByFrame(rubric, scorer, first);
          expectFrameMatches(rubric, scorer, referenceScore(drawn.doc, first), "first body");
          // The same scorer for the next body: nothing of the first may leak into it.
          scoreByFrame(rubric, scorer, second);
          const ref = referenceScore(drawn.doc, second);
          expectFrameMatches(rubric, scorer, ref, "second body");
          if (explain) expectMatches(scorer.result({}, scoreBody(rubric, second).issues), ref, "second body explained");
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it("with a weight vector, reused across bodies", () => {
    fc.assert(
      fc.property(
        rubricArb.chain((drawn) => fc.tuple(fc.constant(drawn), bodyArb(drawn), bodyArb(drawn), weightsArb(drawn))),
        ([drawn, first, second, weights]) => {
          const rubric = parseRubric(drawn.doc);
          const scorer = new BodyScorer(rubric, { weights: createWeights(rubric, weights) });
          for (const body of [first, second]) {
            scoreByFrame(rubric, scorer, body);
            expectFrameMatches(rubric, scorer, referenceScore(drawn.doc, body, weights), `weights ${weights}`);
          }
        },
      ),
      { numRuns: runs(100) },
    );
  });
});
