/**
 * Reading and checking crosswalks: the correspondence between the nodes of two rubrics.
 *
 * A crosswalk is validated in two steps that share one issue shape: the structure against its JSON
 * Schema (generated from the zod schema in `crosswalkSchema.ts`, compiled at build time), then the
 * rules that need the two rubrics (`checkCrosswalk`). Rubric and crosswalk issues come from the
 * same translator (`schemaIssue`).
 */
import { jsonPath, type Issue } from "../issue.js";
import { jsonInput } from "../internal/jsonInput.js";
import type { Crosswalk } from "./crosswalkSchema.js";
import { ONLY_IN_PREFIX } from "./formats.js";
import { validate as validateStructure } from "./generated/validate-crosswalk.js";
import { schemaIssues } from "./validateRubric.js";

/**
 * What `checkCrosswalk` reads from a rubric: a rubric document (`RubricDocument`) fits, and so
 * does the `document` of a compiled rubric.
 * @example
 * const from: CrosswalkRubric = loadEdition("2017").document;
 * from.nodes.length // => 24
 */
export interface CrosswalkRubric {
  readonly id: string;
  readonly version: string;
  readonly edition?: string | undefined;
  readonly sources: readonly { readonly id: string }[];
  readonly nodes: readonly { readonly code: string }[];
  readonly views?: readonly { readonly nodes: readonly { readonly code: string }[] }[] | undefined;
}

/**
 * The rubrics a crosswalk is checked against; either may be left out.
 * @example
 * const rubrics: CrosswalkRubrics = { from: loadEdition("2017").document };
 * safeParseCrosswalk({ schemaVersion: 1 }, rubrics).success // => false
 */
export interface CrosswalkRubrics {
  readonly from?: CrosswalkRubric | undefined;
  readonly to?: CrosswalkRubric | undefined;
}

/**
 * Thrown by `parseCrosswalk`: carries every issue found in the crosswalk.
 * @example
 * let error: unknown;
 * try { parseCrosswalk("{}"); } catch (e) { error = e; }
 * error instanceof CrosswalkError && error.issues.length > 0 // => true
 */
export class CrosswalkError extends Error {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[]) {
    const head = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join("; ");
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
    super(`invalid crosswalk: ${head}${more}`);
    this.name = "CrosswalkError";
    this.issues = issues;
  }
}

/**
 * Result of `safeParseCrosswalk`.
 * @example
 * const result: SafeParseCrosswalkResult = safeParseCrosswalk("not json");
 * result.success ? "ok" : result.issues[0]!.code // => "invalid_json"
 */
export type SafeParseCrosswalkResult =
  | { readonly success: true; readonly output: Crosswalk }
  | { readonly success: false; readonly issues: readonly Issue[] };

/**
 * Validates a crosswalk without throwing: its structure, then `checkCrosswalk` against the rubrics
 * given (the rules that need no rubric always run).
 * @param doc - a crosswalk document, or its JSON text (untrusted)
 * @param rubrics - the `from` and `to` rubrics to check codes and editions against; optional
 * @returns `{ success: true, output }` or `{ success: false, issues }` with every issue found
 * @example
 * safeParseCrosswalk({ schemaVersion: 2 }).success // => false
 */
export function safeParseCrosswalk(doc: unknown, rubrics: CrosswalkRubrics = {}): SafeParseCrosswalkResult {
  const read = jsonInput(doc);
  if ("issue" in read) return { success: false, issues: [read.issue] };
  const input = read.value;
  if (!validateStructure(input)) return { success: false, issues: schemaIssues(validateStructure.errors ?? []) };
  const crosswalk = input as Crosswalk;
  const issues = checkCrosswalk(crosswalk, rubrics.from, rubrics.to);
  if (issues.length > 0) return { success: false, issues };
  return { success: true, output: crosswalk };
}

/**
 * Validates a crosswalk: its structure, then `checkCrosswalk` against the rubrics given.
 * @param doc - a crosswalk document, or its JSON text (untrusted)
 * @param rubrics - the `from` and `to` rubrics to check codes and editions against; optional
 * @returns the crosswalk, a new object (the input is not modified)
 * @throws CrosswalkError carrying every issue when the crosswalk is invalid
 * @example
 * const doc: CrosswalkDocument = loadCrosswalk("2017", "2019");
 * parseCrosswalk(doc, { from: loadEdition("2017").document, to: loadEdition("2019").document }).mappings.length // => 29
 */
export function parseCrosswalk(doc: unknown, rubrics: CrosswalkRubrics = {}): Crosswalk {
  const result = safeParseCrosswalk(doc, rubrics);
  if (!result.success) throw new CrosswalkError(result.issues);
  return result.output;
}

type Side = "from" | "to";
const SIDES: readonly Side[] = ["from", "to"];

/**
 * Checks the rules of a structurally valid crosswalk that its schema cannot express. Without
 * rubrics it checks each mapping's sides against its relation and that no code is mapped twice;
 * with a rubric it also checks that side's id and version, that every code exists in it (main tree
 * and view nodes), that every node of it is mapped exactly once, and the edition of `only_in_<edition>`
 * relations; with both it checks that each provenance source is listed in one of them.
 * @param crosswalk - a crosswalk that passed the schema (as returned by `safeParseCrosswalk`)
 * @param fromRubric - the rubric the `from` codes belong to; optional
 * @param toRubric - the rubric the `to` codes belong to; optional
 * @returns the issues in document order, then unmapped nodes; empty when the crosswalk is valid
 * (an empty `mappings` cannot reach here: the schema requires at least one)
 * @example
 * checkCrosswalk(crosswalk2017to2019, mga2017, mga2019) // => []
 */
export function checkCrosswalk(
  crosswalk: Crosswalk,
  fromRubric?: CrosswalkRubric,
  toRubric?: CrosswalkRubric,
): Issue[] {
  const issues: Issue[] = [];
  const add = (code: string, path: readonly (string | number)[], message: string, extra: Partial<Issue> = {}) =>
    issues.push({ code, path: jsonPath(path), message, ...extra });
  const rubricOf = (side: Side) => (side === "from" ? fromRubric : toRubric);

  for (const side of SIDES) {
    const rubric = rubricOf(side);
    if (!rubric) continue;
    for (const key of ["id", "version"] as const) {
      if (crosswalk[side][key] !== rubric[key]) {
        add("rubric_mismatch", [side, key], `the crosswalk's "${side}" ${key} does not match the ${side} rubric`, {
          expected: rubric[key],
          received: crosswalk[side][key],
        });
      }
    }
  }

  const codes = new Map<Side, Set<string>>();
  for (const side of SIDES) {
    const rubric = rubricOf(side);
    if (rubric) codes.set(side, nodeCodes(rubric));
  }
  const sources = fromRubric && toRubric ? new Set([...fromRubric.sources, ...toRubric.sources].map((s) => s.id)) : undefined;
  // code → index of the first mapping that maps it, per side
  const mapped = new Map<Side, Map<string, number>>(SIDES.map((side) => [side, new Map()]));

  crosswalk.mappings.forEach((m, i) => {
    const at = ["mappings", i] as const;
    if (m.from === undefined && m.to === undefined) {
      add("empty_mapping", at, "a mapping needs a from code, a to code or both", { expected: "from and/or to" });
      return;
    }

    if (m.relation.startsWith(ONLY_IN_PREFIX)) {
      const edition = m.relation.slice(ONLY_IN_PREFIX.length);
      if (m.from !== undefined && m.to !== undefined) {
        add("only_in_both_sides", [...at, "relation"], `"${m.relation}" says the node exists in one edition, but the mapping gives both a from and a to code`, {
          expected: "either from or to",
          received: `from "${m.from}", to "${m.to}"`,
        });
      } else {
        const side: Side = m.from !== undefined ? "from" : "to";
        const rubric = rubricOf(side);
        if (rubric && rubric.edition !== edition) {
          add("edition_mismatch", [...at, "relation"], rubric.edition === undefined
            ? `"${m.relation}" names an edition, but the ${side} rubric ${rubric.id} declares none`
            : `the ${side} code belongs to edition ${rubric.edition}, not ${edition}`, {
            expected: rubric.edition === undefined ? "a rubric with an edition" : `${ONLY_IN_PREFIX}${rubric.edition}`,
            received: m.relation,
          });
        }
      }
    } else {
      for (const side of SIDES) {
        if (m[side] === undefined) {
          add("missing_side", [...at, side], `relation "${m.relation}" needs both a from and a to code`, {
            expected: `a node code of the ${side} rubric`,
          });
        }
      }
      if (m.from !== undefined && m.to !== undefined) {
        if (m.relation === "same" && m.from !== m.to) {
          add("codes_differ", [...at, "to"], `relation "same" needs equal codes; use "renamed" or "assumed_equivalent" for "${m.from}" → "${m.to}"`, {
            expected: m.from,
            received: m.to,
          });
        } else if (m.relation === "renamed" && m.from === m.to) {
          add("codes_equal", [...at, "to"], `relation "renamed" maps "${m.from}" to itself; use "same"`, {
            expected: `a code other than "${m.from}"`,
            received: m.to,
          });
        }
      }
    }

    for (const side of SIDES) {
      const code = m[side];
      if (code === undefined) continue;
      const seen = mapped.get(side)!;
      const first = seen.get(code);
      if (first !== undefined) {
        add("duplicate_mapping", [...at, side], `"${code}" of the ${side} rubric is already mapped at ${jsonPath(["mappings", first])}`, {
          expected: "each code mapped once",
          received: code,
        });
      } else seen.set(code, i);
      const known = codes.get(side);
      if (known && !known.has(code)) {
        add("unknown_code", [...at, side], `"${code}" is not a node of the ${side} rubric ${rubricOf(side)!.id}`, {
          expected: `a node code of ${rubricOf(side)!.id}`,
          received: code,
        });
      }
    }

    if (sources && !sources.has(m.provenance.source)) {
      add("unknown_source", [...at, "provenance", "source"], `source "${m.provenance.source}" is listed in neither rubric's "sources"`, {
        expected: "an id from either rubric's sources",
        received: m.provenance.source,
      });
    }
  });

  for (const side of SIDES) {
    const known = codes.get(side);
    if (!known) continue;
    const seen = mapped.get(side)!;
    for (const code of known) {
      if (!seen.has(code)) {
        add("unmapped_code", ["mappings"], `node "${code}" of the ${side} rubric ${rubricOf(side)!.id} is not mapped`, {
          expected: `a mapping with ${side} "${code}"`,
        });
      }
    }
  }
  return issues;
}

/** Node codes of a rubric, main tree then views, in document order. */
function nodeCodes(rubric: CrosswalkRubric): Set<string> {
  const out = new Set<string>();
  for (const n of rubric.nodes) out.add(n.code);
  for (const v of rubric.views ?? []) for (const n of v.nodes) out.add(n.code);
  return out;
}
