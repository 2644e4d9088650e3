import { chartSpecs } from "./chartSpecs.js";
import { renderSvg } from "./renderSvg.js";
import { reportHtml } from "./reportHtml.js";
import type { ReportModel } from "./reportModel.js";

/**
 * Writes a report's page: each chart's Vega-Lite spec compiled to SVG (vega and vega-lite are
 * loaded on first use), then one self-contained HTML file. No clock, no randomness, no file: the
 * same model gives the same bytes.
 * @param model - the report's data (`buildReportModel`)
 * @returns the HTML page
 * @example
 * const html = await buildReport(model); // => "<!DOCTYPE html>\n<html lang=\"en\">..."
 */
export async function buildReport(model: ReportModel): Promise<string> {
  const rendered = [];
  // One at a time: vega's renderer keeps module-level counters (renumbered per chart by renderSvg).
  for (const chart of chartSpecs(model)) rendered.push({ chart, svg: await renderSvg(chart.spec, chart.id) });
  return reportHtml(model, rendered);
}
