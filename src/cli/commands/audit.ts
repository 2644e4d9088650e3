import { readFileSync } from "node:fs";
import { auditPublished, auditScores, parsePublishedCsv, type PublishedFigure, type ScoreAudit } from "../../analysis/index.js";
import type { CompiledRubric, Issue } from "../../index.js";
import { ChunkDecoder, DecodeError } from "../../io/decodeChunks.js";
import { analysisCommand, readAnalysisInput, writeTable, type Column, type Row } from "../analysisInput.js";
import { CliError, at } from "../errors.js";
import type { CliIo } from "../io.js";
import type { AuditOptions } from "../options.js";
import type { RunOutputs } from "../outputs.js";
import type { RejectLog } from "../rejects.js";
import type { Reporter } from "../report.js";

const COMMAND = "ogmetric audit";

/**
 * `ogmetric audit`: the statistical audit of a survey file (coverage, distributions,
 * correlations, Cronbach's alpha, drop-one rank effects), or the audit of published figures
 * (`--published TABLE.csv`, or the rubric's own `--references`) against the rubric's formulas.
 * Findings (flags, contradictions) are results, not errors: the run exits 0 and lists them on
 * stderr; 3 only when rows of the input could not be read.
 * @returns 0, or 3 when rows (or published figures) were rejected
 * @throws CliError for fatal input errors (exit 1), UsageError (exit 2)
 */
export function auditCommand(o: AuditOptions, io: CliIo): Promise<number> {
  const inputs = [...(o.input ? [o.input] : []), ...(o.published ? [o.published] : []), ...o.observations];
  return analysisCommand(COMMAND, o, io, inputs, () => undefined, async ({ rubric, reporter, outputs, rejects }) => {
    if (o.input !== undefined) await dataAudit(o, rubric, io, outputs, rejects, reporter);
    else publishedAudit(o, rubric, io, outputs, rejects, reporter);
  });
}

/** The statistical audit of a survey file: one of its tables as CSV/NDJSON, all of it as JSON. */
async function dataAudit(o: AuditOptions, rubric: CompiledRubric, io: CliIo, outputs: RunOutputs, rejects: RejectLog, reporter: Reporter): Promise<void> {
  const data = await readAnalysisInput(COMMAND, rubric, { ...o, input: o.input! }, [], rejects, reporter, true);
  const audit: ScoreAudit = auditScores(rubric, data.results);
  for (const flag of audit.flags.slice(0, reporter.limit)) reporter.line(`${COMMAND}: flag: ${flag.message}`);
  if (audit.flags.length > reporter.limit) reporter.line(`... and ${audit.flags.length - reporter.limit} more flags (--table flags lists them all)`);
  reporter.line(`${COMMAND}: ${audit.bodies} bodies, ${audit.indicators.length} nodes, ${audit.correlations.length} correlation pairs, ${audit.flags.length} flag${audit.flags.length === 1 ? "" : "s"}`);
  const table = o.table ?? "indicators";
  const joined = (xs: readonly string[]) => xs.join(" ");
  let columns: Column[];
  let rows: Row[];
  if (table === "indicators") {
    columns = [
      { name: "code" }, { name: "view" }, { name: "parent" }, { name: "bodies" }, { name: "scored" }, { name: "not_applicable" }, { name: "missing" },
      { name: "availability", round: true }, { name: "mean", round: true }, { name: "sd", round: true }, { name: "min", round: true }, { name: "max", round: true },
      { name: "skew", round: true }, { name: "kurtosis", round: true }, { name: "flags" },
    ];
    rows = audit.indicators.map((x) => ({
      code: x.code, view: x.view ?? "", parent: x.parent ?? "", bodies: x.bodies, scored: x.scored, not_applicable: x.notApplicable, missing: x.missing,
      availability: x.availability, mean: x.mean, sd: x.sd, min: x.min, max: x.max, skew: x.skew, kurtosis: x.kurtosis, flags: joined(x.flags),
    }));
  } else if (table === "correlations") {
    columns = [{ name: "a" }, { name: "b" }, { name: "relation" }, { name: "n" }, { name: "pearson", round: true }, { name: "spearman", round: true }, { name: "flags" }];
    rows = audit.correlations.map((x) => ({ a: x.a, b: x.b, relation: x.relation, n: x.n, pearson: x.pearson, spearman: x.spearman, flags: joined(x.flags) }));
  } else if (table === "alpha") {
    columns = [{ name: "code" }, { name: "children" }, { name: "n" }, { name: "alpha", round: true }];
    rows = audit.alpha.map((x) => ({ code: x.code, children: joined(x.children), n: x.n, alpha: x.alpha }));
  } else if (table === "drops") {
    columns = [{ name: "code" }, { name: "parent" }, { name: "ranked" }, { name: "rescored" }, { name: "mean_shift", round: true }, { name: "max_shift" }];
    rows = audit.drops.map((x) => ({ code: x.code, parent: x.parent, ranked: x.ranked, rescored: x.rescored, mean_shift: x.meanShift, max_shift: x.maxShift }));
  } else {
    columns = [{ name: "code" }, { name: "path" }, { name: "message" }];
    rows = audit.flags.map((x) => ({ code: x.code, path: x.path, message: x.message }));
  }
  writeTable(outputs.open(o.out, io.stdout).sink, o.format, columns, rows, audit, { raw: o.raw, round: o.round });
}

/**
 * Published figures against the rubric: from a CSV table (long or wide, see docs/analysis.md),
 * or the rubric's recorded references. A figure that cannot be read is rejected (exit 3).
 */
function publishedAudit(o: AuditOptions, rubric: CompiledRubric, io: CliIo, outputs: RunOutputs, rejects: RejectLog, reporter: Reporter): void {
  let figures: readonly PublishedFigure[];
  let source: string;
  let problems: Issue[] = [];
  if (o.published !== undefined) {
    source = o.published;
    const parsed = parsePublishedCsv(readText(o.published, o.encoding), rubric);
    figures = parsed.figures;
    problems = parsed.issues;
  } else {
    source = `${rubric.id} references`;
    figures = rubric.references;
  }
  const audit = auditPublished(rubric, figures);
  for (const issue of [...problems, ...audit.issues]) {
    rejects.add(source, issue.row ?? 0, undefined, issue.column ?? "", issue.code, issue.message, issue.received ?? "");
  }
  for (const c of audit.contradictions) reporter.line(`${source}: contradiction: ${c.message}`);
  for (const w of audit.warnings) reporter.line(`${source}: warning: ${w.message}`);
  const n = audit.contradictions.length;
  reporter.line(`${COMMAND}: ${figures.length} figures, ${audit.checks.length} checks: ${n === 0 ? "consistent" : `${n} contradiction${n === 1 ? "" : "s"}`}${audit.warnings.length > 0 ? `, ${audit.warnings.length} approximate gap${audit.warnings.length === 1 ? "" : "s"}` : ""}`);
  const columns: Column[] = [
    { name: "node" }, { name: "by" }, { name: "group" }, { name: "level" }, { name: "against" }, { name: "relation" }, { name: "published" },
    { name: "implied", round: true }, { name: "implied_low", round: true }, { name: "implied_high", round: true }, { name: "gap", round: true }, { name: "status" },
  ];
  const rows: Row[] = audit.checks.map((c) => ({
    node: c.node,
    by: c.by.join("|"),
    group: c.group.join("|"),
    level: c.level,
    against: c.terms.map((t) => t.node).join(" "),
    relation: c.relation,
    published: c.published.value,
    implied: c.implied.value,
    implied_low: c.implied.low,
    implied_high: c.implied.high,
    gap: c.gap,
    status: c.consistent ? "ok" : c.relation === "approximate" ? "warning" : "contradiction",
  }));
  writeTable(outputs.open(o.out, io.stdout).sink, o.format, columns, rows, { source, ...audit }, { raw: o.raw, round: o.round });
}

/** A small text file in the encoding asked for. */
function readText(file: string, encoding: AuditOptions["encoding"]): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a table" : (e as Error).message}`, undefined, [], { cause: e });
  }
  const decoder = new ChunkDecoder(encoding);
  try {
    return decoder.decode(bytes) + decoder.end();
  } catch (e) {
    if (e instanceof DecodeError) throw new CliError(`${at(file)}${e.message}${encoding === "utf8" ? ": the file is not UTF-8; if it is latin-1, rerun with --encoding latin1" : ""}`, undefined, [], { cause: e });
    throw e;
  }
}
