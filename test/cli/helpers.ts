import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, and the built command line (tests run after `tsup`, see `npm test`). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(ROOT, "bin", "ogmetric.js");
if (!existsSync(join(ROOT, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npx tsup` (npm test does) before the CLI tests");

/** The published 2017 per-body file, beside the repository (../shared/data), when present. */
export const BSO = join(ROOT, "..", "shared", "data", "mga2017-bso.csv");
export const BSO_MAPS = ["--encoding", "latin1", "--map", "id=SO", "--map", "state=edo", "--map", "level=niv", "--map", "type=ts"];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node bin/ogmetric.js ...args` in `cwd` and waits for it.
 * @param nodeFlags - flags for node itself (e.g. a heap limit)
 */
export function cli(args: readonly string[], cwd: string, nodeFlags: readonly string[] = []): CliResult {
  const r = spawnSync(process.execPath, [...nodeFlags, BIN, ...args], { cwd, encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the command line without waiting (for signal tests). */
export function cliAsync(args: readonly string[], cwd: string) {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; file: (name: string, content?: string | Uint8Array) => string; read: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "ogmetric-cli-"));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      if (content !== undefined) writeFileSync(path, content);
      return path;
    },
    read: (name) => readFileSync(join(dir, name), "utf8"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Parses CSV text written by ogmetric (RFC 4180, LF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV text as objects keyed by header (for readable assertions). */
export function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

/** The account line every `score` and `aggregate` run prints: `FILE: N data lines: ...`. */
export const ACCOUNT = /^.+: \d+ data lines?: \d+ [a-z ]+, \d+ rejected, \d+ blank.*$/;

/** Standard error without the account line: what a clean run must leave empty. */
export function quiet(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => !ACCOUNT.test(l))
    .join("\n");
}
