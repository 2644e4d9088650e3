import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, cli, tempDir } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
const CROSSWALK = join(ROOT, "rubrics", "crosswalk", "mga-2017--mga-2019.json");
const RUBRIC_2017 = join(ROOT, "rubrics", "mga-2017.json");
const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> & { mappings: { from?: string; to?: string; relation: string }[]; to: { id: string; version: string } };

describe("ogmetric validate: crosswalk files", () => {
  it("recognises the shipped crosswalk and checks it against both built-in editions (exit 0)", () => {
    const r = run("validate", CROSSWALK);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(`${CROSSWALK}: valid crosswalk: mga-2017@1.0.0 → mga-2019@1.0.0, 29 mappings, checked against both built-in editions\n`);
    const out = JSON.parse(run("validate", CROSSWALK, "--format", "json").stdout) as unknown;
    expect(out).toEqual({
      valid: true,
      kind: "crosswalk",
      from: { id: "mga-2017", version: "1.0.0" },
      to: { id: "mga-2019", version: "1.0.0" },
      mappings: 29,
      checkedAgainst: ["mga-2017@1.0.0", "mga-2019@1.0.0"],
      warnings: [],
    });
  });

  it("lists a broken crosswalk's issues against the editions' node codes, with JSON paths (exit 1)", () => {
    const doc = json(CROSSWALK);
    const i = doc.mappings.findIndex((m) => m.from === "tg.tr");
    doc.mappings[i]!.to = "tg.nope";
    doc.mappings.splice(doc.mappings.findIndex((m) => m.from === "pc.cel"), 1);
    t.file("broken-crosswalk.json", JSON.stringify(doc));
    const r = run("validate", "broken-crosswalk.json");
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      `broken-crosswalk.json: $.mappings[${i}].to: "tg.nope" is not a node of the to rubric mga-2019`,
      'broken-crosswalk.json: $.mappings: node "pc.cel" of the from rubric mga-2017 is not mapped',
      'broken-crosswalk.json: $.mappings: node "tg.ta" of the to rubric mga-2019 is not mapped',
      'broken-crosswalk.json: $.mappings: node "pc.cel" of the to rubric mga-2019 is not mapped',
      "broken-crosswalk.json: invalid crosswalk: 4 issues",
    ]);
    const out = JSON.parse(run("validate", "broken-crosswalk.json", "--format", "json").stdout) as { valid: boolean; kind: string; issues: { code: string }[] };
    expect(out).toMatchObject({ valid: false, kind: "crosswalk" });
    expect(out.issues.map((x) => x.code)).toEqual(["unknown_code", "unmapped_code", "unmapped_code", "unmapped_code"]);
  });

  it("a side that is not a built-in edition (same id, another version) is checked for structure only", () => {
    const doc = json(CROSSWALK);
    doc.to = { id: "mga-2019", version: "2.0.0" };
    t.file("crosswalk-v2.json", JSON.stringify(doc));
    expect(run("validate", "crosswalk-v2.json")).toMatchObject({
      code: 0,
      stdout: "crosswalk-v2.json: valid crosswalk: mga-2017@1.0.0 → mga-2019@2.0.0, 29 mappings, checked against the built-in mga-2017@1.0.0 (mga-2019@2.0.0 is not a built-in edition)\n",
    });
    doc.from = { id: "mine", version: "1.0.0" };
    t.file("crosswalk-own.json", JSON.stringify(doc));
    expect(run("validate", "crosswalk-own.json").stdout).toBe("crosswalk-own.json: valid crosswalk: mine@1.0.0 → mga-2019@2.0.0, 29 mappings, structure checked (neither side is a built-in edition, so node codes were not)\n");
  });

  it("a crosswalk missing its mappings or a side is still read as a crosswalk, not as a rubric with 8 errors", () => {
    const doc = json(CROSSWALK);
    delete (doc as { mappings?: unknown }).mappings;
    t.file("no-mappings.json", JSON.stringify(doc));
    const r = run("validate", "no-mappings.json");
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['no-mappings.json: $.mappings: required key "mappings" is missing', "no-mappings.json: invalid crosswalk: 1 issue"]);
  });
});

describe("ogmetric validate: an edited copy of a shipped edition", () => {
  it("warns (exit 0) when a rubric keeps mga-2017@1.0.0 with other content: on stderr and in the JSON output", () => {
    const doc = json(RUBRIC_2017) as unknown as { nodes: { children?: { weight: number }[] }[]; version: string };
    doc.nodes[0]!.children![0]!.weight = 0.6;
    doc.nodes[0]!.children![1]!.weight = 0.4;
    t.file("edited.json", JSON.stringify(doc));
    const r = run("validate", "edited.json");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^edited\.json: valid: mga-2017@1\.0\.0, 26 nodes, sha256 [0-9a-f]{64}\n$/);
    const hash = /sha256 ([0-9a-f]{64})/.exec(r.stdout)![1]!;
    expect(r.stderr).toBe(
      `edited.json: warning: mga-2017@1.0.0 is the id and version of the built-in edition 2017, but the content differs (sha256 ${hash.slice(0, 12)}… instead of 5ede0e237441…); an edited copy should get its own id or version, so its scores are never mistaken for the edition's\n`,
    );
    const j = run("validate", "edited.json", "--format", "json");
    expect(j.code).toBe(0);
    expect(j.stderr).toBe(r.stderr);
    const out = JSON.parse(j.stdout) as { valid: boolean; kind: string; warnings: { code: string; message: string }[] };
    expect(out).toMatchObject({ valid: true, kind: "rubric", id: "mga-2017", version: "1.0.0", hash });
    expect(out.warnings).toEqual([{ code: "edited_edition", message: lines(r.stderr)[0]!.replace("edited.json: warning: ", "") }]);

    // Its own version: no warning. The shipped file itself (same hash, key order aside): none.
    doc.version = "1.1.0";
    t.file("edited-own-version.json", JSON.stringify(doc));
    expect(run("validate", "edited-own-version.json")).toMatchObject({ code: 0, stderr: "" });
    t.file("reordered.json", JSON.stringify(Object.fromEntries(Object.entries(json(RUBRIC_2017)).reverse())));
    expect(run("validate", "reordered.json")).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run("validate", RUBRIC_2017, "--format", "json").stdout)).toMatchObject({ kind: "rubric", warnings: [] });
  });
});

describe("ogmetric: rubric and crosswalk files are capped at 16 MiB", () => {
  it("refuses a regular file over 16 MiB from its size, before reading it (validate and --rubric)", () => {
    const big = t.file("big.json");
    writeFileSync(big, Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    const r = run("validate", "big.json");
    expect(r).toMatchObject({ code: 1, stderr: "big.json: the file is 16.0 MiB, more than a rubric or crosswalk file may hold (16 MiB)\n" });
    t.file("in.csv", "id,TG\nA,0.5\n");
    expect(run("score", "in.csv", "--rubric", "big.json")).toMatchObject({ code: 1, stderr: "big.json: the file is 16.0 MiB, more than a rubric file may hold (16 MiB)\n" });
  });

  it("reads a stream (/dev/zero) in bounded chunks and stops after 16 MiB instead of filling memory", () => {
    // A heap of 64 MB: reading /dev/zero whole would abort (it did, at 16.8 GB).
    const r = cli(["validate", "/dev/zero"], t.dir, ["--max-old-space-size=64"]);
    expect(r).toMatchObject({ code: 1, stderr: "/dev/zero: over 16.0 MiB read, more than a rubric or crosswalk file may hold (16 MiB)\n" });
  });

  it("reads a rubric from a FIFO (a stream under the cap)", () => {
    const fifo = join(t.dir, "rubric-fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const r = spawnSync("sh", ["-c", `cat '${RUBRIC_2017}' > '${fifo}' & node '${join(ROOT, "bin", "ogmetric.js")}' validate '${fifo}'; wait`], { encoding: "utf8", timeout: 30_000 });
    expect(r.stdout).toMatch(/: valid: mga-2017@1\.0\.0, 26 nodes, sha256 5ede0e237441/);
  });

  it("a directory is refused in one line", () => {
    expect(run("validate", ".")).toMatchObject({ code: 1, stderr: ".: is a directory, not a rubric or crosswalk file\n" });
  });
});
