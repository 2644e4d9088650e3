import { EDITIONS, loadEdition, type CompiledRubric } from "../../index.js";
import { CsvReader } from "../../io/readCsv.js";
import { buildReport } from "../../report/buildReport.js";
import { readRankBands, type RankBands } from "../../report/rankBands.js";
import { buildReportModel } from "../../report/reportModel.js";
import { ScoresCollector, type ReportKey, type ScoresSummary } from "../../report/scoresTable.js";
import { CliError, EXIT_OK, EXIT_REJECTED, at } from "../errors.js";
import type { CliIo } from "../io.js";
import { issueLines, readRubricFile, scoresTag } from "../loadRubric.js";
import type { ReportOptions } from "../options.js";
import { checkOutputs, RunOutputs } from "../outputs.js";
import { RejectLog, recordText, reportAccount, reportRejects } from "../rejects.js";
import { Reporter } from "../report.js";
import { VERSION } from "../run.js";

const COMMAND = "ogmetric report";

/** The rubric of a scores file's `rubric` tag: a built-in edition, or one of the `--rubric` files. */
function rubricFinder(files: readonly string[]): (tag: string) => CompiledRubric | undefined {
  const known = new Map<string, CompiledRubric>();
  for (const edition of EDITIONS) {
    const rubric = loadEdition(edition);
    known.set(scoresTag(rubric), rubric);
  }
  for (const file of files) {
    const result = readRubricFile(file);
    if (!result.rubric) {
      const n = result.issues.length;
      throw new CliError(`${file}: invalid rubric (${n} issue${n === 1 ? "" : "s"})`, undefined, issueLines(file, result.issues));
    }
    known.set(scoresTag(result.rubric), result.rubric);
  }
  return (tag) => known.get(tag);
}

/** Reads one scores file into the report's summary; bad rows are rejected and accounted for. */
async function readScores(file: string, by: ReportKey, rubricFor: (tag: string) => CompiledRubric | undefined, rejects: RejectLog, reporter: Reporter): Promise<ScoresSummary> {
  const csv = await CsvReader.open(file, { name: file });
  try {
    const opened = ScoresCollector.open(file, csv.header, by, rubricFor);
    if (!opened.success) throw new CliError(`${at(file, 1)}${opened.issues[0]!.message}`, undefined, opened.issues.slice(1).map((i) => `${at(file, 1)}${i.message}`));
    const collector = opened.output;
    let used = 0;
    let lastRow = 1;
    for await (const { rows, firstRow, problems } of csv) {
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const rowNo = firstRow + r;
        if (!rejects.screen(file, rowNo, row, problems?.get(r), csv.header, csv.delimiter)) continue;
        let issue;
        try {
          issue = collector.add(row, rowNo);
        } catch (e) {
          if (e instanceof RangeError) throw new CliError(e.message);
          throw e;
        }
        if (issue) {
          const col = csv.header.indexOf(issue.column ?? "");
          rejects.add(file, rowNo, col >= 0 ? col + 1 : undefined, issue.column ?? "", issue.code, issue.message, recordText(row, csv.delimiter));
        } else used++;
      }
      lastRow = firstRow + rows.length - 1;
    }
    reportAccount(reporter, rejects, file, lastRow - 1, { count: used, what: used === 1 ? "body read" : "bodies read" });
    try {
      return collector.result();
    } catch (e) {
      if (e instanceof RangeError) throw new CliError(e.message);
      throw e;
    }
  } finally {
    csv.close();
  }
}

/** Reads an uncertainty file's rank bands; rows with a bad rank are rejected and accounted for. */
async function readBands(file: string, by: ReportKey, rejects: RejectLog, reporter: Reporter): Promise<RankBands> {
  const csv = await CsvReader.open(file, { name: file });
  try {
    const rows: { row: readonly string[]; rowNo: number }[] = [];
    let lastRow = 1;
    for await (const { rows: batch, firstRow, problems } of csv) {
      batch.forEach((row, r) => {
        if (rejects.screen(file, firstRow + r, row, problems?.get(r), csv.header, csv.delimiter)) rows.push({ row, rowNo: firstRow + r });
      });
      lastRow = firstRow + batch.length - 1;
    }
    let bands: RankBands;
    try {
      bands = readRankBands(file, csv.header, rows, by);
    } catch (e) {
      if (e instanceof RangeError) throw new CliError(e.message);
      throw e;
    }
    for (const issue of bands.issues) {
      const col = csv.header.indexOf(issue.column ?? "");
      const row = rows.find((r) => r.rowNo === issue.row)!;
      rejects.add(file, issue.row!, col >= 0 ? col + 1 : undefined, issue.column ?? "", issue.code, issue.message, recordText(row.row, csv.delimiter));
    }
    const used = rows.length - bands.issues.length;
    reportAccount(reporter, rejects, file, lastRow - 1, { count: used, what: used === 1 ? "row read" : "rows read" });
    return bands;
  } finally {
    csv.close();
  }
}

/** Today's date in UTC, `YYYY-MM-DD` (the default of --date). */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * `ogmetric report SCORES.csv`: one self-contained HTML page (inline SVG charts and CSS, no
 * script, nothing loaded) with the ranking, a scatter of bodies, the breakdown by type, the
 * sub-index profile, and with --compare a slope chart of rank shifts. See docs/report.md.
 * @returns 0, or 3 when rows were rejected (the report is written without them)
 */
export async function report(o: ReportOptions, io: CliIo): Promise<number> {
  const inputs = [o.input, ...(o.compare ? [o.compare] : []), ...(o.uncertainty ? [o.uncertainty] : []), ...o.rubric];
  checkOutputs(COMMAND, inputs, [
    ["--out", o.out],
    ["--rejects", o.rejects],
  ]);
  const rubricFor = rubricFinder(o.rubric);
  const reporter = new Reporter(io.stderr);
  const outputs = new RunOutputs();
  try {
    return await write(o, io, rubricFor, reporter, outputs);
  } catch (e) {
    outputs.abort();
    throw e;
  }
}

async function write(o: ReportOptions, io: CliIo, rubricFor: (tag: string) => CompiledRubric | undefined, reporter: Reporter, outputs: RunOutputs): Promise<number> {
  const rejects = new RejectLog(o.rejects === undefined ? undefined : outputs.open(o.rejects, io.stdout).sink, false, reporter);
  const scores = await readScores(o.input, o.by, rubricFor, rejects, reporter);
  const compare = o.compare ? await readScores(o.compare, o.by, rubricFor, rejects, reporter) : undefined;
  const bands = o.uncertainty ? await readBands(o.uncertainty, o.by, rejects, reporter) : undefined;
  const model = buildReportModel(
    scores,
    { by: o.by, decimals: o.decimals, lang: o.lang, date: o.date ?? today(), version: VERSION, rejected: rejects.rejectedIn(o.input), ...(o.compare ? { compareRejected: rejects.rejectedIn(o.compare) } : {}) },
    compare,
    bands,
  );
  if (model.uncertainty && model.uncertainty.unmatched.length > 0) {
    const n = model.uncertainty.unmatched.length;
    reporter.line(`${o.uncertainty}: ${n} unit${n === 1 ? "" : "s"} not in the report, ignored: ${model.uncertainty.unmatched.slice(0, 10).join(", ")}${n > 10 ? ", ..." : ""}`);
  }
  const html = await buildReport(model);
  outputs.open(o.out, io.stdout).sink.write(html);
  reportRejects(reporter, rejects, o.rejects);
  await outputs.commit();
  return rejects.count > 0 ? EXIT_REJECTED : EXIT_OK;
}
