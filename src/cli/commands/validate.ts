import { EDITIONS, loadEdition, safeParseCrosswalk, type CompiledRubric, type CrosswalkRubric, type Issue } from "../../index.js";
import { EXIT_FATAL, EXIT_OK } from "../errors.js";
import type { CliIo } from "../io.js";
import { issueLines, readDocumentFile, rubricResult } from "../loadRubric.js";
import type { ValidateOptions } from "../options.js";

/** A warning about a valid document, shown on stderr and in the JSON output. */
interface Warning {
  readonly code: string;
  readonly message: string;
}

/**
 * `ogmetric validate FILE.json`: checks a rubric, or a crosswalk (a document with `mappings`,
 * or `from` and `to`, and no `nodes`), and prints every issue with its JSON path (exit 1) or
 * what the document is (exit 0). A crosswalk side naming a built-in edition (same id and
 * version) is checked against it. A rubric that keeps a built-in edition's id and version but
 * not its content gets a warning (still exit 0).
 * @returns 0 when valid, 1 when not
 * @throws CliError when the file cannot be read or is over 16 MiB
 */
export function validate(o: ValidateOptions, io: CliIo): number {
  const text = readDocumentFile(o.input, "rubric or crosswalk file");
  let doc: unknown = text;
  try {
    doc = JSON.parse(text);
  } catch {
    // not JSON: the rubric parser says so, with its usual issue
  }
  return isCrosswalk(doc) ? validateCrosswalk(o, io, doc) : validateRubric(o, io, doc);
}

/** A crosswalk has `mappings`, or `from` and `to`, and no `nodes`; anything else is read as a rubric. */
function isCrosswalk(doc: unknown): doc is Record<string, unknown> {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return false;
  const has = (key: string) => Object.prototype.hasOwnProperty.call(doc, key);
  return !has("nodes") && (has("mappings") || (has("from") && has("to")));
}

function validateRubric(o: ValidateOptions, io: CliIo, doc: unknown): number {
  const result = rubricResult(doc);
  if (!result.rubric) {
    if (o.format === "json") io.stdout.write(`${JSON.stringify({ valid: false, kind: "rubric", issues: result.issues }, null, 2)}\n`);
    else invalid(io, o.input, "rubric", result.issues);
    return EXIT_FATAL;
  }
  const r = result.rubric;
  const warnings = editedEditionWarnings(r);
  for (const w of warnings) io.stderr.write(`${o.input}: warning: ${w.message}\n`);
  if (o.format === "json") {
    io.stdout.write(`${JSON.stringify({ valid: true, kind: "rubric", id: r.id, version: r.version, hash: r.hash, nodes: r.size, warnings }, null, 2)}\n`);
  } else {
    io.stdout.write(`${o.input}: valid: ${r.id}@${r.version}, ${r.size} nodes, sha256 ${r.hash}\n`);
  }
  return EXIT_OK;
}

/**
 * Warns when a rubric keeps a built-in edition's id and version but not its content: scores
 * carry `id@version`, so such a copy's scores could pass for the edition's.
 */
function editedEditionWarnings(r: CompiledRubric): Warning[] {
  const out: Warning[] = [];
  for (const edition of EDITIONS) {
    const shipped = loadEdition(edition);
    if (shipped.id !== r.id || shipped.version !== r.version || shipped.hash === r.hash) continue;
    out.push({
      code: "edited_edition",
      message: `${r.id}@${r.version} is the id and version of the built-in edition ${edition}, but the content differs (sha256 ${r.hash.slice(0, 12)}… instead of ${shipped.hash.slice(0, 12)}…); an edited copy should get its own id or version, so its scores are never mistaken for the edition's`,
    });
  }
  return out;
}

function validateCrosswalk(o: ValidateOptions, io: CliIo, doc: Record<string, unknown>): number {
  // Each side that names a built-in edition (same id and version) is checked against it.
  const sides = { from: builtIn(doc.from), to: builtIn(doc.to) };
  const rubrics: { from?: CrosswalkRubric; to?: CrosswalkRubric } = {};
  if (sides.from) rubrics.from = sides.from.document;
  if (sides.to) rubrics.to = sides.to.document;
  const against = [sides.from, sides.to].filter((r): r is CompiledRubric => r !== undefined).map((r) => `${r.id}@${r.version}`);
  const result = safeParseCrosswalk(doc, rubrics);
  if (!result.success) {
    if (o.format === "json") io.stdout.write(`${JSON.stringify({ valid: false, kind: "crosswalk", checkedAgainst: against, issues: result.issues }, null, 2)}\n`);
    else invalid(io, o.input, "crosswalk", result.issues);
    return EXIT_FATAL;
  }
  const c = result.output;
  const from = `${c.from.id}@${c.from.version}`;
  const to = `${c.to.id}@${c.to.version}`;
  if (o.format === "json") {
    io.stdout.write(`${JSON.stringify({ valid: true, kind: "crosswalk", from: c.from, to: c.to, mappings: c.mappings.length, checkedAgainst: against, warnings: [] }, null, 2)}\n`);
    return EXIT_OK;
  }
  const how =
    against.length === 2
      ? "checked against both built-in editions"
      : against.length === 1
        ? `checked against the built-in ${against[0]} (${sides.from ? to : from} is not a built-in edition)`
        : "structure checked (neither side is a built-in edition, so node codes were not)";
  io.stdout.write(`${o.input}: valid crosswalk: ${from} → ${to}, ${c.mappings.length} mappings, ${how}\n`);
  return EXIT_OK;
}

/** The built-in edition a crosswalk side names by id and version, if any. */
function builtIn(side: unknown): CompiledRubric | undefined {
  if (typeof side !== "object" || side === null) return undefined;
  const { id, version } = side as { id?: unknown; version?: unknown };
  for (const edition of EDITIONS) {
    const r = loadEdition(edition);
    if (r.id === id && r.version === version) return r;
  }
  return undefined;
}

function invalid(io: CliIo, file: string, kind: string, issues: readonly Issue[]): void {
  for (const line of issueLines(file, issues)) io.stderr.write(`${line}\n`);
  const n = issues.length;
  io.stderr.write(`${file}: invalid ${kind}: ${n} issue${n === 1 ? "" : "s"}\n`);
}
