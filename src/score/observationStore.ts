import { READ_OK, VALUE_NOT_APPLICABLE, VALUE_PRESENT } from "../engine/codes.js";
import { kernelOf, type CompiledRubric, type Kernel } from "../rubric/compileRubric.js";
import type { ScoreFrame } from "./evaluate.js";
import { createReadSlot, readValue } from "./readValue.js";

/**
 * The one way observations reach a score: per body, each per-observation leaf's sum, scored,
 * missing and not-applicable counts, and each set's number of observations. `scoreBody` fills one
 * for its body's observation rows; `ogmetric score` fills one from whole observation files before
 * reading the main input. Memory grows with bodies × leaves, not with observations.
 *
 * Feed it row by row: `beginRow(id, set)`, then `cell(node, raw)` for each leaf given, then
 * `endRow()`, which counts the set's leaves not given in the row as missing observations. A value
 * that cannot be read counts as a missing observation too (the caller reports it).
 * @example
 * const store = new ObservationStore(rubric);
 * store.beginRow("ASF", 0); store.cell(rubric.index.get("tc.disp")!, "1"); store.endRow();
 * const frame = createFrame(rubric);
 * store.load("ASF", frame); // => true
 * evaluateFrame(frame);
 * frame.value[rubric.index.get("tc.disp")!] // => 1
 */
export class ObservationStore {
  readonly rubric: CompiledRubric;
  readonly #k: Kernel;
  /** Store position of each node, -1 when it is not a per-observation leaf. */
  readonly #posOf: Int32Array;
  /** Node of each store position. */
  readonly #leaves: Int32Array;
  readonly #slots = new Map<string, number>();
  readonly #ids: string[] = [];
  #cap = 0;
  #sum = new Float64Array(0);
  #n = new Int32Array(0);
  #missing = new Int32Array(0);
  #na = new Int32Array(0);
  #setCount = new Int32Array(0);
  /** Observation rows per body, and whether a body row used them. */
  #rows = new Int32Array(0);
  #used = new Uint8Array(0);
  /** The row being read: its body slot (-1 when none), its set, and the leaves it gave. */
  #slot = -1;
  #set = -1;
  readonly #seen: Uint8Array;
  readonly #read = createReadSlot();
  readonly #comma: boolean;

  /**
   * @param rubric - the rubric whose observation sets are stored
   * @param options - `decimalComma`: also read `0,5` as 0.5
   */
  constructor(rubric: CompiledRubric, options: { readonly decimalComma?: boolean } = {}) {
    this.#comma = options.decimalComma === true;
    this.rubric = rubric;
    const k = kernelOf(rubric, "ObservationStore");
    this.#k = k;
    this.#leaves = Int32Array.from(k.setLeaf);
    this.#posOf = new Int32Array(k.size).fill(-1);
    this.#leaves.forEach((node, pos) => (this.#posOf[node] = pos));
    this.#seen = new Uint8Array(this.#leaves.length);
  }

  /** Number of bodies with observations. */
  get bodies(): number {
    return this.#ids.length;
  }

  /**
   * Whether a body has observations in the store.
   * @param id - the body's id
   */
  has(id: string): boolean {
    return this.#slots.has(id);
  }

  /**
   * The observation set a node is fed by, or -1 when it is not a per-observation leaf.
   * @param node - node position
   */
  setOf(node: number): number {
    return this.#posOf[node]! < 0 ? -1 : this.#k.obsSet[node]!;
  }

  /**
   * Starts one observation row of a body.
   * @param id - the body's id
   * @param set - observation set position (in `rubric.observationSets`)
   * @throws RangeError for an unknown set, or when the previous row was not ended
   */
  beginRow(id: string, set: number): void {
    if (this.#slot >= 0) throw new RangeError("ObservationStore.beginRow: the previous row was not ended");
    if (!(set >= 0 && set < this.#k.noObservationsPolicy.length)) throw new RangeError(`ObservationStore.beginRow: ${set} is not an observation set of ${this.rubric.id}`);
    const s = this.#slotOf(id);
    this.#slot = s;
    this.#set = set;
    this.#setCount[s * this.#k.noObservationsPolicy.length + set]!++;
    this.#rows[s]!++;
  }

  /**
   * Adds one value of the row being read.
   * @param node - a per-observation leaf of the row's set
   * @param raw - the raw value (a cell or a number)
   * @returns `READ_OK`, or the read error code (the observation then counts as missing)
   * @throws RangeError when no row is open, or the node is not a leaf of the row's set or is given twice in the row
   */
  cell(node: number, raw: unknown): number {
    const pos = this.#posOf[node] ?? -1;
    if (this.#slot < 0) throw new RangeError("ObservationStore.cell: no row begun");
    if (pos < 0 || this.#k.obsSet[node] !== this.#set) {
      throw new RangeError(`ObservationStore.cell: "${this.rubric.nodes[node]?.code ?? node}" is not a leaf of observation set "${this.rubric.observationSets[this.#set]!.id}"`);
    }
    if (this.#seen[pos] === 1) throw new RangeError(`ObservationStore.cell: "${this.rubric.nodes[node]!.code}" is given twice in one row`);
    this.#seen[pos] = 1;
    const at = this.#slot * this.#leaves.length + pos;
    const slot = this.#read;
    const code = readValue(this.#k, node, raw, slot, true, this.#comma);
    if (code !== READ_OK) this.#missing[at]!++;
    else if (slot.kind === VALUE_PRESENT) {
      this.#sum[at]! += slot.value;
      this.#n[at]!++;
    } else if (slot.kind === VALUE_NOT_APPLICABLE) this.#na[at]!++;
    else this.#missing[at]!++;
    return code;
  }

  /** Ends the row: the set's leaves it did not give count as missing observations. */
  endRow(): void {
    if (this.#slot < 0) throw new RangeError("ObservationStore.endRow: no row begun");
    const k = this.#k;
    const base = this.#slot * this.#leaves.length;
    for (let j = k.setStart[this.#set]!; j < k.setStart[this.#set + 1]!; j++) {
      const pos = this.#posOf[k.setLeaf[j]!]!;
      if (this.#seen[pos] === 0) this.#missing[base + pos]!++;
      this.#seen[pos] = 0;
    }
    this.#slot = -1;
  }

  /**
   * Puts a body's observations into a frame (after `resetFrame`), and marks the body as used.
   * @param id - the body's id
   * @param frame - a frame of the same rubric
   * @returns false when the body has no observations (the frame is left as it was)
   */
  load(id: string, frame: ScoreFrame): boolean {
    const s = this.#slots.get(id);
    if (s === undefined) return false;
    if (frame.rubric !== this.rubric) throw new TypeError("ObservationStore.load: the frame scores another rubric");
    this.#used[s] = 1;
    const L = this.#leaves.length;
    const base = s * L;
    for (let j = 0; j < L; j++) {
      const node = this.#leaves[j]!;
      frame.obsSum[node] = this.#sum[base + j]!;
      frame.obsN[node] = this.#n[base + j]!;
      frame.obsMissing[node] = this.#missing[base + j]!;
      frame.obsNotApplicable[node] = this.#na[base + j]!;
    }
    const S = frame.setCount.length;
    for (let set = 0; set < S; set++) frame.setCount[set] = this.#setCount[s * S + set]!;
    return true;
  }

  /** Ids with observations that no body used (`load`), with their number of observation rows. */
  unused(): Map<string, number> {
    const out = new Map<string, number>();
    this.#ids.forEach((id, s) => {
      if (this.#used[s] === 0) out.set(id, this.#rows[s]!);
    });
    return out;
  }

  #slotOf(id: string): number {
    let s = this.#slots.get(id);
    if (s !== undefined) return s;
    s = this.#ids.length;
    // A standalone copy: the id may be a slice of a large chunk of text it would keep alive.
    const key = ` ${id}`.slice(1);
    this.#slots.set(key, s);
    this.#ids.push(key);
    if (s >= this.#cap) this.#grow();
    return s;
  }

  #grow(): void {
    const cap = Math.max(64, this.#cap * 2);
    const L = this.#leaves.length;
    const S = this.#k.noObservationsPolicy.length;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.#sum = grow(this.#sum, cap * L, (n) => new Float64Array(n));
    this.#n = grow(this.#n, cap * L, (n) => new Int32Array(n));
    this.#missing = grow(this.#missing, cap * L, (n) => new Int32Array(n));
    this.#na = grow(this.#na, cap * L, (n) => new Int32Array(n));
    this.#setCount = grow(this.#setCount, cap * S, (n) => new Int32Array(n));
    this.#rows = grow(this.#rows, cap, (n) => new Int32Array(n));
    this.#used = grow(this.#used, cap, (n) => new Uint8Array(n));
    this.#cap = cap;
  }
}
