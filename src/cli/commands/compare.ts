import { readFileSync } from "node:fs";
import {
  compareEditions,
  compareGroupMeans,
  compareGroups,
  compareScores,
  CrosswalkError,
  formatFixed,
  safeParseCrosswalk,
  tidyComparison,
  wideComparison,
  wideGroups,
  type Comparison,
  type Crosswalk,
  type GroupComparisonTable,
  type WideTable,
} from "../../index.js";
import type { TextSink } from "../../io/textSink.js";
import { CsvWriter } from "../../io/writeCsv.js";
import { openBodyFile, type FileAccount } from "../../node/bodyFile.js";
import { bodyInputs } from "../../node/readBodies.js";
import { readScoresWith } from "../../node/readScores.js";
import { CliError, EXIT_OK, EXIT_REJECTED } from "../errors.js";
import type { CliIo } from "../io.js";
import { loadRubric } from "../loadRubric.js";
import type { CompareOptions } from "../options.js";
import { checkOutputs, RunOutputs } from "../outputs.js";
import { RejectLog, reportAccount, reportRejects } from "../rejects.js";
import { Reporter } from "../report.js";

const COMMAND = "ogmetric compare";
/** Columns of whole numbers, never rounded. */
const COUNTS = new Set(["rank_from", "rank_to", "rank_shift", "bodies", "n", "n_from", "n_to", "rank"]);

/**
 * `ogmetric compare`: one input scored under two rubrics (through their crosswalk) and compared
 * body by body or by group, or two scores files compared by id or by group. See docs/compare.md.
 * @returns 0, or 3 when rows were rejected
 * @throws CliError for unusable inputs, UsageError for bad options
 */
export async function compare(o: CompareOptions, io: CliIo): Promise<number> {
  const rubricFiles = [o.rubric, o.toRubric, o.crosswalk].filter((f): f is string => f !== undefined);
  checkOutputs(COMMAND, [...o.inputs, ...o.observations, ...rubricFiles], [
    ["--out", o.out],
    ["--rejects", o.rejects],
  ]);
  const reporter = new Reporter(io.stderr);
  const outputs = new RunOutputs();
  try {
    const crosswalk = o.crosswalk === undefined ? undefined : readCrosswalkFile(o.crosswalk);
    const from = o.edition !== undefined || o.rubric !== undefined ? loadRubric(o) : undefined;
    const to = o.to !== undefined || o.toRubric !== undefined ? loadRubric({ edition: o.to, rubric: o.toRubric }) : undefined;
    const out = outputs.open(o.out, io.stdout);
    const rejects = new RejectLog(o.rejects === undefined ? undefined : outputs.open(o.rejects, io.stdout).sink, o.raw, reporter);
    const plan = { ...(crosswalk !== undefined ? { crosswalk } : {}), method: o.method, ...(o.depth !== undefined ? { depth: o.depth } : {}), ...(o.round !== undefined ? { rankDecimals: o.round } : {}) };
    const groupOptions = { order: o.order === "key" ? ("key" as const) : ("first_seen" as const), ...(o.round !== undefined ? { decimals: o.round } : {}) };
    let comparison: Comparison;
    let groups: GroupComparisonTable | undefined;
    const accounts: { account: FileAccount; what: [string, string] }[] = [];
    if (o.scores) {
      const input = { map: o.map, encoding: o.encoding, delimiter: o.delimiter };
      const a = await readScoresWith(o.inputs[0]!, { ...input, ...(from ? { rubric: from } : {}) }, rejects, reporter);
      const b = await readScoresWith(o.inputs[1]!, { ...input, ...(to ? { rubric: to } : {}) }, rejects, reporter);
      for (const s of [a, b]) accounts.push({ account: s.accounts[0]!, what: ["body read", "bodies read"] });
      if (o.by.length > 0) {
        groups = compareGroupMeans(a, b, o.by, { ...groupOptions, ...(crosswalk !== undefined ? { crosswalk } : {}) });
        comparison = compareScores({ rubric: a.rubric, scores: [] }, { rubric: b.rubric, scores: [] }, plan);
      } else {
        comparison = compareScores(a, b, { ...plan, labels: { from: labelOf(o.inputs[0]!, a.rubric.edition), to: labelOf(o.inputs[1]!, b.rubric.edition) } });
        reportUnmatched(reporter, comparison, o.inputs[0]!, o.inputs[1]!);
      }
    } else {
      const body = await openBodyFile(o.input, from!, { map: o.map, encoding: o.encoding, delimiter: o.delimiter, observations: o.observations, allowMissing: o.allowMissing, decimalComma: o.decimalComma }, rejects, reporter, true, false, COMMAND);
      const inputs = [];
      try {
        for await (const b of bodyInputs(body, from!)) inputs.push(b);
      } finally {
        body.close();
      }
      for (const [i, account] of body.accounts.entries()) accounts.push({ account, what: i === 0 ? ["body read", "bodies read"] : ["observation used", "observations used"] });
      comparison = compareEditions(inputs, from!, to!, { ...plan, bridge: o.bridge });
      if (o.by.length > 0) groups = compareGroups(comparison, o.by, groupOptions);
      reportEditions(reporter, comparison);
    }
    for (const g of groups?.issues ?? []) reporter.limited(g.code, `${g.path}: warning: ${g.message.replace(/^resolveState: /, "")}`);

    writeOutput(out.sink, o, comparison, groups);
    for (const { account, what } of accounts) reportAccount(reporter, rejects, account.file, account.dataLines, { count: account.used, what: account.used === 1 ? what[0] : what[1] });
    reportRejects(reporter, rejects, o.rejects);
    await outputs.commit();
    return rejects.count > 0 ? EXIT_REJECTED : EXIT_OK;
  } catch (e) {
    outputs.abort();
    if (e instanceof CrosswalkError) throw new CliError(`${o.crosswalk ?? "crosswalk"}: ${e.message}`, undefined, e.issues.map((i) => `${i.path}: ${i.message}`));
    if (e instanceof RangeError && /^(compare|orient|compareScores|compareEditions|compareGroupMeans)/.test(e.message)) throw new CliError(e.message.replace(/^\w+: /, `${COMMAND}: `));
    throw e;
  }
}

/** A crosswalk file, checked for structure (its codes are checked against the rubrics when compared). */
function readCrosswalkFile(file: string): Crosswalk {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`, undefined, [], { cause: e });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const result = safeParseCrosswalk(text);
  if (result.success) return result.output;
  throw new CliError(`${file}: invalid crosswalk (${result.issues.length} issue${result.issues.length === 1 ? "" : "s"})`, undefined, result.issues.map((i) => `${file}: ${i.path}: ${i.message}`));
}

/** A scores file's side label: its edition, else its file name. */
function labelOf(file: string, edition: string | undefined): string {
  return edition ?? file;
}

function reportEditions(reporter: Reporter, c: Comparison): void {
  const without = c.bodies.filter((b) => b.diff === null).length;
  const bridged = c.bodies.filter((b) => (b.bridged?.length ?? 0) > 0).length;
  const assumed = [...new Set(c.bodies.flatMap((b) => b.assumed))];
  reporter.line(
    `${c.bodies.length} bod${c.bodies.length === 1 ? "y" : "ies"} compared, ${c.from.label} -> ${c.to.label}: attribution ${c.method.replace("_", "-")} over ${c.components.length} components${without > 0 ? `; ${without} without a difference (an index missing under one rubric; see note)` : ""}${bridged > 0 ? `; ${bridged} with nodes bridged (see bridged)` : ""}`,
  );
  if (assumed.length > 0) reporter.line(`rows rely on assumed mappings: ${assumed.join(", ")} (see the assumed column)`);
}

function reportUnmatched(reporter: Reporter, c: Comparison, fromFile: string, toFile: string): void {
  const onlyFrom = c.unmatched.filter((u) => u.side === "from").length;
  const onlyTo = c.unmatched.length - onlyFrom;
  const suggested = c.unmatched.filter((u) => u.suggestions.length > 0).length;
  reporter.line(`${c.bodies.length} bod${c.bodies.length === 1 ? "y" : "ies"} joined by id; ${onlyFrom} only in ${fromFile}, ${onlyTo} only in ${toFile} (listed with the reason in note)${suggested > 0 ? `; ${suggested} of them have a body of the same name under another id (see suggested; not joined)` : ""}`);
}

/** Writes what was asked: tidy records, the group table or the body table, in the format asked. */
function writeOutput(sink: TextSink, o: CompareOptions, comparison: Comparison, groups: GroupComparisonTable | undefined): void {
  if (o.tidy) {
    const records = tidyComparison(comparison, groups);
    if (o.format === "csv") {
      const columns = ["unit", "kind", "node", "code", "edition", "side", "value", "rank", "status", "assumed"];
      writeCsv(sink, { columns, rows: records.map((r) => [r.unit, r.kind, r.node, r.code, r.edition, r.side, r.value, r.rank, r.status, r.assumed.join("; ")]) }, o);
    } else if (o.format === "json") sink.write(`${JSON.stringify(records, null, 1)}\n`);
    else for (const r of records) sink.write(`${JSON.stringify(r)}\n`);
    return;
  }
  if (groups !== undefined) {
    if (o.format === "csv") writeCsv(sink, wideGroups(comparison, groups), o);
    else if (o.format === "json") sink.write(`${JSON.stringify({ from: comparison.from, to: comparison.to, method: comparison.method, components: comparison.components, ...groups }, null, 1)}\n`);
    else for (const g of groups.groups) sink.write(`${JSON.stringify(g)}\n`);
    return;
  }
  if (o.format === "csv") writeCsv(sink, wideComparison(comparison), o);
  else if (o.format === "json") sink.write(`${JSON.stringify(comparison, null, 1)}\n`);
  else {
    for (const b of comparison.bodies) sink.write(`${JSON.stringify(b)}\n`);
    for (const u of comparison.unmatched) sink.write(`${JSON.stringify({ unmatched: true, ...u })}\n`);
  }
}

/** A wide table as CSV; with --round, every number but ranks and counts printed with N decimals. */
function writeCsv(sink: TextSink, table: WideTable, o: CompareOptions): void {
  const w = new CsvWriter(sink, { raw: o.raw });
  w.writeRow(table.columns);
  const round = o.round;
  const rounded = table.columns.map((c) => round !== undefined && !COUNTS.has(c));
  for (const row of table.rows) w.writeRow(row.map((v, j) => (typeof v === "number" && rounded[j] ? formatFixed(v, round!) : v)));
}
