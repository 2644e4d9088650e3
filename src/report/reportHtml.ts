import { formatFixed } from "../aggregate/round.js";
import type { ChartSpec } from "./chartSpecs.js";
import type { FileInfo, ReportModel } from "./reportModel.js";
import { words } from "./text.js";

/** A rendered chart: its spec's id, title and note, and its SVG markup. */
export interface RenderedChart {
  readonly chart: ChartSpec;
  readonly svg: string;
}

/**
 * The page's Content-Security-Policy: nothing may be loaded from anywhere (no script, font, image
 * or style file), only the inline style runs. A browser enforces what the report promises: it
 * needs no network.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
:root { color-scheme: light; }
body { font-family: sans-serif; color: #222; background: #fff; margin: 0 auto; max-width: 1200px; padding: 24px 32px 48px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 36px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle { color: #555; margin: 0 0 16px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 0.9rem; margin: 0; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: monospace; font-size: 0.9em; }
.headline { font-size: 1.05rem; margin: 16px 0 0; }
.headline strong { font-size: 1.4rem; }
figure { margin: 0; display: table; }
figure svg { max-width: 100%; height: auto; }
figcaption, .note { color: #555; font-size: 0.85rem; margin-top: 4px; }
figcaption { display: table-caption; caption-side: bottom; }
.charts-row { display: flex; flex-wrap: wrap; gap: 0 32px; align-items: flex-start; }
.charts-row > section { flex: 0 0 auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin-top: 8px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
th { border-bottom: 1px solid #999; font-weight: 600; }
td.key, th.key { text-align: left; }
footer { margin-top: 40px; color: #777; font-size: 0.8rem; }
@media print { body { padding: 0; } h2 { break-after: avoid; } section { break-inside: avoid; } }
`;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

function fileRows(label: string, f: FileInfo, w: ReturnType<typeof words>): string {
  const rows = [
    [label, `<code>${escapeHtml(f.file)}</code>: ${f.bodies} ${escapeHtml(w.bodies.toLowerCase())}${f.rejected > 0 ? `, ${f.rejected} ${escapeHtml(f.rejected === 1 ? w.rejectedOne : w.rejected)}` : ""}`],
    [w.rubric, `${escapeHtml(f.rubricLabel)}: <code>${escapeHtml(f.rubricId)}@${escapeHtml(f.rubricVersion)}</code>`],
    [w.hash, `<code>${escapeHtml(f.rubricHash)}</code>`],
  ];
  return rows.map(([dt, dd]) => `<dt>${escapeHtml(dt!)}</dt><dd>${dd}</dd>`).join("\n");
}

/**
 * Writes the report as one self-contained HTML page: inline CSS and SVG, no script, no external
 * resource (a Content-Security-Policy forbids loading any), so it opens offline and prints.
 * @param model - the report's data
 * @param charts - the rendered charts, in page order
 * @returns the page
 */
export function reportHtml(model: ReportModel, charts: readonly RenderedChart[]): string {
  const w = words(model.lang);
  const esc = escapeHtml;
  const keyWord = w[model.by];
  const title = w.title;
  const meta = [
    fileRows(w.file, model.source, w),
    ...(model.compare ? [fileRows(w.compareFile, model.compare.other, w)] : []),
    ...(model.uncertainty ? [`<dt>${esc(w.uncertaintyFile)}</dt><dd><code>${esc(model.uncertainty.file)}</code></dd>`] : []),
    `<dt>${esc(w.date)}</dt><dd>${esc(model.date)}</dd>`,
    `<dt>${esc(w.generated)}</dt><dd>ogmetric ${esc(model.version)}</dd>`,
  ].join("\n");

  const section = (r: RenderedChart, extra = "") =>
    `<section class="chart" id="chart-${r.chart.id}">
<h2>${esc(r.chart.title)}</h2>
<figure role="group" aria-label="${esc(r.chart.title)}">
${r.svg}
<figcaption>${esc(r.chart.note)}</figcaption>
</figure>${extra}
</section>`;

  const byId = new Map(charts.map((c) => [c.chart.id, c]));
  const parts: string[] = [];
  const ranking = byId.get("ranking");
  const bands = byId.get("bands");
  if (ranking && bands) parts.push(`<div class="charts-row">\n${section(ranking)}\n${section(bands)}\n</div>`);
  else if (ranking) parts.push(section(ranking));
  parts.push(rankingTable(model));
  const scatter = byId.get("scatter");
  const types = byId.get("types");
  if (scatter && types) parts.push(`<div class="charts-row">\n${section(scatter)}\n${section(types)}\n</div>`);
  else for (const c of [scatter, types]) if (c) parts.push(section(c));
  const profile = byId.get("profile");
  if (profile) parts.push(section(profile));
  const slope = byId.get("slope");
  if (slope && model.compare) {
    const only = (label: string, list: readonly string[]) => (list.length > 0 ? `\n<p class="note">${esc(w.onlyIn)} ${esc(label)}: ${list.map(esc).join(", ")}</p>` : "");
    parts.push(section(slope, only(model.compare.other.file, model.compare.onlyInOther) + only(model.source.file, model.compare.onlyInThis)));
  }
  if (model.uncertainty && model.uncertainty.unmatched.length > 0) {
    parts.push(`<p class="note">${model.uncertainty.unmatched.length} ${esc(w.unmatched)}: ${model.uncertainty.unmatched.map(esc).join(", ")}</p>`);
  }

  return `<!DOCTYPE html>
<html lang="${model.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ogmetric ${esc(model.version)}">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="subtitle">${esc(model.source.rubricLabel)} · ${esc(w.ranking)} ${esc(keyWord.toLowerCase())} · ${esc(model.root.label)} (<code>${esc(model.root.code)}</code>)</p>
<dl class="meta">
${meta}
</dl>
<p class="headline">${esc(w.national)}, ${esc(model.root.label)}: <strong>${esc(model.national.text || w.none)}</strong></p>
</header>
<main>
${parts.join("\n")}
</main>
<footer>${esc(w.about)}: ${esc(w.generated)} ${esc(model.version)} · <code>${esc(model.source.tag)}</code> · ${esc(model.date)}</footer>
</body>
</html>
`;
}

/** The ranking as a table: every group, its counts, the index, the pillars and the band. */
function rankingTable(model: ReportModel): string {
  const w = words(model.lang);
  const esc = escapeHtml;
  const cell = (v: number | null) => (v === null ? w.none : formatFixed(v, model.decimals));
  const withBands = model.units.some((u) => u.band !== undefined);
  const band = (b: { p05: number; p50: number; p95: number } | undefined) => (b === undefined ? w.none : `${b.p50} (${b.p05}–${b.p95})`);
  const head = [
    `<th>${esc(w.rank)}</th>`,
    `<th class="key">${esc(w[model.by])}</th>`,
    `<th>${esc(w.bodies)}</th>`,
    `<th>${esc(w.scored)}</th>`,
    `<th><abbr title="${esc(model.root.label)}">${esc(model.root.code.toUpperCase())}</abbr></th>`,
    ...model.pillars.map((p) => `<th><abbr title="${esc(p.label)}">${esc(p.code.toUpperCase())}</abbr></th>`),
    ...(withBands ? [`<th>${esc(w.bandTitle)}</th>`] : []),
  ].join("");
  const rows = model.units
    .map((u) =>
      [
        `<td>${u.rank ?? w.none}</td>`,
        `<td class="key">${esc(u.key)}</td>`,
        `<td>${u.bodies}</td>`,
        `<td>${u.scored}</td>`,
        `<td>${u.text ? esc(u.text) : w.none}</td>`,
        ...u.pillars.map((v) => `<td>${cell(v)}</td>`),
        ...(withBands ? [`<td>${band(u.band)}</td>`] : []),
      ].join(""),
    )
    .map((r) => `<tr>${r}</tr>`)
    .join("\n");
  return `<section id="ranking-table">
<h2>${esc(w.ranking)} ${esc(w[model.by].toLowerCase())}: ${esc(w.value.toLowerCase())}</h2>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="note">${esc(w.rankingNote)}</p>
</section>`;
}
