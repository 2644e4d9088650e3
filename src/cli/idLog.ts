/**
 * Finds repeated ids among millions of rows cheaply. A hash set of a million ids costs a cache
 * miss per row (about 200 ns here); this log instead appends each id's 53-bit hash and row
 * number to two typed arrays (sequential, a few ns per row, 12 bytes per row) and, once the
 * file is read, buckets the hashes by their top bits to find the repeated ones. Ids themselves
 * are not kept: read from a file they are slices of its text and would keep all of it alive.
 *
 * Equal hashes are candidates: the caller reads those rows' ids again and compares them exactly
 * (two different ids share a 53-bit hash about once in 18 million files of a million rows).
 */
export class IdLog {
  #hashes = new Float64Array(1 << 12);
  #rows = new Int32Array(1 << 12);
  #n = 0;

  /** Number of ids logged. */
  get size(): number {
    return this.#n;
  }

  /**
   * Logs an id seen in `row`.
   * @param id - the id
   * @param row - its row number
   */
  add(id: string, row: number): void {
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x9747b28c | 0;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h2 = Math.imul(h2 ^ id.length, 0x27d4eb2d);
    // murmur3's finaliser, so that the top bits (the buckets) are spread even for ids that
    // differ only in their last character.
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h1 = Math.imul(h1, 0xc2b2ae35);
    h1 ^= h1 >>> 16;
    if (this.#n === this.#hashes.length) this.#grow();
    this.#hashes[this.#n] = (h1 >>> 0) * 2097152 + (h2 >>> 11);
    this.#rows[this.#n++] = row;
  }

  #grow(): void {
    const hashes = new Float64Array(this.#hashes.length * 2);
    hashes.set(this.#hashes);
    const rows = new Int32Array(this.#rows.length * 2);
    rows.set(this.#rows);
    this.#hashes = hashes;
    this.#rows = rows;
  }

  /**
   * Groups of rows whose ids hash alike, each group in row order (the first row first).
   * @returns candidate duplicates; empty when every hash is distinct (the usual case)
   */
  candidates(): number[][] {
    const n = this.#n;
    const hashes = this.#hashes;
    // One radix pass on the top bits: about 8 hashes per bucket, then a check within buckets.
    let bits = 1;
    while (bits < 24 && 1 << bits < n / 8) bits++;
    const shift = 53 - bits;
    const scale = 2 ** shift;
    const start = new Int32Array((1 << bits) + 1);
    for (let k = 0; k < n; k++) start[Math.floor(hashes[k]! / scale) + 1]!++;
    for (let b = 0; b < 1 << bits; b++) start[b + 1]! += start[b]!;
    const next = start.slice(0, 1 << bits);
    const order = new Int32Array(n);
    for (let k = 0; k < n; k++) order[next[Math.floor(hashes[k]! / scale)]!++] = k;
    const repeated = new Set<number>();
    for (let b = 0; b < 1 << bits; b++) {
      for (let i = start[b]!; i < start[b + 1]!; i++) {
        const h = hashes[order[i]!]!;
        for (let j = i + 1; j < start[b + 1]!; j++) if (hashes[order[j]!] === h) repeated.add(h);
      }
    }
    if (repeated.size === 0) return [];
    const groups = new Map<number, number[]>();
    for (let k = 0; k < n; k++) {
      const h = hashes[k]!;
      if (!repeated.has(h)) continue;
      const g = groups.get(h);
      if (g) g.push(this.#rows[k]!);
      else groups.set(h, [this.#rows[k]!]);
    }
    return [...groups.values()];
  }
}

/**
 * A standalone copy of a string: a slice of a big text (a CSV chunk) would keep the whole text
 * in memory as long as the slice lives.
 */
export function detach(s: string): string {
  return ` ${s}`.slice(1);
}
