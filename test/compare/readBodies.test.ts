import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { aggregate, compareScores, formatFixed, loadEdition, scoreBody } from "../../src/index.js";
import { InputFileError, readBodies, readScores, scoreFile } from "../../src/node.js";
import { BSO_PATH, dataSuite } from "../sharedData.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const F = (name: string) => join(ROOT, "fixtures", name);
const S17 = { edition: "2017", observations: [F("mga2017-sample-requests.csv")] } as const;
const S19 = { edition: "2019", observations: [F("mga2019-sample-requests.csv"), F("mga2019-sample-records.csv")] } as const;
const dir = mkdtempSync(join(tmpdir(), "ogmetric-read-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scoreFile and readBodies read a survey file as ogmetric score does", () => {
  it("scoreFile gives, body by body, what scoreBody gives on readBodies' inputs (two doors, one path)", async () => {
    const scored = await scoreFile(F("mga2019-sample.csv"), S19);
    const inputs = await readBodies(F("mga2019-sample.csv"), S19).toArray();
    expect(scored.scores.length).toBe(1000);
    expect(inputs.length).toBe(1000);
    const r = loadEdition("2019");
    inputs.forEach((input, i) => {
      const viaBody = scoreBody(r, input);
      expect(viaBody.id).toBe(scored.scores[i]!.id);
      expect(viaBody.nodes.map((n) => [n.status, n.value])).toEqual(scored.scores[i]!.nodes.map((n) => [n.status, n.value]));
    });
    expect(inputs[0]).toMatchObject({ id: "B000001", fields: { name: "Instituto de Pensiones de San Luis Potosí", state: "San Luis Potosí", level: "Estatal", type: "Ejecutivo estatal" } });
    expect(Object.keys(inputs[0]!.observations!)).toEqual(["citizen_requests", "request_records"]);
    expect(scored.accounts.map((a) => [a.dataLines, a.used, a.rejected, a.blank])).toEqual([
      [1000, 1000, 0, 0],
      [3979, 3979, 0, 0],
      [13389, 13389, 0, 0],
    ]);
  });

  it("scoreFile's values are the ones `ogmetric score` writes, and readScores gives them back with the same attribution", async () => {
    const out = join(dir, "s19.csv");
    const run = spawnSync(process.execPath, [join(ROOT, "bin", "ogmetric.js"), "score", F("mga2019-sample.csv"), "--edition", "2019", ...S19.observations.flatMap((o) => ["--observations", o]), "--out", out], { encoding: "utf8" });
    expect(run.status).toBe(0);
    const s19 = await scoreFile(F("mga2019-sample.csv"), S19);
    const back = await readScores(out);
    expect(back.rubric).toBe(loadEdition("2019"));
    expect(back.scores.map((s) => s.nodes.map((n) => n.value))).toEqual(s19.scores.map((s) => s.nodes.map((n) => n.value)));
    expect(back.scores.map((s) => s.issues)).toEqual(s19.scores.map(() => []));
    const s17 = await scoreFile(F("mga2017-sample.csv"), S17);
    const direct = compareScores(s17, s19).bodies;
    const viaFile = compareScores(s17, back).bodies;
    expect(viaFile.map((b) => b.attribution)).toEqual(direct.map((b) => b.attribution));
  });

  it("keeps rejected rows as values with file, row, column and reason, and accounts for every line", async () => {
    const input = file(
      "bad.csv",
      ["id,name,TG,TC,PG,PC", "A,Uno,0.5,0.5,0.2,0.2", ",Sin id,0.5,0.5,0.2,0.2", "C,Tres,1.5,0.5,0.2,0.2", "D,Cuatro,0.5", "", "E,Cinco,0.4,0.4,0.4,0.4"].join("\n"),
    );
    const seen: string[] = [];
    const reader = readBodies(input, { edition: "2017", onReject: (r) => seen.push(r.code) });
    const bodies = await reader.toArray();
    expect(bodies.map((b) => b.id)).toEqual(["A", "E"]);
    expect(bodies[0]!.values).toEqual({ tg: "0.5", tc: "0.5", pg: "0.2", pc: "0.2" });
    expect(reader.rejects.map((r) => [r.row, r.column, r.columnName, r.code])).toEqual([
      [3, 1, "id", "missing_id"],
      [4, 3, "TG", "out_of_range"],
      [5, undefined, "", "column_count"],
    ]);
    expect(reader.rejects[1]!.reason).toBe('column "TG" (tg): expected a number from 0 to 1, found "1.5"');
    expect(reader.rejects[1]!).toMatchObject({ file: input, record: "C,Tres,1.5,0.5,0.2,0.2", used: false });
    expect(seen).toEqual(["missing_id", "out_of_range", "column_count"]);
    expect(reader.accounts).toEqual([{ file: input, dataLines: 6, used: 2, rejected: 3, blank: 1 }]);
    const scored = await scoreFile(input, { edition: "2017" });
    expect(scored.scores.map((s) => s.value)).toEqual([0.35, 0.4]);
    expect(scored.rejectCounts).toEqual({ missing_id: 1, out_of_range: 1, column_count: 1 });
  });

  it("rejects observation rows of bodies not read, and rows with an unreadable value are used with it missing", async () => {
    const input = file("obs.csv", "id,TG,PG,PC\nA,0.5,0.2,0.2\nB,2,0.2,0.2\n");
    const requests = file("obs-requests.csv", "id,tc.disp,tc.clar,tc.comp,tc.cel\nA,1,1,1,1\nA,1,x,1,1\nB,1,1,1,1\nZ,0,0,0,0\n");
    const reader = readBodies(input, { edition: "2017", observations: [requests] });
    const [a] = await reader.toArray();
    expect(a!.observations).toEqual({ citizen_requests: [{ "tc.disp": "1", "tc.clar": "1", "tc.comp": "1", "tc.cel": "1" }, { "tc.disp": "1", "tc.clar": "x", "tc.comp": "1", "tc.cel": "1" }] });
    expect(reader.rejects.map((r) => [r.file === requests ? "requests" : "input", r.row, r.code, r.used])).toEqual([
      ["requests", 3, "invalid_value", true],
      ["input", 3, "out_of_range", false],
      ["requests", 4, "body_rejected", false],
      ["requests", 5, "unknown_body", false],
    ]);
    expect(reader.accounts.map((x) => [x.dataLines, x.used, x.rejected])).toEqual([
      [2, 1, 1],
      [4, 2, 2],
    ]);
    // tc.clar: the unreadable observation counts as missing, so tc is missing (the rubric's policy).
    expect(scoreBody(loadEdition("2017"), a!).missingInputs).toEqual(["tc.clar"]);
  });

  it("stops on what score stops on: an id used twice, absent inputs (unless allowMissing), a bad option", async () => {
    const twice = file("twice.csv", "id,TG,TC,PG,PC\nA,0.5,0.5,0.2,0.2\nA,0.5,0.5,0.2,0.2\n");
    await expect(scoreFile(twice, { edition: "2017" })).rejects.toThrow(InputFileError);
    await expect(scoreFile(twice, { edition: "2017" })).rejects.toThrow(/twice.csv:3:1: id "A" is used again \(first in row 2\)/);
    const partial = file("partial.csv", "id,TG\nA,0.5\n");
    await expect(readBodies(partial, { edition: "2017" }).toArray()).rejects.toThrow(/the rubric needs .* so iga would be missing for every body/);
    const ok = await readBodies(partial, { edition: "2017", allowMissing: true });
    expect((await ok.toArray()).length).toBe(1);
    expect(ok.warnings.length).toBeGreaterThan(0);
    await expect(scoreFile(partial, { edition: "2017", encoding: "ebcdic" })).rejects.toThrow(TypeError);
    await expect(scoreFile(partial, { edition: "2017", map: { colour: "TG" } })).rejects.toThrow(/scoreFile: --map colour=TG: "colour" is not a field/);
  });

  it("a header-only file gives no bodies", async () => {
    const empty = file("empty.csv", "id,TG,TC,PG,PC\n");
    expect((await scoreFile(empty, { edition: "2017" })).scores).toEqual([]);
  });
});

dataSuite("scoreFile on the published 2017 file", BSO_PATH, () => {
  it("reads latin-1 with mapped columns and reproduces the published state table (Ciudad de México 0.51 first)", async () => {
    const s = await scoreFile(BSO_PATH, { edition: "2017", encoding: "latin1", map: { id: "SO", state: "edo", level: "niv", type: "ts" } });
    expect(s.scores.length).toBe(908);
    const table = aggregate(s.scores, { by: ["state"] });
    const best = [...table.groups].sort((a, b) => b.nodes[0]!.mean! - a.nodes[0]!.mean!)[0]!;
    expect([best.key[0], formatFixed(best.nodes[0]!.mean!, 2)]).toEqual(["Ciudad de México", "0.51"]);
  });
});
