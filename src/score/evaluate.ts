import {
  CONSISTENCY_EPSILON,
  FLAG_INCONSISTENT,
  NA_ZERO,
  POLICY_MISSING,
  POLICY_NOT_APPLICABLE,
  POLICY_ZERO,
  RULE_ARITHMETIC,
  RULE_GEOMETRIC,
  RULE_MINIMUM,
  SOURCE_CHILDREN,
  SOURCE_GATE,
  SOURCE_INPUT,
  SOURCE_NONE,
  SOURCE_OBSERVATIONS,
  SOURCE_POLICY,
  STATUS_MISSING,
  STATUS_NOT_APPLICABLE,
  STATUS_SCORED,
  VALUE_ABSENT,
  VALUE_NOT_APPLICABLE,
  VALUE_PRESENT,
} from "../engine/codes.js";
import { kernelOf, type CompiledRubric, type Kernel } from "../rubric/compileRubric.js";
import type { ReadSlot } from "./readValue.js";
import type { GeneratedKernel } from "./generatedKernel.js";
import { createWeights, kernelWeights, type WeightVector } from "./weights.js";

export { CONSISTENCY_EPSILON } from "../engine/codes.js";

/** Read a frame's kernel and default weights; set by the class's static block only. */
let kernelOfFrame: (f: ScoreFrame) => Kernel;
let weightsOfFrame: (f: ScoreFrame) => Float64Array;
let generatedOfFrame: (f: ScoreFrame) => GeneratedKernel | null;

/**
 * Reusable buffers for scoring one body at a time: inputs in, values out. Create one per rubric
 * with `createFrame`, `resetFrame` between bodies, and score with `evaluateFrame`: no allocation
 * per body, which is what batch scoring and Monte Carlo runs need.
 *
 * Inputs are written by `giveInput` and the observation store (or directly by engine users);
 * outputs are overwritten by every `evaluateFrame`. Codes are those of `CODES` in `ogmetric/engine`.
 * @example
 * const frame: ScoreFrame = createFrame(rubric);
 * [frame.value.length, frame.status[rubric.root] === STATUS_PENDING] // => [26, true]
 */
export class ScoreFrame {
  /** The rubric this frame scores. */
  readonly rubric: CompiledRubric;
  /** Per node: VALUE_ABSENT, VALUE_PRESENT or VALUE_NOT_APPLICABLE given directly. */
  readonly inKind: Uint8Array;
  readonly inValue: Float64Array;
  /** Precision of each value given (half a unit of its last decimal, on the score's scale). */
  readonly inErr: Float64Array;
  /** Per-observation leaves: sum of scores, count of scored, missing and not-applicable observations. */
  readonly obsSum: Float64Array;
  readonly obsN: Int32Array;
  readonly obsMissing: Int32Array;
  readonly obsNotApplicable: Int32Array;
  /** Per observation set: number of observations of the body. */
  readonly setCount: Int32Array;
  /** Outputs, per node. */
  readonly value: Float64Array;
  readonly status: Uint8Array;
  readonly source: Uint8Array;
  /** Precision bound of each value (propagated from the decimals of the inputs). */
  readonly err: Float64Array;
  /** For nodes given directly: what the subtree or observations gave (NaN when not scored). */
  readonly computed: Float64Array;
  readonly computedStatus: Uint8Array;
  readonly flags: Uint8Array;
  /** For gated nodes: the position of the gating node, else -1. */
  readonly gatedBy: Int32Array;
  /**
   * Per child edge: the child's effective share of its parent after re-weighting (0 when it does
   * not count), written by the kernel when the frame was created with `shares: true`.
   */
  readonly share: Float64Array | undefined;
  readonly #kernel: Kernel;
  readonly #weights: Float64Array;
  /** The rubric's generated kernel (null where none can be built, or when recording shares). */
  readonly #generated: GeneratedKernel | null;

  static {
    kernelOfFrame = (f) => f.#kernel;
    weightsOfFrame = (f) => f.#weights;
    generatedOfFrame = (f) => f.#generated;
  }

  /** @internal Use `createFrame`. */
  constructor(rubric: CompiledRubric, kernel: Kernel, weights: Float64Array, shares: boolean) {
    const n = kernel.size;
    this.rubric = rubric;
    this.inKind = new Uint8Array(n);
    this.inValue = new Float64Array(n);
    this.inErr = new Float64Array(n);
    this.obsSum = new Float64Array(n);
    this.obsN = new Int32Array(n);
    this.obsMissing = new Int32Array(n);
    this.obsNotApplicable = new Int32Array(n);
    this.setCount = new Int32Array(kernel.noObservationsPolicy.length);
    this.value = new Float64Array(n);
    this.status = new Uint8Array(n);
    this.source = new Uint8Array(n);
    this.err = new Float64Array(n);
    this.computed = new Float64Array(n);
    this.computedStatus = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.gatedBy = new Int32Array(n).fill(-1);
    this.share = shares ? new Float64Array(kernel.childNode.length) : undefined;
    this.#kernel = kernel;
    this.#weights = weights;
    this.#generated = shares || kernelGenerator === undefined ? null : kernelGenerator(kernel);
    Object.freeze(this);
  }
}

/** Makes a rubric's generated kernel; installed by `useGeneratedKernels`, absent in the pure core. */
let kernelGenerator: ((k: Kernel) => GeneratedKernel | null) | undefined;

/**
 * Installs (or removes) the maker of generated kernels. Internal: see `useGeneratedKernels`,
 * which keeps `new Function` out of every module the pure core imports.
 */
export function installKernelGenerator(generator: ((k: Kernel) => GeneratedKernel | null) | undefined): void {
  kernelGenerator = generator;
}

/** The rubric's own weights, scaled once per rubric. */
const defaultWeights = new WeakMap<Kernel, Float64Array>();

/**
 * Options of `createFrame`.
 * @example
 * const options: FrameOptions = { shares: true };
 * createFrame(rubric, options).share?.length // => 27
 */
export interface FrameOptions {
  /** Record each child's effective share in `frame.share` (explanations need it; batch runs do not). */
  readonly shares?: boolean;
}

/**
 * Creates the buffers to score bodies with a rubric.
 * @param rubric - compiled rubric
 * @param options - whether to record shares
 * @returns a zeroed frame
 * @throws TypeError when `rubric` is not a compiled rubric
 * @example
 * const frame = createFrame(rubric);
 * const slot = createReadSlot();
 * for (const [code, cell] of Object.entries({ TG: "0.5", TC: "0.5", PG: "0.2", PC: "0.2" })) { readScore(cell, slot); giveInput(frame, rubric.index.get(code)!, slot); }
 * evaluateFrame(frame);
 * frame.value[rubric.root] // => 0.35
 */
export function createFrame(rubric: CompiledRubric, options: FrameOptions = {}): ScoreFrame {
  const kernel = kernelOf(rubric, "createFrame");
  let weights = defaultWeights.get(kernel);
  if (weights === undefined) {
    weights = kernelWeights(createWeights(rubric));
    defaultWeights.set(kernel, weights);
  }
  return new ScoreFrame(rubric, kernel, weights, options.shares === true);
}

/**
 * Clears a frame's inputs so that it can take the next body (outputs are overwritten by
 * `evaluateFrame`).
 * @param frame - the frame to clear
 * @example
 * const frame = createFrame(rubric);
 * const slot = createReadSlot();
 * for (const [code, cell] of Object.entries({ TG: "0.5", TC: "0.5", PG: "0.2", PC: "0.2" })) { readScore(cell, slot); giveInput(frame, rubric.index.get(code)!, slot); }
 * resetFrame(frame);
 * evaluateFrame(frame);
 * codeName("status", frame.status[rubric.root]!) // => "missing"
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
 * @example
 * const frame = createFrame(rubric);
 * const slot = createReadSlot();
 * readScore("NA", slot);
 * giveInput(frame, rubric.index.get("PG")!, slot);
 * frame.inKind[rubric.index.get("PG")!] === VALUE_NOT_APPLICABLE // => true
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
function applyGates(k: Kernel, f: ScoreFrame, i: number): void {
  const { childStart, childNode, gateStart, gateTarget } = k;
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
 * @param frame - inputs for one body (see `giveInput`); outputs are overwritten
 * @param weights - a checked weight vector for the frame's rubric; default the rubric's own
 * @throws TypeError when `weights` was made for another rubric
 * @example
 * const frame = createFrame(rubric);
 * const slot = createReadSlot();
 * for (const [code, cell] of Object.entries({ TG: "0.5", TC: "0.5", PG: "0.2", PC: "0.2" })) { readScore(cell, slot); giveInput(frame, rubric.index.get(code)!, slot); }
 * evaluateFrame(frame, createWeights(rubric, rubricArrays(rubric).weights.map((w, i) => (i < 2 ? [0.8, 0.2][i]! : w))));
 * formatFixed(frame.value[rubric.root]!, 4) // => "0.4400"
 */
export function evaluateFrame(frame: ScoreFrame, weights?: WeightVector): void {
  const k = kernelOfFrame(frame);
  let w = weightsOfFrame(frame);
  if (weights !== undefined) {
    if (weights.rubric !== frame.rubric) throw new TypeError(`evaluateFrame: the weight vector was made for ${weights.rubric.id}@${weights.rubric.version}, not for the frame's rubric`);
    w = kernelWeights(weights);
  }
  const { inKind, inValue, inErr, value, status, source, err, computed, computedStatus, flags, gatedBy, share } = frame;
  const { obsSum, obsN, obsMissing, setCount } = frame;
  const generated = generatedOfFrame(frame);
  if (generated !== null) {
    generated(inKind, inValue, inErr, obsSum, obsN, obsMissing, setCount, value, status, source, err, computed, computedStatus, flags, gatedBy, w);
    return;
  }
  // One loop with local state: this runs once per body (or per body and weight vector in a
  // sensitivity run), so it avoids calls and allocation on the common path.
  const { evalOrder, childStart, childNode, obsSet, missingPolicy, rule, naPolicy, hasGatedChildren, noObservationsPolicy } = k;
  for (let o = 0; o < evalOrder.length; o++) {
    const i = evalOrder[o]!;
    // Cleared here rather than up front: a gate sets these on a node after the node itself
    // was evaluated (children come before parents).
    flags[i] = 0;
    gatedBy[i] = -1;
    const start = childStart[i]!;
    const end = childStart[i + 1]!;
    const set = obsSet[i]!;
    let st: number = STATUS_MISSING;
    let v = 0;
    let e = 0;
    let src: number = SOURCE_NONE;
    if (end > start) {
      // Combine the children by the node's rule, over the edges of positive weight.
      src = SOURCE_CHILDREN;
      if (hasGatedChildren[i] === 1) applyGates(k, frame, i);
      const r = rule[i]!;
      const naZero = naPolicy[i] === NA_ZERO;
      let wsum = 0;
      let acc = r === RULE_MINIMUM ? Number.POSITIVE_INFINITY : 0;
      let applicable = 0;
      let missing = false;
      let zero = false;
      for (let c = start; c < end; c++) {
        const wc = w[c]!;
        if (wc === 0) continue;
        const child = childNode[c]!;
        const cs = status[child];
        if (cs === STATUS_SCORED) {
          const cv = value[child]!;
          applicable++;
          wsum += wc;
          if (r === RULE_ARITHMETIC) {
            acc += wc * cv;
            e += wc * err[child]!;
          } else if (r === RULE_GEOMETRIC) {
            if (cv === 0) zero = true;
            else acc += wc * Math.log(cv);
            e += wc * err[child]!;
          } else {
            if (cv < acc) acc = cv;
            if (err[child]! > e) e = err[child]!;
          }
        } else if (cs === STATUS_NOT_APPLICABLE) {
          if (naZero) {
            wsum += wc;
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
      if (share !== undefined) {
        // Each child's part after re-weighting: what explanations show as "share".
        for (let c = start; c < end; c++) {
          const cs = status[childNode[c]!];
          const counts = st === STATUS_SCORED && (cs === STATUS_SCORED || (naZero && cs === STATUS_NOT_APPLICABLE));
          share[c] = counts ? w[c]! / wsum : 0;
        }
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
      if (st === STATUS_SCORED && Math.abs(v - gv) > inErr[i]! + e + CONSISTENCY_EPSILON) flags[i] = FLAG_INCONSISTENT;
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
