/**
 * Reading a raw score (readScore, the engine door's cell reader) against the plain decimal notation
 * the CLI reference documents: every spelling of a number the grammar allows reads as the double
 * JavaScript gives it, with the precision of its last decimal; everything else is refused with the
 * right code. The fast integer path and the long-text path must agree with that on every text.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createReadSlot,
  NOT_APPLICABLE_TOKENS,
  READ_NOT_A_NUMBER,
  READ_NOT_FINITE,
  READ_OK,
  READ_OUT_OF_RANGE,
  readScore,
  VALUE_ABSENT,
  VALUE_NOT_APPLICABLE,
  VALUE_PRESENT,
} from "../../src/engine/index.js";
import { parseRubric, scoreBody } from "../../src/index.js";
import { kernelOf } from "../../src/rubric/compileRubric.js";
import { readIssue } from "../../src/score/readValue.js";
import { leaf, node, rubricDoc } from "../helpers.js";

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Half a unit of the last decimal of a plain number's text; a whole number is ±0.5. */
function precisionOf(text: string): number {
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const decimals = (m[1] ?? "").length - Number(m[2] ?? "0");
  return decimals <= 0 ? 0.5 : 0.5 * 10 ** -decimals;
}

/** Texts built from the pieces of the grammar, valid or not. */
const textArb = fc
  .tuple(
    fc.constantFrom("", "", "+", "-", "--", "±"),
    fc.stringMatching(/^[0-9]{0,18}$/),
    fc.constantFrom("", ".", "."),
    fc.stringMatching(/^[0-9]{0,18}$/),
    fc.constantFrom("", "", "e", "E", "e-", "e+", "e-1", "E-3", "e1", "e-20", "e-400", "e400", "x"),
    fc.constantFrom("", "", " ", "  ", "\t", "a", ",", "\u00a0", "\u2003"),
  )
  .chain(([sign, whole, dot, fraction, exponent, pad]) =>
    // Padding before, after, or on both sides.
    fc.constantFrom(0, 1, 2).map((side) => {
      const before = side !== 1 && pad !== "a" && pad !== "," ? pad : "";
      const after = side !== 0 ? pad : "";
      return `${before}${sign}${whole}${dot}${fraction}${exponent}${after}`;
    }),
  );

describe("readScore reads plain decimal numbers exactly as documented", () => {
  it("a text in the grammar reads as Number(text) with the precision of its last decimal; any other text is not a number", () => {
    const slot = createReadSlot();
    fc.assert(
      fc.property(fc.oneof(textArb, fc.constantFrom("0x1", "0X1", "0b1", "0o7", "0x00000000000000001", "1_000", "Infinity", "-Infinity", "NaN", "١", "0.5.5", "e5", ".", "+", "-", ".e1", "0.", "1.e-1", "00000000000000000000.5")), (raw) => {
        const code = readScore(raw, slot);
        const text = raw.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
        const x = PLAIN.test(text) ? Number(text) : Number.NaN;
        if (text === "") expect([code, slot.kind]).toEqual([READ_OK, VALUE_ABSENT]);
        else if (!PLAIN.test(text)) {
          const na = NOT_APPLICABLE_TOKENS.includes(text.toUpperCase());
          expect([code, slot.kind], JSON.stringify(raw)).toEqual(na ? [READ_OK, VALUE_NOT_APPLICABLE] : [READ_NOT_A_NUMBER, VALUE_ABSENT]);
        } else if (!Number.isFinite(x)) expect(code, raw).toBe(READ_NOT_FINITE);
        else if (!(x >= 0 && x <= 1)) expect([code, slot.kind], raw).toEqual([READ_OUT_OF_RANGE, VALUE_ABSENT]);
        else {
          expect([code, slot.kind, slot.value], JSON.stringify(raw)).toEqual([READ_OK, VALUE_PRESENT, x]);
          const p = precisionOf(text);
          expect(Math.abs(slot.err - p) <= 1e-15 * p, `${JSON.stringify(raw)}: precision ${slot.err}, expected ${p}`).toBe(true);
        }
      }),
      { seed: 45, numRuns: 3000 },
    );
  });

  it("a long text padded with a no-break or other Unicode space is refused as a short one is", () => {
    const slot = createReadSlot();
    // Number() trims Unicode spaces; the plain decimal grammar, and the short texts' reader, do not.
    expect(readScore("0.5\u00a0", slot)).toBe(READ_NOT_A_NUMBER);
    expect(readScore("0.50000000000000000\u00a0", slot)).toBe(READ_NOT_A_NUMBER);
    expect(readScore("\u20030.50000000000000000", slot)).toBe(READ_NOT_A_NUMBER);
    expect(readScore("\u00a0".repeat(9) + "Infinity", slot)).toBe(READ_NOT_A_NUMBER);
    expect([readScore("0.50000000000000000", slot), slot.value]).toEqual([READ_OK, 0.5]);
    expect([readScore("-0.0000000000000000", slot), slot.value]).toEqual([READ_OK, -0]);
    expect([readScore("5.000000000000000e-1", slot), slot.value]).toEqual([READ_OK, 0.5]);
    expect([readScore(".5000000000000000000", slot), slot.value]).toEqual([READ_OK, 0.5]);
    expect(readScore("0.5000000000000000e", slot)).toBe(READ_NOT_A_NUMBER);
  });

  it("spellings the grammar refuses or must measure: two points, binary and octal literals, an upper-case exponent", () => {
    const slot = createReadSlot();
    for (const raw of ["5..", "0..5", "..5", "1.2.", "0b00000000000000001", "0B00000000000000001", "0o00000000000000001", "0O00000000000000001", "0X00000000000000001", "0x1"]) {
      expect(readScore(raw, slot), raw).toBe(READ_NOT_A_NUMBER);
    }
    // An exponent in either case counts in the decimals: 5E-1 and 5e-1 are 0.5 ± 0.05; 25E-2 ± 0.005.
    for (const [raw, err] of [["5E-1", 0.05], ["5e-1", 0.05], ["25E-2", 0.005], ["0.0050000000000000E2", 0.5 / 1e14], ["1E0", 0.5]] as const) {
      expect([readScore(raw, slot), slot.err], raw).toEqual([READ_OK, err]);
    }
  });

  it("numbers read as themselves, with the precision of the decimals JavaScript writes them with", () => {
    const slot = createReadSlot();
    const read = (x: number) => [readScore(x, slot), slot.kind, slot.value, slot.err] as const;
    expect(read(0.1)).toEqual([READ_OK, VALUE_PRESENT, 0.1, 0.05]);
    expect(read(1)).toEqual([READ_OK, VALUE_PRESENT, 1, 0.5]);
    expect(read(0)).toEqual([READ_OK, VALUE_PRESENT, 0, 0.5]);
    expect(read(0.25)).toEqual([READ_OK, VALUE_PRESENT, 0.25, 0.005]);
    expect(read(1e-7)[3]).toBeCloseTo(5e-8, 22);
    expect(read(Number.NaN).slice(0, 2)).toEqual([READ_NOT_A_NUMBER, VALUE_ABSENT]);
    expect(read(Number.POSITIVE_INFINITY).slice(0, 2)).toEqual([READ_NOT_FINITE, VALUE_ABSENT]);
    expect(read(-0.5).slice(0, 2)).toEqual([READ_OUT_OF_RANGE, VALUE_ABSENT]);
    expect(read(1.0000000000000002).slice(0, 2)).toEqual([READ_OUT_OF_RANGE, VALUE_ABSENT]);
  });

  it("anything but a string, a number or a blank is not a number; blanks and NA tokens in every case", () => {
    const slot = createReadSlot();
    for (const raw of [true, {}, [], 1n, Symbol("x")]) expect(readScore(raw, slot), String(typeof raw)).toBe(READ_NOT_A_NUMBER);
    for (const raw of [null, undefined, "", " ", "\t\n"]) expect([readScore(raw, slot), slot.kind]).toEqual([READ_OK, VALUE_ABSENT]);
    for (const token of ["NA", "na", " n/a ", "N.A.", "n.a.", "No Aplica", "NOT APPLICABLE", "not applicable"]) {
      expect([readScore(token, slot), slot.kind, slot.value, slot.err], token).toEqual([READ_OK, VALUE_NOT_APPLICABLE, 0, 0]);
    }
    for (const raw of ["N A", "NA.", "nan", "n/a/", "no aplica."]) expect(readScore(raw, slot), raw).toBe(READ_NOT_A_NUMBER);
    // A slot is cleared by every read.
    readScore("0.5", slot);
    readScore("", slot);
    expect([slot.kind, slot.value, slot.err]).toEqual([VALUE_ABSENT, 0, 0]);
  });
});

describe("issues explain a value that could not be read", () => {
  const rubric = () =>
    parseRubric(
      rubricDoc([
        node("root", [["s", 0.5], ["o", 0.5]]),
        leaf("s", { type: "score" }),
        leaf("o", { type: "ordinal", levels: [{ value: "no", score: 0 }, { value: "sí", score: 1 }] }),
      ]),
    );

  it("a decimal comma gets a hint with the point, for the whole text only", () => {
    const r = rubric();
    const hint = (raw: string) => scoreBody(r, { values: { s: raw } }).issues[0]?.hint;
    expect(hint("0,5")).toBe("a decimal comma? write it with a point: 0.5");
    expect(hint(" 0,75 ")).toBe("a decimal comma? write it with a point: 0.75");
    expect(hint("-0,5")).toBe("a decimal comma? write it with a point: -0.5");
    expect(hint("+1,0")).toBe("a decimal comma? write it with a point: +1.0");
    expect(hint(",5")).toBe("a decimal comma? write it with a point: .5");
    expect(hint("12,5")).toBe("a decimal comma? write it with a point: 12.5");
    for (const raw of ["x0,5", "0,5x", "0,", "1,2,3", "0;5", "abc"]) expect(hint(raw), raw).toBeUndefined();
    // Only a text that is not a number: an ordinal leaf's unknown level gets no hint.
    const o = scoreBody(r, { values: { o: "0,5" } }).issues[0]!;
    expect([o.code, o.hint, o.message]).toEqual(["unknown_level", undefined, '"o" expects one of "no", "sí", found "0,5"']);
    expect(scoreBody(r, { values: { s: "0,5" } }).issues[0]!.message).toBe('"s" expects a number from 0 to 1, found "0,5" (a decimal comma? write it with a point: 0.5)');
  });

  it("a code no reader returns is an invalid value", () => {
    const r = rubric();
    expect(readIssue(kernelOf(r, "test"), 1, "x", 99)).toEqual({ code: "invalid_value", path: "s", message: '"s" expects a number from 0 to 1, found "x"', expected: "a number from 0 to 1", received: '"x"' });
  });
});

describe("a linear leaf's precision: half a unit of the input over the span, none at a goalpost", () => {
  // m has x alone: given directly, m is compared with x's score within both precisions.
  const linear = (low: number, high: number) => parseRubric(rubricDoc([node("m", [["x", 1]]), leaf("x", { type: "linear", low, high })]));
  const warned = (r: ReturnType<typeof linear>, x: string, m: string) => scoreBody(r, { values: { x, m } }).warnings.length > 0;

  it("inside the goalposts: x = 5 on 0–10 is 0.5 ± 0.05", () => {
    const r = linear(0, 10);
    expect(warned(r, "5", "0.55")).toBe(false); // gap 0.05 ≤ 0.05 + 0.005
    expect(warned(r, "5", "0.56")).toBe(true); // gap 0.06 > 0.055
    expect(warned(r, "5.0", "0.51")).toBe(false); // x to 1 decimal: 0.5 ± 0.005; gap 0.01 ≤ 0.005 + 0.005
    expect(warned(r, "5.0", "0.52")).toBe(true);
  });

  it("at or beyond a goalpost the score is exact", () => {
    const r = linear(0, 10);
    for (const x of ["0", "-3"]) expect(warned(r, x, "0.04"), x).toBe(true); // 0 ± 0 against 0.04 ± 0.005
    for (const x of ["10", "12"]) expect(warned(r, x, "0.96"), x).toBe(true); // 1 ± 0 against 0.96 ± 0.005
    // Just inside, the input's precision counts again: x = 1 is 0.1 ± 0.05.
    expect(warned(r, "1", "0.14")).toBe(false);
  });
});
