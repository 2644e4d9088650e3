/**
 * One problem found in data (a rubric, an input value, a CSV row): the shape shared by every
 * validator in ogmetric, so that a CLI, a notebook or a web form can print them all the same way.
 * @example
 * const result = safeParseRubric({ schemaVersion: 1 });
 * const issue: Issue | undefined = result.success ? undefined : result.issues[0];
 * [issue?.code, issue?.path] // => ["missing_key", "$.id"]
 */
export interface Issue {
  /** Stable snake_case identifier, e.g. `duplicate_code`, `out_of_range`. */
  readonly code: string;
  /** Where: a JSON path (`$.nodes[3].weight`) or a node code for input values. */
  readonly path: string;
  /** One plain sentence for a person. */
  readonly message: string;
  readonly expected?: string;
  readonly received?: string;
  /** A likely fix, when one is plain (e.g. "write it with a point: 0.75"). */
  readonly hint?: string;
  /** For tabular input: the file, the row (the header is row 1; a record spanning lines is one row) and the column name. */
  readonly file?: string;
  readonly row?: number;
  readonly column?: string;
}

/**
 * Formats a JSON path from its segments: `["nodes", 3, "code"]` → `$.nodes[3].code`.
 * @param segments - property names and array indices
 * @returns the path, starting with `$`
 * @example
 * jsonPath(["nodes", 0, "weird key"]) // => '$.nodes[0]["weird key"]'
 */
export function jsonPath(segments: readonly (string | number)[]): string {
  let out = "$";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * A short, safe description of an untrusted value for an issue's `received` field.
 * @param value - anything
 * @returns at most 60 characters
 * @example
 * describeValue(Number.NaN) // => 'NaN'
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = "undefined";
  else if (typeof value === "number") text = Number.isNaN(value) ? "NaN" : String(value);
  else if (typeof value === "string") text = JSON.stringify(value);
  else if (Array.isArray(value)) text = `an array of ${value.length}`;
  else if (value === null) text = "null";
  else if (typeof value === "object") text = "an object";
  else text = typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
