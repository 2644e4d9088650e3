/**
 * Suggestions for an id that is not in the file: the nearest ids by edit distance, compared
 * without case and accents, so that `colima-villa de alvarez` finds `Colima-Villa de Álvarez`,
 * and also `Colima-Villa de a\u0081lvarez` (a latin-1 file read with broken bytes).
 */

/** How `NearestIds` compares ids: accents removed (NFD less combining marks), lower case, trimmed. */
export function foldId(id: string): string {
  return id.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
}

/**
 * Levenshtein distance (insertions, deletions, substitutions of UTF-16 units), given up once it
 * must exceed `limit`.
 * @param a - one string
 * @param b - another
 * @param limit - the largest distance of interest
 * @returns the distance, or `limit + 1` when it is larger than `limit`
 * @example
 * editDistance("kitten", "sitting", 5) // => 3
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length]!, limit + 1);
}

/** An id offered as a suggestion, with its row. */
export interface NearId {
  readonly id: string;
  readonly row: number;
  readonly distance: number;
}

/**
 * Keeps the `max` ids nearest to a query among those offered one by one (ties: the earlier
 * row first). An id is near when its folded form (`foldId`) is at most a third of the longer
 * folded length away, so a one-letter id has only its case and accent variants as neighbours.
 * @example
 * const near = new NearestIds("asf"); near.offer("ASF", 2); near.offer("SEP", 3); near.list // => [{ id: "ASF", row: 2, distance: 0 }]
 */
export class NearestIds {
  readonly #query: string;
  readonly #max: number;
  readonly #best: NearId[] = [];

  constructor(query: string, max = 3) {
    this.#query = foldId(query);
    this.#max = max;
  }

  /** Considers one id of the file, on row `row`. */
  offer(id: string, row: number): void {
    const folded = foldId(id);
    let limit = Math.floor(Math.max(folded.length, this.#query.length) / 3);
    const full = this.#best.length === this.#max;
    if (full) limit = Math.min(limit, this.#best[this.#max - 1]!.distance - 1);
    if (limit < 0) return;
    const distance = editDistance(this.#query, folded, limit);
    if (distance > limit) return;
    if (full) this.#best.pop();
    let at = this.#best.length;
    while (at > 0 && this.#best[at - 1]!.distance > distance) at--;
    this.#best.splice(at, 0, { id, row, distance });
  }

  /** The nearest ids found, nearest first. */
  get list(): readonly NearId[] {
    return this.#best;
  }
}

/**
 * An id as messages show it: in double quotes with JSON escapes, and also `\uXXXX` for C1
 * controls and invisible characters, so that an id read with broken bytes can be seen (and
 * never moves the terminal's cursor).
 * @example
 * quoteId("Villa de a\u0081lvarez") // => '"Villa de a\\u0081lvarez"'
 */
export function quoteId(id: string): string {
  return JSON.stringify(id).replace(/[\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * An id as a heading shows it: as it is when it holds only printable characters and no quote,
 * backslash or edge spaces, else quoted like `quoteId`.
 * @example
 * showId("B000003") // => "B000003"
 */
export function showId(id: string): string {
  const quoted = quoteId(id);
  return quoted === `"${id}"` && id.trim() === id && id.length > 0 ? id : quoted;
}
