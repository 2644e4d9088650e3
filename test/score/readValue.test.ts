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
import { runs } from "../propertyRuns.js";

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
  .map(([sign, whole, dot, fraction, exponent, pad]) => `${pad === "a" || pad === "," ? "" : pad}${sign}${whole}${dot}${fraction}${exponent}${pad}`);

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
      { seed: 45, numRuns: runs(3000) },
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
