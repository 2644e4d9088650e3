/**
 * The one definition of a CSV record: a byte-level state machine that finds where each record
 * ends, which bytes hold each field, and which records are malformed. Every reader of the
 * library (the byte API `CsvRecordReader` and the string API `CsvReader`) finds its records here
 * and nowhere else, so a file reads the same whatever reads it and however its bytes arrive.
 * Not exported from `ogmetric/node`.
 *
 * ## The record grammar
 *
 * Bytes are those of the file after a UTF-8 byte-order mark; the delimiter is one byte (`,` by
 * default), the quote is `"`, and a *line end* is LF, CRLF or a lone CR. Lengths are counted in
 * characters (UTF-16 code units, as JavaScript strings count them).
 *
 * 1. A record ends at a line end outside quotes, or at the end of the input. Line ends may mix in
 *    one file. A line end right at the start of a record makes a **blank line**: counted as a row,
 *    holding no data. Nothing after the last line end is no record.
 * 2. Fields are separated by the delimiter. A quote opens a **quoted field** only as the first
 *    byte of a field; anywhere else it is an ordinary character (`ab"c` is the text `ab"c`).
 * 3. Inside a quoted field, `""` is one quote, and delimiters and line ends are text. The field
 *    closes at a quote followed by the delimiter, a line end or the end of the input.
 * 4. A quote followed by anything else (`"Body" 2`) makes the record malformed (`invalid_quotes`,
 *    at that field's column); the field reads on as unquoted from there, so the record still ends
 *    at the next line end outside quotes and only that record is rejected.
 * 5. **Unclosed quote.** A quoted field is taken as unclosed when, before it closes properly:
 *    the input ends; the field or the row passes its length limit after the field has crossed a
 *    line end; or the field has crossed a line end and one of its quotes is followed by anything
 *    but a quote, the delimiter or a line end (the quote was stray: rule 4 would otherwise make
 *    one record of many lines). The record is then rejected (`unclosed_quote`, at the field's
 *    column); it is the text from its start to the end of the physical line where that quote
 *    opened, and reading resumes on the next line. Nothing past one record's limit is ever
 *    needed to decide this, so it holds for pipes as well as files.
 * 6. **Limits.** A field may hold at most `maxField` characters of raw text (its quotes
 *    included) and a row at most `maxRow` (its delimiters and quotes included, its line end not).
 *    At the first character past a limit, the record is rejected (`field_too_large` at the
 *    field's column, or `row_too_large`) unless rule 5 applies; its bytes are no longer kept (its
 *    first 200 characters are, for the rejects file) and it ends at the next line end, quoted or
 *    not. So a record past a limit never holds more than one line after the limit.
 *
 * Every decision above depends on the bytes alone, never on where a chunk of input ends.
 */

import type { CsvRowProblem } from "./readCsv.js";

/** The record was read whole; its fields are in the table. */
export const RECORD_OK = 0;
/** A blank line: a row with no data. */
export const RECORD_BLANK = 1;
/** The record could not be read (see its `CsvRowProblem`). */
export const RECORD_PROBLEM = 2;

/** Characters of a rejected oversized record kept for the rejects file. */
export const KEPT_CHARS = 200;

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Outside quotes: at a field's start (the position equals `fieldStart`) or inside an unquoted field. */
const UNQUOTED = 0;
/** Inside a quoted field. */
const QUOTED = 1;
/** Inside a quoted field, just after a quote: the next byte decides (escape, close or malformed). */
const AFTER_QUOTE = 2;
/** Past a limit: skipping to the next line end without keeping the bytes. */
const SKIP = 3;

/**
 * The records of one batch, in typed arrays: record `r` is bytes `start[r]` to `end[r]` of the
 * reader's buffer (its line end excluded), and its fields end at `sep[firstSep[r]]` up to
 * `sep[firstSep[r + 1] - 1]` (each a delimiter's position, the last one `end[r]`). A field
 * starts one byte after the previous one ends (the first at `start[r]`).
 */
export class RecordTable {
  /** Records in the table. */
  n = 0;
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  firstSep = new Int32Array(1025);
  status = new Uint8Array(1024);
  /** 1 when the record holds a quote character (its fields are read by papaparse). */
  quoted = new Uint8Array(1024);
  sep = new Int32Array(16_384);
  /** Field ends used, including those of the record being read. */
  nSep = 0;
  /** Problems of `RECORD_PROBLEM` records, by index. */
  readonly problems = new Map<number, CsvRowProblem>();

  /** Makes room for one more record. */
  grow(): void {
    const cap = this.start.length * 2;
    const copy = <T extends Int32Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.start = copy(this.start, cap);
    this.end = copy(this.end, cap);
    this.firstSep = copy(this.firstSep, cap + 1);
    this.status = copy(this.status, cap);
    this.quoted = copy(this.quoted, cap);
  }

  /** Makes room for at least `n` field ends. */
  growSep(n: number): void {
    const sep = new Int32Array(Math.max(n, this.sep.length * 2));
    sep.set(this.sep);
    this.sep = sep;
  }
}

/** What the scanner needs to know of the input. */
export interface ScanOptions {
  /** The delimiter byte. */
  readonly delimiter: number;
  /** True for UTF-8 (lengths count UTF-16 code units), false for one-byte encodings. */
  readonly utf8: boolean;
  readonly maxField: number;
  readonly maxRow: number;
  /** Decodes bytes of the buffer (for the text kept of rejected records). */
  readonly decode: (bytes: Uint8Array, start: number, end: number) => string;
}

/** Why a record stopped being read whole. */
interface Skip {
  code: "field_too_large" | "row_too_large";
  column: number;
  /** Characters of the record so far (its line end excluded). */
  chars: number;
  /** Its first characters, up to `KEPT_CHARS`. */
  head: string;
}

/**
 * Finds records in a byte buffer fed piece by piece, by the grammar in this module's doc. The
 * caller owns the buffer: it appends bytes after `end`, calls `scan`, takes the records out of
 * the table, and may then drop every byte before `keepFrom` (calling `rebase`).
 */
export class RecordScanner {
  readonly table = new RecordTable();
  readonly #o: ScanOptions;
  readonly #delim: number;
  /** Highest byte with a meaning outside quotes (delimiter, quote, CR, LF). */
  readonly #hi: number;

  /** Next byte to read. */
  #pos = 0;
  #state = UNQUOTED;
  /** First byte of the record being read, and of its field being read. */
  #recStart = 0;
  #fieldStart = 0;
  /** Index in `table.sep` of the record's first field end. */
  #recFirstSep = 0;
  /** The record holds a quote character. */
  #hasQuote = false;
  /** 1-based column of the record's first malformed quote, or 0. */
  #invalidCol = 0;
  /** Position of the first line end inside the quoted field being read, or -1. */
  #quoteLineEnd = -1;
  /** The last record ended at a CR: an LF right after it belongs to that line end. */
  #skipLF = false;
  /** No limit can be passed before this position (see `#limit`). */
  #limitAt: number;
  /**
   * How far from a record's start its first limit check is: `maxField - 1` bytes, because a
   * 4-byte UTF-8 character counts 2 code units at its first byte, so a record's first k bytes
   * may hold k + 1 units.
   */
  readonly #reach: number;
  #skip: Skip | undefined;
  /** Character counts cached by `#limit`: [from, to, characters from..to]. */
  readonly #rowCount = [0, 0, 0];
  readonly #fieldCount = [0, 0, 0];

  constructor(options: ScanOptions) {
    this.#o = options;
    this.#delim = options.delimiter;
    this.#hi = Math.max(options.delimiter, QUOTE);
    this.#reach = options.maxField - 1;
    this.#limitAt = this.#reach;
  }

  /** Bytes before this position are no longer needed: every record before it is in the table. */
  get keepFrom(): number {
    return this.#recStart;
  }

  /** Where reading has got to. */
  get position(): number {
    return this.#pos;
  }

  /** 0-based index of the field being read in the record being read. */
  get field(): number {
    return this.table.nSep - this.#recFirstSep;
  }

  /**
   * Starts at `pos` (after a byte-order mark), before anything is scanned.
   * @param pos - first byte of the input in the buffer
   */
  begin(pos: number): void {
    this.#pos = this.#recStart = this.#fieldStart = pos;
    this.#limitAt = pos + this.#reach;
  }

  /**
   * Empties the table (its records have been used) and moves every position `shift` bytes down,
   * after the caller dropped the first `shift` bytes of its buffer (at most `keepFrom`).
   */
  rebase(shift: number): void {
    const t = this.table;
    const first = this.#recFirstSep;
    const sep = t.sep;
    for (let k = first; k < t.nSep; k++) sep[k - first] = sep[k]! - shift;
    t.nSep -= first;
    t.n = 0;
    t.firstSep[0] = 0;
    t.problems.clear();
    this.#recFirstSep = 0;
    this.#pos -= shift;
    this.#recStart -= shift;
    this.#fieldStart -= shift;
    if (this.#quoteLineEnd >= 0) this.#quoteLineEnd -= shift;
    this.#limitAt -= shift;
    for (const c of [this.#rowCount, this.#fieldCount]) {
      c[0]! -= shift;
      c[1]! -= shift;
    }
  }

  /**
   * Reads bytes from the current position up to `end`, adding each record that ends to the table.
   * @param buf - the buffer
   * @param end - bytes of `buf` filled
   * @param final - true when no more bytes will come (the input ends at `end`)
   */
  scan(buf: Uint8Array, end: number, final: boolean): void {
    for (;;) {
      this.#scanSome(buf, end);
      if (this.#pos < end) continue;
      if (final && this.#finishAtEnd(buf, end)) continue;
      return;
    }
  }

  /**
   * The hot loop: reads until the end of the bytes, a possible limit, or a rare event, and
   * returns with its state saved in fields (the caller loops).
   */
  #scanSome(buf: Uint8Array, end: number): void {
    const t = this.table;
    const sep = t.sep;
    const delim = this.#delim;
    const hi = this.#hi;
    const reach = this.#reach;
    let i = this.#pos;
    let nSep = t.nSep;
    let state = this.#state;
    let fieldStart = this.#fieldStart;
    let recStart = this.#recStart;
    let hasQuote = this.#hasQuote;
    // The table's arrays, reloaded when they grow.
    let n = t.n;
    let starts = t.start;
    let ends = t.end;
    let status = t.status;
    let quoted = t.quoted;
    let firstSep = t.firstSep;
    let recFirstSep = this.#recFirstSep;
    let limitAt = this.#limitAt;

    if (this.#skipLF) {
      if (i >= end) return;
      this.#skipLF = false;
      if (buf[i] === LF) {
        i++;
        recStart = fieldStart = i;
        this.#limitAt = limitAt = i + reach;
      }
    }
    if (state === SKIP) {
      this.#pos = i;
      this.#skipTo(buf, end);
      return;
    }
    let stop = limitAt < end ? limitAt : end;

    loop: for (;;) {
      if (state === UNQUOTED) {
        while (i < stop) {
          const b = buf[i]!;
          if (b > hi) {
            i++;
            continue;
          }
          if (b === delim) {
            sep[nSep++] = i;
            fieldStart = ++i;
            continue;
          }
          if (b === LF || b === CR) {
            // The record ends here.
            sep[nSep++] = i;
            if (nSep > sep.length) {
              // Its field ends did not fit: make room and read it again.
              t.n = n;
              this.#recFirstSep = recFirstSep;
              t.growSep(nSep);
              this.#restart(recStart);
              return;
            }
            if (n + 1 >= starts.length) {
              t.n = n;
              t.grow();
              starts = t.start;
              ends = t.end;
              status = t.status;
              quoted = t.quoted;
              firstSep = t.firstSep;
            }
            starts[n] = recStart;
            ends[n] = i;
            quoted[n] = hasQuote ? 1 : 0;
            if (i === recStart) {
              status[n] = RECORD_BLANK;
              nSep = recFirstSep;
            } else if (this.#invalidCol > 0) {
              status[n] = RECORD_PROBLEM;
              t.problems.set(n, this.#invalidQuotes(buf, recStart, i));
              this.#invalidCol = 0;
            } else status[n] = RECORD_OK;
            firstSep[++n] = recFirstSep = nSep;
            hasQuote = false;
            i++;
            if (b === CR) {
              if (i >= end) this.#skipLF = true;
              else if (buf[i] === LF) i++;
            }
            recStart = fieldStart = i;
            limitAt = i + reach;
            stop = limitAt < end ? limitAt : end;
            continue;
          }
          if (b === QUOTE) {
            hasQuote = true;
            if (i === fieldStart) {
              state = QUOTED;
              this.#quoteLineEnd = -1;
              i++;
              continue loop;
            }
          }
          i++;
        }
      } else if (state === QUOTED) {
        while (i < stop) {
          const b = buf[i]!;
          if (b === QUOTE) {
            state = AFTER_QUOTE;
            i++;
            continue loop;
          }
          if ((b === LF || b === CR) && this.#quoteLineEnd < 0) this.#quoteLineEnd = i;
          i++;
        }
      } else if (i < stop) {
        // AFTER_QUOTE: the quote just read closes the field, escapes a quote, or is malformed.
        const b = buf[i]!;
        if (b === QUOTE) {
          state = QUOTED;
          i++;
        } else if (b === delim || b === LF || b === CR) {
          state = UNQUOTED; // the field is closed; the delimiter or line end is read there
        } else if (this.#quoteLineEnd >= 0) {
          // Rule 5: a stray quote after the field crossed a line end.
          t.n = n;
          t.nSep = nSep;
          this.#recFirstSep = recFirstSep;
          this.#save(i, state, fieldStart, recStart, hasQuote);
          this.#unclosed(buf, "stray", end);
          return;
        } else {
          // Rule 4: the field reads on as unquoted.
          if (this.#invalidCol === 0) this.#invalidCol = nSep - recFirstSep + 1;
          state = UNQUOTED;
          i++;
        }
        continue;
      }
      // Out of bytes, or where a limit may be passed.
      t.n = n;
      t.nSep = nSep;
      this.#recFirstSep = recFirstSep;
      this.#limitAt = limitAt;
      this.#save(i, state, fieldStart, recStart, hasQuote);
      if (nSep > sep.length) {
        t.growSep(nSep);
        this.#restart(recStart);
        return;
      }
      if (i < end) this.#limit(buf, end);
      return;
    }
  }

  #save(i: number, state: number, fieldStart: number, recStart: number, hasQuote: boolean): void {
    this.#pos = i;
    this.#state = state;
    this.#fieldStart = fieldStart;
    this.#recStart = recStart;
    this.#hasQuote = hasQuote;
  }

  /** Reads the record being read again from its start (after its table of field ends grew). */
  #restart(recStart: number): void {
    this.table.nSep = this.#recFirstSep;
    this.#pos = this.#recStart = this.#fieldStart = recStart;
    this.#state = UNQUOTED;
    this.#hasQuote = false;
    this.#invalidCol = 0;
    this.#quoteLineEnd = -1;
    this.#limitAt = recStart + this.#reach;
  }

  /**
   * Adds the record being read to the table (bytes from its start to `end`) and starts the next
   * record at `next`; `keepFields` false drops the field ends found so far.
   */
  #push(end: number, status: number, problem: CsvRowProblem | undefined, next: number, keepFields: boolean): void {
    const t = this.table;
    if (t.n + 1 >= t.start.length) t.grow();
    const r = t.n;
    t.start[r] = Math.min(this.#recStart, end);
    t.end[r] = end;
    t.quoted[r] = this.#hasQuote ? 1 : 0;
    t.status[r] = status;
    if (problem) t.problems.set(r, problem);
    if (!keepFields) t.nSep = this.#recFirstSep;
    t.firstSep[r] = this.#recFirstSep;
    t.firstSep[r + 1] = t.nSep;
    t.n = r + 1;
    this.#recFirstSep = t.nSep;
    this.#pos = this.#recStart = this.#fieldStart = next;
    this.#state = UNQUOTED;
    this.#hasQuote = false;
    this.#invalidCol = 0;
    this.#quoteLineEnd = -1;
    this.#skip = undefined;
    this.#limitAt = next + this.#reach;
  }

  /** At the end of the input, every byte read: returns true when reading should go on (rule 5). */
  #finishAtEnd(buf: Uint8Array, end: number): boolean {
    const state = this.#state;
    if (state === SKIP) {
      this.#pushSkipped(end, 0);
      return false;
    }
    if (state === QUOTED) {
      this.#unclosed(buf, "end", end);
      return this.#pos < end;
    }
    if (this.#pos === this.#recStart) return false; // nothing after the last line end
    // A last record without a line end (in AFTER_QUOTE, the quote closed its last field).
    const t = this.table;
    if (t.nSep + 1 > t.sep.length) t.growSep(t.nSep + 1);
    t.sep[t.nSep++] = end;
    if (this.#invalidCol > 0) this.#push(end, RECORD_PROBLEM, this.#invalidQuotes(buf, this.#recStart, end), end, true);
    else this.#push(end, RECORD_OK, undefined, end, true);
    return false;
  }

  /**
   * Rule 5: the quoted field being read is unclosed. Rejects the record up to the end of the line
   * where its quote opened, and goes on from the next line.
   */
  #unclosed(buf: Uint8Array, why: "end" | "stray" | "field" | "row", end: number): void {
    const o = this.#o;
    const lineEnd = this.#quoteLineEnd;
    const column = this.table.nSep - this.#recFirstSep + 1;
    const stop = lineEnd >= 0 ? lineEnd : end;
    let reason: string;
    if (why === "end") reason = "the file ends inside it";
    else if (why === "stray") {
      const next = Array.from(o.decode(buf, this.#pos, Math.min(this.#pos + 4, end)))[0] ?? "";
      reason = `it runs onto the next line, where a quote is followed by ${JSON.stringify(next)} instead of a delimiter or a line end`;
    } else reason = `it runs onto the next line and reaches the ${why} limit of ${why === "field" ? o.maxField : o.maxRow} characters`;
    const resume = lineEnd >= 0 ? "; only the line where it opens is rejected, and reading goes on at the next line" : "";
    const message = `unclosed quote in field ${column} (${reason})${resume}`;
    const text = o.decode(buf, this.#recStart, stop);
    this.#push(stop, RECORD_PROBLEM, { code: "unclosed_quote", message, column, text }, stop, false);
    if (lineEnd >= 0) {
      this.#pos = this.#recStart = this.#fieldStart = lineEnd + 1;
      this.#limitAt = lineEnd + 1 + this.#reach;
      this.#skipLF = buf[lineEnd] === CR;
    }
  }

  #invalidQuotes(buf: Uint8Array, start: number, end: number): CsvRowProblem {
    const column = this.#invalidCol;
    return {
      code: "invalid_quotes",
      message: `malformed quotes in field ${column}: a quoted field has text after its closing quote`,
      column,
      text: this.#o.decode(buf, start, end),
    };
  }

  /**
   * Called at `#limitAt`, before the byte there is read: counts the record's and the field's
   * characters exactly and either moves `#limitAt` on or, when that byte passes a limit, rejects
   * the record by rule 5 or 6.
   */
  #limit(buf: Uint8Array, end: number): void {
    const i = this.#pos;
    const o = this.#o;
    const b = buf[i]!;
    const state = this.#state;
    const rowChars = this.#count(buf, this.#rowCount, this.#recStart, i);
    const fieldChars = this.#count(buf, this.#fieldCount, this.#fieldStart, i);
    const add = o.utf8 ? ((b & 0xc0) === 0x80 ? 0 : b >= 0xf0 ? 2 : 1) : 1;
    let inField = true;
    let inRow = true;
    if (state !== QUOTED) {
      if (b === this.#delim) inField = false;
      else if (b === LF || b === CR) inField = inRow = false;
    }
    const fieldOver = inField && fieldChars + add > o.maxField;
    const rowOver = inRow && rowChars + add > o.maxRow;
    if (!fieldOver && !rowOver) {
      const fieldLeft = inField ? o.maxField - fieldChars - add : o.maxField;
      const rowLeft = o.maxRow - rowChars - (inRow ? add : 0);
      this.#limitAt = i + Math.max(1, Math.min(fieldLeft, rowLeft));
      return;
    }
    // Byte i passes a limit. Is a quoted field open once it is read?
    let open = false;
    if (state === QUOTED) {
      open = true;
      if ((b === LF || b === CR) && this.#quoteLineEnd < 0) this.#quoteLineEnd = i;
    } else if (state === AFTER_QUOTE) {
      if (b === QUOTE) open = true;
      else if (b !== this.#delim && this.#quoteLineEnd >= 0) {
        // Rule 5 before the limit: a stray quote (a malformed one on the quote's own line does
        // not matter here: the record is rejected as too large).
        this.#unclosed(buf, "stray", end);
        return;
      }
    } else if (b === QUOTE && i === this.#fieldStart) {
      open = true;
      this.#quoteLineEnd = -1;
    }
    if (open && this.#quoteLineEnd >= 0) {
      this.#unclosed(buf, fieldOver ? "field" : "row", end);
      return;
    }
    // Rule 6: skip to the next line end, keeping the first characters.
    const head = o.decode(buf, this.#recStart, Math.min(i, this.#recStart + 4 * KEPT_CHARS)).slice(0, KEPT_CHARS);
    this.#skip = { code: fieldOver ? "field_too_large" : "row_too_large", column: this.field + 1, chars: rowChars + add, head };
    this.table.nSep = this.#recFirstSep;
    this.#state = SKIP;
    this.#pos = this.#recStart = this.#fieldStart = i + 1;
    this.#skipTo(buf, end);
  }

  /** Characters from `from` to `to`, counting on from the cache when it starts at `from`. */
  #count(buf: Uint8Array, cache: number[], from: number, to: number): number {
    let at = cache[1]!;
    let n = cache[2]!;
    if (cache[0] !== from || at > to) {
      at = from;
      n = 0;
    }
    if (this.#o.utf8) {
      for (let k = at; k < to; k++) {
        const c = buf[k]!;
        if (c < 0x80) n++;
        else if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
      }
    } else n += to - at;
    cache[0] = from;
    cache[1] = to;
    cache[2] = n;
    return n;
  }

  /** Skips a record past a limit up to the next line end, counting its characters. */
  #skipTo(buf: Uint8Array, end: number): void {
    const skip = this.#skip!;
    const utf8 = this.#o.utf8;
    let chars = skip.chars;
    for (let i = this.#pos; i < end; i++) {
      const c = buf[i]!;
      if (c === LF || c === CR) {
        skip.chars = chars;
        this.#pushSkipped(i + 1, 1);
        this.#skipLF = c === CR;
        return;
      }
      if (!utf8 || c < 0x80) chars++;
      else if ((c & 0xc0) !== 0x80) chars += c >= 0xf0 ? 2 : 1;
    }
    skip.chars = chars;
    this.#pos = this.#recStart = this.#fieldStart = end;
  }

  /** Adds a record skipped past a limit; `lineEnd` is 1 when a line end closed it, 0 at the end of input. */
  #pushSkipped(next: number, lineEnd: number): void {
    const skip = this.#skip!;
    const holds = skip.chars + lineEnd;
    const o = this.#o;
    const text = keep(skip.head, skip.chars);
    const problem: CsvRowProblem =
      skip.code === "field_too_large"
        ? { code: skip.code, message: `field ${skip.column} is longer than the limit of ${o.maxField} characters (the row holds ${holds}); the row was skipped`, column: skip.column, text }
        : { code: skip.code, message: `the row is longer than the limit of ${o.maxRow} characters (it holds ${holds}); it was skipped`, text };
    this.#recStart = next - lineEnd;
    this.#push(next - lineEnd, RECORD_PROBLEM, problem, next, false);
  }
}

/** The first characters of a record of `total` characters, saying how many are left out. */
function keep(head: string, total: number): string {
  return total > head.length ? `${head}... [${total - head.length} more characters not kept]` : head;
}
