import type { CompiledRubric } from "../index.js";
import { CliError, EXIT_USAGE } from "./errors.js";
import type { Reporter } from "./report.js";

const MAX_LINES = 10;

/** What a run lacks to score the root: leaf columns and whole observation sets. */
export interface AbsentInputs {
  /** Leaves with no column (nor a column for an ancestor) whose missing policy is `missing`. */
  readonly leaves: readonly string[];
  /** Observation sets with no file, whose leaves the root needs. */
  readonly sets: readonly string[];
}

/**
 * Works out, before any row is read, which inputs the rubric's root (and its views) need that the
 * run does not supply. A node with a column covers its subtree; a leaf whose missing policy turns
 * a missing value into 0 or not applicable needs no column; a per-observation leaf needs its
 * set's file (whatever the set's policy for a body without observations: that policy is about
 * one body, not about a whole file left out).
 * @param rubric - the rubric
 * @param given - nodes that have a column in the main input
 * @param sets - observation set positions that have a file
 * @param tops - the nodes whose inputs are checked: the root (default), or the tops of the views
 * @returns the absent leaves and sets, in display order
 */
export function absentInputs(rubric: CompiledRubric, given: ReadonlySet<number>, sets: ReadonlySet<number>, tops: readonly number[] = [rubric.root]): AbsentInputs {
  const leaves: number[] = [];
  const absentSets = new Set<number>();
  const visited = new Uint8Array(rubric.size);
  const stack = [...tops];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (visited[i] || given.has(i)) continue;
    visited[i] = 1;
    const node = rubric.nodes[i]!;
    if (node.children.length > 0) {
      for (const c of node.children) if (c.weight > 0) stack.push(rubric.index.get(c.code)!);
      continue;
    }
    if (node.observationSet !== undefined) {
      const set = rubric.observationSets.findIndex((s) => s.id === node.observationSet);
      if (!sets.has(set)) absentSets.add(set);
    } else if (node.missing === "missing") leaves.push(i);
  }
  return {
    leaves: leaves.sort((a, b) => a - b).map((i) => rubric.nodes[i]!.code),
    sets: [...absentSets].sort((a, b) => a - b).map((s) => rubric.observationSets[s]!.id),
  };
}

/**
 * The message for absent inputs: what is missing and how to supply it.
 * @returns lines: a summary, then one per absent input with the fix
 */
export function absentInputLines(rubric: CompiledRubric, absent: AbsentInputs, file: string): string[] {
  const lines: string[] = [];
  for (const id of absent.sets) {
    const set = rubric.observationSets.find((s) => s.id === id)!;
    const leaves = set.leaves.map((l) => rubric.nodes[l]!.code).join(", ");
    lines.push(`  observation set "${id}" (${set.label.en}): no file; give one with --observations FILE (columns id, ${leaves})`);
  }
  for (const code of absent.leaves.slice(0, MAX_LINES)) {
    const node = rubric.nodes[rubric.index.get(code)!]!;
    const names = [node.code, ...node.aliases].map((n) => JSON.stringify(n)).join(" or ");
    lines.push(`  leaf ${code} (${node.label.en}): no column ${names} in ${file}; name a column so, or use --map ${code}=COLUMN`);
  }
  if (absent.leaves.length > MAX_LINES) lines.push(`  ... and ${absent.leaves.length - MAX_LINES} more leaves: ${absent.leaves.slice(MAX_LINES).join(", ")}`);
  return lines;
}

/**
 * Stops the run (exit 2) when the rubric's root needs an input that no column and no observation
 * file supplies, since every body would then score missing there; with --allow-missing, warns
 * once per absent input and goes on.
 */
export function checkRequiredInputs(
  rubric: CompiledRubric,
  valueNodes: ArrayLike<number>,
  observationSets: readonly number[],
  o: { readonly input: string; readonly allowMissing: boolean },
  reporter: Reporter,
): void {
  const given = new Set(Array.from(valueNodes));
  const sets = new Set(observationSets);
  const absent = absentInputs(rubric, given, sets);
  const n = absent.leaves.length + absent.sets.length;
  if (n === 0) {
    // The root is covered; a view may still lack inputs (its nodes will be missing): say so once.
    const tops = rubric.nodes.filter((x) => x.view !== undefined && x.parent === undefined);
    const views = absentInputs(rubric, given, sets, tops.map((x) => x.index));
    if (views.leaves.length + views.sets.length > 0) {
      const names = [...new Set(tops.map((x) => x.view!))].join(", ");
      reporter.line(`${o.input}: warning: view ${names} (${tops.map((x) => x.code).join(", ")}) lacks inputs (${[...views.sets, ...views.leaves].slice(0, 6).join(", ")}${views.leaves.length + views.sets.length > 6 ? ", ..." : ""}), so its nodes will be missing; the index itself is complete`);
    }
    return;
  }
  const lines = absentInputLines(rubric, absent, o.input);
  if (!o.allowMissing) {
    const what = [
      ...(absent.sets.length > 0 ? [`${absent.sets.length} observation set${absent.sets.length === 1 ? "" : "s"} (${absent.sets.join(", ")})`] : []),
      ...(absent.leaves.length > 0 ? [`${absent.leaves.length} leaf column${absent.leaves.length === 1 ? "" : "s"} (${absent.leaves.slice(0, 6).join(", ")}${absent.leaves.length > 6 ? ", ..." : ""})`] : []),
    ].join(" and ");
    throw new CliError(`${o.input}: the rubric needs ${what} that this run does not supply, so ${rubric.nodes[rubric.root]!.code} would be missing for every body; supply them, or rerun with --allow-missing to score anyway`, EXIT_USAGE, lines);
  }
  for (const line of lines) reporter.line(`warning (--allow-missing):${line.slice(1)}`);
}

