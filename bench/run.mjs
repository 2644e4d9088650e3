#!/usr/bin/env node
/**
 * Benchmark of the `ogmetric` command line against DuckDB doing the same job in SQL (issues 4 and 8).
 * Prints numbers; it is not a test, but it fails (exit 1) when the answers disagree.
 *
 *   npx tsup && npm run bench -- [--sizes 100000,1000000] [--runs 3] [--quick] [--seed 20170]
 *                                [--jobs score,by-state,aggregate,duckdb-score,duckdb-by-state,duckdb-aggregate]
 *
 * For each size N it makes (or reuses) a seeded 2017 leaf-level file `bench/out/wide2017-N-sSEED.csv`
 * with `fixtures/generate.mjs wide` (bench/out/ is git-ignored), then runs each job as a child
 * process, `--runs` rounds of all jobs in turn, and reports per job the median wall time, the median
 * CPU time and the highest peak RSS of its runs:
 *
 *   score            ogmetric score FILE --edition 2017 --out TMP.csv             (every node of every body)
 *   by-state         ogmetric score FILE --edition 2017 --by state --out TMP.csv  (state means, one pass)
 *   duckdb-score     the same per-body job in DuckDB SQL, COPY to a CSV file       (bench/duckdb-job.mjs)
 *   duckdb-by-state  the same state means in DuckDB SQL, collected to JS          (bench/duckdb-job.mjs)
 *   aggregate        ogmetric aggregate SCORES.csv --by state: state means of a scores file written
 *                    by `ogmetric score FILE` (made once per size, reused from bench/out/)
 *   duckdb-aggregate the same state means of the scores file in DuckDB SQL
 *
 * Wall time is taken by this process around the child (so node's start-up counts for both tools);
 * CPU time (user + system, all threads) and peak RSS by GNU `/usr/bin/time -f "%U %S %M"` when
 * present, else by `node --import bench/maxrss.mjs`. The ratio column divides each ogmetric wall
 * time by DuckDB's for the same job and size.
 *
 * Correctness: for every size, the state means of every node from `--by state` must agree with
 * DuckDB's to 1e-9, with the same body count per state; at the smallest size (if at most 200,000
 * rows) every node of every body from `score` is also compared with DuckDB's per-body output. A
 * benchmark of a wrong answer is worthless, so a disagreement is printed and the exit code is 1.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Papa from "papaparse";
import { DEFAULT_SEED } from "../fixtures/generate.mjs";
import { NODES } from "./duckdb-job.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "bench", "out");
const CLI = join(root, "bin", "ogmetric.js");
const TOLERANCE = 1e-9;
/** Largest size whose per-body outputs are compared (the comparison holds both files in memory). */
const BODY_CHECK_MAX = 200_000;
/** The size issues 4 and 8 state their targets for. */
const TARGET_ROWS = 1_000_000;
const ALL_JOBS = ["score", "by-state", "aggregate", "duckdb-score", "duckdb-by-state", "duckdb-aggregate"];

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = { sizes: [100_000, 1_000_000], runs: 3, seed: DEFAULT_SEED, jobs: ALL_JOBS };
  const integer = (name, text) => {
    if (!/^\d+$/.test(text ?? "") || Number(text) === 0) throw new RangeError(`--${name} must be a positive integer, received "${text ?? ""}"`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") {
      options.sizes = [100_000];
      options.runs = 1;
    } else if (arg === "--sizes") options.sizes = (argv[++i] ?? "").split(",").map((s) => integer("sizes", s.replaceAll("_", "")));
    else if (arg === "--runs") options.runs = integer("runs", argv[++i]);
    else if (arg === "--seed") options.seed = integer("seed", argv[++i]);
    else if (arg === "--jobs") {
      options.jobs = (argv[++i] ?? "").split(",");
      const unknown = options.jobs.find((j) => !ALL_JOBS.includes(j));
      if (unknown !== undefined) throw new RangeError(`--jobs: unknown job "${unknown}" (jobs: ${ALL_JOBS.join(", ")})`);
    } else if (arg === "--help" || arg === "-h") {
      console.log(`usage: node bench/run.mjs [--sizes 100000,1000000] [--runs 3] [--quick] [--seed 20170] [--jobs ${ALL_JOBS.join(",")}]`);
      process.exit(0);
    } else throw new RangeError(`unexpected argument "${arg}" (try --help)`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

const HAVE_GNU_TIME = spawnSync("/usr/bin/time", ["-f", "%M", "true"], { stdio: "ignore" }).status === 0;

/**
 * Runs `node ARGS...` as a child, timing it and reading its peak RSS.
 * @returns {Promise<{ seconds: number, cpu: number, rssMB: number, stdout: string }>} wall seconds,
 *   CPU seconds (user + system, all threads) and peak RSS

 */
function measure(args, statsFile) {
  const [command, commandArgs, env] = HAVE_GNU_TIME
    ? ["/usr/bin/time", ["-f", "%U %S %M", "-o", statsFile, process.execPath, ...args], process.env]
    : [process.execPath, ["--import", join(root, "bench", "maxrss.mjs"), ...args], { ...process.env, OGMETRIC_BENCH_RSS: statsFile }];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, commandArgs, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - start) / 1000;
      if (code !== 0) {
        reject(new Error(`node ${args.join(" ")} exited with ${code}\n${stderr.trim()}`));
        return;
      }
      // Last line: "user system maxRSS-KB" (GNU time may print a status line before it).
      const [user, system, kb] = readFileSync(statsFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
      resolve({ seconds, cpu: user + system, rssMB: kb / 1024, stdout });
    });
  });
}

/** The seeded benchmark file of `rows` bodies, generated once and then reused. */
/**
 * The scores file of a bench file (`ogmetric score FILE`), made once and reused: the input of the
 * `aggregate` jobs.
 */
function scoresFile(file) {
  const scores = file.replace(/wide(\d+)-/, "scores$1-");
  if (!existsSync(scores)) {
    const r = spawnSync(process.execPath, [CLI, "score", file, "--edition", "2017", "--out", scores], { stdio: ["ignore", "ignore", "inherit"] });
    if (r.status !== 0) throw new Error(`could not make ${scores}`);
  }
  return scores;
}

function benchFile(rows, seed) {
  const file = join(outDir, `wide2017-${rows}-s${seed}.csv`);
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  // bench/out/ is git-ignored, so a fresh clone does not have it.
  mkdirSync(outDir, { recursive: true });
  process.stderr.write(`generating ${file} ...\n`);
  const result = spawnSync(process.execPath, [join(root, "fixtures", "generate.mjs"), "wide", "--edition", "2017", "--rows", String(rows), "--seed", String(seed), "--out", partial], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`fixtures/generate.mjs failed for ${rows} rows`);
  renameSync(partial, file);
  return file;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Correctness
// ---------------------------------------------------------------------------------------------

const parseCsv = (file) => Papa.parse(readFileSync(file, "utf8"), { header: true, skipEmptyLines: true }).data;

/**
 * Reads the table of `ogmetric score --by state` into state → { n, node → mean }. The value of a
 * node's mean is the column named by its code (or `code.mean` / `code_mean`), the body count the
 * column `bodies` (or `n`, `count`).
 */
function readOgmetricGroups(file) {
  const groups = new Map();
  for (const row of parseCsv(file)) {
    const g = { n: Number(row.bodies ?? row.n ?? row.count) };
    for (const code of NODES) {
      const cell = row[code] ?? row[`${code}.mean`] ?? row[`${code}_mean`];
      g[code] = cell === undefined || cell === "" ? undefined : Number(cell);
    }
    groups.set(row.state, g);
  }
  return groups;
}

/**
 * Compares two state → node → mean tables; returns a list of differences as text. The SQL groups by
 * the spelling in the file (`Estado de México`), ogmetric by the catalog's canonical name
 * (`México`): DuckDB's keys go through the core's `normalizeState` first (its own tests cover it).
 */
function compareGroups(ours, duckBySpelling, normalizeState) {
  const problems = [];
  const duck = {};
  for (const [spelling, g] of Object.entries(duckBySpelling)) {
    const name = normalizeState(spelling)?.name ?? spelling;
    if (name in duck) problems.push(`${spelling}: a second DuckDB group for ${name}`);
    duck[name] = g;
  }
  let maxDiff = 0;
  const keys = new Set([...ours.keys(), ...Object.keys(duck)]);
  for (const state of keys) {
    const a = ours.get(state);
    const b = duck[state];
    if (!a || !b) {
      problems.push(`${state}: only in ${a ? "ogmetric" : "DuckDB"}`);
      continue;
    }
    if (a.n !== b.n) problems.push(`${state}: n ${a.n} vs DuckDB ${b.n}`);
    for (const code of NODES) {
      if (a[code] === undefined) {
        problems.push(`${state} ${code}: no column in ogmetric's table`);
        continue;
      }
      const d = Math.abs(a[code] - b[code]);
      if (d > maxDiff) maxDiff = d;
      if (!(d <= TOLERANCE)) problems.push(`${state} ${code}: ${a[code]} vs DuckDB ${b[code]} (diff ${d.toExponential(2)})`);
    }
  }
  return { problems, maxDiff, groups: keys.size };
}

/** Compares every node of every body of two per-body score files (by id). */
function compareBodies(oursFile, duckFile) {
  const duck = new Map(parseCsv(duckFile).map((r) => [r.id, r]));
  const problems = [];
  let maxDiff = 0;
  let bodies = 0;
  for (const row of parseCsv(oursFile)) {
    bodies++;
    const d = duck.get(row.id);
    if (!d) {
      if (problems.length < 10) problems.push(`${row.id}: not in DuckDB's output`);
      continue;
    }
    for (const code of NODES) {
      const diff = Math.abs(Number(row[code]) - Number(d[code]));
      if (diff > maxDiff) maxDiff = diff;
      if (!(diff <= TOLERANCE) && problems.length < 10) problems.push(`${row.id} ${code}: ${row[code]} vs DuckDB ${d[code]}`);
    }
  }
  if (bodies !== duck.size) problems.push(`${bodies} bodies vs DuckDB ${duck.size}`);
  return { problems, maxDiff, bodies };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npx tsup` first");
  const { version: duckdbVersion } = await import("@duckdb/node-api");
  const { normalizeState } = await import("../dist/index.js");
  const tmp = mkdtempSync(join(tmpdir(), "ogmetric-bench-"));
  const jobs = options.jobs;
  const results = [];
  let failed = false;

  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), node ${process.version}, DuckDB ${duckdbVersion()}, load average ${loadavg()[0].toFixed(2)} at start`);
  console.log(`CPU time and peak RSS by ${HAVE_GNU_TIME ? "/usr/bin/time -f \"%U %S %M\"" : "process.resourceUsage() (bench/maxrss.mjs)"}; ${options.runs} round(s) of the jobs in turn; median times, highest RSS\n`);
  try {
    for (const rows of options.sizes) {
      const file = benchFile(rows, options.seed);
      const mb = statSync(file).size / 1e6;
      const out = (name) => join(tmp, `${name}-${rows}`);
      const scores = jobs.some((j) => j.endsWith("aggregate")) ? scoresFile(file) : "";
      const commands = {
        score: [CLI, "score", file, "--edition", "2017", "--out", `${out("score")}.csv`],
        "by-state": [CLI, "score", file, "--edition", "2017", "--by", "state", "--out", `${out("by-state")}.csv`],
        aggregate: [CLI, "aggregate", scores, "--by", "state", "--out", `${out("aggregate")}.csv`],
        "duckdb-score": [join(root, "bench", "duckdb-job.mjs"), "score", file, `${out("duckdb-score")}.csv`],
        "duckdb-by-state": [join(root, "bench", "duckdb-job.mjs"), "by-state", file, `${out("duckdb-by-state")}.json`],
        "duckdb-aggregate": [join(root, "bench", "duckdb-job.mjs"), "aggregate", scores, `${out("duckdb-aggregate")}.json`],
      };
      // Rounds of every job in turn, so that a burst of load from elsewhere hits all jobs alike and
      // spoils the ratios less than if it fell on the runs of one job.
      const runs = new Map(jobs.map((job) => [job, []]));
      for (let r = 0; r < options.runs; r++) {
        for (const job of jobs) {
          const m = await measure(commands[job], join(tmp, "stats"));
          runs.get(job).push(m);
          process.stderr.write(`  ${job} ${rows}: run ${r + 1} ${m.seconds.toFixed(2)} s (CPU ${m.cpu.toFixed(2)} s) ${m.rssMB.toFixed(0)} MB\n`);
        }
      }
      for (const [job, ms] of runs) {
        results.push({ job, rows, mb, seconds: median(ms.map((x) => x.seconds)), cpu: median(ms.map((x) => x.cpu)), rssMB: Math.max(...ms.map((x) => x.rssMB)) });
      }

      if (jobs.includes("by-state") && jobs.includes("duckdb-by-state")) {
        const check = compareGroups(readOgmetricGroups(`${out("by-state")}.csv`), JSON.parse(readFileSync(`${out("duckdb-by-state")}.json`, "utf8")), normalizeState);
        const verdict = check.problems.length === 0 ? "OK" : "DIFFERENT";
        console.log(`check ${rows}: --by state vs DuckDB, ${check.groups} groups x ${NODES.length} nodes, max |diff| ${check.maxDiff.toExponential(1)}: ${verdict}`);
        for (const p of check.problems.slice(0, 20)) console.log(`  ${p}`);
        if (check.problems.length) failed = true;
      }
      // Per body, both files are read whole into memory here: only for a small size.
      if (rows === Math.min(...options.sizes) && rows <= BODY_CHECK_MAX && jobs.includes("score") && jobs.includes("duckdb-score")) {
        const check = compareBodies(`${out("score")}.csv`, `${out("duckdb-score")}.csv`);
        const verdict = check.problems.length === 0 ? "OK" : "DIFFERENT";
        console.log(`check ${rows}: score vs DuckDB, ${check.bodies} bodies x ${NODES.length} nodes, max |diff| ${check.maxDiff.toExponential(1)}: ${verdict}`);
        for (const p of check.problems) console.log(`  ${p}`);
        if (check.problems.length) failed = true;
      }
      if (jobs.includes("aggregate") && jobs.includes("duckdb-aggregate")) {
        const check = compareGroups(readOgmetricGroups(`${out("aggregate")}.csv`), JSON.parse(readFileSync(`${out("duckdb-aggregate")}.json`, "utf8")), normalizeState);
        console.log(`check ${rows}: aggregate vs DuckDB, ${check.groups} groups x ${NODES.length} nodes, max |diff| ${check.maxDiff.toExponential(1)}: ${check.problems.length === 0 ? "OK" : "DIFFERENT"}`);
        for (const p of check.problems.slice(0, 20)) console.log(`  ${p}`);
        if (check.problems.length) failed = true;
      }
      for (const f of Object.keys(commands)) rmSync(`${out(f)}.${f.startsWith("duckdb-") && f !== "duckdb-score" ? "json" : "csv"}`, { force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // The table, in Markdown so that it pastes into bench/README.md.
  const fmt = (x, digits = 0) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  console.log("\n| job | rows | file MB | seconds | CPU s | bodies/s | peak RSS MB | x DuckDB |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const base = results.find((d) => d.rows === r.rows && d.job === (r.job.startsWith("duckdb-") ? r.job : `duckdb-${r.job}`));
    const ratio = base && base !== r ? `${fmt(r.seconds / base.seconds, 2)}x` : "";
    console.log(`| ${r.job} | ${fmt(r.rows)} | ${fmt(r.mb, 1)} | ${fmt(r.seconds, 2)} | ${fmt(r.cpu, 2)} | ${fmt(r.rows / r.seconds)} | ${fmt(r.rssMB)} | ${ratio} |`);
  }

  // Issue 8's targets are stated for 1,000,000 rows (about 130 MB), side by side with DuckDB.
  const big = TARGET_ROWS;
  const at = (job) => results.find((r) => r.job === job && r.rows === big);
  const verdict = (ok) => (ok ? "met" : "MISSED");
  const pairs = [
    ["by-state", "score --by state", 1.5, 1.0],
    ["score", "per-body score", 1.2, undefined],
    ["aggregate", "aggregate of a scores file", 1.5, undefined],
  ];
  const checked = pairs.filter(([job]) => at(job) && at(`duckdb-${job}`));
  if (checked.length === 0) console.log(`\n(issue 8's targets are for ${fmt(big)} rows with each job and its DuckDB peer: not checked in this run)`);
  else console.log(`\ntargets at ${fmt(big)} rows (issue 8), ratios to DuckDB in this run:`);
  for (const [job, name, wallMax, cpuMax] of checked) {
    const mine = at(job);
    const duck = at(`duckdb-${job}`);
    const wall = mine.seconds / duck.seconds;
    const cpu = mine.cpu / duck.cpu;
    console.log(`  ${name}: wall ${fmt(wall, 2)}x (target ${wallMax}x) ${verdict(wall <= wallMax)}${cpuMax === undefined ? `; CPU ${fmt(cpu, 2)}x` : `; CPU ${fmt(cpu, 2)}x (target ${cpuMax}x) ${verdict(cpu <= cpuMax)}`}`);
  }
  const mem = results.filter((r) => !r.job.startsWith("duckdb-"));
  if (mem.length > 0) console.log(`  peak RSS at most 150 MB: ${mem.map((r) => `${r.job} ${fmt(r.rows)} rows ${fmt(r.rssMB)} MB`).join(", ")}  ${verdict(mem.every((r) => r.rssMB <= 150))}`);
  console.log(`\nload average ${loadavg()[0].toFixed(2)} at the end (this machine's 2 cores may be shared: DuckDB's two threads feel other load most)`);
  if (failed) {
    console.log("\nthe answers disagree: these timings measure a wrong result");
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`bench/run.mjs: ${error.message}`);
  process.exitCode = 1;
});
