import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregate,
  parseRubric,
  safeParseRubric,
  scoreBody,
  type BodyScore,
  type CompiledRubric,
  type RubricDocument,
  type RubricNode,
} from "../../src/index.js";
import { leaf, rubricDoc } from "../helpers.js";
import { runs } from "../propertyRuns.js";

// Seeded: a failure replays from the seed fast-check prints.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 20170, numRuns: runs(200) });

type Shape = null | Shape[];
const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ tree: Shape }>((tie) => ({
  tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constant(null), fc.array(tie("tree"), { minLength: 1, maxLength: 4 })),
})).tree;

interface Built {
  doc: RubricDocument;
  leaves: string[];
}

/** Builds a rubric from a random shape: weights 1..9 normalised, random rules and NA policies. */
function build(shape: Shape, weights: number[], rules: number[]): Built {
  const nodes: RubricNode[] = [];
  const leaves: string[] = [];
  let k = 0;
  const make = (s: Shape): string => {
    const code = `n${k++}`;
    if (s === null || s.length === 0) {
      nodes.push(leaf(code, { type: "score" }));
      leaves.push(code);
      return code;
    }
    const self: RubricNode = {
      code,
      label: { es: code, en: code },
      children: [],
      normalize: true,
      rule: (["arithmetic", "geometric", "minimum"] as const)[rules[k % rules.length]! % 3]!,
      notApplicable: rules[(k + 1) % rules.length]! % 2 === 0 ? "reweight" : "zero",
      provenance: { status: "verified", source: "test" },
    };
    nodes.push(self);
    for (const child of s) self.children!.push({ code: make(child), weight: weights[k % weights.length]! });
    return code;
  };
  const root = make(shape === null ? [null] : shape);
  return { doc: rubricDoc(nodes, { root }), leaves };
}

const rubricArb = fc
  .tuple(shapeArb, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(5), { minLength: 2, maxLength: 8 }))
  .map(([shape, weights, rules]) => build(shape, weights, rules));

const valueArb = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant("NA") },
  { weight: 1, arbitrary: fc.constant<null>(null) },
);

function inputsFor(leaves: string[], values: (number | string | null)[]): Record<string, number | string | null> {
  return Object.fromEntries(leaves.map((l, i) => [l, values[i % values.length]!]));
}

describe("scoring invariants", () => {
  it("every scored value stays in [0, 1]", () => {
    fc.assert(
      fc.property(rubricArb, fc.array(valueArb, { minLength: 1, maxLength: 20 }), ({ doc, leaves }, values) => {
        const r = parseRubric(doc);
        for (const n of scoreBody(r, { values: inputsFor(leaves, values) }).nodes) {
          if (n.status === "scored") {
            expect(n.value).toBeGreaterThanOrEqual(0);
            expect(n.value).toBeLessThanOrEqual(1);
          } else expect(n.value).toBeNull();
        }
      }),
    );
  });

  it("raising any leaf never lowers any node (all rules are monotone)", () => {
    fc.assert(
      fc.property(
        rubricArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ doc, leaves }, values, which, bump) => {
          const r = parseRubric(doc);
          const before = inputsFor(leaves, values);
          const target = leaves[which % leaves.length]!;
          const raised = { ...before, [target]: Math.min(1, (before[target] as number) + bump) };
          const a = scoreBody(r, { values: before });
          const b = scoreBody(r, { values: raised });
          a.nodes.forEach((n, i) => expect(b.nodes[i]!.value!).toBeGreaterThanOrEqual(n.value! - 1e-12));
        },
      ),
    );
  });

  it("equal weights give the plain mean", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), (values) => {
        const codes = values.map((_, i) => `x${i}`);
        const r = parseRubric(
          rubricDoc([
            { code: "root", label: { es: "r", en: "r" }, children: codes.map((code) => ({ code, weight: 1 })), normalize: true, provenance: { status: "verified", source: "test" } },
            ...codes.map((c) => leaf(c, { type: "score" })),
          ]),
        );
        const mean = values.reduce((t, v) => t + v, 0) / values.length;
        expect(scoreBody(r, { values: inputsFor(codes, values) }).value).toBeCloseTo(mean, 12);
      }),
    );
  });

  it("overriding a node with its own computed value changes nothing", () => {
    fc.assert(
      fc.property(rubricArb, fc.array(valueArb, { minLength: 1, maxLength: 20 }), fc.nat(), ({ doc, leaves }, values, which) => {
        const r = parseRubric(doc);
        const input = inputsFor(leaves, values);
        const base = scoreBody(r, { values: input });
        const node = base.nodes[which % base.nodes.length]!;
        if (node.status !== "scored") return;
        const over = scoreBody(r, { values: { ...input, [node.code]: node.value } });
        expect(over.nodes.map((n) => [n.status, n.value])).toEqual(base.nodes.map((n) => [n.status, n.value]));
        expect(over.warnings).toEqual([]);
      }),
    );
  });

  it("a rubric survives a JSON round trip with the same hash and the same scores", () => {
    fc.assert(
      fc.property(rubricArb, fc.array(valueArb, { minLength: 1, maxLength: 20 }), ({ doc, leaves }, values) => {
        const r1 = parseRubric(doc);
        const r2 = parseRubric(JSON.parse(JSON.stringify(doc)));
        expect(r2.hash).toBe(r1.hash);
        const input = { values: inputsFor(leaves, values) };
        expect(scoreBody(r2, input)).toEqual(scoreBody(r1, input));
      }),
    );
  });

  it("parseRubric and safeParseRubric agree, on valid and on mutated rubrics", () => {
    const mutate = fc.oneof(
      fc.constant((d: RubricDocument) => d),
      fc.constant((d: RubricDocument) => ({ ...d, root: "zz" })),
      fc.constant((d: RubricDocument) => ({ ...d, nodes: [...d.nodes, d.nodes[0]!] })),
      fc.constant((d: RubricDocument) => ({ ...d, nodes: d.nodes.map((n) => (n.children ? { ...n, normalize: false } : n)) })),
      fc.constant((d: RubricDocument) => ({ ...d, schemaVersion: 2 }) as unknown as RubricDocument),
    );
    fc.assert(
      fc.property(rubricArb, mutate, ({ doc }, m) => {
        const candidate = m(structuredClone(doc));
        const safe = safeParseRubric(candidate);
        let thrown: unknown;
        let parsed: CompiledRubric | undefined;
        try {
          parsed = parseRubric(candidate);
        } catch (e) {
          thrown = e;
        }
        if (safe.success) expect(parsed?.hash).toBe(safe.output.hash);
        else expect((thrown as { issues: unknown }).issues).toEqual(safe.issues);
      }),
    );
  });
});

describe("aggregation invariants", () => {
  const r = parseRubric(
    rubricDoc([
      { code: "root", label: { es: "r", en: "r" }, children: [{ code: "a", weight: 0.5 }, { code: "b", weight: 0.5 }], provenance: { status: "verified", source: "test" } },
      leaf("a", { type: "score" }),
      leaf("b", { type: "score" }),
    ]),
  );
  const bodyArb = fc.record({
    state: fc.constantFrom("Jalisco", "Ciudad de Mexico", "NuevoLeon", "Federal", "Querétaro"),
    type: fc.constantFrom("Municipio", "Partido", "__proto__", "constructor"),
    a: valueArb,
    b: valueArb,
  });
  const score = (bodies: { state: string; type: string; a: unknown; b: unknown }[]): BodyScore[] =>
    bodies.map((x, i) => scoreBody(r, { id: `b${i}`, fields: { state: x.state, type: x.type }, values: { a: x.a as number, b: x.b as number } }));

  it("shuffling bodies changes no group result (groups sorted by key)", () => {
    fc.assert(
      fc.property(fc.array(bodyArb, { maxLength: 60 }).chain((bodies) => fc.tuple(fc.constant(bodies), fc.shuffledSubarray(bodies, { minLength: bodies.length, maxLength: bodies.length }))), ([bodies, shuffled]) => {
        const a = aggregate(score(bodies), { by: ["state", "type"], order: "key", stats: ["n", "mean", "min", "max", "median"] });
        const b = aggregate(score(shuffled), { by: ["state", "type"], order: "key", stats: ["n", "mean", "min", "max", "median"] });
        expect(b.groups.map((g) => g.key)).toEqual(a.groups.map((g) => g.key));
        b.groups.forEach((g, i) =>
          g.nodes.forEach((n, j) => {
            const m = a.groups[i]!.nodes[j]!;
            expect([n.n, n.notApplicable, n.missing, n.min, n.max, n.median]).toEqual([m.n, m.notApplicable, m.missing, m.min, m.max, m.median]);
            if (m.mean === null) expect(n.mean).toBeNull();
            else expect(n.mean).toBeCloseTo(m.mean, 14);
          }),
        );
      }),
    );
  });

  it("group counts add up to the national counts, and n-weighted group means give the national mean", () => {
    fc.assert(
      fc.property(fc.array(bodyArb, { minLength: 1, maxLength: 80 }), (bodies) => {
        const scores = score(bodies);
        const national = aggregate(scores).groups[0]!;
        for (const by of [["state"], ["type"], ["state", "type"]]) {
          const table = aggregate(scores, { by });
          expect(table.groups.reduce((t, g) => t + g.bodies, 0)).toBe(bodies.length);
          national.nodes.forEach((nat, j) => {
            const parts = table.groups.map((g) => g.nodes[j]!);
            expect(parts.reduce((t, p) => t + p.n, 0)).toBe(nat.n);
            expect(parts.reduce((t, p) => t + p.notApplicable, 0)).toBe(nat.notApplicable);
            expect(parts.reduce((t, p) => t + p.missing, 0)).toBe(nat.missing);
            expect(nat.n + nat.notApplicable + nat.missing).toBe(bodies.length);
            if (nat.mean !== null) {
              const weighted = parts.reduce((t, p) => t + (p.mean === null ? 0 : p.mean * p.n), 0) / nat.n;
              expect(weighted).toBeCloseTo(nat.mean, 12);
            }
          });
        }
      }),
    );
  });
});
