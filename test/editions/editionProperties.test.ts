import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EDITIONS, loadEdition, scoreBody, type CompiledRubric, type RawValue } from "../../src/index.js";
import { runs } from "../propertyRuns.js";

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 20190, numRuns: runs(150) });

/** A random value on each leaf's own scale (binary 0/1, counts 0..max, scores in [0, 1]). */
function leafArb(rubric: CompiledRubric, code: string): fc.Arbitrary<number> {
  const input = rubric.nodes[rubric.index.get(code)!]!.input!;
  if (input.type === "binary") return fc.constantFrom(0, 1);
  if (input.type === "count") return fc.integer({ min: 0, max: input.max });
  return fc.double({ min: 0, max: 1, noNaN: true });
}

describe.each(EDITIONS)("the %s rubric, with its gate, counts and observations", (edition) => {
  const rubric = loadEdition(edition);
  const direct = rubric.nodes.filter((n) => n.input && !n.input.observations).map((n) => n.code);
  const observed = rubric.observationSets.map((s) => ({ id: s.id, leaves: [...s.leaves].map((i) => rubric.nodes[i]!.code) }));
  const bodyArb = fc.record({
    values: fc.record(Object.fromEntries(direct.map((c) => [c, leafArb(rubric, c)]))),
    observations: fc.record(
      Object.fromEntries(observed.map((s) => [s.id, fc.array(fc.record(Object.fromEntries(s.leaves.map((l) => [l, fc.constantFrom(0, 1)]))), { maxLength: 6 })])),
    ),
  });
  const score = (b: { values: Record<string, RawValue>; observations: Record<string, Record<string, RawValue>[]> }) => scoreBody(rubric, b);

  it("keeps every scored node in [0, 1] and the two views' mean equal to the index", () => {
    fc.assert(
      fc.property(bodyArb, (b) => {
        const s = score(b);
        for (const n of s.nodes) if (n.status === "scored") expect(n.value! >= 0 && n.value! <= 1).toBe(true);
        const at = (c: string) => s.nodes[rubric.index.get(c)!]!;
        if (s.status === "scored") expect((at("gobierno").value! + at("ciudadano").value!) / 2).toBeCloseTo(s.value!, 12);
      }),
    );
  });

  it("never lowers a node when one leaf is raised on its own scale (the pg.mec gate included)", () => {
    fc.assert(
      fc.property(bodyArb, fc.constantFrom(...direct), (b, leaf) => {
        const input = rubric.nodes[rubric.index.get(leaf)!]!.input!;
        const top = input.type === "count" ? input.max : 1;
        const raised = { ...b, values: { ...b.values, [leaf]: top } };
        const before = score(b).nodes;
        score(raised).nodes.forEach((n, i) => {
          if (before[i]!.status === "scored" && n.status === "scored") expect(n.value!).toBeGreaterThanOrEqual(before[i]!.value! - 1e-12);
        });
      }),
    );
  });
});
