/**
 * The aggregator against exact arithmetic: each group's n, not-applicable and missing counts,
 * its mean as the exact rational Σ w·v / Σ w of the doubles given (to within the two roundings a
 * compensated sum and one division may make), its sd from the exact variance, its min, max, median
 * and quantiles by their definitions, its groups in first-seen or code-point order. Bodies are
 * drawn with every status, body weights (zero, fractional, invalid), keys that need trimming and
 * keys such as `__proto__` and `1:a`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Aggregator } from "../../src/engine/index.js";
import { aggregate, type BodyScore, type NodeStatus, type StatName } from "../../src/index.js";
import { add, cmp, div, fromDecimal, fromDouble, mul, q, sub, toDouble, ZERO, type Q } from "./rational.js";
import { runs } from "../propertyRuns.js";

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 6_2017, numRuns: runs(200) });

const STATUS_CODE: Record<NodeStatus, number> = { scored: 1, not_applicable: 2, missing: 3 };

interface DrawnBody {
  readonly type: string | undefined;
  readonly level: string | undefined;
  readonly w: string | undefined;
  readonly cells: readonly { status: NodeStatus; value: number }[];
}

/** Values a survey mean is made of: decimals, thirds, 0 and 1, any double in [0, 1]. */
const valueArb = fc.oneof(
  fc.constantFrom(0, 1, 0.1, 0.2, 0.285, 0.195, 1 / 3, 2 / 3, 0.7, 0.05),
  fc.integer({ min: 0, max: 10_000 }).map((k) => k / 10_000),
  fc.double({ min: 0, max: 1, noNaN: true }),
);
const statusArb = fc.constantFrom<NodeStatus>("scored", "scored", "scored", "scored", "not_applicable", "missing");
const keyArb = fc.option(fc.constantFrom("Municipio", " Municipio", "Partido ", "Partido", "__proto__", "constructor", "1:a", "", "b", "z", "Ä", "😀", "\uffef"), { nil: undefined, freq: 8 });
const weightArb = fc.option(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom("1", "3", "0", "0.5", " 2 ", "1e2", "0.1", "0.1", "0.1", "0.7", "1e6", "0.3") }, { weight: 1, arbitrary: fc.constantFrom("abc", "-1", "", "Infinity", "NaN") }),
  { nil: undefined, freq: 10 },
);

const bodiesArb = (nodes: number, weighted: boolean) =>
  fc.array(
    fc.record({
      type: keyArb,
      level: keyArb,
      w: weighted ? weightArb : fc.constant(undefined),
      cells: fc.array(fc.record({ status: statusArb, value: valueArb }), { minLength: nodes, maxLength: nodes }),
    }),
    { maxLength: 40 },
  );

/** Code point order (what the documents promise), not UTF-16 code unit order. */
function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

interface RefGroup {
  key: string[];
  bodies: number;
  weight: Q;
  nodes: { n: number; na: number; missing: number; values: number[]; weights: Q[] }[];
}

/** Groups bodies by trimmed key, in first-seen order; bodies with an invalid weight are left out. */
function referenceGroups(bodies: readonly DrawnBody[], by: readonly ("type" | "level")[], weighted: boolean, nodes: number): { groups: RefGroup[]; invalid: number } {
  const groups = new Map<string, RefGroup>();
  let invalid = 0;
  for (const b of bodies) {
    let w = ONE_Q;
    if (weighted) {
      const text = b.w?.trim() ?? "";
      const parsed = fromDecimal(text);
      if (parsed === undefined || cmp(parsed, ZERO) < 0) {
        invalid++;
        continue;
      }
      // The weight is the double its text denotes (the nearest one): that double is what is summed.
      w = fromDouble(toDouble(parsed));
    }
    const key = by.map((f) => (b[f] ?? "").trim());
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (!g) {
      g = { key, bodies: 0, weight: ZERO, nodes: Array.from({ length: nodes }, () => ({ n: 0, na: 0, missing: 0, values: [], weights: [] })) };
      groups.set(id, g);
    }
    g.bodies++;
    g.weight = add(g.weight, w);
    b.cells.forEach((c, j) => {
      const s = g!.nodes[j]!;
      if (c.status === "scored") {
        s.n++;
        s.values.push(c.value);
        s.weights.push(w);
      } else if (c.status === "not_applicable") s.na++;
      else s.missing++;
    });
  }
  return { groups: [...groups.values()], invalid };
}
const ONE_Q = q(1n);

/** simple-statistics' documented quantile of sorted values (the aggregator's definition). */
function quantileOf(sorted: readonly number[], p: number): number {
  const idx = sorted.length * p;
  if (p === 1) return sorted[sorted.length - 1]!;
  if (p === 0) return sorted[0]!;
  if (idx % 1 !== 0) return sorted[Math.ceil(idx) - 1]!;
  if (sorted.length % 2 === 0) return (sorted[idx - 1]! + sorted[idx]!) / 2;
  return sorted[idx]!;
}

/** |actual − exact| within `ulps` units in the last place of the exact value. */
function expectWithinUlps(actual: number | null | undefined, exact: Q, ulps: number, where: string): void {
  const e = toDouble(exact);
  expect(typeof actual, where).toBe("number");
  // Plus an absolute 1e-300: a weight times a subnormal value loses the relative precision any bound needs.
  const bound = ulps * 2 ** -52 * Math.abs(e) + 1e-300;
  if (!(Math.abs((actual as number) - e) <= bound)) expect(actual, `${where}: exact ${e}, within ${ulps} ulp`).toBe(e);
}

function checkTable(table: ReturnType<Aggregator["result"]>, ref: { groups: RefGroup[] }, weighted: boolean, stats: readonly StatName[], quantiles: readonly number[]): void {
  expect(table.groups.map((g) => g.key)).toEqual(ref.groups.map((g) => g.key));
  table.groups.forEach((g, gi) => {
    const r = ref.groups[gi]!;
    expect(g.bodies).toBe(r.bodies);
    // The group's weight: the compensated sum of its body weights, the exact sum correctly rounded.
    expect(g.weight, `group ${gi} weight`).toBe(toDouble(r.weight));
    g.nodes.forEach((ns, j) => {
      const rn = r.nodes[j]!;
      const at = `group ${JSON.stringify(r.key)} node ${j}`;
      expect([ns.n, ns.notApplicable, ns.missing], at).toEqual([rn.n, rn.na, rn.missing]);
      expect(ns.n + ns.notApplicable + ns.missing, at).toBe(r.bodies);
      const W = rn.weights.reduce(add, ZERO);
      if (rn.n === 0 || W.n === 0n) expect(ns.mean, at).toBeNull();
      else {
        // Mean: exact Σ w·v / Σ w, to within the roundings of w·v, of the two sums and of the division.
        expectWithinUlps(ns.mean, div(rn.values.reduce((t, v, i) => add(t, mul(rn.weights[i]!, fromDouble(v))), ZERO), W), 3, `${at} mean`);
        // And exactly: each w·v is a double; compensated sums of those doubles and of the weights are
        // their exact sums correctly rounded (for so few terms), then one division. (Not when a term
        // below 1e-12 sits beside large ones: it can break a rounding tie below the compensation's
        // own last place, which Neumaier's method does not see.)
        const products = rn.values.map((v, i) => fromDouble(toDouble(rn.weights[i]!) * v));
        if (rn.values.every((v) => v === 0 || v >= 1e-12)) {
          const expected = toDouble(div(fromDouble(toDouble(products.reduce(add, ZERO))), fromDouble(toDouble(W))));
          expect(ns.mean, `${at} mean: compensated sums of ${rn.values} weighted ${rn.weights.map(toDouble)}`).toBe(expected);
        }
      }
      if (stats.includes("sd")) {
        if (rn.n <= 1 || W.n === 0n) expect(ns.sd, at).toBeNull();
        else {
          const mean = div(rn.values.reduce((t, v, i) => add(t, mul(rn.weights[i]!, fromDouble(v))), ZERO), W);
          const ss = rn.values.reduce((t, v, i) => {
            const d = sub(fromDouble(v), mean);
            return add(t, mul(rn.weights[i]!, mul(d, d)));
          }, ZERO);
          // Unweighted: sample variance (n − 1); weighted: population variance (Σ w).
          const variance = div(ss, weighted ? W : q(BigInt(rn.n - 1)));
          expect(Math.abs(ns.sd! - Math.sqrt(toDouble(variance))), `${at} sd ${ns.sd} vs ${Math.sqrt(toDouble(variance))}`).toBeLessThanOrEqual(1e-12);
        }
      } else expect(ns.sd, at).toBeUndefined();
      const sorted = [...rn.values].sort((a, b) => a - b);
      for (const [stat, want] of [["min", sorted[0]], ["max", sorted[sorted.length - 1]]] as const) {
        if (stats.includes(stat)) expect(ns[stat], `${at} ${stat}`).toBe(rn.n === 0 ? null : want);
        else expect(ns[stat], `${at} ${stat}`).toBeUndefined();
      }
      if (stats.includes("median")) expect(ns.median, `${at} median`).toBe(rn.n === 0 ? null : quantileOf(sorted, 0.5));
      else expect(ns.median, at).toBeUndefined();
      if (quantiles.length > 0) expect(ns.quantiles, `${at} quantiles`).toEqual(quantiles.map((p) => (rn.n === 0 ? null : quantileOf(sorted, p))));
      else expect(ns.quantiles, at).toBeUndefined();
    });
  });
}

const byArb = fc.constantFrom<("type" | "level")[]>([], ["type"], ["level"], ["type", "level"], ["level", "type"]);
const statsArb = fc.subarray<StatName>(["median", "sd", "min", "max"]).map((s): StatName[] => ["n", "mean", ...s]);
const quantilesArb = fc.array(fc.constantFrom(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1 / 3), { maxLength: 3 });

describe("Aggregator against exact arithmetic", () => {
  it("unweighted: counts, exact means, sample sd, min, max, median and quantiles, groups in first-seen order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }).chain((k) => fc.tuple(fc.constant(k), bodiesArb(k, false), byArb, statsArb, quantilesArb)), ([k, bodies, by, stats, quantiles]) => {
        const agg = new Aggregator(Array.from({ length: k }, (_, j) => `x${j}`), { by, stats, quantiles });
        for (const b of bodies) {
          const fields = (name: string) => (name === "type" ? b.type : name === "level" ? b.level : undefined);
          expect(agg.add(fields, b.cells.map((c) => (c.status === "scored" ? c.value : 0)), b.cells.map((c) => STATUS_CODE[c.status]))).toBe(true);
        }
        const table = agg.result();
        expect([table.by, table.stats, table.quantiles, table.issues]).toEqual([by, stats, quantiles, []]);
        checkTable(table, referenceGroups(bodies, by, false, k), false, stats, quantiles);
      }),
    );
  });

  it("weighted: weighted means and population sd, invalid weights leave the body out with an issue", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }).chain((k) => fc.tuple(fc.constant(k), bodiesArb(k, true), byArb, fc.subarray<StatName>(["sd", "min", "max"]))), ([k, bodies, by, extra]) => {
        const stats: StatName[] = ["n", "mean", ...extra];
        const agg = new Aggregator(Array.from({ length: k }, (_, j) => `x${j}`), { by, stats, weight: "w", source: "in.csv" });
        bodies.forEach((b, row) => {
          const fields = (name: string) => (name === "type" ? b.type : name === "level" ? b.level : name === "w" ? b.w : undefined);
          agg.add(fields, b.cells.map((c) => (c.status === "scored" ? c.value : 0)), b.cells.map((c) => STATUS_CODE[c.status]), row + 2);
        });
        const table = agg.result();
        const ref = referenceGroups(bodies, by, true, k);
        expect(table.issues.map((i) => [i.code, i.file, i.path.startsWith("in.csv:")])).toEqual(Array.from({ length: ref.invalid }, () => ["invalid_weight", "in.csv", true]));
        checkTable(table, ref, true, stats, []);
      }),
    );
  });

  it("order: 'key' sorts groups by key in code point order, part by part", () => {
    fc.assert(
      fc.property(bodiesArb(1, false), byArb, (bodies, by) => {
        const agg = new Aggregator(["x"], { by, order: "key" });
        for (const b of bodies) agg.add((name) => (name === "type" ? b.type : name === "level" ? b.level : undefined), [0.5], [1]);
        const keys = referenceGroups(bodies, by, false, 1).groups.map((g) => g.key);
        keys.sort((a, b) => {
          for (let i = 0; i < a.length; i++) {
            const c = codePointCompare(a[i]!, b[i]!);
            if (c !== 0) return c;
          }
          return 0;
        });
        expect(agg.result().groups.map((g) => g.key)).toEqual(keys);
      }),
    );
  });

  it("aggregate over body scores gives the same table as the Aggregator over their values and statuses", () => {
    fc.assert(
      fc.property(bodiesArb(2, false), byArb, statsArb, (bodies, by, stats) => {
        const rubric = { id: "r", version: "1.0.0", hash: "h" };
        const scores: BodyScore[] = bodies.map((b, i) => ({
          rubric,
          id: `b${i}`,
          fields: Object.fromEntries([["type", b.type], ["level", b.level]].filter(([, v]) => v !== undefined)) as Record<string, string>,
          value: b.cells[0]!.status === "scored" ? b.cells[0]!.value : null,
          status: b.cells[0]!.status,
          nodes: b.cells.map((c, j) => ({ code: `x${j}`, label: "", depth: j, status: c.status, value: c.status === "scored" ? c.value : null, source: "input" as const })),
          missingInputs: [],
          warnings: [],
          issues: [],
        }));
        const table = aggregate(scores, { by, stats });
        if (bodies.length === 0) expect(table).toEqual({ by, nodes: [], stats, quantiles: [], groups: [], issues: [] });
        else {
          expect(table.nodes).toEqual(["x0", "x1"]);
          checkTable(table, referenceGroups(bodies, by, false, 2), false, stats, []);
        }
      }),
    );
  });
});
