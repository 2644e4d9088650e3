#!/usr/bin/env node
/**
 * Reading the 1,000,000-row file five ways, interleaved, each run in a child process of its own:
 *
 *   papa        papaparse alone, streaming, array mode (the parse floor of the old reader)
 *   old         the old CsvReader (papaparse + RecordScanner, from git) giving string batches
 *   old-num     the same, plus every value cell made a number (Number), what `score` did
 *   new         the new CsvReader (string batches built on the record layer)
 *   bytes       the new byte API: `id` and `state` as text, every other field with decimal()
 *               (falling back on text() + Number for a cell that is not a plain decimal)
 *   bytes-lean  what `score --by state` needs: the same, but `id` only hashed into an IdLog
 *               from its bytes (IdLog.addField) and `state` read through a TextPool
 *
 * Each child reports wall time and CPU time (process.cpuUsage) from just before opening the
 * file to the end (node's start-up left out), its peak RSS, its row count and a checksum of
 * the cells it read (the checksums of old-num and bytes must agree). The parent runs the jobs
 * in rounds, one after another, and prints medians and ratios: on a shared machine, read the
 * ratios of one run, not lone times.
 *
 *   node fixtures/generate.mjs wide --edition 2017 --rows 1000000 --seed 20170 --out bench/out/wide2017-1000000-s20170.csv
 *   node bench/reader.mjs [FILE] [--runs 5] [--jobs papa,old,old-num,new,bytes,bytes-lean] [--base COMMIT]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bench", "out");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const file = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? join(out, "wide2017-1000000-s20170.csv");
/** The commit whose reader is "old": the last one before the record layer. */
const BASE = option("base", "08f09c1");

if (option("job") !== undefined) {
  await child(option("job"), file);
} else {
  await parent();
}

/** Bundles the old reader (from git, built in a temporary directory) and the new one (from src) into bench/out. */
function build() {
  const tmp = mkdtempSync(join(tmpdir(), "ogmetric-bench-"));
  for (const name of ["readCsv", "recordScanner", "decodeChunks"]) {
    writeFileSync(join(tmp, `${name}.ts`), execFileSync("git", ["show", `${BASE}:src/io/${name}.ts`], { cwd: root }));
  }
  const esbuild = join(root, "node_modules", ".bin", "esbuild");
  const bundle = (entry, target) =>
    execFileSync(esbuild, [entry, "--bundle", "--platform=node", "--format=esm", "--target=node20", `--outfile=${target}`, "--log-level=warning", "--external:papaparse"], { cwd: root });
  mkdirSync(out, { recursive: true });
  bundle(join(tmp, "readCsv.ts"), join(out, "reader-old.mjs"));
  const io = join(root, "src", "io");
  writeFileSync(
    join(tmp, "new.ts"),
    `export * from ${JSON.stringify(join(io, "readCsv.ts"))};\nexport * from ${JSON.stringify(join(io, "csvRecordReader.ts"))};\nexport { openCsvRecords } from ${JSON.stringify(join(io, "byteSource.ts"))};\nexport { IdLog } from ${JSON.stringify(join(root, "src", "cli", "idLog.ts"))};\n`,
  );
  bundle(join(tmp, "new.ts"), join(out, "reader-new.mjs"));
  rmSync(tmp, { recursive: true, force: true });
}

async function parent() {
  if (!existsSync(file)) {
    console.error(`no ${file}: generate it with\n  node fixtures/generate.mjs wide --edition 2017 --rows 1000000 --seed 20170 --out ${file}`);
    process.exit(2);
  }
  build();
  const runs = Number(option("runs", "5"));
  const jobs = option("jobs", "papa,old,old-num,new,bytes,bytes-lean").split(",");
  const results = Object.fromEntries(jobs.map((j) => [j, []]));
  console.log(`${file}\nload average at start: ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (let round = 1; round <= runs; round++) {
    for (const job of jobs) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), file, "--job", job], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${job}: ${r.stderr}`);
      const m = JSON.parse(r.stdout);
      results[job].push(m);
      console.log(`round ${round} ${job.padEnd(8)} wall ${m.wall.toFixed(3)} s  cpu ${m.cpu.toFixed(3)} s  rss ${m.rss} MB  rows ${m.rows}  checksum ${m.checksum}`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const table = jobs.map((job) => {
    const rs = results[job];
    return { job, wall: median(rs.map((m) => m.wall)), cpu: median(rs.map((m) => m.cpu)), rss: Math.max(...rs.map((m) => m.rss)), rows: rs[0].rows, checksum: rs[0].checksum };
  });
  const ref = (name) => table.find((t) => t.job === name);
  console.log(`\nload average at end: ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`\n| job | rows | wall s (median of ${runs}) | CPU s | peak RSS MB | wall / old | CPU / old | wall / papa |`);
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const t of table) {
    const old = ref("old");
    const papa = ref("papa");
    const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}x` : "");
    console.log(`| ${t.job} | ${t.rows.toLocaleString("en-US")} | ${t.wall.toFixed(2)} | ${t.cpu.toFixed(2)} | ${t.rss} | ${ratio(t.wall, old?.wall)} | ${ratio(t.cpu, old?.cpu)} | ${ratio(t.wall, papa?.wall)} |`);
  }
  const a = ref("old-num");
  for (const name of ["bytes", "bytes-lean"]) {
    const b = ref(name);
    if (!a || !b) continue;
    const same = a.checksum === b.checksum && a.rows === b.rows;
    console.log(`old-num and ${name} read the same cells: ${same ? "yes" : "NO"} (rows ${a.rows} / ${b.rows}, checksum ${a.checksum} / ${b.checksum})`);
    if (!same) process.exitCode = 1;
  }
}

/** One job, in its own process: prints { wall, cpu, rss, rows, checksum } as JSON. */
async function child(job, path) {
  const lib = job === "old" || job === "old-num" ? await import(pathToFileURL(join(out, "reader-old.mjs")).href) : job === "papa" ? undefined : await import(pathToFileURL(join(out, "reader-new.mjs")).href);
  const Papa = job === "papa" ? (await import("papaparse")).default : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  let checksum = 0;
  /** Text cells are summed by length, value cells by value. */
  const textCols = new Set([0, 1, 2, 3, 4]);
  if (job === "papa") {
    await new Promise((resolve, reject) => {
      Papa.parse(createReadStream(path, "utf8"), {
        chunk: (result) => {
          rows += result.data.length;
        },
        complete: resolve,
        error: reject,
      });
    });
    rows -= 1; // the header
  } else if (job === "bytes" || job === "bytes-lean") {
    const { openCsvRecords, DECIMAL_PLAIN, DECIMAL_EMPTY, RECORD_OK, IdLog, TextPool, createDecimalSlot } = lib;
    const lean = job === "bytes-lean";
    const csv = await openCsvRecords(path);
    const id = csv.header.indexOf("id");
    const state = csv.header.indexOf("state");
    const values = csv.header.map((_, c) => c).filter((c) => !textCols.has(c));
    const slot = createDecimalSlot();
    const ids = new IdLog();
    const states = new TextPool();
    const idLength = new Int32Array(2);
    for await (const batch of csv) {
      for (let r = 0; r < batch.length; r++) {
        if (batch.status(r) !== RECORD_OK) continue;
        rows++;
        if (lean) {
          ids.addField(batch, r, id, batch.row(r));
          batch.fieldBytes(r, id, idLength);
          checksum += idLength[1] - idLength[0] + batch.text(r, state, states).length;
        } else checksum += batch.text(r, id).length + batch.text(r, state).length;
        for (let k = 0; k < values.length; k++) {
          const code = batch.decimal(r, values[k], slot);
          if (code === DECIMAL_PLAIN) checksum += slot.value;
          else if (code !== DECIMAL_EMPTY) checksum += Number(batch.text(r, values[k]));
        }
      }
    }
  } else {
    const csv = await lib.CsvReader.open(path);
    const id = csv.header.indexOf("id");
    const state = csv.header.indexOf("state");
    const values = csv.header.map((_, c) => c).filter((c) => !textCols.has(c));
    const numbers = job === "old-num";
    for await (const batch of csv) {
      for (const row of batch.rows) {
        rows++;
        if (!numbers) continue;
        checksum += row[id].length + row[state].length;
        for (let k = 0; k < values.length; k++) {
          const cell = row[values[k]];
          if (cell !== "") checksum += Number(cell);
        }
      }
    }
  }
  const wall = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu0);
  const rss = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ wall, cpu: (user + system) / 1e6, rss, rows, checksum: Number(checksum.toPrecision(12)) }));
}
