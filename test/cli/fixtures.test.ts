import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, cli, records, tempDir, quiet } from "./helpers.js";

const FIXTURES = join(ROOT, "fixtures");
const files = ["mga2017-sample.csv", "mga2017-sample-requests.csv", "mga2019-sample.csv", "mga2019-sample-requests.csv", "mga2019-sample-records.csv"];
describe("ogmetric on the bundled sample fixtures", () => {
  it("the samples are committed", () => {
    for (const f of files) expect(existsSync(join(FIXTURES, f)), f).toBe(true);
  });

  const t = tempDir();
  afterAll(t.cleanup);
  const run = (...args: string[]) => cli(args, FIXTURES);

  it("2017: every body scores from its leaves and the requests file; the 5 bodies without requests have tc missing", () => {
    const out = t.file("s2017.csv");
    const r = run("score", "mga2017-sample.csv", "--edition", "2017", "--observations", "mga2017-sample-requests.csv", "--out", out);
    expect(quiet(r.stderr)).toBe("");
    expect(r.code).toBe(0);
    const bodies = records(t.read("s2017.csv"));
    expect(bodies).toHaveLength(1000);
    expect(bodies.filter((b) => b.tc === "")).toHaveLength(5);
    // The one name starting with "+" is neutralised on output.
    expect(bodies.filter((b) => b.name!.startsWith("'+"))).toHaveLength(1);
    const [national] = records(run("aggregate", out, "--round", "2").stdout);
    expect(national).toMatchObject({ bodies: "1000", "tc:missing": "5", "tc.disp:missing": "5" });
  });

  it("2019: request records feed tg.ai; the 90 bodies without records have tg.ai not applicable", () => {
    const r = run("score", "mga2019-sample.csv", "--edition", "2019", "--observations", "mga2019-sample-requests.csv", "--observations", "mga2019-sample-records.csv", "--by", "level");
    expect(quiet(r.stderr)).toBe("");
    expect(r.code).toBe(0);
    const table = records(r.stdout);
    expect(table.reduce((n, g) => n + Number(g.bodies), 0)).toBe(1000);
    expect(table.reduce((n, g) => n + Number(g["tg.ai:na"]), 0)).toBe(90);
  });

  it("the README's command: the 2019 state table, 33 units in INEGI order with --order key", () => {
    const r = run("score", "mga2019-sample.csv", "--edition", "2019", "--observations", "mga2019-sample-requests.csv", "--observations", "mga2019-sample-records.csv", "--by", "state", "--order", "key", "--round", "2");
    expect(quiet(r.stderr)).toBe("");
    expect(r.code).toBe(0);
    const table = records(r.stdout);
    expect(table.map((g) => g.state_code)).toEqual([...Array.from({ length: 32 }, (_, i) => String(i + 1).padStart(2, "0")), "FED"]);
    expect(table[0]).toMatchObject({ state: "Aguascalientes" });
    expect(table.find((g) => g.state_code === "15")!.state).toBe("México");
    for (const g of table) expect(g.iga).toMatch(/^0\.\d\d$/);
  });

  it("explain works on a sample body with its observations", () => {
    const r = run("explain", "mga2019-sample.csv", "--edition", "2019", "--observations", "mga2019-sample-records.csv", "--observations", "mga2019-sample-requests.csv", "--id", "B000001");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tg\.ai\.respuesta .* \(mean of \d+ observations?/);
  });
});
