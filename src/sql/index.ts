/**
 * ogmetric's SQL compiler: a rubric as one query that scores every body of a table (or groups the
 * scores) where the data lives, in DuckDB, PostgreSQL or the portable subset Spark SQL, Trino and
 * BigQuery share. Pure core: no `node:` imports. See docs/sql.md.
 * @module ogmetric/sql
 */
export { compileToSql, sqlColumns, SQL_STATS, SQL_STATUS_NAMES, type CompileSqlOptions, type SqlColumns, type SqlName, type SqlStat } from "./compileToSql.js";
export { quoteSql, SQL_DIALECTS, type QuoteKind, type SqlDialect } from "./dialect.js";
