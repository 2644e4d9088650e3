import type { BodyScorer } from "../engine/index.js";
import { READ_OK } from "../engine/codes.js";
import { cellReason } from "./rejects.js";

/** Why a row's value cells could not all be read: the first bad column, its issue code, and every reason. */
export interface RowValueProblem {
  readonly col: number;
  readonly code: string;
  readonly reasons: string;
}

/**
 * Gives a row's value cells to a scorer (after `scorer.begin()`), the one way `score`
 * and `ogmetric/node`'s `readBodies`/`scoreFile` read a body's row. Allocates nothing for a row
 * whose cells all read.
 * @param scorer - the scorer, begun for this body
 * @param header - the file's header, to name columns
 * @param row - the row's cells
 * @param valueCols - columns holding node values (from `planColumns`)
 * @param valueNodes - the node each of those columns gives
 * @returns undefined when every cell was read, else the problem (the row is to be rejected)
 */
export function giveRow(scorer: BodyScorer, header: readonly string[], row: readonly string[], valueCols: Int32Array, valueNodes: Int32Array): RowValueProblem | undefined {
  let reasons: string | undefined;
  let badCol = -1;
  let badCode = "";
  const nodes = scorer.rubric.nodes;
  for (let k = 0; k < valueCols.length; k++) {
    const node = valueNodes[k]!;
    const cell = row[valueCols[k]!]!;
    const code = scorer.give(node, cell);
    if (code !== READ_OK) {
      const issue = scorer.issue(node, cell, code);
      const name = header[valueCols[k]!]!;
      const shown = name === nodes[node]!.code ? JSON.stringify(name) : `${JSON.stringify(name)} (${nodes[node]!.code})`;
      reasons = `${reasons === undefined ? "" : `${reasons}; `}${cellReason(shown, issue)}`;
      if (badCol < 0) {
        badCol = valueCols[k]!;
        badCode = issue.code;
      }
    }
  }
  return reasons === undefined ? undefined : { col: badCol, code: badCode, reasons };
}
