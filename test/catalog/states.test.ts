import { describe, expect, it } from "vitest";
import { STATES, normalizeState, resolveState, stateKey } from "../../src/catalog/states.js";

// The distinct values of column `edo` in the published MGA 2017 file (mga2017-bso.csv), copied
// verbatim with the INEGI code each one means. "Mexico" there is the State of Mexico.
const BSO_EDO: readonly (readonly [string, string])[] = [
  ["Aguascalientes", "01"],
  ["Baja California", "02"],
  ["Baja California Sur", "03"],
  ["Campeche", "04"],
  ["Chiapas", "07"],
  ["Chihuahua", "08"],
  ["Ciudad de Mexico", "09"],
  ["Coahuila", "05"],
  ["Colima", "06"],
  ["Durango", "10"],
  ["Federal", "FED"],
  ["Guanajuato", "11"],
  ["Guerrero", "12"],
  ["Hidalgo", "13"],
  ["Jalisco", "14"],
  ["Mexico", "15"],
  ["Michoacan", "16"],
  ["Morelos", "17"],
  ["Nayarit", "18"],
  ["NuevoLeon", "19"],
  ["Oaxaca", "20"],
  ["Puebla", "21"],
  ["Queretaro", "22"],
  ["Quintana Roo", "23"],
  ["San Luis Potosi", "24"],
  ["Sinaloa", "25"],
  ["Sonora", "26"],
  ["Tabasco", "27"],
  ["Tamaulipas", "28"],
  ["Tlaxcala", "29"],
  ["Veracruz", "30"],
  ["Yucatan", "31"],
  ["Zacatecas", "32"],
];

describe("STATES", () => {
  it("has the 32 entities in INEGI order, then Federal", () => {
    expect(STATES).toHaveLength(33);
    STATES.slice(0, 32).forEach((state, i) => expect(state.code).toBe(String(i + 1).padStart(2, "0")));
    expect(STATES[32]).toMatchObject({ code: "FED", name: "Federal", abbreviation: "FED" });
  });

  it("has unique codes, names and abbreviations", () => {
    for (const field of ["code", "name", "officialName", "abbreviation"] as const) {
      expect(new Set(STATES.map((s) => s[field])).size).toBe(33);
    }
  });

  it("is frozen at every level", () => {
    expect(Object.isFrozen(STATES)).toBe(true);
    for (const state of STATES) {
      expect(Object.isFrozen(state)).toBe(true);
      expect(Object.isFrozen(state.aliases)).toBe(true);
    }
  });

  it("uses INEGI's names and official long names", () => {
    const byCode = new Map(STATES.map((s) => [s.code, s]));
    expect(byCode.get("05")).toMatchObject({ name: "Coahuila", officialName: "Coahuila de Zaragoza", abbreviation: "COAH" });
    expect(byCode.get("09")).toMatchObject({ name: "Ciudad de México", abbreviation: "CDMX" });
    expect(byCode.get("15")).toMatchObject({ name: "México", abbreviation: "MEX" });
    expect(byCode.get("16")).toMatchObject({ name: "Michoacán", officialName: "Michoacán de Ocampo" });
    expect(byCode.get("19")).toMatchObject({ name: "Nuevo León", abbreviation: "NL" });
    expect(byCode.get("30")).toMatchObject({ name: "Veracruz", officialName: "Veracruz de Ignacio de la Llave" });
    expect(STATES.some((s) => stateKey(s.officialName).includes("estadosunidos"))).toBe(false);
  });

  it("gives every unit's own fields back through normalizeState", () => {
    for (const state of STATES) {
      for (const spelling of [state.code, state.name, state.officialName, state.abbreviation, ...state.aliases]) {
        expect(normalizeState(spelling), spelling).toBe(state);
      }
    }
  });
});

describe("stateKey", () => {
  it('stateKey(" NUEVO  LEÓN ") strips accents, case, spaces and punctuation', () => {
    expect(stateKey(" NUEVO  LEÓN ")).toBe("nuevoleon");
    expect(stateKey("D.F.")).toBe("df");
    expect(stateKey("Edo. Méx.")).toBe("edomex");
    expect(stateKey("")).toBe("");
  });
});

describe("normalizeState", () => {
  it("matches every spelling of column edo in mga2017-bso.csv", () => {
    for (const [spelling, code] of BSO_EDO) {
      expect(normalizeState(spelling)?.code, spelling).toBe(code);
    }
    // The 33 spellings reach all 33 units.
    expect(new Set(BSO_EDO.map(([s]) => normalizeState(s))).size).toBe(33);
  });

  it("ignores accents, case and spacing", () => {
    for (const spelling of ["Nuevo León", "NuevoLeon", "nuevo leon", " NUEVO  LEÓN ", "NUEVO-LEON", "Nuevo Leo\u0301n"]) {
      expect(normalizeState(spelling)?.code, spelling).toBe("19");
    }
    expect(normalizeState("yucatán")?.code).toBe("31");
    expect(normalizeState("SAN LUIS POTOSÍ")?.code).toBe("24");
    expect(normalizeState("Querétaro")?.code).toBe("22");
    expect(normalizeState("Michoacán de Ocampo")?.code).toBe("16");
  });

  it("reads México / Mexico as the State of Mexico, and its short forms", () => {
    for (const spelling of ["México", "Mexico", "MEXICO", "Estado de México", "Estado de Mexico", "Edo. Mex.", "Edomex", "EDOMEX", "MEX", "15"]) {
      expect(normalizeState(spelling)?.code, spelling).toBe("15");
    }
  });

  it("reads the capital's current and former names", () => {
    for (const spelling of ["Ciudad de México", "Ciudad de Mexico", "CDMX", "cdmx", "CMX", "Distrito Federal", "D.F.", "DF", "09", "9"]) {
      expect(normalizeState(spelling)?.code, spelling).toBe("09");
    }
  });

  it("reads the federal unit", () => {
    for (const spelling of ["Federal", "federal", "Federación", "Federacion", "FED"]) {
      expect(normalizeState(spelling)?.code, spelling).toBe("FED");
    }
  });

  it("reads INEGI codes with or without the leading zero", () => {
    expect(normalizeState("01")?.name).toBe("Aguascalientes");
    expect(normalizeState("1")?.name).toBe("Aguascalientes");
    expect(normalizeState("32")?.name).toBe("Zacatecas");
    expect(normalizeState("33")).toBeUndefined();
    expect(normalizeState("0")).toBeUndefined();
    expect(normalizeState("009")).toBeUndefined();
  });

  it("reads the usual abbreviations and INEGI's three-letter forms", () => {
    const usual = ["AGS", "BC", "BCS", "CAMP", "COAH", "COL", "CHIS", "CHIH", "CDMX", "DGO", "GTO", "GRO", "HGO", "JAL", "MEX", "MICH", "MOR", "NAY", "NL", "OAX", "PUE", "QRO", "QROO", "SLP", "SIN", "SON", "TAB", "TAMS", "TLAX", "VER", "YUC", "ZAC"];
    const inegi = ["AGS", "BC", "BCS", "CAM", "COA", "COL", "CHP", "CHH", "CMX", "DUR", "GUA", "GRO", "HID", "JAL", "MEX", "MIC", "MOR", "NAY", "NLE", "OAX", "PUE", "QUE", "ROO", "SLP", "SIN", "SON", "TAB", "TAM", "TLA", "VER", "YUC", "ZAC"];
    usual.forEach((abbr, i) => expect(normalizeState(abbr)?.code, abbr).toBe(STATES[i]?.code));
    inegi.forEach((abbr, i) => expect(normalizeState(abbr)?.code, abbr).toBe(STATES[i]?.code));
    expect(normalizeState("qroo")?.name).toBe("Quintana Roo");
    expect(normalizeState("QRO")?.name).toBe("Querétaro");
  });

  it("does not match unknown or partial names", () => {
    for (const spelling of ["Texas", "", "   ", "Nuevo", "Baja", "San Luis", "Estados Unidos Mexicanos", "Mexico City", "..."]) {
      expect(normalizeState(spelling), spelling).toBeUndefined();
    }
  });

  it("never reads an object prototype", () => {
    for (const spelling of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype"]) {
      expect(normalizeState(spelling), spelling).toBeUndefined();
    }
  });

  it("throws TypeError on a non-string", () => {
    expect(() => normalizeState(undefined as unknown as string)).toThrow(TypeError);
    expect(() => normalizeState(9 as unknown as string)).toThrow(/^normalizeState: /);
  });
});

describe("resolveState", () => {
  it('resolveState("Yucatan") returns the state', () => {
    const result = resolveState("Yucatan");
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.state.name).toBe("Yucatán");
  });

  it("suggests the closest canonical name for a misspelling, without matching it", () => {
    const cases: readonly (readonly [string, string])[] = [
      ["Jalsico", "Jalisco"],
      ["Queretero", "Querétaro"],
      ["Nuevo", "Nuevo León"],
      ["Tamaulipa", "Tamaulipas"],
      ["Guanajuto", "Guanajuato"],
      ["Ciudad de Mejico", "Ciudad de México"],
    ];
    for (const [input, suggestion] of cases) {
      const result = resolveState(input);
      expect(result, input).toMatchObject({ ok: false, input, suggestion });
      if (!result.ok) {
        expect(result.message).toBe(`resolveState: unknown state "${input}" (did you mean "${suggestion}"?)`);
      }
    }
  });

  it("gives no suggestion when nothing is close", () => {
    for (const input of ["Texas", "", "__proto__", "Estados Unidos Mexicanos", "x".repeat(10_000)]) {
      const result = resolveState(input);
      expect(result.ok, input.slice(0, 20)).toBe(false);
      expect("suggestion" in result, input.slice(0, 20)).toBe(false);
    }
    expect(resolveState("Texas")).toEqual({ ok: false, input: "Texas", message: 'resolveState: unknown state "Texas"' });
  });

  it("throws TypeError on a non-string", () => {
    expect(() => resolveState(null as unknown as string)).toThrow(/^resolveState: expected a string/);
  });
});
