/**
 * A CSV file as a `CsvInput` (Node only): read with `CsvReader`, compared by what it is on disk.
 */
import type { CsvInput } from "./csvInput.js";
import { CsvReader } from "./readCsv.js";
import { isSameFile } from "./sameFile.js";

/**
 * A file to read as CSV.
 * @param path - its path (`-` for standard input, read once)
 * @returns the input, named by its path
 */
export function fileInput(path: string): CsvInput {
  return {
    name: path,
    source: path,
    sameAs: (other) => typeof other.source === "string" && isSameFile(other.source, path),
    open: (options) => CsvReader.open(path, { ...options, name: path }),
  };
}
