/**
 * Fallback probe for `bench/run.mjs` on machines without GNU `/usr/bin/time`: preloaded into the
 * measured child with `node --import ./bench/maxrss.mjs`, it writes "user system maxRSS" (CPU
 * seconds, and the peak resident set size in KB, from `process.resourceUsage()`) to the file named
 * by `OGMETRIC_BENCH_RSS` when the process exits, however it exits: the same line as
 * `/usr/bin/time -f "%U %S %M"`.
 */
import { writeFileSync } from "node:fs";

const file = process.env.OGMETRIC_BENCH_RSS;
if (file) {
  process.on("exit", () => {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    writeFileSync(file, `${userCPUTime / 1e6} ${systemCPUTime / 1e6} ${maxRSS}\n`);
  });
}
