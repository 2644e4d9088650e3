import { openCsvRecords } from "../../src/io/byteSource.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import {
  CsvError,
  CsvRecordReader,
  DECIMAL_PLAIN,
  RECORD_BLANK,
  RECORD_OK,
  createDecimalSlot,
  type CsvReadOptions,
} from "../../src/io/csvRecordReader.js";
import type { CsvEncoding } from "../../src/io/decodeChunks.js";
import { oracleRecords, type OracleRecord } from "./recordOracle.js";

// Seeded: a failure replays from the seed fast-check prints. RUNS and SEED give a longer or
// another search (e.g. RUNS=20000 SEED=7 npx vitest run test/io/recordGrammar.test.ts).
const RUNS = Number(process.env.RUNS ?? 300);
fc.configureGlobal({ seed: Number(process.env.SEED ?? 20170), numRuns: RUNS });

const dir = mkdtempSync(join(tmpdir(), "ogmetric-grammar-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** What a reader gave for one record, in the oracle's shape. */
interface Got extends OracleRecord {
  readonly row: number;
}

const WINDOWS_1252: Record<string, number> = { "€": 0x80, "’": 0x92, "—": 0x97 };

function encode(text: string, encoding: CsvEncoding, bom: boolean): Buffer {
  if (encoding === "utf8") return Buffer.from(bom ? `\uFEFF${text}` : text, "utf8");
  return Buffer.from([...text].map((c) => WINDOWS_1252[c] ?? c.charCodeAt(0)));
}

/** Reads every record with the byte API; a fatal error becomes `{ error: code }`. */
async function readAll(source: string | Readable, options: CsvReadOptions): Promise<{ header: string[]; records: Got[]; counts: unknown } | { error: string }> {
  let csv: CsvRecordReader;
  try {
    csv = await openCsvRecords(source, options);
  } catch (e) {
    if (e instanceof CsvError) return { error: e.code };
    throw e;
  }
  const records: Got[] = [];
  const slot = createDecimalSlot();
  for await (const batch of csv) {
    for (let r = 0; r < batch.length; r++) {
      const row = batch.row(r);
      const status = batch.status(r);
      if (status === RECORD_BLANK) {
        records.push({ row, kind: "blank" });
        continue;
      }
      const fields = batch.fields(r);
      // The byte path (text, decimal) agrees with the string path and with papaparse.
      if (fields.length > 0) {
        const papa = Papa.parse<string[]>(batch.raw(r), { delimiter: csv.delimiter, newline: "\n", quoteChar: '"' }).data[0] ?? [""];
        expect(fields, `row ${row}: papaparse`).toEqual(papa);
        for (let col = 0; col < fields.length; col++) {
          expect(batch.text(r, col)).toBe(fields[col]);
          if (batch.decimal(r, col, slot) === DECIMAL_PLAIN) expect(slot.value).toBe(Number(fields[col]));
        }
      }
      if (status === RECORD_OK) {
        records.push({ row, kind: "ok", fields });
        continue;
      }
      const p = batch.problem(r)!;
      const holds = /holds (\d+)/.exec(p.message)?.[1];
      records.push({
        row,
        kind: "problem",
        code: p.code,
        ...(p.column === undefined ? {} : { column: p.column }),
        ...(p.code === "column_count" ? { fields } : { text: p.text! }),
        ...(holds === undefined ? {} : { holds: Number(holds) }),
      });
      expect(batch.raw(r)).toBe(p.code === "column_count" ? batch.raw(r) : p.text);
    }
  }
  const counts = csv.counts;
  expect(counts.rows).toBe(counts.ok + counts.problems + counts.blank);
  expect(counts.rows).toBe(records.length);
  expect(csv.rowsRead).toBe(records.length + 1);
  return { header: [...csv.header], records, counts };
}

/** The oracle's reading of a whole file, as `readAll` gives it. */
function expected(text: string, d: string, maxField: number, maxRow: number) {
  const all = oracleRecords(text, d, maxField, maxRow);
  const head = all[0];
  if (!head) return { error: "empty_file" };
  if (head.kind === "problem") return { error: head.code === "field_too_large" || head.code === "row_too_large" ? "header_too_large" : head.code! };
  const header = head.kind === "blank" ? [""] : head.fields!;
  const records: Got[] = all.slice(1).map((rec, i) => {
    const row = i + 2;
    if (rec.kind === "ok" && rec.fields!.length !== header.length) return { row, kind: "problem", code: "column_count", fields: rec.fields! };
    return { row, ...rec };
  });
  return { header, records };
}

/** Random CSV text built from the pieces the grammar cares about. */
const pieceArb = (encoding: CsvEncoding, d: string) => {
  const letters = encoding === "utf8" ? ["a", "B", "é", "€", "😀", "ñ"] : encoding === "latin1" ? ["a", "B", "é", "ñ", "\u00ff"] : ["a", "é", "€", "’", "—"];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...letters, "0", "7", "1.5", "-0.25", ".5", "NA", " ", "1e3"), weight: 10 },
    { arbitrary: fc.constantFrom(d, d, d), weight: 5 },
    { arbitrary: fc.constantFrom("\n", "\r\n", "\r"), weight: 4 },
    { arbitrary: fc.constantFrom('"', '""', `"${d}`, `${d}"`, '"\n', '" '), weight: 3 },
    { arbitrary: fc.integer({ min: 5, max: 60 }).map((n) => "x".repeat(n)), weight: 1 },
  );
};

const fileArb = fc
  .record({
    encoding: fc.constantFrom<CsvEncoding>("utf8", "utf8", "latin1", "windows1252"),
    d: fc.constantFrom(",", ";"),
    bom: fc.boolean(),
    limits: fc.oneof(
      fc.constant([1_048_576, 8_388_608] as const),
      fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 40 })).map(([f, extra]) => [f, f + extra] as const),
    ),
    seed: fc.integer(),
  })
  .chain((o) =>
    fc.record({
      o: fc.constant(o),
      text: fc.array(pieceArb(o.encoding, o.d), { maxLength: 60 }).map((p) => p.join("")),
      chunks: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }),
      chunkBytes: fc.integer({ min: 1, max: 12 }),
    }),
  );

/** Splits bytes at the given chunk sizes (cycled). */
function split(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe("the record grammar", () => {
  it("every reading (a file read 1 byte at a time or in chunks of any size, a stream cut anywhere) gives the oracle's records", async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ o, text, chunks, chunkBytes }) => {
        const [maxFieldChars, maxRowChars] = o.limits;
        const bytes = encode(text, o.encoding, o.bom && o.encoding === "utf8");
        const options: CsvReadOptions = { encoding: o.encoding, delimiter: o.d, maxFieldChars, maxRowChars };
        const want = expected(text, o.d, maxFieldChars, maxRowChars);
        const path = join(dir, `g${files++}.csv`);
        writeFileSync(path, bytes);
        const readings = [
          await readAll(path, { ...options, chunkBytes: 1 }),
          await readAll(path, { ...options, chunkBytes }),
          await readAll(path, options),
          await readAll(Readable.from(split(bytes, chunks)), options),
        ];
        for (const got of readings) {
          if ("error" in want) expect(got).toEqual(want);
          else expect(got).toMatchObject(want);
        }
      }),
    );
  }, 60_000 + RUNS * 20);

  it("reads every string of up to 4 characters of a, é, 😀, quote and delimiter, one per line, as the oracle does at every small limit", async () => {
    // Exhaustive where random text is thin: limits that fall inside a multi-byte character.
    const alphabet = ["a", "é", "😀", '"', ","];
    let lines = [""];
    const all: string[] = [];
    for (let len = 1; len <= 4; len++) {
      lines = lines.flatMap((l) => alphabet.map((c) => l + c));
      all.push(...lines);
    }
    const text = `h\n${all.join("\n")}\n`;
    const path = join(dir, `all${files++}.csv`);
    writeFileSync(path, text);
    for (let maxField = 1; maxField <= 7; maxField++) {
      for (const maxRow of [maxField, maxField + 3]) {
        const want = expected(text, ",", maxField, maxRow);
        for (const chunkBytes of [1, 7, 65_536]) {
          expect(await readAll(path, { maxFieldChars: maxField, maxRowChars: maxRow, chunkBytes }), `${maxField}/${maxRow}/${chunkBytes}`).toMatchObject(want);
        }
      }
    }
  });

  it("reads files whose every chunk boundary falls around an oversized row the same way", async () => {
    const text = `id,v\r\na,1\r\n${"x".repeat(40)},"${"y".repeat(30)}\r\nz"\r\nb,2\r\n"q""${"w".repeat(50)}\r\nc,3\r\n`;
    const bytes = Buffer.from(text);
    const path = join(dir, `edge${files++}.csv`);
    writeFileSync(path, bytes);
    const want = expected(text, ",", 20, 30);
    expect(want).toMatchObject({ records: [{ row: 2 }, { row: 3, code: "field_too_large" }, { row: 4, code: "column_count" }, { row: 5 }, { row: 6, code: "field_too_large" }, { row: 7 }] });
    for (let size = 1; size <= bytes.length + 1; size++) {
      expect(await readAll(path, { maxFieldChars: 20, maxRowChars: 30, chunkBytes: size }), `chunk ${size}`).toMatchObject(want);
    }
    for (let cut = 1; cut < bytes.length; cut++) {
      const stream = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(await readAll(stream, { maxFieldChars: 20, maxRowChars: 30 }), `cut at ${cut}`).toMatchObject(want);
    }
  });
});
