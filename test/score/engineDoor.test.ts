/**
 * The engine door's building blocks on their own: the observation store (its checks, its growth
 * past 64 bodies, its bookkeeping), checked weight vectors and their scaling by powers of two, the
 * body scorer's codes and explanations, and the frame's reset. Messages are checked whole: callers
 * see them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BodyScorer,
  createFrame,
  createReadSlot,
  evaluateFrame,
  giveInput,
  GIVEN_TWICE,
  MAX_WEIGHT_RATIO,
  ObservationStore,
  READ_NOT_BINARY,
  READ_OK,
  resetFrame,
  STATUS_MISSING,
  STATUS_NOT_APPLICABLE,
  STATUS_SCORED,
  VALUE_PRESENT,
} from "../../src/engine/index.js";
import { createWeights, loadEdition, parseRubric, scoreBody, WeightVector } from "../../src/index.js";
import { binaryExponent, kernelWeights } from "../../src/score/weights.js";
import { leaf, node, rubricDoc } from "../helpers.js";

const SET = { label: { es: "s", en: "s" }, provenance: { status: "verified", source: "test" } } as const;

/** root = mean of x (per request, binary), y (per request, count of 4) and z (per record, score), and w (direct). */
const observed = () =>
  parseRubric(
    rubricDoc(
      [
        node("root", [["x", 1], ["y", 1], ["z", 1], ["w", 1]], { normalize: true }),
        leaf("x", { type: "binary", observations: { set: "req" } }, { aliases: ["X"] }),
        leaf("y", { type: "count", max: 4, observations: { set: "req" } }, { missing: "zero" }),
        leaf("z", { type: "score", observations: { set: "rec" } }),
        leaf("w", { type: "score" }),
      ],
      { observationSets: [{ id: "req", noObservations: "missing", ...SET }, { id: "rec", noObservations: "not_applicable", ...SET }] },
    ),
  );

describe("ObservationStore", () => {
  it("refuses rows out of order, unknown sets, foreign leaves and a leaf twice in a row, naming each", () => {
    const r = observed();
    const x = r.index.get("x")!;
    const z = r.index.get("z")!;
    const store = new ObservationStore(r);
    expect(() => store.cell(x, 1)).toThrow(new RangeError("ObservationStore.cell: no row begun"));
    expect(() => store.endRow()).toThrow(new RangeError("ObservationStore.endRow: no row begun"));
    expect(() => store.beginRow("A", 2)).toThrow(new RangeError("ObservationStore.beginRow: 2 is not an observation set of test"));
    expect(() => store.beginRow("A", -1)).toThrow(new RangeError("ObservationStore.beginRow: -1 is not an observation set of test"));
    store.beginRow("A", 0);
    expect(() => store.beginRow("A", 0)).toThrow(new RangeError("ObservationStore.beginRow: the previous row was not ended"));
    expect(() => store.cell(z, 1)).toThrow(new RangeError('ObservationStore.cell: "z" is not a leaf of observation set "req"'));
    expect(() => store.cell(r.index.get("w")!, 1)).toThrow(new RangeError('ObservationStore.cell: "w" is not a leaf of observation set "req"'));
    expect(() => store.cell(99, 1)).toThrow(new RangeError('ObservationStore.cell: "99" is not a leaf of observation set "req"'));
    expect(store.cell(x, "1")).toBe(READ_OK);
    expect(() => store.cell(x, "0")).toThrow(new RangeError('ObservationStore.cell: "x" is given twice in one row'));
    store.endRow();
    // The next row may give x again.
    store.beginRow("A", 0);
    expect(store.cell(x, 2)).toBe(READ_NOT_BINARY);
    store.endRow();
    expect([store.setOf(x), store.setOf(z), store.setOf(r.index.get("w")!), store.setOf(0)]).toEqual([0, 1, -1, -1]);
  });

  it("counts scored, missing, not applicable and unreadable observations, and leaves not given in a row as missing", () => {
    const r = observed();
    const [x, y] = [r.index.get("x")!, r.index.get("y")!];
    const store = new ObservationStore(r);
    const rows: [unknown, unknown][] = [[1, 4], ["NA", 2], ["", "3"], [7, undefined], [0, "n/a"]];
    for (const [vx, vy] of rows) {
      store.beginRow("B", 0);
      store.cell(x, vx);
      if (vy !== undefined) store.cell(y, vy);
      store.endRow();
    }
    store.beginRow("B", 0);
    store.endRow();
    const frame = createFrame(r);
    expect(store.load("B", frame)).toBe(true);
    // x: 1 and 0 scored; NA once; "", 7 (not 0/1) and the empty row missing.
    expect([frame.obsSum[x], frame.obsN[x], frame.obsNotApplicable[x], frame.obsMissing[x]]).toEqual([1, 2, 1, 3]);
    // y: 4/4, 2/4, 3/4 scored; n/a once; the rows without y missing (2).
    expect([frame.obsSum[y], frame.obsN[y], frame.obsNotApplicable[y], frame.obsMissing[y]]).toEqual([2.25, 3, 1, 2]);
    expect(Array.from(frame.setCount)).toEqual([6, 0]);
    evaluateFrame(frame);
    // x missing under its default policy; y counts its 2 missing as 0: 2.25 / 5.
    expect([frame.status[x], frame.status[y], frame.value[y]]).toEqual([STATUS_MISSING, STATUS_SCORED, 0.45]);
    // z: no record at all → the set's policy, not applicable.
    expect(frame.status[r.index.get("z")!]).toBe(STATUS_NOT_APPLICABLE);
  });

  it("grows past 64 bodies without mixing them up, and reports the bodies no one loaded", () => {
    const r = observed();
    const [x, y, z] = ["x", "y", "z"].map((c) => r.index.get(c)!) as [number, number, number];
    const store = new ObservationStore(r);
    const N = 300;
    // Body i has i % 5 + 1 request rows (x = 1 on the first i % 3 of them) and, for odd i, one record of z = i / N.
    for (let i = 0; i < N; i++) {
      for (let j = 0; j <= i % 5; j++) {
        store.beginRow(`body ${i}`, 0);
        store.cell(x, j < i % 3 ? 1 : 0);
        store.cell(y, i % 5);
        store.endRow();
      }
      if (i % 2 === 1) {
        store.beginRow(`body ${i}`, 1);
        store.cell(z, i / N);
        store.endRow();
      }
    }
    expect(store.bodies).toBe(N);
    const frame = createFrame(r);
    for (let i = 0; i < N; i += 3) {
      resetFrame(frame);
      expect(store.load(`body ${i}`, frame)).toBe(true);
      const rows = (i % 5) + 1;
      expect([frame.obsN[x], frame.obsSum[x], frame.obsN[y], frame.obsSum[y]], `body ${i}`).toEqual([rows, Math.min(i % 3, rows), rows, (rows * (i % 5)) / 4]);
      expect([frame.obsN[z], frame.obsSum[z], frame.setCount[0], frame.setCount[1]], `body ${i}`).toEqual(i % 2 === 1 ? [1, i / N, rows, 1] : [0, 0, rows, 0]);
    }
    const unused = store.unused();
    expect(unused.size).toBe(N - N / 3);
    expect(unused.get("body 1")).toBe(3);
    expect(unused.get("body 4")).toBe(5);
    expect(unused.has("body 3")).toBe(false);
  });

  it("load: false and the frame untouched for an unknown body; a TypeError for another rubric's frame", () => {
    const r = observed();
    const store = new ObservationStore(r);
    store.beginRow("A", 0);
    store.endRow();
    const frame = createFrame(r);
    frame.obsN[1] = 7;
    expect(store.load("nobody", frame)).toBe(false);
    expect(frame.obsN[1]).toBe(7);
    expect(store.unused()).toEqual(new Map([["A", 1]]));
    expect(() => store.load("A", createFrame(observed()))).toThrow(new TypeError("ObservationStore.load: the frame scores another rubric"));
    expect(() => new ObservationStore({ ...observed() })).toThrow(new TypeError("ObservationStore: expected a compiled rubric (from parseRubric or loadEdition)"));
  });

  it("a leaf a row leaves out counts missing for that row's body only, whatever the number of bodies", () => {
    const r = observed();
    const [x, y] = [r.index.get("x")!, r.index.get("y")!];
    const store = new ObservationStore(r);
    // Body i gives x in each of its rows and y in none of the first i % 3.
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 3; j++) {
        store.beginRow(`b${i}`, 0);
        store.cell(x, 1);
        if (j >= i % 3) store.cell(y, 4);
        store.endRow();
      }
    }
    const frame = createFrame(r);
    for (let i = 0; i < 100; i++) {
      resetFrame(frame);
      store.load(`b${i}`, frame);
      expect([frame.obsMissing[x], frame.obsN[x], frame.obsMissing[y], frame.obsN[y]], `b${i}`).toEqual([0, 3, i % 3, 3 - (i % 3)]);
    }
    // Loading writes the leaves' positions and nothing else.
    for (const a of [frame.obsSum, frame.obsN, frame.obsMissing, frame.obsNotApplicable]) expect(Object.keys(a)).toEqual(["0", "1", "2", "3", "4"]);
  });
});

describe("WeightVector", () => {
  const rubric = () => parseRubric(rubricDoc([node("root", [["a", 0.25], ["b", 0.75]]), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));

  it("get, set and toArray; set checks first and rescales", () => {
    const r = rubric();
    const w = createWeights(r);
    expect([w.length, w.get(0), w.get(1)]).toEqual([2, 0.25, 0.75]);
    expect(() => w.get(2)).toThrow(new RangeError("WeightVector.get: edge 2 is outside 0..1"));
    expect(() => w.get(-1)).toThrow(new RangeError("WeightVector.get: edge -1 is outside 0..1"));
    w.set([3, 1]);
    expect(Array.from(w.toArray())).toEqual([3, 1]);
    expect(scoreBody(r, { values: { a: 1, b: 0 } }, { weights: w }).value).toBe(0.75);
    expect(() => w.set([1, -1])).toThrow(new RangeError("WeightVector.set: weight 1 (root → b) must be a finite number ≥ 0, received -1"));
    expect(() => w.set([0, 0])).toThrow(new RangeError('WeightVector.set: the weights under "root" are all 0; at least one must be above 0'));
    expect(() => w.set([1])).toThrow(new RangeError("WeightVector.set: expected 2 weights (one per child edge of test), received 1"));
    expect(Array.from(w.toArray())).toEqual([3, 1]);
    expect(w).toBeInstanceOf(WeightVector);
  });

  it("refuses what is not an array of weights, and weights more than 1e300 apart, by name", () => {
    const r = rubric();
    expect(() => createWeights(r, null as unknown as number[])).toThrow(new TypeError("createWeights: expected an array of 2 weights"));
    expect(() => createWeights(r, 5 as unknown as number[])).toThrow(new TypeError("createWeights: expected an array of 2 weights"));
    expect(() => createWeights(r, { length: "2" } as unknown as number[])).toThrow(TypeError);
    // Strings and functions have a length too, but are not arrays of weights.
    expect(() => createWeights(r, "12" as unknown as number[])).toThrow(new TypeError("createWeights: expected an array of 2 weights"));
    expect(() => createWeights(r, ((a: number, b: number) => a + b) as unknown as number[])).toThrow(new TypeError("createWeights: expected an array of 2 weights"));
    expect(() => createWeights(r, ["1", 1] as unknown as number[])).toThrow(new RangeError('createWeights: weight 0 (root → a) must be a finite number ≥ 0, received 1'));
    expect(MAX_WEIGHT_RATIO).toBe(1e300);
    expect(createWeights(r, [1e300, 1]).get(0)).toBe(1e300);
    expect(createWeights(r, [0, 1e-300]).get(1)).toBe(1e-300);
    expect(() => createWeights(r, [2e300, 1])).toThrow(new RangeError('createWeights: the weights under "root" differ by a factor above 1e+300 (1 to 2e+300)'));
    expect(() => createWeights(r, [1, 2e300])).toThrow(new RangeError('createWeights: the weights under "root" differ by a factor above 1e+300 (1 to 2e+300)'));
    // The ratio, not the product: huge equal weights are fine, tiny and huge ones are not.
    expect(createWeights(r, [1e200, 1e200]).get(1)).toBe(1e200);
    expect(() => createWeights(r, [1e-200, 1e150])).toThrow(/differ by a factor above 1e\+300/);
    expect(() => createWeights({ ...r }, [1, 1])).toThrow(new TypeError("createWeights: expected a compiled rubric (from parseRubric or loadEdition)"));
    const stray = new WeightVector({ ...r }, new Float64Array([1, 1]), new Float64Array([1, 1]));
    expect(() => stray.set([1, 1])).toThrow(new TypeError("WeightVector.set: expected a compiled rubric (from parseRubric or loadEdition)"));
    // A zero does not count as the smallest weight.
    expect(scoreBody(r, { values: { a: 1, b: 0.5 } }, { weights: [0, 1e-300] }).value).toBe(0.5);
  });

  it("scales each node's weights by the power of two that brings the largest into [1, 2), exactly", () => {
    const r = loadEdition("2019");
    const edgeParent = r.nodes.flatMap((n) => n.children.map(() => n.index));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-300, max: 1e300, noNaN: true })), { minLength: edgeParent.length, maxLength: edgeParent.length }),
        (raw) => {
          const values = raw.map((w, e) => (edgeParent.findIndex((p) => p === edgeParent[e]) === e ? Math.max(w, 1) : w));
          let vector: WeightVector;
          try {
            vector = createWeights(r, values);
          } catch {
            return; // weights more than 1e300 apart under a node
          }
          const scaled = kernelWeights(vector);
          for (const parent of new Set(edgeParent)) {
            const edges = edgeParent.flatMap((p, e) => (p === parent ? [e] : []));
            const top = Math.max(...edges.map((e) => scaled[e]!));
            expect(top >= 1 && top < 2, `node ${parent}: largest ${top}`).toBe(true);
            const factor = scaled[edges.find((e) => values[e] === Math.max(...edges.map((x) => values[x]!)))!]! / Math.max(...edges.map((x) => values[x]!));
            expect(2 ** Math.round(Math.log2(factor)), "a power of two").toBe(factor);
            for (const e of edges) expect(scaled[e], `edge ${e}`).toBe(values[e]! * factor);
          }
        },
      ),
      { seed: 2, numRuns: 200 },
    );
  });

  it("binaryExponent(x) is floor(log2 x) exactly, subnormals and powers of two included", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1074, max: 1023 }).map((e) => 2 ** e), fc.integer({ min: -1022, max: 1023 }).map((e) => 2 ** e * (1 - 2 ** -53))), (x) => {
        const e = binaryExponent(x);
        expect(2 ** e <= x, `2^${e} <= ${x}`).toBe(true);
        expect(e === 1023 || x < 2 ** (e + 1), `${x} < 2^${e + 1}`).toBe(true);
      }),
      { seed: 3, numRuns: 2000 },
    );
    expect([binaryExponent(5e-324), binaryExponent(1), binaryExponent(1.5), binaryExponent(2), binaryExponent(Number.MAX_VALUE)]).toEqual([-1074, 0, 0, 1, 1023]);
  });
});

describe("BodyScorer and frames", () => {
  const tree = () =>
    parseRubric(rubricDoc([node("root", [["a", 0.5], ["b", 0.5]], { aliases: ["R"] }), leaf("a", { type: "score" }, { aliases: ["A"] }), leaf("b", { type: "binary" })]));

  it("give: READ_OK, a read error code, or GIVEN_TWICE, each explained by issue()", () => {
    const r = tree();
    const s = new BodyScorer(r, { explain: true });
    s.begin();
    const a = r.index.get("a")!;
    expect(s.give(a, "")).toBe(READ_OK);
    expect(s.give(a, "0.5")).toBe(READ_OK);
    expect(s.give(a, "0.25")).toBe(GIVEN_TWICE);
    // A blank after a value gives nothing, so it is not a second value either.
    expect(s.give(a, " ")).toBe(READ_OK);
    expect(s.give(a, null)).toBe(READ_OK);
    expect(s.issue(a, "0.25", GIVEN_TWICE)).toEqual({ code: "duplicate_input", path: "a", message: '"a" is given twice (by code and alias)' });
    const b = r.index.get("b")!;
    expect(s.give(b, "2")).toBe(READ_NOT_BINARY);
    expect(s.issue(b, "2", READ_NOT_BINARY)).toEqual({ code: "not_binary", path: "b", message: '"b" expects 0 or 1, found "2"', expected: "0 or 1", received: '"2"' });
    expect(s.give(b, 1)).toBe(READ_OK);
    s.evaluate();
    const result = s.result({ id: "X", fields: { state: "Jalisco" } }, []);
    expect(result).toMatchObject({ id: "X", fields: { state: "Jalisco" }, value: 0.75, status: "scored" });
    expect(result.nodes.map((n) => n.input)).toEqual([undefined, "0.5", 1]);
    expect(result.nodes[0]!.contributions).toEqual([
      { code: "a", weight: 0.5, share: 0.5, status: "scored", value: 0.5, contribution: 0.25 },
      { code: "b", weight: 0.5, share: 0.5, status: "scored", value: 1, contribution: 0.5 },
    ]);
    // The next body starts clean: nothing given, nothing kept.
    s.begin();
    s.evaluate();
    const empty = s.result({}, []);
    expect([empty.status, empty.value, empty.missingInputs, empty.nodes.map((n) => n.input)]).toEqual(["missing", null, ["a", "b"], [undefined, undefined, undefined]]);
    expect("id" in empty || "fields" in empty).toBe(false);
  });

  it("without explain, results carry shares of 0 and no raw input; with weights, the weights given", () => {
    const r = tree();
    const s = new BodyScorer(r, { weights: createWeights(r, [1, 3]) });
    s.begin();
    s.give(r.index.get("A")!, 0.2);
    s.give(r.index.get("b")!, "1");
    s.evaluate();
    expect(s.frame.share).toBeUndefined();
    const result = s.result({}, []);
    expect(result.value).toBeCloseTo(0.8, 15);
    expect(result.nodes[0]!.contributions!.map((c) => [c.weight, c.share, c.contribution])).toEqual([[1, 0, null], [3, 0, null]]);
    expect(result.nodes[1]!.input).toBeUndefined();
  });

  it("missingInputs skips edges of weight 0, subtrees given directly and gated ones", () => {
    const r = parseRubric(
      rubricDoc([
        node("root", [["m", 0.5], ["g", 0.25], ["t", 0.25]]),
        node("m", [["a", 0.5], ["b", 0.5]]),
        leaf("a", { type: "score" }),
        leaf("b", { type: "score" }),
        leaf("g", { type: "binary" }, { gates: ["t"] }),
        node("t", [["c", 1]]),
        leaf("c", { type: "score" }),
      ]),
    );
    expect(scoreBody(r, {}).missingInputs).toEqual(["a", "b", "g", "c"]);
    expect(scoreBody(r, { values: { m: 0.5, g: 0 } }).missingInputs).toEqual([]);
    // Edges in node order: root → m, g, t; m → a, b; t → c.
    expect(scoreBody(r, { values: { g: 1 } }, { weights: [1, 1, 0, 0, 1, 1] }).missingInputs).toEqual(["b"]);
    expect(scoreBody(r, { values: { g: 1 } }, { weights: [1, 1, 1, 1, 0, 1] }).missingInputs).toEqual(["a", "c"]);
  });

  it("resetFrame clears every input, observations included; createFrame refuses a look-alike rubric", () => {
    const r = observed();
    const frame = createFrame(r);
    frame.inKind.fill(1);
    frame.obsSum.fill(1);
    frame.obsN.fill(1);
    frame.obsMissing.fill(1);
    frame.obsNotApplicable.fill(1);
    frame.setCount.fill(1);
    resetFrame(frame);
    for (const a of [frame.inKind, frame.obsSum, frame.obsN, frame.obsMissing, frame.obsNotApplicable, frame.setCount]) expect(Array.from(a).every((v) => v === 0)).toBe(true);
    expect(() => createFrame({ ...r })).toThrow(new TypeError("createFrame: expected a compiled rubric (from parseRubric or loadEdition)"));
    expect(() => new BodyScorer({ ...r })).toThrow(new TypeError("BodyScorer: expected a compiled rubric (from parseRubric or loadEdition)"));
    expect(Object.isFrozen(frame)).toBe(true);
    expect(Array.from(createFrame(r).gatedBy)).toEqual(new Array(r.size).fill(-1));
  });
});

describe("frames: the engine door's contract", () => {
  const tree = () => parseRubric(rubricDoc([node("root", [["m", 1]]), node("m", [["a", 1]]), leaf("a", { type: "score" })]));

  it("giveInput ignores an absent value: a value given before stays", () => {
    const r = tree();
    const frame = createFrame(r);
    const a = r.index.get("a")!;
    giveInput(frame, a, { kind: VALUE_PRESENT, value: 0.25, err: 0.005 });
    giveInput(frame, a, createReadSlot());
    expect([frame.inKind[a], frame.inValue[a], frame.inErr[a]]).toEqual([VALUE_PRESENT, 0.25, 0.005]);
    evaluateFrame(frame);
    expect(frame.value[0]).toBe(0.25);
  });

  it("a node given directly keeps what its subtree computed, NaN when the subtree is not scored", () => {
    const r = tree();
    const frame = createFrame(r);
    const m = r.index.get("m")!;
    giveInput(frame, m, { kind: VALUE_PRESENT, value: 0.5, err: 0.05 });
    evaluateFrame(frame);
    expect([frame.status[m], frame.value[m], frame.computedStatus[m], frame.computed[m]]).toEqual([STATUS_SCORED, 0.5, STATUS_MISSING, Number.NaN]);
    giveInput(frame, r.index.get("a")!, { kind: VALUE_PRESENT, value: 0.75, err: 0.005 });
    evaluateFrame(frame);
    expect([frame.computedStatus[m], frame.computed[m], frame.flags[m]]).toEqual([STATUS_SCORED, 0.75, 1]);
    // A node not given directly computes nothing aside.
    expect([frame.computedStatus[0], frame.computed[0]]).toEqual([0, Number.NaN]);
  });

  it("evaluateFrame writes the rubric's nodes and nothing else", () => {
    const r = tree();
    const frame = createFrame(r, { shares: true });
    evaluateFrame(frame);
    for (const a of [frame.value, frame.status, frame.source, frame.err, frame.computed, frame.computedStatus, frame.flags, frame.gatedBy]) {
      expect(Object.keys(a)).toEqual(["0", "1", "2"]);
    }
    expect(Object.keys(frame.share!)).toEqual(["0", "1"]);
  });

  it("a result read before any evaluation shows every node missing", () => {
    const s = new BodyScorer(tree());
    s.begin();
    expect(s.result({}, []).nodes.map((n) => n.status)).toEqual(["missing", "missing", "missing"]);
  });
});

describe("consistency warnings: the bounds themselves", () => {
  it("a gap exactly at the bound (precision + 1e-9) is no warning", () => {
    // x is given "0" (±0.5, a whole number) and its one observation is T = 0.5 + 0 + 1e-9 exactly.
    const r = parseRubric(
      rubricDoc([node("root", [["x", 1]]), leaf("x", { type: "score", observations: { set: "s" } })], {
        observationSets: [{ id: "s", noObservations: "missing", ...SET }],
      }),
    );
    const T = 0.5 + 0 + 1e-9;
    expect(scoreBody(r, { values: { x: "0" }, observations: { s: [{ x: T }] } }).warnings).toEqual([]);
    expect(scoreBody(r, { values: { x: "0" }, observations: { s: [{ x: 0.6 }] } }).warnings).toHaveLength(1);
  });

  it("the message shows the given value, what is computed, the gap, and the given value's precision with the 1e-9 slack", () => {
    const r = parseRubric(rubricDoc([node("m", [["a", 1]]), leaf("a", { type: "score" })]));
    // m given to 8 decimals: ± 5e-9, printed with the slack as 6.0e-9.
    const [w] = scoreBody(r, { values: { a: "0.1", m: "0.25000000" } }).warnings;
    expect(w!.message).toBe('"m" is given as 0.25 but its children give 0.1 (difference 0.150, beyond the inputs\' precision ±6.0e-9)');
    const [x] = scoreBody(r, { values: { a: "0.0", m: "0.3" } }).warnings;
    expect(x!.message).toBe('"m" is given as 0.3 but its children give 0 (difference 0.300, beyond the inputs\' precision ±0.050)');
  });

  it("minimum: the precision is the largest of the children's, not divided by the weights", () => {
    // a = 0.5 ± 0.05, b = 0.25 ± 0.005 → min 0.25 ± 0.05. Given 0.29 ± 0.005: gap 0.04 < 0.055.
    const r = parseRubric(
      rubricDoc([node("m", [["a", 1], ["b", 3]], { normalize: true, rule: "minimum" }), leaf("a", { type: "score" }), leaf("b", { type: "score" })]),
    );
    expect(scoreBody(r, { values: { a: "0.5", b: "0.25", m: "0.29" } }).warnings).toEqual([]);
    // Given 0.31 ± 0.005: gap 0.06 > 0.055.
    expect(scoreBody(r, { values: { a: "0.5", b: "0.25", m: "0.31" } }).warnings.map((w) => w.path)).toEqual(["m"]);
  });

  it("geometric: the precision is the weighted mean of the children's", () => {
    // sqrt(0.5 · 0.8) = 0.6325 ± 0.05; given ± 0.05: 0.6 is within 0.1, 0.9 is not.
    const r = parseRubric(rubricDoc([node("m", [["a", 0.5], ["b", 0.5]], { rule: "geometric" }), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));
    expect(scoreBody(r, { values: { a: "0.5", b: "0.8", m: "0.6" } }).warnings).toEqual([]);
    const far = scoreBody(r, { values: { a: "0.5", b: "0.8", m: "0.9" } }).warnings;
    expect(far.map((w) => [w.path, w.received, Number(w.expected)])).toEqual([["m", "0.9", Math.sqrt(0.4)]]);
    expect(far[0]!.message).toBe(`"m" is given as 0.9 but its children give ${Math.sqrt(0.4)} (difference ${(0.9 - Math.sqrt(0.4)).toPrecision(3)}, beyond the inputs' precision ±0.050)`);
  });
});
