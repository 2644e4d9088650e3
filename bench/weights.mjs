#!/usr/bin/env node
/**
 * How cheaply the core re-scores under another weight vector (design goal: "scoring must take a
 * different weight vector cheaply, thousands of times per second"), which is what sensitivity and
 * uncertainty analyses do.
 *
 *   npx tsup && node bench/weights.mjs [--vectors 2000] [--seed 20170] [--edition 2017]
 *
 * The 1,000 bodies of fixtures/mga2017-sample.csv and their citizen requests are read once into one
 * frame per body (readValue for every cell, the requests summed into the per-observation leaves).
 * Then each weight vector re-evaluates every frame with `evaluateFrame(rubric, frame, weights)`:
 * inputs are not read again, only the tree is walked. The vectors are drawn before the clock starts
 * (a pool of up to 1,000 distinct vectors, used in turn): for each parent node, positive weights
 * Dirichlet(1, ..., 1) (independent Exp(1) draws normalised to sum 1), from a seeded sfc32 stream,
 * so a run replays from its seed.
 *
 * Checks first that the rubric's own weights give every node as `scoreBody` does, for every body,
 * so the figure is not the speed of a wrong answer. Prints vectors/s (full 1,000-body re-scores per
 * second) and body evaluations/s.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Papa from "papaparse";
import { createRng, DEFAULT_SEED } from "../fixtures/generate.mjs";
import { loadEdition, scoreBody } from "../dist/index.js";
import { BodyScorer, ObservationStore, READ_OK, STATUS_SCORED, createWeights, evaluateFrame, rubricArrays, useGeneratedKernels } from "../dist/engine.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const IDENTITY = new Set(["id", "name", "state", "level", "type"]);

function parseArgs(argv) {
  const options = { vectors: 2000, seed: DEFAULT_SEED, edition: "2017" };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, "");
    const value = argv[i + 1];
    if (!(name in options) || value === undefined) throw new RangeError(`weights.mjs: unexpected argument "${argv[i]}"`);
    if (name === "edition") {
      options.edition = value;
      continue;
    }
    options[name] = Number(value);
    if (!(Number.isInteger(options[name]) && options[name] > 0)) {
      throw new RangeError(`weights.mjs: --${name} must be a positive integer, received "${value}"`);
    }
  }
  return options;
}

const readCsv = (file) => Papa.parse(readFileSync(join(root, "fixtures", file), "utf8"), { header: true, skipEmptyLines: true }).data;

/**
 * Reads the sample bodies of an edition into one filled frame each, through the core's one
 * scoring path (`BodyScorer` and the observation store), and keeps each body's input for the
 * check against `scoreBody`.
 */
function loadBodies(rubric, edition) {
  const inputs = new Map();
  for (const row of readCsv(`mga${edition}-sample.csv`)) {
    const values = Object.fromEntries(Object.entries(row).filter(([key]) => !IDENTITY.has(key)));
    inputs.set(row.id, { id: row.id, values, observations: {} });
  }
  // Observation files: 2017 has the citizen requests; 2019 also the request records.
  const files = { citizen_requests: `mga${edition}-sample-requests.csv`, request_records: `mga${edition}-sample-records.csv` };
  const store = new ObservationStore(rubric);
  rubric.observationSets.forEach((set, s) => {
    for (const row of readCsv(files[set.id])) {
      const input = inputs.get(row.id);
      if (!input) throw new Error(`weights.mjs: observation for unknown body ${row.id}`);
      const observation = Object.fromEntries(set.leaves.map((leaf) => [rubric.nodes[leaf].code, row[rubric.nodes[leaf].code]]));
      (input.observations[set.id] ??= []).push(observation);
      store.beginRow(row.id, s);
      for (const leaf of set.leaves) store.cell(leaf, row[rubric.nodes[leaf].code]);
      store.endRow();
    }
  });
  const frames = [...inputs.values()].map((input) => {
    const scorer = new BodyScorer(rubric);
    scorer.begin();
    for (const [key, value] of Object.entries(input.values)) {
      const code = scorer.give(rubric.index.get(key), value);
      if (code !== READ_OK) throw new Error(`weights.mjs: body ${input.id}: ${scorer.issue(rubric.index.get(key), value, code).message}`);
    }
    scorer.observe(store, input.id);
    return scorer.frame;
  });
  return { frames, inputs: [...inputs.values()] };
}

/** A pool of weight vectors: per parent node, Dirichlet(1, ..., 1) over its child edges. */
function drawWeights(rubric, count, seed) {
  const rng = createRng(seed, "bench/weights");
  const { childStart, weights } = rubricArrays(rubric);
  const vectors = [];
  for (let v = 0; v < count; v++) {
    const w = new Float64Array(weights.length);
    for (let i = 0; i < rubric.size; i++) {
      const start = childStart[i];
      const end = childStart[i + 1];
      let sum = 0;
      for (let e = start; e < end; e++) sum += w[e] = -Math.log(1 - rng.next());
      for (let e = start; e < end; e++) w[e] /= sum;
    }
    vectors.push(createWeights(rubric, w));
  }
  return vectors;
}

const options = parseArgs(process.argv.slice(2));
useGeneratedKernels(true); // as in Node programs and the command line
const rubric = loadEdition(options.edition);
const { frames, inputs } = loadBodies(rubric, options.edition);
const bodies = frames.length;
const root_ = rubric.root;

// Correctness: under the rubric's weights the preloaded frames give every node as scoreBody does
// (its `nodes` are in display order, which is the frame's node order).
let mismatches = 0;
for (let b = 0; b < bodies; b++) {
  const f = frames[b];
  evaluateFrame(f);
  const reference = scoreBody(rubric, inputs[b]);
  let same = reference.issues.length === 0;
  for (let i = 0; i < rubric.size; i++) {
    const mine = f.status[i] === STATUS_SCORED ? f.value[i] : null;
    if (mine !== reference.nodes[i].value) same = false;
  }
  if (!same) mismatches++;
}

// The same frames on evaluateFrame's loop (generated kernels off when they are made), as the
// peer measured in the same run.
useGeneratedKernels(false);
const loopFrames = loadBodies(rubric, options.edition).frames;
useGeneratedKernels(true);

const pool = drawWeights(rubric, Math.min(options.vectors, 1000), options.seed);
let checksum = 0;
function rescore(set, count) {
  for (let v = 0; v < count; v++) {
    const w = pool[v % pool.length];
    for (let b = 0; b < bodies; b++) {
      const f = set[b];
      evaluateFrame(f, w);
      checksum += f.value[root_];
    }
  }
}
// Warm-up: let V8 optimise both paths.
rescore(frames, Math.min(200, options.vectors));
rescore(loopFrames, Math.min(200, options.vectors));
const timed = (set) => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  rescore(set, options.vectors);
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
};
const runs = { generated: [], loop: [] };
for (let r = 0; r < 3; r++) {
  runs.generated.push(timed(frames));
  runs.loop.push(timed(loopFrames));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[1];
const seconds = median(runs.generated.map((x) => x.wall));

const perSecond = options.vectors / seconds;
const fmt = (x) => Math.round(x).toLocaleString("en-US");
console.log(`rubric ${rubric.id} ${rubric.version}: ${bodies} bodies, ${rubric.size} nodes, ${rubricArrays(rubric).weights.length} edge weights`);
console.log(`check: rubric weights reproduce scoreBody on every node for ${bodies - mismatches}/${bodies} bodies  ${mismatches ? "MISMATCH" : "OK"}`);
console.log(`${fmt(options.vectors)} weight vectors (seed ${options.seed}) x ${bodies} bodies, 3 interleaved rounds (median):`);
for (const [name, r] of Object.entries(runs)) {
  const wall = median(r.map((x) => x.wall));
  const cpu = median(r.map((x) => x.cpu));
  console.log(`  ${name.padEnd(10)} ${wall.toFixed(3)} s wall, ${cpu.toFixed(3)} s CPU: ${fmt(options.vectors / wall)} vectors/s, ${((wall / options.vectors / bodies) * 1e9).toFixed(0)} ns per body`);
}
console.log(`  the generated kernel is ${(median(runs.loop.map((x) => x.cpu)) / median(runs.generated.map((x) => x.cpu))).toFixed(2)}x the loop in CPU time`);
console.log(`  checksum ${checksum.toFixed(6)} (sum of the root over every evaluation, to keep the work observable)`);
if (mismatches) process.exitCode = 1;
