/**
 * Attribution of one body's difference at the root to the components of a comparison plan: each
 * component's weight effect and value effect, plus the parts that exist in one rubric only. The
 * terms sum to the difference (to − from) up to floating-point rounding (well within 1e-12).
 *
 * Both methods first read each rubric's result down to the components. A node given directly (or
 * forced by a gate or a missing-value policy) above the components is not made of its children's
 * values, so its value is handed down to every component below it, as if each of them had scored
 * it, with the node's weights as shares: the node's part of the root is then still the sum of its
 * components' parts.
 *
 * - **two_factor** (every rule above the components arithmetic): the root is Σ_k S_k · v_k over
 *   the components and only parts, where S_k is the product of the shares (after re-weighting)
 *   on the path from the root to k. Each component's change splits symmetrically:
 *   weight effect (S_to − S_from) · (v_from + v_to) / 2, value effect (S_from + S_to) / 2 ·
 *   (v_to − v_from). A component that does not count in one rubric (not applicable, or a share of
 *   0) has S = 0 there and takes its value from the other rubric, so its entry or exit is a pure
 *   weight effect. Only parts: −Σ S·v of the from-only parts, +Σ S·v of the to-only parts.
 * - **shapley** (some rule geometric or minimum): Shapley values of the game whose players are
 *   each component's weight and value and the two kinds of only parts; see `shapley` below.
 */
import type { BodyScore, NodeScore, NodeStatus } from "../score/scoreBody.js";
import type { ComparisonPlan, PlanSide, UpperPair } from "./comparisonPlan.js";
import { ROLE_COMPONENT, ROLE_ONLY, ROLE_UPPER } from "./comparisonPlan.js";

/**
 * One component's part in a body's (or a group's) difference.
 * @example
 * const r19 = loadEdition("2019");
 * const from = { rubric, scores: [scoreBody(rubric, { id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.5, PC: 0.5 } })] };
 * const to = { rubric: r19, scores: [scoreBody(r19, { id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.5, PC: 1 } })] };
 * const e: ComponentEffect = compareScores(from, to).bodies[0]!.attribution!.components.find((x) => x.code === "pc.recep")!;
 * e // => { code: "pc.recep", weight: 0, value: 0.0375, total: 0.0375 }
 */
export interface ComponentEffect {
  /** The component's code in the `to` rubric. */
  readonly code: string;
  /** Change due to the component's weight (its effective share of the root). */
  readonly weight: number;
  /** Change due to the component's value. */
  readonly value: number;
  /** weight + value. */
  readonly total: number;
}

/**
 * How a difference at the root splits: per component, and the parts in one rubric only.
 * @example
 * const r19 = loadEdition("2019");
 * const from = { rubric, scores: [scoreBody(rubric, { id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.5, PC: 0.5 } })] };
 * const to = { rubric: r19, scores: [scoreBody(r19, { id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.5, PC: 1 } })] };
 * const b = compareScores(from, to).bodies[0]!;
 * const a: Attribution = b.attribution!;
 * [b.diff, a.onlyFrom, a.onlyTo]; // => [0.125, 0, 0]
 * a.components.filter((x) => x.total !== 0).map((x) => [x.code, x.total]) // => [["pc.met", 0.025], ["pc.recep", 0.0375], ["pc.act", 0.0375], ["pc.cel", 0.025]]
 */
export interface Attribution {
  readonly components: readonly ComponentEffect[];
  /** Effect of the parts that exist in the `from` rubric only (their contribution leaving). */
  readonly onlyFrom: number;
  /** Effect of the parts that exist in the `to` rubric only. */
  readonly onlyTo: number;
}

const SCORED = 1;
const NOT_APPLICABLE = 2;
const MISSING = 3;

function statusCode(s: NodeStatus): number {
  return s === "scored" ? SCORED : s === "not_applicable" ? NOT_APPLICABLE : MISSING;
}

/** One rubric's result, read down to the components. */
interface SideRead {
  /** Per component: effective share, status and value (value 0 unless scored). */
  readonly share: Float64Array;
  readonly status: Uint8Array;
  readonly value: Float64Array;
  /** Per only part: the same. */
  readonly onlyShare: Float64Array;
  readonly onlyStatus: Uint8Array;
  readonly onlyValue: Float64Array;
  /** Per expanded pair and entry: the weight of that child edge in this rubric (0 when absent). */
  readonly weights: Float64Array;
}

/** Child positions of each node, per rubric (computed once). */
const childCache = new WeakMap<object, readonly Int32Array[]>();
function childrenOf(side: PlanSide): readonly Int32Array[] {
  let kids = childCache.get(side.rubric);
  if (!kids) {
    const r = side.rubric;
    kids = r.nodes.map((n) => Int32Array.from(n.children, (c) => r.index.get(c.code)!));
    childCache.set(r, kids);
  }
  return kids;
}

/** Offsets of each expanded pair's entries in a flat per-entry array. */
const entryStartCache = new WeakMap<object, Int32Array>();
function entryStarts(plan: ComparisonPlan): Int32Array {
  let starts = entryStartCache.get(plan);
  if (!starts) {
    starts = new Int32Array(plan.upper.length + 1);
    plan.upper.forEach((u, i) => (starts![i + 1] = starts![i]! + u.entries.length));
    entryStartCache.set(plan, starts);
  }
  return starts;
}

/**
 * Reads one rubric's result down to the components (see the module comment for nodes given
 * directly above them).
 * @throws TypeError when an internal node of the score carries no contributions
 */
function readSide(plan: ComparisonPlan, side: PlanSide, score: BodyScore, which: "from" | "to"): SideRead {
  const K = plan.components.length;
  const kids = childrenOf(side);
  const starts = entryStarts(plan);
  const read: SideRead = {
    share: new Float64Array(K),
    status: new Uint8Array(K).fill(MISSING),
    value: new Float64Array(K),
    onlyShare: new Float64Array(which === "from" ? plan.onlyFrom.length : plan.onlyTo.length),
    onlyStatus: new Uint8Array(which === "from" ? plan.onlyFrom.length : plan.onlyTo.length).fill(MISSING),
    onlyValue: new Float64Array(which === "from" ? plan.onlyFrom.length : plan.onlyTo.length),
    weights: new Float64Array(starts[plan.upper.length]!),
  };
  const nodes = score.nodes;
  const walk = (i: number, share: number, virtualStatus: number, virtualValue: number): void => {
    const ns: NodeScore | undefined = nodes[i];
    if (ns === undefined) throw new TypeError(`compare: score ${score.id ?? ""} has no node ${i} of ${side.rubric.id}`);
    const st = virtualStatus > 0 ? virtualStatus : statusCode(ns.status);
    const v = virtualStatus > 0 ? virtualValue : st === SCORED ? ns.value! : 0;
    const role = side.role[i]!;
    const n = side.number[i]!;
    if (role === ROLE_COMPONENT) {
      read.share[n] = st === SCORED ? share : 0;
      read.status[n] = st;
      read.value[n] = v;
      return;
    }
    if (role === ROLE_ONLY) {
      read.onlyShare[n] = st === SCORED ? share : 0;
      read.onlyStatus[n] = st;
      read.onlyValue[n] = v;
      return;
    }
    if (role !== ROLE_UPPER) return;
    const contributions = ns.contributions;
    const children = kids[i]!;
    if (contributions === undefined || contributions.length !== children.length) {
      throw new TypeError(`compare: score ${JSON.stringify(score.id ?? "")} lacks the contributions of "${ns.code}" (${side.rubric.id}); score with scoreBody or scoreFile, which explain every node`);
    }
    // This rubric's weight of each entry's edge, for the Shapley game.
    const u: UpperPair = plan.upper[n]!;
    u.entries.forEach((e, j) => {
      const edge = which === "from" ? ("fromEdge" in e ? e.fromEdge : -1) : "toEdge" in e ? e.toEdge : -1;
      read.weights[starts[n]! + j] = edge >= 0 ? contributions[edge]!.weight : 0;
    });
    let vs = virtualStatus;
    let vv = virtualValue;
    if (vs === 0 && ns.source !== "children") {
      // Given directly, gated or set by a policy: hand its value (or status) down.
      vs = st;
      vv = v;
    }
    if (vs === 0) {
      for (let e = 0; e < children.length; e++) walk(children[e]!, share * contributions[e]!.share, 0, 0);
      return;
    }
    let wsum = 0;
    for (const c of contributions) if (c.weight > 0) wsum += c.weight;
    for (let e = 0; e < children.length; e++) {
      const w = contributions[e]!.weight;
      walk(children[e]!, vs === SCORED && w > 0 ? (share * w) / wsum : 0, vs, vv);
    }
  };
  walk(side.rubric.root, 1, 0, 0);
  return read;
}

/** The result of attributing one body's difference. */
export interface BodyAttribution {
  readonly attribution: Attribution;
  /** Components and expanded pairs whose nodes count in either rubric, by component number and pair number. */
  readonly counted: Uint8Array;
}

/**
 * Attributes one body's difference at the root (both roots scored) to the plan's components.
 * @param plan - the comparison plan
 * @param from - the body's result under the `from` rubric (with contributions)
 * @param to - the body's result under the `to` rubric
 * @returns the attribution, and which components counted in either rubric
 * @throws TypeError when a score lacks contributions
 */
export function attributeBody(plan: ComparisonPlan, from: BodyScore, to: BodyScore): BodyAttribution {
  const a = readSide(plan, plan.from, from, "from");
  const b = readSide(plan, plan.to, to, "to");
  const K = plan.components.length;
  const counted = new Uint8Array(K);
  for (let k = 0; k < K; k++) counted[k] = (a.share[k]! > 0 && a.status[k] === SCORED) || (b.share[k]! > 0 && b.status[k] === SCORED) ? 1 : 0;
  const attribution = plan.method === "two_factor" ? twoFactor(plan, a, b) : shapley(plan, a, b);
  return { attribution, counted };
}

function twoFactor(plan: ComparisonPlan, a: SideRead, b: SideRead): Attribution {
  const components = plan.components.map((c, k): ComponentEffect => {
    const countsA = a.status[k] === SCORED && a.share[k]! > 0;
    const countsB = b.status[k] === SCORED && b.share[k]! > 0;
    if (!countsA && !countsB) return { code: c.code, weight: 0, value: 0, total: 0 };
    const sa = countsA ? a.share[k]! : 0;
    const sb = countsB ? b.share[k]! : 0;
    // A component that does not count on one side takes the other side's value there.
    const va = countsA ? a.value[k]! : b.value[k]!;
    const vb = countsB ? b.value[k]! : a.value[k]!;
    const weight = ((sb - sa) * (va + vb)) / 2;
    const value = ((sa + sb) * (vb - va)) / 2;
    return { code: c.code, weight, value, total: weight + value };
  });
  let onlyFrom = 0;
  for (let p = 0; p < a.onlyShare.length; p++) if (a.onlyStatus[p] === SCORED) onlyFrom -= a.onlyShare[p]! * a.onlyValue[p]!;
  let onlyTo = 0;
  for (let p = 0; p < b.onlyShare.length; p++) if (b.onlyStatus[p] === SCORED) onlyTo += b.onlyShare[p]! * b.onlyValue[p]!;
  return { components, onlyFrom, onlyTo };
}

function popcount(x: number): number {
  let n = 0;
  for (let y = x; y !== 0; y &= y - 1) n++;
  return n;
}

/** Shapley weights |S|! (P − |S| − 1)! / P! by coalition size. */
function shapleyWeights(players: number): Float64Array {
  const fact = [1];
  for (let i = 1; i <= players; i++) fact.push(fact[i - 1]! * i);
  return Float64Array.from({ length: players }, (_, s) => (fact[s]! * fact[players - s - 1]!) / fact[players]!);
}

/**
 * The Shapley attribution. Players: component k's weight (bit 2k) and value (bit 2k + 1), then
 * the from-only parts and the to-only parts (one player each, when there are any).
 *
 * The value of a coalition is the root of a *hybrid* evaluation of the expanded pairs, each with
 * its (shared) rule and policies, exactly as the engine combines children:
 * - component k enters its parent with the `to` weight if its weight player is in the coalition
 *   (else the `from` weight) and with the `to` value and status if its value player is (else the
 *   `from` ones); a status missing on one side takes the other side's;
 * - an expanded child pair enters with its `from` weight plus the fraction of its components'
 *   weight players in the coalition times the change of that weight (so all-in is `to`, none is
 *   `from`);
 * - from-only parts take part (with their `from` weight and value) unless their player is in the
 *   coalition; to-only parts take part only if theirs is.
 * Gates are not re-applied: each value is as its rubric computed it. A hybrid root that is not
 * scored counts as 0. When the roots themselves are the one component (their rules differ, or
 * `depth` is 0), the game is the root's value, chosen by the value player; the weight player is a
 * dummy. The empty coalition gives the `from` root, the full one the `to` root, so
 * the values sum to the difference (efficiency).
 */
function shapley(plan: ComparisonPlan, a: SideRead, b: SideRead): Attribution {
  const K = plan.components.length;
  const P = plan.players;
  const oFrom = plan.onlyFrom.length > 0 ? 2 * K : -1;
  const oTo = plan.onlyTo.length > 0 ? 2 * K + (oFrom >= 0 ? 1 : 0) : -1;
  const starts = entryStarts(plan);
  const upper = plan.upper;
  const U = upper.length;
  const vals = new Float64Array(U);
  const sts = new Uint8Array(U);
  // A component missing on one side takes the other side's status and value.
  const stA = Uint8Array.from(a.status, (s, k) => (s === MISSING ? b.status[k]! : s));
  const vA = Float64Array.from(a.value, (v, k) => (a.status[k] === MISSING ? b.value[k]! : v));
  const stB = Uint8Array.from(b.status, (s, k) => (s === MISSING ? a.status[k]! : s));
  const vB = Float64Array.from(b.value, (v, k) => (b.status[k] === MISSING ? a.value[k]! : v));
  const evaluate = (mask: number): number => {
    // The roots themselves form the only component: its value player decides.
    if (U === 0) return mask & 2 ? (stB[0] === SCORED ? vB[0]! : 0) : stA[0] === SCORED ? vA[0]! : 0;
    for (let u = U - 1; u >= 0; u--) {
      const pair = upper[u]!;
      const rule = pair.rule;
      const naZero = pair.notApplicable === "zero";
      let wsum = 0;
      let acc = rule === "minimum" ? Number.POSITIVE_INFINITY : 0;
      let applicable = 0;
      let missing = false;
      let zero = false;
      const base = starts[u]!;
      const entries = pair.entries;
      for (let j = 0; j < entries.length; j++) {
        const e = entries[j]!;
        let w: number;
        let st: number;
        let v: number;
        if (e.kind === "component") {
          const k = e.index;
          w = mask & (1 << (2 * k)) ? b.weights[base + j]! : a.weights[base + j]!;
          const toValue = (mask & (1 << (2 * k + 1))) !== 0;
          st = toValue ? stB[k]! : stA[k]!;
          v = toValue ? vB[k]! : vA[k]!;
        } else if (e.kind === "upper") {
          const players = upper[e.index]!.weightPlayers;
          const inside = popcount(mask & players);
          const all = popcount(players);
          const wa = a.weights[base + j]!;
          const wb = b.weights[base + j]!;
          w = inside === 0 ? wa : inside === all ? wb : wa + (inside / all) * (wb - wa);
          st = sts[e.index]!;
          v = vals[e.index]!;
        } else if (e.kind === "only_from") {
          if (mask & (1 << oFrom)) continue;
          w = a.weights[base + j]!;
          st = a.onlyStatus[e.index]!;
          v = a.onlyValue[e.index]!;
        } else {
          if (!(mask & (1 << oTo))) continue;
          w = b.weights[base + j]!;
          st = b.onlyStatus[e.index]!;
          v = b.onlyValue[e.index]!;
        }
        if (w === 0) continue;
        if (st === SCORED) {
          applicable++;
          wsum += w;
          if (rule === "arithmetic") acc += w * v;
          else if (rule === "geometric") {
            if (v === 0) zero = true;
            else acc += w * Math.log(v);
          } else if (v < acc) acc = v;
        } else if (st === NOT_APPLICABLE) {
          if (naZero) {
            wsum += w;
            zero = true;
            if (rule === "minimum") acc = 0;
          }
        } else missing = true;
      }
      let st: number;
      let v = 0;
      if (missing) st = MISSING;
      else if (applicable === 0) st = NOT_APPLICABLE;
      else {
        st = SCORED;
        v = rule === "arithmetic" ? acc / wsum : rule === "geometric" ? (zero ? 0 : Math.exp(acc / wsum)) : acc;
      }
      if (st === MISSING && pair.missing !== "missing") {
        st = pair.missing === "zero" ? SCORED : NOT_APPLICABLE;
        v = 0;
      }
      sts[u] = st;
      vals[u] = v;
    }
    return sts[0] === SCORED ? vals[0]! : 0;
  };
  const n = 1 << P;
  const game = new Float64Array(n);
  for (let mask = 0; mask < n; mask++) game[mask] = evaluate(mask);
  const weights = shapleyWeights(P);
  const phi = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    const bit = 1 << i;
    let sum = 0;
    for (let mask = 0; mask < n; mask++) {
      if (mask & bit) continue;
      sum += weights[popcount(mask)]! * (game[mask | bit]! - game[mask]!);
    }
    phi[i] = sum;
  }
  return {
    components: plan.components.map((c, k) => ({ code: c.code, weight: phi[2 * k]!, value: phi[2 * k + 1]!, total: phi[2 * k]! + phi[2 * k + 1]! })),
    onlyFrom: oFrom >= 0 ? phi[oFrom]! : 0,
    onlyTo: oTo >= 0 ? phi[oTo]! : 0,
  };
}
