#!/usr/bin/env node
/**
 * The reference job in DuckDB SQL, run by `bench/run.mjs` as a child process so that its wall time
 * and peak RSS are measured the same way as the CLI's.
 *
 *   node bench/duckdb-job.mjs score    INPUT.csv OUT.csv    # every node of every body, to a CSV file
 *   node bench/duckdb-job.mjs by-state INPUT.csv OUT.json   # state means of every node, as JSON
 *   node bench/duckdb-job.mjs aggregate SCORES.csv OUT.json # state means of a scores file written by ogmetric score
 *
 * The SQL is written by hand from METHODOLOGY.md §2–3 (edition 2017), not generated from the rubric,
 * so that it is an independent check of ogmetric's numbers as well as a clock:
 *   tg = .5 ai + .2 tr + .2 tp + .1 da          tc = mean of the four tc.* shares
 *   pg = .2 mec + .1 act/3 + .3 fun + .1 form/3 + .3 seg, the last four forced to 0 when mec = 0
 *   pc = .2 met/3 + .3 recep + .3 act + .2 cel
 *   t = (tg + tc)/2, p = (pg + pc)/2, iga = (t + p)/2; view: gobierno = (tg + pg)/2, ciudadano = (tc + pc)/2
 * An empty cell is NULL and propagates (SQL arithmetic), which is the rubric's `missing` policy; a
 * gated leaf is 0 whatever its input. Group means skip NULLs, as ogmetric's means skip missing.
 *
 * Column types are given, not sniffed: ogmetric knows its columns from the rubric, so DuckDB gets
 * the same knowledge. DuckDB uses its default thread count (all cores).
 *
 * Prints one JSON line on stdout: { rows, groups, querySeconds, duckdb }.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DuckDBInstance, version } from "@duckdb/node-api";

/** Node codes in ogmetric's display order (main tree in pre-order, then the perspective view). */
export const NODES = [
  "iga", "t", "tg", "tg.ai", "tg.tr", "tg.tp", "tg.da",
  "tc", "tc.disp", "tc.clar", "tc.comp", "tc.cel",
  "p", "pg", "pg.mec", "pg.act", "pg.fun", "pg.form", "pg.seg",
  "pc", "pc.met", "pc.recep", "pc.act", "pc.cel",
  "gobierno", "ciudadano",
];

const literal = (s) => `'${s.replaceAll("'", "''")}'`;
const quoted = (c) => `"${c}"`;

const LEAVES = [
  "tg.ai", "tg.tr", "tg.tp", "tg.da",
  "tc.disp", "tc.clar", "tc.comp", "tc.cel",
  "pg.mec", "pg.act", "pg.fun", "pg.form", "pg.seg",
  "pc.met", "pc.recep", "pc.act", "pc.cel",
];
const COLUMNS = [
  ...["id", "name", "state", "level", "type"].map((c) => `${literal(c)}: 'VARCHAR'`),
  ...LEAVES.map((c) => `${literal(c)}: 'DOUBLE'`),
].join(", ");

/**
 * The query giving every node of every body of a file, as a `WITH` prefix defining `scores`: leaf
 * scores (counts / 3, the gate), then the four sub-indices, then the top of the tree and the view.
 * @param input - the wide CSV file
 * @returns SQL text to be followed by a SELECT from `scores`
 */
function scoresSql(input) {
  return `
WITH src AS (
  SELECT * FROM read_csv(${literal(input)}, header = true, auto_detect = false, delim = ',', quote = '"',
                         escape = '"', columns = {${COLUMNS}})
), leaf AS (
  SELECT id, name, state, level, type,
    "tg.ai", "tg.tr", "tg.tp", "tg.da",
    "tc.disp", "tc.clar", "tc.comp", "tc.cel",
    "pg.mec",
    CASE WHEN "pg.mec" = 0 THEN 0 ELSE "pg.act" / 3 END AS "pg.act",
    CASE WHEN "pg.mec" = 0 THEN 0 ELSE "pg.fun" END AS "pg.fun",
    CASE WHEN "pg.mec" = 0 THEN 0 ELSE "pg.form" / 3 END AS "pg.form",
    CASE WHEN "pg.mec" = 0 THEN 0 ELSE "pg.seg" END AS "pg.seg",
    "pc.met" / 3 AS "pc.met", "pc.recep", "pc.act", "pc.cel"
  FROM src
), sub AS (
  SELECT *,
    0.5 * "tg.ai" + 0.2 * "tg.tr" + 0.2 * "tg.tp" + 0.1 * "tg.da" AS tg,
    ("tc.disp" + "tc.clar" + "tc.comp" + "tc.cel") / 4 AS tc,
    0.2 * "pg.mec" + 0.1 * "pg.act" + 0.3 * "pg.fun" + 0.1 * "pg.form" + 0.3 * "pg.seg" AS pg,
    0.2 * "pc.met" + 0.3 * "pc.recep" + 0.3 * "pc.act" + 0.2 * "pc.cel" AS pc
  FROM leaf
), scores AS (
  SELECT id, name, state, level, type,
    ((tg + tc) / 2 + (pg + pc) / 2) / 2 AS iga,
    (tg + tc) / 2 AS t, tg, "tg.ai", "tg.tr", "tg.tp", "tg.da",
    tc, "tc.disp", "tc.clar", "tc.comp", "tc.cel",
    (pg + pc) / 2 AS p, pg, "pg.mec", "pg.act", "pg.fun", "pg.form", "pg.seg",
    pc, "pc.met", "pc.recep", "pc.act", "pc.cel",
    (tg + pg) / 2 AS gobierno, (tc + pc) / 2 AS ciudadano
  FROM sub
)`;
}

/**
 * Runs one job on one file (a fresh in-memory database) and prints its summary line.
 * @param job - "score" or "by-state"
 * @param input - the wide CSV file
 * @param out - the file to write
 */
async function run(job, input, out) {
  const byState = `SELECT state, count(*) AS n, ${NODES.map((c) => `avg(${quoted(c)}) AS ${quoted(c)}`).join(", ")}
FROM scores GROUP BY state ORDER BY state`;
  const sql =
    job === "score"
      ? `COPY (${scoresSql(input)} SELECT * FROM scores) TO ${literal(out)} (HEADER, DELIMITER ',')`
      : job === "aggregate"
        ? // A scores file written by ogmetric score: NA and empty cells are not scored.
          `WITH scores AS (SELECT * FROM read_csv(${literal(input)}, header = true, nullstr = ['', 'NA'], types = {${NODES.map((c) => `${literal(c)}: 'DOUBLE'`).join(", ")}}))
${byState}`
        : `${scoresSql(input)}
${byState}`;

  const start = performance.now();
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  let rows;
  let groups = null;
  if (job === "score") {
    const result = await connection.run(sql);
    rows = Number(result.rowsChanged);
  } else {
    const table = (await connection.runAndReadAll(sql)).getRowObjectsJS();
    groups = table.length;
    rows = table.reduce((n, r) => n + Number(r.n), 0);
    const means = {};
    for (const r of table) {
      const row = { n: Number(r.n) };
      for (const c of NODES) row[c] = r[c];
      means[r.state] = row;
    }
    writeFileSync(out, JSON.stringify(means));
  }
  const querySeconds = (performance.now() - start) / 1000;
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ rows, groups, querySeconds, duckdb: version() })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [job, input, out] = process.argv.slice(2);
  if (!["score", "by-state", "aggregate"].includes(job ?? "") || !input || !out) {
    process.stderr.write("usage: node bench/duckdb-job.mjs score|by-state|aggregate INPUT.csv OUT\n");
    process.exitCode = 2;
  } else await run(job, input, out);
}
