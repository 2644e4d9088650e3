import type { Issue } from "../issue.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import {
  createFrame,
  evaluateFrame,
  FLAG_INCONSISTENT,
  giveInput,
  resetFrame,
  SOURCE_GATE,
  SOURCE_INPUT,
  STATUS_MISSING,
  STATUS_NOT_APPLICABLE,
  STATUS_SCORED,
  type ScoreFrame,
} from "./evaluate.js";
import { createReadSlot, READ_OK, readIssue, readValue, VALUE_NOT_APPLICABLE, VALUE_PRESENT } from "./readValue.js";

/** A node's status: scored, not applicable to the body, or missing (nobody recorded it). */
export type NodeStatus = "scored" | "not_applicable" | "missing";
/** Where a node's value came from. */
export type NodeSource = "input" | "children" | "observations" | "gate" | "policy" | "none";

/** A raw input value: a number, a string as read from a file, or null/undefined for missing. */
export type RawValue = number | string | null | undefined;

/** The data for one body. */
export interface BodyInput {
  /** The body's identifier, carried to the result. */
  readonly id?: string;
  /** Identity and grouping fields (name, state, level, type, ...), carried to the result. */
  readonly fields?: Readonly<Record<string, string>>;
  /** Values by node code or alias, at any level: leaves, or a node's value directly. */
  readonly values?: Readonly<Record<string, RawValue>>;
  /** Observation rows per observation set id, each row keyed by per-observation leaf code. */
  readonly observations?: Readonly<Record<string, readonly Readonly<Record<string, RawValue>>[]>>;
}

/** One child's part in its parent's value. */
export interface Contribution {
  readonly code: string;
  /** Weight as written in the rubric (or as passed in). */
  readonly weight: number;
  /** Weight after re-weighting over applicable children (0 for an excluded child). */
  readonly share: number;
  readonly status: NodeStatus;
  readonly value: number | null;
  /** share × value for the arithmetic rule; null when the child does not count. */
  readonly contribution: number | null;
}

/** A node's score and its explanation. */
export interface NodeScore {
  readonly code: string;
  readonly label: string;
  /** Id of the view holding the node; absent for the main tree. */
  readonly view?: string;
  readonly depth: number;
  readonly status: NodeStatus;
  readonly value: number | null;
  readonly source: NodeSource;
  /** When the node was given directly: the raw input as given (e.g. a count `2`, a level name). */
  readonly input?: number | string;
  /** When the node was given directly: the value its subtree or observations computed. */
  readonly computed?: number | null;
  /** For a node fed by observations: how many were scored, missing or not applicable. */
  readonly observations?: { readonly n: number; readonly missing: number; readonly notApplicable: number; readonly total: number };
  readonly contributions?: readonly Contribution[];
  readonly gatedBy?: string;
}

/** The result of scoring one body. */
export interface BodyScore {
  readonly rubric: { readonly id: string; readonly version: string; readonly hash: string };
  readonly id?: string;
  readonly fields?: Readonly<Record<string, string>>;
  /** The root's value (null unless scored). */
  readonly value: number | null;
  readonly status: NodeStatus;
  /** Every node, in display order (main tree pre-order, then views). */
  readonly nodes: readonly NodeScore[];
  /** Leaf codes (or observation-fed nodes) whose absence left a node missing. */
  readonly missingInputs: readonly string[];
  /** Consistency warnings: a node given directly disagrees with its subtree. */
  readonly warnings: readonly Issue[];
  /** Inputs that could not be read (unknown keys, values outside the scale); they count as absent. */
  readonly issues: readonly Issue[];
}

const STATUS_NAMES: readonly NodeStatus[] = ["missing", "scored", "not_applicable", "missing"];
const SOURCE_NAMES: readonly NodeSource[] = ["none", "input", "children", "observations", "gate", "policy"];

/** Status name for a frame status code. */
export function statusName(code: number): NodeStatus {
  return STATUS_NAMES[code] ?? "missing";
}

/**
 * Loads one body's input into a frame (after `resetFrame`), returning the problems found.
 * Unknown keys and unreadable values become issues and count as absent.
 * @param rubric - compiled rubric
 * @param frame - frame to fill
 * @param input - the body's values and observations
 * @param raw - when given, receives the raw value of each node given directly (for explanations)
 * @returns the issues, empty when every input was read
 */
export function loadBodyInput(rubric: CompiledRubric, frame: ScoreFrame, input: BodyInput, raw?: Map<number, number | string>): Issue[] {
  const issues: Issue[] = [];
  const slot = createReadSlot();
  for (const [key, value] of Object.entries(input.values ?? {})) {
    const node = rubric.index.get(key);
    if (node === undefined) {
      issues.push({ code: "unknown_input", path: key, message: `"${key}" is not a node code or alias of ${rubric.id}`, received: key });
      continue;
    }
    const code = readValue(rubric, node, value, slot);
    if (code !== READ_OK) {
      issues.push(readIssue(rubric, node, value, code));
      continue;
    }
    if (slot.kind === 0) continue;
    if (frame.inKind[node] !== 0) {
      issues.push({ code: "duplicate_input", path: key, message: `"${rubric.nodes[node]!.code}" is given twice (by code and alias)` });
      continue;
    }
    giveInput(frame, node, slot);
    if (raw && (typeof value === "number" || typeof value === "string")) raw.set(node, value);
  }
  const sets = new Map(rubric.observationSets.map((s, i) => [s.id, i] as const));
  for (const [setId, rows] of Object.entries(input.observations ?? {})) {
    const set = sets.get(setId);
    if (set === undefined) {
      issues.push({ code: "unknown_observation_set", path: setId, message: `"${setId}" is not an observation set of ${rubric.id}`, received: setId });
      continue;
    }
    const leaves = rubric.observationSets[set]!.leaves;
    frame.setCount[set] = rows.length;
    rows.forEach((row, r) => {
      const seen = new Set<number>();
      for (const [key, value] of Object.entries(row)) {
        const node = rubric.index.get(key);
        if (node === undefined || rubric.obsSet[node] !== set) {
          issues.push({ code: "unknown_observation_input", path: `${setId}[${r}].${key}`, message: `"${key}" is not a leaf fed by observation set "${setId}"`, received: key });
          continue;
        }
        seen.add(node);
        const code = readValue(rubric, node, value, slot, true);
        if (code !== READ_OK) {
          issues.push({ ...readIssue(rubric, node, value, code, true), path: `${setId}[${r}].${key}` });
          frame.obsMissing[node]!++;
        } else addObservation(frame, node, slot.kind, slot.value);
      }
      // A leaf with no cell in this row is a missing value for this observation.
      for (const leaf of leaves) if (!seen.has(leaf)) frame.obsMissing[leaf]!++;
    });
  }
  return issues;
}

/**
 * Adds one observation of a per-observation leaf to a frame.
 * @param frame - the body's frame
 * @param node - leaf position
 * @param kind - VALUE_ABSENT (missing), VALUE_PRESENT or VALUE_NOT_APPLICABLE
 * @param value - the observation's score
 */
export function addObservation(frame: ScoreFrame, node: number, kind: number, value: number): void {
  if (kind === VALUE_PRESENT) {
    frame.obsSum[node]! += value;
    frame.obsN[node]!++;
  } else if (kind === VALUE_NOT_APPLICABLE) frame.obsNotApplicable[node]!++;
  else frame.obsMissing[node]!++;
}

/**
 * Scores one body and explains every number.
 *
 * Inputs may be given at any level; a node given directly overrides its subtree (a consistency
 * warning is added when they disagree beyond the precision of the inputs). Missing, not
 * applicable and zero stay distinct: with an empty input every node is missing and
 * `missingInputs` lists every leaf.
 * @param rubric - compiled rubric (from `parseRubric` or `loadEdition`)
 * @param input - the body's values and observations
 * @param weights - optional edge weights replacing the rubric's (for sensitivity analysis)
 * @returns the body's scores, statuses, explanations, warnings and input issues
 * @example
 * scoreBody(loadEdition("2017"), { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }).value // => 0.35
 */
export function scoreBody(rubric: CompiledRubric, input: BodyInput, weights?: Float64Array): BodyScore {
  const frame = createFrame(rubric);
  resetFrame(frame);
  const raw = new Map<number, number | string>();
  const issues = loadBodyInput(rubric, frame, input, raw);
  evaluateFrame(rubric, frame, weights);
  return frameToBodyScore(rubric, frame, input, issues, weights ?? rubric.weights, raw);
}

/**
 * Builds the plain result object from an evaluated frame.
 * @param rubric - compiled rubric
 * @param frame - an evaluated frame
 * @param input - the body's identity (id, fields)
 * @param issues - input issues to carry
 * @param weights - the weights used
 * @param raw - the raw inputs of the nodes given directly, by node position (shown in explanations)
 * @returns the body's result
 */
export function frameToBodyScore(
  rubric: CompiledRubric,
  frame: ScoreFrame,
  input: Pick<BodyInput, "id" | "fields">,
  issues: readonly Issue[],
  weights: Float64Array = rubric.weights,
  raw: ReadonlyMap<number, number | string> = new Map(),
): BodyScore {
  const { value, status, source, computed, computedStatus, flags, gatedBy, err } = frame;
  const valueOf = (i: number) => (status[i] === STATUS_SCORED ? value[i]! : null);
  const warnings: Issue[] = [];
  const nodes = rubric.nodes.map((info, i): NodeScore => {
    const start = rubric.childStart[i]!;
    const end = rubric.childStart[i + 1]!;
    let contributions: Contribution[] | undefined;
    if (end > start) {
      const naZero = info.notApplicable === "zero";
      let wsum = 0;
      for (let e = start; e < end; e++) {
        const s = status[rubric.childNode[e]!];
        if (s === STATUS_SCORED || (naZero && s === STATUS_NOT_APPLICABLE)) wsum += weights[e]!;
      }
      contributions = [];
      for (let e = start; e < end; e++) {
        const c = rubric.childNode[e]!;
        const s = status[c]!;
        const counts = s === STATUS_SCORED || (naZero && s === STATUS_NOT_APPLICABLE);
        const share = counts && wsum > 0 ? weights[e]! / wsum : 0;
        const v = s === STATUS_SCORED ? value[c]! : naZero && s === STATUS_NOT_APPLICABLE ? 0 : null;
        contributions.push({
          code: rubric.nodes[c]!.code,
          weight: weights[e]!,
          share,
          status: statusName(s),
          value: valueOf(c),
          contribution: counts && info.rule === "arithmetic" && v !== null ? share * v : null,
        });
      }
    }
    if (flags[i]! & FLAG_INCONSISTENT) {
      warnings.push({
        code: "inconsistent_input",
        path: info.code,
        message: `"${info.code}" is given as ${value[i]} but its ${end > start ? "children give" : "observations give"} ${computed[i]} (difference ${Math.abs(value[i]! - computed[i]!).toPrecision(3)}, beyond the inputs' precision ±${(err[i]! + 1e-9).toPrecision(2)})`,
        expected: String(computed[i]),
        received: String(value[i]),
      });
    }
    const set = rubric.obsSet[i]!;
    return {
      code: info.code,
      label: info.label.es,
      ...(info.view !== undefined ? { view: info.view } : {}),
      depth: info.depth,
      status: statusName(status[i]!),
      value: valueOf(i),
      source: SOURCE_NAMES[source[i]!] ?? "none",
      ...(source[i] === SOURCE_INPUT && raw.has(i) ? { input: raw.get(i)! } : {}),
      ...(source[i] === SOURCE_INPUT && computedStatus[i] !== 0
        ? { computed: computedStatus[i] === STATUS_SCORED ? computed[i]! : null }
        : {}),
      ...(set >= 0
        ? {
            observations: {
              n: frame.obsN[i]!,
              missing: frame.obsMissing[i]!,
              notApplicable: frame.obsNotApplicable[i]!,
              total: frame.setCount[set]!,
            },
          }
        : {}),
      ...(contributions ? { contributions } : {}),
      ...(gatedBy[i]! >= 0 ? { gatedBy: rubric.nodes[gatedBy[i]!]!.code } : {}),
    };
  });
  return {
    rubric: { id: rubric.id, version: rubric.version, hash: rubric.hash },
    ...(input.id !== undefined ? { id: input.id } : {}),
    ...(input.fields !== undefined ? { fields: input.fields } : {}),
    value: valueOf(rubric.root),
    status: statusName(status[rubric.root]!),
    nodes,
    missingInputs: missingInputs(rubric, frame),
    warnings,
    issues,
  };
}

/**
 * The inputs whose absence leaves the result incomplete: the missing leaves (or observation-fed
 * nodes) that the root and the view tops depend on. A subtree overridden by a node given
 * directly, or forced to 0 by a gate, needs no input and is not reported.
 * @param rubric - compiled rubric
 * @param frame - an evaluated frame
 * @returns node codes in display order, without duplicates
 */
export function missingInputs(rubric: CompiledRubric, frame: ScoreFrame): string[] {
  const out: number[] = [];
  const visited = new Uint8Array(rubric.size);
  const stack = rubric.nodes.filter((n) => n.parent === undefined).map((n) => n.index);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (visited[n]) continue;
    visited[n] = 1;
    if (frame.source[n] === SOURCE_INPUT || frame.source[n] === SOURCE_GATE) continue;
    const start = rubric.childStart[n]!;
    const end = rubric.childStart[n + 1]!;
    if (end === start) {
      if (frame.status[n] === STATUS_MISSING) out.push(n);
      continue;
    }
    for (let e = start; e < end; e++) stack.push(rubric.childNode[e]!);
  }
  return out.sort((a, b) => a - b).map((n) => rubric.nodes[n]!.code);
}

/**
 * Finds a node's score in a body result by code or alias.
 * @param rubric - the rubric that scored it
 * @param score - the body's result
 * @param key - node code or alias
 * @returns the node's score, or undefined for an unknown key
 */
export function nodeScore(rubric: CompiledRubric, score: BodyScore, key: string): NodeScore | undefined {
  const i = rubric.index.get(key);
  return i === undefined ? undefined : score.nodes[i];
}
