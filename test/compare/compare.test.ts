import { describe, expect, it } from "vitest";
import {
  compareEditions,
  compareGroupMeans,
  compareGroups,
  compareScores,
  loadCrosswalk,
  loadEdition,
  parseCrosswalk,
  parseRubric,
  scoreBody,
  tidyComparison,
  wideComparison,
  wideGroups,
  aggregate,
  type BodyInput,
  type BodyScore,
} from "../../src/index.js";
import { frozen, leaf, node, rubricDoc } from "../helpers.js";

const r17 = loadEdition("2017");
const r19 = loadEdition("2019");

/** B000032 of the bundled samples, written out: 2017 row and requests, 2019 row and requests (no request records). */
const B32_2017: BodyInput = {
  id: "B000032",
  fields: { name: "Contaduría Mayor de Nuevo León", state: "Nuevo León" },
  values: { "tg.ai": "0.9190", "tg.tr": "0.9134", "tg.tp": "0", "tg.da": "0", "pg.mec": "0", "pg.act": "0", "pg.fun": "0", "pg.form": "0", "pg.seg": "0", "pc.met": "2", "pc.recep": "0", "pc.act": "0", "pc.cel": "0" },
  observations: {
    citizen_requests: [
      { "tc.disp": 1, "tc.clar": 1, "tc.comp": 1, "tc.cel": 0 },
      { "tc.disp": 1, "tc.clar": 1, "tc.comp": 1, "tc.cel": 1 },
      { "tc.disp": 1, "tc.clar": 0, "tc.comp": 1, "tc.cel": 1 },
      { "tc.disp": 1, "tc.clar": 1, "tc.comp": 1, "tc.cel": 1 },
    ],
  },
};
const B32_2019: BodyInput = {
  id: "B000032",
  fields: { name: "Contaduría Mayor de Nuevo León", state: "Nuevo León" },
  values: { "tg.ta": "0.8970", "tg.tp": "0.8254", "tg.da": "0", "pg.mec": "0", "pg.act": "0", "pg.fun": "0", "pg.form": "0", "pg.seg": "0", "pc.met": "3", "pc.recep": "0", "pc.act": "0", "pc.cel": "0" },
  observations: {
    citizen_requests: [
      { "tc.disp": 1, "tc.clar": 0, "tc.comp": 0, "tc.cel": 1 },
      { "tc.disp": 1, "tc.clar": 0, "tc.comp": 1, "tc.cel": 0 },
      { "tc.disp": 1, "tc.clar": 1, "tc.comp": 1, "tc.cel": 1 },
      { "tc.disp": 0, "tc.clar": 0, "tc.comp": 0, "tc.cel": 0 },
    ],
  },
};

describe("compareScores: the two-factor attribution, by hand (docs/compare.md's worked example)", () => {
  const c = compareScores({ rubric: r17, scores: [scoreBody(r17, frozen(B32_2017))] }, { rubric: r19, scores: [scoreBody(r19, frozen(B32_2019))] });
  const b = c.bodies[0]!;
  const effect = (code: string) => b.attribution!.components.find((x) => x.code === code)!;

  it("splits B000032's change over the 17 components named by their 2019 codes", () => {
    expect(c.method).toBe("two_factor");
    expect(c.components.map((x) => x.label)).toEqual(["tg.ai", "tg.tr → tg.ta", "tg.tp", "tg.da", "tc.disp", "tc.clar", "tc.comp", "tc.cel", "pg.mec", "pg.act", "pg.fun", "pg.form", "pg.seg", "pc.met", "pc.recep", "pc.act", "pc.cel"]);
    // iga 2017 = (0.64218 + 0.875)/4 + (0 + 0.2·2/3)/4; iga 2019 = (0.68896 + 0.5)/4 + (0 + 0.2)/4.
    expect(b.from).toBeCloseTo((0.64218 + 0.875 + 0 + 0.2 * (2 / 3)) / 4, 14);
    expect(b.to).toBeCloseTo((0.68896 + 0.5 + 0 + 0.2) / 4, 14);
    expect(b.diff).toBeCloseTo(-0.065388333333333333, 14);
  });

  it("gives tg.ai, not applicable in 2019 (no request records), a pure weight effect: (0 − 0.125) × 0.919", () => {
    expect(effect("tg.ai").weight).toBeCloseTo(-0.114875, 15);
    expect(effect("tg.ai").value).toBe(0);
  });

  it("gives tg.ta and tg.tp the weight tg.ai left (shares 0.05 → 0.1) and their value changes at the mean share 0.075", () => {
    expect(effect("tg.ta").weight).toBeCloseTo(0.05 * ((0.9134 + 0.897) / 2), 15); // 0.04526
    expect(effect("tg.ta").value).toBeCloseTo(0.075 * (0.897 - 0.9134), 15); // −0.00123
    expect(effect("tg.tp").weight).toBeCloseTo(0.05 * (0.8254 / 2), 15); // 0.020635
    expect(effect("tg.tp").value).toBeCloseTo(0.075 * 0.8254, 15); // 0.061905
    expect(effect("tg.da").total).toBe(0);
  });

  it("gives the citizen-side components value effects at their unchanged share 1/16, and pc.met one at 0.05", () => {
    expect(effect("tc.disp").value).toBeCloseTo(0.0625 * (0.75 - 1), 15);
    expect(effect("tc.clar").value).toBeCloseTo(0.0625 * (0.25 - 0.75), 15);
    expect(effect("tc.comp").value).toBeCloseTo(0.0625 * (0.5 - 1), 15);
    expect(effect("tc.cel").value).toBeCloseTo(0.0625 * (0.5 - 0.75), 15);
    for (const code of ["tc.disp", "tc.clar", "tc.comp", "tc.cel", "pc.met"]) expect(effect(code).weight).toBe(0);
    expect(effect("pc.met").value).toBeCloseTo(0.05 * (1 - 2 / 3), 15);
    for (const code of ["pg.mec", "pg.act", "pg.fun", "pg.form", "pg.seg", "pc.recep", "pc.act", "pc.cel"]) expect(effect(code).total).toBe(0);
    expect([b.attribution!.onlyFrom, b.attribution!.onlyTo]).toEqual([0, 0]);
  });

  it("says which assumed mappings the row relies on, and carries both values of every crosswalked node", () => {
    expect(b.assumed).toEqual(["tg.ai", "tg.tr → tg.ta"]);
    expect(b.nodes.map((n) => n.to)).toEqual(c.pairs.map((p) => p.to));
    expect(b.nodes.find((n) => n.to === "tg.ta")).toMatchObject({ from: "tg.tr", valueFrom: 0.9134, valueTo: 0.897 });
    expect(b.nodes.find((n) => n.to === "tg.ai")).toMatchObject({ statusFrom: "scored", statusTo: "not_applicable", valueTo: null, diff: null });
    expect(c.pairs.find((p) => p.to === "gobierno")).toMatchObject({ view: "perspectiva" });
  });
});

/** An independent Shapley oracle: the mean marginal contribution over every order of the players. */
function shapleyByPermutations(players: number, v: (inCoalition: (p: number) => boolean) => number): number[] {
  const phi = new Array<number>(players).fill(0);
  let count = 0;
  const permute = (order: number[], rest: number[]) => {
    if (rest.length === 0) {
      const coalition = new Set<number>();
      let before = v((p) => coalition.has(p));
      for (const p of order) {
        coalition.add(p);
        const after = v((q) => coalition.has(q));
        phi[p]! += after - before;
        before = after;
      }
      count++;
      return;
    }
    rest.forEach((p, i) => permute([...order, p], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], Array.from({ length: players }, (_, i) => i));
  return phi.map((x) => x / count);
}

describe("compareScores: Shapley values where a rule is not arithmetic", () => {
  // idx = weighted geometric mean of a, b, c. From: weights 1, 1, 1 but c weighted 0 by a
  // sensitivity vector and missing; to: weights 3, 1, 1.
  const doc = (id: string, w: [number, number, number]) =>
    rubricDoc([node("idx", [["a", w[0]], ["b", w[1]], ["c", w[2]]], { rule: "geometric", normalize: true }), leaf("a", { type: "score" }), leaf("b", { type: "score" }), leaf("c", { type: "score" })], { id });
  const from = parseRubric(doc("ra", [1, 1, 1]));
  const to = parseRubric(doc("rb", [3, 1, 1]));
  const crosswalk = parseCrosswalk({
    schemaVersion: 1,
    from: { id: "ra", version: "1.0.0" },
    to: { id: "rb", version: "1.0.0" },
    mappings: ["idx", "a", "b", "c"].map((code) => ({ from: code, to: code, relation: "same", note: "same", provenance: { status: "verified", source: "test" } })),
  });
  const a = scoreBody(from, { id: "X", values: { a: 0.25, b: 1 } }, { weights: [1, 1, 0] });
  const b = scoreBody(to, { id: "X", values: { a: 0.5, b: 0.81, c: 0.64 } });
  const c = compareScores({ rubric: from, scores: [a] }, { rubric: to, scores: [b] }, { crosswalk });

  it("equal the mean marginal contributions over all 720 orders of the six players (weight and value of a, b, c)", () => {
    expect(a.value).toBeCloseTo(0.5, 15);
    expect(c.method).toBe("shapley");
    // Players 2k (weight of component k) and 2k + 1 (its value), k = a, b, c. A value missing on
    // one side takes the other side's (c is missing under `from`).
    const oracle = shapleyByPermutations(6, (has) => {
      const w = [has(0) ? 3 : 1, 1, has(4) ? 1 : 0];
      const x = [has(1) ? 0.5 : 0.25, has(3) ? 0.81 : 1, 0.64];
      let num = 0;
      let den = 0;
      for (let k = 0; k < 3; k++) {
        if (w[k] === 0) continue;
        num += w[k]! * Math.log(x[k]!);
        den += w[k]!;
      }
      return Math.exp(num / den);
    });
    const got = c.bodies[0]!.attribution!.components.flatMap((e) => [e.weight, e.value]);
    got.forEach((g, i) => expect(g).toBeCloseTo(oracle[i]!, 13));
    expect(got[5]).toBe(0); // c's value is the same on both sides once substituted
    expect(got.reduce((s, x) => s + x, 0)).toBeCloseTo(c.bodies[0]!.diff!, 13);
  });
});

describe("compareEditions on the shipped editions", () => {
  it("2017 → 2019: the same data scores the same, since 2019's rubric carries the 2017 weights over", () => {
    const c = compareEditions([frozen(B32_2017)], r17, r19);
    const b = c.bodies[0]!;
    expect(b.diff).toBe(0);
    expect(b.bridged).toEqual([]);
    expect(b.assumed).toEqual(["tg.ai", "tg.tr → tg.ta"]);
    expect(b.nodes.find((n) => n.to === "tg.ta")).toMatchObject({ valueFrom: 0.9134, valueTo: 0.9134 });
  });

  it("2019 → 2017 (the crosswalk reversed): 2017's tg.ai takes 2019's value from the request records, or not applicable", () => {
    const withRecords: BodyInput = {
      ...B32_2019,
      observations: { ...B32_2019.observations, request_records: [{ "tg.ai.respuesta": 1, "tg.ai.plazo": 1, "tg.ai.prorroga": 0 }, { "tg.ai.respuesta": 1, "tg.ai.plazo": 0, "tg.ai.prorroga": 1 }] },
    };
    const c = compareEditions([B32_2019, withRecords].map((x, i) => ({ ...x, id: `B${i}` })), r19, r17);
    expect(c.root).toEqual({ from: "iga", to: "iga" });
    expect(c.components.find((x) => x.code === "tg.tr")).toMatchObject({ from: "tg.ta", label: "tg.ta → tg.tr" });
    const [none, some] = c.bodies;
    expect(none!.bridged).toEqual(["tg.ai"]);
    expect(none!.nodes.find((n) => n.to === "tg.ai")).toMatchObject({ statusFrom: "not_applicable", statusTo: "not_applicable" });
    expect(some!.nodes.find((n) => n.to === "tg.ai")).toMatchObject({ valueFrom: 2 / 3, valueTo: 2 / 3 });
    for (const b of c.bodies) {
      expect(b.diff).toBe(0);
      expect(b.assumed).toEqual(["tg.ai", "tg.ta → tg.tr"]);
    }
    const unbridged = compareEditions([withRecords], r19, r17, { bridge: false }).bodies[0]!;
    expect(unbridged.to).toBeNull();
    expect(unbridged.note).toBe("missing under 2017 (lacks tg.ai)");
    expect(unbridged.attribution).toBeNull();
  });

  it("uses the crosswalk given (either direction), and refuses rubrics no crosswalk joins", () => {
    expect(compareEditions([B32_2017], r17, r19, { crosswalk: loadCrosswalk("2017", "2019") }).bodies[0]!.diff).toBe(0);
    const other = parseRubric(rubricDoc([leaf("x", { type: "score" })], { id: "other" }));
    expect(() => compareEditions([], r17, other)).toThrow(/compareEditions: no built-in crosswalk joins mga-2017@1.0.0 and other@1.0.0, and their node codes differ; pass options.crosswalk/);
    expect(() => compareEditions([], r17, other, { crosswalk: loadCrosswalk("2017", "2019") })).toThrow(/joins mga-2017@1.0.0 and mga-2019@1.0.0, not mga-2017@1.0.0 and other@1.0.0/);
  });

  it("names bodies without an id by position, and gives no bodies for no input", () => {
    const c = compareEditions([{ values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], r17, r19);
    expect(c.bodies.map((b) => [b.id, b.diff, b.rankShift])).toEqual([["#1", 0, 0]]);
    expect(compareEditions([], r17, r19).bodies).toEqual([]);
  });
});

describe("compareScores: joining by id", () => {
  const score = (r: typeof r17, id: string, name: string, tg: number): BodyScore => scoreBody(r, { id, fields: { name, state: "Jalisco" }, values: { TG: tg, TC: 0.5, PG: 0.2, PC: 0.2 } });

  it("lists bodies found on one side only with the reason, and suggests same-named bodies without joining them", () => {
    const c = compareScores(
      { rubric: r17, scores: [score(r17, "A", "Congreso de Jalisco", 0.4), score(r17, "B", "Secretaría de Salud de Jalisco", 0.6)] },
      { rubric: r19, scores: [score(r19, "A", "Congreso de Jalisco", 0.5), score(r19, "B-19", "SECRETARIA  DE SALUD DE JALISCO", 0.7), score(r19, "C", "Otro", 0.1)] },
    );
    expect(c.bodies.map((b) => b.id)).toEqual(["A"]);
    expect(c.bodies[0]!.diff).toBeCloseTo(0.025, 15);
    expect(c.unmatched.map((u) => [u.side, u.id, u.reason, u.suggestions])).toEqual([
      ["from", "B", 'only under 2017: no body with id "B" under 2019', [{ id: "B-19", name: "SECRETARIA  DE SALUD DE JALISCO" }]],
      ["to", "B-19", 'only under 2019: no body with id "B-19" under 2017', [{ id: "B", name: "Secretaría de Salud de Jalisco" }]],
      ["to", "C", 'only under 2019: no body with id "C" under 2017', []],
    ]);
    const wide = wideComparison(c);
    expect(wide.rows.map((r) => r[0])).toEqual(["A", "B", "B-19", "C"]);
    const note = wide.columns.indexOf("note");
    const suggested = wide.columns.indexOf("suggested");
    expect(wide.rows[1]![suggested]).toBe("B-19 (SECRETARIA  DE SALUD DE JALISCO)");
    expect(wide.rows[3]![note]).toBe('only under 2019: no body with id "C" under 2017');
  });

  it("refuses a repeated id, a result without id, and results of another rubric", () => {
    const a = score(r17, "A", "x", 0.4);
    expect(() => compareScores({ rubric: r17, scores: [a, a] }, { rubric: r19, scores: [] })).toThrow('compareScores: id "A" appears twice in the from results');
    expect(() => compareScores({ rubric: r17, scores: [scoreBody(r17, {})] }, { rubric: r19, scores: [] })).toThrow("compareScores: from result 0 has no id");
    expect(() => compareScores({ rubric: r17, scores: [a] }, { rubric: r19, scores: [score(r17, "A", "x", 0.4)] })).toThrow(/the to result of "A" comes from mga-2017@1.0.0, not from the to rubric mga-2019@1.0.0/);
  });
});

describe("groups and tables", () => {
  const bodies = (r: typeof r17, shift: number) =>
    ["Jalisco", "Jalisco", "Colima", "Colima", "Colima", "Nayarit"].map((state, i) =>
      scoreBody(r, { id: `B${i}`, fields: { state, type: i % 2 ? "Municipio" : "Partido" }, values: { TG: (i + 1) / 10 + shift, TC: 0.5, PG: i === 5 ? null : 0.2, PC: 0.2 } }),
    );
  const c = compareScores({ rubric: r17, scores: bodies(r17, 0) }, { rubric: r19, scores: bodies(r19, 0.1) }, { by: ["state"] });

  it("groups over the bodies scored under both, with counts per side, and mean attributions that sum to the difference", () => {
    const t = c.groups!;
    expect(t.paired).toBe(true);
    expect(t.groups.map((g) => [g.key[0], g.bodies, g.n, g.nFrom, g.nTo])).toEqual([
      ["Jalisco", 2, 2, 2, 2],
      ["Colima", 3, 3, 3, 3],
      ["Nayarit", 1, 0, 0, 0],
    ]);
    // Colima: TG 0.3, 0.4, 0.5 → mean iga (0.4 + 0.5 + 0.2 + 0.2)/4 = 0.325 in 2017, + 0.1/4 in 2019.
    expect(t.groups[1]!.from).toBeCloseTo(0.325, 15);
    expect(t.groups[1]!.diff).toBeCloseTo(0.025, 15);
    expect(t.groups[1]!.attribution!.components.reduce((s, x) => s + x.total, 0)).toBeCloseTo(0.025, 15);
    expect(t.groups.map((g) => [g.rankFrom, g.rankTo, g.rankShift])).toEqual([[2, 2, 0], [1, 1, 0], [null, null, null]]);
    expect(t.groups[2]!.attribution).toBeNull();
    expect(compareGroups(c, ["state"], { order: "key" }).groups.map((g) => g.stateCode)).toEqual(["06", "14", "18"]);
  });

  it("compares each side's own group means when the bodies differ (compareGroupMeans), as aggregate computes them", () => {
    const t = compareGroupMeans({ rubric: r17, scores: bodies(r17, 0) }, { rubric: r19, scores: bodies(r19, 0.1).slice(0, 4) }, ["state"]);
    expect(t.paired).toBe(false);
    const agg = aggregate(bodies(r17, 0), { by: ["state"] });
    expect(t.groups.map((g) => g.from)).toEqual(agg.groups.map((g) => g.nodes[0]!.mean));
    expect(t.groups.map((g) => [g.key[0], g.nFrom, g.nTo, g.to === null])).toEqual([
      ["Jalisco", 2, 2, false],
      ["Colima", 3, 2, false],
      ["Nayarit", 0, 0, true],
    ]);
    expect(t.groups.every((g) => g.attribution === null && g.assumed.join() === "tg.ai,tg.tr → tg.ta")).toBe(true);
    expect(wideGroups(c, t).columns).toEqual(["state", "state_code", "n_from", "n_to", "iga_from", "iga_to", "diff", "rank_from", "rank_to", "rank_shift", "assumed"]);
  });

  it("tidy records: one per unit × crosswalked node × edition, ranked within node and edition", () => {
    const tidy = tidyComparison(c);
    expect(tidy.length).toBe(c.bodies.length * c.pairs.length * 2);
    const iga19 = tidy.filter((r) => r.node === "iga" && r.edition === "2019");
    expect(iga19.map((r) => [r.unit, r.rank, r.status])).toEqual([
      ["B0", 5, "scored"],
      ["B1", 4, "scored"],
      ["B2", 3, "scored"],
      ["B3", 2, "scored"],
      ["B4", 1, "scored"],
      ["B5", null, "missing"],
    ]);
    expect(tidy.find((r) => r.node === "tg.ta" && r.side === "from")).toMatchObject({ code: "tg.tr", edition: "2017" });
    const groups = tidyComparison(c, c.groups);
    expect(groups.filter((r) => r.kind === "group" && r.node === "iga").map((r) => [r.unit, r.side, r.rank])).toEqual([
      ["Jalisco", "from", 2],
      ["Jalisco", "to", 2],
      ["Colima", "from", 1],
      ["Colima", "to", 1],
      ["Nayarit", "from", null],
      ["Nayarit", "to", null],
    ]);
  });

  it("the wide table has the columns the CLI writes: id, iga_from, iga_to, diff, ranks, attr:<to code>, only parts, assumed", () => {
    const w = wideComparison(c);
    expect(w.columns.slice(0, 10)).toEqual(["id", "state", "type", "iga_from", "iga_to", "diff", "rank_from", "rank_to", "rank_shift", "attr:tg.ai"]);
    expect(w.columns).toContain("attr:tg.ta");
    expect(w.columns).toContain("attr:only_from");
    expect(w.columns).toContain("attr:only_to");
    expect(w.columns).toContain("assumed");
    expect(w.columns).toContain("tg.ta_from");
    expect(w.rows[5]![w.columns.indexOf("note")]).toBe("missing under 2017 (lacks pg.mec, pg.act, pg.fun, pg.form, ...); missing under 2019 (lacks pg.mec, pg.act, pg.fun, pg.form, ...)");
  });
});
