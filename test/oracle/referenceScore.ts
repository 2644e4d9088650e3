/**
 * A reference evaluator for test oracles, written from the methodology notes (§2–§6) and
 * docs/rubric-format.md. It reads the rubric DOCUMENT (not the compiled form) and a body's raw
 * input, and computes every node's status, value and source in exact rational arithmetic: weighted
 * arithmetic means, counts, goalposts and observation means are BigInt fractions; only the
 * geometric rule (exp and ln) is computed in doubles. No function of `src/` is used.
 *
 * The rules, as the documents state them:
 * - A value is read as: empty, null or absent → absent; an NA token (any case, trimmed) → not
 *   applicable; otherwise a plain decimal number on the node's scale (score [0, 1]; binary 0 or 1;
 *   count a whole number 0..max → k/max; ordinal a level name → its score; linear → goalposts,
 *   clamped). Anything else is an issue and the value is absent. A node given directly (an internal
 *   node, or a per-observation leaf given for the body) takes a score in [0, 1].
 * - A node given directly overrides its subtree (or observations); given NA it is not applicable.
 * - Children: any missing child (of positive weight) → missing; none scored → not applicable;
 *   otherwise the rule over the scored children and, under `notApplicable: "zero"`, the
 *   not-applicable ones as 0 with their weight: arithmetic Σw·v/Σw, geometric exp(Σw·ln v/Σw)
 *   (0 if any counted child is 0), minimum. A weight of 0 (only from a caller's weight vector)
 *   takes the child out.
 * - Gates: a child that scores exactly 0 forces the siblings it gates to 0 (source "gate"); a
 *   sibling forced to 0 scores exactly 0 too, so its own gates apply in turn.
 * - A node that would be missing follows its `missing` policy (zero → 0, not_applicable), except a
 *   per-observation leaf, whose policy acts on each observation: missing → the leaf is missing,
 *   zero → the observation counts 0, not_applicable → it is left out; a leaf left with no
 *   observation counted is not applicable. A body with no observation in a set gets the set's
 *   `noObservations` policy.
 * - Views are scored after the main tree, by the same rules, over the main tree's final values.
 * - Consistency: a value given as text is precise to half a unit of its last decimal (a whole
 *   number to ±0.5; a count, a 0/1 or a level exactly); the precision of a computed value is the
 *   weighted mean of its children's (the largest for `minimum`; observations, gates and policies
 *   are exact). A node given a value whose subtree or observations give a value further away than
 *   the two precisions (plus 1e-9) gets an `inconsistent_input` warning, unless a gate overrode it.
 */
import type { RawValue, RubricDocument, RubricNode } from "../../src/index.js";
import { add, cmp, div, fromDecimal, fromDouble, isZero, mul, ONE, q, sub, toDouble, ZERO, type Q } from "./rational.js";

export type Status = "scored" | "not_applicable" | "missing";
export type Source = "input" | "children" | "observations" | "gate" | "policy" | "none";

export interface RefContribution {
  readonly code: string;
  readonly weight: number;
  readonly share: Q;
  readonly status: Status;
  readonly value: Q | null;
  readonly contribution: Q | null;
}

export interface RefNode {
  readonly code: string;
  readonly label: string;
  readonly depth: number;
  readonly view?: string;
  /** The raw value of a node given directly (a value or NA), as given. */
  readonly input?: number | string;
  readonly status: Status;
  /** Exact value (for geometric nodes: the exact value of the double computed). */
  readonly value: Q | null;
  /** True when the engine's double must be exactly the double nearest `value`. */
  readonly exact: boolean;
  readonly source: Source;
  /** For a node given a value directly, with children or observations: what they give. */
  readonly computed?: { readonly status: Status; readonly value: Q | null };
  readonly observations?: { readonly n: number; readonly missing: number; readonly notApplicable: number; readonly total: number };
  readonly contributions?: readonly RefContribution[];
  readonly gatedBy?: string;
}

export interface RefIssue {
  readonly code: string;
  readonly path: string;
  /** For a value that could not be read: what the node expects, and a hint for a decimal comma. */
  readonly expected?: string;
  readonly hint?: string;
}

export interface RefWarning {
  readonly path: string;
  /** The value given and the value computed below it, from children or from observations. */
  readonly given: Q;
  readonly computed: Q;
  readonly from: "children" | "observations";
  /** The precision of the value given (the bound the message shows, less its 1e-9 slack). */
  readonly precision: number;
}

export interface RefScore {
  /** Every node in display order: the main tree in pre-order, then each view's trees. */
  readonly nodes: readonly RefNode[];
  readonly missingInputs: readonly string[];
  readonly issues: readonly RefIssue[];
  readonly warnings: readonly RefWarning[];
}

export interface RefBody {
  readonly values?: Readonly<Record<string, RawValue>>;
  readonly observations?: Readonly<Record<string, readonly Readonly<Record<string, RawValue>>[]>>;
}

const NA_TOKENS = new Set(["NA", "N/A", "N.A.", "NO APLICA", "NOT APPLICABLE"]);
/** Plain decimal notation, as the rubric format and the CLI reference describe it. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

type Reading = { kind: "absent" } | { kind: "na" } | { kind: "value"; value: Q; exact: boolean; precision: number } | { kind: "error"; code: string };

/** Decimals a number's text carries: "0.50" → 2, "5e-3" → 3, "12" → 0 (a number: as JavaScript writes it). */
function decimalsOf(text: string): number {
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  return (m[1] ?? "").length - Number(m[2] ?? "0");
}

/** Half a unit of the last decimal; a whole number is precise to ±0.5. */
const halfUnit = (decimals: number): number => (decimals <= 0 ? 0.5 : 0.5 * 10 ** -decimals);

/** What a node expects, in the words of the issue's `expected`. */
export function expectedOf(node: RubricNode, asScore: boolean): string {
  const input = asScore ? undefined : node.input;
  switch (input?.type) {
    case "binary":
      return "0 or 1";
    case "count":
      return `a whole number from 0 to ${input.max}`;
    case "ordinal":
      return `one of ${input.levels.map((l) => JSON.stringify(l.value)).join(", ")}`;
    case "linear":
      return "a finite number";
    default:
      return "a number from 0 to 1";
  }
}

/**
 * Levels match as docs/cli.md says: without case, accents or surrounding spaces (`sí`, ` SI ` and
 * `Sí` are one level). Accents are the combining marks of the canonical decomposition; spaces are
 * whatever String.prototype.trim removes (a no-break space too).
 */
function sameLevel(level: string, text: string): boolean {
  const fold = (x: string) =>
    [...x.normalize("NFD")]
      .filter((c) => !/\p{M}/u.test(c))
      .join("")
      .toLowerCase()
      .trim();
  return fold(level) === fold(text);
}

interface Entry {
  node: RubricNode;
  view: string | undefined;
}

/** Reads one raw value for a node, by the documented rules (`asScore`: read as a score in [0, 1]). */
export function readRaw(node: RubricNode, raw: unknown, asScore: boolean): Reading {
  const input = node.input;
  const type = asScore || !input ? "score" : input.type;
  if (raw === null || raw === undefined) return { kind: "absent" };
  let x: number;
  let text: string;
  if (typeof raw === "number") {
    if (Number.isNaN(raw)) return { kind: "error", code: "not_a_number" };
    if (!Number.isFinite(raw)) return { kind: "error", code: "not_finite" };
    x = raw;
    text = String(raw);
  } else if (typeof raw === "string") {
    // Only ASCII spaces and controls are trimmed (a no-break space is not a blank cell).
    const s = raw.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
    if (s === "") return { kind: "absent" };
    if (type === "ordinal" && input?.type === "ordinal") {
      const level = input.levels.find((l) => sameLevel(l.value, s));
      if (level) return { kind: "value", value: fromDouble(level.score), exact: true, precision: 0 };
    }
    if (!PLAIN_NUMBER.test(s)) {
      if (NA_TOKENS.has(s.toUpperCase())) return { kind: "na" };
      return { kind: "error", code: type === "ordinal" ? "unknown_level" : "not_a_number" };
    }
    // The number is the double the text denotes (the nearest one), as JavaScript reads it.
    x = Number(s);
    if (!Number.isFinite(x)) return { kind: "error", code: "not_finite" };
    // Sanity: the text is a plain decimal whose exact value rounds to x.
    if (fromDecimal(s) === undefined) throw new Error(`readRaw: ${s} passed the number pattern but is not a decimal`);
    text = s;
  } else return { kind: "error", code: "not_a_number" };
  const v = fromDouble(x);
  const precision = halfUnit(decimalsOf(text));
  switch (type) {
    case "binary":
      return x === 0 || x === 1 ? { kind: "value", value: v, exact: true, precision: 0 } : { kind: "error", code: "not_binary" };
    case "count": {
      const max = (input as { max: number }).max;
      if (!Number.isInteger(x)) return { kind: "error", code: "not_integer" };
      if (x < 0 || x > max) return { kind: "error", code: "out_of_range" };
      // k / max: one correctly rounded division.
      return { kind: "value", value: div(v, fromDouble(max)), exact: true, precision: 0 };
    }
    case "ordinal":
      return { kind: "error", code: "unknown_level" };
    case "linear": {
      const { low, high, direction } = input as { low: number; high: number; direction?: "ascending" | "descending" };
      const lo = fromDouble(low);
      const hi = fromDouble(high);
      const t = div(direction === "descending" ? sub(hi, v) : sub(v, lo), sub(hi, lo));
      if (cmp(t, ZERO) <= 0) return { kind: "value", value: ZERO, exact: true, precision: 0 };
      if (cmp(t, ONE) >= 0) return { kind: "value", value: ONE, exact: true, precision: 0 };
      return { kind: "value", value: t, exact: false, precision: precision / toDouble(sub(hi, lo)) };
    }
    default:
      return x >= 0 && x <= 1 ? { kind: "value", value: v, exact: true, precision } : { kind: "error", code: "out_of_range" };
  }
}

interface State {
  status: Status;
  value: Q | null;
  exact: boolean;
  /** Precision of the value (see the consistency rule). */
  precision: number;
  source: Source;
  /** Set for a node given a value that disagrees with what is computed below it. */
  inconsistent?: boolean;
  computed?: { status: Status; value: Q | null };
  observations?: { n: number; missing: number; notApplicable: number; total: number };
  contributions?: RefContribution[];
  gatedBy?: string;
}

/**
 * Scores a body by the reference rules.
 * @param doc - the rubric document, as written
 * @param body - values by code or alias, observation rows by set id
 * @param weights - optional weights replacing the document's, one per child edge with the edges
 *   in display order of their parent, then child order (what `createWeights` takes)
 */
export function referenceScore(doc: RubricDocument, body: RefBody, weights?: ArrayLike<number>): RefScore {
  const byCode = new Map<string, Entry>();
  for (const node of doc.nodes) byCode.set(node.code, { node, view: undefined });
  for (const v of doc.views ?? []) for (const node of v.nodes) byCode.set(node.code, { node, view: v.id });
  const keyToCode = new Map<string, string>();
  for (const [code, { node }] of byCode) {
    keyToCode.set(code, code);
    for (const a of node.aliases ?? []) keyToCode.set(a, code);
  }
  // Children of a node within its own tree (main tree, or main tree nodes and its view's nodes).
  const kids = (e: Entry) => (e.node.children ?? []).map((c) => c.code);

  // Display order: pre-order of the main tree, then each view's tops (nodes no view node lists).
  const order: string[] = [];
  const visit = (code: string, view: string | undefined) => {
    order.push(code);
    for (const c of kids(byCode.get(code)!)) if (byCode.get(c)!.view === view) visit(c, view);
  };
  visit(doc.root, undefined);
  const tops: string[] = [doc.root];
  for (const v of doc.views ?? []) {
    const inner = new Set(v.nodes.flatMap((n) => (n.children ?? []).map((c) => c.code)));
    for (const n of v.nodes) {
      if (!inner.has(n.code)) {
        tops.push(n.code);
        visit(n.code, v.id);
      }
    }
  }
  // Edge weights: the document's, or the caller's in display order.
  const edgeWeight = new Map<string, number[]>();
  let e = 0;
  for (const code of order) {
    const children = byCode.get(code)!.node.children ?? [];
    edgeWeight.set(code, children.map((c) => (weights === undefined ? c.weight : weights[e++]!)));
  }

  const issues: RefIssue[] = [];
  // Inputs given directly.
  const given = new Map<string, { kind: "na"; raw: unknown } | { kind: "value"; value: Q; exact: boolean; precision: number; raw: unknown }>();
  /** A read error as an issue: what the node expects, and a hint when the text has a decimal comma. */
  const readIssue = (code: string, path: string, node: RubricNode, asScore: boolean, raw: unknown): RefIssue => {
    const comma = typeof raw === "string" && code === "not_a_number" ? /^\s*([+-]?\d*),(\d+)\s*$/.exec(raw) : null;
    return { code, path, expected: expectedOf(node, asScore), ...(comma ? { hint: `a decimal comma? write it with a point: ${comma[1]}.${comma[2]}` } : {}) };
  };
  const values = body.values ?? {};
  for (const key of Object.keys(values)) {
    const code = keyToCode.get(key);
    if (code === undefined) {
      issues.push({ code: "unknown_input", path: key });
      continue;
    }
    const node = byCode.get(code)!.node;
    const asScore = node.children !== undefined || node.input?.observations !== undefined;
    const r = readRaw(node, values[key], asScore);
    if (r.kind === "error") issues.push(readIssue(r.code, code, node, asScore, values[key]));
    else if (r.kind !== "absent") {
      if (given.has(code)) issues.push({ code: "duplicate_input", path: code });
      else given.set(code, r.kind === "na" ? { kind: "na", raw: values[key] } : { ...r, raw: values[key] });
    }
  }

  // Observations: per per-observation leaf, scored sum and counts.
  const setOf = new Map<string, string>();
  for (const { node } of byCode.values()) if (node.input?.observations) setOf.set(node.code, node.input.observations.set);
  const obs = new Map<string, { sum: Q; n: number; missing: number; na: number; allBinary: boolean }>();
  for (const code of setOf.keys()) obs.set(code, { sum: ZERO, n: 0, missing: 0, na: 0, allBinary: true });
  const rowsOf = new Map<string, number>();
  for (const s of doc.observationSets ?? []) rowsOf.set(s.id, 0);
  const observations = body.observations ?? {};
  for (const setId of Object.keys(observations)) {
    if (!rowsOf.has(setId)) {
      issues.push({ code: "unknown_observation_set", path: setId });
      continue;
    }
    const rows = observations[setId]!;
    rowsOf.set(setId, rows.length);
    const leaves = [...setOf].filter(([, s]) => s === setId).map(([c]) => c);
    rows.forEach((row, r) => {
      const seen = new Set<string>();
      for (const key of Object.keys(row)) {
        const code = keyToCode.get(key);
        const path = `${setId}[${r}].${key}`;
        if (code === undefined || setOf.get(code) !== setId) {
          issues.push({ code: "unknown_observation_input", path });
          continue;
        }
        if (seen.has(code)) {
          issues.push({ code: "duplicate_input", path });
          continue;
        }
        seen.add(code);
        const acc = obs.get(code)!;
        const reading = readRaw(byCode.get(code)!.node, row[key], false);
        if (reading.kind === "error") {
          issues.push(readIssue(reading.code, path, byCode.get(code)!.node, false, row[key]));
          acc.missing++;
        } else if (reading.kind === "absent") acc.missing++;
        else if (reading.kind === "na") acc.na++;
        else {
          acc.n++;
          acc.sum = add(acc.sum, reading.value);
          if (!(isZero(reading.value) || cmp(reading.value, ONE) === 0)) acc.allBinary = false;
        }
      }
      for (const leaf of leaves) if (!seen.has(leaf)) obs.get(leaf)!.missing++;
    });
  }

  const state = new Map<string, State>();
  const missingPolicy = (n: RubricNode) => n.missing ?? "missing";

  /** What a node's children or observations give, before its own input and policy. */
  const own = (code: string): State => {
    const { node } = byCode.get(code)!;
    if (node.children) return combine(code);
    const set = node.input?.observations?.set;
    if (set === undefined) return { status: "missing", value: null, exact: false, precision: 0, source: "none" };
    const acc = obs.get(code)!;
    const total = rowsOf.get(set) ?? 0;
    const counts = { n: acc.n, missing: acc.missing, notApplicable: acc.na, total };
    if (total === 0) {
      const policy = (doc.observationSets ?? []).find((s) => s.id === set)!.noObservations;
      if (policy === "zero") return { status: "scored", value: ZERO, exact: true, precision: 0, source: "policy", observations: counts };
      if (policy === "not_applicable") return { status: "not_applicable", value: null, exact: false, precision: 0, source: "policy", observations: counts };
      return { status: "missing", value: null, exact: false, precision: 0, source: "none", observations: counts };
    }
    const policy = missingPolicy(node);
    if (acc.missing > 0 && policy === "missing") return { status: "missing", value: null, exact: false, precision: 0, source: "none", observations: counts };
    const n = acc.n + (policy === "zero" ? acc.missing : 0);
    if (n === 0) return { status: "not_applicable", value: null, exact: false, precision: 0, source: "observations", observations: counts };
    // A sum of 0s and 1s is an exact integer, and one division rounds it correctly.
    return { status: "scored", value: div(acc.sum, q(BigInt(n))), exact: acc.allBinary, precision: 0, source: "observations", observations: counts };
  };

  const evaluate = (code: string): void => {
    const { node } = byCode.get(code)!;
    const s = own(code);
    const g = given.get(code);
    if (g?.kind === "value") {
      const computed = node.children || node.input?.observations ? { computed: { status: s.status, value: s.value } } : {};
      const gap = s.status === "scored" ? Math.abs(toDouble(sub(s.value!, g.value))) : 0;
      const inconsistent = gap > g.precision + s.precision + 1e-9;
      state.set(code, { ...s, ...computed, status: "scored", value: g.value, exact: g.exact, precision: g.precision, source: "input", inconsistent });
      return;
    }
    if (g?.kind === "na") {
      state.set(code, { ...s, status: "not_applicable", value: null, exact: false, precision: 0, source: "input" });
      return;
    }
    if (s.status === "missing" && !node.input?.observations && missingPolicy(node) !== "missing") {
      const zero = missingPolicy(node) === "zero";
      state.set(code, { ...s, status: zero ? "scored" : "not_applicable", value: zero ? ZERO : null, exact: zero, precision: 0, source: "policy" });
      return;
    }
    state.set(code, s);
  };

  /** Evaluates a node's children (those of its own tree not evaluated yet), applies gates, combines. */
  const combine = (code: string): State => {
    const entry = byCode.get(code)!;
    const children = entry.node.children!;
    for (const c of children) if (!state.has(c.code)) evaluate(c.code);
    // Gates, to a fixed point: a sibling forced to 0 scores exactly 0 and gates in turn.
    let changed = true;
    while (changed) {
      changed = false;
      for (const c of children) {
        const cs = state.get(c.code)!;
        if (cs.status !== "scored" || !isZero(cs.value!)) continue;
        for (const t of byCode.get(c.code)!.node.gates ?? []) {
          const ts = state.get(t)!;
          if (ts.source === "gate") continue;
          // Forced: what the target computed is no longer its value (its counts and shares stay).
          state.set(t, {
            status: "scored",
            value: ZERO,
            exact: true,
            precision: 0,
            source: "gate",
            gatedBy: c.code,
            ...(ts.observations ? { observations: ts.observations } : {}),
            ...(ts.contributions ? { contributions: ts.contributions } : {}),
          });
          changed = true;
        }
      }
    }
    const rule = entry.node.rule ?? "arithmetic";
    const naZero = entry.node.notApplicable === "zero";
    const ws = edgeWeight.get(code)!;
    let missing = false;
    let applicable = 0;
    const pool: { i: number; w: Q; v: Q; exact: boolean }[] = [];
    children.forEach((c, i) => {
      if (ws[i] === 0) return;
      const cs = state.get(c.code)!;
      if (cs.status === "missing") missing = true;
      else if (cs.status === "scored") {
        applicable++;
        pool.push({ i, w: fromDouble(ws[i]!), v: cs.value!, exact: cs.exact });
      } else if (naZero) pool.push({ i, w: fromDouble(ws[i]!), v: ZERO, exact: true });
    });
    let status: Status;
    let value: Q | null = null;
    let exact = false;
    let precision = 0;
    if (missing) status = "missing";
    else if (applicable === 0) status = "not_applicable";
    else {
      status = "scored";
      const W = pool.reduce((t, p) => add(t, p.w), ZERO);
      // Precision: the largest of the children's for minimum, their weighted mean otherwise (NA counted as 0 is exact).
      const scored = pool.filter((p) => state.get(children[p.i]!.code)!.status === "scored");
      if (rule === "minimum") precision = Math.max(0, ...scored.map((p) => state.get(children[p.i]!.code)!.precision));
      else precision = scored.reduce((t, p) => t + toDouble(div(p.w, W)) * state.get(children[p.i]!.code)!.precision, 0);
      if (rule === "arithmetic") value = div(pool.reduce((t, p) => add(t, mul(p.w, p.v)), ZERO), W);
      else if (rule === "minimum") {
        value = pool.reduce((m, p) => (cmp(p.v, m) < 0 ? p.v : m), pool[0]!.v);
        // Rounding is monotone: when every child's double is exact, the least double is the least value's.
        exact = pool.every((p) => p.exact);
      } else if (pool.some((p) => isZero(p.v))) {
        value = ZERO;
        exact = true;
      } else {
        // exp(Σ share·ln v) in doubles, with the shares exact until then.
        const logMean = pool.reduce((t, p) => t + toDouble(div(p.w, W)) * Math.log(toDouble(p.v)), 0);
        value = fromDouble(Math.exp(logMean));
      }
    }
    const counted = new Set(status === "scored" ? pool.map((p) => p.i) : []);
    const W = pool.reduce((t, p) => add(t, p.w), ZERO);
    const contributions = children.map((c, i): RefContribution => {
      const cs = state.get(c.code)!;
      const share = counted.has(i) ? div(fromDouble(ws[i]!), W) : ZERO;
      const v = cs.status === "scored" ? cs.value! : cs.status === "not_applicable" ? ZERO : null;
      return {
        code: c.code,
        weight: ws[i]!,
        share,
        status: cs.status,
        value: cs.status === "scored" ? cs.value : null,
        contribution: !isZero(share) && rule === "arithmetic" && v !== null ? mul(share, v) : null,
      };
    });
    return { status, value, exact, precision, source: status === "missing" ? "none" : "children", contributions };
  };

  // Main tree, then each view (view nodes in their list order; children first).
  evaluate(doc.root);
  for (const v of doc.views ?? []) for (const n of v.nodes) if (!state.has(n.code)) evaluate(n.code);

  // Inputs whose absence leaves a result incomplete: missing leaves reachable from the tops over
  // edges of positive weight, not through a node given directly or forced by a gate.
  const missingInputs = new Set<string>();
  const seen = new Set<string>();
  const stack = [...tops];
  while (stack.length > 0) {
    const code = stack.pop()!;
    if (seen.has(code)) continue;
    seen.add(code);
    const s = state.get(code)!;
    if (s.source === "input" || s.source === "gate") continue;
    const children = byCode.get(code)!.node.children;
    if (!children) {
      if (s.status === "missing") missingInputs.add(code);
      continue;
    }
    const ws = edgeWeight.get(code)!;
    children.forEach((c, i) => ws[i]! > 0 && stack.push(c.code));
  }

  const depthOf = new Map<string, number>();
  for (const code of order) {
    const entry = byCode.get(code)!;
    for (const c of entry.node.children ?? []) if (byCode.get(c.code)!.view === entry.view) depthOf.set(c.code, (depthOf.get(code) ?? 0) + 1);
  }
  const nodes = order.map((code): RefNode => {
    const s = state.get(code)!;
    const { node, view } = byCode.get(code)!;
    const g = given.get(code);
    return {
      code,
      label: node.label.es,
      depth: depthOf.get(code) ?? 0,
      ...(view !== undefined ? { view } : {}),
      ...(s.source === "input" && g !== undefined && (typeof g.raw === "number" || typeof g.raw === "string") ? { input: g.raw } : {}),
      status: s.status,
      value: s.status === "scored" ? s.value : null,
      exact: s.exact,
      source: s.status === "missing" ? "none" : s.source,
      ...(s.source === "input" && s.computed ? { computed: s.computed } : {}),
      ...(s.observations ? { observations: s.observations } : {}),
      ...(s.contributions ? { contributions: s.contributions } : {}),
      ...(s.gatedBy !== undefined ? { gatedBy: s.gatedBy } : {}),
    };
  });
  const warnings = order
    .filter((c) => state.get(c)!.inconsistent === true && state.get(c)!.source === "input")
    .map((c): RefWarning => {
      const s = state.get(c)!;
      return { path: c, given: s.value!, computed: s.computed!.value!, from: byCode.get(c)!.node.children ? "children" : "observations", precision: s.precision };
    });
  return { nodes, missingInputs: order.filter((c) => missingInputs.has(c)), issues, warnings };
}

/** The double nearest a reference value, for comparisons and messages. */
export const approx = (v: Q | null): number | null => (v === null ? null : toDouble(v));
