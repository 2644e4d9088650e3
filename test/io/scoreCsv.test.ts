/**
 * `scoreCsv` (the pure core's CSV door) against the Node doors: the same file, given as a path to
 * `scoreFile` and to `ogmetric score`, and as a string, a Blob or a web stream cut at awkward
 * bytes to `scoreCsv`, gives the same scores, rejects and row accounts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CsvError, InputFileError, scoreCsv, type ScoredInput } from "../../src/index.js";
import { scoreFile } from "../../src/node.js";
import { cli, parseCsv } from "../cli/helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const F = (name: string) => join(ROOT, "fixtures", name);
const dir = mkdtempSync(join(tmpdir(), "ogmetric-scorecsv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A web stream of `bytes`, cut at the given offsets. */
function streamOf(bytes: Uint8Array, cuts: readonly number[]): ReadableStream<Uint8Array> {
  const ends = [...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length];
  let at = 0;
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= ends.length) return controller.close();
      // A copy, so no chunk shares the array of another.
      controller.enqueue(bytes.slice(at, ends[i]!));
      at = ends[i++]!;
    },
  });
}

/** What must agree between two doors (the file names are the same by construction). */
function shape(s: ScoredInput) {
  return { scores: s.scores, rejects: s.rejects, rejectCounts: s.rejectCounts, warnings: s.warnings, accounts: s.accounts, rubric: s.rubric.hash };
}

// A survey with every kind of row the reader and the checks treat apart: a byte-order mark, CRLF
// and LF line ends, accented names (two- and three-byte UTF-8: "ñ", "€"), a quoted field with a
// comma, a doubled quote and a line end inside, a blank line, a value out of range, a value that
// is not a number, NA, an empty id, a row with a column too many, broken quotes.
const MESSY = [
  "\uFEFFid,name,state,TG,TC,PG,PC",
  'A,"Municipio de Ñuñoa, ""Norte""",Jalisco,0.46,0.54,0.23,0.32\r',
  'B,"Línea uno\nlínea dos €",Puebla,0.5,0.5,0.5,0.5',
  "",
  "C,Tercero,Oaxaca,1.5,0.5,0.5,0.5",
  "D,Cuarto,Sonora,abc,0.5,0.5,0.5",
  "E,Quinto,Yucatán,NA,0.25,0.5,0.75",
  ",Sin id,Colima,0.5,0.5,0.5,0.5",
  "F,Sexto,Chiapas,0.5,0.5,0.5,0.5,0.9",
  'G,"roto"x,Durango,0.5,0.5,0.5,0.5',
  "H,Último €,Campeche,0.1,0.2,0.3,0.4",
].join("\n");

describe("scoreCsv scores a CSV as ogmetric score and scoreFile do", () => {
  const path = write("messy.csv", MESSY);
  const bytes = new TextEncoder().encode(MESSY);

  it("a messy file: string, Blob and stream give scoreFile's scores, rejects and account", async () => {
    const byFile = await scoreFile(path, { edition: "2017" });
    expect(byFile.scores.map((s) => s.id)).toEqual(["A", "B", "E", "H"]);
    expect(byFile.rejects.map((r) => [r.row, r.column, r.code])).toEqual([
      [5, 4, "out_of_range"],
      [6, 4, "not_a_number"],
      [8, 1, "missing_id"],
      [9, undefined, "column_count"],
      [10, 2, "invalid_quotes"],
    ]);
    // Conservation: 10 data lines (the line end quoted in row 3 does not start a row) = 4 + 5 + 1.
    expect(byFile.accounts).toEqual([{ file: path, dataLines: 10, used: 4, rejected: 5, blank: 1 }]);
    const want = shape(byFile);
    expect(shape(await scoreCsv(MESSY, { edition: "2017", name: path }))).toEqual(want);
    expect(shape(await scoreCsv(new Blob([bytes]), { edition: "2017", name: path }))).toEqual(want);
    expect(shape(await scoreCsv(streamOf(bytes, [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]), { edition: "2017", name: path }))).toEqual(want);
  });

  it("a stream cut at every byte (inside the BOM, inside multi-byte characters, inside quotes) gives the same result", async () => {
    const want = shape(await scoreFile(path, { edition: "2017" }));
    // Where the cuts fall: inside "Ñ" (2 bytes), "€" (3 bytes) and a quoted field spanning lines.
    const inside = (s: string, k: number) => new TextEncoder().encode(MESSY.slice(0, MESSY.indexOf(s))).length + k;
    expect([inside("Ñ", 1), inside("€", 1), inside("€", 2), inside("nea dos", 0)].every((c) => c > 0 && c < bytes.length)).toBe(true);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = shape(await scoreCsv(streamOf(bytes, [cut]), { edition: "2017", name: path }));
      if (JSON.stringify(got) !== JSON.stringify(want)) expect({ cut, got }).toEqual({ cut, want });
    }
    // And every chunk one byte long.
    const ones = Array.from({ length: bytes.length }, (_, i) => i + 1);
    expect(shape(await scoreCsv(streamOf(bytes, ones), { edition: "2017", name: path }))).toEqual(want);
  });

  it("the rejects and the scores are ogmetric score's (file, row, column, code, reason, record)", async () => {
    const rejectsPath = join(dir, "messy-rejects.csv");
    const out = cli(["score", path, "--edition", "2017", "--rejects", rejectsPath], dir);
    expect(out.code).toBe(3);
    const s = await scoreCsv(new Blob([bytes]), { edition: "2017", name: path });
    const [head, ...rows] = parseCsv(readFileSync(rejectsPath, "utf8"));
    expect(head).toEqual(["file", "row", "column", "code", "reason", "record"]);
    expect(s.rejects.map((r) => [r.file, String(r.row), r.columnName, r.code, r.reason, r.record])).toEqual(rows);
    const [outHead, ...scored] = parseCsv(out.stdout);
    const iga = outHead!.indexOf("iga");
    expect(scored.map((r) => [r[0], Number(r[iga])])).toEqual(s.scores.map((b) => [b.id, b.value]));
    expect(out.stderr).toContain(`${path}: 10 data lines: 4 bodies scored, 5 rejected, 1 blank`);
  });

  it("the 2019 sample with its two observation files, as strings, Blobs and streams, equals scoreFile", async () => {
    const files = ["mga2019-sample.csv", "mga2019-sample-requests.csv", "mga2019-sample-records.csv"].map(F);
    const byFile = await scoreFile(files[0]!, { edition: "2019", observations: files.slice(1) });
    expect(byFile.scores.length).toBe(1000);
    const want = shape(byFile);
    const text = files.map((f) => readFileSync(f, "utf8"));
    const named = <T>(csv: T, i: number) => ({ csv, name: files[i]! });
    expect(shape(await scoreCsv(text[0]!, { edition: "2019", name: files[0]!, observations: [named(text[1]!, 1), named(text[2]!, 2)] }))).toEqual(want);
    const blobs = files.map((f) => new Blob([readFileSync(f)]));
    expect(shape(await scoreCsv(blobs[0]!, { edition: "2019", name: files[0]!, observations: [named(blobs[1]!, 1), named(blobs[2]!, 2)] }))).toEqual(want);
    const streams = files.map((f) => streamOf(new Uint8Array(readFileSync(f)), Array.from({ length: 400 }, (_, k) => 1 + k * 997)));
    expect(shape(await scoreCsv(streams[0]!, { edition: "2019", name: files[0]!, observations: [named(streams[1]!, 1), named(streams[2]!, 2)] }))).toEqual(want);
  });

  it("observation rows of unknown or rejected bodies are rejected on a second pass, also over a stream", async () => {
    const survey = "id,tg.ta,tg.tp,tg.da,pg.mec,pg.act,pg.fun,pg.form,pg.seg,pc.met,pc.recep,pc.act,pc.cel\nA,1,1,1,1,1,1,1,1,3,1,1,1\nB,9,1,1,1,1,1,1,1,3,1,1,1\n";
    const requests = "id,request,tc.disp,tc.clar,tc.comp,tc.cel\nA,1,1,1,1,1\nA,2,x,1,1,1\nB,1,1,1,1,1\nZ,1,1,1,1,1\n";
    const records = "id,request,tg.ai.respuesta,tg.ai.plazo,tg.ai.prorroga\nA,1,1,1,1\n";
    const p = [write("s.csv", survey), write("r.csv", requests), write("k.csv", records)];
    const byFile = await scoreFile(p[0]!, { edition: "2019", observations: p.slice(1) });
    expect(byFile.rejects.map((r) => [r.file, r.row, r.code, r.used])).toEqual([
      [p[1], 3, "invalid_value", true],
      [p[0], 3, "out_of_range", false],
      [p[1], 4, "body_rejected", false],
      [p[1], 5, "unknown_body", false],
    ]);
    expect(byFile.accounts.map((a) => [a.dataLines, a.used, a.rejected, a.blank])).toEqual([
      [2, 1, 1, 0],
      [4, 2, 2, 0],
      [1, 1, 0, 0],
    ]);
    const enc = (s: string) => new TextEncoder().encode(s);
    const got = await scoreCsv(streamOf(enc(survey), [7]), {
      edition: "2019",
      name: p[0]!,
      observations: [
        { csv: streamOf(enc(requests), [3, 50]), name: p[1]! },
        { csv: streamOf(enc(records), [10]), name: p[2]! },
      ],
    });
    expect(shape(got)).toEqual(shape(byFile));
  });

  it("the same messages for a file that cannot be used: InputFileError, CsvError, TypeError", async () => {
    const noId = "name,TG\nx,0.5\n";
    const fromFile = await scoreFile(write("noid.csv", noId), { edition: "2017" }).catch((e: unknown) => e);
    const fromText = await scoreCsv(noId, { edition: "2017", name: join(dir, "noid.csv") }).catch((e: unknown) => e);
    expect(fromText).toBeInstanceOf(InputFileError);
    expect((fromText as Error).message).toBe((fromFile as Error).message);
    const absent = await scoreCsv("id,TG\nA,0.5\n", { edition: "2017" }).catch((e: unknown) => e);
    expect(absent).toBeInstanceOf(InputFileError);
    expect((absent as InputFileError).message).toMatch(/^<string>: the rubric needs .* --allow-missing/);
    const latin = new Uint8Array([...new TextEncoder().encode("id,name\nA,"), 0xe9, 0x0a]);
    const bad = await scoreCsv(new Blob([latin]), { edition: "2017", allowMissing: true }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(CsvError);
    expect((bad as CsvError).code).toBe("invalid_utf8");
    const read = await scoreCsv(new Blob([latin]), { edition: "2017", allowMissing: true, encoding: "latin1" });
    expect(read.scores[0]!.fields).toEqual({ name: "é" });
    await expect(scoreCsv("", { edition: "2017" })).rejects.toThrow(CsvError);
    await expect(scoreCsv("id\n", { edition: "2017", encoding: "utf16" })).rejects.toThrow(/^scoreCsv: encoding: expected utf8, latin1 or windows-1252, found "utf16"$/);
    await expect(scoreCsv(42 as unknown as string, { edition: "2017" })).rejects.toThrow(TypeError);
    // A stream not held for a second reading cannot be read twice: the survey is read once.
    const twice = new Blob(["id,sr\n"]);
    await expect(scoreCsv("id,TG,TC,PG,PC\n", { edition: "2017", observations: [twice, twice] })).rejects.toThrow(/the same file/);
  });
});
