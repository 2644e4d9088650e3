import { Aggregator, type AggregateTable } from "../aggregate/aggregateBy.js";
import { READ_OK, STATUS_MISSING, STATUS_NOT_APPLICABLE, STATUS_SCORED, VALUE_NOT_APPLICABLE, VALUE_PRESENT } from "../engine/codes.js";
import { describeValue, type Issue } from "../issue.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import { createReadSlot, readScore } from "../score/readValue.js";

/** The grouping keys a report can rank by (identity fields every scores file may carry). */
export const REPORT_KEYS = ["state", "type", "level"] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];

/**
 * The nodes a report draws, as positions in the rubric: the root (the index), its children (the
 * pillars: transparency and participation) and theirs (the sub-indices tg, tc, pg, pc).
 */
export interface ReportNodes {
  readonly root: string;
  readonly pillars: readonly string[];
  readonly subIndices: readonly string[];
}

/** What a scores file holds once read: group tables of the report's nodes, and body points. */
export interface ScoresSummary {
  /** The file, as named by the caller. */
  readonly file: string;
  /** The `rubric` column's value: `id@version#hash12`. */
  readonly tag: string;
  readonly rubric: CompiledRubric;
  readonly nodes: ReportNodes;
  /** Bodies read (rows used). */
  readonly bodies: number;
  /** Groups by the ranking key (`by`), in key order; node columns root, pillars, sub-indices. */
  readonly units: AggregateTable;
  /** Groups by type of body, in first-seen order. */
  readonly types: AggregateTable;
  /** One national group. */
  readonly national: AggregateTable;
  /** Each body whose first two pillars were scored: x = first pillar, y = second, and its level. */
  readonly points: readonly { readonly x: number; readonly y: number; readonly level: string }[];
  /** Bodies left out of the scatter because a pillar was missing or not applicable. */
  readonly unplotted: number;
}

/** The result of checking a scores file's header. */
export type ScoresHeaderResult = { readonly success: true; readonly output: ScoresCollector } | { readonly success: false; readonly issues: readonly Issue[] };

const IDENTITY = ["id", "name", "state", "level", "type"] as const;

/**
 * The report's nodes in a rubric: root, the root's children and their children (main tree only).
 * @param rubric - a compiled rubric
 * @returns codes, in tree order
 */
export function reportNodes(rubric: CompiledRubric): ReportNodes {
  const root = rubric.nodes[rubric.root]!;
  const pillars = root.children.map((c) => c.code);
  const subIndices = pillars.flatMap((code) => rubric.nodes[rubric.index.get(code)!]!.children.map((c) => c.code));
  return { root: root.code, pillars, subIndices };
}

/**
 * Reads the rows of a per-body scores file (the layout `ogmetric score` writes: identity fields,
 * then `rubric`, then one column per node; `NA` not applicable, empty missing) into the group
 * tables and points a report draws. Pure: the caller reads the CSV (a file in Node, an upload in
 * a page) and hands over the header, then each row.
 *
 * Group means come from the core's `Aggregator`, the same path as `ogmetric aggregate`, so a
 * report's state values equal `ogmetric aggregate SCORES.csv --by state`.
 */
export class ScoresCollector {
  readonly #file: string;
  readonly #header: readonly string[];
  readonly #rubricCol: number;
  readonly #fieldCols: ReadonlyMap<string, number>;
  readonly #by: ReportKey;
  readonly #rubricFor: (tag: string) => CompiledRubric | undefined;
  #tag: string | undefined;
  #rubric: CompiledRubric | undefined;
  #nodes: ReportNodes | undefined;
  /** Per report node: its column. */
  #cols: number[] = [];
  #units: Aggregator | undefined;
  #types: Aggregator | undefined;
  #national: Aggregator | undefined;
  #values = new Float64Array(0);
  #status = new Uint8Array(0);
  readonly #slot = createReadSlot();
  readonly #points: { x: number; y: number; level: string }[] = [];
  #unplotted = 0;
  #bodies = 0;
  #row: readonly string[] = [];
  readonly #field = (name: string): string | undefined => {
    const c = this.#fieldCols.get(name);
    return c === undefined ? undefined : this.#row[c];
  };

  private constructor(file: string, header: readonly string[], rubricCol: number, by: ReportKey, rubricFor: (tag: string) => CompiledRubric | undefined) {
    this.#file = file;
    this.#header = header;
    this.#rubricCol = rubricCol;
    const fields = new Map<string, number>();
    for (const name of IDENTITY) {
      const c = header.indexOf(name);
      if (c >= 0 && c < rubricCol) fields.set(name, c);
    }
    this.#fieldCols = fields;
    this.#by = by;
    this.#rubricFor = rubricFor;
  }

  /**
   * Checks a scores file's header: it needs a `rubric` column (the node columns follow it) and a
   * column for the ranking key.
   * @param file - the file's name, for issues
   * @param header - its header row
   * @param by - the ranking key
   * @param rubricFor - the rubric of a `rubric` tag (`id@version#hash12`), or undefined when unknown
   * @returns the collector, or the issues
   */
  static open(file: string, header: readonly string[], by: ReportKey, rubricFor: (tag: string) => CompiledRubric | undefined): ScoresHeaderResult {
    const rubricCol = header.indexOf("rubric");
    const issues: Issue[] = [];
    if (rubricCol < 0) {
      issues.push({ code: "missing_column", path: `${file}:1`, file, row: 1, message: 'no "rubric" column: a report reads a file written by "ogmetric score" (per body, without --by)', expected: "a rubric column" });
    } else {
      const keyCol = header.indexOf(by);
      if (keyCol < 0 || keyCol > rubricCol) issues.push({ code: "missing_column", path: `${file}:1`, file, row: 1, message: `no "${by}" column to group by`, expected: `a ${by} column` });
      if (header.indexOf("type") < 0 || header.indexOf("type") > rubricCol) issues.push({ code: "missing_column", path: `${file}:1`, file, row: 1, message: 'no "type" column for the breakdown by type of body', expected: "a type column" });
    }
    return issues.length > 0 ? { success: false, issues } : { success: true, output: new ScoresCollector(file, header, rubricCol, by, rubricFor) };
  }

  /** The rubric of the rows, once the first row is read. */
  get rubric(): CompiledRubric | undefined {
    return this.#rubric;
  }

  /**
   * Adds one body row (with as many fields as the header).
   * @param row - the row's fields
   * @param rowNo - its row number (header = 1), for issues
   * @returns undefined when used; an issue when the row is refused (a cell that is not a score,
   *   NA or empty); throws nothing
   * @throws RangeError when a row's rubric differs from the first row's, or the rubric is unknown
   *   (no row can be read then: the caller stops)
   */
  add(row: readonly string[], rowNo: number): Issue | undefined {
    const tag = row[this.#rubricCol] ?? "";
    if (this.#tag === undefined) this.#start(tag, rowNo);
    else if (tag !== this.#tag) {
      throw new RangeError(`${this.#file}:${rowNo}:${this.#rubricCol + 1}: rubric ${JSON.stringify(tag)} differs from the first row's ${JSON.stringify(this.#tag)}: a report reads scores of one rubric`);
    }
    const values = this.#values;
    const status = this.#status;
    const slot = this.#slot;
    const cols = this.#cols;
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k]!;
      const raw = row[col];
      if (readScore(raw, slot) !== READ_OK) {
        const name = this.#header[col]!;
        return { code: "invalid_score", path: `${this.#file}:${rowNo}`, file: this.#file, row: rowNo, column: name, message: `column ${JSON.stringify(name)}: expected a score from 0 to 1, NA or an empty cell, found ${describeValue(raw)}`, expected: "a score from 0 to 1, NA or an empty cell", received: describeValue(raw) };
      }
      values[k] = slot.kind === VALUE_PRESENT ? slot.value : 0;
      status[k] = slot.kind === VALUE_PRESENT ? STATUS_SCORED : slot.kind === VALUE_NOT_APPLICABLE ? STATUS_NOT_APPLICABLE : STATUS_MISSING;
    }
    this.#row = row;
    this.#units!.add(this.#field, values, status, rowNo);
    this.#types!.add(this.#field, values, status, rowNo);
    this.#national!.add(this.#field, values, status, rowNo);
    // Pillars are columns 1 and 2 of the report's nodes (after the root).
    if (cols.length > 2 && status[1] === STATUS_SCORED && status[2] === STATUS_SCORED) {
      this.#points.push({ x: values[1]!, y: values[2]!, level: (this.#field("level") ?? "").trim() });
    } else this.#unplotted++;
    this.#bodies++;
    return undefined;
  }

  #start(tag: string, rowNo: number): void {
    const rubric = this.#rubricFor(tag);
    if (rubric === undefined) {
      throw new RangeError(`${this.#file}:${rowNo}:${this.#rubricCol + 1}: rubric ${JSON.stringify(tag)} is not a built-in edition: give its rubric file with --rubric FILE.json so the report can name its nodes`);
    }
    const nodes = reportNodes(rubric);
    const codes = [nodes.root, ...nodes.pillars, ...nodes.subIndices];
    const cols: number[] = [];
    for (const code of codes) {
      const c = this.#header.indexOf(code, this.#rubricCol + 1);
      if (c < 0) throw new RangeError(`${this.#file}:1: no column "${code}" after "rubric": the report needs ${codes.join(", ")} (write the scores without --nodes)`);
      cols.push(c);
    }
    this.#tag = tag;
    this.#rubric = rubric;
    this.#nodes = nodes;
    this.#cols = cols;
    this.#values = new Float64Array(codes.length);
    this.#status = new Uint8Array(codes.length);
    this.#units = new Aggregator(codes, { by: [this.#by], order: "key", source: this.#file });
    this.#types = new Aggregator(codes, { by: ["type"], source: this.#file });
    this.#national = new Aggregator(codes, { source: this.#file });
  }

  /**
   * The summary of the rows added.
   * @returns group tables and points
   * @throws RangeError when no row was added (a header-only file has nothing to report)
   */
  result(): ScoresSummary {
    if (this.#rubric === undefined) throw new RangeError(`${this.#file}: no bodies: the file has a header and no rows to report on`);
    return {
      file: this.#file,
      tag: this.#tag!,
      rubric: this.#rubric,
      nodes: this.#nodes!,
      bodies: this.#bodies,
      units: this.#units!.result(),
      types: this.#types!.result(),
      national: this.#national!.result(),
      points: this.#points,
      unplotted: this.#unplotted,
    };
  }
}
