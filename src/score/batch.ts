import { RULE_ARITHMETIC, NA_ZERO, SOURCE_CHILDREN, STATUS_NOT_APPLICABLE, STATUS_SCORED } from "../engine/codes.js";
import { kernelOf, type CompiledRubric, type Kernel } from "../rubric/compileRubric.js";
import { createFrame, evaluateFrame, type ScoreFrame } from "./evaluate.js";
import { kernelWeights, type WeightVector } from "./weights.js";

/**
 * What stays the same for a body under every weight vector with no zero weight: which nodes are
 * scored, not applicable or missing, which are given, gated or set by a policy. Weights only
 * change how children are mixed, so bodies with the same pattern share one set of path
 * coefficients per weight vector.
 */
interface Pattern {
  /** The pattern holds only arithmetic means on its path, so a node is linear in its terminals. */
  readonly linear: boolean;
  /** Internal nodes whose value comes from their children, parents before children. */
  readonly internal: Int32Array;
  /** Per edge: 1 when the child counts in its parent's weight sum (scored, or not applicable under `zero`). */
  readonly counted: Uint8Array;
  /** The nodes whose values are fixed for the body (leaves, given, gated, policy), in order. */
  readonly terminals: Int32Array;
  /** Coefficient of each node at the output node, for the current weight vector (scratch). */
  readonly coef: Float64Array;
  /** Coefficient of each terminal (scratch, same order as `terminals`). */
  readonly terminalCoef: Float64Array;
}

/**
 * Re-scores a fixed set of bodies under many weight vectors, fast and without allocating per
 * vector: what Monte Carlo uncertainty and Sobol sensitivity runs need (thousands of vectors over
 * every body of an edition).
 *
 * For weights with no zero, a body's statuses, gates and policies do not depend on the weights,
 * and where every rule on the way is the weighted arithmetic mean, a node's value is a sum over
 * the body's fixed values (leaves, nodes given directly, gated zeros) times the product of the
 * shares along the path. Bodies with the same status pattern share those coefficients, so each
 * weight vector costs one pass over the tree per pattern plus one short dot product per body.
 * Bodies whose path holds a geometric or minimum rule, and every body under a weight vector with
 * a zero weight, go through `evaluateFrame` instead; the results agree with it to rounding (a
 * property test checks 1e-12).
 * @example
 * const slot = createReadSlot();
 * const bodies = [{ TG: "0.5", TC: "0.5", PG: "0.2", PC: "0.2" }, { TG: "1", TC: "1", PG: "0", PC: "0" }];
 * const frames = createFrames(rubric, bodies.length, (frame, b) => {
 *   for (const [code, cell] of Object.entries(bodies[b]!)) { readScore(cell, slot); giveInput(frame, rubric.index.get(code)!, slot); }
 * });
 * const batch = new BatchScorer(rubric, frames);
 * const out = new Float64Array(batch.size);
 * batch.score(createWeights(rubric, rubricArrays(rubric).weights.map((w, i) => (i < 2 ? [0.8, 0.2][i]! : w))), out);
 * [...out].map((v) => formatFixed(v, 4)) // => ["0.4400", "0.8000"]
 */
export class BatchScorer {
  readonly rubric: CompiledRubric;
  /** Number of bodies. */
  readonly size: number;
  /** The node scored (the root unless another was asked for). */
  readonly node: number;
  readonly #k: Kernel;
  readonly #frames: readonly ScoreFrame[];
  readonly #patterns: Pattern[] = [];
  /** Per body: its pattern, or -1 when its output node is not scored (value NaN). */
  readonly #patternOf: Int32Array;
  /** Per body: the values of its pattern's terminals, back to back; `#valueStart[b]` is where they begin. */
  readonly #values: Float64Array;
  readonly #valueStart: Int32Array;
  /** Bodies that take the linear path, and those that do not. */
  readonly linear: number;

  /**
   * @param rubric - the rubric
   * @param frames - one filled frame per body (inputs and observations given); they are kept and
   *   re-evaluated by the slow path, so do not change them while the scorer is in use
   * @param node - the node to score (default the root)
   */
  constructor(rubric: CompiledRubric, frames: readonly ScoreFrame[], node = rubric.root) {
    const k = kernelOf(rubric, "BatchScorer");
    if (!(Number.isInteger(node) && node >= 0 && node < k.size)) throw new RangeError(`BatchScorer: node ${node} is not a node of ${rubric.id}`);
    for (const f of frames) if (f.rubric !== rubric) throw new TypeError("BatchScorer: every frame must score the given rubric");
    this.rubric = rubric;
    this.size = frames.length;
    this.node = node;
    this.#k = k;
    this.#frames = frames;
    this.#patternOf = new Int32Array(frames.length).fill(-1);
    this.#valueStart = new Int32Array(frames.length + 1);
    const byKey = new Map<string, number>();
    const values: number[] = [];
    let linear = 0;
    frames.forEach((frame, b) => {
      evaluateFrame(frame);
      this.#valueStart[b] = values.length;
      if (frame.status[node] !== STATUS_SCORED) return;
      const key = `${frame.status.join("")}|${frame.source.join("")}`;
      let p = byKey.get(key);
      if (p === undefined) {
        p = this.#patterns.length;
        this.#patterns.push(this.#pattern(frame));
        byKey.set(key, p);
      }
      this.#patternOf[b] = p;
      const pattern = this.#patterns[p]!;
      if (pattern.linear) {
        linear++;
        for (const t of pattern.terminals) values.push(frame.value[t]!);
      }
    });
    this.#valueStart[frames.length] = values.length;
    this.#values = Float64Array.from(values);
    this.linear = linear;
  }

  /** The nodes a body's value at the output node is made of, and whether it is linear in them. */
  #pattern(frame: ScoreFrame): Pattern {
    const k = this.#k;
    const { status, source } = frame;
    const internal: number[] = [];
    const terminals: number[] = [];
    const counted = new Uint8Array(k.childNode.length);
    let linear = true;
    const stack = [this.node];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (source[i] !== SOURCE_CHILDREN) {
        terminals.push(i);
        continue;
      }
      internal.push(i);
      if (k.rule[i] !== RULE_ARITHMETIC) linear = false;
      const naZero = k.naPolicy[i] === NA_ZERO;
      for (let e = k.childStart[i + 1]! - 1; e >= k.childStart[i]!; e--) {
        const c = k.childNode[e]!;
        if (status[c] === STATUS_SCORED) {
          counted[e] = 1;
          stack.push(c);
        } else if (naZero && status[c] === STATUS_NOT_APPLICABLE) counted[e] = 1; // worth 0: no terminal
      }
    }
    return {
      linear,
      internal: Int32Array.from(internal),
      counted,
      terminals: Int32Array.from(terminals),
      coef: new Float64Array(k.size),
      terminalCoef: new Float64Array(terminals.length),
    };
  }

  /**
   * Scores every body under a weight vector.
   * @param weights - a checked weight vector of the rubric
   * @param out - receives one value per body (NaN where the node is not scored)
   */
  score(weights: WeightVector, out: Float64Array): void {
    if (weights.rubric !== this.rubric) throw new TypeError("BatchScorer.score: the weight vector was made for another rubric");
    if (out.length < this.size) throw new RangeError(`BatchScorer.score: out holds ${out.length} values, fewer than the ${this.size} bodies`);
    const w = kernelWeights(weights);
    if (weights.hasZero) {
      // A zero weight can change which children count: score every body the general way.
      for (let b = 0; b < this.size; b++) out[b] = this.#slow(b, weights);
      return;
    }
    for (const p of this.#patterns) if (p.linear) this.#coefficients(p, w);
    const values = this.#values;
    for (let b = 0; b < this.size; b++) {
      const p = this.#patternOf[b]!;
      if (p < 0) {
        out[b] = Number.NaN;
        continue;
      }
      const pattern = this.#patterns[p]!;
      if (!pattern.linear) {
        out[b] = this.#slow(b, weights);
        continue;
      }
      const tc = pattern.terminalCoef;
      let acc = 0;
      for (let t = 0, v = this.#valueStart[b]!; t < tc.length; t++, v++) acc += tc[t]! * values[v]!;
      out[b] = acc;
    }
  }

  /** Path coefficients of a linear pattern under scaled weights `w`. */
  #coefficients(p: Pattern, w: Float64Array): void {
    const { childStart, childNode } = this.#k;
    const { internal, counted, coef, terminals, terminalCoef } = p;
    // Coefficients flow from the output node down; `internal` lists parents before children.
    coef[this.node] = 1;
    for (let j = 0; j < internal.length; j++) {
      const i = internal[j]!;
      const start = childStart[i]!;
      const end = childStart[i + 1]!;
      let wsum = 0;
      for (let e = start; e < end; e++) if (counted[e] === 1) wsum += w[e]!;
      const scale = coef[i]! / wsum;
      for (let e = start; e < end; e++) if (counted[e] === 1) coef[childNode[e]!] = scale * w[e]!;
    }
    for (let t = 0; t < terminals.length; t++) terminalCoef[t] = coef[terminals[t]!]!;
  }

  /** One body the general way (for non-linear rules and zero weights). */
  #slow(b: number, weights: WeightVector): number {
    const frame = this.#frames[b]!;
    evaluateFrame(frame, weights);
    return frame.status[this.node] === STATUS_SCORED ? frame.value[this.node]! : Number.NaN;
  }
}

/**
 * Makes the frames a `BatchScorer` needs from a function that fills one.
 * @param rubric - the rubric
 * @param count - number of bodies
 * @param fill - fills body `b`'s (reset) frame
 * @returns the frames
 * @example
 * const frames = createFrames(rubric, 3, (frame, b) => { const slot = createReadSlot(); readScore(String(b / 2), slot); giveInput(frame, rubric.index.get("iga")!, slot); });
 * frames.map((f) => { evaluateFrame(f); return f.value[rubric.root]; }) // => [0, 0.5, 1]
 */
export function createFrames(rubric: CompiledRubric, count: number, fill: (frame: ScoreFrame, b: number) => void): ScoreFrame[] {
  return Array.from({ length: count }, (_, b) => {
    const frame = createFrame(rubric);
    fill(frame, b);
    return frame;
  });
}
