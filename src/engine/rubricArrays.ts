import { kernelOf, type CompiledRubric, type Kernel } from "../rubric/compileRubric.js";

/** The arrays `rubricArrays` copies (see `Kernel` for what each holds). */
const COPIED = [
  "evalOrder",
  "childStart",
  "childNode",
  "edgeParent",
  "weights",
  "rule",
  "naPolicy",
  "missingPolicy",
  "leafKind",
  "leafA",
  "leafB",
  "leafDescending",
  "obsSet",
  "noObservationsPolicy",
  "gateStart",
  "gateTarget",
] as const;

/**
 * A compiled rubric's engine arrays, as fresh copies: change them freely, the rubric (and every
 * other caller of a cached edition) keeps its own. Codes are those of `CODES`; node positions are
 * those of `rubric.nodes`; edge positions those of the weight vectors. Children of node i are
 * `childNode[childStart[i] .. childStart[i + 1])`, its gate targets
 * `gateTarget[gateStart[i] .. gateStart[i + 1])`; `leafA` is a count's max or a linear leaf's low
 * goalpost, `leafB` its high one; `obsSet` is a per-observation leaf's set, else -1.
 * @example
 * const arrays: RubricArrays = rubricArrays(rubric);
 * [...arrays.childNode.slice(arrays.childStart[0], arrays.childStart[1])].map((i) => rubric.nodes[i]!.code) // => ["t", "p"]
 */
export type RubricArrays = Pick<Kernel, (typeof COPIED)[number]>;

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
  const out: Record<string, unknown> = {};
  for (const name of COPIED) out[name] = k[name].slice();
  return out as unknown as RubricArrays;
}
