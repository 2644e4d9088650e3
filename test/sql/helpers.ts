/**
 * Shared pieces of the SQL tests: CSV files as tables, the engine's scores of the same rows (the
 * oracle), DuckDB through @duckdb/node-api, and the comparison of a query's rows with the engine.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import Papa from "papaparse";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { expect } from "vitest";
import { aggregate, scoreBody, type AggregateTable, type BodyInput, type BodyScore, type CompiledRubric, type RawValue } from "../../src/index.js";
import { SQL_STATUS_NAMES, sqlColumns, type CompileSqlOptions } from "../../src/sql/index.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const FIXTURES = join(ROOT, "fixtures");
/** The published 2017 per-body file, beside the repository (../shared/data). */
export const BSO = join(ROOT, "..", "shared", "data", "mga2017-bso.csv");

/** A table as text: header and rows of cells (null for a SQL NULL). */
export interface TextTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** Reads a CSV file the way the CLI reads it (RFC 4180, blank lines skipped). */
export function readCsv(path: string, encoding: "utf8" | "latin1" = "utf8"): TextTable {
  const text = new TextDecoder(encoding === "latin1" ? "latin1" : "utf-8").decode(readFileSync(path));
  const parsed = Papa.parse<string[]>(text.replace(/^\ufeff/, ""), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  return { header: header!, rows };
}

/**
 * The engine's input for each row of a body table and its observation tables, as `ogmetric score`
 * builds it: value columns are those named by a node code or alias (or mapped), observation rows
 * grouped by id. `maps` renames as `--map` does: field or node → column.
 */
export function bodyInputs(
  rubric: CompiledRubric,
  body: TextTable,
  observations: Readonly<Record<string, TextTable>> = {},
  maps: Readonly<Record<string, string>> = {},
  carry: readonly string[] = [],
): BodyInput[] {
  const columnOf = (field: string) => maps[field] ?? field;
  const idCol = body.header.indexOf(columnOf("id"));
  if (idCol < 0) throw new Error("bodyInputs: no id column");
  const mappedNodes = new Map(Object.entries(maps).filter(([f]) => rubric.index.has(f)).map(([f, c]) => [c, f]));
  const valueCols = body.header.flatMap((h, c) => {
    const key = mappedNodes.get(h) ?? (rubric.index.has(h) ? h : undefined);
    return key === undefined || c === idCol ? [] : [[key, c] as const];
  });
  const obsById = new Map<string, Record<string, Record<string, RawValue>[]>>();
  for (const [set, table] of Object.entries(observations)) {
    const oid = table.header.indexOf(columnOf("id"));
    for (const row of table.rows) {
      const id = row[oid]!;
      const values: Record<string, RawValue> = {};
      table.header.forEach((h, c) => {
        if (c !== oid && rubric.index.has(h) && rubric.nodes[rubric.index.get(h)!]!.input?.observations?.set === set) values[h] = row[c] ?? "";
      });
      const sets = obsById.get(id) ?? {};
      (sets[set] ??= []).push(values);
      obsById.set(id, sets);
    }
  }
  return body.rows.map((row) => {
    const id = row[idCol]!;
    const values: Record<string, RawValue> = {};
    for (const [key, c] of valueCols) values[key] = row[c] ?? "";
    const fields: Record<string, string> = {};
    for (const f of carry) fields[f] = row[body.header.indexOf(columnOf(f))] ?? "";
    return { id, fields, values, observations: obsById.get(id) ?? {} };
  });
}

/** Scores every body with the engine. */
export function engineScores(rubric: CompiledRubric, inputs: readonly BodyInput[]): BodyScore[] {
  return inputs.map((input) => scoreBody(rubric, input));
}

/** A row of a query result: column name → JS value (numbers as numbers, NULL as null). */
export type Row = Readonly<Record<string, unknown>>;

function asNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number(v);
}

/** Whether a query's cell equals the engine's value: both null, or numbers within 1e-12. */
function sameValue(got: unknown, want: number | null | undefined): boolean {
  const v = asNumber(got);
  if (want === null || want === undefined) return v === null;
  return v !== null && Math.abs(v - want) <= 1e-12;
}

/** Fails with the first mismatches (collected in plain loops: one `expect` per check, not per cell). */
function expectNone(mismatches: readonly string[]): void {
  expect(mismatches.slice(0, 10), `${mismatches.length} mismatches`).toEqual([]);
}

/**
 * Every node of every body: the query's value and status equal the engine's (values within 1e-12).
 * @returns the number of node values compared
 */
export function expectSameScores(rubric: CompiledRubric, options: CompileSqlOptions, rows: readonly Row[], scores: readonly BodyScore[]): number {
  const cols = sqlColumns(rubric, options);
  const idName = cols.leading[0]!;
  expect(rows.length).toBe(scores.length);
  const byId = new Map(rows.map((r) => [String(r[idName]), r]));
  const bad: string[] = [];
  let compared = 0;
  for (const score of scores) {
    const row = byId.get(score.id!);
    if (!row) {
      bad.push(`no row for body ${score.id}`);
      continue;
    }
    score.nodes.forEach((node, i) => {
      const c = cols.nodes[i]!.columns;
      if (row[c.status!] !== node.status || !sameValue(row[c.value!], node.value)) {
        bad.push(`body ${score.id}, node ${node.code}: SQL ${String(row[c.status!])} ${String(row[c.value!])}, engine ${node.status} ${node.value}`);
      }
      compared++;
    });
  }
  expectNone(bad);
  return compared;
}

/**
 * The aggregate query's rows equal `aggregate`'s groups: keys (trimmed text), bodies, and per node
 * n, not applicable, missing (plus invalid = 0), mean and the statistics, within 1e-12.
 * @param keyOf - maps an engine group key to the SQL one (e.g. canonical state → spelling)
 */
export function expectSameAggregate(rubric: CompiledRubric, options: CompileSqlOptions, rows: readonly Row[], table: AggregateTable, keyOf: (key: readonly string[]) => string = (k) => JSON.stringify(k)): void {
  const cols = sqlColumns(rubric, options);
  const by = options.by ?? [];
  expect(rows.length).toBe(table.groups.length);
  const byKey = new Map(rows.map((r) => [JSON.stringify(by.map((_, k) => String(r[cols.leading[k]!]))), r]));
  const bad: string[] = [];
  for (const g of table.groups) {
    const row = byKey.get(keyOf(g.key));
    if (!row) {
      bad.push(`no row for group ${keyOf(g.key)}`);
      continue;
    }
    if (Number(row.bodies) !== g.bodies) bad.push(`group ${g.key.join("/")}: ${String(row.bodies)} bodies, engine ${g.bodies}`);
    g.nodes.forEach((n, i) => {
      const c = cols.nodes[i]!.columns;
      const where = `group ${g.key.join("/")}, node ${n.code}`;
      const counts: [string, unknown, number][] = [["n", row[c.n!], n.n], ["na", row[c.na!], n.notApplicable], ["missing", row[c.missing!], n.missing], ["invalid", row[c.invalid!], 0]];
      for (const [name, got, want] of counts) if (Number(got) !== want) bad.push(`${where}: ${name} ${String(got)}, engine ${want}`);
      const values: [string, unknown, number | null | undefined][] = [["mean", row[c.mean!], n.mean], ...(options.stats ?? []).map((s) => [s, row[c[s]!], n[s]] as [string, unknown, number | null | undefined])];
      for (const [name, got, want] of values) if (!sameValue(got, want)) bad.push(`${where}: ${name} ${String(got)}, engine ${want}`);
    });
  }
  expectNone(bad);
}

/** `aggregate` over engine scores, with the carried fields as grouping keys. */
export function engineAggregate(scores: readonly BodyScore[], by: readonly string[], stats: readonly ("median" | "sd" | "min" | "max")[] = []): AggregateTable {
  return aggregate(scores, { by, stats: ["n", "mean", ...stats] });
}

/** The status names the SQL writes, checked against the engine's (plus "invalid"). */
export const STATUS_NAMES = SQL_STATUS_NAMES;

/** An in-memory DuckDB database. */
export class Duck {
  readonly #instance: DuckDBInstance;
  readonly connection: DuckDBConnection;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance;
    this.connection = connection;
  }

  static async open(): Promise<Duck> {
    const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
    return new Duck(instance, await instance.connect());
  }

  /** Creates a table of text columns (or DOUBLE for the columns in `doubles`) and fills it. */
  async table(name: string, t: TextTable, doubles: ReadonlySet<string> = new Set()): Promise<void> {
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    await this.connection.run(`CREATE TABLE ${q(name)} (${t.header.map((h) => `${q(h)} ${doubles.has(h) ? "DOUBLE" : "VARCHAR"}`).join(", ")})`);
    const appender = await this.connection.createAppender(name);
    for (const row of t.rows) {
      t.header.forEach((h, c) => {
        const v = row[c] ?? null;
        if (v === null || (doubles.has(h) && v.trim() === "")) appender.appendNull();
        else if (doubles.has(h)) appender.appendDouble(Number(v));
        else appender.appendVarchar(v);
      });
      appender.endRow();
    }
    appender.closeSync();
  }

  async query(sql: string): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Row[];
  }

  close(): void {
    this.connection.closeSync();
    this.#instance.closeSync();
  }
}
