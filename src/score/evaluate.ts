import {
  NA_ZERO,
  POLICY_NOT_APPLICABLE,
  POLICY_ZERO,
  RULE_GEOMETRIC,
  RULE_MINIMUM,
  type CompiledRubric,
} from "../rubric/compileRubric.js";
import { VALUE_NOT_APPLICABLE, VALUE_PRESENT } from "./readValue.js";

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

// Result of combining children / observations, shared by the helpers below.
let cStatus = 0;
let cValue = 0;
let cErr = 0;

function applyPolicy(policy: number): void {
  if (policy === POLICY_ZERO) {
    cStatus = STATUS_SCORED;
    cValue = 0;
    cErr = 0;
  } else if (policy === POLICY_NOT_APPLICABLE) {
    cStatus = STATUS_NOT_APPLICABLE;
  } else {
    cStatus = STATUS_MISSING;
  }
}

function combineObservations(rubric: CompiledRubric, f: ScoreFrame, i: number): void {
  const set = rubric.obsSet[i]!;
  cErr = 0;
  if (f.setCount[set] === 0) {
    applyPolicy(policyOf(rubric.observationSets[set]!.noObservations));
    return;
  }
  const missing = f.obsMissing[i]!;
  const policy = rubric.missingPolicy[i]!;
  let n = f.obsN[i]!;
  if (missing > 0) {
    if (policy === POLICY_ZERO) n += missing;
    else if (policy !== POLICY_NOT_APPLICABLE) {
      cStatus = STATUS_MISSING;
      return;
    }
  }
  if (n === 0) {
    cStatus = STATUS_NOT_APPLICABLE;
    return;
  }
  cStatus = STATUS_SCORED;
  cValue = f.obsSum[i]! / n;
}

function policyOf(p: string): number {
  return p === "zero" ? POLICY_ZERO : p === "not_applicable" ? POLICY_NOT_APPLICABLE : 0;
}

function combineChildren(rubric: CompiledRubric, f: ScoreFrame, i: number, weights: Float64Array): void {
  const start = rubric.childStart[i]!;
  const end = rubric.childStart[i + 1]!;
  const { childNode, gateStart, gateTarget } = rubric;
  const { value, status, source, err, gatedBy } = f;
  // Gates: a child scoring exactly 0 forces its listed siblings to 0.
  for (let e = start; e < end; e++) {
    const c = childNode[e]!;
    const gs = gateStart[c]!;
    const ge = gateStart[c + 1]!;
    if (gs === ge || status[c] !== STATUS_SCORED || value[c] !== 0) continue;
    for (let g = gs; g < ge; g++) {
      const t = gateTarget[g]!;
      value[t] = 0;
      status[t] = STATUS_SCORED;
      source[t] = SOURCE_GATE;
      err[t] = 0;
      gatedBy[t] = c;
    }
  }
  const rule = rubric.rule[i]!;
  const naZero = rubric.naPolicy[i] === NA_ZERO;
  let wsum = 0;
  let acc = rule === RULE_MINIMUM ? Number.POSITIVE_INFINITY : 0;
  let accErr = 0;
  let applicable = 0;
  let missing = false;
  let zero = false;
  for (let e = start; e < end; e++) {
    const c = childNode[e]!;
    const w = weights[e]!;
    const s = status[c];
    if (s === STATUS_MISSING) {
      missing = true;
    } else if (s === STATUS_NOT_APPLICABLE) {
      if (naZero) {
        wsum += w;
        zero = true;
        if (rule === RULE_MINIMUM) acc = 0;
      }
    } else {
      applicable++;
      const v = value[c]!;
      wsum += w;
      accErr += w * err[c]!;
      if (rule === RULE_GEOMETRIC) {
        if (v === 0) zero = true;
        else acc += w * Math.log(v);
      } else if (rule === RULE_MINIMUM) {
        if (v < acc) acc = v;
        if (err[c]! > accErr) accErr = err[c]!;
      } else {
        acc += w * v;
      }
    }
  }
  if (missing) {
    cStatus = STATUS_MISSING;
    return;
  }
  if (applicable === 0) {
    cStatus = STATUS_NOT_APPLICABLE;
    return;
  }
  cStatus = STATUS_SCORED;
  if (rule === RULE_GEOMETRIC) cValue = zero ? 0 : Math.exp(acc / wsum);
  else if (rule === RULE_MINIMUM) cValue = acc;
  else cValue = acc / wsum;
  cErr = rule === RULE_MINIMUM ? accErr : accErr / wsum;
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
  const { evalOrder, childStart, obsSet, missingPolicy } = rubric;
  const { inKind, inValue, inErr, value, status, source, err, computed, computedStatus, flags, gatedBy } = frame;
  flags.fill(0);
  gatedBy.fill(-1);
  for (let k = 0; k < evalOrder.length; k++) {
    const i = evalOrder[k]!;
    const internal = childStart[i + 1]! > childStart[i]!;
    const fromObservations = obsSet[i]! >= 0;
    let computedSource = SOURCE_CHILDREN;
    if (internal) {
      combineChildren(rubric, frame, i, weights);
    } else if (fromObservations) {
      combineObservations(rubric, frame, i);
      computedSource = SOURCE_OBSERVATIONS;
    } else {
      cStatus = STATUS_MISSING;
      cErr = 0;
      computedSource = SOURCE_NONE;
    }
    const given = inKind[i];
    if (given === VALUE_PRESENT) {
      value[i] = inValue[i]!;
      status[i] = STATUS_SCORED;
      source[i] = SOURCE_INPUT;
      err[i] = inErr[i]!;
      computedStatus[i] = computedSource === SOURCE_NONE ? 0 : cStatus;
      computed[i] = cStatus === STATUS_SCORED ? cValue : Number.NaN;
      if (cStatus === STATUS_SCORED && Math.abs(cValue - inValue[i]!) > inErr[i]! + cErr + EPSILON) {
        flags[i] = FLAG_INCONSISTENT;
      }
      continue;
    }
    computedStatus[i] = 0;
    computed[i] = Number.NaN;
    if (given === VALUE_NOT_APPLICABLE) {
      status[i] = STATUS_NOT_APPLICABLE;
      source[i] = SOURCE_INPUT;
      value[i] = 0;
      err[i] = 0;
      continue;
    }
    let src = computedSource;
    if (cStatus === STATUS_MISSING && !fromObservations) {
      const policy = missingPolicy[i]!;
      if (policy !== 0) {
        applyPolicy(policy);
        src = SOURCE_POLICY;
      }
    } else if (fromObservations && !internal && frame.setCount[obsSet[i]!] === 0) {
      src = SOURCE_POLICY;
    }
    status[i] = cStatus;
    source[i] = cStatus === STATUS_MISSING ? SOURCE_NONE : src;
    value[i] = cStatus === STATUS_SCORED ? cValue : 0;
    err[i] = cStatus === STATUS_SCORED ? cErr : 0;
  }
}
