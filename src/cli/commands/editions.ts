import { EDITIONS, loadEdition } from "../../index.js";
import { EXIT_OK } from "../errors.js";
import type { CliIo } from "../io.js";
import type { EditionsOptions } from "../options.js";

/**
 * `ogmetric editions`: the built-in rubrics with id, version, content hash, size and label.
 * @returns 0
 */
export function editions(o: EditionsOptions, io: CliIo): number {
  const rows = EDITIONS.map((edition) => {
    const r = loadEdition(edition);
    return { edition, id: r.id, version: r.version, hash: r.hash, nodes: r.size, label: r.label.es };
  });
  if (o.format === "json") {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  const table = [["edition", "rubric", "nodes", "sha256", "label"], ...rows.map((r) => [r.edition, `${r.id}@${r.version}`, String(r.nodes), r.hash, r.label])];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) io.stdout.write(`${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ")}\n`);
  return EXIT_OK;
}
