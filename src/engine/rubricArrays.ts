import { kernelOf, type CompiledRubric } from "../rubric/compileRubric.js";

/**
 * A compiled rubric's engine arrays, as fresh copies: change them freely, the rubric (and every
 * other caller of a cached edition) keeps its own. Codes are those of `CODES`; node positions are
 * those of `rubric.nodes`; edge positions those of the weight vectors.
 * @example
 * const arrays: RubricArrays = rubricArrays(rubric);
 * [...arrays.childNode.slice(arrays.childStart[0], arrays.childStart[1])].map((i) => rubric.nodes[i]!.code) // => ["t", "p"]
 */
export interface RubricArrays {
  /** Positions in evaluation order: children before parents, views after the main tree. */
  readonly evalOrder: Int32Array;
  /** Children of node i are `childNode[childStart[i] .. childStart[i + 1])`. */
  readonly childStart: Int32Array;
  readonly childNode: Int32Array;
  /** Parent node of each edge. */
  readonly edgeParent: Int32Array;
  /** The rubric's weight of each edge, as written. */
  readonly weights: Float64Array;
  /** Per node: rule, not-applicable policy, missing policy and leaf kind codes. */
  readonly rule: Uint8Array;
  readonly naPolicy: Uint8Array;
  readonly missingPolicy: Uint8Array;
  readonly leafKind: Uint8Array;
  /** count: max; linear: low. */
  readonly leafA: Float64Array;
  /** linear: high. */
  readonly leafB: Float64Array;
  /** linear: 1 when descending. */
  readonly leafDescending: Uint8Array;
  /** Observation set position of a per-observation leaf, else -1. */
  readonly obsSet: Int32Array;
  /** Per observation set: the policy code for a body with no observation in it. */
  readonly noObservationsPolicy: Uint8Array;
  /** Gate targets of node i are `gateTarget[gateStart[i] .. gateStart[i + 1])`. */
  readonly gateStart: Int32Array;
  readonly gateTarget: Int32Array;
}

/**
 * Copies of a compiled rubric's engine arrays.
 * @param rubric - a compiled rubric
 * @returns new arrays, owned by the caller
 * @throws TypeError when `rubric` is not a compiled rubric
 * @example
 * rubricArrays(loadEdition("2017")).weights[0] // => 0.5
 */
export function rubricArrays(rubric: CompiledRubric): RubricArrays {
  const k = kernelOf(rubric, "rubricArrays");
  return {
    evalOrder: k.evalOrder.slice(),
    childStart: k.childStart.slice(),
    childNode: k.childNode.slice(),
    edgeParent: k.edgeParent.slice(),
    weights: k.weights.slice(),
    rule: k.rule.slice(),
    naPolicy: k.naPolicy.slice(),
    missingPolicy: k.missingPolicy.slice(),
    leafKind: k.leafKind.slice(),
    leafA: k.leafA.slice(),
    leafB: k.leafB.slice(),
    leafDescending: k.leafDescending.slice(),
    obsSet: k.obsSet.slice(),
    noObservationsPolicy: k.noObservationsPolicy.slice(),
    gateStart: k.gateStart.slice(),
    gateTarget: k.gateTarget.slice(),
  };
}
