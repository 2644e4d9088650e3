/**
 * The scored dataset as one column per rubric node: status and value of every body. Internal to
 * `ogmetric/analysis`.
 */
import type { CompiledRubric } from "../../rubric/compileRubric.js";
import type { BodyScore } from "../../score/scoreBody.js";

export const SCORED = 1;
export const NOT_APPLICABLE = 2;
export const MISSING = 3;

const STATUS: Readonly<Record<string, number>> = { scored: SCORED, not_applicable: NOT_APPLICABLE, missing: MISSING };

/** Per node (rubric order): status codes and values (NaN unless scored) of every body. */
export interface NodeTable {
  readonly bodies: number;
  readonly status: readonly Uint8Array[];
  readonly value: readonly Float64Array[];
  /** Node code → position in `rubric.nodes`. */
  readonly position: ReadonlyMap<string, number>;
}

/**
 * Reads the node values of every body, by node code (a body result that lists its nodes in the
 * rubric's order is read directly). A node a body does not list counts as missing.
 * @param rubric - the rubric that scored the bodies
 * @param scores - the bodies' results
 * @returns the table
 */
export function nodeTable(rubric: CompiledRubric, scores: readonly BodyScore[]): NodeTable {
  const size = rubric.nodes.length;
  const bodies = scores.length;
  const position = new Map(rubric.nodes.map((n, i) => [n.code, i] as const));
  const status = Array.from({ length: size }, () => new Uint8Array(bodies).fill(MISSING));
  const value = Array.from({ length: size }, () => new Float64Array(bodies).fill(Number.NaN));
  scores.forEach((score, b) => {
    const inOrder = score.nodes.length === size && score.nodes.every((n, i) => n.code === rubric.nodes[i]!.code);
    score.nodes.forEach((n, j) => {
      const i = inOrder ? j : position.get(n.code);
      if (i === undefined) return;
      const st = STATUS[n.status] ?? MISSING;
      if (st === SCORED && (typeof n.value !== "number" || !Number.isFinite(n.value))) return;
      status[i]![b] = st;
      if (st === SCORED) value[i]![b] = n.value!;
    });
  });
  return { bodies, status, value, position };
}
