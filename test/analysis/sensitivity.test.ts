import { describe, expect, it } from "vitest";
import { sensitivity, sobol, type SobolFactor } from "../../src/analysis/index.js";
import { loadEdition, parseRubric, scoreBody, type CompiledRubric, type RubricDocument } from "../../src/index.js";
import { sample2019 } from "./sample2019.js";

const rubric = loadEdition("2019");
const bodies = sample2019(40);

/** Edge position of parent → child (node order, then child order). */
function edgeOf(r: CompiledRubric, parent: string, child: string): number {
  let e = 0;
  for (const n of r.nodes) {
    for (const c of n.children) {
      if (n.code === parent && c.code === child) return e;
      e++;
    }
  }
  throw new Error(`no edge ${parent}>${child}`);
}

describe("sensitivity of a rubric", () => {
  it("equals sobol over a hand-written model that scores each point with scoreBody on a variant of the document", () => {
    const few = bodies.slice(0, 15);
    const spec = { n: 32, seed: 5, factors: "node" as const, bodies: "score" as const, groups: "none" as const, rules: [{ node: "p", options: ["arithmetic", "geometric"] as ("arithmetic" | "geometric")[] }] };
    const r = sensitivity({ rubric, bodies: few }, spec);
    // The same factors, built by hand: each varying weight uniform in w(1 ± h) by its provenance,
    // then the rule of p as a discrete factor.
    const h = { verified: 0.1, inferred: 0.25, assumed: 0.5 };
    const columns: SobolFactor[] = [];
    const edges: number[] = [];
    const groups: { name: string; factors: string[] }[] = [];
    for (const n of rubric.nodes) {
      if (n.view !== undefined || n.children.length < 2) continue;
      for (const c of n.children) {
        const name = `weight:${n.code}>${c.code}`;
        const w = c.weight;
        columns.push({ name, min: w * (1 - h[c.provenance.status]), max: w * (1 + h[c.provenance.status]) });
        edges.push(edgeOf(rubric, n.code, c.code));
        let g = groups.find((x) => x.name === `weights:${n.code}`);
        if (!g) groups.push((g = { name: `weights:${n.code}`, factors: [] }));
        g.factors.push(name);
      }
    }
    columns.push({ name: "rule:p", sample: (u) => Math.floor(u * 2) });
    groups.push({ name: "rule:p", factors: ["rule:p"] });
    const doc = JSON.parse(JSON.stringify(rubric.document)) as RubricDocument & { nodes: { code: string; rule?: string }[] };
    doc.nodes.find((n) => n.code === "p")!.rule = "geometric";
    const geometric = parseRubric(doc);
    const nominal = rubric.nodes.flatMap((n) => n.children.map((c) => c.weight));
    const m = few.length + 1;
    const model = {
      outputs: m,
      evaluate(x: Float64Array, out: Float64Array) {
        const w = [...nominal];
        edges.forEach((e, i) => (w[e] = x[i]!));
        const variant = x[columns.length - 1] === 1 ? geometric : rubric;
        const values = few.map((b) => scoreBody(variant, b, { weights: w }).value ?? Number.NaN);
        values.forEach((v, b) => (out[b] = Number.isNaN(v) ? 0 : v));
        const scored = values.filter((v) => !Number.isNaN(v));
        out[m - 1] = scored.reduce((a, b) => a + b, 0) / scored.length;
      },
    };
    const want = sobol({ factors: columns, groups, model, n: 32, seed: 5, bootstrap: 0 });
    expect(r.factors.map((f) => f.name)).toEqual(want.factors);
    const unscored = new Set(few.filter((b) => scoreBody(rubric, b).value === null).map((b) => b.id));
    const kept = few.map((b, i) => ({ id: b.id!, i })).filter((b) => !unscored.has(b.id));
    expect(r.outputs.map((o) => o.key)).toEqual([...kept.map((b) => b.id), "national"]);
    r.outputs.forEach((o, j) => {
      const w = want.outputs[j === r.outputs.length - 1 ? m - 1 : kept[j]!.i]!;
      expect(Math.abs(o.variance - w.variance)).toBeLessThanOrEqual(1e-12);
      o.first.forEach((s, f) => (s === null ? expect(w.first[f]).toBeNull() : expect(Math.abs(s - w.first[f]!)).toBeLessThan(1e-6)));
      o.total.forEach((s, f) => (s === null ? expect(w.total[f]).toBeNull() : expect(Math.abs(s - w.total[f]!)).toBeLessThan(1e-6)));
    });
  });

  it("one factor alone carries all the variance: first-order and total indices near 1", () => {
    const r = sensitivity({ rubric, bodies, by: ["level"] }, { n: 512, seed: 2, weights: { verified: 0, inferred: 0, assumed: 0.5 } });
    expect(r.factors.map((f) => f.name)).toEqual(["weights:assumed"]);
    const national = r.outputs.find((o) => o.kind === "national")!;
    expect(Math.abs(national.first[0]! - 1)).toBeLessThan(0.1);
    expect(Math.abs(national.total[0]! - 1)).toBeLessThan(0.1);
    expect(r.summary.map((x) => x.outputs)).toEqual(["bodies", "level"]);
  });

  it("groups weights by provenance, by node or one by one; a switch and the inputs are factors of their own", () => {
    const spec = { n: 8, noObservations: [{ set: "request_records", options: ["not_applicable", "zero"] as ("not_applicable" | "zero")[] }], inputs: { relative: 0.1, realizations: 3 } };
    const byStatus = sensitivity({ rubric, bodies: bodies.slice(0, 10) }, spec);
    expect(byStatus.factors.map((f) => [f.name, f.kind, f.members.length])).toEqual([
      ["weights:verified", "weights", 6],
      ["weights:assumed", "weights", 17],
      ["weights:inferred", "weights", 3],
      ["noObservations:request_records", "switch", 2],
      ["inputs", "inputs", 1],
    ]);
    expect(byStatus.evaluations).toBe(8 * 7);
    const byNode = sensitivity({ rubric, bodies: bodies.slice(0, 10) }, { ...spec, factors: "node" });
    expect(byNode.factors.map((f) => f.name).slice(0, 8)).toEqual(["weights:iga", "weights:t", "weights:tg", "weights:tg.ai", "weights:tc", "weights:p", "weights:pg", "weights:pc"]);
    const byEdge = sensitivity({ rubric, bodies: bodies.slice(0, 10) }, { ...spec, factors: "edge" });
    expect(byEdge.factors).toHaveLength(26 + 2);
  });

  it("the same seed gives the same bytes, another seed other bytes", () => {
    const run = (seed: number) => JSON.stringify(sensitivity({ rubric, bodies: bodies.slice(0, 15), by: ["type"] }, { n: 32, seed, bootstrap: 20, rules: [{ node: "iga", options: ["arithmetic", "minimum"] }] }));
    const a = run(8);
    expect(run(8)).toBe(a);
    expect(run(9)).not.toBe(a);
  });

  it("refuses a run where nothing varies, and unknown ids", () => {
    expect(() => sensitivity({ rubric, bodies }, { weights: { verified: 0, inferred: 0, assumed: 0 } })).toThrow(/^sensitivity: nothing varies/);
    expect(() => sensitivity({ rubric, bodies }, { ids: ["nope"] })).toThrow(/^sensitivity: ids: no body "nope"/);
  });

  it("ranks by default: a body's rank output, and only the ids asked for", () => {
    const ids = [bodies[0]!.id!, bodies[3]!.id!];
    const r = sensitivity({ rubric, bodies, by: ["state"] }, { n: 16, ids, groups: "rank" });
    expect(r.outputs.filter((o) => o.kind === "body").map((o) => [o.key, o.measure])).toEqual(ids.map((id) => [id, "rank"]));
    expect(r.outputs.filter((o) => o.kind === "group").every((o) => o.measure === "rank" && o.by === "state")).toBe(true);
    for (const o of r.outputs.filter((x) => x.kind === "body")) expect(Number.isInteger(o.mean * 32)).toBe(true); // mean of 32 integer ranks
  });
});
