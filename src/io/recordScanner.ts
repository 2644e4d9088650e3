/**
 * A minimal RFC 4180 state machine that finds where a CSV record ends without keeping its text.
 * The reader uses it in three places where papaparse cannot help: to skip a record too large to
 * hold, to report which column an oversized record overflows in, and to locate an encoding error
 * (row and column) in text that has not been parsed yet. It follows papaparse's reading of quotes:
 * a quote opens a quoted field only at the start of a field. Not exported from `ogmetric/node`.
 */

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Inside a quoted field, just after a quote: the next character decides (escape or close). */
const AFTER_QUOTE = 3;

/** Finds record ends in CSV text fed piece by piece, counting fields and characters as it goes. */
export class RecordScanner {
  readonly #delim: number;
  readonly #quote: number;
  readonly #quoteChar: string;
  /** Last character of the line break ("\n" for "\n" and "\r\n", "\r" for "\r"). */
  readonly #eol: number;
  #state = FIELD_START;
  /** 0-based index of the field being read in the current record. */
  field = 0;
  /** Characters of the current record so far. */
  chars = 0;
  /** Characters of the current field so far. */
  fieldChars = 0;
  /** Longest field of the current record so far (characters) and its index. */
  longest = 0;
  longestField = 0;

  constructor(delimiter: string, newline: string) {
    this.#delim = delimiter.charCodeAt(0);
    this.#quote = 34;
    this.#quoteChar = '"';
    this.#eol = newline.charCodeAt(newline.length - 1);
  }

  /** Starts a new record. */
  reset(): void {
    this.#state = FIELD_START;
    this.field = 0;
    this.chars = 0;
    this.fieldChars = 0;
    this.longest = 0;
    this.longestField = 0;
  }

  #endField(): void {
    if (this.fieldChars > this.longest) {
      this.longest = this.fieldChars;
      this.longestField = this.field;
    }
    this.field++;
    this.fieldChars = 0;
  }

  /**
   * Reads `text` from `from` until the current record ends.
   * @returns the index just after the record's line break, or -1 when the record goes on past
   *   the end of `text` (the state is kept for the next piece)
   */
  feed(text: string, from = 0): number {
    const n = text.length;
    let i = from;
    let state = this.#state;
    while (i < n) {
      if (state === QUOTED) {
        const q = text.indexOf(this.#quoteChar, i);
        const stop = q < 0 ? n : q;
        this.fieldChars += stop - i;
        this.chars += stop - i;
        if (q < 0) {
          i = n;
          break;
        }
        i = q + 1;
        this.chars++;
        state = AFTER_QUOTE;
        continue;
      }
      const c = text.charCodeAt(i);
      i++;
      this.chars++;
      if (state === AFTER_QUOTE && c === this.#quote) {
        this.fieldChars++;
        state = QUOTED;
      } else if (c === this.#delim) {
        this.#endField();
        state = FIELD_START;
      } else if (c === this.#eol) {
        this.#endField();
        this.#state = FIELD_START;
        return i;
      } else if (state === FIELD_START && c === this.#quote) {
        state = QUOTED;
      } else {
        this.fieldChars++;
        state = UNQUOTED;
      }
    }
    this.#state = state;
    return -1;
  }

  /** Length of the field still open, counting the record's text so far. */
  get openFieldChars(): number {
    return this.fieldChars;
  }
}
