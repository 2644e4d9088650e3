#!/usr/bin/env node
/**
 * Timings of ogmetric/analysis: Sobol' indices on cheap models, bootstrap intervals for 33 group
 * means over 1,243 bodies (the 2019 edition's size; 32 states and Federal), the two audits, and
 * Monte Carlo uncertainty and rubric sensitivity over 1,243 bodies of the 2019 rubric.
 *
 *   node bench/analysis.mjs [--rounds 3] [--mc-runs 10000] [--only mc]
 *
 * The Monte Carlo jobs run interleaved, round after round, with a peer: the same Monte Carlo
 * written the plain way on the same engine (evaluateFrame for every body under each weight
 * vector, rankValues for the ranks, an array per body sorted at the end for the quantiles),
 * measured on a tenth of the runs and scaled up (it is linear in the runs).
 *
 * The analysis module is not in tsup's entries yet (it will be the `ogmetric/analysis` subpath),
 * so this script bundles src/analysis/index.ts and src/index.ts with esbuild into bench/out/
 * (git-ignored) and imports the bundle. Each job runs `--rounds` times after one warm-up run and
 * reports the median wall time and the median CPU time of the process (user + system; on a busy
 * shared machine the CPU time is the steadier figure, and rates are computed from it). Inputs are
 * seeded, so every run does the same work.
 */
import { mkdirSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import Papa from "papaparse";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bench", "out");
mkdirSync(out, { recursive: true });
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1] ?? 3) || 3;
const mcRuns = args.includes("--mc-runs") ? Number(args[args.indexOf("--mc-runs") + 1]) : 10_000;
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;

async function bundle(entry, name) {
  const file = join(out, name);
  await build({ entryPoints: [join(root, entry)], bundle: true, platform: "node", packages: "external", format: "esm", outfile: file, logLevel: "silent" });
  return import(pathToFileURL(file).href);
}
const A = await bundle("src/analysis/index.ts", "analysis-bundle.mjs");
const core = await bundle("src/index.ts", "core-bundle.mjs");

function time(label, job, detail) {
  job(); // warm-up
  const wall = [];
  const cpu = [];
  let result;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    result = job();
    wall.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = median(cpu);
  console.log(`${label.padEnd(66)} ${median(wall).toFixed(1).padStart(8)} ms wall ${ms.toFixed(1).padStart(8)} ms CPU   ${detail(result, ms)}`);
  return result;
}

console.log(`node ${process.version}, ${rounds} rounds (median), ${new Date().toISOString().slice(0, 10)}, load average ${(await import("node:os")).loadavg()[0].toFixed(1)}\n`);

if (only !== "mc") {
// --- Sobol' ---------------------------------------------------------------------------------
const PI = Math.PI;
const ishigami = (x) => Math.sin(x[0]) + 7 * Math.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * Math.sin(x[0]);
const ishiFactors = ["x1", "x2", "x3"].map((name) => ({ name, min: -PI, max: PI }));
const rate = (r, ms) => `${(r.evaluations / ms / 1000).toFixed(2)} M evaluations/s`;
time("sobol Ishigami, k = 3, n = 2^13, no bootstrap", () => A.sobol({ factors: ishiFactors, model: ishigami, n: 8192, seed: 1, bootstrap: 0 }), rate);
time("sobol Ishigami, k = 3, n = 2^13, 500 bootstrap replicates", () => A.sobol({ factors: ishiFactors, model: ishigami, n: 8192, seed: 1 }), (r) => `S1 ${r.first.map((s) => s.toFixed(3)).join(" ")}`);

// 26 factors: one per child edge of the 2019 rubric, a linear stand-in for the rubric's root.
const k = 26;
const coef = Array.from({ length: k }, (_, i) => 1 / (i + 1));
const linFactors = coef.map((_, i) => ({ name: `w${i}`, min: 0.5, max: 1.5 }));
const linear = (x) => {
  let s = 0;
  for (let i = 0; i < k; i++) s += coef[i] * x[i];
  return s;
};
time("sobol linear, k = 26, n = 2^12, no bootstrap", () => A.sobol({ factors: linFactors, model: linear, n: 4096, seed: 1, bootstrap: 0 }), rate);
const reps = (count) => (r, ms) => `${((count * 1000) / ms).toFixed(0)} bootstrap replicates/s (each all ${r.factors.length} factors × ${r.outputs.length} output${r.outputs.length > 1 ? "s" : ""})`;
time("sobol linear, k = 26, n = 2^12, 500 bootstrap replicates", () => A.sobol({ factors: linFactors, model: linear, n: 4096, seed: 1 }), reps(500));

// A batch model with 33 outputs (one per group), as a rubric application would use.
const groupsOut = 33;
const batch = {
  outputs: groupsOut,
  evaluateBatch(points, rows, outArr) {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += coef[i] * points[r * k + i];
      for (let g = 0; g < groupsOut; g++) outArr[r * groupsOut + g] = s * (1 + g / 100) + (g % 3) * points[r * k + (g % k)];
    }
  },
};
time("sobol batch model, k = 26, 33 outputs, n = 2^10, no bootstrap", () => A.sobol({ factors: linFactors, model: batch, n: 1024, seed: 1, bootstrap: 0 }), rate);
time("sobol batch model, k = 26, 33 outputs, n = 2^10, 200 replicates", () => A.sobol({ factors: linFactors, model: batch, n: 1024, seed: 1, bootstrap: 200 }), reps(200));

// --- Bootstrap --------------------------------------------------------------------------------
const bodies = 1243;
const rng = A.createRandom(2019);
const values = [];
const groups = [];
for (let i = 0; i < bodies; i++) {
  // Uneven group sizes (about 10 to 70 bodies), values in [0, 1] with a skew like the sub-indices'.
  const g = Math.floor(33 * rng.nextDouble() ** 1.3);
  groups.push(`g${String(g).padStart(2, "0")}`);
  values.push(Math.min(1, Math.max(0, 0.3 + 0.25 * rng.nextNormal())));
}
const sizes = new Map();
for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
const span = `${Math.min(...sizes.values())}–${Math.max(...sizes.values())} bodies per group`;
for (const method of ["percentile", "bca"]) {
  time(`bootstrapMeans ${bodies} bodies × ${sizes.size} groups, 2000 replicates, ${method}`, () => A.bootstrapMeans(values, groups, { seed: 1, replicates: 2000, method }), (r, ms) => `${((bodies * 2000) / ms / 1000).toFixed(1)} M draws/s; ${span}`);
}
time(`bootstrapMeans ${bodies} bodies × ${sizes.size} groups, 10000 replicates, bca`, () => A.bootstrapMeans(values, groups, { seed: 1, replicates: 10000, method: "bca" }), (r, ms) => `${((bodies * 10000) / ms / 1000).toFixed(1)} M draws/s`);

// --- Audits ----------------------------------------------------------------------------------
const rubric17 = core.loadEdition("2017");
const rubric19 = core.loadEdition("2019");
time("auditPublished 2019 press table (7 figures)", () => A.auditPublished(rubric19, rubric19.references), (r) => `${r.checks.length} checks, ${r.contradictions.length} contradiction`);
time("auditPublished 2017 references (24 figures)", () => A.auditPublished(rubric17, rubric17.references), (r) => `${r.checks.length} checks, ${r.contradictions.length} contradictions`);
const bso = join(root, "..", "shared", "data", "mga2017-bso.csv");
if (existsSync(bso)) {
  const text = new TextDecoder("latin1").decode(readFileSync(bso));
  const [, ...rows] = Papa.parse(text, { skipEmptyLines: true }).data;
  const scores = rows.map(([SO, edo, niv, ts, GA, P, T, TG, TC, PG, PC]) => core.scoreBody(rubric17, { id: SO, fields: { state: edo, level: niv, type: ts }, values: { GA, P, T, TG, TC, PG, PC } }));
  time(`auditScores 2017 published data (${scores.length} bodies)`, () => A.auditScores(rubric17, scores), (r) => `${r.correlations.length} pairs, ${r.drops.filter((d) => d.rescored > 0).length} drop effects`);
  time(`bootstrapScores 2017 iga by state (${scores.length} bodies), 2000 replicates, bca`, () => A.bootstrapScores(scores, { by: "state", seed: 1, method: "bca" }), (r) => `${r.groups.length} groups`);
} else console.log(`(auditScores on the 2017 data skipped: ${bso} is absent)`);
}

// --- Monte Carlo uncertainty and rubric sensitivity on the 2019 rubric ----------------------
// One bundle of the core, the engine and the analyses, so that they share the compiled rubric.
const mcFile = join(out, "mc-bundle.mjs");
await build({
  stdin: {
    contents: ["src/index.ts", "src/engine/index.ts", "src/analysis/index.ts"].map((f) => `export * from ${JSON.stringify(join(root, f))};`).join("\n"),
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  packages: "external",
  format: "esm",
  outfile: mcFile,
  logLevel: "silent",
});
const O = await import(pathToFileURL(mcFile).href);
{
  const csv = (f) => Papa.parse(readFileSync(join(root, "fixtures", f), "utf8"), { header: true, skipEmptyLines: true }).data;
  const rubric = O.loadEdition("2019");
  const store = new O.ObservationStore(rubric);
  const files = { citizen_requests: "mga2019-sample-requests.csv", request_records: "mga2019-sample-records.csv" };
  rubric.observationSets.forEach((set, si) => {
    for (const row of csv(files[set.id])) {
      store.beginRow(row.id, si);
      for (const l of set.leaves) store.cell(l, row[rubric.nodes[l].code]);
      store.endRow();
    }
  });
  const rows = csv("mga2019-sample.csv");
  const bodies = [...rows, ...rows.slice(0, 243)];
  const frames = bodies.map((row) => {
    const scorer = new O.BodyScorer(rubric);
    scorer.begin();
    for (const [key, value] of Object.entries(row)) {
      const node = rubric.index.get(key);
      if (node !== undefined) scorer.give(node, value);
    }
    scorer.observe(store, row.id);
    return scorer.frame;
  });
  const data = { rubric, frames, ids: bodies.map((b, i) => `${b.id}#${i}`), groups: { state: bodies.map((b) => b.state), type: bodies.map((b) => b.type), level: bodies.map((b) => b.level) } };

  /** The plain way, as a peer: evaluateFrame per body and run, rankValues, sorted columns. */
  const plain = (runs) => {
    const { weights: nominal } = O.rubricArrays(rubric);
    const mc = O.uncertainty({ rubric, frames: frames.slice(0, 1) }, { runs: 1 }); // the same ranges
    const factors = mc.factors.weights;
    const rng = O.createRandom(1);
    const w = Float64Array.from(nominal);
    const vector = O.createWeights(rubric);
    const columns = frames.map(() => ({ scores: [], ranks: [] }));
    const values = new Array(frames.length);
    for (let j = 0; j < runs; j++) {
      for (const f of factors) w[f.edge] = f.min + (f.max - f.min) * rng.nextOpen();
      vector.set(w);
      frames.forEach((frame, b) => {
        O.evaluateFrame(frame, vector);
        values[b] = frame.status[rubric.root] === O.STATUS_SCORED ? frame.value[rubric.root] : null;
      });
      const ranks = O.rankValues(values, { decimals: 9 });
      values.forEach((v, b) => {
        if (v === null) return;
        columns[b].scores.push(v);
        columns[b].ranks.push(ranks[b]);
      });
    }
    return columns.map((c) => {
      c.scores.sort((a, b) => a - b);
      c.ranks.sort((a, b) => a - b);
      return c.scores.length === 0 ? null : [c.scores[Math.floor(c.scores.length / 2)], c.ranks[Math.floor(c.ranks.length / 2)]];
    });
  };

  const jobs = [
    { label: `uncertainty ${mcRuns} runs × ${frames.length} bodies, weights by provenance`, run: () => O.uncertainty(data, { runs: mcRuns, seed: 1 }), scale: 1 },
    { label: `peer: plain Monte Carlo (evaluateFrame, rankValues, sort), ${mcRuns / 10} runs, ×10`, run: () => plain(mcRuns / 10), scale: 10 },
    {
      label: `uncertainty ${mcRuns} runs, + rule of iga and no-records policy (4 variants)`,
      run: () => O.uncertainty(data, { runs: mcRuns, seed: 1, rules: [{ node: "iga", options: ["arithmetic", "geometric"] }], noObservations: [{ set: "request_records", options: ["not_applicable", "zero"] }] }),
      scale: 1,
    },
    { label: `uncertainty ${mcRuns} runs, + input noise ±10% (100 realizations)`, run: () => O.uncertainty(data, { runs: mcRuns, seed: 1, inputs: { relative: 0.1, realizations: 100 } }), scale: 1 },
    { label: `sensitivity n = 1024, provenance groups (5,120 scorings), ranks + state means`, run: () => O.sensitivity({ ...data, groups: { state: data.groups.state } }, { seed: 1 }), scale: 1 },
  ];
  const times = jobs.map(() => ({ wall: [], cpu: [] }));
  for (let r = 0; r < rounds; r++) {
    jobs.forEach((job, k) => {
      const c0 = process.cpuUsage();
      const t = performance.now();
      job.run();
      times[k].wall.push((performance.now() - t) * job.scale);
      const c = process.cpuUsage(c0);
      times[k].cpu.push(((c.user + c.system) / 1000) * job.scale);
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nMonte Carlo and Sobol' on the 2019 rubric (${frames.length} bodies), ${rounds} interleaved rounds, median:`);
  jobs.forEach((job, k) => console.log(`${job.label.padEnd(80)} ${(median(times[k].wall) / 1000).toFixed(2).padStart(7)} s wall ${(median(times[k].cpu) / 1000).toFixed(2).padStart(7)} s CPU`));
  console.log(`uncertainty is ${(median(times[1].cpu) / median(times[0].cpu)).toFixed(1)}x faster than the plain way (CPU); target: 10,000 runs × 1,243 bodies in about a second`);
}
