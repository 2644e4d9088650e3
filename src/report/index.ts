/**
 * The report's building blocks, for the CLI (`ogmetric report`) and, later, a browser page: read
 * scores rows into group tables, build the report's data, turn it into Vega-Lite specifications,
 * render them to SVG (vega and vega-lite, loaded on first use) and write the page. Nothing here
 * imports Node: the CLI reads the files and hands over rows.
 */
export { ScoresCollector, reportNodes, REPORT_KEYS, type ReportKey, type ReportNodes, type ScoresSummary, type ScoresHeaderResult } from "./scoresTable.js";
export { readRankBands, RANK_BAND_COLUMNS, type RankBand, type RankBands } from "./rankBands.js";
export { buildReportModel, type ReportModel, type ReportModelOptions, type UnitRow, type SlopeRow, type FileInfo, type ReportNode } from "./reportModel.js";
export { chartSpecs, SCATTER_POINT_LIMIT, type ChartSpec, type VegaLiteSpec } from "./chartSpecs.js";
export { renderSvg, renumberIds } from "./renderSvg.js";
export { reportHtml, escapeHtml, REPORT_CSP, type RenderedChart } from "./reportHtml.js";
export { buildReport } from "./buildReport.js";
export { REPORT_LANGS, words, type ReportLang } from "./text.js";
