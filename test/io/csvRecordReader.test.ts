import { openCsvRecords } from "../../src/io/byteSource.js";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { RECORD_OK, TextPool, type CsvReadOptions } from "../../src/io/csvRecordReader.js";
import { CsvReader } from "../../src/io/readCsv.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(join(tmpdir(), "ogmetric-records-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, content);
  return path;
}

/** Every row of a file through the string API: [row, first field, problem code], and the counts. */
async function rows(path: string, options: CsvReadOptions = {}) {
  const csv = await CsvReader.open(path, options);
  const out: [number, string, string?][] = [];
  for await (const batch of csv) {
    batch.rows.forEach((row, i) => {
      const p = batch.problems?.get(i);
      out.push(p ? [batch.firstRow + i, row[0]!, p.code] : [batch.firstRow + i, row[0]!]);
    });
  }
  return { out, counts: csv.counts, header: csv.header };
}

describe("a malformed record rejects that record only (issue 8)", () => {
  let lines: string[];
  let lastId: string;
  beforeAll(() => {
    // The benchmark's generator: leaf-level rows, names with commas quoted.
    const path = join(dir, "wide300k.csv");
    execFileSync(process.execPath, [join(root, "fixtures", "generate.mjs"), "wide", "--edition", "2017", "--rows", "300000", "--seed", "20170", "--out", path], { stdio: "pipe" });
    lines = readFileSync(path, "utf8").split("\n");
    expect(lines[2]).toMatch(/^B0+2,Partido Renovador en Nayarit,/);
    expect(lines[3]).toMatch(/^B0+3,Instituto de Estadística de Tamaulipas,/);
    lastId = lines[300_000]!.split(",")[0]!;
  });

  it('a stray quote ("Body" 2 at row 3 of 300,000) rejects row 3 alone; the other 299,999 rows are read', async () => {
    const edited = [...lines];
    edited[2] = edited[2]!.replace("Partido Renovador en Nayarit", '"Body" 2');
    const { out, counts } = await rows(file(edited.join("\n")));
    expect(counts).toEqual({ rows: 300_000, ok: 299_999, problems: 1, blank: 0 });
    expect(out.filter((r) => r[2] !== undefined)).toEqual([[3, edited[2]!, "invalid_quotes"]]);
    expect(out[out.length - 1]).toEqual([300_001, lastId]);
  });

  it("an unclosed quote at row 4 of 300,000 rejects row 4 alone, with its own row number and a true message", async () => {
    const edited = [...lines];
    edited[3] = edited[3]!.replace("Instituto de Estadística de Tamaulipas", '"Body 3');
    const csv = await openCsvRecords(file(edited.join("\n")));
    const problems: [number, string, number | undefined, string][] = [];
    let last = "";
    for await (const batch of csv) {
      for (let r = 0; r < batch.length; r++) {
        const p = batch.problem(r);
        if (p) problems.push([batch.row(r), p.code, p.column, p.message]);
        else if (batch.status(r) === RECORD_OK) last = batch.text(r, 0);
      }
    }
    expect(csv.counts).toEqual({ rows: 300_000, ok: 299_999, problems: 1, blank: 0 });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.slice(0, 3)).toEqual([4, "unclosed_quote", 2]);
    // The file's next quote opens a quoted name a few rows down.
    expect(problems[0]![3]).toMatch(/^unclosed quote in field 2 \(it runs onto the next line, where a quote is followed by "M" instead of a delimiter or a line end\); only the line where it opens is rejected/);
    expect(last).toBe(lastId);
  });

  it("an unclosed quote with no other quote after it: the field limit, or the end of the file, ends it at its own line", async () => {
    const body = Array.from({ length: 100_000 }, (_, i) => `B${i},Body ${i},0.5,1`);
    body[2] = 'B2,"Body 2,0.5,1';
    const big = await rows(file(`id,name,a,b\n${body.join("\n")}\n`));
    expect(big.counts).toEqual({ rows: 100_000, ok: 99_999, problems: 1, blank: 0 });
    expect(big.out.filter((r) => r[2] !== undefined)).toEqual([[4, 'B2,"Body 2,0.5,1', "unclosed_quote"]]);
    const small = await rows(file(`id,name,a,b\n${body.slice(0, 10).join("\r\n")}`));
    expect(small.counts).toEqual({ rows: 10, ok: 9, problems: 1, blank: 0 });
    expect(small.out.map((r) => r[2])).toEqual([undefined, undefined, "unclosed_quote", ...Array(7).fill(undefined)]);
  });

  it("a CRLF header over LF rows (and the other mixes) reads every row", async () => {
    for (const [head, nl] of [["\r\n", "\n"], ["\n", "\r\n"], ["\r", "\n"], ["\n", "\r"]] as const) {
      const { header, out, counts } = await rows(file(`id,x${head}a,1${nl}b,2${nl}${nl}c,3`));
      expect(header).toEqual(["id", "x"]);
      expect(out).toEqual([[2, "a"], [3, "b"], [4, ""], [5, "c"]]);
      expect(counts).toEqual({ rows: 4, ok: 3, problems: 0, blank: 1 });
    }
  });

  it("counts every row: ok + problems + blank = rows, whatever is wrong with them", async () => {
    const { out, counts } = await rows(file('id,x\na,1\n\nb\nc,"2\n\nd,"x"y\n"e,3\r\n'), { maxFieldChars: 100 });
    expect(out).toEqual([[2, "a"], [3, ""], [4, "b", "column_count"], [5, 'c,"2', "unclosed_quote"], [6, ""], [7, 'd,"x"y', "invalid_quotes"], [8, '"e,3', "unclosed_quote"]]);
    expect(counts).toEqual({ rows: 7, ok: 1, problems: 4, blank: 2 });
  });
});

describe("reading a regular file", () => {
  it("lets the event loop run while it skips one very long line (signals are not held up)", async () => {
    const path = join(dir, `long${n++}.csv`);
    writeFileSync(path, `id\na\n${"x".repeat(24 << 20)}\nb\n`);
    const csv = await openCsvRecords(path, { maxFieldChars: 1000 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const rows: string[] = [];
    for await (const batch of csv) for (let r = 0; r < batch.length; r++) rows.push(batch.problem(r)?.code ?? batch.text(r, 0));
    clearInterval(timer);
    expect(rows).toEqual(["a", "field_too_large", "b"]);
    expect(ticks).toBeGreaterThan(0);
  });

  it("tells the header's line end", async () => {
    for (const nl of ["\n", "\r\n", "\r"]) expect((await CsvReader.open(file(`id${nl}a${nl}`))).newline).toBe(nl);
    expect((await CsvReader.open(file("id"))).newline).toBe("\n");
  });
});

describe("TextPool", () => {
  it("gives the same text as text() alone, keeping at most maxValues values, in every encoding", async () => {
    const values = ["Jalisco", "Nuevo León", "", '"Ciudad de México, CDMX"', "Jalisco", "Yucatán", "Nuevo León", "€uro"];
    for (const [encoding, max] of [["utf8", 4096], ["utf8", 2], ["windows1252", 3]] as const) {
      const lines = Array.from({ length: 200 }, (_, i) => `${i},${values[i % values.length]}`);
      const text = `id,state\n${lines.join("\n")}\n`;
      const bytes = encoding === "utf8" ? Buffer.from(text) : Buffer.from([...text].map((c) => (c === "€" ? 0x80 : c.charCodeAt(0))));
      const csv = await openCsvRecords(Readable.from([bytes]), { encoding, chunkBytes: 64 });
      const pool = new TextPool(max);
      let rows = 0;
      for await (const batch of csv) {
        for (let r = 0; r < batch.length; r++, rows++) expect(batch.text(r, 1, pool)).toBe(batch.text(r, 1));
      }
      expect(rows).toBe(200);
      expect(pool.size).toBe(Math.min(max, 5)); // 5 distinct values besides the quoted one, which papaparse reads, not the pool
    }
    expect(() => new TextPool(0)).toThrow(RangeError);
  });
});

describe("standard input and FIFOs", () => {
  const dist = join(root, "dist", "node.js");
  /** A script that reads `source` with CsvReader from the built package and prints header and rows. */
  const script = (source: string) =>
    `import(${JSON.stringify(dist)}).then(async ({ CsvReader }) => {
      process.on("SIGTERM", () => { console.log("SIGTERM"); process.exit(143); });
      const opening = CsvReader.open(${JSON.stringify(source)});
      if (process.env.SAY_READY) console.log("ready");
      const csv = await opening;
      let rows = 0;
      for await (const b of csv) rows += b.rows.length;
      console.log(JSON.stringify({ header: csv.header, rows, size: csv.totalBytes ?? null }));
    })`;

  it("reads - from a pipe and from a redirected file", () => {
    expect(existsSync(dist), "dist/ is built by npm test (tsup) before the tests").toBe(true);
    const text = "id,x\na,1\nb,2\n";
    const piped = spawnSync(process.execPath, ["-e", script("-")], { input: text, encoding: "utf8" });
    expect(JSON.parse(piped.stdout)).toEqual({ header: ["id", "x"], rows: 2, size: null });
    const fd = openSync(file(text), "r");
    const redirected = spawnSync(process.execPath, ["-e", script("-")], { stdio: [fd, "pipe", "pipe"], encoding: "utf8" });
    closeSync(fd);
    expect(JSON.parse(redirected.stdout)).toEqual({ header: ["id", "x"], rows: 2, size: text.length });
  });

  it("reads a FIFO without blocking the event loop while it waits for a writer", async () => {
    const fifo = join(dir, `fifo${n++}`);
    execFileSync("mkfifo", [fifo]);
    const opening = openCsvRecords(fifo);
    // No writer yet: the event loop still runs.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const writer = createWriteStream(fifo);
    writer.write("id,x\n");
    const csv = await opening;
    expect(csv.header).toEqual(["id", "x"]);
    expect(csv.totalBytes).toBeUndefined();
    writer.end("a,1\nb,2\n");
    let read = 0;
    for await (const batch of csv) read += batch.length;
    expect(read).toBe(2);
  });

  it("close() ends a read waiting on a FIFO whose writer sends nothing", async () => {
    const fifo = join(dir, `fifo${n++}`);
    execFileSync("mkfifo", [fifo]);
    const opening = openCsvRecords(fifo);
    const writer = createWriteStream(fifo);
    writer.write("id\n");
    const csv = await opening;
    const next = csv.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    csv.close();
    expect(await next).toBeUndefined();
    writer.destroy();
  });

  it("a process waiting on a FIFO with no writer stops on SIGTERM", async () => {
    const fifo = join(dir, `fifo${n++}`);
    execFileSync("mkfifo", [fifo]);
    const child = spawn(process.execPath, ["-e", script(fifo)], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SAY_READY: "1" } });
    let stdout = "";
    const ready = new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
        if (stdout.includes("ready\n")) resolve();
      }),
    );
    await ready;
    // The child now waits in open() for a writer that never comes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(143);
    expect(stdout).toBe("ready\nSIGTERM\n");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
