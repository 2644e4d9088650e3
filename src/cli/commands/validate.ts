import { EXIT_FATAL, EXIT_OK } from "../errors.js";
import type { CliIo } from "../io.js";
import { issueLines, readRubricFile } from "../loadRubric.js";
import type { ValidateOptions } from "../options.js";

/**
 * `ogmetric validate RUBRIC.json`: every issue of a rubric file with its JSON path (exit 1), or
 * its id, version and hash (exit 0).
 * @returns 0 when valid, 1 when not
 * @throws CliError when the file cannot be read
 */
export function validate(o: ValidateOptions, io: CliIo): number {
  const result = readRubricFile(o.input);
  if (o.format === "json") {
    const out = result.rubric
      ? { valid: true, id: result.rubric.id, version: result.rubric.version, hash: result.rubric.hash, nodes: result.rubric.size }
      : { valid: false, issues: result.issues };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return result.rubric ? EXIT_OK : EXIT_FATAL;
  }
  if (result.rubric) {
    const r = result.rubric;
    io.stdout.write(`${o.input}: valid: ${r.id}@${r.version}, ${r.size} nodes, sha256 ${r.hash}\n`);
    return EXIT_OK;
  }
  for (const line of issueLines(o.input, result.issues)) io.stderr.write(`${line}\n`);
  const n = result.issues.length;
  io.stderr.write(`${o.input}: invalid rubric: ${n} issue${n === 1 ? "" : "s"}\n`);
  return EXIT_FATAL;
}
