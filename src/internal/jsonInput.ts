import type { Issue } from "../issue.js";

/**
 * Reads a document given either as a value or as JSON text (as `parseRubric` and
 * `parseCrosswalk` accept both).
 * @param input - a parsed value, or JSON text
 * @returns the value, or the issue saying why the text is not JSON
 */
export function jsonInput(input: unknown): { readonly value: unknown } | { readonly issue: Issue } {
  if (typeof input !== "string") return { value: input };
  try {
    return { value: JSON.parse(input) };
  } catch (e) {
    return { issue: { code: "invalid_json", path: "$", message: `not valid JSON: ${(e as Error).message}` } };
  }
}
