#!/usr/bin/env node
/**
 * The parse floor: papaparse alone streaming a benchmark file, rows counted and dropped, in array
 * mode (one string array per row, what the CLI uses) and in header mode (one object per row). Issue 4
 * quotes about 0.9 s and 2.8 s for the 1,000,000-row file; this measures them on the machine at hand,
 * since no scorer that parses with papaparse can be faster than its array mode.
 *
 *   node bench/papaparse.mjs bench/out/wide2017-1000000-s20170.csv [array|header]...
 */
import { createReadStream } from "node:fs";
import Papa from "papaparse";

const [file, ...modes] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/papaparse.mjs FILE [array|header]...");
  process.exit(2);
}
for (const mode of modes.length ? modes : ["array", "header"]) {
  const start = performance.now();
  let rows = 0;
  await new Promise((resolve, reject) => {
    Papa.parse(createReadStream(file, "utf8"), {
      header: mode === "header",
      chunk: (result) => {
        rows += result.data.length;
      },
      complete: resolve,
      error: reject,
    });
  });
  const seconds = (performance.now() - start) / 1000;
  console.log(`papaparse ${mode} mode: ${rows.toLocaleString("en-US")} rows in ${seconds.toFixed(2)} s (${Math.round(rows / seconds).toLocaleString("en-US")} rows/s)`);
}
