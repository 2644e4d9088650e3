import type { Issue } from "../issue.js";
import { READ_OK } from "../engine/codes.js";
import { ownProperty, plainData, type PlainRecord } from "../internal/plainData.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import { BodyScorer } from "./bodyScorer.js";
import { ObservationStore } from "./observationStore.js";
import { createWeights, WeightVector } from "./weights.js";

/**
 * A node's status: scored, not applicable to the body, or missing (nobody recorded it).
 * @example
 * const status: NodeStatus = scoreBody(rubric, { values: { TG: 0.5 } }).status;
 * status // => "missing"
 */
export type NodeStatus = "scored" | "not_applicable" | "missing";
/**
 * Where a node's value came from.
 * @example
 * const sources: NodeSource[] = scoreBody(rubric, { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }).nodes.slice(0, 3).map((n) => n.source);
 * sources // => ["children", "children", "input"]
 */
export type NodeSource = "input" | "children" | "observations" | "gate" | "policy" | "none";

/**
 * A raw input value: a number, a string as read from a file, or null/undefined for missing.
 * @example
 * const values: Record<string, RawValue> = { TG: "0.5", TC: 0.5, PG: "NA", PC: null };
 * scoreBody(rubric, { values }).nodes.find((n) => n.code === "pg")!.status // => "not_applicable"
 */
export type RawValue = number | string | null | undefined;

/**
 * The data for one body.
 * @example
 * const input: BodyInput = { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } };
 * scoreBody(rubric, input).fields // => { state: "Jalisco" }
 */
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

/**
 * One child's part in its parent's value.
 * @example
 * const c: Contribution = scoreBody(rubric, { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }).nodes[0]!.contributions![0]!;
 * [c.code, c.weight, c.share, c.value, c.contribution] // => ["t", 0.5, 0.5, 0.5, 0.25]
 */
export interface Contribution {
  readonly code: string;
  /** Weight as written in the rubric (or as passed in). */
  readonly weight: number;
  /** Weight after re-weighting over the children that count (0 for a child that does not). */
  readonly share: number;
  readonly status: NodeStatus;
  readonly value: number | null;
  /** share × value for the arithmetic rule; null when the child does not count. */
  readonly contribution: number | null;
}

/**
 * A node's score and its explanation.
 * @example
 * const node: NodeScore = nodeScore(rubric, scoreBody(rubric, { values: { "pg.act": 2 } }), "pg.act")!;
 * [node.value, node.input, node.source] // => [0.6666666666666666, 2, "input"]
 */
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

/**
 * The result of scoring one body.
 * @example
 * const s: BodyScore = scoreBody(rubric, { id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } });
 * [s.id, s.value, s.status, s.rubric.id, s.missingInputs] // => ["A", 0.35, "scored", "mga-2017", []]
 */
export interface BodyScore {
  /** The rubric that scored the body: id, version and content hash. */
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

/**
 * Options of `scoreBody`.
 * @example
 * const options: ScoreOptions = { weights: createWeights(rubric, rubricArrays(rubric).weights.map((w, i) => (i === 0 ? 1 : i === 1 ? 0 : w))) };
 * scoreBody(rubric, { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }, options).value // => 0.5
 */
export interface ScoreOptions {
  /**
   * Weights replacing the rubric's: a `WeightVector`, or one weight per child edge in node order
   * then child order (checked as `createWeights` checks them).
   */
  readonly weights?: WeightVector | ArrayLike<number>;
}

/** Limits on one body's input: far above any real survey row, low enough to refuse a runaway object. */
const INPUT_LIMITS = { maxDepth: 6, maxValues: 10_000_000 };

/**
 * Scores one body and explains every number.
 *
 * Inputs may be given at any level; a node given directly overrides its subtree (a consistency
 * warning is added when they disagree beyond the precision of the inputs). Missing, not
 * applicable and zero stay distinct: with an empty input every node is missing and
 * `missingInputs` lists every leaf. The input is read once, own properties only, so nothing
 * inherited from `Object.prototype` and no getter answering twice can change a score.
 * @param rubric - compiled rubric (from `parseRubric` or `loadEdition`)
 * @param input - the body's values and observations
 * @param options - optional weights replacing the rubric's (for sensitivity analysis)
 * @returns the body's scores, statuses, explanations, warnings and input issues
 * @throws TypeError when the input cannot be read as data; RangeError for invalid weights
 * @example
 * scoreBody(loadEdition("2017"), { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }).value // => 0.35
 */
export function scoreBody(rubric: CompiledRubric, input: BodyInput, options: ScoreOptions = {}): BodyScore {
  const copy = plainData(input, INPUT_LIMITS);
  if ("problem" in copy) throw new TypeError(`scoreBody: ${copy.problem.message}`);
  const body = copy.value;
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new TypeError("scoreBody: expected the body's input as an object");
  const weights = options.weights === undefined || options.weights instanceof WeightVector ? options.weights : createWeights(rubric, options.weights);
  const scorer = new BodyScorer(rubric, { weights, explain: true });
  scorer.begin();
  const issues: Issue[] = [];

  const values = record(body, "values");
  for (const key of Object.keys(values)) {
    const raw = values[key];
    const node = rubric.index.get(key);
    if (node === undefined) {
      issues.push({ code: "unknown_input", path: key, message: `"${key}" is not a node code or alias of ${rubric.id}`, received: key });
      continue;
    }
    const code = scorer.give(node, raw);
    if (code !== READ_OK) issues.push(scorer.issue(node, raw, code));
  }

  const observations = record(body, "observations");
  const setKeys = Object.keys(observations);
  if (setKeys.length > 0) {
    const store = new ObservationStore(rubric);
    for (const setId of setKeys) {
      const set = rubric.observationSets.findIndex((s) => s.id === setId);
      if (set < 0) {
        issues.push({ code: "unknown_observation_set", path: setId, message: `"${setId}" is not an observation set of ${rubric.id}`, received: setId });
        continue;
      }
      const rows = observations[setId];
      if (!Array.isArray(rows)) throw new TypeError(`scoreBody: observations.${setId} must be an array of rows`);
      rows.forEach((row: unknown, r) => {
        store.beginRow("", set);
        const cells = row !== null && typeof row === "object" && !Array.isArray(row) ? (row as PlainRecord) : Object.create(null);
        const given = new Set<number>();
        for (const key of Object.keys(cells)) {
          const node = rubric.index.get(key);
          const path = `${setId}[${r}].${key}`;
          if (node === undefined || store.setOf(node) !== set || given.has(node)) {
            const twice = node !== undefined && given.has(node);
            issues.push(
              twice
                ? { code: "duplicate_input", path, message: `"${key}" gives leaf "${rubric.nodes[node]!.code}" a second time in one observation` }
                : { code: "unknown_observation_input", path, message: `"${key}" is not a leaf fed by observation set "${setId}"`, received: key },
            );
            continue;
          }
          given.add(node);
          const code = store.cell(node, cells[key]);
          if (code !== READ_OK) {
            const issue = scorer.issue(node, cells[key], code, true);
            issues.push({ ...issue, path, message: `${issue.message} (observation counted as missing)` });
          }
        }
        store.endRow();
      });
    }
    scorer.observe(store, "");
  }

  scorer.evaluate();
  const id = ownProperty(body, "id");
  if (id !== undefined && typeof id !== "string") throw new TypeError("scoreBody: id must be a string");
  const fields = ownProperty(body, "fields");
  return scorer.result({ id, fields: fields === undefined ? undefined : (record(body, "fields") as Record<string, string>) }, issues);
}

/** An own property that must be an object of named values (absent: empty). */
function record(body: object, key: string): PlainRecord {
  const v = ownProperty(body, key);
  if (v === undefined || v === null) return Object.create(null);
  if (typeof v !== "object" || Array.isArray(v)) throw new TypeError(`scoreBody: ${key} must be an object keyed by ${key === "fields" ? "field name" : key === "values" ? "node code" : "observation set id"}`);
  return v as PlainRecord;
}

/**
 * Finds a node's score in a body result by code or alias.
 * @param rubric - the rubric that scored it
 * @param score - the body's result
 * @param key - node code or alias
 * @returns the node's score, or undefined for an unknown key
 * @example
 * nodeScore(rubric, scoreBody(rubric, { values: { TG: 0.5 } }), "TG")?.value // => 0.5
 */
export function nodeScore(rubric: CompiledRubric, score: BodyScore, key: string): NodeScore | undefined {
  const i = rubric.index.get(key);
  return i === undefined ? undefined : score.nodes[i];
}
