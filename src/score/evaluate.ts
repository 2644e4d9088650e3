import {
  NA_ZERO,
  POLICY_MISSING,
  POLICY_NOT_APPLICABLE,
  POLICY_ZERO,
  RULE_ARITHMETIC,
  RULE_GEOMETRIC,
  RULE_MINIMUM,
  type CompiledRubric,
} from "../rubric/compileRubric.js";
import { VALUE_ABSENT, VALUE_NOT_APPLICABLE, VALUE_PRESENT, type ReadSlot } from "./readValue.js";

/** Node status codes in a frame (0 means not evaluated yet). */
export const STATUS_SCORED = 1;
export const STATUS_NOT_APPLICABLE = 2;
export const STATUS_MISSING = 3;

/** Where a node's value came from. */
export const SOURCE_NONE = 0;
/** Given directly as input (a leaf's value, or a node overriding its subtree). */
export const SOURCE_INPUT = 1;
/** Combined from the children by the node's rule. */
export const SOURCE_CHILDREN = 2;
/** Reduced over the body's observations. */
export const SOURCE_OBSERVATIONS = 3;
/** Forced to 0 by a sibling's gate. */
export const SOURCE_GATE = 4;
/** Set by a missing-value or no-observation policy. */
export const SOURCE_POLICY = 5;

/** Flag: a node given directly disagrees with the value computed from its subtree. */
export const FLAG_INCONSISTENT = 1;

/** Slack added to every consistency comparison, for binary floating point. */
const EPSILON = 1e-9;

/**
 * Reusable buffers for scoring one body at a time: inputs in, values out. Create one per rubric
 * with `createFrame`, `resetFrame` between bodies, and score with `evaluateFrame`: no allocation
 * per body, which is what batch scoring and Monte Carlo runs need.
 */
export interface ScoreFrame {
  /** Per node: VALUE_ABSENT, VALUE_PRESENT or VALUE_NOT_APPLICABLE given directly. */
  readonly inKind: Uint8Array;
  readonly inValue: Float64Array;
  readonly inErr: Float64Array;
  /** Per-observation leaves: sum of scores, count of scored, missing and not-applicable observations. */
  readonly obsSum: Float64Array;
  readonly obsN: Int32Array;
  readonly obsMissing: Int32Array;
  readonly obsNotApplicable: Int32Array;
  /** Per observation set: number of observations of the body. */
  readonly setCount: Int32Array;
  /** Outputs. */
  readonly value: Float64Array;
  readonly status: Uint8Array;
  readonly source: Uint8Array;
  /** Precision bound of each value (propagated from the decimals of the inputs). */
  readonly err: Float64Array;
  /** For nodes given directly: what the subtree or observations gave (NaN when not scored). */
  readonly computed: Float64Array;
  readonly computedStatus: Uint8Array;
  readonly flags: Uint8Array;
  /** For gated nodes: the position of the gating node. */
  readonly gatedBy: Int32Array;
}

/**
 * Creates the buffers to score bodies with a rubric.
 * @param rubric - compiled rubric
 * @returns a zeroed frame
 */
export function createFrame(rubric: CompiledRubric): ScoreFrame {
  const n = rubric.size;
  return {
    inKind: new Uint8Array(n),
    inValue: new Float64Array(n),
    inErr: new Float64Array(n),
    obsSum: new Float64Array(n),
    obsN: new Int32Array(n),
    obsMissing: new Int32Array(n),
    obsNotApplicable: new Int32Array(n),
    setCount: new Int32Array(rubric.observationSets.length),
    value: new Float64Array(n),
    status: new Uint8Array(n),
    source: new Uint8Array(n),
    err: new Float64Array(n),
    computed: new Float64Array(n),
    computedStatus: new Uint8Array(n),
    flags: new Uint8Array(n),
    gatedBy: new Int32Array(n).fill(-1),
  };
}

/**
 * Clears a frame's inputs so that it can take the next body (outputs are overwritten by
 * `evaluateFrame`).
 * @param frame - the frame to clear
 */
export function resetFrame(frame: ScoreFrame): void {
  frame.inKind.fill(0);
  frame.obsSum.fill(0);
  frame.obsN.fill(0);
  frame.obsMissing.fill(0);
  frame.obsNotApplicable.fill(0);
  frame.setCount.fill(0);
}

/**
 * Gives a node its value directly, as `readValue` read it (absent leaves the node to its subtree,
 * its observations or its policy).
 * @param frame - the body's frame
 * @param node - node position
 * @param slot - what `readValue` wrote
 */
export function giveInput(frame: ScoreFrame, node: number, slot: ReadSlot): void {
  if (slot.kind === VALUE_ABSENT) return;
  frame.inKind[node] = slot.kind;
  frame.inValue[node] = slot.value;
  frame.inErr[node] = slot.err;
}

/** Status a policy gives a node that would be missing (or has no observation). */
function policyStatus(policy: number): number {
  return policy === POLICY_ZERO ? STATUS_SCORED : policy === POLICY_NOT_APPLICABLE ? STATUS_NOT_APPLICABLE : STATUS_MISSING;
}

/** Applies the gates among node i's children: a child scoring exactly 0 forces its targets to 0. */
function applyGates(rubric: CompiledRubric, f: ScoreFrame, i: number): void {
  const { childStart, childNode, gateStart, gateTarget } = rubric;
  const { value, status, source, err, gatedBy } = f;
  for (let e = childStart[i]!; e < childStart[i + 1]!; e++) {
    const c = childNode[e]!;
    if (status[c] !== STATUS_SCORED || value[c] !== 0) continue;
    for (let g = gateStart[c]!; g < gateStart[c + 1]!; g++) {
      const t = gateTarget[g]!;
      value[t] = 0;
      status[t] = STATUS_SCORED;
      source[t] = SOURCE_GATE;
      err[t] = 0;
      gatedBy[t] = c;
    }
  }
}

/**
 * Scores the body whose inputs are in `frame`, writing every node's value, status and source.
 *
 * A node given directly overrides what its subtree (or its observations) computes; the computed
 * value is kept in `computed`, and `FLAG_INCONSISTENT` is set when the two differ by more than the
 * precision of the inputs (half a unit of the last decimal given, propagated through the weights).
 * @param rubric - compiled rubric
 * @param frame - inputs for one body (see `readValue`), outputs are overwritten
 * @param weights - edge weights to use instead of the rubric's (same positions as `rubric.weights`)
 */
export function evaluateFrame(rubric: CompiledRubric, frame: ScoreFrame, weights: Float64Array = rubric.weights): void {
  // One loop with local state: this runs once per body (or per body and weight vector in a
  // sensitivity run), so it avoids calls and allocation on the common path.
  const { evalOrder, childStart, childNode, obsSet, missingPolicy, rule, naPolicy, hasGatedChildren, noObservationsPolicy } = rubric;
  const { inKind, inValue, inErr, value, status, source, err, computed, computedStatus, flags, gatedBy } = frame;
  const { obsSum, obsN, obsMissing, setCount } = frame;
  for (let k = 0; k < evalOrder.length; k++) {
    const i = evalOrder[k]!;
    // Cleared here rather than up front: a gate sets these on a node after the node itself
    // was evaluated (children come before parents).
    flags[i] = 0;
    gatedBy[i] = -1;
    const start = childStart[i]!;
    const end = childStart[i + 1]!;
    const set = obsSet[i]!;
    let st = STATUS_MISSING;
    let v = 0;
    let e = 0;
    let src = SOURCE_NONE;
    if (end > start) {
      // Combine the children by the node's rule.
      src = SOURCE_CHILDREN;
      if (hasGatedChildren[i] === 1) applyGates(rubric, frame, i);
      const r = rule[i]!;
      const naZero = naPolicy[i] === NA_ZERO;
      let wsum = 0;
      let acc = r === RULE_MINIMUM ? Number.POSITIVE_INFINITY : 0;
      let applicable = 0;
      let missing = false;
      let zero = false;
      for (let c = start; c < end; c++) {
        const child = childNode[c]!;
        const w = weights[c]!;
        const cs = status[child];
        if (cs === STATUS_SCORED) {
          const cv = value[child]!;
          applicable++;
          wsum += w;
          if (r === RULE_ARITHMETIC) {
            acc += w * cv;
            e += w * err[child]!;
          } else if (r === RULE_GEOMETRIC) {
            if (cv === 0) zero = true;
            else acc += w * Math.log(cv);
            e += w * err[child]!;
          } else {
            if (cv < acc) acc = cv;
            if (err[child]! > e) e = err[child]!;
          }
        } else if (cs === STATUS_NOT_APPLICABLE) {
          if (naZero) {
            wsum += w;
            zero = true;
            if (r === RULE_MINIMUM) acc = 0;
          }
        } else missing = true;
      }
      if (missing) st = STATUS_MISSING;
      else if (applicable === 0) st = STATUS_NOT_APPLICABLE;
      else {
        st = STATUS_SCORED;
        if (r === RULE_ARITHMETIC) v = acc / wsum;
        else if (r === RULE_GEOMETRIC) v = zero ? 0 : Math.exp(acc / wsum);
        else v = acc;
        if (r !== RULE_MINIMUM) e /= wsum;
      }
    } else if (set >= 0) {
      // Reduce the body's observations.
      src = SOURCE_OBSERVATIONS;
      if (setCount[set] === 0) {
        st = policyStatus(noObservationsPolicy[set]!);
        src = SOURCE_POLICY;
      } else {
        const policy = missingPolicy[i]!;
        const absent = obsMissing[i]!;
        const n = obsN[i]! + (policy === POLICY_ZERO ? absent : 0);
        if (absent > 0 && policy === POLICY_MISSING) st = STATUS_MISSING;
        else if (n === 0) st = STATUS_NOT_APPLICABLE;
        else {
          st = STATUS_SCORED;
          v = obsSum[i]! / n;
        }
      }
    }
    const given = inKind[i];
    if (given === VALUE_PRESENT) {
      // Given directly: overrides what the subtree or observations computed, which is kept.
      const gv = inValue[i]!;
      value[i] = gv;
      status[i] = STATUS_SCORED;
      source[i] = SOURCE_INPUT;
      err[i] = inErr[i]!;
      computedStatus[i] = src === SOURCE_NONE ? 0 : st;
      computed[i] = st === STATUS_SCORED ? v : Number.NaN;
      if (st === STATUS_SCORED && Math.abs(v - gv) > inErr[i]! + e + EPSILON) flags[i] = FLAG_INCONSISTENT;
      continue;
    }
    computedStatus[i] = 0;
    computed[i] = Number.NaN;
    if (given === VALUE_NOT_APPLICABLE) {
      st = STATUS_NOT_APPLICABLE;
      src = SOURCE_INPUT;
    } else if (st === STATUS_MISSING && set < 0 && missingPolicy[i] !== POLICY_MISSING) {
      st = policyStatus(missingPolicy[i]!);
      src = SOURCE_POLICY;
      v = 0;
      e = 0;
    }
    status[i] = st;
    source[i] = st === STATUS_MISSING ? SOURCE_NONE : src;
    value[i] = st === STATUS_SCORED ? v : 0;
    err[i] = st === STATUS_SCORED ? e : 0;
  }
}
