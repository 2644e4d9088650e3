#!/usr/bin/env node
/**
 * Prints the real outputs quoted in docs/analysis.md: the audits of the 2017 and 2019 national
 * tables, the audit of the 2017 per-body data, bootstrap intervals for the 2017 state means, and
 * Sobol' indices of the Ishigami function. Seeded: the same output on every run.
 *
 *   node bench/analysis-examples.mjs
 *
 * Bundles src/ with esbuild into bench/out/ (git-ignored), as bench/analysis.mjs does. The 2017
 * per-body data are read from ../shared/data/mga2017-bso.csv when present.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import Papa from "papaparse";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bench", "out");
mkdirSync(out, { recursive: true });
async function bundle(entry, name) {
  const file = join(out, name);
  await build({ entryPoints: [join(root, entry)], bundle: true, platform: "node", packages: "external", format: "esm", outfile: file, logLevel: "silent" });
  return import(pathToFileURL(file).href);
}
const A = await bundle("src/analysis/index.ts", "analysis-bundle.mjs");
const core = await bundle("src/index.ts", "core-bundle.mjs");
const f = (x, d = 3) => (x === null || x === undefined ? "—" : core.formatFixed(x, d));

function printAudit(title, audit) {
  console.log(`### ${title}\n`);
  console.log("| node | against | relation | published | implied | interval implied | gap | |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const c of audit.checks) {
    const against = c.terms.length <= 5 ? c.terms.map((t) => t.node).join(", ") : `${c.terms.length} components`;
    console.log(`| ${c.node} | ${against} | ${c.relation} | ${c.published.value} | ${f(c.implied.value, 4)} | [${f(c.implied.low, 4)}, ${f(c.implied.high, 4)}] | ${f(c.gap, 4)} | ${c.consistent ? "ok" : "**contradiction**"} |`);
  }
  console.log(`\nconsistent: ${audit.consistent}; contradictions: ${audit.contradictions.length}; warnings: ${audit.warnings.length}; input issues: ${audit.issues.length}`);
  for (const c of audit.contradictions) console.log(`\n${JSON.stringify(c, null, 2)}`);
  console.log();
}

const r17 = core.loadEdition("2017");
const r19 = core.loadEdition("2019");
printAudit("2017: the national table and the 17 component means (rubric references)", A.auditPublished(r17, r17.references));
printAudit("2019: the press figures (rubric references)", A.auditPublished(r19, r19.references));
const csv = A.parsePublishedCsv("IGA,T,TG,TC,P,PG,PC\n0.52,0.64,0.72,0.56,0.41,0.19,0.58\n", r19);
console.log(`2019 from CSV: ${csv.figures.length} figures, ${csv.issues.length} issues, contradictions at ${A.auditPublished(r19, csv.figures).contradictions.map((c) => c.path).join(", ")}\n`);

const bso = join(root, "..", "shared", "data", "mga2017-bso.csv");
if (existsSync(bso)) {
  const text = new TextDecoder("latin1").decode(readFileSync(bso));
  const [, ...rows] = Papa.parse(text, { skipEmptyLines: true }).data;
  const scores = rows.map(([SO, edo, niv, ts, GA, P, T, TG, TC, PG, PC]) => core.scoreBody(r17, { id: SO, fields: { state: edo, level: niv, type: ts }, values: { GA, P, T, TG, TC, PG, PC } }));
  const audit = A.auditScores(r17, scores);
  console.log(`### auditScores on the 2017 per-body data (${audit.bodies} bodies)\n`);
  console.log("| node | scored | mean | sd | skew | excess kurtosis | flags |");
  console.log("|---|---|---|---|---|---|---|");
  for (const s of audit.indicators.filter((x) => x.scored > 0)) console.log(`| ${s.code} | ${s.scored} | ${f(s.mean)} | ${f(s.sd)} | ${f(s.skew, 2)} | ${f(s.kurtosis, 2)} | ${s.flags.join(", ")} |`);
  console.log(`\n(${audit.indicators.filter((x) => x.flags.includes("no_data")).length} component nodes flagged no_data: the file carries sub-indices only)\n`);
  console.log("| pair | relation | Pearson | Spearman | flags |");
  console.log("|---|---|---|---|---|");
  for (const c of audit.correlations) console.log(`| ${c.a} ~ ${c.b} | ${c.relation} | ${f(c.pearson)} | ${f(c.spearman)} | ${c.flags.join(", ")} |`);
  console.log("\n| node | children | n | Cronbach's alpha |");
  console.log("|---|---|---|---|");
  for (const a of audit.alpha.filter((x) => x.n > 0)) console.log(`| ${a.code} | ${a.children.join(", ")} | ${a.n} | ${f(a.alpha)} |`);
  console.log("\n| dropped | parent | bodies ranked | mean rank shift | max rank shift |");
  console.log("|---|---|---|---|---|");
  for (const d of audit.drops.filter((x) => x.rescored > 0)) console.log(`| ${d.code} | ${d.parent} | ${d.ranked} | ${f(d.meanShift, 1)} | ${d.maxShift} |`);

  const boot = A.bootstrapScores(scores, { by: "state", seed: 2017, method: "bca", replicates: 5000 });
  const sorted = [...boot.groups].sort((a, b) => b.mean - a.mean);
  console.log(`\n### bootstrapScores: 2017 IGA by state, BCa 95%, 5000 replicates, seed 2017\n`);
  console.log("| state | bodies | mean | 95% interval | bootstrap se |");
  console.log("|---|---|---|---|---|");
  for (const g of [...sorted.slice(0, 4), ...sorted.slice(-3)]) console.log(`| ${g.key} | ${g.n} | ${f(g.mean)} | [${f(g.low)}, ${f(g.high)}] | ${f(g.se)} |`);
  console.log(`\n(${boot.groups.length} groups; issues: ${boot.issues.length})`);
} else console.log(`(${bso} absent: the per-body sections are skipped)`);

const PI = Math.PI;
const s = A.sobol({
  factors: ["x1", "x2", "x3"].map((name) => ({ name, min: -PI, max: PI })),
  model: (x) => Math.sin(x[0]) + 7 * Math.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * Math.sin(x[0]),
  n: 8192,
  seed: 1,
});
console.log(`\n### sobol: Ishigami (a = 7, b = 0.1), n = 2^13, seed 1, 500 bootstrap replicates\n`);
console.log("| factor | first | 95% interval | total | 95% interval |");
console.log("|---|---|---|---|---|");
s.factors.forEach((name, i) => console.log(`| ${name} | ${f(s.first[i], 4)} | [${f(s.firstInterval[i][0], 3)}, ${f(s.firstInterval[i][1], 3)}] | ${f(s.total[i], 4)} | [${f(s.totalInterval[i][0], 3)}, ${f(s.totalInterval[i][1], 3)}] |`));
