import { formatFixed } from "../aggregate/round.js";
import type { CompiledRubric, NodeInfo } from "../rubric/compileRubric.js";
import type { BodyScore, NodeScore } from "./scoreBody.js";

/**
 * Options of `formatExplanation`.
 * @example
 * const options: ExplanationOptions = { decimals: 2, lang: "en" };
 * formatExplanation(rubric, scoreBody(rubric, { values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }), options).split("\n")[0] // => "iga  Open Government Index = 0.35 (from children)"
 */
export interface ExplanationOptions {
  /** Decimals shown (default 4). */
  readonly decimals?: number;
  /** Label language (default "es", the official names). */
  readonly lang?: "es" | "en";
}

function show(value: number | null, status: string, decimals: number): string {
  if (value !== null) return formatFixed(value, decimals);
  return status === "not_applicable" ? "NA" : "missing";
}

/** How a raw input became the node's score, when that is more than the number itself. */
function givenAs(info: NodeInfo, node: NodeScore): string {
  const raw = node.input;
  if (raw === undefined) return "given";
  const input = info.input;
  const shown = typeof raw === "string" ? raw.trim() : String(raw);
  if (!input || node.status !== "scored" || input.observations) return "given";
  switch (input.type) {
    case "count":
      return `given ${shown} of ${input.max}`;
    case "ordinal":
      return `given "${shown}"`;
    case "linear":
      return `given ${shown}, goalposts ${input.low}–${input.high}${input.direction === "descending" ? " descending" : ""}`;
    default:
      return "given";
  }
}

function describe(info: NodeInfo, node: NodeScore, decimals: number): string {
  switch (node.source) {
    case "input": {
      const given = givenAs(info, node);
      return node.computed !== undefined ? `${given}; subtree gives ${node.computed === null ? "no value" : formatFixed(node.computed, decimals)}` : given;
    }
    case "observations": {
      const o = node.observations!;
      return `mean of ${o.n} observation${o.n === 1 ? "" : "s"}${o.missing ? `, ${o.missing} missing` : ""}${o.notApplicable ? `, ${o.notApplicable} NA` : ""}`;
    }
    case "gate":
      return `0 by gate ${node.gatedBy}`;
    case "policy":
      return node.observations && node.observations.total === 0 ? "no observations: set policy" : "missing-value policy";
    case "children":
      return "from children";
    default:
      return node.status === "missing" ? "no input" : "";
  }
}

/**
 * Renders a body's scoring tree as text: every node with its value, where it came from, and each
 * child's weight, share after re-weighting and contribution. The main tree comes first, then
 * each view.
 * @param rubric - the rubric that scored the body
 * @param score - the body's result from `scoreBody`
 * @param options - decimals and label language
 * @returns lines joined with "\n"
 * @example
 * const input = { values: { TG: 0.46, TC: 0.54, PG: 0.23, PC: 0.3424 } };
 * formatExplanation(rubric, scoreBody(rubric, input)).split("\n")[0] // => "iga  Índice de Gobierno Abierto = 0.3931 (from children)"
 */
export function formatExplanation(rubric: CompiledRubric, score: BodyScore, options: ExplanationOptions = {}): string {
  const decimals = options.decimals ?? 4;
  const lang = options.lang ?? "es";
  const lines: string[] = [];
  const tops = rubric.nodes.filter((n) => n.parent === undefined);
  const walk = (i: number, prefix: string, childPrefix: string, edge: string) => {
    const info = rubric.nodes[i]!;
    const node = score.nodes[i]!;
    const how = describe(info, node, decimals);
    lines.push(`${prefix}${info.code}  ${info.label[lang]} = ${show(node.value, node.status, decimals)}${edge}${how ? ` (${how})` : ""}`);
    const contributions = node.contributions ?? [];
    contributions.forEach((c, k) => {
      const last = k === contributions.length - 1;
      const child = rubric.index.get(c.code)!;
      const part =
        c.contribution !== null
          ? `  [w ${c.weight}, share ${formatFixed(c.share, decimals)} → ${formatFixed(c.contribution, decimals)}]`
          : `  [w ${c.weight}, ${c.status === "scored" ? `share ${formatFixed(c.share, decimals)}` : "not counted"}]`;
      const viewChild = rubric.nodes[child]!.view !== info.view;
      if (viewChild) {
        lines.push(`${childPrefix}${last ? "└─ " : "├─ "}${c.code} = ${show(c.value, c.status, decimals)}${part}`);
      } else {
        walk(child, `${childPrefix}${last ? "└─ " : "├─ "}`, `${childPrefix}${last ? "   " : "│  "}`, part);
      }
    });
  };
  let currentView: string | undefined;
  for (const top of tops) {
    if (top.view !== currentView) {
      currentView = top.view;
      const view = rubric.views.find((v) => v.id === top.view);
      lines.push("", `view ${top.view}: ${view?.label[lang] ?? ""}`);
    }
    walk(top.index, "", "", "");
  }
  const foot: string[] = [];
  if (score.missingInputs.length > 0) foot.push(`missing inputs: ${score.missingInputs.join(", ")}`);
  for (const w of score.warnings) foot.push(`warning: ${w.message}`);
  for (const i of score.issues) foot.push(`input issue: ${i.message}`);
  if (foot.length > 0) lines.push("", ...foot);
  return lines.join("\n");
}
