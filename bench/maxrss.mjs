/**
 * Fallback peak-RSS probe for `bench/run.mjs` on machines without GNU `/usr/bin/time`: preloaded
 * into the measured child with `node --import ./bench/maxrss.mjs`, it writes the process's peak
 * resident set size (KB, from `process.resourceUsage().maxRSS`) to the file named by
 * `OGMETRIC_BENCH_RSS` when the process exits, however it exits.
 */
import { writeFileSync } from "node:fs";

const file = process.env.OGMETRIC_BENCH_RSS;
if (file) process.on("exit", () => writeFileSync(file, `${process.resourceUsage().maxRSS}\n`));
