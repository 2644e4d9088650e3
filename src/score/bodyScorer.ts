import type { Issue } from "../issue.js";
import {
  CODES,
  FLAG_INCONSISTENT,
  READ_OK,
  SOURCE_GATE,
  SOURCE_INPUT,
  STATUS_MISSING,
  STATUS_NOT_APPLICABLE,
  STATUS_SCORED,
  VALUE_ABSENT,
} from "../engine/codes.js";
import { kernelOf, type CompiledRubric, type Kernel } from "../rubric/compileRubric.js";
import { CONSISTENCY_EPSILON, createFrame, evaluateFrame, giveInput, resetFrame, type ScoreFrame } from "./evaluate.js";
import type { ObservationStore } from "./observationStore.js";
import { createReadSlot, readDecimal, readIssue, readsNumbers, readValue, type ReadSlot } from "./readValue.js";
import type { BodyScore, Contribution, NodeScore, NodeSource, NodeStatus } from "./scoreBody.js";
import type { WeightVector } from "./weights.js";

/**
 * `BodyScorer.give`: the node already has a value for this body (given by code and by alias).
 * @example
 * const scorer = new BodyScorer(rubric);
 * scorer.begin();
 * scorer.give(rubric.index.get("tg")!, "0.5");
 * scorer.give(rubric.index.get("TG")!, "0.5") // => GIVEN_TWICE
 */
export const GIVEN_TWICE = -1;

/**
 * Options of a `BodyScorer`.
 * @example
 * const options: BodyScorerOptions = { decimalComma: true };
 * const scorer = new BodyScorer(rubric, options);
 * scorer.begin(); scorer.give(rubric.index.get("iga")!, "0,5"); scorer.evaluate();
 * scorer.frame.value[rubric.root] // => 0.5
 */
export interface BodyScorerOptions {
  /** Weights to score with; default the rubric's own. */
  readonly weights?: WeightVector | undefined;
  /** Keep what `result()` needs to explain every number (shares, raw inputs); off for batch runs. */
  readonly explain?: boolean;
  /** Also read numbers written with a decimal comma (`0,5`). */
  readonly decimalComma?: boolean;
}

/**
 * The one scoring path. Every door scores a body through it: `scoreBody` (values by code),
 * `ogmetric score` and `explain` (cells by column), and batch re-scoring.
 *
 * For each body: `begin()`, then `give(node, raw)` for each value given directly, then the body's
 * observations (`store.load(id, scorer.frame)`), then `evaluate()`; read the frame, or `result()`
 * for the plain `BodyScore`.
 * @example
 * const scorer = new BodyScorer(loadEdition("2017"), { explain: true });
 * scorer.begin(); scorer.give(scorer.rubric.index.get("TG")!, "0.5"); scorer.evaluate();
 * scorer.result({ id: "A" }, []).nodes[2]!.value // => 0.5
 */
export class BodyScorer {
  readonly rubric: CompiledRubric;
  /** The body's buffers: inputs in, values out (see `ScoreFrame`). */
  readonly frame: ScoreFrame;
  readonly #k: Kernel;
  readonly #slot: ReadSlot = createReadSlot();
  readonly #weights: WeightVector | undefined;
  readonly #comma: boolean;
  /** Observations were loaded since the frame was last fully reset. */
  #observed = true;
  /** Raw input of each node given directly, kept when explaining. */
  readonly #raw: (number | string | undefined)[] | undefined;

  /**
   * @param rubric - a compiled rubric
   * @param options - weights, and whether results will be explained
   */
  constructor(rubric: CompiledRubric, options: BodyScorerOptions = {}) {
    this.#k = kernelOf(rubric, "BodyScorer");
    this.rubric = rubric;
    this.frame = createFrame(rubric, { shares: options.explain === true });
    this.#weights = options.weights;
    this.#comma = options.decimalComma === true;
    this.#raw = options.explain === true ? new Array<number | string | undefined>(rubric.size) : undefined;
  }

  /** Clears the previous body's inputs. */
  begin(): void {
    if (this.#observed) {
      resetFrame(this.frame);
      this.#observed = false;
    } else this.frame.inKind.fill(0); // nothing else was written since the last reset
    this.#raw?.fill(undefined);
  }

  /**
   * Reads a raw value for a node and gives it to the body: an empty cell is absent, an NA token
   * makes the node not applicable, anything else must fit the node's input type.
   * @param node - node position (`rubric.index.get(code)`)
   * @param raw - a cell's text, a number, or null/undefined
   * @returns `READ_OK`, a read error code (the value is not given; `issue` explains it), or `GIVEN_TWICE`
   */
  give(node: number, raw: unknown): number {
    const slot = this.#slot;
    const code = readValue(this.#k, node, raw, slot, false, this.#comma);
    if (code !== READ_OK || slot.kind === VALUE_ABSENT) return code;
    if (this.frame.inKind[node] !== VALUE_ABSENT) return GIVEN_TWICE;
    giveInput(this.frame, node, slot);
    if (this.#raw !== undefined && (typeof raw === "number" || typeof raw === "string")) this.#raw[node] = raw;
    return READ_OK;
  }

  /**
   * Gives a node a number already parsed from a plain decimal cell by a byte reader (the same
   * rule as `give`'s decimal reader), with no string made for it. Only for nodes that
   * `readsNumbers` (not ordinal leaves).
   * @param node - node position
   * @param x - the number
   * @param decimals - decimals the cell was written with
   * @returns as `give`
   */
  giveDecimal(node: number, x: number, decimals: number): number {
    const slot = this.#slot;
    const code = readDecimal(this.#k, node, x, decimals, slot);
    if (code !== READ_OK) return code;
    if (this.frame.inKind[node] !== VALUE_ABSENT) return GIVEN_TWICE;
    giveInput(this.frame, node, slot);
    if (this.#raw !== undefined) this.#raw[node] = x;
    return READ_OK;
  }

  /**
   * Whether a node's cells may go through `giveDecimal` (every node but an ordinal leaf, whose
   * levels are matched on the text first).
   * @param node - node position
   */
  readsNumbers(node: number): boolean {
    return readsNumbers(this.#k, node);
  }

  /**
   * Explains a code `give` returned.
   * @param node - the node
   * @param raw - the value given
   * @param code - what `give` (or `ObservationStore.cell`) returned
   * @param observation - true for one observation of a per-observation leaf
   * @returns the issue, with the node code as its path
   */
  issue(node: number, raw: unknown, code: number, observation = false): Issue {
    const info = this.rubric.nodes[node]!;
    if (code === GIVEN_TWICE) return { code: "duplicate_input", path: info.code, message: `"${info.code}" is given twice (by code and alias)` };
    return readIssue(this.#k, node, raw, code, observation);
  }

  /**
   * Loads the body's observations from a store (a body without any keeps none).
   * @param store - observations of the same rubric
   * @param id - the body's id in the store
   * @returns false when the store has nothing for the body
   */
  observe(store: ObservationStore, id: string): boolean {
    this.#observed = true;
    return store.load(id, this.frame);
  }

  /** Scores the body: every node's value, status and source in `frame`. */
  evaluate(): void {
    evaluateFrame(this.frame, this.#weights);
  }

  /**
   * The plain, explained result of the body just evaluated (needs `explain: true` for shares and
   * raw inputs; without it, contributions carry shares of 0 and no raw input).
   * @param identity - the body's id and fields, carried to the result
   * @param issues - input issues found while reading the body
   * @returns the body's score
   */
  result(identity: { readonly id?: string | undefined; readonly fields?: Readonly<Record<string, string>> | undefined }, issues: readonly Issue[]): BodyScore {
    const k = this.#k;
    const rubric = this.rubric;
    const frame = this.frame;
    const { value, status, source, computed, computedStatus, flags, gatedBy, err, share } = frame;
    const valueOf = (i: number) => (status[i] === STATUS_SCORED ? value[i]! : null);
    const warnings: Issue[] = [];
    const nodes = rubric.nodes.map((info, i): NodeScore => {
      const start = k.childStart[i]!;
      const end = k.childStart[i + 1]!;
      let contributions: Contribution[] | undefined;
      if (end > start) {
        contributions = [];
        for (let e = start; e < end; e++) {
          const c = k.childNode[e]!;
          const s = share?.[e] ?? 0;
          const v = status[c] === STATUS_SCORED ? value[c]! : status[c] === STATUS_NOT_APPLICABLE ? 0 : null;
          contributions.push({
            code: rubric.nodes[c]!.code,
            weight: this.#weight(e),
            share: s,
            status: STATUS_NAMES[status[c]!]!,
            value: valueOf(c),
            contribution: s > 0 && info.rule === "arithmetic" && v !== null ? s * v : null,
          });
        }
      }
      if (flags[i]! & FLAG_INCONSISTENT) {
        warnings.push({
          code: "inconsistent_input",
          path: info.code,
          message: `"${info.code}" is given as ${value[i]} but its ${end > start ? "children give" : "observations give"} ${computed[i]} (difference ${Math.abs(value[i]! - computed[i]!).toPrecision(3)}, beyond the inputs' precision ±${(err[i]! + CONSISTENCY_EPSILON).toPrecision(2)})`,
          expected: String(computed[i]),
          received: String(value[i]),
        });
      }
      const set = k.obsSet[i]!;
      const raw = this.#raw?.[i];
      return {
        code: info.code,
        label: info.label.es,
        ...(info.view !== undefined ? { view: info.view } : {}),
        depth: info.depth,
        status: STATUS_NAMES[status[i]!]!,
        value: valueOf(i),
        source: CODES.source[source[i]!] as NodeSource,
        ...(source[i] === SOURCE_INPUT && raw !== undefined ? { input: raw } : {}),
        ...(source[i] === SOURCE_INPUT && computedStatus[i] !== 0
          ? { computed: computedStatus[i] === STATUS_SCORED ? computed[i]! : null }
          : {}),
        ...(set >= 0
          ? { observations: { n: frame.obsN[i]!, missing: frame.obsMissing[i]!, notApplicable: frame.obsNotApplicable[i]!, total: frame.setCount[set]! } }
          : {}),
        ...(contributions ? { contributions } : {}),
        ...(gatedBy[i]! >= 0 ? { gatedBy: rubric.nodes[gatedBy[i]!]!.code } : {}),
      };
    });
    return {
      rubric: { id: rubric.id, version: rubric.version, hash: rubric.hash },
      ...(identity.id !== undefined ? { id: identity.id } : {}),
      ...(identity.fields !== undefined ? { fields: identity.fields } : {}),
      value: valueOf(rubric.root),
      status: STATUS_NAMES[status[rubric.root]!]!,
      nodes,
      missingInputs: this.missingInputs(),
      warnings,
      issues,
    };
  }

  /** The weight of an edge as given (the rubric's, or the scorer's vector). */
  #weight(edge: number): number {
    return this.#weights === undefined ? this.#k.weights[edge]! : this.#weights.get(edge);
  }

  /**
   * The inputs whose absence leaves the result incomplete: the missing leaves (or observation-fed
   * nodes) that the root and the view tops depend on. A subtree overridden by a node given
   * directly, or forced to 0 by a gate, needs no input and is not reported.
   * @returns node codes in display order, without duplicates
   */
  missingInputs(): string[] {
    const k = this.#k;
    const { source, status } = this.frame;
    const out: number[] = [];
    const visited = new Uint8Array(k.size);
    const stack = this.rubric.nodes.filter((n) => n.parent === undefined).map((n) => n.index);
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (visited[n]) continue;
      visited[n] = 1;
      if (source[n] === SOURCE_INPUT || source[n] === SOURCE_GATE) continue;
      const start = k.childStart[n]!;
      const end = k.childStart[n + 1]!;
      if (end === start) {
        if (status[n] === STATUS_MISSING) out.push(n);
        continue;
      }
      for (let e = start; e < end; e++) if (this.#weight(e) > 0) stack.push(k.childNode[e]!);
    }
    return out.sort((a, b) => a - b).map((n) => this.rubric.nodes[n]!.code);
  }
}

/** Status names by frame code; a node not evaluated counts as missing. */
const STATUS_NAMES: readonly NodeStatus[] = CODES.status.map((s) => (s === "pending" ? "missing" : s));
