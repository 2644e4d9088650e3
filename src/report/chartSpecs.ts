import { formatFixed } from "../aggregate/round.js";
import type { ReportModel } from "./reportModel.js";
import { fill, words } from "./text.js";

/** A Vega-Lite specification, as plain JSON (the report builds them; `vega-lite` compiles them). */
export type VegaLiteSpec = { readonly [key: string]: unknown };

/** One chart of the report: an id for the page (`chart-<id>`), its title and its specification. */
export interface ChartSpec {
  readonly id: "ranking" | "bands" | "scatter" | "types" | "profile" | "slope";
  readonly title: string;
  /** One sentence on how to read it, shown under the chart. */
  readonly note: string;
  readonly spec: VegaLiteSpec;
}

/** Above this many bodies the scatter bins them (a heat map of counts) instead of one point each. */
export const SCATTER_POINT_LIMIT = 5000;

const WIDTH = 440;
const STEP = 17;
const BAR = "#3b6ea8";
const LEVEL_COLORS = ["#1b6ca8", "#e07b39", "#4a9c5d", "#8e5ea2", "#c94c4c", "#7f7f7f"];

/** Shared look: plain sans-serif text (no web font to fetch), no chart border, white background. */
const CONFIG = {
  background: "white",
  font: "sans-serif",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelColor: "#333", titleColor: "#333", gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", titleLimit: 260, labelLimit: 220 },
};

/** The title goes to `description` (the SVG's accessible name); the page prints it as a heading. */
function base(title: string, extra: Record<string, unknown>): VegaLiteSpec {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", description: title, config: CONFIG, ...extra };
}

/**
 * The Vega-Lite specifications of a report's charts, in page order: the ranking, the rank bands
 * (with an uncertainty file), the scatter of bodies, the breakdown by type, the sub-index profile
 * and the slope chart of rank shifts (with a second scores file). Pure data: the same model gives
 * the same specs, which a page can hand to vega-embed or Node compile to SVG.
 * @param model - the report's data
 * @returns one spec per chart; a chart with no data (no ranked group...) is left out
 */
export function chartSpecs(model: ReportModel): ChartSpec[] {
  const w = words(model.lang);
  const keyWord = w[model.by];
  const charts: ChartSpec[] = [];
  const ranked = model.units.filter((u) => u.rank !== null);
  const label = (u: { rank: number | null; key: string }) => `${u.rank}. ${u.key}`;
  const unitOrder = ranked.map(label);
  const root = model.root.label;

  if (ranked.length > 0) {
    const y = { field: "label", type: "nominal", sort: unitOrder, title: keyWord, axis: { labelLimit: 220 } };
    const x = { field: "value", type: "quantitative", title: root, scale: { domain: [0, 1] } };
    // Encodings per layer, not shared: the national rule has no group label and spans the chart.
    const layers: unknown[] = [
      { name: "bars", mark: { type: "bar", color: BAR }, encoding: { x, y } },
      { name: "values", mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#333" }, encoding: { x, y, text: { field: "text" } } },
    ];
    if (model.national.value !== null) {
      layers.push({
        data: { values: [{ national: model.national.value, text: `${w.national} ${model.national.text}` }] },
        layer: [
          { name: "national", mark: { type: "rule", strokeDash: [4, 3], color: "#b33" }, encoding: { x: { field: "national", type: "quantitative" } } },
          { name: "national_label", mark: { type: "text", align: "left", baseline: "bottom", dx: 3, y: -2, fontSize: 10, color: "#b33" }, encoding: { x: { field: "national", type: "quantitative" }, text: { field: "text" } } },
        ],
      });
    }
    charts.push({
      id: "ranking",
      title: `${w.ranking} ${keyWord.toLowerCase()}: ${root}`,
      note: w.rankingNote,
      spec: base(`${w.ranking} ${keyWord.toLowerCase()}: ${root}`, {
        width: 380,
        height: { step: STEP },
        data: { values: ranked.map((u) => ({ label: label(u), value: u.value, text: u.text })) },
        layer: layers,
      }),
    });
  }

  const banded = ranked.filter((u) => u.band !== undefined);
  if (banded.length > 0) {
    const maxRank = Math.max(...banded.map((u) => Math.ceil(u.band!.p95)), ...banded.map((u) => u.rank!));
    charts.push({
      id: "bands",
      title: w.bandTitle,
      note: w.bandNote,
      spec: base(w.bandTitle, {
        width: 240,
        height: { step: STEP },
        data: { values: banded.map((u) => ({ label: label(u), rank: u.rank, p05: u.band!.p05, p50: u.band!.p50, p95: u.band!.p95 })) },
        encoding: { y: { field: "label", type: "nominal", sort: unitOrder, title: keyWord, axis: { labelLimit: 220 } } },
        layer: [
          { name: "band", mark: { type: "rule", color: "#7a9cc6", strokeWidth: 2 }, encoding: { x: { field: "p05", type: "quantitative", title: w.rank, scale: { domain: [1, maxRank], nice: false } }, x2: { field: "p95" } } },
          { name: "median", mark: { type: "point", filled: true, color: BAR, size: 40 }, encoding: { x: { field: "p50", type: "quantitative" } } },
          { name: "nominal", mark: { type: "tick", color: "#b33", thickness: 2, size: 12 }, encoding: { x: { field: "rank", type: "quantitative" } } },
        ],
      }),
    });
  }

  const [px, py] = model.pillars;
  if (px && py && model.points.length > 0) {
    const title = fill(w.scatterTitle, { x: px.label, y: py.label });
    const levels = [...new Set(model.points.map((p) => p.level))].sort();
    const x = { field: "x", type: "quantitative", title: px.label, scale: { domain: [0, 1] } };
    const y = { field: "y", type: "quantitative", title: py.label, scale: { domain: [0, 1] } };
    const values = model.points.map((p) => ({ x: p.x, y: p.y, level: p.level }));
    const binned = model.points.length > SCATTER_POINT_LIMIT;
    charts.push({
      id: "scatter",
      title,
      note: `${w.scatterNote} n = ${model.points.length}${model.unplotted > 0 ? `; ${model.unplotted} ${w.unplotted}` : ""}.`,
      spec: base(title, {
        width: 360,
        height: 360,
        data: { values },
        ...(binned
          ? {
              name: "cells",
              mark: { type: "rect" },
              encoding: { x: { ...x, bin: { maxbins: 40 } }, y: { ...y, bin: { maxbins: 40 } }, color: { aggregate: "count", type: "quantitative", title: w.bodies, scale: { scheme: "blues" } } },
            }
          : {
              name: "points",
              // No accessible label per point (a thousand of them help no screen reader, and
              // weigh ~80 bytes each); the chart's description and the axes carry the meaning.
              mark: { type: "point", filled: true, size: 16, opacity: 0.55, aria: false },
              encoding: { x, y, color: { field: "level", type: "nominal", title: w.level, scale: { domain: levels, range: LEVEL_COLORS.slice(0, Math.max(1, levels.length)) } } },
            }),
      }),
    });
  }

  const types = model.types.filter((t) => t.value !== null);
  if (types.length > 0) {
    const title = fill(w.typesTitle, { root });
    charts.push({
      id: "types",
      title,
      note: `${w.value}; n = ${w.scored.toLowerCase()} / ${w.bodies.toLowerCase()}.`,
      spec: base(title, {
        width: WIDTH,
        height: { step: STEP + 3 },
        data: { values: types.map((t) => ({ type: t.key, value: t.value, text: `${t.text}  (n = ${t.scored}/${t.bodies})` })) },
        encoding: {
          y: { field: "type", type: "nominal", sort: types.map((t) => t.key), title: w.type, axis: { labelLimit: 220 } },
          x: { field: "value", type: "quantitative", title: root, scale: { domain: [0, 1] } },
        },
        layer: [
          { name: "bars", mark: { type: "bar", color: "#5b8c5a" } },
          { name: "values", mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#333" }, encoding: { text: { field: "text" } } },
        ],
      }),
    });
  }

  if (model.subIndices.length > 0 && ranked.length > 0) {
    const title = `${w.profileTitle} ${keyWord.toLowerCase()}`;
    const columns = model.subIndices.map((s) => s.code.toUpperCase());
    const cells = ranked.flatMap((u) =>
      model.subIndices.map((s, k) => {
        const v = u.subIndices[k] ?? null;
        return { label: label(u), node: columns[k], value: v, text: v === null ? w.none : formatFixed(v, model.decimals) };
      }),
    );
    charts.push({
      id: "profile",
      title,
      note: `${w.profileNote} ${model.subIndices.map((s) => `${s.code.toUpperCase()}: ${s.label}`).join("; ")}.`,
      spec: base(title, {
        width: { step: 90 },
        height: { step: STEP },
        data: { values: cells },
        encoding: {
          y: { field: "label", type: "nominal", sort: unitOrder, title: keyWord, axis: { labelLimit: 220 } },
          x: { field: "node", type: "nominal", sort: columns, title: w.subIndex, axis: { orient: "top", labelAngle: 0 } },
        },
        layer: [
          { name: "cells", mark: { type: "rect" }, encoding: { color: { field: "value", type: "quantitative", title: w.value, scale: { domain: [0, 1], scheme: "blues" } } } },
          {
            name: "values",
            mark: { type: "text", fontSize: 10 },
            encoding: { text: { field: "text" }, color: { condition: { test: "datum.value > 0.6", value: "white" }, value: "#222" } },
          },
        ],
      }),
    });
  }

  if (model.compare && model.compare.rows.length > 0) {
    const c = model.compare;
    const sameTag = c.other.tag === model.source.tag;
    const fromName = sameTag ? c.other.file : `${c.other.rubricId}@${c.other.rubricVersion}`;
    const toName = sameTag ? model.source.file : `${model.source.rubricId}@${model.source.rubricVersion}`;
    const direction = (s: number) => (s > 0 ? w.up : s < 0 ? w.down : w.same);
    // Each column lists the groups in rank order, one row each (tied groups in key order), and
    // labels them with their rank: ties stay readable instead of printing on top of each other.
    const slot = (rank: (r: (typeof c.rows)[number]) => number) => {
      const order = c.rows.map((r, at) => ({ r, at })).sort((a, b) => rank(a.r) - rank(b.r) || a.at - b.at);
      return new Map(order.map(({ r }, i) => [r.key, i + 1]));
    };
    const slotFrom = slot((r) => r.rankFrom);
    const slotTo = slot((r) => r.rankTo);
    const values = c.rows.flatMap((r) => [
      { key: r.key, side: fromName, slot: slotFrom.get(r.key), end: "from", label: `${r.key} ${r.rankFrom}`, direction: direction(r.shift) },
      { key: r.key, side: toName, slot: slotTo.get(r.key), end: "to", label: `${r.rankTo} ${r.key}${r.shift !== 0 ? ` (${r.shift > 0 ? "+" : ""}${r.shift})` : ""}`, direction: direction(r.shift) },
    ]);
    const rows = c.rows.length;
    const title = `${w.slopeTitle} ${keyWord.toLowerCase()}: ${root}`;
    const x = { field: "side", type: "nominal", sort: [fromName, toName], title: null, axis: { orient: "top", labelAngle: 0, domain: false, ticks: false, labelFontWeight: "bold" }, scale: { padding: 0 } };
    const y = { field: "slot", type: "quantitative", title: null, axis: null, scale: { domain: [0, rows], reverse: true, nice: false } };
    charts.push({
      id: "slope",
      title,
      note: w.slopeNote,
      spec: base(title, {
        width: 260,
        height: Math.max(120, rows * STEP),
        padding: { left: 150, right: 150, top: 5, bottom: 5 },
        data: { values },
        encoding: { x, y },
        layer: [
          {
            name: "lines",
            mark: { type: "line", strokeWidth: 1.5 },
            encoding: {
              detail: { field: "key", type: "nominal" },
              color: { field: "direction", type: "nominal", title: w.shift, legend: { orient: "bottom", direction: "horizontal" }, scale: { domain: [w.up, w.down, w.same], range: ["#2e7d32", "#c62828", "#9e9e9e"] } },
            },
          },
          { name: "ends", mark: { type: "point", filled: true, size: 20, color: "#555" } },
          { name: "from_labels", transform: [{ filter: "datum.end === 'from'" }], mark: { type: "text", align: "right", dx: -6, fontSize: 10 }, encoding: { text: { field: "label" } } },
          { name: "to_labels", transform: [{ filter: "datum.end === 'to'" }], mark: { type: "text", align: "left", dx: 6, fontSize: 10 }, encoding: { text: { field: "label" } } },
        ],
      }),
    });
  }
  return charts;
}
