import type { VegaLiteSpec } from "./chartSpecs.js";

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");

let engines: Promise<{ vega: Vega; vegaLite: VegaLite }> | undefined;

/** Loads vega and vega-lite once, on first use: only a report needs them (about 0.2 s). */
function loadEngines(): Promise<{ vega: Vega; vegaLite: VegaLite }> {
  engines ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vegaLite]) => {
    // Text widths by vega's estimate, never by a canvas (vega measures with the `canvas` package
    // when one is installed), so label layout, and the bytes, do not depend on the machine.
    (vega as unknown as { textMetrics: { canvas(use: boolean): void } }).textMetrics.canvas(false);
    return { vega, vegaLite };
  });
  return engines;
}

/** A Vega-Lite problem, raised instead of being printed: a report's charts compile cleanly or fail. */
function strictLogger(vega: Vega) {
  const logger = vega.logger(vega.Warn);
  const fail = (...args: readonly unknown[]) => {
    throw new Error(`renderSvg: ${args.map(String).join(" ")}`);
  };
  logger.warn = fail as typeof logger.warn;
  logger.error = fail as typeof logger.error;
  return logger;
}

/**
 * Compiles a Vega-Lite specification and renders it to an SVG string with vega's headless view
 * (no canvas, no DOM: text widths are estimated, even where the `canvas` package is installed,
 * so the output is the same on every machine).
 *
 * Vega numbers the clip paths and gradients of its SVGs from a counter shared by the process; the
 * ids are renumbered here under `idPrefix`, so the same spec gives the same bytes whatever was
 * rendered before, and several SVGs on one page never share an id.
 * @param spec - a Vega-Lite specification with inline data (nothing is loaded: the loader refuses URLs)
 * @param idPrefix - prefix of the SVG's element ids, unique on the page, e.g. "ranking"
 * @returns the SVG markup
 * @throws Error when vega-lite or vega warns or fails (an invalid spec)
 */
export async function renderSvg(spec: VegaLiteSpec, idPrefix: string): Promise<string> {
  if (!/^[A-Za-z][\w-]*$/.test(idPrefix)) throw new TypeError(`renderSvg: idPrefix ${JSON.stringify(idPrefix)} must be a letter then letters, digits, _ or -`);
  const { vega, vegaLite } = await loadEngines();
  const logger = strictLogger(vega);
  const compiled = vegaLite.compile(spec as never, { logger }).spec;
  const loader = vega.loader();
  // Inline data only: a report never reaches the network or the file system.
  loader.load = (uri: string) => Promise.reject(new Error(`renderSvg: refusing to load ${uri}: give the data inline`));
  const view = new vega.View(vega.parse(compiled, undefined, {}), { renderer: "none", logger, loader });
  try {
    const svg = await view.toSVG();
    return renumberIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/**
 * Renames every `id="..."` of an SVG and its `url(#...)` and `href="#..."` references to
 * `<prefix>-1`, `<prefix>-2`... in order of first appearance.
 */
export function renumberIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!names.has(m[1]!)) names.set(m[1]!, `${prefix}-${names.size + 1}`);
  if (names.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (all, a: string, id: string, b: string) => (names.has(id) ? `${a}${names.get(id)}${b}` : all))
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (names.has(id) ? `url(#${names.get(id)})` : all))
    .replace(/(href=")#([^"]+)(")/g, (all, a: string, id: string, b: string) => (names.has(id) ? `${a}#${names.get(id)}${b}` : all));
}
