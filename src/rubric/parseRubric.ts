import type { Issue } from "../issue.js";
import { jsonInput } from "../internal/jsonInput.js";
import { compileRubric, type CompiledRubric } from "./compileRubric.js";
import type { RubricDocument } from "./schema.js";
import { validateRubric } from "./validateRubric.js";

/**
 * Thrown by `parseRubric`: carries every issue found in the rubric.
 * @example
 * let error: unknown;
 * try { parseRubric({ schemaVersion: 1 }); } catch (e) { error = e; }
 * error instanceof RubricError && error.issues.length > 0 // => true
 */
export class RubricError extends Error {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[], source?: string) {
    const head = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join("; ");
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
    super(`invalid rubric${source ? ` ${source}` : ""}: ${head}${more}`);
    this.name = "RubricError";
    this.issues = issues;
  }
}

/**
 * Result of `safeParseRubric`.
 * @example
 * const result: SafeParseRubricResult = safeParseRubric(loadEditionDocument("2019"));
 * result.success && result.output.id // => "mga-2019"
 */
export type SafeParseRubricResult =
  | { readonly success: true; readonly output: CompiledRubric }
  | { readonly success: false; readonly issues: readonly Issue[] };

/**
 * Validates and compiles a rubric without throwing, whatever it is given: the document is first
 * read once into plain data (own properties only, no prototype), and that copy is both validated
 * and compiled, so a getter or a proxy cannot show the validator one value and the compiler another.
 * @param input - a rubric document, or its JSON text (untrusted)
 * @returns `{ success: true, output }` or `{ success: false, issues }` with every issue found
 * @example
 * safeParseRubric("{").success // => false
 */
export function safeParseRubric(input: unknown): SafeParseRubricResult {
  const read = jsonInput(input);
  if ("issue" in read) return { success: false, issues: [read.issue] };
  const doc = read.value;
  let issues: Issue[];
  try {
    issues = validateRubric(doc);
  } catch (e) {
    // Defence in depth: a validator bug must still come out as an issue, never as a crash.
    issues = [{ code: "invalid_rubric", path: "$", message: `the rubric could not be checked: ${(e as Error).message}` }];
  }
  if (issues.length > 0) return { success: false, issues };
  return { success: true, output: compileRubric(doc as RubricDocument) };
}

/**
 * Validates and compiles a rubric.
 * @param input - a rubric document, or its JSON text (untrusted)
 * @returns the compiled, frozen rubric
 * @throws RubricError carrying every issue when the rubric is invalid
 * @example
 * parseRubric(loadEditionDocument("2017")).id // => 'mga-2017'
 */
export function parseRubric(input: unknown): CompiledRubric {
  const result = safeParseRubric(input);
  if (!result.success) throw new RubricError(result.issues);
  return result.output;
}
