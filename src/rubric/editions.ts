import mga2017 from "../../rubrics/mga-2017.json";
import mga2019 from "../../rubrics/mga-2019.json";
import crosswalk2017to2019 from "../../rubrics/crosswalk/mga-2017--mga-2019.json";
import { jsonInput } from "../internal/jsonInput.js";
import HASHES from "./generated/edition-hashes.json";
import { compileRubric, type CompiledRubric } from "./compileRubric.js";
import { parseCrosswalk } from "./crosswalk.js";
import type { Crosswalk } from "./crosswalkSchema.js";
import type { RubricDocument } from "./schema.js";

/**
 * Built-in editions of the metric, bundled into the pure core (no file system needed).
 * @example
 * EDITIONS.map((e) => loadEdition(e).id) // => ["mga-2017", "mga-2019"]
 */
export const EDITIONS = ["2017", "2019"] as const;
/**
 * A built-in edition: `"2017"` or `"2019"`.
 * @example
 * const edition: Edition = "2019";
 * loadEdition(edition).edition // => "2019"
 */
export type Edition = (typeof EDITIONS)[number];

const DOCUMENTS: ReadonlyMap<string, RubricDocument> = new Map<string, RubricDocument>([
  ["2017", mga2017 as RubricDocument],
  ["2019", mga2019 as RubricDocument],
]);
const cache = new Map<string, CompiledRubric>();

function editionKey(edition: string): string {
  const key = edition.replace(/^mga-/, "");
  if (!DOCUMENTS.has(key)) throw new RangeError(`loadEdition: unknown edition "${edition}"; built-in editions are ${EDITIONS.join(", ")}`);
  return key;
}

/**
 * The rubric document of a built-in edition, as shipped in `rubrics/`.
 * @param edition - "2017" or "2019" (or "mga-2017", "mga-2019")
 * @returns a deep copy of the document, free to edit (e.g. to change an assumed weight)
 * @example
 * loadEditionDocument("2019").id // => "mga-2019"
 */
export function loadEditionDocument(edition: string): RubricDocument {
  return structuredClone(DOCUMENTS.get(editionKey(edition))!);
}

/**
 * A built-in edition, compiled (once, then cached). The shipped documents are validated by the
 * test suite, so loading skips the JSON Schema pass (about 0.1 s of every CLI start).
 * @param edition - "2017" or "2019" (or "mga-2017", "mga-2019")
 * @returns the compiled rubric
 * @throws RangeError for an unknown edition
 * @example
 * loadEdition("2017").version // => "1.0.0"
 */
export function loadEdition(edition: string): CompiledRubric {
  const key = editionKey(edition);
  let rubric = cache.get(key);
  if (!rubric) {
    // Compiled from a plain-data copy, like any rubric: nothing on Object.prototype reaches it.
    const copy = jsonInput(DOCUMENTS.get(key)!);
    if ("issue" in copy) throw new Error(`loadEdition: the built-in edition ${key} cannot be read: ${copy.issue.message}`);
    // The hash was computed at build time from the same document (a test keeps it current).
    rubric = compileRubric(copy.value as RubricDocument, (HASHES as Record<string, string>)[key]);
    cache.set(key, rubric);
  }
  return rubric;
}

/**
 * The built-in crosswalk between two editions, checked against both rubrics.
 * @param from - "2017"
 * @param to - "2019"
 * @returns the crosswalk: one mapping per node with its relation and note
 * @throws RangeError when no built-in crosswalk joins the two editions
 * @example
 * loadCrosswalk("2017", "2019").mappings.find((m) => m.from === "tg.tr")?.to // => "tg.ta"
 */
export function loadCrosswalk(from: string, to: string): Crosswalk {
  const a = editionKey(from);
  const b = editionKey(to);
  if (a !== "2017" || b !== "2019") throw new RangeError(`loadCrosswalk: no built-in crosswalk from ${from} to ${to}; the built-in one is 2017 → 2019`);
  return parseCrosswalk(crosswalk2017to2019, { from: loadEdition(a).document, to: loadEdition(b).document });
}
