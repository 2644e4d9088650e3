import type { Issue } from "../issue.js";
import { normalizeState } from "../catalog/states.js";
import type { ReportKey } from "./scoresTable.js";

/** The columns read from an uncertainty file; any other column is ignored. */
export const RANK_BAND_COLUMNS = ["unit", "rank_p05", "rank_p50", "rank_p95"] as const;

/** One unit's rank band: the 5th, 50th and 95th percentiles of its rank over the replications. */
export interface RankBand {
  readonly p05: number;
  readonly p50: number;
  readonly p95: number;
}

/** Rank bands by unit key (canonical state name when the key is `state`), and what was skipped. */
export interface RankBands {
  readonly file: string;
  readonly bands: ReadonlyMap<string, RankBand>;
  /** Row issues: a rank that is not a number ≥ 1, bands out of order, a unit given twice. */
  readonly issues: readonly Issue[];
}

/**
 * Reads rank bands from the rows of an uncertainty file (what `ogmetric uncertainty` writes per
 * group): columns `unit` (the group: a state in any spelling `score` accepts, a type, a level),
 * `rank_p05`, `rank_p50`, `rank_p95` (ranks, 1 = best; decimals allowed). An optional `by` column
 * keeps only the rows whose `by` equals the report's key, so a file holding several groupings can
 * be given as it is. Other columns are ignored.
 * @param file - the file's name, for issues
 * @param header - its header
 * @param rows - its rows, each with its row number
 * @param key - the report's grouping key
 * @returns the bands; rows with a bad value become issues and are skipped
 * @throws RangeError when a needed column is missing
 */
export function readRankBands(file: string, header: readonly string[], rows: Iterable<{ readonly row: readonly string[]; readonly rowNo: number }>, key: ReportKey): RankBands {
  const col = new Map<string, number>();
  for (const name of [...RANK_BAND_COLUMNS, "by"]) {
    const c = header.indexOf(name);
    if (c >= 0) col.set(name, c);
  }
  const absent = RANK_BAND_COLUMNS.filter((name) => !col.has(name));
  if (absent.length > 0) throw new RangeError(`${file}:1: no column ${absent.map((a) => JSON.stringify(a)).join(", ")}: an uncertainty file for a report has the columns ${RANK_BAND_COLUMNS.join(", ")}`);
  const bands = new Map<string, RankBand>();
  const issues: Issue[] = [];
  const byCol = col.get("by");
  for (const { row, rowNo } of rows) {
    if (byCol !== undefined && (row[byCol] ?? "").trim() !== key) continue;
    const raw = (row[col.get("unit")!] ?? "").trim();
    const unit = key === "state" ? (normalizeState(raw)?.name ?? raw) : raw;
    const where = { path: `${file}:${rowNo}`, file, row: rowNo };
    const ranks = (["rank_p05", "rank_p50", "rank_p95"] as const).map((name) => {
      const text = (row[col.get(name)!] ?? "").trim();
      return { name, text, value: /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN };
    });
    const bad = ranks.find((r) => !(r.value >= 1));
    if (bad) {
      issues.push({ ...where, code: "invalid_rank", column: bad.name, message: `column "${bad.name}": expected a rank (a number from 1), found ${JSON.stringify(bad.text)}`, expected: "a number >= 1", received: bad.text });
      continue;
    }
    const [p05, p50, p95] = ranks.map((r) => r.value) as [number, number, number];
    if (!(p05 <= p50 && p50 <= p95)) {
      issues.push({ ...where, code: "invalid_band", message: `rank_p05 ${p05}, rank_p50 ${p50}, rank_p95 ${p95} are not in order`, expected: "rank_p05 <= rank_p50 <= rank_p95" });
      continue;
    }
    if (bands.has(unit)) {
      issues.push({ ...where, code: "duplicate_unit", column: "unit", message: `unit ${JSON.stringify(raw)} is given twice; the first row is kept`, received: raw });
      continue;
    }
    bands.set(unit, { p05, p50, p95 });
  }
  return { file, bands, issues };
}
