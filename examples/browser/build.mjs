#!/usr/bin/env node
/**
 * Builds the browser page into examples/browser/dist/: app.js (main.ts and the `ogmetric` core it
 * imports, bundled and minified by esbuild), index.html, style.css and favicon.svg. The page needs
 * no network: serve the folder from any local web server (`node examples/browser/serve.mjs`).
 *
 *   node examples/browser/build.mjs          build, and print the sizes (minified, gzipped)
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const STATIC = ["index.html", "style.css", "favicon.svg"];

/**
 * Builds the page.
 * @param {{ outdir?: string }} [options] - where to write it (default examples/browser/dist)
 * @returns {Promise<{ outdir: string, sizes: Record<string, { bytes: number, gzip: number }> }>}
 */
export async function buildPage(options = {}) {
  const outdir = options.outdir ?? join(here, "dist");
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(here, "main.ts")],
    outfile: join(outdir, "app.js"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    // The page uses the library's sources, as an app would use the package's `ogmetric` entry.
    alias: { ogmetric: join(root, "src", "index.ts") },
    legalComments: "none",
    logLevel: "warning",
  });
  for (const f of STATIC) copyFileSync(join(here, f), join(outdir, f));
  const sizes = {};
  for (const f of ["app.js", ...STATIC]) {
    const bytes = readFileSync(join(outdir, f));
    sizes[f] = { bytes: bytes.length, gzip: gzipSync(bytes).length };
  }
  return { outdir, sizes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { outdir, sizes } = await buildPage();
  for (const [f, s] of Object.entries(sizes)) console.log(`${f.padEnd(12)} ${(s.bytes / 1024).toFixed(1).padStart(7)} KB  ${(s.gzip / 1024).toFixed(1).padStart(6)} KB gzipped`);
  console.log(`built ${relative(process.cwd(), outdir) || "."}`);
}
