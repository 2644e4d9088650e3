/**
 * Batch re-scoring for uncertainty and sensitivity runs (issue 11's target: 10,000 weight
 * vectors × 1,243 bodies of the 2019 rubric in at most 1.0 s, one thread).
 *
 * Bodies: the 1,000 bodies of fixtures/mga2019-sample.csv with their requests and request
 * records, and 243 of them again (1,243, as many as the 2019 edition scored). Weight vectors:
 * seeded, Dirichlet(1, ..., 1) over each node's edges, drawn before the clock starts. It runs
 * `BatchScorer.score` (the linear fast path) and, as the peer measured in the same run,
 * `evaluateFrame` on every body under the same vectors, interleaved in rounds, and reports wall
 * and CPU time for each, checking that both agree to 1e-12.
 *
 * The third job interleaved in each round is a whole Monte Carlo uncertainty run
 * (`uncertainty()` from ogmetric/analysis): as many replications as vectors, the weights drawn by
 * provenance (26 of them vary), every body scored through BatchScorer, ranked, grouped by state,
 * type and level, then summarised (medians, 5–95% bands, top/bottom-10 shares).
 *
 *   npx tsup && node bench/batch.mjs [--vectors 10000] [--rounds 3]
 */
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { createRng, DEFAULT_SEED } from "../fixtures/generate.mjs";
import { loadEdition } from "../dist/index.js";
import { BatchScorer, BodyScorer, ObservationStore, STATUS_SCORED, createWeights, evaluateFrame, rubricArrays } from "../dist/engine.js";
import { uncertainty } from "../dist/analysis.js";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const VECTORS = arg("vectors", 10_000);
const ROUNDS = arg("rounds", 3);
const csv = (f) => Papa.parse(readFileSync(new URL(`../fixtures/${f}`, import.meta.url), "utf8"), { header: true, skipEmptyLines: true }).data;

const rubric = loadEdition("2019");
const store = new ObservationStore(rubric);
const files = { citizen_requests: "mga2019-sample-requests.csv", request_records: "mga2019-sample-records.csv" };
rubric.observationSets.forEach((set, s) => {
  for (const row of csv(files[set.id])) {
    store.beginRow(row.id, s);
    for (const l of set.leaves) store.cell(l, row[rubric.nodes[l].code]);
    store.endRow();
  }
});
const rows = csv("mga2019-sample.csv");
const bodies = [...rows, ...rows.slice(0, 243)];
const frame = (row) => {
  const scorer = new BodyScorer(rubric);
  scorer.begin();
  for (const [key, value] of Object.entries(row)) {
    const n = rubric.index.get(key);
    if (n !== undefined) scorer.give(n, value);
  }
  scorer.observe(store, row.id);
  return scorer.frame;
};
const frames = bodies.map(frame);
const peerFrames = bodies.map(frame);

const rng = createRng(DEFAULT_SEED, "bench/batch");
const { childStart, weights: base } = rubricArrays(rubric);
const vectors = Array.from({ length: VECTORS }, () => {
  const w = new Float64Array(base.length);
  for (let i = 0; i < rubric.size; i++) {
    let sum = 0;
    for (let e = childStart[i]; e < childStart[i + 1]; e++) sum += w[e] = -Math.log(1 - rng.next());
    for (let e = childStart[i]; e < childStart[i + 1]; e++) w[e] /= sum;
  }
  return createWeights(rubric, w);
});

const batch = new BatchScorer(rubric, frames);
const out = new Float64Array(frames.length);
let checksum = 0;
const fast = () => {
  for (const w of vectors) {
    batch.score(w, out);
    checksum += out[0];
  }
};
const peer = () => {
  const root = rubric.root;
  for (const w of vectors) {
    for (const f of peerFrames) evaluateFrame(f, w);
    checksum += peerFrames[0].status[root] === STATUS_SCORED ? peerFrames[0].value[root] : 0;
  }
};

// Agreement on a few vectors first.
let maxDiff = 0;
for (const w of vectors.slice(0, 50)) {
  batch.score(w, out);
  peerFrames.forEach((f, b) => {
    evaluateFrame(f, w);
    const want = f.status[rubric.root] === STATUS_SCORED ? f.value[rubric.root] : Number.NaN;
    if (Number.isNaN(want) !== Number.isNaN(out[b])) maxDiff = Infinity;
    else if (!Number.isNaN(want)) maxDiff = Math.max(maxDiff, Math.abs(want - out[b]));
  });
}

const time = (job) => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  job();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
};
const groups = { state: bodies.map((b) => b.state), type: bodies.map((b) => b.type), level: bodies.map((b) => b.level) };
const ids = bodies.map((b, i) => `${b.id}#${i}`);
let mcResult;
const monteCarlo = () => {
  mcResult = uncertainty({ rubric, frames, ids, groups }, { runs: VECTORS, seed: 1 });
};
const results = { batch: [], evaluateFrame: [], uncertainty: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.batch.push(time(fast));
  results.evaluateFrame.push(time(peer));
  results.uncertainty.push(time(monteCarlo));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`rubric ${rubric.id}: ${frames.length} bodies (${batch.linear} on the linear path), ${VECTORS} weight vectors, ${ROUNDS} interleaved rounds`);
console.log(`agreement with evaluateFrame over 50 vectors: max |diff| ${maxDiff.toExponential(1)} ${maxDiff <= 1e-12 ? "OK" : "MISMATCH"}`);
for (const [name, runs] of Object.entries(results)) {
  const wall = median(runs.map((x) => x.wall));
  const cpu = median(runs.map((x) => x.cpu));
  console.log(`${name.padEnd(14)} wall ${wall.toFixed(3)} s  cpu ${cpu.toFixed(3)} s  ${((VECTORS * frames.length) / wall / 1e6).toFixed(1)}M body evaluations/s`);
}
const ratio = median(results.evaluateFrame.map((x) => x.wall)) / median(results.batch.map((x) => x.wall));
console.log(`batch is ${ratio.toFixed(1)}x evaluateFrame in this run; target: 10,000 vectors x 1,243 bodies in at most 1.0 s`);
const mcCpu = median(results.uncertainty.map((x) => x.cpu));
console.log(
  `uncertainty(): ${VECTORS} runs x ${frames.length} bodies and ${Object.values(groups).reduce((n, g) => n + new Set(g).size, 0)} groups, end to end, in ${mcCpu.toFixed(3)} s CPU (${((median(results.uncertainty.map((x) => x.cpu)) / median(results.batch.map((x) => x.cpu))) || 0).toFixed(1)}x the scoring alone); ` +
    `${mcResult.factors.weights.length} weights varied; first body's rank band ${mcResult.bodies[0].rank.band.join("-")}`,
);
console.log(`checksum ${checksum.toFixed(6)}`);
if (maxDiff > 1e-12) process.exitCode = 1;
