/**
 * fast-check generators for the SQL tests: random valid rubrics (every rule, leaf type and policy,
 * gates in chains, views that apply gates again, observation sets, nodes given directly by code or
 * alias) and random data for them (valid cells in many spellings, empty cells, NA tokens, invalid
 * cells). Draw with `g` from `fc.gen()`.
 */
import fc from "fast-check";
import { parseRubric, type CompiledRubric, type LeafInput, type RubricDocument, type RubricNode } from "../../src/index.js";
import type { TextTable } from "./helpers.js";

export type Draw = <T>(arb: fc.Arbitrary<T>) => T;
const P = { status: "verified", source: "test" } as const;
export const pick = <T>(g: Draw, xs: readonly T[]): T => g(fc.constantFrom(...xs));

const POLICIES = ["missing", "zero", "not_applicable"] as const;

/** A random valid rubric and which nodes the body table gives. */
export interface RandomRubric {
  readonly doc: RubricDocument;
  readonly rubric: CompiledRubric;
  /** Names (codes or aliases) of the nodes with a column in the body table. */
  readonly given: readonly string[];
}

function drawInput(g: Draw, sets: readonly string[]): LeafInput {
  const type = pick(g, ["score", "binary", "count", "ordinal", "linear"] as const);
  let input: LeafInput;
  switch (type) {
    case "count":
      input = { type, max: g(fc.integer({ min: 1, max: 6 })) };
      break;
    case "ordinal": {
      const names = g(fc.uniqueArray(fc.constantFrom("alto", "medio", "bajo", "Sí", "no", "N/A*", "3", "x y", "'q'"), { minLength: 2, maxLength: 4 }));
      input = { type, levels: names.map((value) => ({ value, score: g(fc.constantFrom(0, 0.25, 0.5, 1, 0.3)) })) };
      break;
    }
    case "linear": {
      const low = g(fc.integer({ min: -50, max: 50 }));
      input = { type, low, high: low + g(fc.integer({ min: 1, max: 100 })), direction: pick(g, ["ascending", "descending"] as const) };
      break;
    }
    default:
      input = { type };
  }
  if (sets.length > 0 && g(fc.integer({ min: 0, max: 2 })) === 0) input = { ...input, observations: { set: pick(g, sets) } };
  return input;
}

export function drawRubric(g: Draw): RandomRubric {
  const sets = Array.from({ length: g(fc.integer({ min: 0, max: 2 })) }, (_, i) => `set${i}`);
  const nodes: RubricNode[] = [];
  const byCode = new Map<string, RubricNode>();
  let k = 0;
  const make = (depth: number): string => {
    const code = `n${k++}`;
    const leaf = depth >= 3 || (depth > 0 && g(fc.integer({ min: 0, max: 9 })) < 4);
    const node: RubricNode = leaf
      ? { code, label: { es: code, en: code }, input: drawInput(g, sets), provenance: P }
      : {
          code,
          label: { es: code, en: code },
          children: [],
          normalize: true,
          rule: pick(g, ["arithmetic", "arithmetic", "geometric", "minimum"] as const),
          notApplicable: pick(g, ["reweight", "zero"] as const),
          provenance: P,
        };
    const missing = pick(g, [...POLICIES, "missing", "missing"] as const);
    if (missing !== "missing") node.missing = missing;
    if (g(fc.integer({ min: 0, max: 5 })) === 0) node.aliases = [code.toUpperCase()];
    nodes.push(node);
    byCode.set(code, node);
    if (!leaf) {
      const n = g(fc.integer({ min: 1, max: 4 }));
      for (let c = 0; c < n; c++) node.children!.push({ code: make(depth + 1), weight: g(fc.constantFrom(1, 2, 3, 0.5, 0.25, 7)) });
      // Gates among siblings, chains and order effects included.
      if (n >= 2) {
        for (const child of node.children!) {
          if (g(fc.integer({ min: 0, max: 3 })) !== 0) continue;
          const others = node.children!.map((c) => c.code).filter((c) => c !== child.code);
          const targets = g(fc.uniqueArray(fc.constantFrom(...others), { minLength: 1, maxLength: Math.min(2, others.length) }));
          byCode.get(child.code)!.gates = targets;
        }
      }
    }
    return code;
  };
  const rootCode = make(0);
  const doc: RubricDocument = {
    schemaVersion: 1,
    id: "random",
    version: "1.0.0",
    label: { es: "Aleatoria", en: "Random" },
    sources: [{ id: "test", citation: "generated" }],
    root: rootCode,
    nodes,
    ...(sets.length > 0 ? { observationSets: sets.map((id) => ({ id, label: { es: id, en: id }, noObservations: pick(g, POLICIES), provenance: P })) } : {}),
  };
  // A view over the children of an internal node (their gates apply again), and a top view node.
  const internal = nodes.filter((n) => n.children);
  if (g(fc.boolean())) {
    const host = pick(g, internal);
    const v0: RubricNode = {
      code: "v0",
      label: { es: "v0", en: "v0" },
      children: host.children!.map((c) => ({ code: c.code, weight: g(fc.constantFrom(1, 2, 0.5)) })),
      normalize: true,
      rule: pick(g, ["arithmetic", "geometric", "minimum"] as const),
      notApplicable: pick(g, ["reweight", "zero"] as const),
      provenance: P,
    };
    const viewNodes: RubricNode[] = [v0];
    if (g(fc.boolean()) && host.code !== rootCode) {
      viewNodes.unshift({ code: "v1", label: { es: "v1", en: "v1" }, children: [{ code: "v0", weight: 1 }, { code: rootCode, weight: 2 }], normalize: true, missing: pick(g, POLICIES), provenance: P });
    }
    doc.views = [{ id: "view", label: { es: "v", en: "v" }, nodes: viewNodes }];
  }
  const rubric = parseRubric(doc);
  // Which nodes the body table gives: leaves without observations mostly, any node sometimes.
  const given = rubric.nodes.flatMap((n) => {
    const plainLeaf = n.input !== undefined && n.input.observations === undefined;
    const take = plainLeaf ? g(fc.integer({ min: 0, max: 9 })) > 0 : g(fc.integer({ min: 0, max: 5 })) === 0;
    if (!take) return [];
    return [n.aliases.length > 0 && g(fc.boolean()) ? n.aliases[0]! : n.code];
  });
  return { doc, rubric, given };
}

const NA_SPELLINGS = ["NA", "na", "N/A", "n.a.", "No Aplica", "not applicable", " NA ", "\tN/A", "no aplıca"];

function decimalText(g: Draw, x: number): string {
  const form = g(fc.integer({ min: 0, max: 7 }));
  const fixed = x.toFixed(g(fc.integer({ min: 0, max: 6 })));
  const text = Number(fixed) === x || form < 3 ? String(x) : fixed;
  switch (form) {
    case 0:
      return ` ${text} `;
    case 1:
      return x < 1 && x > 0 ? String(x).replace(/^0/, "") : text;
    case 2:
      return x === 0 ? "0e5" : `${x * 10}e-1`;
    case 3:
      return x >= 0 ? `+${text}` : text;
    default:
      return text;
  }
}

/** A cell for a node read on `input`'s scale (undefined: a score), valid, empty or NA. */
export function drawCell(g: Draw, input: LeafInput | undefined): string {
  const kind = g(fc.integer({ min: 0, max: 11 }));
  if (kind === 0) return "";
  if (kind === 1) return pick(g, ["", " ", "\t"]);
  if (kind === 2) return pick(g, NA_SPELLINGS);
  switch (input?.type) {
    case "binary":
      return pick(g, ["0", "1", "1.0", "0.0", " 1", "-0"]);
    case "count":
      return decimalText(g, g(fc.integer({ min: 0, max: input.max })));
    case "ordinal":
      return pick(g, input.levels.map((l) => l.value));
    case "linear":
      return decimalText(g, g(fc.integer({ min: input.low - 30, max: input.high + 30 })) + pick(g, [0, 0.5, 0.25]));
    default:
      return decimalText(g, pick(g, [0, 1, 0.5, 0.25, 0.1, 0.3333, 0.9, 0.07, 0.6]));
  }
}

/** A cell that does not read on `input`'s scale: the CLI rejects its row, the SQL marks it invalid. */
export function drawInvalid(g: Draw, input: LeafInput | undefined): string {
  const any = ["abc", "1,5", "0x1", "Infinity", "NaN", "1e400", "+-1", "--1", "1 2", ".", "e5", "1e"];
  switch (input?.type) {
    case "binary":
      return pick(g, [...any, "2", "0.5", "-1"]);
    case "count":
      return pick(g, [...any, String(input.max + 1), "1.5", "-1"]);
    case "ordinal":
      return pick(g, ["zzz", "ALTO", "1e400", "x  y"].filter((v) => !input.levels.some((l) => l.value === v)));
    case "linear":
      return pick(g, any);
    default:
      return pick(g, [...any, "1.5", "-0.1", "2"]);
  }
}

export interface RandomData {
  readonly body: TextTable;
  readonly observations: Record<string, TextTable>;
}

export function drawData(g: Draw, r: RandomRubric, bodies: number, cell: (input: LeafInput | undefined) => string): RandomData {
  const { rubric } = r;
  const scaleOf = (name: string) => {
    const n = rubric.nodes[rubric.index.get(name)!]!;
    return n.input !== undefined && n.input.observations === undefined ? n.input : undefined;
  };
  const ids = Array.from({ length: bodies }, (_, i) => `b${i}`);
  const body: TextTable = { header: ["id", ...r.given], rows: ids.map((id) => [id, ...r.given.map((name) => cell(scaleOf(name)))]) };
  const observations: Record<string, TextTable> = {};
  for (const set of rubric.observationSets) {
    const leaves = rubric.nodes.filter((n) => n.input?.observations?.set === set.id);
    const rows: string[][] = [];
    for (const id of ids) {
      const n = g(fc.integer({ min: 0, max: 3 }));
      for (let o = 0; o < n; o++) rows.push([id, ...leaves.map((l) => cell({ ...l.input!, observations: undefined } as LeafInput))]);
    }
    observations[set.id] = { header: ["id", ...leaves.map((l) => l.code)], rows };
  }
  return { body, observations };
}

