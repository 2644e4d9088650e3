import { describe, expect, it } from "vitest";
import { CsvWriter, csvCell, neutralizeFormula, type TextSink } from "../../src/node.js";

function memorySink(): TextSink & { text: string } {
  return {
    text: "",
    write(t: string) {
      this.text += t;
    },
    async flush() {},
    get buffered() {
      return 0;
    },
  };
}

describe("csvCell", () => {
  it("quotes cells holding the delimiter, a quote, CR or LF (RFC 4180), doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\r")).toBe('"cr\r"');
    expect(csvCell("a;b", { delimiter: ";" })).toBe('"a;b"');
    expect(csvCell("a;b")).toBe("a;b");
    expect(csvCell("")).toBe("");
  });

  it("neutralises formulas in text (=, +, -, @, tab, CR) but not plain numbers, unless raw", () => {
    for (const f of ["=1+2", "+A1", "-A1", "@SUM(A1)", "\tx", "\rx", "-", "+", "=", "1e5=x".slice(3)]) expect(neutralizeFormula(f)).toBe(`'${f}`);
    for (const n of ["-0.5", "+3", "-1e-3", ".5", "0", "x=1", ""]) expect(neutralizeFormula(n)).toBe(n);
    expect(csvCell("=A1,B1")).toBe(`"'=A1,B1"`);
    expect(csvCell("=A1", { raw: true })).toBe("=A1");
  });
});

describe("CsvWriter", () => {
  it("writes rows with LF, numbers in full precision, null as an empty cell", () => {
    const sink = memorySink();
    const w = new CsvWriter(sink);
    w.writeRow(["id", "v", "note"]);
    w.writeRow(["a", 0.1 + 0.2, null]);
    w.writeRow(["@b", -0, 'x "y"']);
    expect(sink.text).toBe('id,v,note\na,0.30000000000000004,\n\'@b,0,"x ""y"""\n');
  });
});
