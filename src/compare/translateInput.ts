/**
 * Carrying one body's input from one rubric to another through their crosswalk, so that the same
 * data can be scored under both.
 */
import type { LeafInput } from "../rubric/schema.js";
import type { BodyInput, BodyScore, NodeScore, RawValue } from "../score/scoreBody.js";
import type { ComparisonPlan } from "./comparisonPlan.js";

/** A body's input rewritten for the `to` rubric. */
export interface TranslatedInput {
  readonly input: BodyInput;
  /** `to` nodes that took their partner's value under `from` (see `translateInput`). */
  readonly bridged: readonly string[];
  /** `to` nodes reached through a mapping (inputs carried or values bridged). */
  readonly used: ReadonlySet<number>;
  /** Keys of the input that no mapping carries (nodes that exist under `from` only, or unknown keys). */
  readonly dropped: readonly string[];
}

/**
 * Rewrites a body's input, named by `from` codes (or aliases), for the `to` rubric:
 * - each value given for a `from` node goes to its partner (`same`, `renamed` or
 *   `assumed_equivalent`); a value for a node that exists under `from` only is dropped;
 * - each observation row goes to the observation set of its leaves' partners (one row per set its
 *   cells reach); a cell whose partner is not fed by observations is dropped;
 * - with `fromScore`, a crosswalked `to` node whose subtree received nothing, and none of whose
 *   nodes has a partner that is a leaf under `from` (so no input of `from` could ever reach it),
 *   takes the value (or the not-applicable status) its partner scored under `from`: this is how
 *   2019's request-record leaves, which 2017 does not have, still reach 2017's `tg.ai`. A subtree
 *   that `from` inputs can reach is left to the `to` rubric's own policies when a body gives it
 *   nothing (an edited copy's policy for a body without observations applies). Only values that
 *   come from the data are bridged (given, computed from children or observations; not a gate's
 *   0 nor a policy's value, which the `to` rubric's own rules decide). Only the highest such node
 *   is bridged (views, which take no input, never are), and only where the value can
 *   be given as it is: an internal node, a leaf scored in [0, 1], or a binary leaf given 0 or 1.
 * @param plan - the comparison plan
 * @param input - the body's input under `from`
 * @param fromScore - the body's result under `from`, to bridge from; omit to not bridge
 * @returns the rewritten input and what was bridged, used and dropped
 */
export function translateInput(plan: ComparisonPlan, input: BodyInput, fromScore?: BodyScore): TranslatedInput {
  const from = plan.from.rubric;
  const to = plan.to.rubric;
  const used = new Set<number>();
  const dropped: string[] = [];
  const received = new Uint8Array(to.size);
  const values: Record<string, RawValue> = Object.create(null);
  const own = <T>(o: Readonly<Record<string, T>> | undefined) => (o === undefined || o === null ? [] : Object.keys(o).map((k) => [k, o[k]!] as const));
  for (const [key, raw] of own(input.values)) {
    const f = from.index.get(key);
    const t = f === undefined ? undefined : plan.toOfFrom.get(f);
    if (t === undefined) {
      dropped.push(key);
      continue;
    }
    values[to.nodes[t]!.code] = raw;
    received[t] = 1;
    used.add(t);
  }
  const observations: Record<string, Record<string, RawValue>[]> = Object.create(null);
  for (const [setId, rows] of own(input.observations)) {
    if (!Array.isArray(rows)) continue;
    for (const row of rows as readonly Readonly<Record<string, RawValue>>[]) {
      const bySet = new Map<string, Record<string, RawValue>>();
      for (const [key, raw] of own(row)) {
        const f = from.index.get(key);
        const t = f === undefined ? undefined : plan.toOfFrom.get(f);
        const set = t === undefined ? undefined : to.nodes[t]!.observationSet;
        if (t === undefined || set === undefined) {
          if (!dropped.includes(`${setId}.${key}`)) dropped.push(`${setId}.${key}`);
          continue;
        }
        let out = bySet.get(set);
        if (!out) {
          out = Object.create(null) as Record<string, RawValue>;
          bySet.set(set, out);
        }
        out[to.nodes[t]!.code] = raw;
        received[t] = 1;
        used.add(t);
      }
      for (const [set, out] of bySet) (observations[set] ??= []).push(out);
    }
  }

  const bridged: string[] = [];
  if (fromScore !== undefined) {
    // A node's subtree received something: children come after their parent in display order
    // (main tree in pre-order, then each view), so one backward pass propagates it upwards.
    const below = upwards(to, received);
    const fed = leafPartnersBelow(plan);
    const visit = (t: number): void => {
      const f = plan.fromOfTo.get(t);
      const partner = f === undefined ? undefined : fromScore.nodes[f];
      const fromData = partner !== undefined && partner.status !== "missing" && partner.source !== "gate" && partner.source !== "policy";
      if (!below[t] && !fed[t] && fromData && takesScore(to.nodes[t]!.input, partner!)) {
        values[to.nodes[t]!.code] = partner!.status === "scored" ? partner!.value! : "NA";
        bridged.push(to.nodes[t]!.code);
        used.add(t);
        return;
      }
      for (const c of to.nodes[t]!.children) visit(to.index.get(c.code)!);
    };
    visit(to.root);
  }
  const out: BodyInput = {
    ...(input.id !== undefined ? { id: input.id } : {}),
    ...(input.fields !== undefined ? { fields: input.fields } : {}),
    values,
    observations,
  };
  return { input: out, bridged, used, dropped };
}

/** Whether a partner's score can be given to a node as it is (a count or a level cannot take a score). */
function takesScore(input: LeafInput | undefined, partner: NodeScore): boolean {
  if (input === undefined || input.type === "score" || partner.status !== "scored") return true;
  return input.type === "binary" && (partner.value === 0 || partner.value === 1);
}

/** Marks every node whose subtree (itself included) has a marked node: one backward pass, children come after parents. */
function upwards(r: ComparisonPlan["to"]["rubric"], marked: Uint8Array): Uint8Array {
  const out = Uint8Array.from(marked);
  for (let i = r.size - 1; i >= 0; i--) {
    if (!out[i]) continue;
    const parent = r.nodes[i]!.parent;
    if (parent !== undefined) out[r.index.get(parent)!] = 1;
  }
  return out;
}

const fedCache = new WeakMap<object, Uint8Array>();
/** `to` nodes with a node below (or at) them whose `from` partner is a leaf, which `from` inputs reach. */
function leafPartnersBelow(plan: ComparisonPlan): Uint8Array {
  let fed = fedCache.get(plan);
  if (!fed) {
    const to = plan.to.rubric;
    const from = plan.from.rubric;
    const leafPartner = new Uint8Array(to.size);
    for (const [t, f] of plan.fromOfTo) if (from.nodes[f]!.children.length === 0) leafPartner[t] = 1;
    fed = upwards(to, leafPartner);
    fedCache.set(plan, fed);
  }
  return fed;
}
