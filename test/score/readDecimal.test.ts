/**
 * The byte reader's doors into the one reading path (merged from main): `readDecimal` takes a
 * number the CSV reader parsed, with the decimals it was written with, and must leave the slot
 * exactly as `readValue` leaves it for the same text; `readsNumbers` says which nodes may take
 * that path (all but an ordinal leaf given directly, whose levels are matched on the text); and
 * `decimalComma` reads `0,5` as 0.5 where asked, and only a cell with one comma and nothing else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createReadSlot, READ_NOT_A_NUMBER, READ_NOT_BINARY, READ_OK, READ_OUT_OF_RANGE, readScore, VALUE_ABSENT, VALUE_PRESENT, type ReadSlot } from "../../src/engine/index.js";
import { parseRubric } from "../../src/index.js";
import { kernelOf } from "../../src/rubric/compileRubric.js";
import { expectedInput, readDecimal, readIssue, readsNumbers, readValue } from "../../src/score/readValue.js";
import { leaf, node, rubricDoc } from "../helpers.js";

const rubric = parseRubric(
  rubricDoc(
    [
      node("root", [["bin", 1], ["cnt", 1], ["lin", 1], ["ord", 1], ["sc", 1], ["far", 1], ["pct", 1], ["obs.bin", 1], ["obs.ord", 1]], { normalize: true }),
      leaf("bin", { type: "binary" }),
      leaf("cnt", { type: "count", max: 4 }),
      leaf("lin", { type: "linear", low: 10, high: 30, direction: "descending" }),
      leaf("ord", { type: "ordinal", levels: [{ value: "Sí", score: 1 }, { value: "no", score: 0 }] }),
      leaf("sc", { type: "score" }),
      leaf("far", { type: "linear", low: -1e308, high: 1e308 }),
      leaf("pct", { type: "linear", low: 0, high: 100 }),
      leaf("obs.bin", { type: "binary", observations: { set: "req" } }),
      leaf("obs.ord", { type: "ordinal", levels: [{ value: "alto", score: 1 }, { value: "bajo", score: 0.25 }], observations: { set: "req" } }),
    ],
    { observationSets: [{ id: "req", label: { es: "s", en: "s" }, noObservations: "missing", provenance: { status: "verified", source: "test" } }] },
  ),
);
const k = kernelOf(rubric, "test");
const at = (code: string) => rubric.index.get(code)!;
const copy = (s: ReadSlot) => ({ kind: s.kind, value: s.value, err: s.err });

/** A slot left dirty by an earlier read, so that a path that forgets to clear it shows. */
function dirty(): ReadSlot {
  const s = createReadSlot();
  s.kind = VALUE_PRESENT;
  s.value = 0.75;
  s.err = 0.125;
  return s;
}

/** Decimals of a plain decimal text, as the byte reader counts them. */
const decimalsOf = (text: string) => (text.includes(".") ? text.length - text.indexOf(".") - 1 : 0);

describe("readDecimal gives what readValue gives for the same text", () => {
  const texts = ["0", "1", "0.5", "0.25", "1.0", "2", "3", "4", "5", "12.5", "10", "30", "9.5", "35", "-1", "0.125", "20.25"];
  for (const code of ["bin", "cnt", "lin", "sc", "obs.bin"]) {
    it(`on ${code}, directly and as an observation`, () => {
      for (const text of texts) {
        for (const observation of [false, true]) {
          const a = dirty();
          const b = dirty();
          const ca = readValue(k, at(code), text, a, observation);
          const cb = readDecimal(k, at(code), Number(text), decimalsOf(text), b, observation);
          expect([cb, copy(b)], `${code} ${text} ${observation}`).toEqual([ca, copy(a)]);
        }
      }
    });
  }

  it("on random plain decimals (a property)", () => {
    const codes = ["bin", "cnt", "lin", "sc", "obs.bin"];
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.integer({ min: -50, max: 500 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), (code, m, d, observation) => {
        const text = d === 0 ? String(m) : (m / 10 ** d).toFixed(d);
        const a = dirty();
        const b = dirty();
        expect(readDecimal(k, at(code), Number(text), d, b, observation)).toBe(readValue(k, at(code), text, a, observation));
        expect(copy(b)).toEqual(copy(a));
      }),
    );
  });

  it("a per-observation leaf given directly takes the body-level share (a score), observed it takes its own scale", () => {
    const s = createReadSlot();
    // obs.bin directly: 0.5 is a share of requests met; as one observation it is not 0 or 1.
    expect([readDecimal(k, at("obs.bin"), 0.5, 1, s), copy(s)]).toEqual([READ_OK, { kind: VALUE_PRESENT, value: 0.5, err: 0.05 }]);
    expect(readDecimal(k, at("obs.bin"), 0.5, 1, s, true)).not.toBe(READ_OK);
    expect(s.kind).toBe(VALUE_ABSENT);
    // The linear leaf: 12.5 on a descending 10..30 scale is 0.875, ± half a unit of 0.1 over 20.
    expect([readDecimal(k, at("lin"), 12.5, 1, s), copy(s)]).toEqual([READ_OK, { kind: VALUE_PRESENT, value: 0.875, err: 0.05 / 20 }]);
    // The decimals are what the precision comes from, not the number: 12.50 is twice as precise.
    readDecimal(k, at("lin"), 12.5, 2, s);
    expect(s.err).toBe(0.005 / 20);
  });

  it("an error clears the slot (kind absent, value and precision 0)", () => {
    const s = dirty();
    expect(readDecimal(k, at("sc"), 2, 0, s)).toBe(READ_OUT_OF_RANGE);
    expect(copy(s)).toEqual({ kind: VALUE_ABSENT, value: 0, err: 0 });
  });
});

describe("readsNumbers", () => {
  it("is false only for an ordinal leaf given directly; an ordinal leaf fed by observations is given its share as a number", () => {
    const got = Object.fromEntries(["root", "bin", "cnt", "lin", "ord", "sc", "obs.bin", "obs.ord"].map((c) => [c, readsNumbers(k, at(c))]));
    expect(got).toEqual({ root: true, bin: true, cnt: true, lin: true, ord: false, sc: true, "obs.bin": true, "obs.ord": true });
  });
});

describe("decimal comma", () => {
  it("reads a cell with one comma and no other separator as a decimal point, where asked", () => {
    const s = createReadSlot();
    for (const [text, value, err] of [
      ["0,5", 0.5, 0.05],
      [" 0,25 ", 0.25, 0.005],
      [",5", 0.5, 0.05],
      ["+0,125", 0.125, 0.0005],
      ["1,0", 1, 0.05],
    ] as const) {
      expect([readValue(k, at("sc"), text, s, false, true), copy(s)], text).toEqual([READ_OK, { kind: VALUE_PRESENT, value, err }]);
      expect([readScore(text, s, true), s.value], text).toEqual([READ_OK, value]);
      // Not asked: a comma is not a number.
      expect(readValue(k, at("sc"), text, s), text).toBe(READ_NOT_A_NUMBER);
      expect(readScore(text, s), text).toBe(READ_NOT_A_NUMBER);
    }
    expect([readValue(k, at("cnt"), "3,0", s, false, true), s.value]).toEqual([READ_OK, 0.75]);
    expect(readValue(k, at("sc"), "-,25", s, false, true)).toBe(READ_OUT_OF_RANGE);
  });

  it("refuses anything else with a comma: two commas, a comma and a point, thousands, no digits after it", () => {
    const s = createReadSlot();
    for (const text of ["0,5,1", "0,5.1", "1.000,5", "0,", ",", "0 ,5", "0,5e1", "a,5", "0,5x", "0;5"]) {
      expect(readValue(k, at("sc"), text, s, false, true), text).toBe(READ_NOT_A_NUMBER);
    }
  });

  it("an issue suggests the point only for a text that was not a number, not for one read with a comma", () => {
    expect(readIssue(k, at("sc"), "0,5", READ_NOT_A_NUMBER).hint).toBe("a decimal comma? write it with a point: 0.5");
    expect(readIssue(k, at("sc"), "2,5", READ_OUT_OF_RANGE)).not.toHaveProperty("hint");
  });

  it("matches ordinal levels first, without case, accents or surrounding spaces", () => {
    const s = createReadSlot();
    for (const text of ["Sí", "si", " SI ", "sÍ\t", "si\u00a0", "\u2003SÍ"]) {
      expect([readValue(k, at("ord"), text, s, false, true), s.kind, s.value], text).toEqual([READ_OK, VALUE_PRESENT, 1]);
    }
  });
});

describe("expectedInput", () => {
  it("names the body-level share for a per-observation leaf unless asked about one observation", () => {
    expect(expectedInput(k, at("obs.bin"))).toBe("a number from 0 to 1");
    expect(expectedInput(k, at("obs.bin"), true)).toBe("0 or 1");
    expect(expectedInput(k, at("obs.ord"), true)).toBe('one of "alto", "bajo"');
    expect(expectedInput(k, at("ord"))).toBe('one of "Sí", "no"');
  });
});

describe("long texts, exponents and far goalposts", () => {
  it("a text longer than 16 characters is read natively when it is a plain decimal, refused otherwise", () => {
    const s = createReadSlot();
    for (const [text, value, err] of [
      ["0.5391608333333334", 0.5391608333333334, 5e-17],
      ["00000000000000001.", 1, 0.5],
      ["0.00000000000000001", 1e-17, 5e-18],
      ["+0.50000000000000000", 0.5, 5e-18],
    ] as const) {
      expect([readScore(text, s), copy(s)], text).toEqual([READ_OK, { kind: VALUE_PRESENT, value, err }]);
    }
    for (const text of ["0x00000000000000001", "0b00000000000000001", "0o00000000000000001", "Infinity0000000000", "0.539160833333333x", "x0.53916083333333334", "0.5391608333333334\u00a0", "e0.5391608333333334"]) {
      expect(readScore(text, s), text).toBe(READ_NOT_A_NUMBER);
    }
  });

  it("a number written with an exponent and no decimals left (2e1) is a whole number: ± 0.5, as 20 is", () => {
    const s = createReadSlot();
    expect([readValue(k, at("pct"), "2e1", s), copy(s)]).toEqual([READ_OK, { kind: VALUE_PRESENT, value: 0.2, err: 0.5 / 100 }]);
    expect([readValue(k, at("pct"), "20", s), copy(s)]).toEqual([READ_OK, { kind: VALUE_PRESENT, value: 0.2, err: 0.5 / 100 }]);
  });

  it("goalposts ±1e308: the halved span gives the precision as for the whole one", () => {
    const s = createReadSlot();
    // The span 2e308 overflows; halved it is 1e308, and the half unit of "0" over 2e308 is 0.5 / 1e308 / 2.
    expect([readValue(k, at("far"), "0", s), copy(s)]).toEqual([READ_OK, { kind: VALUE_PRESENT, value: 0.5, err: 0.5 / 1e308 / 2 }]);
  });

  it("an issue for a per-observation leaf names the body-level share unless it is about one observation", () => {
    expect(readIssue(k, at("obs.bin"), "x", READ_NOT_A_NUMBER).expected).toBe("a number from 0 to 1");
    expect(readIssue(k, at("obs.bin"), "0.5", READ_NOT_BINARY, true).expected).toBe("0 or 1");
  });
});
