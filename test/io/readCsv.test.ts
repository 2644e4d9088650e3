import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { CsvError, CsvReader, type CsvReadOptions } from "../../src/node.js";

const dir = mkdtempSync(join(tmpdir(), "ogmetric-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(content: string | Uint8Array): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, content);
  return path;
}

/** Reads a whole file: header, then [rowNumber, fields, problem code] per row. */
async function read(source: string | Readable, options: CsvReadOptions = {}) {
  const csv = await CsvReader.open(source, options);
  const rows: [number, string[], string?][] = [];
  for await (const batch of csv) {
    batch.rows.forEach((row, i) => {
      const p = batch.problems?.get(i);
      rows.push(p ? [batch.firstRow + i, [...row], p.code] : [batch.firstRow + i, [...row]]);
    });
  }
  return { header: [...csv.header], rows, csv };
}

describe("CsvReader", () => {
  it("reads LF, CRLF and CR files alike, numbering rows from the header as row 1", async () => {
    for (const nl of ["\n", "\r\n", "\r"]) {
      const { header, rows } = await read(file(`id,x${nl}a,1${nl}b,2${nl}`));
      expect(header).toEqual(["id", "x"]);
      expect(rows).toEqual([
        [2, ["a", "1"]],
        [3, ["b", "2"]],
      ]);
    }
  });

  it("reads a last row without a line break, and strips a UTF-8 byte-order mark", async () => {
    const { header, rows } = await read(file("\uFEFFid,x\r\na,1\r\nb,2"));
    expect(header).toEqual(["id", "x"]);
    expect(rows.map((r) => r[1])).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });

  it("keeps embedded line breaks and doubled quotes in quoted fields, a record counting one row", async () => {
    const { rows } = await read(file('id,note\r\na,"two\r\nlines"\r\nb,"say ""hi"", ok"\r\nc,x'));
    expect(rows).toEqual([
      [2, ["a", "two\r\nlines"]],
      [3, ["b", 'say "hi", ok']],
      [4, ["c", "x"]],
    ]);
  });

  it("splits records correctly however the bytes are chunked", async () => {
    const text = 'id,note,v\n"q1","a ""b""\nc",1\nplain,"",2\n"x,y",z,3\n';
    const expected = (await read(file(text))).rows;
    for (const size of [1, 2, 3, 5, 7]) {
      expect((await read(file(text), { chunkBytes: size })).rows).toEqual(expected);
    }
  });

  it("reads a custom delimiter", async () => {
    const { header, rows } = await read(file("id;x\na;0,5\n"), { delimiter: ";" });
    expect(header).toEqual(["id", "x"]);
    expect(rows[0]![1]).toEqual(["a", "0,5"]);
  });

  it("reads latin-1 when asked, every byte its own code point", async () => {
    const bytes = Buffer.from("id,name\na,Querétaro\n", "latin1");
    expect((await read(file(bytes), { encoding: "latin1" })).rows[0]![1]).toEqual(["a", "Querétaro"]);
  });

  it("refuses invalid UTF-8 with the row, column and byte offset of the first bad byte", async () => {
    const bytes = Buffer.concat([Buffer.from("id,name\na,ok\nb,Quer"), Buffer.from([0xe9]), Buffer.from("taro\n")]);
    for (const chunkBytes of [65_536, 1, 4]) {
      const err = await read(file(bytes), { chunkBytes }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CsvError);
      expect(err).toMatchObject({ code: "invalid_utf8", row: 3, column: 2 });
      expect((err as Error).message).toContain("byte 0xe9 at byte offset 19");
      expect((err as Error).message).toContain("latin1");
    }
  });

  it("refuses UTF-8 that ends inside a character", async () => {
    const err = await read(file(Buffer.from([0x69, 0x64, 0x0a, 0x61, 0xc3]))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "invalid_utf8" });
  });

  it("refuses a UTF-8 file read as latin-1, and UTF-16", async () => {
    await expect(read(file("\uFEFFid\na\n"), { encoding: "latin1" })).rejects.toMatchObject({ code: "utf8_bom_in_latin1" });
    await expect(read(file(Buffer.from([0xff, 0xfe, 0x69, 0x00])))).rejects.toMatchObject({ code: "utf16" });
  });

  it("refuses an empty file, and reads a header-only file as no rows", async () => {
    await expect(read(file(""))).rejects.toMatchObject({ code: "empty_file", row: 1 });
    expect(await read(file("id,x"))).toMatchObject({ header: ["id", "x"], rows: [] });
    expect(await read(file("id,x\r\n"))).toMatchObject({ header: ["id", "x"], rows: [] });
  });

  it("gives a blank line as the row [''] so that numbering stays right", async () => {
    expect((await read(file("id\na\n\nb\n"))).rows).toEqual([
      [2, ["a"]],
      [3, [""]],
      [4, ["b"]],
    ]);
  });

  it("skips a field longer than the limit without keeping it, and reads the rows after it", async () => {
    const big = "x".repeat(5000);
    const { rows } = await read(file(`id,note\na,1\nb,${big}\nc,3\n`), { maxFieldChars: 1000, chunkBytes: 256 });
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      [2, undefined],
      [3, "field_too_large"],
      [4, undefined],
    ]);
    expect(rows[2]![1]).toEqual(["c", "3"]);
    expect(rows[1]![1][0]!.length).toBeLessThan(300);
  });

  it("ends a record past a limit at the next line end, even inside quotes (memory stays bounded)", async () => {
    // The quoted field passes the limit on its first line: the reader cannot hold it to find
    // out whether its quote ever closes, so the record ends at that line; the field's second
    // line is a row of its own (too large as well), and the rows after it are read.
    const big = "x".repeat(5000);
    const { rows } = await read(file(`id,note\na,1\nb,"${big}\n${big}"\nc,3\n`), { maxFieldChars: 1000, chunkBytes: 256 });
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      [2, undefined],
      [3, "field_too_large"],
      [4, "field_too_large"],
      [5, undefined],
    ]);
    expect(rows[3]![1]).toEqual(["c", "3"]);
  });

  it("reports the oversized field's column, also when the file ends inside it", async () => {
    const csv = await CsvReader.open(file(`id,a,b\nr,1,${"y".repeat(4000)}`), { maxFieldChars: 1000, chunkBytes: 512 });
    const problems = [];
    for await (const batch of csv) for (const [, p] of batch.problems ?? []) problems.push(p);
    expect(problems).toMatchObject([{ code: "field_too_large", column: 3 }]);
    expect(problems[0]!.message).toContain("field 3 is longer than the limit of 1000 characters");
  });

  it("refuses a header wider than maxColumns", async () => {
    const header = Array.from({ length: 20 }, (_, i) => `c${i}`).join(",");
    await expect(read(file(`${header}\n`), { maxColumns: 10 })).rejects.toMatchObject({ code: "too_many_columns" });
  });

  it("flags malformed quotes and an unclosed quote at the end, rejecting only that row", async () => {
    expect((await read(file('id,x\na,"b"c,\nd,e\n'))).rows.map((r) => r[2])).toEqual(["invalid_quotes", undefined]);
    expect((await read(file('id,x\na,"b"c",\nd,e\n'))).rows.map((r) => r[2])).toEqual(["invalid_quotes", undefined]);
    expect((await read(file('id,x\nd,"open'))).rows.map((r) => r[2])).toEqual(["unclosed_quote"]);
  });

  it("reads from a stream, and reports a missing file", async () => {
    const { rows } = await read(Readable.from([Buffer.from("id\nq\n")]), { name: "stdin" });
    expect(rows).toEqual([[2, ["q"]]]);
    await expect(read(join(dir, "nope.csv"))).rejects.toMatchObject({ code: "read_error", message: "no such file" });
  });
});
