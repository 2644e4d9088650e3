/**
 * fast-check generators that draw the hard cases of scoring: nested trees with every leaf type
 * (score, binary, count, ordinal, linear ascending and descending, huge goalposts), gates (chains
 * and pairs included), observation sets with per-observation leaves and every no-observation
 * policy, views, every `missing` and `notApplicable` policy and rule, normalised odd weights (tiny,
 * huge, subnormal), and raw inputs with NA tokens, blanks, nulls, out-of-range and malformed
 * values, aliases and nodes given directly over their subtree.
 */
import fc from "fast-check";
import type { LeafInput, MissingPolicy, NotApplicablePolicy, RawValue, RubricDocument, RubricNode, Rule } from "../../src/index.js";

const P = { status: "verified", source: "test" } as const;
const RULES: readonly Rule[] = ["arithmetic", "geometric", "minimum"];
const POLICIES: readonly MissingPolicy[] = ["missing", "zero", "not_applicable"];
const NA_POLICIES: readonly NotApplicablePolicy[] = ["reweight", "zero"];
const LEVEL_NAMES = ["no", "bajo", "medio", "alto", "sí", "Parcial completo"];
const LEVEL_SCORES = [0, 0.25, 1 / 3, 0.5, 2 / 3, 0.9, 1];

/** Leaf input without its observation set (added when the tree is built). */
type PlainLeafInput = Exclude<LeafInput, { observations: unknown }> | LeafInput;

const linearArb: fc.Arbitrary<LeafInput> = fc.oneof(
  fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 60 })).map(([low, span]) => ({ low, high: low + span })),
  fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0.001, max: 10, noNaN: true })).map(([low, span]) => ({ low, high: low + span })),
  fc.constantFrom({ low: -1e308, high: 1e308 }, { low: -1.7e308, high: 1.7e308 }, { low: 0, high: 1e-300 }, { low: 1e300, high: 1e301 }),
).chain(({ low, high }) =>
  fc.constantFrom<LeafInput>(
    { type: "linear", low, high },
    { type: "linear", low, high, direction: "ascending" },
    { type: "linear", low, high, direction: "descending" },
  ),
);

const leafInputArb: fc.Arbitrary<PlainLeafInput> = fc.oneof(
  fc.constant<LeafInput>({ type: "score" }),
  fc.constant<LeafInput>({ type: "binary" }),
  fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constant(1_000_000)).map((max): LeafInput => ({ type: "count", max })),
  fc
    .uniqueArray(fc.constantFrom(...LEVEL_NAMES), { minLength: 2, maxLength: 4 })
    .chain((names) => fc.array(fc.constantFrom(...LEVEL_SCORES), { minLength: names.length, maxLength: names.length }).map((scores) => ({ names, scores })))
    .map(({ names, scores }): LeafInput => ({ type: "ordinal", levels: names.map((value, i) => ({ value, score: scores[i]! })) })),
  linearArb,
);

interface LeafSpec {
  readonly kind: "leaf";
  readonly input: PlainLeafInput;
  /** Which observation set feeds it (modulo the number of sets), or null. */
  readonly set: number | null;
  readonly missing: MissingPolicy | undefined;
  readonly alias: boolean;
}

interface InternalSpec {
  readonly kind: "internal";
  readonly children: readonly Spec[];
  readonly rule: Rule | undefined;
  readonly notApplicable: NotApplicablePolicy | undefined;
  readonly missing: MissingPolicy | undefined;
  /** Weights: normalised odd weights times a scale, or exact parts of 1. */
  readonly weights: { readonly normalize: boolean; readonly parts: readonly number[]; readonly scale: number };
  /** Gate pairs (from, to) as child positions, modulo the number of children. */
  readonly gates: readonly (readonly [number, number])[];
  readonly alias: boolean;
}

type Spec = LeafSpec | InternalSpec;

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const leafSpecArb: fc.Arbitrary<LeafSpec> = fc.record({
  kind: fc.constant("leaf" as const),
  input: leafInputArb,
  set: fc.option(fc.nat(1), { nil: null, freq: 2 }),
  missing: optional(fc.constantFrom(...POLICIES)),
  alias: fc.boolean(),
});

const weightsArb = fc.record({
  normalize: fc.boolean(),
  parts: fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(1e-3, 1 / 3, 0.1, 0.7, 2.5, 1e5)), { minLength: 4, maxLength: 4 }),
  // Every weight of a node times the same power: ratios stay small, magnitudes span the doubles.
  scale: fc.constantFrom(1, 1, 1, 1e-310, 2 ** -1070, 1e300, 1e-5),
});

const specArb: fc.Arbitrary<InternalSpec> = fc.letrec<{ node: Spec; internal: InternalSpec }>((tie) => ({
  node: fc.oneof({ depthSize: "small", maxDepth: 3, withCrossShrink: true }, leafSpecArb, tie("internal")),
  internal: fc.record({
    kind: fc.constant("internal" as const),
    children: fc.array(tie("node"), { minLength: 1, maxLength: 4 }),
    rule: optional(fc.constantFrom(...RULES)),
    notApplicable: optional(fc.constantFrom(...NA_POLICIES)),
    missing: optional(fc.constantFrom(...POLICIES)),
    weights: weightsArb,
    gates: fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { maxLength: 2 }),
    alias: fc.boolean(),
  }),
})).internal;

const viewsArb = fc.array(
  fc.record({
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    rule: optional(fc.constantFrom(...RULES)),
    notApplicable: optional(fc.constantFrom(...NA_POLICIES)),
    missing: optional(fc.constantFrom(...POLICIES)),
    parts: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 4, maxLength: 4 }),
  }),
  { maxLength: 2 },
);

/** A generated rubric and what the body generator needs to know about it. */
export interface Drawn {
  readonly doc: RubricDocument;
  /** Every node: code, alias (when it has one), whether internal, its input, its set. */
  readonly nodes: readonly { code: string; alias: string | undefined; input: LeafInput | undefined; set: string | undefined }[];
  readonly sets: readonly { id: string; leaves: readonly string[] }[];
}

function build(spec: InternalSpec, setPolicies: readonly MissingPolicy[], views: readonly ViewSeed[]): Drawn {
  const main: RubricNode[] = [];
  const info: { code: string; alias: string | undefined; input: LeafInput | undefined; set: string | undefined }[] = [];
  const setIds = setPolicies.map((_, i) => `obs${i}`);
  let k = 0;
  const make = (s: Spec): string => {
    const code = `n${k++}`;
    const alias = s.alias ? `N${code.slice(1)}x` : undefined;
    const common = { code, label: { es: code, en: code }, provenance: P, ...(alias ? { aliases: [alias] } : {}), ...(s.missing ? { missing: s.missing } : {}) };
    if (s.kind === "leaf") {
      const set = s.set !== null && setIds.length > 0 ? setIds[s.set % setIds.length] : undefined;
      const input = (set ? { ...s.input, observations: { set } } : s.input) as LeafInput;
      main.push({ ...common, input });
      info.push({ code, alias, input, set });
      return code;
    }
    const self: RubricNode = { ...common, children: [] };
    if (s.rule) self.rule = s.rule;
    if (s.notApplicable) self.notApplicable = s.notApplicable;
    main.push(self);
    info.push({ code, alias, input: undefined, set: undefined });
    const codes = s.children.map(make);
    const n = codes.length;
    const parts = s.weights.parts.slice(0, n);
    if (s.weights.normalize) {
      self.normalize = true;
      self.children = codes.map((c, i) => ({ code: c, weight: parts[i]! * s.weights.scale || Number.MIN_VALUE }));
    } else {
      // Parts of 1 that sum to 1 within the validator's 1e-9.
      const ints = parts.map((p) => Math.max(1, Math.round(p)));
      const total = ints.reduce((t, x) => t + x, 0);
      self.children = codes.map((c, i) => ({ code: c, weight: ints[i]! / total }));
    }
    const gates = new Map<string, Set<string>>();
    for (const [a, b] of s.gates) {
      const from = codes[a % n]!;
      const to = codes[b % n]!;
      if (from !== to) gates.set(from, (gates.get(from) ?? new Set()).add(to));
    }
    for (const [from, to] of gates) main.find((m) => m.code === from)!.gates = [...to];
    return code;
  };
  const root = make(spec);
  // Views: each regroups main-tree nodes that declare no gates (a gating node needs its targets beside it).
  const pickable = main.filter((m) => !m.gates).map((m) => m.code);
  const viewDocs = views.map((v, vi) => {
    const picked = [...new Set(v.picks.map((p) => pickable[p % pickable.length]!))];
    const code = `v${vi}`;
    const total = picked.reduce((t, _, i) => t + v.parts[i % v.parts.length]!, 0);
    const node: RubricNode = {
      code,
      label: { es: code, en: code },
      provenance: P,
      children: picked.map((c, i) => ({ code: c, weight: v.parts[i % v.parts.length]! / total })),
      ...(v.rule ? { rule: v.rule } : {}),
      ...(v.notApplicable ? { notApplicable: v.notApplicable } : {}),
      ...(v.missing ? { missing: v.missing } : {}),
    };
    info.push({ code, alias: undefined, input: undefined, set: undefined });
    return { id: `view${vi}`, label: { es: "v", en: "v" }, nodes: [node] };
  });
  const doc: RubricDocument = {
    schemaVersion: 1,
    id: "drawn",
    version: "1.0.0",
    label: { es: "Generada", en: "Generated" },
    sources: [{ id: "test", citation: "generated by fast-check" }],
    root,
    nodes: main,
    ...(viewDocs.length > 0 ? { views: viewDocs } : {}),
    ...(setIds.length > 0
      ? { observationSets: setIds.map((id, i) => ({ id, label: { es: id, en: id }, noObservations: setPolicies[i]!, provenance: P })) }
      : {}),
  };
  const sets = setIds.map((id) => ({ id, leaves: info.filter((x) => x.set === id).map((x) => x.code) }));
  return { doc, nodes: info, sets };
}

interface ViewSeed {
  picks: number[];
  rule: Rule | undefined;
  notApplicable: NotApplicablePolicy | undefined;
  missing: MissingPolicy | undefined;
  parts: number[];
}

/** A valid rubric drawn with the hard cases. */
export const rubricArb: fc.Arbitrary<Drawn> = fc
  .tuple(specArb, fc.array(fc.constantFrom(...POLICIES), { maxLength: 2 }), viewsArb)
  .map(([spec, sets, views]) => build(spec, sets, views));

const NA_TOKENS = ["NA", "n/a", " No Aplica ", "N.A.", "not applicable", "na"];
const BLANKS: RawValue[] = ["", "   ", null, undefined];
const MALFORMED: RawValue[] = ["abc", "0,5", "0x1", "Infinity", "1e999", Number.NaN, Number.POSITIVE_INFINITY, "1_0", "--1", "0x00000000000000001", "1.2.3", "."];

/** Text forms of a number that the reader must accept. */
const spelled = (x: number): fc.Arbitrary<RawValue> =>
  fc.constantFrom<RawValue>(x, String(x), ` ${x} `, x >= 0 ? `+${x}` : String(x), x.toExponential(), x === Math.trunc(x) ? `${x}.0` : String(x));

/** A decimal text of a number in [0, 1] with up to 6 decimals (exactly what a survey file holds). */
const decimalScore = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 6 })).map(([m, d]) => {
  const x = Math.min(m, 10 ** d) / 10 ** d;
  return x.toFixed(d);
});

const scoreValue: fc.Arbitrary<RawValue> = fc.oneof(
  fc.constantFrom<RawValue>(0, 1, "0", "1", ".5", "5e-1", "0.50", "1e0", 0.5),
  fc.double({ min: 0, max: 1, noNaN: true }),
  decimalScore,
  fc.double({ min: 0, max: 1, noNaN: true }).chain(spelled),
);

function validValue(input: LeafInput | undefined, direct: boolean): fc.Arbitrary<RawValue> {
  if (!input || direct || input.type === "score") return scoreValue;
  switch (input.type) {
    case "binary":
      return fc.constantFrom<RawValue>(0, 1, "0", "1", "1.0", " 1 ", "0e5", "+1");
    case "count":
      return fc.integer({ min: 0, max: Math.min(input.max, 1_000_000) }).chain(spelled);
    case "ordinal":
      // Levels match without case, accents or surrounding spaces.
      return fc
        .constantFrom(...input.levels.map((l) => l.value))
        .chain((v) => fc.constantFrom<RawValue>(v, ` ${v} `, `${v}\t`, v.toUpperCase(), v.normalize("NFD").replace(/\p{M}/gu, ""), ` ${v.toUpperCase()}\u00a0`));
    case "linear": {
      const { low, high } = input;
      const mid = low / 2 + high / 2;
      const half = high / 2 - low / 2;
      return fc.oneof(
        fc.constantFrom<RawValue>(low, high, mid, String(low), String(high)),
        fc.double({ min: Math.max(-1.7e308, mid - 3 * half), max: Math.min(1.7e308, mid + 3 * half), noNaN: true }),
        fc.integer({ min: -100, max: 100 }).chain(spelled),
      );
    }
    default:
      return scoreValue;
  }
}

function badValue(input: LeafInput | undefined, direct: boolean): fc.Arbitrary<RawValue> {
  const common = fc.constantFrom(...MALFORMED, 1.5, -0.1, "2", "-1", "1.0000001");
  if (!input || direct) return common;
  switch (input.type) {
    case "count":
      return fc.oneof(common, fc.constantFrom<RawValue>(input.max + 1, -1, 1.5, "0.5", `${input.max}.5`));
    case "ordinal":
      return fc.oneof(common, fc.constantFrom<RawValue>("casi", "NO", 1, "0.5", "medio alto"));
    case "linear":
      return fc.constantFrom(...MALFORMED);
    default:
      return common;
  }
}

/** A raw input for a node: valid on its scale (most often), NA, blank or bad. */
export function rawArb(input: LeafInput | undefined, direct: boolean): fc.Arbitrary<RawValue> {
  return fc.oneof(
    { weight: 12, arbitrary: validValue(input, direct) },
    { weight: 2, arbitrary: fc.constantFrom<RawValue>(...NA_TOKENS) },
    { weight: 2, arbitrary: fc.constantFrom<RawValue>(...BLANKS) },
    { weight: 3, arbitrary: badValue(input, direct) },
  );
}

export interface DrawnBody {
  readonly values: Record<string, RawValue>;
  readonly observations: Record<string, Record<string, RawValue>[]>;
}

/**
 * A body for a drawn rubric: most leaves given (by code or alias), some internal nodes and
 * per-observation leaves given directly over their subtree, and per set no key, no rows, or rows
 * whose cells may be absent, blank, NA or bad. Sometimes an unknown key or set.
 */
export function bodyArb(drawn: Drawn, { clean = false }: { clean?: boolean } = {}): fc.Arbitrary<DrawnBody> {
  const valueEntries = drawn.nodes.map((n) => {
    const direct = n.input === undefined || n.set !== undefined;
    const raw = clean ? fc.oneof({ weight: 6, arbitrary: validValue(n.input, direct) }, { weight: 1, arbitrary: fc.constantFrom<RawValue>("NA", "") }) : rawArb(n.input, direct);
    const keyed = fc.tuple(n.alias ? fc.constantFrom(n.code, n.alias) : fc.constant(n.code), raw);
    // Leaves not fed by observations are given most of the time; other nodes now and then.
    const given = n.input !== undefined && n.set === undefined ? 6 : 1;
    return fc.oneof({ weight: given, arbitrary: keyed }, { weight: given === 6 ? 1 : 5, arbitrary: fc.constant(undefined) });
  });
  const rowArb = (leaves: readonly string[]) =>
    fc.tuple(...leaves.map((code) => {
      const n = drawn.nodes.find((x) => x.code === code)!;
      const raw = clean ? fc.oneof({ weight: 6, arbitrary: validValue(n.input, false) }, { weight: 1, arbitrary: fc.constantFrom<RawValue>("NA", "") }) : rawArb(n.input, false);
      return fc.option(fc.tuple(n.alias ? fc.constantFrom(code, n.alias) : fc.constant(code), raw), { nil: undefined, freq: 6 });
    })).map((cells) => Object.fromEntries(cells.filter((c) => c !== undefined)));
  const setEntries = drawn.sets.map((s) =>
    fc.option(fc.array(s.leaves.length > 0 ? rowArb(s.leaves) : fc.constant({}), { maxLength: 4 }), { nil: undefined, freq: 4 }).map((rows) => [s.id, rows] as const),
  );
  const extras = clean
    ? fc.constant([])
    : fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.constantFrom<[string, RawValue]>(["zz", 1], ["ZZ.top", "0.5"]).map((e) => [e]) });
  return fc.tuple(fc.tuple(...valueEntries), fc.tuple(...setEntries), extras).map(([values, sets, extra]) => ({
    values: Object.fromEntries([...values.filter((v) => v !== undefined), ...extra]),
    observations: Object.fromEntries(sets.filter(([, rows]) => rows !== undefined)) as Record<string, Record<string, RawValue>[]>,
  }));
}

/** A rubric and a body for it. */
export const scoredArb = rubricArb.chain((drawn) => bodyArb(drawn).map((body) => ({ drawn, body })));
