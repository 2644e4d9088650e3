import { openCsvRecords } from "../../src/io/byteSource.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { IdLog, murmur3x86x128 } from "../../src/cli/idLog.js";

// Seeded: a failure replays from the seed fast-check prints.
fc.configureGlobal({ seed: 20170, numRuns: 200 });

describe("murmur3x86x128", () => {
  it("gives the reference MurmurHash3_x86_128 (seed 0) of the UTF-16LE bytes, lanes 1 to 3", () => {
    // Computed with SMHasher's C reference on the strings' UTF-16LE bytes.
    const vectors: [string, number[]][] = [
      ["", [0, 0, 0]],
      ["B000001", [-86612401, -684917144, -1418757670]],
      ["Municipio de Santa Inés, Nuevo León", [-1770310648, -1036155663, 1321583947]],
      ["😀", [-180834220, 2033236127, 2033236127]],
      ["abcdefghijklmnop", [-1590499755, 602125336, -1960737746]],
    ];
    const out = new Int32Array(3);
    for (const [s, want] of vectors) {
      murmur3x86x128(s, out);
      expect([...out], JSON.stringify(s)).toEqual(want);
    }
  });
});

describe("IdLog", () => {
  it("reports each repeated id with its first row, in row order, against a Map oracle", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ab0-9é😀]{0,6}$/), { maxLength: 400 }), fc.integer({ min: 0, max: 12 }), (ids, list) => {
        const log = new IdLog({ list });
        const seen = new Map<string, number>();
        const want: { id: string; first: number; row: number }[] = [];
        ids.forEach((id, i) => {
          const row = i + 2;
          const first = seen.get(id);
          expect(log.add(id, row)).toBe(first !== undefined);
          if (first === undefined) seen.set(id, row);
          else want.push({ id, first, row });
        });
        expect(log.size).toBe(ids.length);
        expect(log.distinct).toBe(seen.size);
        expect(log.duplicateCount).toBe(want.length);
        expect(log.duplicates()).toEqual(want.slice(0, list));
        expect(log.duplicates(1)).toEqual(want.slice(0, Math.min(1, list)));
        // candidates(): each id's rows, first row first, groups by first row.
        const groups = new Map<number, number[]>();
        for (const d of want) groups.set(d.first, [...(groups.get(d.first) ?? [d.first]), d.row]);
        expect(log.candidates()).toEqual([...groups.values()].sort((a, b) => a[0]! - b[0]!));
      }),
    );
  });

  it("agrees with the Map oracle while the table doubles several times (50,000 ids, 20,000 distinct)", () => {
    let seed = 20170;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const log = new IdLog({ list: 1_000_000 });
    const seen = new Map<string, number>();
    const want: { id: string; first: number; row: number }[] = [];
    for (let i = 0; i < 50_000; i++) {
      const id = `id${next() % 20_000}`;
      const row = i + 2;
      const first = seen.get(id);
      expect(log.add(id, row)).toBe(first !== undefined);
      if (first === undefined) seen.set(id, row);
      else want.push({ id, first, row });
    }
    expect(log.distinct).toBe(seen.size);
    expect(log.duplicates()).toEqual(want);
  });

  it("finds the duplicates among a million distinct ids and a few repeats, a few probes per id", () => {
    const log = new IdLog({ maxSlots: 1 << 22 }); // room for all of them: no spill
    for (let i = 0; i < 1_000_000; i++) log.add(`B${String(i).padStart(7, "0")}`, i + 2);
    expect(log.duplicateCount).toBe(0);
    log.add("B0000005", 1_000_002);
    log.add("B0999999", 1_000_003);
    expect(log.duplicates()).toEqual([
      { id: "B0000005", first: 7, row: 1_000_002 },
      { id: "B0999999", first: 1_000_001, row: 1_000_003 },
    ]);
    // Linear probing at load 3/8 to 3/4: (1 + 1/(1 - a)^2) / 2 probes per new id, about 3 on average.
    expect(log.probes / log.size).toBeLessThan(4);
  });

  it("80,000 identical ids take linear work: one probe each (counted, not timed: the machine is shared)", () => {
    const work = (n: number) => {
      const log = new IdLog();
      for (let i = 0; i < n; i++) log.add("same", i + 2);
      return { probes: log.probes, dups: log.duplicateCount, first: log.duplicates(1)[0] };
    };
    const small = work(20_000);
    const big = work(80_000);
    expect(small.probes).toBe(20_000);
    expect(big.probes).toBe(80_000);
    expect(big.dups).toBe(79_999);
    expect(big.first).toEqual({ id: "same", first: 2, row: 3 });
  });

  it("addField (hashing the id's bytes) finds exactly what add(text) finds: ASCII, accented, quoted and empty ids, UTF-8 and latin-1", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("A1", "A1", "b", "", "é", "€", '"A1"', '"x,y"', "Zz99", "é1", "naïve"), { minLength: 1, maxLength: 60 }),
        fc.constantFrom<"utf8" | "latin1">("utf8", "latin1"),
        async (ids, encoding) => {
          const text = `id,v\n${ids.map((id) => `${id},1`).join("\n")}\n`;
          const bytes = encoding === "utf8" ? Buffer.from(text) : Buffer.from([...text].map((c) => (c === "€" ? 0x80 : c.charCodeAt(0))));
          const csv = await openCsvRecords(Readable.from([bytes]), { encoding });
          const byBytes = new IdLog({ list: 100 });
          const byText = new IdLog({ list: 100 });
          for await (const batch of csv) {
            for (let r = 0; r < batch.length; r++) {
              expect(byBytes.addField(batch, r, 0, batch.row(r))).toBe(byText.add(batch.text(r, 0), batch.row(r)));
            }
          }
          expect(byBytes.duplicates()).toEqual(byText.duplicates());
          expect(byBytes.distinct).toBe(byText.distinct);
        },
      ),
    );
  });

  it("reserve(n) sizes the table once: the same answers, fewer probes", () => {
    const grown = new IdLog();
    const reserved = new IdLog();
    reserved.reserve(100_000);
    for (let i = 0; i < 100_000; i++) {
      const id = `x${i % 90_000}`;
      expect(reserved.add(id, i + 2)).toBe(grown.add(id, i + 2));
    }
    expect(reserved.duplicates()).toEqual(grown.duplicates());
    expect(reserved.duplicateCount).toBe(10_000);
    expect(reserved.probes).toBeLessThan(grown.probes);
    expect(() => reserved.reserve(-1)).toThrow(RangeError);
  });

  it("refuses a row that is not a whole number from 1 to 2^31 - 1, and a bad list size", () => {
    const log = new IdLog();
    for (const row of [0, -1, 1.5, 2 ** 31, Number.NaN]) expect(() => log.add("x", row)).toThrow(RangeError);
    expect(() => new IdLog({ list: -1 })).toThrow(RangeError);
    expect(log.size).toBe(0);
  });
});

describe("IdLog keeps memory bounded by spilling sorted runs to disk", () => {
  it("finds exactly the repeats a Map finds, across runs, with their true first rows (16-slot table: dozens of runs)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 1500 }), (keys) => {
        const log = new IdLog({ maxSlots: 16, list: 1_000_000 });
        const first = new Map<string, number>();
        const want: { id: string; first: number; row: number }[] = [];
        keys.forEach((k, i) => {
          const id = `id-${k}`;
          const row = i + 2;
          log.add(id, row);
          const f = first.get(id);
          if (f === undefined) first.set(id, row);
          else want.push({ id, first: f, row });
        });
        log.finish();
        expect(log.duplicateCount).toBe(want.length);
        expect(log.distinct).toBe(first.size);
        const got = log.duplicates(1_000_000);
        expect(got.map((d) => [d.first, d.row])).toEqual(want.map((d) => [d.first, d.row]));
        // Text is known for repeats found while adding; the others are found by the merge.
        for (const d of got) if (d.id !== undefined) expect(first.get(d.id)).toBe(d.first);
        if (keys.length > 100) expect(log.runs).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it("an id seen in a hundred runs is one group at the merge: every later sighting repeats the very first row", () => {
    const log = new IdLog({ maxSlots: 16, list: 0 });
    let row = 2;
    const rows: number[] = [];
    for (let run = 0; run < 100; run++) {
      rows.push(row);
      log.add("SAME", row++);
      for (let k = 0; k < 799; k++) log.add(`run${run}-${k}`, row++);
    }
    log.finish();
    // The table starts at 1,024 slots and spills at three quarters full: a run every 768 ids.
    expect(log.runs).toBeGreaterThanOrEqual(100);
    expect(log.duplicateCount).toBe(99);
    expect(log.distinct).toBe(1 + 100 * 799);
    expect(log.duplicates(1000)).toEqual(rows.slice(1).map((r) => ({ id: undefined, first: rows[0], row: r })));
  });

  it("refuses ids after finish, and finish is idempotent", () => {
    const log = new IdLog({ maxSlots: 16 });
    for (let i = 0; i < 40; i++) log.add(`x${i % 25}`, i + 2);
    log.finish();
    log.finish();
    expect(log.duplicateCount).toBe(15);
    expect(() => log.add("y", 100)).toThrow(/after finish/);
  });
});
