import { formatExplanation } from "../../index.js";
import { BodyScorer, ObservationStore, READ_OK } from "../../engine/index.js";
import type { Issue } from "../../issue.js";
import { CsvReader, type CsvReadOptions } from "../../io/readCsv.js";
import { planColumns, rubricLookups } from "../columns.js";
import { CliError, EXIT_OK, EXIT_REJECTED, at } from "../errors.js";
import { detach } from "../idLog.js";
import type { CliIo } from "../io.js";
import { loadRubric } from "../loadRubric.js";
import { openObservationFiles, readObservationFile, type ObservationFile } from "../observations.js";
import { checkRequiredInputs } from "../required.js";
import type { ExplainOptions } from "../options.js";
import { RejectLog } from "../rejects.js";
import { Reporter } from "../report.js";

const COMMAND = "ogmetric explain";

/**
 * `ogmetric explain INPUT.csv --id ID`: the scoring tree of one body, read from its row and its
 * observation rows and scored on the same path as `score` (`BodyScorer` and the observation store);
 * unreadable values show as input issues instead of rejecting the row.
 * @returns 0, or 3 when the body's inputs have issues (the row `score` would reject)
 * @throws CliError when the id is not in the file, or is in it twice
 */
export async function explain(o: ExplainOptions, io: CliIo): Promise<number> {
  const rubric = loadRubric(o);
  const csvOptions: CsvReadOptions = { encoding: o.encoding, delimiter: o.delimiter };
  const csv = await CsvReader.open(o.input, { ...csvOptions, name: o.input });
  const scorer = new BodyScorer(rubric, { explain: true, decimalComma: o.decimalComma });
  const reporter = new Reporter(io.stderr);
  const store = o.observations.length > 0 ? new ObservationStore(rubric, { decimalComma: o.decimalComma }) : undefined;
  const idColumn = o.map.find(([f]) => f === "id")?.[1];
  let opened: ObservationFile[] = [];
  const issues: Issue[] = [];
  let found: { row: number; fields: Record<string, string> } | undefined;
  try {
    const plan = planColumns(o.input, csv.header, {
      command: COMMAND,
      maps: o.map,
      ...rubricLookups(rubric),
      requireId: true,
    });
    for (const warning of plan.warnings) reporter.line(warning);
    if (store) opened = await openObservationFiles(store, o.observations, csvOptions, idColumn);
    checkRequiredInputs(rubric, plan.valueNodes, opened.map((f) => f.plan.set), o, reporter);
    const header = csv.header;
    for await (const batch of csv) {
      for (let r = 0; r < batch.rows.length; r++) {
        const row = batch.rows[r]!;
        if (row.length !== header.length || row[plan.idCol] !== o.id) continue;
        const rowNo = batch.firstRow + r;
        if (found) throw new CliError(`${at(o.input, rowNo, plan.idCol + 1)}id ${JSON.stringify(o.id)} is used again (first in row ${found.row}); ids must be unique`);
        const fields: [string, string][] = [];
        for (const { field, col } of plan.identity) if (field !== "id") fields.push([field, detach(row[col]!)]);
        for (const col of plan.passthrough) fields.push([header[col]!, detach(row[col]!)]);
        found = { row: rowNo, fields: Object.fromEntries(fields) };
        scorer.begin();
        plan.valueCols.forEach((col, k) => {
          const node = plan.valueNodes[k]!;
          const cell = detach(row[col]!);
          const code = scorer.give(node, cell);
          if (code !== READ_OK) issues.push(scorer.issue(node, cell, code));
        });
      }
    }
  } catch (e) {
    for (const f of opened) f.csv.close();
    throw e;
  } finally {
    csv.close();
  }
  if (!found) {
    for (const f of opened) f.csv.close();
    throw new CliError(`${o.input}: no body with id ${JSON.stringify(o.id)}`);
  }

  if (store) {
    // This body's observation rows go through the same store as in `score`; its unreadable
    // ones are reported on stderr.
    const rejects = new RejectLog(undefined, false, reporter);
    for (const f of opened) await readObservationFile(store, f, rejects, reporter, o.id);
    scorer.observe(store, o.id);
  }
  scorer.evaluate();
  const result = scorer.result({ id: o.id, fields: found.fields }, issues);
  if (o.format === "json") io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout.write(`${o.input}:${found.row}: ${o.id}\n${formatExplanation(rubric, result, { lang: o.lang, decimals: o.decimals })}\n`);
  return result.issues.length > 0 ? EXIT_REJECTED : EXIT_OK;
}
