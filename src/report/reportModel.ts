import type { AggregateTable, GroupStats } from "../aggregate/aggregateBy.js";
import { rankValues } from "../aggregate/rank.js";
import { formatFixed } from "../aggregate/round.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import type { RankBand, RankBands } from "./rankBands.js";
import type { ReportKey, ScoresSummary } from "./scoresTable.js";
import type { ReportLang } from "./text.js";

/** A node as the report names it. */
export interface ReportNode {
  readonly code: string;
  readonly label: string;
}

/** One group (a state, a type, a level) in ranking order. */
export interface UnitRow {
  readonly key: string;
  /** INEGI code when grouping by state ("FED" for the federal unit). */
  readonly code?: string;
  readonly bodies: number;
  /** Bodies whose index was scored (the mean is over these). */
  readonly scored: number;
  /** Mean of the index; null when no body of the group has one. */
  readonly value: number | null;
  /** The value as printed (`decimals`), or "" when null. */
  readonly text: string;
  readonly rank: number | null;
  /** Means of the pillars and sub-indices, in `ReportModel.pillars` / `subIndices` order. */
  readonly pillars: readonly (number | null)[];
  readonly subIndices: readonly (number | null)[];
  /** Rank band from the uncertainty file, when one was given and names this group. */
  readonly band?: RankBand;
}

/** One group in both files of a comparison. */
export interface SlopeRow {
  readonly key: string;
  readonly rankFrom: number;
  readonly rankTo: number;
  readonly textFrom: string;
  readonly textTo: string;
  /** rankFrom − rankTo: positive when the group climbed. */
  readonly shift: number;
}

/** A scores file as the report names it. */
export interface FileInfo {
  readonly file: string;
  readonly tag: string;
  readonly rubricId: string;
  readonly rubricVersion: string;
  readonly rubricHash: string;
  readonly rubricLabel: string;
  readonly bodies: number;
  readonly rejected: number;
}

/** Everything a report shows, as plain data: the input of the chart specs and of the page. */
export interface ReportModel {
  readonly lang: ReportLang;
  readonly by: ReportKey;
  readonly decimals: number;
  readonly date: string;
  readonly version: string;
  readonly source: FileInfo;
  readonly root: ReportNode;
  readonly pillars: readonly ReportNode[];
  readonly subIndices: readonly ReportNode[];
  readonly national: { readonly value: number | null; readonly text: string; readonly bodies: number };
  /** Groups in ranking order (ranked first, by rank then key order; groups without a value last). */
  readonly units: readonly UnitRow[];
  /** Types of body, highest mean first. */
  readonly types: readonly { readonly key: string; readonly bodies: number; readonly scored: number; readonly value: number | null; readonly text: string }[];
  readonly points: ScoresSummary["points"];
  readonly unplotted: number;
  readonly compare?: {
    readonly other: FileInfo;
    readonly rows: readonly SlopeRow[];
    /** Groups with a rank in only one of the files. */
    readonly onlyInOther: readonly string[];
    readonly onlyInThis: readonly string[];
  };
  readonly uncertainty?: { readonly file: string; readonly unmatched: readonly string[]; readonly skippedRows: number };
}

/** What `buildReportModel` needs besides the data. */
export interface ReportModelOptions {
  readonly by: ReportKey;
  /** Decimals printed, and at which ranks are judged (as published tables rank). */
  readonly decimals: number;
  readonly lang: ReportLang;
  /** The date shown, `YYYY-MM-DD`. */
  readonly date: string;
  /** The ogmetric version shown. */
  readonly version: string;
  /** Rows of each file rejected while reading (shown, not drawn). */
  readonly rejected?: number;
  readonly compareRejected?: number;
}

function nodeOf(rubric: CompiledRubric, code: string, lang: ReportLang): ReportNode {
  const node = rubric.nodes[rubric.index.get(code)!]!;
  return { code, label: node.label[lang] };
}

function fileInfo(s: ScoresSummary, lang: ReportLang, rejected: number): FileInfo {
  return {
    file: s.file,
    tag: s.tag,
    rubricId: s.rubric.id,
    rubricVersion: s.rubric.version,
    rubricHash: s.rubric.hash,
    rubricLabel: s.rubric.label[lang],
    bodies: s.bodies,
    rejected,
  };
}

/** Ranks a table's groups on its first node (the index), judged at `decimals`. */
function rankGroups(table: AggregateTable, decimals: number): { group: GroupStats; rank: number | null }[] {
  const ranks = rankValues(
    table.groups.map((g) => g.nodes[0]!.mean),
    { decimals },
  );
  return table.groups.map((group, i) => ({ group, rank: ranks[i]! }));
}

/** Ranked first (by rank, then as given), then the groups without a value, as given. */
function byRank<T extends { rank: number | null }>(rows: readonly T[]): T[] {
  return rows
    .map((row, at) => ({ row, at }))
    .sort((a, b) => (a.row.rank ?? Infinity) - (b.row.rank ?? Infinity) || a.at - b.at)
    .map((r) => r.row);
}

const text = (v: number | null, decimals: number) => (v === null ? "" : formatFixed(v, decimals));

/**
 * Builds the report's data from a summarised scores file, and optionally a second one (another
 * edition or run) and rank bands. Pure: no files, no clock (the date is given), so the same input
 * gives the same report.
 * @param scores - the report's scores file, read by `ScoresCollector`
 * @param options - grouping key, decimals, language, date, version
 * @param compare - a second scores file, for the slope chart of rank shifts
 * @param bands - rank bands from an uncertainty file
 * @returns the model
 * @example
 * buildReportModel(summary, { by: "state", decimals: 2, lang: "en", date: "2026-01-31", version: "0.1.0" }).units[0].key // => "Ciudad de México"
 */
export function buildReportModel(scores: ScoresSummary, options: ReportModelOptions, compare?: ScoresSummary, bands?: RankBands): ReportModel {
  const { lang, decimals, by } = options;
  const rubric = scores.rubric;
  const p = scores.nodes.pillars.length;
  const ranked = rankGroups(scores.units, decimals);
  const units = byRank(
    ranked.map(({ group, rank }): UnitRow => {
      const key = group.key[0]!;
      const band = bands?.bands.get(key);
      const mean = (j: number) => group.nodes[j]!.mean;
      return {
        key,
        ...(group.stateCode !== undefined ? { code: group.stateCode } : {}),
        bodies: group.bodies,
        scored: group.nodes[0]!.n,
        value: mean(0),
        text: text(mean(0), decimals),
        rank,
        pillars: scores.nodes.pillars.map((_, k) => mean(1 + k)),
        subIndices: scores.nodes.subIndices.map((_, k) => mean(1 + p + k)),
        ...(band !== undefined ? { band } : {}),
      };
    }),
  );
  const types = scores.types.groups
    .map((g) => ({ key: g.key[0]!, bodies: g.bodies, scored: g.nodes[0]!.n, value: g.nodes[0]!.mean, text: text(g.nodes[0]!.mean, decimals) }))
    .map((row, at) => ({ row, at }))
    .sort((a, b) => (b.row.value ?? -Infinity) - (a.row.value ?? -Infinity) || a.at - b.at)
    .map((r) => r.row);
  const nationalGroup = scores.national.groups[0];
  const nationalValue = nationalGroup?.nodes[0]!.mean ?? null;

  let compareModel: ReportModel["compare"];
  if (compare) {
    const rankOf = (s: ScoresSummary) => new Map(rankGroups(s.units, decimals).filter((r) => r.rank !== null).map((r) => [r.group.key[0]!, { rank: r.rank!, value: r.group.nodes[0]!.mean! }]));
    const from = rankOf(compare);
    const to = rankOf(scores);
    const rows: SlopeRow[] = [];
    for (const unit of units) {
      const a = from.get(unit.key);
      const b = to.get(unit.key);
      if (a && b) rows.push({ key: unit.key, rankFrom: a.rank, rankTo: b.rank, textFrom: formatFixed(a.value, decimals), textTo: formatFixed(b.value, decimals), shift: a.rank - b.rank });
    }
    compareModel = {
      other: fileInfo(compare, lang, options.compareRejected ?? 0),
      rows,
      onlyInOther: [...from.keys()].filter((k) => !to.has(k)),
      onlyInThis: [...to.keys()].filter((k) => !from.has(k)),
    };
  }

  return {
    lang,
    by,
    decimals,
    date: options.date,
    version: options.version,
    source: fileInfo(scores, lang, options.rejected ?? 0),
    root: nodeOf(rubric, scores.nodes.root, lang),
    pillars: scores.nodes.pillars.map((c) => nodeOf(rubric, c, lang)),
    subIndices: scores.nodes.subIndices.map((c) => nodeOf(rubric, c, lang)),
    national: { value: nationalValue, text: text(nationalValue, decimals), bodies: scores.bodies },
    units,
    types,
    points: scores.points,
    unplotted: scores.unplotted,
    ...(compareModel ? { compare: compareModel } : {}),
    ...(bands
      ? {
          uncertainty: {
            file: bands.file,
            unmatched: [...bands.bands.keys()].filter((k) => !units.some((u) => u.key === k)),
            skippedRows: bands.issues.length,
          },
        }
      : {}),
  };
}
