/**
 * Issue 8, end to end through the built command line: messy large files lose no row, duplicate
 * ids are found in linear time, runs stop on a signal at any stage, standard input and FIFOs are
 * read, and tables that would grow without bound stop with a clear message.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT, cli, cliAsync, records, tempDir } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
const ROWS = 100_000;
let big = "";

beforeAll(() => {
  // A seeded leaf-level 2017 file of 100,000 bodies (13 MB: many read chunks).
  const r = spawnSync(process.execPath, [join(ROOT, "fixtures", "generate.mjs"), "wide", "--edition", "2017", "--rows", String(ROWS), "--out", t.file("big.csv")], { encoding: "utf8" });
  expect(r.status).toBe(0);
  big = t.read("big.csv");
}, 120_000);

/** The big file with line `n` (1 = header) replaced. */
function withLine(name: string, n: number, edit: (line: string) => string): string {
  const all = big.split("\n");
  all[n - 1] = edit(all[n - 1]!);
  return t.file(name, all.join("\n"));
}

describe("messy large files lose no row", () => {
  it('a stray quote ("Body" 2) rejects its row only; every other body is scored', () => {
    withLine("stray.csv", 3, (l) => l.replace(/^([^,]+),([^,]+),/, '$1,"Body" 2,'));
    const r = run("score", "stray.csv", "--edition", "2017", "--by", "level", "--rejects", "stray-rej.csv");
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toContain(`stray.csv: ${ROWS} data lines: ${ROWS - 1} bodies scored, 1 rejected, 0 blank`);
    const rej = records(t.read("stray-rej.csv"));
    expect(rej).toHaveLength(1);
    expect(rej[0]).toMatchObject({ row: "3", code: "invalid_quotes" });
    expect(records(r.stdout).reduce((n, g) => n + Number(g.bodies), 0)).toBe(ROWS - 1);
  });

  it("an unclosed quote at row 4 rejects row 4 only, with its own row number", () => {
    withLine("unclosed.csv", 4, (l) => l.replace(/^([^,]+),([^,]+),/, '$1,"$2,'));
    const r = run("score", "unclosed.csv", "--edition", "2017", "--by", "level", "--rejects", "unclosed-rej.csv");
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toContain(`unclosed.csv: ${ROWS} data lines: ${ROWS - 1} bodies scored, 1 rejected, 0 blank`);
    expect(records(t.read("unclosed-rej.csv"))).toEqual([expect.objectContaining({ row: "4", code: "unclosed_quote" })]);
  });

  it("a header ending in CRLF over LF rows reads every row", () => {
    const [header, ...rest] = big.split("\n");
    t.file("crlf-header.csv", `${header}\r\n${rest.slice(0, 1000).join("\n")}\n`);
    const r = run("score", "crlf-header.csv", "--edition", "2017", "--by", "level");
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toContain("crlf-header.csv: 1000 data lines: 1000 bodies scored, 0 rejected, 0 blank");
  });
});

describe("duplicate ids", () => {
  it("80,000 identical ids are found as they come: the run stops listing 10 and counting the rest", () => {
    const [header, ...rest] = big.split("\n");
    const row = rest[0]!.replace(/^[^,]+/, "SAME");
    t.file("same.csv", `${header}\n${Array.from({ length: 80_000 }, () => row).join("\n")}\n`);
    const r = run("score", "same.csv", "--edition", "2017", "--by", "state", "--out", "same-out.csv");
    expect(r.code).toBe(1);
    const err = lines(r.stderr);
    expect(err[0]).toBe("same.csv: 79999 rows repeat an earlier id; ids must be unique (nothing was written)");
    expect(err[1]).toBe('same.csv:3:1: id "SAME" is used again (first in row 2)');
    expect(err.at(-1)).toBe("... and 79989 more");
    expect(existsSync(join(t.dir, "same-out.csv"))).toBe(false);
  });
});

describe("signals, standard input and FIFOs", () => {
  it("SIGINT ends a run mid-file within a second, exit 130, no output and no temporary file", async () => {
    const child = cliAsync(["score", "big.csv", "--edition", "2017", "--out", "interrupted.csv"], t.dir);
    // Mid-file: the output's temporary file exists once the run has started reading (on a busy
    // machine a fixed delay could land before the handlers are set, or after the end).
    const temp = () => readdirSync(t.dir).filter((f) => f.startsWith(".interrupted.csv."));
    for (const start = Date.now(); temp().length === 0 && Date.now() - start < 20_000; ) await new Promise((r) => setTimeout(r, 20));
    expect(temp()).toHaveLength(1);
    const sent = Date.now();
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(code).toBe(130);
    expect(existsSync(join(t.dir, "interrupted.csv"))).toBe(false);
    expect(temp()).toEqual([]);
  });

  it("reads standard input given as -", () => {
    const r = spawnSync(process.execPath, [BIN, "score", "-", "--edition", "2017", "--by", "level"], { cwd: t.dir, input: big, encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`-: ${ROWS} data lines: ${ROWS} bodies scored, 0 rejected, 0 blank`);
    expect(records(r.stdout).reduce((n, g) => n + Number(g.bodies), 0)).toBe(ROWS);
  });

  it("reads a FIFO as its writer writes, and a FIFO with no writer still stops on SIGTERM", async () => {
    const fifo = join(t.dir, "in.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const child = spawn(process.execPath, [BIN, "score", fifo, "--edition", "2017", "--by", "level"], { cwd: t.dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const fd = openSync(fifo, "w");
    const text = big.split("\n").slice(0, 5001).join("\n");
    writeSync(fd, `${text}\n`);
    closeSync(fd);
    expect(await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))).toBe(0);
    expect(records(out).reduce((n, g) => n + Number(g.bodies), 0)).toBe(5000);

    const lonely = join(t.dir, "lonely.fifo");
    expect(spawnSync("mkfifo", [lonely]).status).toBe(0);
    const waiting = spawn(process.execPath, [BIN, "score", lonely, "--edition", "2017"], { cwd: t.dir, stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 500));
    waiting.kill("SIGTERM");
    expect(await new Promise<number | null>((resolve) => waiting.on("exit", (c) => resolve(c)))).toBe(143);
  });
});

describe("bounded tables", () => {
  it("grouping by a key nearly unique per body stops with a clear message instead of growing", () => {
    const r = run("score", "big.csv", "--edition", "2017", "--by", "id");
    expect(r.code).toBe(1);
    expect(lines(r.stderr).at(-1)).toBe("big.csv: more than 20000 groups by id; a table groups bodies by a key they share (state, type, level), and per-body results come without --by");
  });

  it("the rubric files read by the CLI are capped (a huge file is refused at once)", () => {
    const r = run("validate", "/dev/zero");
    expect(r.code).toBe(1);
    expect(readFileSync(join(t.dir, "big.csv")).length).toBeGreaterThan(10_000_000);
  });
});
