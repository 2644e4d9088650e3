import type { Issue } from "../issue.js";
import { plainData } from "./plainData.js";

/** Longest JSON text read as a rubric or crosswalk: 16 MiB (the shipped rubrics are about 30 KB). */
export const MAX_DOCUMENT_CHARS = 16 * 1024 * 1024;

/** Limits on a document's shape: nesting (a real rubric is about 7 levels deep) and values. */
export const DOCUMENT_LIMITS = { maxDepth: 64, maxValues: 2_000_000 };

/**
 * Reads an untrusted document given either as a value or as JSON text (as `parseRubric` and
 * `parseCrosswalk` accept both) into plain data: own properties read once, null-prototype objects
 * (see `plainData`). Never throws.
 * @param input - a parsed value, or JSON text
 * @returns the plain copy, or the issue saying why it cannot be read
 */
export function jsonInput(input: unknown): { readonly value: unknown } | { readonly issue: Issue } {
  let value = input;
  if (typeof input === "string") {
    if (input.length > MAX_DOCUMENT_CHARS) {
      return { issue: { code: "too_large", path: "$", message: `the document is ${input.length} characters long, more than the ${MAX_DOCUMENT_CHARS} allowed`, expected: `at most ${MAX_DOCUMENT_CHARS} characters`, received: String(input.length) } };
    }
    try {
      value = JSON.parse(input);
    } catch (e) {
      return { issue: { code: "invalid_json", path: "$", message: `not valid JSON: ${(e as Error).message}` } };
    }
  }
  const copy = plainData(value, DOCUMENT_LIMITS);
  if ("problem" in copy) return { issue: { code: copy.problem.code, path: "$", message: copy.problem.message } };
  return copy;
}
