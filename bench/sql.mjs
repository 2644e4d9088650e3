#!/usr/bin/env node
/**
 * Benchmark of the SQL that `ogmetric sql` generates (issue 13): the state table of the 2017 wide
 * file (every node's mean per state), computed four ways, each as a child process:
 *
 *   sql          the generated query in DuckDB, cells read as text (the default: CAST to VARCHAR,
 *                trimmed, NA tokens, decimal check), over the same typed columns as the hand query
 *   sql-number   the generated query with --cells number (numeric columns read as numbers)
 *   sql-varchar  the generated query over the file read with every column VARCHAR (a table of
 *                text, as a CSV loaded without types): the text reading runs on every cell
 *   hand         bench/duckdb-job.mjs by-state: the hand-written DuckDB query (METHODOLOGY §2–3)
 *   cli          node bin/ogmetric.js score FILE --edition 2017 --by state (the built CLI)
 *
 *   npx tsup && node bench/sql.mjs [--rows 1000000] [--runs 5] [--jobs sql,sql-number,hand,cli]
 *
 * The file is bench/out/wide2017-ROWS-s20170.csv, made with fixtures/generate.mjs when missing. Both
 * DuckDB jobs read it with read_csv and the same declared column types (VARCHAR identity, DOUBLE
 * leaves); the generated query gets all 17 leaves as body columns (--nodes), as the CLI reads them.
 *
 * The machine is shared: runs are interleaved (one run of every job per round, the order rotating
 * each round) and the ratios are taken within a round, then summarised by their median and range.
 * Wall time is measured around the child; CPU time (user + system, all threads) and peak RSS by
 * GNU /usr/bin/time. The answers are checked: every state's body count and every node's mean must
 * agree across the jobs to 1e-9 (the CLI names states canonically; the one alias in the file,
 * Estado de México, is mapped), or the script exits 1.
 *
 * Child mode (used by the jobs above): node bench/sql.mjs --child SQL_FILE INPUT.csv OUT.json [--varchar]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Papa from "papaparse";
import { NODES } from "./duckdb-job.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(root, "bin", "ogmetric.js");
const LEAVES = NODES.filter((n) => n.includes("."));
const ALL_JOBS = ["sql", "sql-number", "sql-varchar", "hand", "cli"];

const literal = (s) => `'${s.replaceAll("'", "''")}'`;

/** The child: a fresh in-memory DuckDB, the file as view "survey", the query, the means as JSON. */
async function child(sqlFile, input, out, varchar) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const columns = [...["id", "name", "state", "level", "type"].map((c) => `${literal(c)}: 'VARCHAR'`), ...LEAVES.map((c) => `${literal(c)}: '${varchar ? "VARCHAR" : "DOUBLE"}'`)].join(", ");
  const start = performance.now();
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(
    `CREATE VIEW survey AS SELECT * FROM read_csv(${literal(input)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}})`,
  );
  const rows = (await connection.runAndReadAll(readFileSync(sqlFile, "utf8").replace(/;\s*$/, ""))).getRowObjectsJS();
  const means = {};
  for (const r of rows) {
    const row = { n: Number(r.bodies) };
    for (const c of NODES) row[c] = r[c];
    means[r.state] = row;
  }
  writeFileSync(out, JSON.stringify(means));
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ rows: rows.reduce((n, r) => n + Number(r.bodies), 0), groups: rows.length, querySeconds: (performance.now() - start) / 1000 })}\n`);
}

function parseArgs(argv) {
  const o = { rows: 1_000_000, runs: 5, jobs: ALL_JOBS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--rows") o.rows = Number(argv[++i]);
    else if (a === "--runs") o.runs = Number(argv[++i]);
    else if (a === "--jobs") o.jobs = argv[++i].split(",");
    else throw new RangeError(`unexpected argument ${a}; usage: node bench/sql.mjs [--rows N] [--runs N] [--jobs ${ALL_JOBS.join(",")}]`);
  }
  if (!(o.rows > 0) || !(o.runs > 0) || o.jobs.some((j) => !ALL_JOBS.includes(j))) throw new RangeError("bad --rows, --runs or --jobs");
  return o;
}

/** Runs a command under /usr/bin/time: wall seconds, CPU seconds, peak RSS in MB. */
function measure(cmd, args) {
  const start = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 26, cwd: root });
  const wall = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const [user, system, rss] = r.stderr.trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + system, rss: rss / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function cliMeans(file) {
  const { data } = Papa.parse(readFileSync(file, "utf8"), { header: true, skipEmptyLines: true });
  const means = {};
  for (const r of data) {
    const row = { n: Number(r.bodies) };
    for (const c of NODES) row[c] = r[c] === "" ? null : Number(r[c]);
    means[r.state === "México" ? "Estado de México" : r.state] = row;
  }
  return means;
}

function compare(name, a, b) {
  let worst = 0;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return `${name}: ${keys.length} vs ${Object.keys(b).length} groups`;
  for (const k of keys) {
    if (!b[k]) return `${name}: no group ${k}`;
    if (a[k].n !== b[k].n) return `${name}: ${k} has ${a[k].n} vs ${b[k].n} bodies`;
    for (const c of NODES) {
      const x = a[k][c];
      const y = b[k][c];
      if ((x === null) !== (y === null)) return `${name}: ${k} ${c} ${x} vs ${y}`;
      if (x !== null) worst = Math.max(worst, Math.abs(x - y));
    }
  }
  return worst <= 1e-9 ? { worst } : `${name}: max |diff| ${worst}`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const input = join(root, "bench", "out", `wide2017-${o.rows}-s20170.csv`);
  if (!existsSync(input)) {
    const g = spawnSync(process.execPath, [join(root, "fixtures", "generate.mjs"), "wide", "--edition", "2017", "--rows", String(o.rows), "--seed", "20170", "--out", input], { stdio: "inherit" });
    if (g.status !== 0) throw new Error("could not generate the input file");
  }
  if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("dist/ is missing: run npx tsup first");
  const tmp = mkdtempSync(join(tmpdir(), "ogmetric-bench-sql-"));
  try {
    const sqlFor = (cells) => {
      const args = ["sql", "--edition", "2017", "--dialect", "duckdb", "--table", "survey", "--nodes", LEAVES.join(","), "--by", "state", ...(cells ? ["--cells", cells] : [])];
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: root });
      if (r.status !== 0) throw new Error(r.stderr);
      const file = join(tmp, `${cells ?? "text"}.sql`);
      writeFileSync(file, r.stdout);
      return file;
    };
    const jobs = {
      sql: { args: () => [process.execPath, [fileURLToPath(import.meta.url), "--child", sqlFor(), input, join(tmp, "sql.json")]], out: join(tmp, "sql.json") },
      "sql-varchar": { args: () => [process.execPath, [fileURLToPath(import.meta.url), "--child", sqlFor(), input, join(tmp, "sql-varchar.json"), "--varchar"]], out: join(tmp, "sql-varchar.json") },
      "sql-number": { args: () => [process.execPath, [fileURLToPath(import.meta.url), "--child", sqlFor("number"), input, join(tmp, "sql-number.json")]], out: join(tmp, "sql-number.json") },
      hand: { args: () => [process.execPath, [join(root, "bench", "duckdb-job.mjs"), "by-state", input, join(tmp, "hand.json")]], out: join(tmp, "hand.json") },
      cli: { args: () => [process.execPath, [CLI, "score", input, "--edition", "2017", "--by", "state", "--out", join(tmp, "cli.csv")]], out: join(tmp, "cli.csv") },
    };
    const commands = Object.fromEntries(o.jobs.map((j) => [j, jobs[j].args()]));
    console.log(`bench/sql.mjs: ${o.rows.toLocaleString("en")} rows, ${o.runs} interleaved rounds, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}`);
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    const results = Object.fromEntries(o.jobs.map((j) => [j, []]));
    for (let round = 0; round < o.runs; round++) {
      const order = o.jobs.map((_, i) => o.jobs[(i + round) % o.jobs.length]);
      for (const j of order) results[j].push(measure(...commands[j]));
      console.log(`round ${round + 1}: ${o.jobs.map((j) => `${j} ${results[j][round].wall.toFixed(2)} s (cpu ${results[j][round].cpu.toFixed(2)})`).join(", ")}`);
    }
    console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);

    // Answers: all jobs give the same state table.
    const answers = Object.fromEntries(o.jobs.map((j) => [j, j === "cli" ? cliMeans(jobs.cli.out) : JSON.parse(readFileSync(jobs[j].out, "utf8"))]));
    let failed = false;
    const base = o.jobs[0];
    for (const j of o.jobs.slice(1)) {
      const c = compare(`${j} vs ${base}`, answers[j], answers[base]);
      if (typeof c === "string") {
        console.log(`check FAILED: ${c}`);
        failed = true;
      } else console.log(`check: ${j} vs ${base}: ${Object.keys(answers[j]).length} states x ${NODES.length} nodes, max |diff| ${c.worst.toExponential(1)}: OK`);
    }

    console.log("\n| job | wall s (median) | CPU s (median) | peak RSS MB |");
    console.log("|---|---:|---:|---:|");
    for (const j of o.jobs) {
      const r = results[j];
      console.log(`| ${j} | ${median(r.map((x) => x.wall)).toFixed(2)} | ${median(r.map((x) => x.cpu)).toFixed(2)} | ${Math.max(...r.map((x) => x.rss)).toFixed(0)} |`);
    }
    const pairs = [
      ["sql", "hand"],
      ["sql-number", "hand"],
      ["sql", "sql-number"],
      ["sql-varchar", "hand"],
      ["cli", "sql"],
      ["cli", "hand"],
    ].filter(([a, b]) => o.jobs.includes(a) && o.jobs.includes(b));
    console.log("\nratios within each round (median, min–max over rounds):\n");
    console.log("| ratio | wall | CPU |");
    console.log("|---|---:|---:|");
    for (const [a, b] of pairs) {
      const wall = results[a].map((x, i) => x.wall / results[b][i].wall);
      const cpu = results[a].map((x, i) => x.cpu / results[b][i].cpu);
      const fmt = (xs) => `${median(xs).toFixed(2)}x (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
      console.log(`| ${a} / ${b} | ${fmt(wall)} | ${fmt(cpu)} |`);
    }
    if (failed) process.exitCode = 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4], process.argv[5], process.argv[6] === "--varchar");
else await main();
