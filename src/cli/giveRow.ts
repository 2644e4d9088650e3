import type { BodyScorer } from "../engine/index.js";
import { READ_OK } from "../engine/codes.js";
import { DECIMAL_EMPTY, DECIMAL_OTHER, DECIMAL_PLAIN, createDecimalSlot, type CsvRecordBatch, type DecimalSlot } from "../io/csvRecordReader.js";
import { cellReason } from "./rejects.js";

/** Why a row's value cells could not all be read: the first bad column, its issue code, and every reason. */
export interface RowValueProblem {
  readonly col: number;
  readonly code: string;
  readonly reasons: string;
}

/** The cells of the row being read, by column: from a row of strings, or from a batch's bytes. */
export interface RowCells {
  /** The cell's text. */
  text(col: number): string;
  /** Reads the cell as a plain decimal straight from its bytes (`DECIMAL_*`); `DECIMAL_OTHER` when it cannot. */
  decimal(col: number, out: DecimalSlot): number;
}

/**
 * The cells of one row of strings (as `CsvReader` gives them).
 * @param row - the row
 * @returns its cells, text only
 */
export function stringCells(row: readonly string[]): RowCells {
  return { text: (col) => row[col]!, decimal: () => DECIMAL_OTHER };
}

/**
 * The cells of a batch's current record, read from its bytes: one object for a whole pass, pointed
 * at each record in turn with `at(batch, r)` (no allocation per row).
 */
export class BatchCells implements RowCells {
  #batch: CsvRecordBatch | undefined;
  #r = 0;

  /** Points at record `r` of `batch`. */
  at(batch: CsvRecordBatch, r: number): this {
    this.#batch = batch;
    this.#r = r;
    return this;
  }

  text(col: number): string {
    return this.#batch!.text(this.#r, col);
  }

  decimal(col: number, out: DecimalSlot): number {
    return this.#batch!.decimal(this.#r, col, out);
  }
}

const decimal = createDecimalSlot();

/**
 * Gives a row's value cells to a scorer (after `scorer.begin()`): the one way `score`,
 * `explain`'s sibling readers and `ogmetric/node`'s `readBodies`/`scoreFile` read a body's row.
 * A plain decimal read from bytes goes in as a number (`giveDecimal`), anything else as text, by
 * the same rules; an empty cell is absent. Allocates nothing for a row whose cells all read.
 * @param scorer - the scorer, begun for this body
 * @param header - the file's header, to name columns
 * @param cells - the row's cells
 * @param valueCols - columns holding node values (from `planColumns`)
 * @param valueNodes - the node each of those columns gives
 * @returns undefined when every cell was read, else the problem (the row is to be rejected)
 */
export function giveRow(scorer: BodyScorer, header: readonly string[], cells: RowCells, valueCols: Int32Array, valueNodes: Int32Array): RowValueProblem | undefined {
  let reasons: string | undefined;
  let badCol = -1;
  let badCode = "";
  const nodes = scorer.rubric.nodes;
  for (let k = 0; k < valueCols.length; k++) {
    const node = valueNodes[k]!;
    const col = valueCols[k]!;
    const d = scorer.readsNumbers(node) ? cells.decimal(col, decimal) : DECIMAL_OTHER;
    if (d === DECIMAL_EMPTY) continue;
    const code = d === DECIMAL_PLAIN ? scorer.giveDecimal(node, decimal.value, decimal.decimals) : scorer.give(node, cells.text(col));
    if (code !== READ_OK) {
      const cell = cells.text(col);
      const issue = scorer.issue(node, cell, code);
      const name = header[col]!;
      const shown = name === nodes[node]!.code ? JSON.stringify(name) : `${JSON.stringify(name)} (${nodes[node]!.code})`;
      reasons = `${reasons === undefined ? "" : `${reasons}; `}${cellReason(shown, issue)}`;
      if (badCol < 0) {
        badCol = col;
        badCode = issue.code;
      }
    }
  }
  return reasons === undefined ? undefined : { col: badCol, code: badCode, reasons };
}
