import {
  NA_ZERO,
  POLICY_MISSING,
  POLICY_NOT_APPLICABLE,
  POLICY_ZERO,
  RULE_ARITHMETIC,
  RULE_GEOMETRIC,
  SOURCE_CHILDREN,
  SOURCE_GATE,
  SOURCE_INPUT,
  SOURCE_NONE,
  SOURCE_OBSERVATIONS,
  SOURCE_POLICY,
  STATUS_MISSING,
  STATUS_NOT_APPLICABLE,
  STATUS_SCORED,
  VALUE_NOT_APPLICABLE,
  VALUE_PRESENT,
  FLAG_INCONSISTENT,
  CONSISTENCY_EPSILON,
} from "../engine/codes.js";
import type { Kernel } from "../rubric/compileRubric.js";
import { installKernelGenerator } from "./evaluate.js";

/**
 * The kernel of one rubric as straight-line code: `evaluateFrame`'s loop unrolled over the
 * rubric's nodes and edges, with every index, rule and policy a constant. V8 compiles it to tight
 * machine code with no branch on the rule and no look-up of child lists, which is what the batch
 * path spends its time in after reading.
 *
 * It is built with `new Function`, so it is never on by default: the pure core (`ogmetric`) runs
 * the loop, and no `eval` reaches a browser bundle. `ogmetric/node` and the command line turn it
 * on (`useGeneratedKernels(true)`), as may any caller of `ogmetric/engine`; where code generation
 * from strings is forbidden (a strict Content-Security-Policy) it is simply not available and the
 * loop runs instead.
 * Every operation is the loop's, in the same order, so results are bit-identical (a property test
 * compares every output array bit for bit). It does not record shares: frames created with
 * `shares: true` (explanations) use the loop.
 */
export type GeneratedKernel = (
  inKind: Uint8Array,
  inValue: Float64Array,
  inErr: Float64Array,
  obsSum: Float64Array,
  obsN: Int32Array,
  obsMissing: Int32Array,
  setCount: Int32Array,
  value: Float64Array,
  status: Uint8Array,
  source: Uint8Array,
  err: Float64Array,
  computed: Float64Array,
  computedStatus: Uint8Array,
  flags: Uint8Array,
  gatedBy: Int32Array,
  w: Float64Array,
) => void;

const ARGS = ["inKind", "inValue", "inErr", "obsSum", "obsN", "obsMissing", "setCount", "value", "status", "source", "err", "computed", "computedStatus", "flags", "gatedBy", "w"];

const cache = new WeakMap<Kernel, GeneratedKernel | null>();

/**
 * Turns generated kernels on or off for frames created from now on (off unless a Node entry point
 * turned them on). With them on, `evaluateFrame` runs a rubric's straight-line kernel, bit-identical
 * to its loop and several times faster; frames recording shares always use the loop.
 * @param on - whether new frames may use generated kernels
 * @example
 * useGeneratedKernels(true); // in Node, before scoring many bodies (ogmetric/node does it)
 * scoreBody(rubric, { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }).value // => 0.35
 */
export function useGeneratedKernels(on: boolean): void {
  installKernelGenerator(on ? generatedKernel : undefined);
}

/**
 * The generated kernel of a rubric, built on first use; null where it cannot be built.
 * @param k - the rubric's kernel
 */
function generatedKernel(k: Kernel): GeneratedKernel | null {
  let fn = cache.get(k);
  if (fn === undefined) {
    try {
      fn = new Function(...ARGS, kernelSource(k)) as GeneratedKernel;
    } catch {
      fn = null; // code generation from strings is not allowed here
    }
    cache.set(k, fn);
  }
  return fn;
}

/** The body of the generated function. */
export function kernelSource(k: Kernel): string {
  const out: string[] = ['"use strict";', "let st, v, e, src, wsum, acc, applicable, missing, zero, wc, cs, cv, n, absent;"];
  const policyStatus = (p: number) => (p === POLICY_ZERO ? STATUS_SCORED : p === POLICY_NOT_APPLICABLE ? STATUS_NOT_APPLICABLE : STATUS_MISSING);
  for (let o = 0; o < k.evalOrder.length; o++) {
    const i = k.evalOrder[o]!;
    const start = k.childStart[i]!;
    const end = k.childStart[i + 1]!;
    const set = k.obsSet[i]!;
    out.push(`// node ${i}`, `flags[${i}] = 0; gatedBy[${i}] = -1; st = ${STATUS_MISSING}; v = 0; e = 0; src = ${SOURCE_NONE};`);
    if (end > start) {
      out.push(`src = ${SOURCE_CHILDREN};`);
      if (k.hasGatedChildren[i] === 1) {
        for (let c = start; c < end; c++) {
          const child = k.childNode[c]!;
          const g0 = k.gateStart[child]!;
          const g1 = k.gateStart[child + 1]!;
          if (g1 === g0) continue;
          const targets: string[] = [];
          for (let g = g0; g < g1; g++) {
            const t = k.gateTarget[g]!;
            targets.push(`value[${t}] = 0; status[${t}] = ${STATUS_SCORED}; source[${t}] = ${SOURCE_GATE}; err[${t}] = 0; gatedBy[${t}] = ${child};`);
          }
          out.push(`if (status[${child}] === ${STATUS_SCORED} && value[${child}] === 0) { ${targets.join(" ")} }`);
        }
      }
      const r = k.rule[i]!;
      const naZero = k.naPolicy[i] === NA_ZERO;
      out.push(`wsum = 0; acc = ${r === RULE_ARITHMETIC || r === RULE_GEOMETRIC ? "0" : "Infinity"}; applicable = 0; missing = false; zero = false;`);
      for (let c = start; c < end; c++) {
        const child = k.childNode[c]!;
        const scored =
          r === RULE_ARITHMETIC
            ? `acc += wc * cv; e += wc * err[${child}];`
            : r === RULE_GEOMETRIC
              ? `if (cv === 0) zero = true; else acc += wc * Math.log(cv); e += wc * err[${child}];`
              : `if (cv < acc) acc = cv; if (err[${child}] > e) e = err[${child}];`;
        const na = naZero ? `wsum += wc; zero = true;${r !== RULE_ARITHMETIC && r !== RULE_GEOMETRIC ? " acc = 0;" : ""}` : "";
        out.push(
          `wc = w[${c}]; if (wc !== 0) { cs = status[${child}]; if (cs === ${STATUS_SCORED}) { cv = value[${child}]; applicable++; wsum += wc; ${scored} } else if (cs === ${STATUS_NOT_APPLICABLE}) { ${na} } else missing = true; }`,
        );
      }
      const combine =
        r === RULE_ARITHMETIC ? "v = acc / wsum; e /= wsum;" : r === RULE_GEOMETRIC ? "v = zero ? 0 : Math.exp(acc / wsum); e /= wsum;" : "v = acc;";
      out.push(`if (missing) st = ${STATUS_MISSING}; else if (applicable === 0) st = ${STATUS_NOT_APPLICABLE}; else { st = ${STATUS_SCORED}; ${combine} }`);
    } else if (set >= 0) {
      const policy = k.missingPolicy[i]!;
      out.push(
        `src = ${SOURCE_OBSERVATIONS};`,
        `if (setCount[${set}] === 0) { st = ${policyStatus(k.noObservationsPolicy[set]!)}; src = ${SOURCE_POLICY}; } else {`,
        `  absent = obsMissing[${i}]; n = obsN[${i}]${policy === POLICY_ZERO ? " + absent" : ""};`,
        `  if (${policy === POLICY_MISSING ? `absent > 0` : "false"}) st = ${STATUS_MISSING}; else if (n === 0) st = ${STATUS_NOT_APPLICABLE}; else { st = ${STATUS_SCORED}; v = obsSum[${i}] / n; }`,
        "}",
      );
    }
    const given = `inKind[${i}]`;
    out.push(
      `if (${given} === ${VALUE_PRESENT}) {`,
      `  value[${i}] = inValue[${i}]; status[${i}] = ${STATUS_SCORED}; source[${i}] = ${SOURCE_INPUT}; err[${i}] = inErr[${i}];`,
      `  computedStatus[${i}] = src === ${SOURCE_NONE} ? 0 : st; computed[${i}] = st === ${STATUS_SCORED} ? v : NaN;`,
      `  if (st === ${STATUS_SCORED} && Math.abs(v - inValue[${i}]) > inErr[${i}] + e + ${CONSISTENCY_EPSILON}) flags[${i}] = ${FLAG_INCONSISTENT};`,
      "} else {",
      `  computedStatus[${i}] = 0; computed[${i}] = NaN;`,
    );
    const policy = k.missingPolicy[i]!;
    const fallback = set < 0 && policy !== POLICY_MISSING ? ` else if (st === ${STATUS_MISSING}) { st = ${policyStatus(policy)}; src = ${SOURCE_POLICY}; v = 0; e = 0; }` : "";
    out.push(
      `  if (${given} === ${VALUE_NOT_APPLICABLE}) { st = ${STATUS_NOT_APPLICABLE}; src = ${SOURCE_INPUT}; }${fallback}`,
      `  status[${i}] = st; source[${i}] = st === ${STATUS_MISSING} ? ${SOURCE_NONE} : src; value[${i}] = st === ${STATUS_SCORED} ? v : 0; err[${i}] = st === ${STATUS_SCORED} ? e : 0;`,
      "}",
    );
  }
  return out.join("\n");
}
