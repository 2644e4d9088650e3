import { openCsvRecords } from "../../src/io/byteSource.js";
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { READ_OK, VALUE_PRESENT, createReadSlot, readScore } from "../../src/engine/index.js";
import {
  DECIMAL_EMPTY,
  DECIMAL_OTHER,
  DECIMAL_PLAIN,
  createDecimalSlot,
  type CsvRecordBatch,
} from "../../src/io/csvRecordReader.js";

// Seeded: a failure replays from the seed fast-check prints.
fc.configureGlobal({ seed: 20170, numRuns: 1000 });

/** decimal() on each cell, each cell its own one-column record (`;`-delimited, so `1,5` is one cell). */
async function decimals(cells: readonly string[], encoding: "utf8" | "latin1" = "utf8") {
  const text = `v\n${cells.join("\n")}\n`;
  const csv = await openCsvRecords(Readable.from([Buffer.from(text, encoding)]), { encoding, delimiter: ";" });
  const slot = createDecimalSlot();
  const out: { code: number; value?: number; decimals?: number }[] = [];
  for await (const batch of csv as AsyncIterable<CsvRecordBatch>) {
    for (let r = 0; r < batch.length; r++) {
      if (batch.fieldCount(r) === 0) {
        out.push({ code: -1 }); // a blank line: cells must not be empty here
        continue;
      }
      const code = batch.decimal(r, 0, slot);
      out.push(code === DECIMAL_PLAIN ? { code, value: slot.value, decimals: slot.decimals } : { code });
    }
  }
  return out;
}

/**
 * The double nearest to (-1)^neg · m / 10^d, ties to even, by exact integer arithmetic: scale
 * to a 53-bit integer quotient with a remainder, round, scale back by a power of two.
 */
function nearestDouble(neg: boolean, m: bigint, d: number): number {
  if (m === 0n) return neg ? -0 : 0;
  const den = 10n ** BigInt(d);
  // Find k with 2^52 <= m·2^k / den < 2^53.
  let k = 0;
  while ((m << BigInt(Math.max(k, 0))) / (den << BigInt(Math.max(-k, 0))) >= 1n << 53n) k--;
  while ((m << BigInt(Math.max(k, 0))) / (den << BigInt(Math.max(-k, 0))) < 1n << 52n) k++;
  const num = m << BigInt(Math.max(k, 0));
  const div = den << BigInt(Math.max(-k, 0));
  let q = num / div;
  const r2 = (num % div) * 2n;
  if (r2 > div || (r2 === div && (q & 1n) === 1n)) q++;
  const x = Number(q) * 2 ** -k; // exact: q < 2^54 and a power of two
  return neg ? -x : x;
}

/** Plain decimals: sign, 1–22 digits, at most one point, ≤ 24 characters (the exact path up to 15 digits, Number(text) past it). */
const plainArb = fc
  .record({
    sign: fc.constantFrom("", "", "-", "+"),
    digits: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 22 }),
    point: fc.integer({ min: -1, max: 22 }),
  })
  .map(({ sign, digits, point }) => {
    const ds = digits.join("");
    const at = point < 0 || point > ds.length ? -1 : point;
    return `${sign}${at < 0 ? ds : `${ds.slice(0, at)}.${ds.slice(at)}`}`;
  })
  .filter((s) => s.length <= 24);

describe("CsvRecordBatch.decimal", () => {
  it("reads plain decimals as the exactly rounded value (BigInt oracle), equal to Number(s), with the decimals written", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plainArb, { minLength: 1, maxLength: 30 }), async (cells) => {
        const got = await decimals(cells);
        cells.forEach((s, i) => {
          const neg = s.startsWith("-");
          const body = s.replace(/^[+-]/, "");
          const dot = body.indexOf(".");
          const d = dot < 0 ? 0 : body.length - dot - 1;
          const exact = nearestDouble(neg, BigInt(body.replace(".", "") || "0"), d);
          expect(got[i], s).toEqual({ code: DECIMAL_PLAIN, value: exact, decimals: d });
          expect(Object.is(got[i]!.value, Number(s)), s).toBe(true);
        });
      }),
    );
  });

  it("gives the core's value and precision: readScore reads the same number, its error half a unit of the decimals", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plainArb, { minLength: 1, maxLength: 30 }), async (cells) => {
        const got = await decimals(cells);
        const slot = createReadSlot();
        cells.forEach((s, i) => {
          const g = got[i]!;
          if (!(g.value! >= 0 && g.value! <= 1)) return;
          expect(readScore(s, slot)).toBe(READ_OK);
          expect(slot.kind).toBe(VALUE_PRESENT);
          expect(Object.is(slot.value, g.value), s).toBe(true);
          expect(slot.err, s).toBe(g.decimals! >= 23 ? 0 : 0.5 / 10 ** g.decimals!);
        });
      }),
    );
  });

  it("refuses everything else (the caller reads it with text and the core's general reader)", async () => {
    const other = [
      "NA", "n/a", " 0.5", "0.5 ", "1e3", "1E-3", "0x1", "Infinity", "-Infinity", "NaN", "1,5", "+", "-", ".", "+.", "1.2.3", "--1", "+-1",
      "-0.12345678901234 ", `0.${"1".repeat(31)}`, "١", "0.5\u00a0", "½", "1_000", "0b1", "5e", ".e1",
    ];
    const got = await decimals(other);
    expect(got.map((g) => g.code)).toEqual(other.map(() => DECIMAL_OTHER));
    // A quoted cell is not plain either, whatever it holds.
    expect((await decimals(['"0.5"', '""'])).map((g) => g.code)).toEqual([DECIMAL_OTHER, DECIMAL_OTHER]);
    // Latin-1 bytes above 0x7f are never digits.
    expect((await decimals(["0.5\u00b2", "\u00bd"], "latin1")).map((g) => g.code)).toEqual([DECIMAL_OTHER, DECIMAL_OTHER]);
  });

  it("reads long plain decimals (16 to 32 characters, as scores files write doubles) as Number(text) with their decimals", async () => {
    const long = ["0000000000000001", "1234567890123456", "0.1234567890123456", "0.12035000000000001", "0.060175000000000006", "-0.5391608333333334", "+0.42087833333333335", `0.${"9".repeat(30)}`];
    const got = await decimals(long);
    long.forEach((s, i) => {
      const body = s.replace(/^[+-]/, "");
      const dot = body.indexOf(".");
      expect(got[i], s).toEqual({ code: DECIMAL_PLAIN, value: Number(s), decimals: dot < 0 ? 0 : body.length - dot - 1 });
    });
  });

  it("accepts only the plain form, whatever the text", async () => {
    const plain = /^[+-]?(\d+\.?\d*|\.\d+)$/;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[0-9.+\-eExNA ,]{1,18}$/), { minLength: 1, maxLength: 30 }), async (cells) => {
        const got = await decimals(cells);
        cells.forEach((s, i) => {
          const digits = s.replace(/[^0-9]/g, "").length;
          const isPlain = plain.test(s) && s.length <= 16 && digits <= 15;
          expect(got[i]!.code === DECIMAL_PLAIN, s).toBe(isPlain);
          if (got[i]!.code === DECIMAL_PLAIN) expect(Object.is(got[i]!.value, Number(s)), s).toBe(true);
        });
      }),
    );
  });

  it("reports an empty cell as DECIMAL_EMPTY, and a field that does not exist as a RangeError", async () => {
    const csv = await openCsvRecords(Readable.from([Buffer.from("a,b\n,1\n")]));
    const batch = (await csv.next())!;
    const slot = createDecimalSlot();
    expect(batch.decimal(0, 0, slot)).toBe(DECIMAL_EMPTY);
    expect(batch.decimal(0, 1, slot)).toBe(DECIMAL_PLAIN);
    expect(() => batch.decimal(0, 2, slot)).toThrow(RangeError);
    expect(() => batch.decimal(1, 0, slot)).toThrow(RangeError);
    expect(() => batch.text(0, -1)).toThrow(RangeError);
  });
});
