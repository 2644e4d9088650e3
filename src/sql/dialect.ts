/**
 * The three SQL dialects `compileToSql` writes: what differs between DuckDB, PostgreSQL and the
 * portable subset (`ansi`) that Spark SQL, Trino and BigQuery also accept.
 *
 * Each dialect quotes identifiers and string literals with ONE function, `quote`; the compiler
 * never writes a name or a text into SQL any other way. A name that a dialect cannot quote safely
 * is refused with a RangeError, never passed through.
 */
import { NOT_APPLICABLE_TOKENS } from "../index.js";
import { and, call, caseWhen, cmp, int, isNull, NULL, num, or, str, type Expr } from "./expr.js";

/**
 * The SQL dialects `compileToSql` writes.
 * @example
 * const dialect: SqlDialect = "postgres";
 * quoteSql(dialect, "tg.ai") // => '"tg.ai"'
 */
export type SqlDialect = "duckdb" | "postgres" | "ansi";
/**
 * The dialect names, for option checks and help texts.
 * @example
 * SQL_DIALECTS.map((d) => quoteSql(d, "Nuevo León", "string")) // => ["'Nuevo León'", "E'Nuevo León'", "'Nuevo León'"]
 */
export const SQL_DIALECTS: readonly SqlDialect[] = ["duckdb", "postgres", "ansi"];

/**
 * What `quote` writes: an identifier (a table or column name) or a string literal.
 * @example
 * const kind: QuoteKind = "string";
 * quoteSql("duckdb", "Jalisco", kind) // => "'Jalisco'"
 */
export type QuoteKind = "identifier" | "string";

/** Everything the compiler asks of a dialect. */
export interface Dialect {
  readonly name: SqlDialect;
  /** The one quoting function: an identifier or a string literal, escaped for this dialect. */
  quote(text: string, kind: QuoteKind): string;
  /** A DOUBLE literal for a finite number, exact (the shortest text that reads back the same). */
  double(x: number): string;
  /** Whether value cells can be read as text (NA tokens, trimming); `ansi` reads numbers only. */
  readonly readsText: boolean;
  /** Any value cast to text (`CAST(x AS VARCHAR)`). */
  text(x: Expr): Expr;
  /** A text cell trimmed as the CLI trims it (see `jsTrim`). */
  trimCell(t: Expr): Expr;
  /** True when a trimmed cell is a plain decimal number as the CLI reads it (no hex, no `inf`). */
  isNumber(t: Expr): Expr;
  /** The double a plain decimal text reads as; NULL when it is not finite (1e400). */
  parseNumber(t: Expr): Expr;
  /**
   * True when a column's type makes the text reading pointless, decided when the query is planned:
   * DuckDB folds `typeof(x) IN (...)` to a constant and drops the branch not taken, so a DOUBLE or
   * integer column is read as a number, and any other column as text, by the same query.
   * Undefined where no engine folds such a test.
   */
  numericType?(x: Expr): Expr;
  /** A value as a double, NULL where it does not convert (only on the branch `numericType` takes). */
  tryDouble?(x: Expr): Expr;
  /** A numeric column as a double (for `cells: "number"`). */
  double_(x: Expr): Expr;
  /** A grouping key as text, trimmed, empty when NULL. */
  key(x: Expr): Expr;
  /** The smallest of values of which any may be NULL (NULLs ignored; NULL when all are). */
  least(xs: readonly Expr[]): Expr;
  /** Aggregate median of a column, or undefined when the dialect needs the window form. */
  median?(v: string): string;
  /**
   * Written after each step's FROM to keep the planner from merging the steps: PostgreSQL inlines
   * a column's expression into every step that reads it, which grows the query exponentially with
   * the depth of the tree. `OFFSET 0` is its optimisation fence (the step still streams).
   */
  readonly fence: string;
  /**
   * A double about to be multiplied or divided, read as 0 below 1e-300 where the engine would
   * raise an error on underflow (PostgreSQL); unchanged elsewhere. The difference from the
   * TypeScript engine is below 1e-300.
   */
  tiny(x: Expr): Expr;
  /** ORDER BY term for a text key column. */
  orderBy(name: string): string;
  /** Longest identifier the engine keeps, in UTF-8 bytes (PostgreSQL truncates at 63). */
  readonly maxIdentifierBytes?: number;
  /** Whether output column names must differ ignoring case (BigQuery, Spark). */
  readonly caseInsensitiveNames: boolean;
  /** How an output column is named for a node code and an optional suffix (status, n, ...). */
  outputName(code: string, suffix?: string): string;
}

/** Characters JavaScript's `String.prototype.trim` removes (the CLI trims cells with it). */
export const JS_WHITESPACE = "\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

let upperMap: { from: string; to: string } | undefined;

/**
 * The characters whose upper case (JavaScript's `toUpperCase`, which the CLI uses on NA tokens) is
 * a character of an NA token, with that character: `translate(t, from, to)` then compares to the
 * tokens exactly, whatever the database's locale (it includes the dotless ı → I).
 */
export function naCaseMap(): { from: string; to: string } {
  if (upperMap) return upperMap;
  const chars = new Set([...NOT_APPLICABLE_TOKENS.join("")]);
  let from = "";
  let to = "";
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c < 0xe000) continue;
    const s = String.fromCharCode(c);
    const u = s.toUpperCase();
    if (u !== s && u.length === 1 && chars.has(u)) {
      from += s;
      to += u;
    }
  }
  upperMap = { from, to };
  return upperMap;
}

/** True when a trimmed text cell is one of the NA tokens, compared as the CLI compares them. */
export function isNaToken(t: Expr): Expr {
  const { from, to } = naCaseMap();
  const up = call("translate", ([x, f, g]) => `TRANSLATE(${x}, ${f}, ${g})`, t, str(from), str(to));
  return { k: "in", x: up, list: NOT_APPLICABLE_TOKENS.map(str) };
}

/** The plain decimal numbers the CLI reads (`readValue`): `0.5`, `.5`, `5.`, `-3`, `1e-3`. */
const NUMBER = "[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(text: string, what: string): void {
  if (text.includes("\u0000")) throw new RangeError(`compileToSql: ${what} ${JSON.stringify(text)} contains a NUL character, which SQL text cannot carry`);
  if (LONE_SURROGATE.test(text)) throw new RangeError(`compileToSql: ${what} ${JSON.stringify(text)} is not well-formed Unicode (a lone surrogate)`);
}

/** Double quotes, doubled inside: the standard delimited identifier (DuckDB, PostgreSQL). */
function delimited(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** The shortest text of a double, with an exponent so that engines type it DOUBLE, not DECIMAL. */
function exponentForm(x: number): string {
  const s = String(x).toUpperCase();
  const t = s.includes("E") ? s : `${s}E0`;
  return x < 0 || Object.is(x, -0) ? `(${Object.is(x, -0) ? "-0E0" : t})` : t;
}

/** JS_WHITESPACE as an ASCII-only SQL expression, CHR(9) || CHR(10) || ... (folded once per query). */
const WHITESPACE_SQL = `(${[...JS_WHITESPACE].map((c) => `CHR(${c.codePointAt(0)})`).join(" || ")})`;

function jsTrim(t: Expr, trim: (x: string, chars: string) => string): Expr {
  // The CLI trims a cell only when its first or last character is a control character or a
  // space, and then removes every Unicode space JavaScript's trim() removes.
  const first = call("ascii", ([x]) => `ASCII(${x})`, t);
  const last = call("ascii_last", ([x]) => `ASCII(RIGHT(${x}, 1))`, t);
  return caseWhen(
    [[or(cmp("<=", first, int(32)), cmp("<=", last, int(32))), call("trim_js", ([x]) => trim(x!, WHITESPACE_SQL), t)]],
    t,
  );
}

const duckdb: Dialect = {
  name: "duckdb",
  quote(text, kind) {
    checkText(text, kind);
    return kind === "identifier" ? delimited(text) : `'${text.replaceAll("'", "''")}'`;
  },
  double: exponentForm,
  readsText: true,
  text: (x) => call("varchar", ([a]) => `CAST(${a} AS VARCHAR)`, x),
  trimCell: (t) => jsTrim(t, (x, chars) => `TRIM(${x}, ${chars})`),
  isNumber: (t) => call("is_number", ([a]) => `regexp_full_match(${a}, ${duckdb.quote(NUMBER, "string")})`, t),
  parseNumber: (t) => call("try_double", ([a]) => `TRY_CAST(${a} AS DOUBLE)`, t),
  // Integers and doubles convert exactly as their text would read; FLOAT and DECIMAL are left to
  // the text reading, which reads what they print.
  numericType: (x) => call("numeric_type", ([a]) => `(typeof(${a}) IN ('DOUBLE', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'UINTEGER', 'USMALLINT', 'UTINYINT'))`, x),
  tryDouble: (x) => call("try_double", ([a]) => `TRY_CAST(${a} AS DOUBLE)`, x),
  double_: (x) => call("double", ([a]) => `CAST(${a} AS DOUBLE)`, x),
  key: (x) => call("key", ([a]) => `COALESCE(TRIM(CAST(${a} AS VARCHAR), ${WHITESPACE_SQL}), '')`, x),
  least: (xs) => (xs.length === 1 ? xs[0]! : call("least", (a) => `LEAST(${a.join(", ")})`, ...xs)),
  median: (v) => `MEDIAN(${v})`,
  fence: "",
  tiny: (x) => x,
  orderBy: (name) => name,
  caseInsensitiveNames: true,
  outputName: (code, suffix) => (suffix === undefined ? code : `${code}:${suffix}`),
};

/**
 * 2^1024 − 2^970: the smallest decimal that JavaScript reads as Infinity (PostgreSQL folds the
 * constant once per query). Below 2.4703282292062328e-324 a decimal reads as 0.
 */
const PG_OVERFLOW = "(2::numeric ^ 1024 - 2::numeric ^ 970)";
const PG_UNDERFLOW = "2.4703282292062328e-324";
/** Decimals PostgreSQL can read through NUMERIC without an error: exponent of at most 3 digits. */
const PG_SHORT_NUMBER = `^${NUMBER.replace("[0-9]+)?", "0*[0-9]{1,3})?")}$`;

const postgres: Dialect = {
  name: "postgres",
  quote(text, kind) {
    checkText(text, kind);
    if (kind === "identifier") {
      if (new TextEncoder().encode(text).length > 63) {
        throw new RangeError(`compileToSql: identifier ${JSON.stringify(text)} is longer than PostgreSQL's 63 bytes (it would be cut short)`);
      }
      return delimited(text);
    }
    // An escape string: the same meaning whatever standard_conforming_strings says.
    return `E'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
  },
  double: (x) => `CAST('${Object.is(x, -0) ? "-0" : String(x)}' AS DOUBLE PRECISION)`,
  readsText: true,
  text: (x) => call("varchar", ([a]) => `CAST(${a} AS VARCHAR)`, x),
  trimCell: (t) => jsTrim(t, (x, chars) => `BTRIM(${x}, ${chars})`),
  isNumber: (t) => call("is_number", ([a]) => `(${a} ~ ${postgres.quote(`^${NUMBER}$`, "string")})`, t),
  // Through NUMERIC (exact), with JavaScript's overflow and underflow made explicit: PostgreSQL
  // raises an error where JavaScript gives Infinity or 0. Longer forms count as not finite.
  parseNumber: (t) =>
    call(
      "pg_double",
      ([a]) =>
        `CASE WHEN LENGTH(${a}) <= 1000 AND ${a} ~ ${postgres.quote(PG_SHORT_NUMBER, "string")} THEN ` +
        `CASE WHEN ABS(CAST(${a} AS NUMERIC)) >= ${PG_OVERFLOW} THEN NULL WHEN ABS(CAST(${a} AS NUMERIC)) <= ${PG_UNDERFLOW} THEN CAST('0' AS DOUBLE PRECISION) ` +
        `ELSE CAST(CAST(${a} AS NUMERIC) AS DOUBLE PRECISION) END END`,
      t,
    ),
  double_: (x) => call("double", ([a]) => `CAST(${a} AS DOUBLE PRECISION)`, x),
  key: (x) => call("key", ([a]) => `COALESCE(BTRIM(CAST(${a} AS VARCHAR), ${WHITESPACE_SQL}), '')`, x),
  least: (xs) => (xs.length === 1 ? xs[0]! : call("least", (a) => `LEAST(${a.join(", ")})`, ...xs)),
  median: (v) => `PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ${v})`,
  fence: " OFFSET 0",
  tiny: (x) => caseWhen([[cmp("<", call("abs", ([a]) => `ABS(${a})`, x), num(1e-300)), num(0)]], x),
  orderBy: (name) => `${name} COLLATE "C"`,
  maxIdentifierBytes: 63,
  caseInsensitiveNames: false,
  outputName: (code, suffix) => (suffix === undefined ? code : `${code}:${suffix}`),
};

/**
 * Words no `ansi` identifier may be: the reserved words of SQL:2016, Spark SQL (ANSI mode),
 * Trino and BigQuery, lower-cased. A bare identifier among them would not parse somewhere.
 */
const ANSI_RESERVED = new Set(
  (
    "abs all allocate alter and any are array array_agg as asc assert_rows_modified asensitive asymmetric at atomic authorization avg begin " +
    "between bigint binary blob boolean both by call called cardinality cascaded case cast ceil ceiling char char_length character " +
    "character_length check clob close coalesce collate collect column commit condition connect constraint contains convert corr " +
    "corresponding count covar_pop covar_samp create cross cube cume_dist current current_catalog current_date current_path current_role " +
    "current_schema current_time current_timestamp current_user cursor cycle date day deallocate dec decimal declare default define " +
    "delete dense_rank deref describe deterministic disconnect distinct double drop dynamic each element else empty end end-exec enum " +
    "equals escape every except exclude exec execute exists exp external extract false fetch filter first_value float floor following " +
    "for foreign frame_row free from full function fusion get global grant group grouping groups hash having hold hour identity if " +
    "ignore in indicator initial inner inout insensitive insert int integer intersect intersection interval into is join json_array " +
    "json_arrayagg json_exists json_object json_objectagg json_query json_table json_value lag language large last_value lateral lead " +
    "leading left like like_regex limit listagg ln local localtime localtimestamp log log10 lookup lower match match_number " +
    "match_recognize matches max member merge merge_new method min minute mod modifies module month multiset national natural nchar " +
    "nclob new no none normalize not nth_value ntile null nulls nullif numeric occurrences_regex octet_length of offset old omit on " +
    "one only open or order out outer over overlaps overlay parameter partition pattern per percent percent_rank percentile_cont " +
    "percentile_disc period portion position position_regex power precedes preceding precision prepare primary procedure proto ptf " +
    "range rank reads real recursive ref references referencing regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope " +
    "regr_sxx regr_sxy regr_syy release respect result return returns revoke right rollback rollup row row_number rows running " +
    "savepoint scope scroll search second seek select sensitive session_user set show similar skip smallint some specific " +
    "specifictype sql sqlexception sqlstate sqlwarning sqrt start static stddev_pop stddev_samp struct submultiset subset substring " +
    "substring_regex succeeds sum symmetric system system_time system_user table tablesample tablesample then time timestamp " +
    "timezone_hour timezone_minute to trailing translate translate_regex translation treat trigger trim trim_array true truncate " +
    "uescape unbounded union unique unknown unnest update upper user using value values var_pop var_samp varbinary varchar varying " +
    "versioning when whenever where width_bucket window with within without year"
  ).split(" "),
);

const ANSI_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ansi: Dialect = {
  name: "ansi",
  quote(text, kind) {
    checkText(text, kind);
    if (kind === "identifier") {
      // No delimiter works in all of Spark ("`"), Trino ('"') and BigQuery ("`"): only names that
      // need none are written, bare.
      if (!ANSI_NAME.test(text) || ANSI_RESERVED.has(text.toLowerCase())) {
        throw new RangeError(
          `compileToSql: the ansi dialect writes identifiers bare, so it cannot use ${JSON.stringify(text)}: use letters, digits and _ (not starting with a digit, not a reserved word), or the duckdb or postgres dialect`,
        );
      }
      return text;
    }
    // Spark and BigQuery read a backslash as an escape and BigQuery does not read '' as a quote:
    // only texts without either are written.
    if (/['\\\u0000-\u001f\u007f]/.test(text)) {
      throw new RangeError(`compileToSql: the ansi dialect cannot write the text ${JSON.stringify(text)} portably (it holds a quote, a backslash or a control character)`);
    }
    return `'${text}'`;
  },
  double: exponentForm,
  readsText: false,
  text: () => {
    throw new RangeError("compileToSql: the ansi dialect reads value columns as numbers (cells: \"number\"); CAST to text has no portable type name");
  },
  trimCell: (t) => call("trim", ([a]) => `TRIM(${a})`, t),
  isNumber: () => {
    throw new RangeError("compileToSql: the ansi dialect has no portable way to read numbers in text");
  },
  parseNumber: () => {
    throw new RangeError("compileToSql: the ansi dialect has no portable way to read numbers in text");
  },
  // Multiplying by a DOUBLE literal makes integers and decimals doubles without naming a type.
  double_: (x) => call("double", ([a]) => `(${a} * 1E0)`, x),
  key: (x) => call("key", ([a]) => `COALESCE(TRIM(${a}), '')`, x),
  least: (xs) => {
    if (xs.length === 1) return xs[0]!;
    // LEAST returns NULL when any argument is NULL in Trino and BigQuery, so: the value that is
    // not NULL and not above any other.
    return caseWhen(
      xs.map((x, i) => [and(isNull(x, true), ...xs.filter((_, j) => j !== i).map((y) => or(isNull(y), cmp("<=", x, y)))), x] as const),
      NULL,
    );
  },
  fence: "",
  tiny: (x) => x,
  orderBy: (name) => name,
  caseInsensitiveNames: true,
  outputName: (code, suffix) => `${code.replaceAll(".", "_")}${suffix === undefined ? "" : `__${suffix}`}`,
};

const DIALECTS: Record<SqlDialect, Dialect> = { duckdb, postgres, ansi };

/**
 * The dialect object for a name.
 * @param name - duckdb, postgres or ansi
 * @returns the dialect
 * @throws RangeError for another name
 */
export function dialectOf(name: string): Dialect {
  if (!Object.prototype.hasOwnProperty.call(DIALECTS, name)) {
    throw new RangeError(`compileToSql: unknown dialect ${JSON.stringify(name)}; expected ${SQL_DIALECTS.join(", ")}`);
  }
  return DIALECTS[name as SqlDialect];
}

/**
 * Quotes an identifier or a string literal for a dialect: the function the compiler itself uses.
 * @param dialect - duckdb, postgres or ansi
 * @param text - the name or the text
 * @param kind - "identifier" (default) or "string"
 * @returns SQL text
 * @throws RangeError when the dialect cannot write it safely (NUL, lone surrogates; for ansi any
 *   name that would need delimiters, and texts with quotes or backslashes)
 * @example
 * quoteSql("postgres", 'a"b') // => "\"a\"\"b\""
 */
export function quoteSql(dialect: SqlDialect, text: string, kind: QuoteKind = "identifier"): string {
  return dialectOf(dialect).quote(text, kind);
}

