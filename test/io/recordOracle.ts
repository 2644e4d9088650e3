/**
 * A reference reader for the record grammar of docs/cli.md ("Record rules"), written for the
 * tests from the rules alone: it works on a whole JavaScript string, one character at a time,
 * with none of the reader's buffers, chunks, byte offsets or papaparse. Slow and plain on purpose.
 */

/** One record as the grammar says it reads. */
export interface OracleRecord {
  readonly kind: "ok" | "blank" | "problem";
  readonly code?: string;
  readonly column?: number;
  /** Fields of a record read whole (and of a `column_count` one). */
  readonly fields?: string[];
  /** The rejects text of a problem record. */
  readonly text?: string;
  /** For a record past a limit: its characters, its line end counted as one. */
  readonly holds?: number;
}

const isLineEnd = (c: string | undefined): boolean => c === "\n" || c === "\r";

/**
 * Reads every record of `s` (the text after any byte-order mark).
 * @param s - the file's text
 * @param d - the delimiter
 * @param maxField - field limit in UTF-16 code units
 * @param maxRow - row limit in UTF-16 code units
 */
export function oracleRecords(s: string, d: string, maxField: number, maxRow: number): OracleRecord[] {
  const out: OracleRecord[] = [];
  /** Index after the line end that starts at k (CRLF is one line end). */
  const after = (k: number): number => (s[k] === "\r" && s[k + 1] === "\n" ? k + 2 : k + 1);
  let p = 0;
  while (p < s.length) {
    if (isLineEnd(s[p])) {
      out.push({ kind: "blank" });
      p = after(p);
      continue;
    }
    const [record, next] = oneRecord(p);
    out.push(record);
    p = next;
  }
  return out;

  function oneRecord(p: number): [OracleRecord, number] {
    const fields: string[] = [];
    let cur = "";
    let mode: "start" | "plain" | "quoted" | "afterQuote" = "start";
    let fieldLen = 0;
    let rowLen = 0;
    let invalid = 0;
    let quoteLineEnd = -1;
    let i = p;
    const unclosed = (): [OracleRecord, number] => {
      const stop = quoteLineEnd >= 0 ? quoteLineEnd : s.length;
      return [{ kind: "problem", code: "unclosed_quote", column: fields.length + 1, text: s.slice(p, stop) }, quoteLineEnd >= 0 ? after(quoteLineEnd) : s.length];
    };
    const done = (): OracleRecord =>
      invalid > 0 ? { kind: "problem", code: "invalid_quotes", column: invalid, text: s.slice(p, i) } : { kind: "ok", fields };
    for (;;) {
      if (i >= s.length) {
        if (mode === "quoted") return unclosed();
        fields.push(cur);
        return [done(), s.length];
      }
      const c = String.fromCodePoint(s.codePointAt(i)!);
      const units = c.length;
      // Is the character text of the field, of the row?
      let inField = true;
      let inRow = true;
      if (mode !== "quoted") {
        if (c === d) inField = false;
        else if (isLineEnd(c)) inField = inRow = false;
      }
      const fieldOver = inField && fieldLen + units > maxField;
      const rowOver = inRow && rowLen + units > maxRow;
      if (fieldOver || rowOver) {
        let open = false;
        if (mode === "quoted") {
          open = true;
          if (isLineEnd(c) && quoteLineEnd < 0) quoteLineEnd = i;
        } else if (mode === "afterQuote") {
          if (c === '"') open = true;
          else if (c !== d && quoteLineEnd >= 0) return unclosed();
        } else if (mode === "start" && c === '"') {
          open = true;
          quoteLineEnd = -1;
        }
        if (open && quoteLineEnd >= 0) return unclosed();
        let k = i + units;
        while (k < s.length && !isLineEnd(s[k])) k++;
        const head = s.slice(p, i).slice(0, 200);
        const total = k - p;
        const text = total > head.length ? `${head}... [${total - head.length} more characters not kept]` : head;
        const holds = total + (k < s.length ? 1 : 0);
        const record: OracleRecord = fieldOver
          ? { kind: "problem", code: "field_too_large", column: fields.length + 1, text, holds }
          : { kind: "problem", code: "row_too_large", text, holds };
        return [record, k < s.length ? after(k) : s.length];
      }
      if (inField) fieldLen += units;
      if (inRow) rowLen += units;
      switch (mode) {
        case "start":
        case "plain":
          if (c === d) {
            fields.push(cur);
            cur = "";
            fieldLen = 0;
            mode = "start";
          } else if (isLineEnd(c)) {
            fields.push(cur);
            return [done(), after(i)];
          } else if (c === '"' && mode === "start") {
            mode = "quoted";
            quoteLineEnd = -1;
          } else {
            cur += c;
            mode = "plain";
          }
          break;
        case "quoted":
          if (c === '"') mode = "afterQuote";
          else {
            if (isLineEnd(c) && quoteLineEnd < 0) quoteLineEnd = i;
            cur += c;
          }
          break;
        case "afterQuote":
          if (c === '"') {
            cur += '"';
            mode = "quoted";
          } else if (c === d) {
            fields.push(cur);
            cur = "";
            fieldLen = 0;
            mode = "start";
          } else if (isLineEnd(c)) {
            fields.push(cur);
            return [done(), after(i)];
          } else if (quoteLineEnd >= 0) return unclosed();
          else {
            if (invalid === 0) invalid = fields.length + 1;
            cur += c;
            mode = "plain";
          }
          break;
      }
      i += units;
    }
  }
}
