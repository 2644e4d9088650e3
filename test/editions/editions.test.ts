import { describe, expect, it } from "vitest";
import { EDITIONS, loadCrosswalk, loadEdition, loadEditionDocument, parseRubric, scoreBody } from "../../src/index.js";

describe("built-in editions", () => {
  it("loadEdition compiles each edition once and caches it", () => {
    for (const e of EDITIONS) {
      const r = loadEdition(e);
      expect(r.id).toBe(`mga-${e}`);
      expect(loadEdition(`mga-${e}`)).toBe(r);
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    for (const e of EDITIONS) expect(parseRubric(loadEditionDocument(e)).hash).toBe(loadEdition(e).hash);
    expect(() => loadEdition("2021")).toThrow(/^loadEdition: unknown edition "2021"/);
  });

  it("loadEditionDocument returns a copy that can be edited without touching the built-in", () => {
    const doc = loadEditionDocument("2019");
    doc.nodes[0]!.label.en = "changed";
    expect(loadEditionDocument("2019").nodes[0]!.label.en).not.toBe("changed");
  });

  it("both editions accept the official column aliases", () => {
    for (const e of EDITIONS) {
      const r = loadEdition(e);
      for (const [alias, code] of [["GA", "iga"], ["IGA", "iga"], ["T", "t"], ["P", "p"], ["TG", "tg"], ["TC", "tc"], ["PG", "pg"], ["PC", "pc"]] as const) {
        expect(r.nodes[r.index.get(alias)!]!.code).toBe(code);
      }
    }
  });

  it("every node and every weight carries provenance; 2019 component weights are assumed", () => {
    for (const e of EDITIONS) {
      for (const n of loadEdition(e).nodes) {
        expect(["verified", "inferred", "assumed"]).toContain(n.provenance.status);
        for (const c of n.children) expect(["verified", "inferred", "assumed"]).toContain(c.provenance.status);
      }
    }
    const r19 = loadEdition("2019");
    const tg = r19.nodes[r19.index.get("tg")!]!;
    expect(tg.children.map((c) => [c.code, c.weight, c.provenance.status])).toEqual([
      ["tg.ai", 0.5, "assumed"],
      ["tg.ta", 0.2, "assumed"],
      ["tg.tp", 0.2, "assumed"],
      ["tg.da", 0.1, "assumed"],
    ]);
    const r17 = loadEdition("2017");
    expect(r17.nodes[r17.index.get("tg")!]!.children.every((c) => c.provenance.status === "verified")).toBe(true);
  });

  it("2019: a body with no request records has tg.ai not applicable and tg re-weighted over the rest", () => {
    const r = loadEdition("2019");
    const s = scoreBody(r, { values: { "tg.ta": 0.5, "tg.tp": 0.25, "tg.da": 1 }, observations: { request_records: [] } });
    const tg = s.nodes[r.index.get("tg")!]!;
    expect(s.nodes[r.index.get("tg.ai")!]!.status).toBe("not_applicable");
    expect(tg.value).toBeCloseTo((0.2 * 0.5 + 0.2 * 0.25 + 0.1 * 1) / 0.5, 15);
    const withRecords = scoreBody(r, {
      values: { "tg.ta": 0.5, "tg.tp": 0.25, "tg.da": 1 },
      observations: { request_records: [{ "tg.ai.respuesta": 1, "tg.ai.plazo": 1, "tg.ai.prorroga": 0 }, { "tg.ai.respuesta": 1, "tg.ai.plazo": 0, "tg.ai.prorroga": 0 }] },
    });
    // tg.ai = mean(1, 0.5, 0) = 0.5
    expect(withRecords.nodes[r.index.get("tg.ai")!]!.value).toBeCloseTo(0.5, 15);
  });

  it("2017: a body with no citizen requests has tc missing, and says so", () => {
    const r = loadEdition("2017");
    const s = scoreBody(r, { values: { TG: 0.5, PG: 0.2, PC: 0.3 }, observations: { citizen_requests: [] } });
    expect(s.nodes[r.index.get("tc")!]!.status).toBe("missing");
    expect(s.missingInputs).toEqual(["tc.disp", "tc.clar", "tc.comp", "tc.cel"]);
  });

  it("the 2017 → 2019 crosswalk maps tg.tr to tg.ta as an assumed equivalence", () => {
    const cw = loadCrosswalk("2017", "2019");
    expect(cw.mappings.find((m) => m.from === "tg.tr")).toMatchObject({ to: "tg.ta", relation: "assumed_equivalent" });
    expect(cw.mappings.filter((m) => m.relation === "only_in_2019").map((m) => m.to)).toEqual(["tg.ai.respuesta", "tg.ai.plazo", "tg.ai.prorroga"]);
    expect(() => loadCrosswalk("2019", "2017")).toThrow(RangeError);
  });
});
