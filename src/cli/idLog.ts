/**
 * Finds repeated ids among millions of rows in one pass, in linear expected time and with
 * memory bounded by a small constant per row, without keeping the ids: read from a file, an id
 * is a slice of a large text and would keep all of it alive.
 *
 * Each id is hashed (MurmurHash3 x86_128 over its UTF-16 code units, three of its four 32-bit
 * lanes kept: 96 bits) into an open-addressing table in one `Int32Array`: 16 bytes a slot, at
 * most 3/4 full, so 21–43 bytes per distinct id. Adding an id is one hash and a few probes of
 * adjacent slots (linear probing: a new id costs (1 + 1/(1 − α)²)/2 expected probes at load α,
 * about 3 on average as the load goes from 3/8 to 3/4; a repeat about (1 + 1/(1 − α))/2); the
 * table doubles as it fills. A repeated id is found when it is added, with the row where it was
 * first seen.
 *
 * Two ids are taken as equal when their 96-bit hashes are. For n distinct ids the chance that
 * any two different ones share a hash is about n² / 2^97: 6 × 10^-16 for ten million ids,
 * 6 × 10^-12 for a billion (a hash that behaves like a random function; MurmurHash3 passes
 * SMHasher's tests). Short ids fare differently: the hash is one-to-one on ids of one length up
 * to 4 characters (they never collide with each other), but a 1-character id and a 2-character
 * one share only 64 independent bits (at most 65,536 × n / 2^64: 4 × 10^-8 for ten million).
 * A false duplicate would stop the run showing both rows, so it cannot pass unseen.
 *
 * Memory stays bounded whatever the number of rows: the table grows to at most `maxSlots` slots
 * (2^20 by default: 16 MB, about 786,000 distinct ids). When it is that full, its entries are
 * sorted by hash (a radix sort, linear) and written to a temporary file as one run, and the table
 * starts empty again. A repeat within the rows of one run is found when it is added, as before;
 * repeats across runs are found by `finish`, which merges the runs (each read through a small
 * buffer) and compares the hashes. The temporary file is unlinked when opened, so nothing is
 * left behind, even after SIGKILL.
 */

import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { CsvRecordBatch } from "../io/csvRecordReader.js";
import { detach } from "../internal/detach.js";

/**
 * A repeated id: the row where it was first seen and the row that repeats it. `id` is the text
 * when it was at hand: a repeat found only when spilled runs are merged (`finish`) has none, and
 * the caller recovers it from the file when it can.
 */
export interface DuplicateId {
  readonly id: string | undefined;
  readonly first: number;
  readonly row: number;
}

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Scratch words for the hash: two UTF-16 units each, as MurmurHash3 reads little-endian bytes. */
let words = new Int32Array(64);

function room(units: number): Int32Array {
  if ((units >>> 1) + 1 > words.length) words = new Int32Array(2 * ((units >>> 1) + 1));
  return words;
}

/**
 * MurmurHash3 x86_128 of a string's UTF-16 code units (each unit two little-endian bytes), the
 * first three 32-bit lanes written to `out` (the reference algorithm, seed 0).
 * @param s - the string
 * @param out - receives the lanes at 0, 1 and 2
 */
export function murmur3x86x128(s: string, out: Int32Array): void {
  const units = s.length;
  const w = room(units);
  for (let k = 0, j = 0; j < units; k++, j += 2) w[k] = s.charCodeAt(j) | (j + 1 < units ? s.charCodeAt(j + 1) << 16 : 0);
  hashWords(w, units, out);
}

/**
 * The same hash of bytes read as code units, one unit per byte: equal to `murmur3x86x128` of
 * the text those bytes spell when every byte is ASCII.
 */
function murmur3Bytes(buf: Uint8Array, start: number, end: number, out: Int32Array): void {
  const units = end - start;
  const w = room(units);
  for (let k = 0, j = start; j < end; k++, j += 2) w[k] = buf[j]! | (j + 1 < end ? buf[j + 1]! << 16 : 0);
  hashWords(w, units, out);
}

/** MurmurHash3 x86_128 over `units` 16-bit units packed two to a word (a zero high half past the end). */
function hashWords(w: Int32Array, units: number, out: Int32Array): void {
  const len = units * 2; // bytes
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  // Whole 16-byte blocks: four words.
  const blocks = units >>> 3;
  for (let b = 0; b < blocks; b++) {
    const j = b * 4;
    let k1 = w[j]!;
    let k2 = w[j + 1]!;
    let k3 = w[j + 2]!;
    let k4 = w[j + 3]!;
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail: up to 7 units (14 bytes) in up to 4 words, as the reference reads its tail bytes.
  const j = blocks * 4;
  const rest = units - blocks * 8;
  if (rest > 6) h4 ^= Math.imul(rotl(Math.imul(w[j + 3]!, C4), 18), C1);
  if (rest > 4) h3 ^= Math.imul(rotl(Math.imul(w[j + 2]!, C3), 17), C4);
  if (rest > 2) h2 ^= Math.imul(rotl(Math.imul(w[j + 1]!, C2), 16), C3);
  if (rest > 0) h1 ^= Math.imul(rotl(Math.imul(w[j]!, C1), 15), C2);
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = (h2 + h1) | 0;
  out[2] = (h3 + h1) | 0;
}

/** Options of {@link IdLog}. */
export interface IdLogOptions {
  /** How many duplicates keep their id text for `duplicates()` (default 10). */
  readonly list?: number;
  /** Most table slots before spilling to disk, a power of two from 2^4 (default 2^20: 16 MB). */
  readonly maxSlots?: number;
}

/**
 * Finds repeated ids as rows are added (see the module doc for the hashing and its bounds).
 * @example
 * const ids = new IdLog();
 * ids.add("A", 2); // => false
 * ids.add("B", 3); // => false
 * ids.add("A", 4); // => true
 * ids.duplicates(); // => [{ id: "A", first: 2, row: 4 }]
 */
export class IdLog {
  /** Slots of 4 ints: three hash lanes and the first row (0: an empty slot). */
  #table = new Int32Array(4 << 10);
  #mask = (1 << 10) - 1;
  #distinct = 0;
  /** Ids in the table now (the others were spilled). */
  #inTable = 0;
  #added = 0;
  #probes = 0;
  readonly #hash = new Int32Array(3);
  readonly #range = new Int32Array(2);
  /** Every duplicate's row and first row, in the order found (8 bytes each). */
  #dupRows = new Int32Array(64);
  #dupFirsts = new Int32Array(64);
  #dups = 0;
  /** Id text of the first duplicates found as they were added, by row. */
  readonly #texts = new Map<number, string>();
  readonly #list: number;

  readonly #maxSlots: number;
  /** The spill file (opened on the first spill) and where each run begins and ends in it, in entries. */
  #fd: number | undefined;
  readonly #runs: number[] = [];
  #spilled = 0;
  /** Rows whose id was added before the current run started: repeats of them surface in `finish`. */
  #finished = false;

  constructor(options: IdLogOptions = {}) {
    const list = options.list ?? 10;
    if (!(Number.isInteger(list) && list >= 0)) throw new RangeError(`IdLog: list must be a whole number from 0, received ${list}`);
    const maxSlots = options.maxSlots ?? 1 << 20;
    if (!(Number.isInteger(maxSlots) && maxSlots >= 16 && (maxSlots & (maxSlots - 1)) === 0 && maxSlots <= 1 << 28)) {
      throw new RangeError(`IdLog: maxSlots must be a power of two from 16 to 2^28, received ${maxSlots}`);
    }
    this.#list = list;
    this.#maxSlots = maxSlots;
  }

  /** Number of runs written to disk so far. */
  get runs(): number {
    return this.#runs.length / 2;
  }

  /** Number of ids logged (every call to `add`). */
  get size(): number {
    return this.#added;
  }

  /** Number of different ids. */
  get distinct(): number {
    return this.#distinct;
  }

  /** Number of rows that repeat an earlier id (`size - distinct`). */
  get duplicateCount(): number {
    return this.#dups;
  }

  /** Table slots looked at so far: about 3 per new id and 2 per repeat on average (a measure of the work done). */
  get probes(): number {
    return this.#probes;
  }

  /**
   * Logs an id seen in `row`.
   * @param id - the id
   * @param row - its row number, from 1 to 2^31 - 1 (rows are expected in increasing order)
   * @returns true when the id was logged before (a duplicate), false for a new id
   * @throws RangeError for a row that is not a whole number from 1 to 2^31 - 1
   */
  add(id: string, row: number): boolean {
    checkRow(row, "add");
    murmur3x86x128(id, this.#hash);
    const first = this.#insert(row);
    if (first === 0) return false;
    this.#duplicate(id, first, row);
    return true;
  }

  /**
   * Logs the id in field `col` of record `r` of a batch, hashing its bytes without making a
   * string when it is plain ASCII (the id's text is decoded only if it repeats): the same as
   * `add(batch.text(r, col), row)`, with less work.
   * @param batch - the reader's current batch
   * @param r - record index in the batch
   * @param col - the id's column
   * @param row - its row number, as for `add`
   * @returns true when the id was logged before
   * @throws RangeError for a bad row, or a record without that field
   */
  addField(batch: CsvRecordBatch, r: number, col: number, row: number): boolean {
    checkRow(row, "addField");
    const range = this.#range;
    const buf = batch.fieldBytes(r, col, range);
    const start = range[0]!;
    const end = range[1]!;
    // Plain ASCII and unquoted: its UTF-16 units are its bytes.
    let plain = start === end || buf[start] !== 34;
    for (let k = start; plain && k < end; k++) if (buf[k]! >= 0x80) plain = false;
    if (!plain) return this.add(batch.text(r, col), row);
    murmur3Bytes(buf, start, end, this.#hash);
    const first = this.#insert(row);
    if (first === 0) return false;
    this.#duplicate(batch.text(r, col), first, row);
    return true;
  }

  /** Places the hash in `#hash` with `row`; returns 0 for a new id, else the id's first row. */
  #insert(row: number): number {
    if (this.#finished) throw new Error("IdLog: no id can be added after finish()");
    this.#added++;
    if ((this.#inTable + 1) * 4 > (this.#mask + 1) * 3) {
      if (this.#mask + 1 >= this.#maxSlots) this.#spill();
      else this.#grow();
    }
    const h = this.#hash;
    const h0 = h[0]!;
    const h1 = h[1]!;
    const h2 = h[2]!;
    const t = this.#table;
    const mask = this.#mask;
    let slot = h0 & mask;
    let probes = 1;
    for (;; probes++) {
      const at = slot << 2;
      const first = t[at + 3]!;
      if (first === 0) {
        t[at] = h0;
        t[at + 1] = h1;
        t[at + 2] = h2;
        t[at + 3] = row;
        this.#distinct++;
        this.#inTable++;
        this.#probes += probes;
        return 0;
      }
      if (t[at] === h0 && t[at + 1] === h1 && t[at + 2] === h2) {
        this.#probes += probes;
        return first;
      }
      slot = (slot + 1) & mask;
    }
  }

  #duplicate(id: string | undefined, first: number, row: number): void {
    if (this.#dups === this.#dupRows.length) {
      const rows = new Int32Array(this.#dups * 2);
      rows.set(this.#dupRows);
      const firsts = new Int32Array(this.#dups * 2);
      firsts.set(this.#dupFirsts);
      this.#dupRows = rows;
      this.#dupFirsts = firsts;
    }
    this.#dupRows[this.#dups] = row;
    this.#dupFirsts[this.#dups++] = first;
    if (id !== undefined && this.#texts.size < this.#list) this.#texts.set(row, detach(id));
  }

  /**
   * Makes room for `n` distinct ids in all, so that the table does not double again before
   * then (each doubling places every id again): for a caller that can estimate the number of
   * rows, e.g. from the file's size and the length of its first rows. Costs 16 / 0.75 bytes per
   * id reserved, at once.
   * @param n - ids expected in all
   * @throws RangeError when n is not a whole number from 0 to 2^28
   */
  reserve(n: number): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= 2 ** 28)) throw new RangeError(`IdLog.reserve: n must be a whole number from 0 to 2^28, received ${n}`);
    while (n * 4 > (this.#mask + 1) * 3 && this.#mask + 1 < this.#maxSlots) this.#grow();
  }

  /** Writes the table's entries, sorted by hash, as one run of the spill file; empties the table. */
  #spill(): void {
    if (this.#fd === undefined) {
      const path = join(tmpdir(), `ogmetric-ids-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
      this.#fd = openSync(path, "wx+", 0o600);
      unlinkSync(path);
    }
    const fd = this.#fd;
    const t = this.#table;
    const order = this.#sortedSlots();
    // Written through a 64 KB buffer, so that a spill needs no copy of the table.
    const out = new Int32Array(4096 * 4);
    const bytes = new Uint8Array(out.buffer);
    const start = this.#spilled;
    let written = 0;
    for (let i = 0; i < order.length; i += 4096) {
      const n = Math.min(4096, order.length - i);
      for (let j = 0; j < n; j++) {
        const from = order[i + j]!;
        const to = j * 4;
        out[to] = t[from]!;
        out[to + 1] = t[from + 1]!;
        out[to + 2] = t[from + 2]!;
        out[to + 3] = t[from + 3]!;
      }
      let off = 0;
      while (off < n * 16) off += writeSync(fd, bytes, off, n * 16 - off, (start + written) * 16 + off);
      written += n;
    }
    this.#runs.push(start, start + written);
    this.#spilled += written;
    t.fill(0);
    this.#inTable = 0;
  }

  /** The table's entries (4 ints each), sorted by their first hash lane: see `#sortedSlots`. */
  #sortedEntries(): Int32Array {
    const t = this.#table;
    const order = this.#sortedSlots();
    const out = new Int32Array(order.length * 4);
    for (let i = 0; i < order.length; i++) {
      const from = order[i]!;
      out[i * 4] = t[from]!;
      out[i * 4 + 1] = t[from + 1]!;
      out[i * 4 + 2] = t[from + 2]!;
      out[i * 4 + 3] = t[from + 3]!;
    }
    return out;
  }

  /** Positions of the table's entries, sorted by their first hash lane, unsigned: an LSD radix sort in two 16-bit passes. */
  #sortedSlots(): Int32Array {
    const t = this.#table;
    const n = this.#inTable;
    // Keys travel with their positions, so that both passes read memory in order.
    let idx = new Int32Array(n);
    let keys = new Int32Array(n);
    let k = 0;
    for (let at = 0; at < t.length; at += 4) {
      if (t[at + 3] === 0) continue;
      idx[k] = at;
      keys[k++] = t[at]!;
    }
    let tmp = new Int32Array(n);
    let tmpKeys = new Int32Array(n);
    for (const shift of [0, 16]) {
      const count = new Int32Array(65537);
      for (let i = 0; i < n; i++) count[((keys[i]! >>> shift) & 0xffff) + 1]!++;
      for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
      for (let i = 0; i < n; i++) {
        const to = count[(keys[i]! >>> shift) & 0xffff]!++;
        tmp[to] = idx[i]!;
        tmpKeys[to] = keys[i]!;
      }
      [idx, tmp] = [tmp, idx];
      [keys, tmpKeys] = [tmpKeys, keys];
    }
    return idx;
  }

  /**
   * Finds the repeats across spilled runs (a no-op when nothing was spilled): merges the runs and
   * the table by hash, reading each run through a small buffer. Call once, after the last id;
   * `duplicateCount` and `duplicates()` are then complete (repeats found here carry no id text).
   */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    const sources: { buf: Int32Array; at: number; len: number; next: number; end: number }[] = [];
    const BUF = 4096; // entries per read: 64 KB
    for (let r = 0; r < this.#runs.length; r += 2) {
      sources.push({ buf: new Int32Array(BUF * 4), at: 0, len: 0, next: this.#runs[r]!, end: this.#runs[r + 1]! });
    }
    const last = this.#sortedEntries();
    sources.push({ buf: last, at: 0, len: last.length / 4, next: 0, end: 0 });
    const refill = (s: (typeof sources)[number]): boolean => {
      if (s.at < s.len) return true;
      if (s.next >= s.end) return false;
      const take = Math.min(BUF, s.end - s.next);
      const bytes = new Uint8Array(s.buf.buffer, 0, take * 16);
      let got = 0;
      while (got < bytes.length) got += readSync(fd, bytes, got, bytes.length - got, s.next * 16 + got);
      s.next += take;
      s.at = 0;
      s.len = take;
      return true;
    };
    // Rows of one id seen in several runs (at most once per run: the table kept it once).
    const found: number[][] = [];
    // The entries sharing the smallest first lane: lanes 2 and 3 and the row, 3 ints each.
    let group = new Int32Array(3 * 64);
    let inGroup = 0;
    for (;;) {
      // The smallest first lane among the sources' heads (unsigned).
      let min = -1;
      for (const s of sources) {
        if (!refill(s)) continue;
        const h = s.buf[s.at * 4]! >>> 0;
        if (min < 0 || h < min) min = h;
      }
      if (min < 0) break;
      // Every entry with that first lane, from every source; the other lanes tell ids apart.
      inGroup = 0;
      for (const s of sources) {
        while (refill(s) && s.buf[s.at * 4]! >>> 0 === min) {
          const at = s.at * 4;
          if (inGroup === group.length) {
            const wider = new Int32Array(group.length * 2);
            wider.set(group);
            group = wider;
          }
          group[inGroup++] = s.buf[at + 1]!;
          group[inGroup++] = s.buf[at + 2]!;
          group[inGroup++] = s.buf[at + 3]!;
          s.at++;
        }
      }
      if (inGroup > 3) {
        const seen = new Map<string, number[]>();
        for (let i = 0; i < inGroup; i += 3) {
          const key = `${group[i]},${group[i + 1]}`;
          const rows = seen.get(key);
          if (rows) rows.push(group[i + 2]!);
          else seen.set(key, [group[i + 2]!]);
        }
        for (const rows of seen.values()) if (rows.length > 1) found.push(rows.sort((x, y) => x - y));
      }
    }
    closeSync(fd);
    this.#fd = undefined;
    // Each later sighting repeats the first; a repeat found within a later run named that run's
    // first sighting as its first row: it gets the true one.
    const trueFirst = new Map<number, number>();
    for (const rows of found) {
      for (let k = 1; k < rows.length; k++) {
        trueFirst.set(rows[k]!, rows[0]!);
        this.#distinct--;
        this.#duplicate(undefined, rows[0]!, rows[k]!);
      }
    }
    for (let k = 0; k < this.#dups; k++) {
      const f = trueFirst.get(this.#dupFirsts[k]!);
      if (f !== undefined && f < this.#dupFirsts[k]!) this.#dupFirsts[k] = f;
    }
  }

  /** Doubles the table, placing every id again. */
  #grow(): void {
    const old = this.#table;
    const size = (this.#mask + 1) * 2;
    const t = new Int32Array(size * 4);
    const mask = size - 1;
    for (let at = 0; at < old.length; at += 4) {
      const row = old[at + 3]!;
      if (row === 0) continue;
      const h0 = old[at]!;
      let slot = h0 & mask;
      while (t[(slot << 2) + 3] !== 0) slot = (slot + 1) & mask;
      const to = slot << 2;
      t[to] = h0;
      t[to + 1] = old[at + 1]!;
      t[to + 2] = old[at + 2]!;
      t[to + 3] = row;
    }
    this.#table = t;
    this.#mask = mask;
  }

  /**
   * The first repeated ids, in the order they were found (row order when rows were added in
   * order), each with the row where it was first seen; `duplicateCount` says how many there are
   * in all.
   * @param limit - how many to give, at most the `list` option (default: all kept)
   * @returns the duplicates; empty when every id is distinct
   */
  duplicates(limit = this.#list): DuplicateId[] {
    const order = Int32Array.from({ length: this.#dups }, (_, k) => k).sort((a, b) => this.#dupRows[a]! - this.#dupRows[b]!);
    return Array.from(order.subarray(0, Math.min(limit, order.length)), (k) => {
      const row = this.#dupRows[k]!;
      return { id: this.#texts.get(row), first: this.#dupFirsts[k]!, row };
    });
  }

  /**
   * Groups of rows sharing an id, each group in row order (the first row first), for callers
   * that check them again: the ids are equal up to the hash (see the module doc).
   * @returns the groups, by first row; empty when every id is distinct
   */
  candidates(): number[][] {
    const groups = new Map<number, number[]>();
    for (let k = 0; k < this.#dups; k++) {
      const first = this.#dupFirsts[k]!;
      const g = groups.get(first);
      if (g) g.push(this.#dupRows[k]!);
      else groups.set(first, [first, this.#dupRows[k]!]);
    }
    return [...groups.values()].sort((a, b) => a[0]! - b[0]!);
  }
}

function checkRow(row: number, fn: string): void {
  if (!(row >= 1 && row <= 0x7fffffff && Number.isInteger(row))) throw new RangeError(`IdLog.${fn}: row must be a whole number from 1 to 2^31 - 1, received ${row}`);
}

export { detach };
