/**
 * The specifications of `uncertainty` and `sensitivity`: which assumptions of a rubric vary and
 * how, as typed, validated data (zod), so that a JSON file, a notebook cell and a web form say the
 * same thing and are checked the same way.
 *
 * Validation runs in two steps: the shape (zod, with every default filled in), then the meaning
 * against the rubric (node codes, observation sets, options a node can take). Both report issues
 * in the library's shape, with JSON paths.
 *
 * zod compiles an object schema into a function with `new Function` when the runtime allows it,
 * and probes whether it does at the moment each object schema is built. These schemas are built
 * on first use with zod's `jitless` switched on for the duration (and restored), so neither the
 * probe nor the compilation ever runs: the module needs no `eval` under a strict
 * Content-Security-Policy, and an application's own zod settings are left as they were.
 */
import { z } from "zod";
import { CODES } from "../engine/codes.js";
import { jsonPath, type Issue } from "../issue.js";
import { jsonInput } from "../internal/jsonInput.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";

/** A relative half-width: a weight w varies in (w(1 − h), w(1 + h)). */
const relative = () => z.number().min(0, { error: "expected a relative half-width from 0 to 1" }).max(1, { error: "expected a relative half-width from 0 to 1" });
const code = () => z.string().min(1, { error: "expected a node code or alias" });
const options = <T extends readonly [string, ...string[]]>(names: T) =>
  z.array(z.enum(names, { error: `expected one of ${names.join(", ")}` })).min(1, { error: "expected at least one option" });
const probability = () => z.number().min(0).max(1);

function build() {
  const override = z
    .strictObject({
      node: code(),
      child: code().optional(),
      relative: relative().optional(),
      range: z.tuple([z.number().min(0), z.number().min(0)]).optional(),
    })
    .refine((o) => (o.relative === undefined) !== (o.range === undefined), { error: "give either relative or range (not both)" })
    .refine((o) => o.range === undefined || (Number.isFinite(o.range[1]) && o.range[0] <= o.range[1]), { error: "range: expected [min, max] with 0 ≤ min ≤ max, finite", path: ["range"] });
  const weights = z.strictObject({
    verified: relative().default(0.1),
    inferred: relative().default(0.25),
    assumed: relative().default(0.5),
    overrides: z.array(override).default([]),
  });
  const nodeSwitch = <T extends readonly [string, ...string[]]>(names: T) => z.strictObject({ node: code(), options: options(names) });
  const inputs = z.strictObject({
    relative: relative(),
    realizations: z.int().min(1).max(10_000).default(100),
    nodes: z.array(code()).min(1).optional(),
  });
  const assumptions = {
    node: code().optional(),
    weights: weights.prefault({}),
    rules: z.array(nodeSwitch(CODES.rule)).default([]),
    notApplicable: z.array(nodeSwitch(CODES.notApplicable)).default([]),
    missing: z.array(nodeSwitch(CODES.policy)).default([]),
    noObservations: z.array(z.strictObject({ set: z.string().min(1, { error: "expected an observation set id" }), options: options(CODES.policy) })).default([]),
    inputs: inputs.optional(),
    given: z.enum(["recompute", "keep"], { error: "expected recompute or keep" }).default("recompute"),
    seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    rankDecimals: z.int().min(0).max(15).default(9),
  };
  const uncertainty = z.strictObject({
    ...assumptions,
    runs: z.int().min(1).max(1_000_000).default(1000),
    top: z.int().min(1).default(10),
    groupTop: z.int().min(1).default(3),
    band: z
      .tuple([probability(), probability()])
      .refine(([low, high]) => low < high, { error: "expected [low, high] with low < high" })
      .default([0.05, 0.95]),
  });
  const sensitivity = z.strictObject({
    ...assumptions,
    n: z.int().min(2).max(1 << 20).default(1024),
    bootstrap: z.int().min(0).max(100_000).default(0),
    confidence: z.number().gt(0).lt(1).default(0.95),
    sampling: z.enum(["sobol", "random"], { error: "expected sobol or random" }).default("sobol"),
    factors: z.enum(["provenance", "node", "edge"], { error: "expected provenance, node or edge" }).default("provenance"),
    bodies: z.enum(["rank", "score", "none"], { error: "expected rank, score or none" }).default("rank"),
    groups: z.enum(["mean", "rank", "none"], { error: "expected mean, rank or none" }).default("mean"),
    ids: z.array(z.string()).optional(),
  });
  return { uncertainty, sensitivity };
}

type Schemas = ReturnType<typeof build>;
let schemas: Schemas | undefined;

/** The schemas, built once with zod's JIT off (see the module comment). */
function specSchemas(): Schemas {
  if (schemas !== undefined) return schemas;
  const before = z.config().jitless;
  z.config({ jitless: true });
  try {
    schemas = build();
  } finally {
    z.config({ jitless: before });
  }
  return schemas;
}

/**
 * What an uncertainty run varies and reports, as written (every field optional). See
 * docs/analysis.md for each field's meaning and default.
 * @example
 * const spec: UncertaintySpec = { runs: 500, seed: 3, weights: { verified: 0.2 }, rules: [{ node: "iga", options: ["arithmetic", "geometric"] }] };
 * uncertainty({ rubric, bodies: [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }] }, spec).factors.switches[0]!.runs // => [264, 236]
 */
export type UncertaintySpec = z.input<Schemas["uncertainty"]>;
/**
 * An uncertainty specification with every default filled in (what a result echoes).
 * @example
 * const parsed = safeParseUncertaintySpec({ runs: 500 }, rubric);
 * const resolved: ResolvedUncertaintySpec | null = parsed.success ? parsed.output : null;
 * [resolved?.runs, resolved?.seed, resolved?.band, resolved?.top, resolved?.weights.assumed] // => [500, 1, [0.05, 0.95], 10, 0.5]
 */
export type ResolvedUncertaintySpec = z.output<Schemas["uncertainty"]>;
/**
 * What a rubric sensitivity run varies and measures, as written (every field optional).
 * @example
 * const spec: SensitivitySpec = { n: 64, factors: "node", bodies: "score", groups: "none" };
 * const bodies = [{ id: "A", values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }];
 * sensitivity({ rubric, bodies }, spec).factors.map((f) => f.name) // => ["weights:iga", "weights:t", "weights:tg", "weights:tc", "weights:p", "weights:pg", "weights:pc"]
 */
export type SensitivitySpec = z.input<Schemas["sensitivity"]>;
/**
 * A sensitivity specification with every default filled in.
 * @example
 * const parsed = safeParseSensitivitySpec({}, rubric);
 * const resolved: ResolvedSensitivitySpec | null = parsed.success ? parsed.output : null;
 * [resolved?.n, resolved?.factors, resolved?.bodies, resolved?.groups, resolved?.bootstrap] // => [1024, "provenance", "rank", "mean", 0]
 */
export type ResolvedSensitivitySpec = z.output<Schemas["sensitivity"]>;
/**
 * The assumption fields both specifications share.
 * @example
 * const parsed = safeParseUncertaintySpec({}, rubric);
 * const shared: AssumptionSpec | null = parsed.success ? parsed.output : null;
 * [shared?.weights, shared?.given, shared?.rankDecimals] // => [{ verified: 0.1, inferred: 0.25, assumed: 0.5, overrides: [] }, "recompute", 9]
 */
export type AssumptionSpec = Pick<ResolvedUncertaintySpec, "node" | "weights" | "rules" | "notApplicable" | "missing" | "noObservations" | "inputs" | "given" | "seed" | "rankDecimals">;

/**
 * The result of a safe parse: the resolved specification, or every issue found.
 * @example
 * const r: SafeParseSpecResult<ResolvedUncertaintySpec> = safeParseUncertaintySpec({ runs: 0 }, rubric);
 * r.success ? [] : r.issues.map((i) => i.path) // => ["$.runs"]
 */
export type SafeParseSpecResult<T> = { readonly success: true; readonly output: T } | { readonly success: false; readonly issues: readonly Issue[] };

function parseShape<K extends keyof Schemas>(kind: K, input: unknown): SafeParseSpecResult<z.output<Schemas[K]>> {
  const read = jsonInput(input === undefined ? {} : input);
  if ("issue" in read) return { success: false, issues: [read.issue] };
  const result = specSchemas()[kind].safeParse(read.value);
  if (result.success) return { success: true, output: result.data as z.output<Schemas[K]> };
  return {
    success: false,
    issues: result.error.issues.map((i) => ({
      code: i.code === "unrecognized_keys" ? "unknown_key" : `invalid_${i.code === "custom" ? "value" : i.code}`,
      path: jsonPath(i.path.map((p) => (typeof p === "symbol" ? String(p) : p))),
      message: i.code === "unrecognized_keys" ? `unknown key${i.keys.length === 1 ? "" : "s"} ${i.keys.map((k) => JSON.stringify(k)).join(", ")}` : i.message,
    })),
  };
}

/** Checks a resolved specification's references against the rubric. */
function checkMeaning(rubric: CompiledRubric, spec: AssumptionSpec): Issue[] {
  const issues: Issue[] = [];
  const nodeOf = (key: string, path: (string | number)[]): number | undefined => {
    const i = rubric.index.get(key);
    if (i === undefined) issues.push({ code: "unknown_node", path: jsonPath(path), message: `"${key}" is not a node code or alias of ${rubric.id}`, received: key });
    return i;
  };
  const target = spec.node === undefined ? rubric.root : nodeOf(spec.node, ["node"]);
  if (target !== undefined && rubric.nodes[target]!.children.length === 0) {
    issues.push({ code: "leaf_node", path: "$.node", message: `"${spec.node}" is a leaf: weights, rules and policies cannot change it; give an internal node`, received: spec.node! });
  }
  spec.weights.overrides.forEach((o, k) => {
    const parent = nodeOf(o.node, ["weights", "overrides", k, "node"]);
    if (parent === undefined) return;
    const info = rubric.nodes[parent]!;
    if (info.children.length === 0) {
      issues.push({ code: "leaf_node", path: jsonPath(["weights", "overrides", k, "node"]), message: `"${o.node}" is a leaf: it has no weights to vary` });
      return;
    }
    if (o.child === undefined) return;
    const child = nodeOf(o.child, ["weights", "overrides", k, "child"]);
    if (child !== undefined && !info.children.some((c) => c.code === rubric.nodes[child]!.code)) {
      issues.push({ code: "not_a_child", path: jsonPath(["weights", "overrides", k, "child"]), message: `"${o.child}" is not a child of "${info.code}" (its children: ${info.children.map((c) => c.code).join(", ")})` });
    }
  });
  const switches: [string, readonly { node: string; options: readonly string[] }[], boolean][] = [
    ["rules", spec.rules, true],
    ["notApplicable", spec.notApplicable, true],
    ["missing", spec.missing, false],
  ];
  for (const [key, list, internalOnly] of switches) {
    const seen = new Set<number>();
    list.forEach((s, k) => {
      const i = nodeOf(s.node, [key, k, "node"]);
      if (i === undefined) return;
      if (internalOnly && rubric.nodes[i]!.children.length === 0) {
        issues.push({ code: "leaf_node", path: jsonPath([key, k, "node"]), message: `"${s.node}" is a leaf: ${key === "rules" ? "a rule combines children" : "the not-applicable policy is about children"}` });
      }
      if (seen.has(i)) issues.push({ code: "duplicate_switch", path: jsonPath([key, k, "node"]), message: `"${s.node}" is listed twice in ${key}; give its options once` });
      seen.add(i);
    });
  }
  const sets = new Set<string>();
  spec.noObservations.forEach((s, k) => {
    if (!rubric.observationSets.some((o) => o.id === s.set)) {
      issues.push({ code: "unknown_observation_set", path: jsonPath(["noObservations", k, "set"]), message: `"${s.set}" is not an observation set of ${rubric.id} (${rubric.observationSets.map((o) => o.id).join(", ") || "it has none"})`, received: s.set });
    }
    if (sets.has(s.set)) issues.push({ code: "duplicate_switch", path: jsonPath(["noObservations", k, "set"]), message: `"${s.set}" is listed twice in noObservations` });
    sets.add(s.set);
  });
  spec.inputs?.nodes?.forEach((key, k) => nodeOf(key, ["inputs", "nodes", k]));
  return issues;
}

/**
 * Validates an uncertainty specification: its shape, then its references to the rubric.
 * @param input - the specification, as an object or JSON text (undefined: every default)
 * @param rubric - the rubric it varies
 * @returns the specification with every default filled in, or every issue (with JSON paths)
 * @example
 * safeParseUncertaintySpec({ runs: 500 }, loadEdition("2019")).success // => true
 */
export function safeParseUncertaintySpec(input: unknown, rubric: CompiledRubric): SafeParseSpecResult<ResolvedUncertaintySpec> {
  const shape = parseShape("uncertainty", input);
  if (!shape.success) return shape;
  const issues = checkMeaning(rubric, shape.output);
  return issues.length > 0 ? { success: false, issues } : shape;
}

/**
 * Validates a rubric sensitivity specification: its shape, then its references to the rubric.
 * @param input - the specification, as an object or JSON text (undefined: every default)
 * @param rubric - the rubric it varies
 * @returns the specification with every default filled in, or every issue (with JSON paths)
 * @example
 * safeParseSensitivitySpec({ n: 512, factors: "node" }, loadEdition("2019")).success // => true
 */
export function safeParseSensitivitySpec(input: unknown, rubric: CompiledRubric): SafeParseSpecResult<ResolvedSensitivitySpec> {
  const shape = parseShape("sensitivity", input);
  if (!shape.success) return shape;
  const issues = checkMeaning(rubric, shape.output);
  return issues.length > 0 ? { success: false, issues } : shape;
}

/**
 * Throws the issues of a failed parse as one RangeError, for the throwing functions.
 * @internal
 */
export function specError(fn: string, issues: readonly Issue[]): RangeError {
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > 5) shown.push(`... and ${issues.length - 5} more`);
  return new RangeError(`${fn}: invalid specification: ${shown.join("; ")}`);
}
