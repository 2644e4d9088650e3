import { formatExplanation, scoreBody, type BodyInput, type CompiledRubric, type RawValue } from "../../index.js";
import { CsvReader, type CsvReadOptions } from "../../io/readCsv.js";
import { planColumns, rubricLookups } from "../columns.js";
import { CliError, EXIT_OK, EXIT_REJECTED, at } from "../errors.js";
import { detach } from "../idLog.js";
import type { CliIo } from "../io.js";
import { loadRubric } from "../loadRubric.js";
import type { ExplainOptions } from "../options.js";

const COMMAND = "ogmetric explain";

/**
 * `ogmetric explain INPUT.csv --id ID`: the scoring tree of one body, read from its row and its
 * observation rows and scored by the core's `scoreBody` (so unreadable values show as input
 * issues instead of rejecting the row).
 * @returns 0, or 3 when the body's inputs have issues (the row `score` would reject)
 * @throws CliError when the id is not in the file, or is in it twice
 */
export async function explain(o: ExplainOptions, io: CliIo): Promise<number> {
  const rubric = loadRubric(o);
  const csvOptions: CsvReadOptions = { encoding: o.encoding, delimiter: o.delimiter };
  const csv = await CsvReader.open(o.input, { ...csvOptions, name: o.input });
  let found: { row: number; fields: Record<string, string>; values: Record<string, RawValue> } | undefined;
  try {
    const plan = planColumns(o.input, csv.header, {
      command: COMMAND,
      maps: o.map,
      ...rubricLookups(rubric),
      requireId: true,
    });
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
        const values: [string, RawValue][] = [];
        plan.valueCols.forEach((col, k) => values.push([rubric.nodes[plan.valueNodes[k]!]!.code, detach(row[col]!)]));
        found = { row: rowNo, fields: Object.fromEntries(fields), values: Object.fromEntries(values) };
      }
    }
  } finally {
    csv.close();
  }
  if (!found) throw new CliError(`${o.input}: no body with id ${JSON.stringify(o.id)}`);

  const observations = await readBodyObservations(rubric, o.observations, csvOptions, o.map.find(([f]) => f === "id")?.[1], o.id);
  const input: BodyInput = { id: o.id, fields: found.fields, values: found.values, observations };
  const result = scoreBody(rubric, input);
  if (o.format === "json") io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout.write(`${o.input}:${found.row}: ${o.id}\n${formatExplanation(rubric, result, { lang: o.lang, decimals: o.decimals })}\n`);
  return result.issues.length > 0 ? EXIT_REJECTED : EXIT_OK;
}

/** One body's observation rows from each file, keyed by observation set, cells by header name. */
async function readBodyObservations(
  rubric: CompiledRubric,
  files: readonly string[],
  options: CsvReadOptions,
  idColumn: string | undefined,
  id: string,
): Promise<Record<string, Record<string, RawValue>[]>> {
  const bySet = new Map<string, Record<string, RawValue>[]>();
  for (const file of files) {
    const csv = await CsvReader.open(file, { ...options, name: file });
    try {
      const header = csv.header;
      let idCol = header.indexOf("id");
      if (idColumn !== undefined && header.includes(idColumn)) idCol = header.indexOf(idColumn);
      if (idCol < 0) throw new CliError(`${at(file, 1)}no "id" column naming the body of each observation`);
      const leafCols = header.map((name, col) => ({ name, col })).filter(({ name, col }) => col !== idCol && (rubric.obsSet[rubric.index.get(name) ?? -1] ?? -1) >= 0);
      if (leafCols.length === 0) throw new CliError(`${at(file, 1)}no column for a per-observation leaf`);
      const setId = rubric.observationSets[rubric.obsSet[rubric.index.get(leafCols[0]!.name)!]!]!.id;
      const rows = bySet.get(setId) ?? [];
      bySet.set(setId, rows);
      for await (const batch of csv) {
        for (const row of batch.rows) {
          if (row.length !== header.length || row[idCol] !== id) continue;
          rows.push(Object.fromEntries(leafCols.map(({ name, col }) => [name, detach(row[col]!)])));
        }
      }
    } finally {
      csv.close();
    }
  }
  return Object.fromEntries(bySet);
}
