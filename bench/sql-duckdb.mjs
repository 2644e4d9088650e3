#!/usr/bin/env node
/**
 * Runs SQL in an in-memory DuckDB (the @duckdb/node-api dev dependency) and prints the result of
 * the last statement as CSV: a stand-in for the `duckdb` command line, used by docs/sql.md.
 *
 *   node bench/sql-duckdb.mjs FILE.sql [MORE.sql ...]     # or the SQL on standard input
 *
 * Statements are split by DuckDB itself; files are read relative to the current directory.
 */
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { DuckDBInstance } from "@duckdb/node-api";

const files = process.argv.slice(2);
const sql = files.length > 0 ? files.map((f) => readFileSync(f, "utf8")).join("\n") : readFileSync(0, "utf8");
const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
const statements = await connection.extractStatements(sql);
let reader;
for (let i = 0; i < statements.count; i++) reader = await (await statements.prepare(i)).runAndReadAll();
if (reader) {
  const names = reader.columnNames();
  const rows = reader.getRowsJS().map((r) => r.map((v) => (v === null ? "" : typeof v === "bigint" ? String(v) : v)));
  process.stdout.write(`${Papa.unparse({ fields: names, data: rows }, { newline: "\n" })}\n`);
}
connection.closeSync();
instance.closeSync();
