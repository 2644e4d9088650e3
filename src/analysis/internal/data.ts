/**
 * The bodies an uncertainty or sensitivity run scores: filled frames (from the engine door, as
 * the command line builds them) or the bodies' inputs as `scoreBody` takes them, with an id and
 * group labels per body. Internal to `ogmetric/analysis`.
 */
import { resolveState } from "../../catalog/states.js";
import { READ_OK } from "../../engine/codes.js";
import { jsonPath, type Issue } from "../../issue.js";
import type { CompiledRubric } from "../../rubric/compileRubric.js";
import { BodyScorer } from "../../score/bodyScorer.js";
import type { ScoreFrame } from "../../score/evaluate.js";
import { ObservationStore } from "../../score/observationStore.js";
import type { BodyInput } from "../../score/scoreBody.js";

/**
 * The bodies to analyse. Give `frames` or `bodies`.
 * @example
 * const data: AnalysisData = {
 *   rubric,
 *   bodies: [{ values: { TG: 0.9, TC: 0.8, PG: 0.2, PC: 0.3 } }, { values: { TG: 0.4, TC: 0.3, PG: 0.1, PC: 0.2 } }],
 *   groups: { state: ["CDMX", "Ciudad de México"] },
 * };
 * const r = uncertainty(data, { runs: 10 });
 * [r.bodies.map((b) => b.key), r.groups[0]!.units.map((u) => [u.key, u.bodies])] // => [["1", "2"], [["Ciudad de México", 2]]]
 */
export interface AnalysisData {
  /** The rubric (every frame must be one of its frames). */
  readonly rubric: CompiledRubric;
  /**
   * One filled frame per body (see `BodyScorer` in `ogmetric/engine`); read, never changed.
   */
  readonly frames?: readonly ScoreFrame[];
  /** Or the bodies' inputs, as `scoreBody` takes them: values by code or alias, observations by set. */
  readonly bodies?: readonly BodyInput[];
  /** One id per body (default: each body's `id`, else its position from 1). */
  readonly ids?: readonly string[];
  /**
   * Groupings for group means: key → one label per body (null or "" for a body in no group),
   * e.g. `{ state: [...], type: [...] }`. Labels of a `state` grouping are read as `aggregate`
   * reads them: a spelling the state catalog knows becomes its canonical name ("CDMX" and
   * "Ciudad de México" are one group).
   */
  readonly groups?: Readonly<Record<string, readonly (string | null | undefined)[]>>;
  /** With `bodies`: group by these fields of each body (`fields.state`, ...), after `groups`. */
  readonly by?: readonly string[];
}

/** One grouping of the bodies. */
export interface Grouping {
  readonly by: string;
  /** Group labels in first-seen order. */
  readonly labels: readonly string[];
  /** Per body: its group's position in `labels`, or -1. */
  readonly of: Int32Array;
  /** Bodies per group. */
  readonly sizes: Int32Array;
}

/** Bodies ready to run. */
export interface PreparedData {
  readonly frames: readonly ScoreFrame[];
  readonly ids: readonly string[];
  readonly groupings: readonly Grouping[];
  /** Inputs that could not be read (they count as absent, as in `scoreBody`). */
  readonly issues: readonly Issue[];
}

/**
 * Checks and reads the data.
 * @throws TypeError for data of the wrong shape; RangeError for lengths that disagree
 */
export function prepareData(fn: string, data: AnalysisData): PreparedData {
  if (data === null || typeof data !== "object") throw new TypeError(`${fn}: expected { rubric, frames | bodies, ids?, groups? }`);
  const { rubric } = data;
  const issues: Issue[] = [];
  let frames: readonly ScoreFrame[];
  if (data.frames !== undefined) {
    if (data.bodies !== undefined) throw new TypeError(`${fn}: give frames or bodies, not both`);
    if (!Array.isArray(data.frames)) throw new TypeError(`${fn}: frames must be an array of score frames`);
    data.frames.forEach((f, b) => {
      if (f === null || typeof f !== "object" || f.rubric !== rubric) throw new TypeError(`${fn}: frames[${b}] is not a frame of the given rubric`);
    });
    frames = data.frames;
  } else if (data.bodies !== undefined) {
    if (!Array.isArray(data.bodies)) throw new TypeError(`${fn}: bodies must be an array of body inputs`);
    frames = data.bodies.map((body, b) => bodyFrame(rubric, body, b, issues));
  } else throw new TypeError(`${fn}: give frames (one filled frame per body) or bodies (as scoreBody takes them)`);
  const n = frames.length;

  let ids: readonly string[];
  if (data.ids !== undefined) {
    if (!Array.isArray(data.ids) || data.ids.length !== n) throw new RangeError(`${fn}: ids must hold one id per body (${n}), received ${Array.isArray(data.ids) ? data.ids.length : typeof data.ids}`);
    ids = data.ids.map(String);
  } else ids = Array.from({ length: n }, (_, b) => (typeof data.bodies?.[b]?.id === "string" ? data.bodies[b]!.id! : String(b + 1)));

  const groupings: Grouping[] = [];
  const add = (by: string, label: (b: number) => unknown) => {
    if (groupings.some((g) => g.by === by)) throw new RangeError(`${fn}: grouping "${by}" is given twice`);
    const index = new Map<string, number>();
    const labels: string[] = [];
    const of = new Int32Array(n).fill(-1);
    const counts: number[] = [];
    for (let b = 0; b < n; b++) {
      const raw = label(b);
      if (raw === null || raw === undefined || raw === "") continue;
      if (typeof raw !== "string") throw new TypeError(`${fn}: the ${by} label of body ${b + 1} must be a string, received ${typeof raw}`);
      const key = by === "state" ? stateName(raw) : raw;
      let g = index.get(key);
      if (g === undefined) {
        g = labels.length;
        index.set(key, g);
        labels.push(key);
        counts.push(0);
      }
      of[b] = g;
      counts[g]!++;
    }
    groupings.push({ by, labels, of, sizes: Int32Array.from(counts) });
  };
  for (const [by, labels] of Object.entries(data.groups ?? {})) {
    if (!Array.isArray(labels) || labels.length !== n) throw new RangeError(`${fn}: groups.${by} must hold one label per body (${n})`);
    add(by, (b) => labels[b]);
  }
  for (const by of data.by ?? []) {
    if (data.bodies === undefined) throw new TypeError(`${fn}: by reads the bodies' fields; with frames, give groups`);
    add(by, (b) => data.bodies![b]!.fields?.[by]);
  }
  return { frames, ids, groupings, issues };
}

/** A state's canonical name, or the spelling given (trimmed) when the catalog does not know it. */
function stateName(raw: string): string {
  const r = resolveState(raw);
  return r.ok ? r.state.name : raw.trim();
}

/** Reads one body's inputs into a frame through the one scoring path (`BodyScorer`). */
function bodyFrame(rubric: CompiledRubric, body: BodyInput, b: number, issues: Issue[]): ScoreFrame {
  if (body === null || typeof body !== "object") throw new TypeError(`bodies[${b}] must be an object`);
  const scorer = new BodyScorer(rubric);
  scorer.begin();
  for (const [key, raw] of Object.entries(body.values ?? {})) {
    const node = rubric.index.get(key);
    if (node === undefined) {
      issues.push({ code: "unknown_input", path: jsonPath(["bodies", b, "values", key]), message: `"${key}" is not a node code or alias of ${rubric.id}`, received: key });
      continue;
    }
    const code = scorer.give(node, raw);
    if (code !== READ_OK) issues.push({ ...scorer.issue(node, raw, code), path: jsonPath(["bodies", b, "values", key]) });
  }
  const sets = Object.entries(body.observations ?? {});
  if (sets.length > 0) {
    const store = new ObservationStore(rubric);
    for (const [setId, rows] of sets) {
      const set = rubric.observationSets.findIndex((s) => s.id === setId);
      if (set < 0 || !Array.isArray(rows)) {
        issues.push({ code: "unknown_observation_set", path: jsonPath(["bodies", b, "observations", setId]), message: `"${setId}" is not an observation set of ${rubric.id}` });
        continue;
      }
      rows.forEach((row, r) => {
        store.beginRow("", set);
        for (const [key, raw] of Object.entries(row ?? {})) {
          const node = rubric.index.get(key);
          const path = jsonPath(["bodies", b, "observations", setId, r, key]);
          if (node === undefined || store.setOf(node) !== set) {
            issues.push({ code: "unknown_observation_input", path, message: `"${key}" is not a leaf fed by observation set "${setId}"`, received: key });
            continue;
          }
          const code = store.cell(node, raw);
          if (code !== READ_OK) issues.push({ ...scorer.issue(node, raw, code, true), path });
        }
        store.endRow();
      });
    }
    scorer.observe(store, "");
  }
  return scorer.frame;
}
