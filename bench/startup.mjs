/**
 * Start-up time of the command line (issue 8: `ogmetric --version` and `ogmetric editions`
 * within 0.1 s of `node -e 0`). Each command runs as a child process, interleaved with the
 * others in rounds; the median wall time and the median user + system CPU time of each are
 * printed, with the difference to `node -e 0` measured in the same rounds.
 *
 *   npx tsup && node bench/startup.mjs [--rounds 21]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/ogmetric.js", import.meta.url));
const i = process.argv.indexOf("--rounds");
const rounds = i < 0 ? 21 : Number(process.argv[i + 1]);
const jobs = {
  "node -e 0": ["-e", "0"],
  "ogmetric --version": [bin, "--version"],
  "ogmetric --help": [bin, "--help"],
  "ogmetric editions": [bin, "editions"],
};
const times = Object.fromEntries(Object.keys(jobs).map((k) => [k, { wall: [], cpu: [] }]));
for (let r = 0; r < rounds; r++) {
  for (const [name, args] of Object.entries(jobs)) {
    const t0 = performance.now();
    const out = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, ...args], { encoding: "utf8" });
    const wall = (performance.now() - t0) / 1000;
    const [u, s] = out.stderr.trim().split("\n").at(-1).split(" ").map(Number);
    times[name].wall.push(wall);
    times[name].cpu.push(u + s);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = times["node -e 0"];
console.log(`${rounds} interleaved rounds; load average ${(await import("node:os")).loadavg()[0].toFixed(2)}`);
for (const [name, t] of Object.entries(times)) {
  const w = median(t.wall);
  const c = median(t.cpu);
  console.log(`${name.padEnd(20)} wall ${w.toFixed(3)} s (+${(w - median(base.wall)).toFixed(3)})  cpu ${c.toFixed(3)} s (+${(c - median(base.cpu)).toFixed(3)})`);
}
