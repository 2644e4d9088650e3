/** Distinct values remembered per column before the cache gives up on it. */
const SLOTS = 16;

/**
 * `String(x)` for many columns of doubles, faster on columns with few distinct values (binary
 * and count leaves, gates): converting a double to its shortest text costs about 85 ns, a look
 * in a 16-entry list a few. A column that shows more than 16 values stops being cached.
 */
export class NumberText {
  readonly #values: Float64Array;
  readonly #texts: string[];
  readonly #count: Int32Array;

  /** @param columns - number of columns */
  constructor(columns: number) {
    this.#values = new Float64Array(columns * SLOTS);
    this.#texts = new Array<string>(columns * SLOTS).fill("");
    this.#count = new Int32Array(columns);
  }

  /**
   * The text of `x` (as `String(x)`) in column `column`.
   * @param column - column position
   * @param x - the value
   */
  text(column: number, x: number): string {
    const n = this.#count[column]!;
    if (n > SLOTS) return String(x);
    const base = column * SLOTS;
    const values = this.#values;
    for (let i = base; i < base + n; i++) if (values[i] === x) return this.#texts[i]!;
    const text = String(x);
    if (n === SLOTS || Object.is(x, -0)) this.#count[column] = SLOTS + 1;
    else {
      values[base + n] = x;
      this.#texts[base + n] = text;
      this.#count[column] = n + 1;
    }
    return text;
  }
}
