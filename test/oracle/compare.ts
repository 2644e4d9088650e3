/**
 * Comparing the engine's results with the reference evaluator's, node by node.
 */
import { expect } from "vitest";
import type { BodyScore } from "../../src/index.js";
import { toDouble } from "./rational.js";
import type { RefScore } from "./referenceScore.js";

/** Largest difference allowed between an engine value and an exact reference value. */
export const TOLERANCE = 1e-12;

/** `actual` is within TOLERANCE of the exact value, and equal to its nearest double when `exact`. */
export function expectClose(actual: number | null | undefined, expected: ReturnType<typeof toDouble> | null, exact: boolean, where: string): void {
  if (expected === null) {
    expect(actual, where).toBeNull();
    return;
  }
  expect(typeof actual, where).toBe("number");
  const a = actual as number;
  if (exact) expect(a, `${where} (must round exactly)`).toBe(expected);
  else if (!(Math.abs(a - expected) <= TOLERANCE)) expect(a, `${where} (within ${TOLERANCE})`).toBe(expected);
}

/** Every node's status, source, value, computed value, observation counts, contributions and gate, the missing inputs and the issues. */
export function expectMatches(score: BodyScore, ref: RefScore, context: string): void {
  expect(score.nodes.map((n) => n.code), `${context}: node order`).toEqual(ref.nodes.map((n) => n.code));
  score.nodes.forEach((n, i) => {
    const r = ref.nodes[i]!;
    const at = `${context}: node ${n.code}`;
    expect([n.label, n.depth, n.view, n.input], `${at} label, depth, view, input`).toEqual([r.label, r.depth, r.view, r.input]);
    // Optional keys are absent, not present as undefined: results serialize as they read.
    for (const key of ["view", "input", "computed", "observations", "contributions", "gatedBy"] as const) {
      expect(key in n, `${at} has ${key}`).toBe(r[key] !== undefined);
    }
    expect(n.status, `${at} status`).toBe(r.status);
    expect(n.source, `${at} source`).toBe(r.source);
    expectClose(n.value, r.value === null ? null : toDouble(r.value), r.exact, `${at} value`);
    if (r.computed) {
      expect(n.computed, `${at} computed`).not.toBeUndefined();
      expectClose(n.computed, r.computed.status === "scored" ? toDouble(r.computed.value!) : null, false, `${at} computed`);
    } else expect(n.computed, `${at} computed`).toBeUndefined();
    expect(n.observations, `${at} observations`).toEqual(r.observations);
    expect(n.gatedBy, `${at} gatedBy`).toBe(r.gatedBy);
    if (!r.contributions) expect(n.contributions, `${at} contributions`).toBeUndefined();
    else {
      expect(n.contributions?.length, `${at} contributions`).toBe(r.contributions.length);
      r.contributions.forEach((rc, j) => {
        const c = n.contributions![j]!;
        const cat = `${at} → ${rc.code}`;
        expect([c.code, c.weight, c.status], cat).toEqual([rc.code, rc.weight, rc.status]);
        expectClose(c.value, rc.value === null ? null : toDouble(rc.value), false, `${cat} value`);
        expectClose(c.share, toDouble(rc.share), false, `${cat} share`);
        expectClose(c.contribution, rc.contribution === null ? null : toDouble(rc.contribution), false, `${cat} contribution`);
      });
    }
  });
  const root = ref.nodes[0]!;
  expect(score.status, `${context}: root status`).toBe(root.status);
  expectClose(score.value, root.value === null ? null : toDouble(root.value), root.exact, `${context}: root value`);
  expect(score.missingInputs, `${context}: missingInputs`).toEqual(ref.missingInputs);
  expect(score.issues.map((i) => [i.code, i.path, i.expected, i.hint]), `${context}: issues`).toEqual(ref.issues.map((i) => [i.code, i.path, i.expected, i.hint]));
  expect(score.warnings.map((w) => [w.code, w.path]), `${context}: warnings`).toEqual(ref.warnings.map((w) => ["inconsistent_input", w.path]));
  score.warnings.forEach((w, i) => {
    const r = ref.warnings[i]!;
    expect(Number(w.received), `${context}: warning ${w.path} received`).toBe(toDouble(r.given));
    expectClose(Number(w.expected), toDouble(r.computed), false, `${context}: warning ${w.path} expected`);
    const gap = Math.abs(Number(w.received) - Number(w.expected)).toPrecision(3);
    const bound = (r.precision + 1e-9).toPrecision(2);
    expect(w.message, `${context}: warning ${w.path} message`).toBe(
      `"${w.path}" is given as ${w.received} but its ${r.from} give ${w.expected} (difference ${gap}, beyond the inputs' precision ±${bound})`,
    );
  });
}
