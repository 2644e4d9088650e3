import type { CompiledRubric } from "../rubric/compileRubric.js";
import { scoreBody, type BodyInput } from "../score/scoreBody.js";
import { buildComparison, crosswalkFor, type CompareOptions, type Comparison, type PairedBody } from "./compareScores.js";
import { planComparison } from "./comparisonPlan.js";
import { translateInput } from "./translateInput.js";

/**
 * Options of `compareEditions`.
 * @example
 * // 2019 data read as 2017: 2017's tg.ai (a leaf) takes 2019's tg.ai, made of request records.
 * const input = { id: "A", values: { "tg.ai.respuesta": 1, "tg.ai.plazo": 1, "tg.ai.prorroga": 1 } };
 * const bridged = compareEditions([input], loadEdition("2019"), rubric).bodies[0]!;
 * [bridged.bridged, bridged.nodes.find((n) => n.to === "tg.ai")!.valueTo] // => [["tg.ai"], 1]
 * const options: CompareEditionsOptions = { bridge: false };
 * const plain = compareEditions([input], loadEdition("2019"), rubric, options).bodies[0]!;
 * [plain.bridged, plain.nodes.find((n) => n.to === "tg.ai")!.statusTo] // => [[], "missing"]
 */
export interface CompareEditionsOptions extends CompareOptions {
  /**
   * Let a `to` node whose subtree received no input take its partner's value under `from`
   * (default true; see `translateInput`). Off, such nodes score as the `to` rubric's policies say
   * (usually missing).
   */
  readonly bridge?: boolean;
}

/**
 * Scores one dataset under two rubrics through their crosswalk and compares the results body by
 * body: inputs are named by `from` codes (or aliases) and reach `to` nodes through the mappings
 * (`translateInput`); a crosswalk written the other way round is reversed, so either direction
 * works. Each row has both values of every crosswalked node, the difference at the root, ranks
 * and the rank shift, the attribution of the difference to components (weight and value effects,
 * parts under one rubric only), the nodes bridged, and the `assumed_equivalent` mappings it relies
 * on, including those its inputs went through.
 *
 * Bodies without an id are named by position (`#1`, `#2`, ...). Empty input gives a comparison
 * with no bodies.
 * @param inputs - the bodies, as for `scoreBody` (e.g. from `readBodies`)
 * @param from - the rubric the inputs are written for
 * @param to - the rubric to compare with
 * @param options - crosswalk (default: the built-in one between two built-in editions),
 *   bridging, grouping, rank precision, attribution method and depth, side labels
 * @returns the comparison
 * @throws RangeError when no crosswalk joins the rubrics or their roots are not mapped; TypeError
 *   for an input `scoreBody` cannot read
 * @example
 * compareEditions([{ id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], loadEdition("2017"), loadEdition("2019")).bodies[0]!.diff // => 0
 */
export function compareEditions(inputs: Iterable<BodyInput>, from: CompiledRubric, to: CompiledRubric, options: CompareEditionsOptions = {}): Comparison {
  const plan = planComparison(from, to, crosswalkFor(from, to, options.crosswalk, "compareEditions"), options);
  const paired: PairedBody[] = [];
  let position = 0;
  for (const input of inputs) {
    position++;
    const a = scoreBody(from, input);
    const t = translateInput(plan, input, options.bridge === false ? undefined : a);
    const b = scoreBody(to, t.input);
    paired.push({ id: input.id ?? `#${position}`, from: a, to: b, usedPairs: t.used, bridged: t.bridged });
  }
  return buildComparison(plan, paired, [], options);
}
