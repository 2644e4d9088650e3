import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, cli, cliAsync, records, tempDir, quiet } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const RUBRIC_2017 = join(ROOT, "rubrics", "mga-2017.json");

describe("ogmetric --version, --help", () => {
  it("--version prints the package version", () => {
    expect(run("--version")).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("--help lists the commands; each command has its own --help", () => {
    const top = run("--help");
    expect(top.code).toBe(0);
    for (const c of ["score", "aggregate", "validate", "editions", "explain"]) expect(top.stdout).toContain(`  ${c}`);
    for (const c of ["score", "aggregate", "validate", "editions", "explain"]) {
      const r = run(c, "--help");
      expect(r.code, c).toBe(0);
      expect(r.stdout.startsWith(`Usage: ogmetric ${c}`), c).toBe(true);
    }
    expect(run("help", "score").stdout).toBe(run("score", "-h").stdout);
  });

  it("no command is a usage error that prints the help on stderr (exit 2)", () => {
    const r = run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: ogmetric <command>");
  });
});

describe("ogmetric editions", () => {
  it("lists the built-in rubrics with id@version, size and content hash", () => {
    const r = run("editions");
    expect(r.code).toBe(0);
    const [head, e2017, e2019] = lines(r.stdout);
    expect(head).toMatch(/^edition\s+rubric\s+nodes\s+sha256\s+label$/);
    expect(e2017).toMatch(/^2017\s+mga-2017@1\.0\.0\s+26\s+[0-9a-f]{64}\s+\S/);
    expect(e2019).toMatch(/^2019\s+mga-2019@1\.0\.0\s+29\s+[0-9a-f]{64}\s+\S/);
    const json = JSON.parse(run("editions", "--format", "json").stdout) as { edition: string; hash: string }[];
    expect(json.map((e) => e.edition)).toEqual(["2017", "2019"]);
    expect(e2017).toContain(json[0]!.hash);
  });
});

describe("ogmetric validate", () => {
  it("accepts a valid rubric: id, version, size and hash (exit 0)", () => {
    const r = run("validate", RUBRIC_2017);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: valid: mga-2017@1\.0\.0, 26 nodes, sha256 [0-9a-f]{64}\n$/);
  });

  it("lists every issue of an invalid rubric with its JSON path (exit 1)", () => {
    const doc = JSON.parse(readFileSync(RUBRIC_2017, "utf8")) as { nodes: { code: string; children?: { weight: number }[] }[]; root: string };
    doc.nodes[0]!.children![0]!.weight = -1;
    doc.root = "nope";
    t.file("bad-rubric.json", JSON.stringify(doc));
    const r = run("validate", "bad-rubric.json");
    expect(r.code).toBe(1);
    const out = lines(r.stderr);
    expect(out.length).toBeGreaterThanOrEqual(3);
    for (const line of out.slice(0, -1)) expect(line).toMatch(/^bad-rubric\.json: \$[.[]/);
    expect(out.at(-1)).toMatch(/^bad-rubric\.json: invalid rubric: \d+ issues$/);
    // score refuses it too, with the same lines.
    t.file("x.csv", "id,TG\nA,1\n");
    const s = run("score", "x.csv", "--rubric", "bad-rubric.json");
    expect(s.code).toBe(1);
    expect(lines(s.stderr)[0]).toMatch(/^bad-rubric\.json: invalid rubric \(\d+ issues\)$/);
  });

  it("reports unreadable JSON and a missing file as one line each", () => {
    t.file("broken.json", "{");
    expect(run("validate", "broken.json")).toMatchObject({ code: 1 });
    expect(lines(run("validate", "broken.json").stderr)[0]).toMatch(/^broken\.json: \$: not valid JSON/);
    expect(run("validate", "absent.json")).toMatchObject({ code: 1, stderr: "absent.json: no such file\n" });
  });

  it("scores with a rubric file like the edition it copies", () => {
    t.file("in.csv", "id,TG,TC,PG,PC\nA,0.5,0.5,0.25,0.25\n");
    const byFile = run("score", "in.csv", "--rubric", RUBRIC_2017);
    expect(byFile.code).toBe(0);
    expect(byFile.stdout).toBe(run("score", "in.csv", "--edition", "2017").stdout);
  });
});

describe("ogmetric explain", () => {
  t.file("bodies.csv", "id,name,tg.ai,tg.tr,tg.tp,tg.da,TC,PG,PC\nA,Alpha,1,0.5,0,0,0.5,0.5,0.5\nB,Beta,x,0.5,0,0,0.5,0.5,0.5\n");

  it("prints the scoring tree of one body with weights, shares and contributions", () => {
    const r = run("explain", "bodies.csv", "--edition", "2017", "--id", "A", "--lang", "en", "--decimals", "2");
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe("bodies.csv:2: A");
    expect(out[1]).toMatch(/^iga {2}Open Government Index = 0\.5[0-9] \(from children\)$/);
    expect(r.stdout).toContain("tg.ai  Access to information = 1.00  [w 0.5, share 0.50 → 0.50] (given)");
  });

  it("--format json prints the body's full result", () => {
    const body = JSON.parse(run("explain", "bodies.csv", "--edition", "2017", "--id", "A", "--format", "json").stdout) as { id: string; fields: unknown; status: string };
    expect(body).toMatchObject({ id: "A", fields: { name: "Alpha" }, status: "scored" });
  });

  it("shows unreadable inputs as input issues and exits 3; an unknown id is exit 1", () => {
    const r = run("explain", "bodies.csv", "--edition", "2017", "--id", "B");
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('input issue: "tg.ai" expects a number from 0 to 1, found "x"');
    expect(run("explain", "bodies.csv", "--edition", "2017", "--id", "Z")).toMatchObject({ code: 1, stderr: 'bodies.csv: no body with id "Z"\n' });
    expect(run("explain", "bodies.csv", "--edition", "2017").code).toBe(2);
  });
});

describe("interrupted runs and progress", () => {
  it("SIGTERM in the middle of a run removes the temporary output and leaves no file", async () => {
    // A file big enough to be mid-run when the signal lands (300,000 rows, 10 MB).
    const path = t.file("big.csv");
    const rows: string[] = ["id,state,TG,TC,PG,PC"];
    for (let i = 0; i < 20_000; i++) rows.push(`B${i},Jalisco,0.5,0.25,0.125,1`);
    const block = `${rows.slice(1).join("\n")}\n`;
    writeFileSync(path, `${rows[0]}\n`);
    for (let k = 0; k < 15; k++) writeFileSync(path, block.replaceAll("\nB", `\nK${k}B`).replace(/^B/, `K${k}B`), { flag: "a" });
    const child = cliAsync(["score", "big.csv", "--edition", "2017", "--out", "big-out.csv"], t.dir);
    const temp = () => readdirSync(t.dir).filter((f) => f.startsWith(".big-out.csv.") && f.endsWith(".tmp"));
    for (let waited = 0; temp().length === 0 && waited < 10_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(temp()).toHaveLength(1);
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(143);
    expect(temp()).toEqual([]);
    expect(existsSync(join(t.dir, "big-out.csv"))).toBe(false);
  });

  it("--progress draws rows, rows/s and percent on stderr; without it a non-terminal stays silent", () => {
    const withBar = run("score", "big.csv", "--edition", "2017", "--by", "state", "--progress");
    expect(withBar.code).toBe(0);
    expect(withBar.stderr).toMatch(/\rbig\.csv \[[#.]{24}\] +\d+%  [\d.]+\/[\d.]+ MB  [\d,]+ rows  [\d,]+ rows\/s/);
    const silent = run("score", "big.csv", "--edition", "2017", "--by", "state");
    expect(quiet(silent.stderr)).toBe("");
    expect(records(silent.stdout)[0]).toMatchObject({ bodies: "300000" });
  });
});
