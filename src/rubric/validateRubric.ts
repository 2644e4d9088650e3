import type { ErrorObject } from "ajv";
import { describeValue, jsonPath, type Issue } from "../issue.js";
import { foldLevel } from "../score/readValue.js";
import { MAX_WEIGHT_RATIO } from "../score/weights.js";
import { validate as validateStructure } from "./generated/validate-rubric.js";

/** Deepest JSON nesting a rubric may have (a real rubric is about 7 levels deep). */
export const MAX_JSON_DEPTH = 64;
/** Deepest tree (root to leaf) a rubric may describe. */
export const MAX_TREE_DEPTH = 32;
/** Tolerance on a sum of weights that must be 1. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

/**
 * Checks a rubric document against the format: the JSON Schema first (by the validator generated
 * from it at build time), then every rule the schema cannot express. Returns every issue found,
 * in document order; an empty array means valid.
 *
 * Internal: `safeParseRubric` first copies the document into plain data (`plainData`, which also
 * enforces the nesting limit), then calls this on the copy it will compile. Never throws on
 * hostile plain data: `__proto__` keys, NaN or non-objects all become issues.
 * @param doc - a rubric document as plain data (untrusted)
 * @returns the issues, empty when the rubric is valid
 */
export function validateRubric(doc: unknown): Issue[] {
  const structural = validateStructure(doc) ? [] : schemaIssues(validateStructure.errors ?? []);
  return [...structural, ...semanticIssues(doc)];
}

function pointerToSegments(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Translates the errors of a generated validator into issues: the one translator for rubrics and
 * crosswalks. Errors inside the branches of an `anyOf` are folded into one issue for the `anyOf`,
 * and only the first issue at each path is kept (a string that is the wrong type is not also
 * reported as too long), so each problem is said once, with the value found.
 * @param errors - the errors of a generated validator (compiled with `verbose`)
 * @returns the issues, in document order
 */
export function schemaIssues(errors: readonly ErrorObject[]): Issue[] {
  const alternatives = errors.filter((e) => e.keyword === "anyOf").map((e) => `${e.schemaPath}/`);
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const e of errors) {
    if (alternatives.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    const issue = schemaIssue(e);
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    out.push(issue);
  }
  return out;
}

/** What a schema says it wants, from its `description` (zod's `.meta({ description })`). */
function described(e: ErrorObject): string | undefined {
  const d = (e.parentSchema as { description?: unknown } | undefined)?.description;
  return typeof d === "string" ? d : undefined;
}

function schemaIssue(e: ErrorObject): Issue {
  const segments = pointerToSegments(e.instancePath);
  const path = jsonPath(segments);
  const p = e.params as Record<string, unknown>;
  const received = describeValue(e.data);
  switch (e.keyword) {
    case "required":
      return {
        code: "missing_key",
        path: jsonPath([...segments, String(p.missingProperty)]),
        message: `required key "${String(p.missingProperty)}" is missing`,
        expected: String(p.missingProperty),
        received: "nothing",
      };
    case "additionalProperties":
      return {
        code: "unknown_key",
        path: jsonPath([...segments, String(p.additionalProperty)]),
        message: `unknown key "${String(p.additionalProperty)}"`,
        expected: "a key of the format",
        received: String(p.additionalProperty),
      };
    case "type":
      return { code: "invalid_type", path, message: `expected ${String(p.type)}, found ${received}`, expected: String(p.type), received };
    case "const":
      return { code: "invalid_value", path, message: `expected ${JSON.stringify(p.allowedValue)}, found ${received}`, expected: JSON.stringify(p.allowedValue), received };
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      return { code: "invalid_value", path, message: `expected one of ${allowed}, found ${received}`, expected: (p.allowedValues as unknown[]).join(" | "), received };
    }
    case "pattern": {
      const expected = described(e) ?? `a string matching ${String(p.pattern)}`;
      return { code: "invalid_format", path, message: `expected ${expected}, found ${received}`, expected, received };
    }
    case "anyOf": {
      const expected = described(e) ?? "one of the allowed forms";
      return { code: "invalid_value", path, message: `expected ${expected}, found ${received}`, expected, received };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const expected = `${String(p.comparison)} ${String(p.limit)}`;
      return { code: "out_of_range", path, message: `must be ${expected}, found ${received}`, expected, received };
    }
    case "minItems":
    case "maxItems":
    case "minLength":
    case "maxLength": {
      const most = e.keyword.startsWith("max");
      const unit = e.keyword.endsWith("Items") ? "items" : "characters";
      const expected = `${most ? "at most" : "at least"} ${String(p.limit)} ${unit}`;
      const size = Array.isArray(e.data) ? e.data.length : typeof e.data === "string" ? e.data.length : undefined;
      return { code: "invalid_length", path, message: `expected ${expected}${size === undefined ? "" : `, found ${size}`}`, expected, received: size === undefined ? received : String(size) };
    }
    case "discriminator":
      return {
        code: "unknown_leaf_type",
        path: jsonPath([...segments, "type"]),
        message: `leaf input type must be one of score, binary, count, ordinal, linear`,
        expected: "score | binary | count | ordinal | linear",
        received: p.tagValue === undefined ? "nothing" : describeValue(p.tagValue),
      };
    default:
      return { code: "invalid_value", path, message: `${e.message ?? "invalid value"}, found ${received}`, received };
  }
}

// ---------------------------------------------------------------------------------------------
// Semantic checks. They run on whatever part of the document is well-formed, so that a rubric
// with a type error and a duplicate code reports both.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const own = (o: Obj, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

interface NodeRef {
  readonly node: Obj;
  readonly code: string;
  readonly path: (string | number)[];
  /** undefined for the main tree, else the view's index */
  readonly view: number | undefined;
}

function semanticIssues(doc: unknown): Issue[] {
  if (!isObj(doc)) return [];
  const issues: Issue[] = [];
  const add = (code: string, path: (string | number)[], message: string, extra: Partial<Issue> = {}) =>
    issues.push({ code, path: jsonPath(path), message, ...extra });

  // Sources and observation sets.
  const sources = new Set<string>();
  arr(own(doc, "sources")).forEach((s, i) => {
    const id = isObj(s) ? str(own(s, "id")) : undefined;
    if (id === undefined) return;
    if (sources.has(id)) add("duplicate_source", ["sources", i, "id"], `source "${id}" is defined twice`);
    sources.add(id);
  });
  const sets = new Set<string>();
  arr(own(doc, "observationSets")).forEach((s, i) => {
    const id = isObj(s) ? str(own(s, "id")) : undefined;
    if (id === undefined) return;
    if (sets.has(id)) add("duplicate_observation_set", ["observationSets", i, "id"], `observation set "${id}" is defined twice`);
    sets.add(id);
    checkProvenance(own(s as Obj, "provenance"), ["observationSets", i, "provenance"]);
  });

  function checkProvenance(p: unknown, path: (string | number)[]) {
    const source = isObj(p) ? str(own(p, "source")) : undefined;
    if (source !== undefined && !sources.has(source)) {
      add("unknown_source", [...path, "source"], `source "${source}" is not listed in "sources"`, {
        expected: "an id from sources",
        received: source,
      });
    }
  }

  // Collect nodes of the main tree and of the views.
  const refs: NodeRef[] = [];
  arr(own(doc, "nodes")).forEach((n, i) => {
    const code = isObj(n) ? str(own(n, "code")) : undefined;
    if (isObj(n) && code !== undefined) refs.push({ node: n, code, path: ["nodes", i], view: undefined });
  });
  const views = arr(own(doc, "views"));
  const viewIds = new Set<string>();
  views.forEach((v, vi) => {
    if (!isObj(v)) return;
    const id = str(own(v, "id"));
    if (id !== undefined) {
      if (viewIds.has(id)) add("duplicate_view", ["views", vi, "id"], `view "${id}" is defined twice`);
      viewIds.add(id);
    }
    arr(own(v, "nodes")).forEach((n, i) => {
      const code = isObj(n) ? str(own(n, "code")) : undefined;
      if (isObj(n) && code !== undefined) refs.push({ node: n, code, path: ["views", vi, "nodes", i], view: vi });
    });
  });

  // Unique codes and aliases.
  const byCode = new Map<string, NodeRef>();
  for (const r of refs) {
    const prior = byCode.get(r.code);
    if (prior) add("duplicate_code", [...r.path, "code"], `node code "${r.code}" is already used at ${jsonPath(prior.path)}`);
    else byCode.set(r.code, r);
  }
  const aliasOwner = new Map<string, string>();
  for (const r of refs) {
    arr(own(r.node, "aliases")).forEach((a, ai) => {
      if (typeof a !== "string") return;
      if (byCode.has(a) && a !== r.code) {
        add("alias_conflict", [...r.path, "aliases", ai], `alias "${a}" of "${r.code}" is the code of another node`);
      } else if (aliasOwner.has(a)) {
        add("duplicate_alias", [...r.path, "aliases", ai], `alias "${a}" is already used by "${aliasOwner.get(a)}"`);
      } else aliasOwner.set(a, r.code);
    });
  }

  // Per node: kind, weights, inputs, gates, provenance.
  const parentsOf = new Map<string, string[]>();
  for (const r of refs) {
    const { node, path, code } = r;
    checkProvenance(own(node, "provenance"), [...path, "provenance"]);
    const children = own(node, "children");
    const input = own(node, "input");
    if (Array.isArray(children) && input !== undefined) {
      add("leaf_with_children", path, `node "${code}" has both "children" and "input": a node is either a leaf or an internal node`);
    }
    if (children === undefined && input === undefined) {
      add("empty_node", path, `node "${code}" has neither "children" nor "input"`, { expected: "children or input" });
    }
    if (r.view !== undefined && input !== undefined) {
      add("view_leaf", [...path, "input"], `view node "${code}" declares an input: views group existing nodes only`);
    }
    if (Array.isArray(children)) checkChildren(r, children);
    if (isObj(input)) checkInput(code, input, [...path, "input"]);
  }

  function checkChildren(r: NodeRef, children: unknown[]) {
    const seen = new Set<string>();
    let sum = 0;
    let allFinite = true;
    children.forEach((c, ci) => {
      if (!isObj(c)) return;
      const path = [...r.path, "children", ci];
      const childCode = str(own(c, "code"));
      const weight = own(c, "weight");
      if (typeof weight !== "number" || !Number.isFinite(weight) || weight <= 0) {
        allFinite = false;
        add("invalid_weight", [...path, "weight"], `weight of "${childCode ?? "?"}" under "${r.code}" must be a finite number above 0`, {
          expected: "a finite number > 0",
          received: describeValue(weight),
        });
      } else sum += weight;
      checkProvenance(own(c, "provenance"), [...path, "provenance"]);
      if (childCode === undefined) return;
      if (seen.has(childCode)) add("duplicate_child", [...path, "code"], `"${childCode}" is listed twice under "${r.code}"`);
      seen.add(childCode);
      const target = byCode.get(childCode);
      const visible = target !== undefined && (target.view === undefined || target.view === r.view);
      if (!visible) {
        add("unknown_child", [...path, "code"], `child "${childCode}" of "${r.code}" is not a node ${r.view === undefined ? "of the main tree" : "of the main tree or of this view"}`, {
          expected: "a defined node code",
          received: childCode,
        });
        return;
      }
      if (target.view === r.view) {
        const list = parentsOf.get(childCode) ?? [];
        list.push(r.code);
        parentsOf.set(childCode, list);
      }
    });
    const positive = children.map((c) => (isObj(c) ? own(c, "weight") : undefined)).filter((w): w is number => typeof w === "number" && Number.isFinite(w) && w > 0);
    if (positive.length > 1 && Math.max(...positive) / Math.min(...positive) > MAX_WEIGHT_RATIO) {
      add("weight_ratio_too_large", [...r.path, "children"], `weights under "${r.code}" differ by a factor above ${MAX_WEIGHT_RATIO} (${Math.min(...positive)} to ${Math.max(...positive)}): the smaller would vanish`, {
        expected: `a ratio of at most ${MAX_WEIGHT_RATIO}`,
        received: String(Math.max(...positive) / Math.min(...positive)),
      });
    }
    const normalize = own(r.node, "normalize") === true;
    if (allFinite && !normalize && children.length > 0 && Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
      add("weights_not_normalized", [...r.path, "children"], `weights under "${r.code}" sum to ${sum}, not 1 (set "normalize": true to divide them by their sum)`, {
        expected: "a sum of 1",
        received: String(sum),
      });
    }
    // Gates: each gate target must be a sibling.
    children.forEach((c) => {
      const childCode = isObj(c) ? str(own(c, "code")) : undefined;
      const child = childCode === undefined ? undefined : byCode.get(childCode);
      if (!child) return;
      arr(own(child.node, "gates")).forEach((g, gi) => {
        if (typeof g !== "string") return;
        const gpath = [...child.path, "gates", gi];
        if (g === child.code) add("gate_self", gpath, `node "${child.code}" cannot gate itself`);
        else if (!seen.has(g)) add("gate_not_sibling", gpath, `gate target "${g}" of "${child.code}" is not a sibling under "${r.code}"`, { expected: `a child of "${r.code}"`, received: g });
      });
    });
  }

  function checkInput(code: string, input: Obj, path: (string | number)[]) {
    const type = own(input, "type");
    if (type === "linear") {
      const low = own(input, "low");
      const high = own(input, "high");
      if (typeof low === "number" && typeof high === "number" && !(low < high)) {
        add("goalposts_unordered", path, `goalposts of "${code}" must satisfy low < high`, { expected: "low < high", received: `low ${low}, high ${high}` });
      }
    }
    if (type === "ordinal") {
      const values = new Map<string, string>();
      arr(own(input, "levels")).forEach((l, li) => {
        const v = isObj(l) ? str(own(l, "value")) : undefined;
        if (v === undefined) return;
        const folded = foldLevel(v);
        const prior = values.get(folded);
        if (prior !== undefined) {
          add("duplicate_level", [...path, "levels", li, "value"], `level "${v}" of "${code}" is listed twice${prior === v ? "" : ` (as "${prior}": levels match without case, accents or surrounding spaces)`}`);
        }
        values.set(folded, v);
      });
    }
    const obs = own(input, "observations");
    const set = isObj(obs) ? str(own(obs, "set")) : undefined;
    if (set !== undefined && !sets.has(set)) {
      add("unknown_observation_set", [...path, "observations", "set"], `observation set "${set}" of "${code}" is not listed in "observationSets"`, { received: set });
    }
  }

  // Root, parents, gates declared on nodes whose parent does not list the targets.
  const root = str(own(doc, "root"));
  const rootRef = root === undefined ? undefined : byCode.get(root);
  if (root !== undefined && (!rootRef || rootRef.view !== undefined)) {
    add("unknown_root", ["root"], `root "${root}" is not a node of the main tree`, { received: root });
  }
  for (const [code, parents] of parentsOf) {
    if (parents.length > 1) {
      const r = byCode.get(code)!;
      add("multiple_parents", [...r.path, "code"], `node "${code}" is a child of ${parents.map((p) => `"${p}"`).join(" and ")}: within a tree or a view a node has one parent`);
    }
  }
  for (const r of refs) {
    if (arr(own(r.node, "gates")).length > 0 && !parentsOf.has(r.code)) {
      add("gate_not_sibling", [...r.path, "gates"], `node "${r.code}" declares gates but has no parent, so it has no siblings`);
    }
  }

  // Cycles and depth (iterative DFS per connected part), then reachability from the root.
  const state = new Map<string, number>(); // 1 on stack, 2 done
  const depthOf = new Map<string, number>();
  const childCodes = (r: NodeRef): string[] =>
    arr(own(r.node, "children"))
      .map((c) => (isObj(c) ? str(own(c, "code")) : undefined))
      .filter((c): c is string => c !== undefined && byCode.has(c) && byCode.get(c)!.view === r.view);
  let cycleReported = false;
  for (const start of refs) {
    if (state.has(start.code)) continue;
    const stack: { ref: NodeRef; next: number; kids: string[] }[] = [{ ref: start, next: 0, kids: childCodes(start) }];
    state.set(start.code, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.kids.length) {
        const code = top.kids[top.next++]!;
        const s = state.get(code);
        if (s === 1) {
          if (!cycleReported) {
            const cycle = [...stack.slice(stack.findIndex((f) => f.ref.code === code)).map((f) => f.ref.code), code];
            add("cycle", [...byCode.get(code)!.path, "children"], `the nodes form a cycle: ${cycle.join(" → ")}`);
            cycleReported = true;
          }
          continue;
        }
        if (s === 2) continue;
        const ref = byCode.get(code)!;
        state.set(code, 1);
        stack.push({ ref, next: 0, kids: childCodes(ref) });
      } else {
        let d = 1;
        for (const k of top.kids) d = Math.max(d, 1 + (depthOf.get(k) ?? 0));
        depthOf.set(top.ref.code, d);
        state.set(top.ref.code, 2);
        stack.pop();
      }
    }
  }
  if (rootRef && !cycleReported) {
    const depth = depthOf.get(rootRef.code) ?? 0;
    if (depth > MAX_TREE_DEPTH) {
      add("tree_too_deep", ["root"], `the tree is ${depth} levels deep; at most ${MAX_TREE_DEPTH} are allowed`, { expected: `<= ${MAX_TREE_DEPTH}`, received: String(depth) });
    }
    const reached = new Set<string>([rootRef.code]);
    const queue = [rootRef];
    while (queue.length > 0) {
      for (const k of childCodes(queue.pop()!)) {
        if (!reached.has(k)) {
          reached.add(k);
          queue.push(byCode.get(k)!);
        }
      }
    }
    for (const r of refs) {
      if (r.view === undefined && !reached.has(r.code)) {
        add("unreachable_node", [...r.path, "code"], `node "${r.code}" is not reachable from the root "${rootRef.code}"`);
      }
    }
  }

  // References to published figures.
  arr(own(doc, "references")).forEach((ref, i) => {
    if (!isObj(ref)) return;
    const node = str(own(ref, "node"));
    if (node !== undefined && !byCode.has(node)) add("unknown_reference_node", ["references", i, "node"], `reference names unknown node "${node}"`, { received: node });
    const by = own(ref, "by");
    const group = own(ref, "group");
    if (Array.isArray(by) && Array.isArray(group) && by.length !== group.length) {
      add("reference_group_mismatch", ["references", i, "group"], `reference has ${by.length} grouping key(s) but ${group.length} group value(s)`);
    }
    const source = str(own(ref, "source"));
    if (source !== undefined && !sources.has(source)) add("unknown_source", ["references", i, "source"], `source "${source}" is not listed in "sources"`, { received: source });
  });

  return issues;
}
