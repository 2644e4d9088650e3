/**
 * Compiles a rubric to SQL: one query that scores every body of a table the way `scoreBody`
 * does, or groups those scores the way `aggregate` does, in DuckDB, PostgreSQL or the portable
 * `ansi` subset.
 *
 * The query is a chain of common table expressions. The first reads the table's columns under
 * internal names (`c_id`, `r3`, ...), observation tables are reduced per body and joined on the id,
 * then each later step adds the columns whose inputs the steps before it computed: cells read as
 * the CLI reads them, then the tree bottom-up in the engine's order (gates before their parent),
 * then the views. Every number the engine would not give is NULL with a status saying why.
 */
import type { CompiledRubric, NodeInfo } from "../index.js";
import { dialectOf, isNaToken, type Dialect, type SqlDialect } from "./dialect.js";
import {
  and,
  arith,
  call,
  caseWhen,
  cmp,
  col,
  deps,
  eq,
  FALSE,
  greatest,
  int,
  isNull,
  NULL,
  num,
  TRUE,
  or,
  render,
  str,
  sum,
  type Expr,
} from "./expr.js";

/**
 * Extra statistics of the aggregate query (`n`, `mean` and the status counts are always there).
 * @example
 * const stats: SqlStat[] = ["median", "max"];
 * sqlColumns(rubric, { dialect: "duckdb", table: "t", by: ["state"], stats }).nodes[0]!.columns.max // => "iga:max"
 */
export type SqlStat = "median" | "sd" | "min" | "max";
/**
 * The statistics `stats` accepts, in the order the columns come.
 * @example
 * SQL_STATS // => ["median", "sd", "min", "max"]
 */
export const SQL_STATS: readonly SqlStat[] = ["median", "sd", "min", "max"];

/**
 * A table name: one identifier, or a path of identifiers such as `["analytics", "survey"]`.
 * @example
 * const table: SqlName = ["analytics", "survey"];
 * compileToSql(rubric, { dialect: "postgres", table }).includes('FROM "analytics"."survey"') // => true
 */
export type SqlName = string | readonly string[];

/**
 * Options of `compileToSql`.
 * @example
 * const options: CompileSqlOptions = { dialect: "postgres", table: "survey", by: ["level"] };
 * sqlColumns(rubric, options).leading // => ["level", "bodies"]
 */
export interface CompileSqlOptions {
  /** `duckdb`, `postgres` or `ansi` (Spark SQL, Trino, BigQuery). */
  readonly dialect: SqlDialect;
  /** The table (or view) holding one row per body. A string is ONE identifier, never parsed. */
  readonly table: SqlName;
  /** Observation set id → the table holding one row per observation of that set. */
  readonly observations?: Readonly<Record<string, SqlName>>;
  /**
   * Field or node → column name: `id`, grouping and carried fields, node codes or aliases. A node
   * named here is read from the body table (a per-observation leaf's mapping applies to its
   * observation table). Default: every field and node is read from the column of its own name.
   */
  readonly columns?: Readonly<Record<string, string>>;
  /**
   * The nodes the body table has columns for, by code or alias (read from the column of that
   * name unless `columns` maps it). Any node may be given: a leaf on its scale, an internal node,
   * a view node or a per-observation leaf as a score in [0, 1] that overrides what its subtree or
   * observations give, as in the engine. Default: every leaf not fed by observations.
   */
  readonly nodes?: readonly string[];
  /** Column of the body id in the body and observation tables (default `columns.id`, else `id`). */
  readonly id?: string;
  /** Fields carried to the per-body output after `id` (ignored with `by`). */
  readonly carry?: readonly string[];
  /** Group by these fields and write the aggregate query instead; `[]` is one national row. */
  readonly by?: readonly string[];
  /** With `by`: extra statistics per node. */
  readonly stats?: readonly SqlStat[];
  /** Wrap the query in `CREATE VIEW name AS ...`. */
  readonly view?: SqlName;
  /**
   * How value cells are read. `text` (default for duckdb and postgres): every cell is cast to text
   * and read as the CLI reads a CSV cell (trimmed; empty is missing; NA tokens; plain decimals),
   * whatever the column's type. `number` (the only choice for ansi): numeric columns, NULL is
   * missing, no NA tokens; ordinal leaves are still text.
   */
  readonly cells?: "text" | "number";
}

/**
 * Output column names of the query, for callers that read its result.
 * @example
 * const columns: SqlColumns = sqlColumns(rubric, { dialect: "duckdb", table: "t" });
 * columns.leading // => ["id", "rubric"]
 */
export interface SqlColumns {
  /** Per body: the id column, the carried fields, and `rubric`; with `by`: the keys and `bodies`. */
  readonly leading: readonly string[];
  /** One entry per node of the rubric, in display order. */
  readonly nodes: readonly {
    readonly code: string;
    /** Per body: value and status; with `by`: mean and counts, then the statistics asked for. */
    readonly columns: Readonly<Record<string, string>>;
  }[];
}

/**
 * Status codes inside the query (the output writes their names), in the order of precedence that
 * makes a parent's status the GREATEST of its children's: invalid over missing over scored over
 * not applicable, exactly the engine's "missing if any child is missing, else not applicable if
 * none is scored".
 */
const NOT_APPLICABLE = 1;
const SCORED = 2;
const MISSING = 3;
const INVALID = 4;
/** A cell read as nothing; otherwise a cell's kind is the status it gives its node. */
const ABSENT = 0;

/**
 * The status names the per-body query writes, by status code.
 * @example
 * SQL_STATUS_NAMES.indexOf("scored") // => 2
 */
export const SQL_STATUS_NAMES = ["", "not_applicable", "scored", "missing", "invalid"] as const;

const MAX_DOUBLE = Number.MAX_VALUE;

interface State {
  readonly s: Expr;
  readonly v: Expr;
}

/**
 * A relation built in steps: each column goes into the first step after every column it reads,
 * so that the query has as few steps as the dependencies allow. Constants never become columns.
 */
class Steps {
  readonly #layerOf = new Map<string, number>();
  readonly layers: [string, Expr][][] = [];

  constructor(base: readonly string[]) {
    for (const b of base) this.#layerOf.set(b, 0);
  }

  has(name: string): boolean {
    return this.#layerOf.has(name);
  }

  /** Adds a column (unless `e` is a constant or already a column) and returns a reference to it. */
  def(name: string, e: Expr): Expr {
    if (e.k !== "call" && e.k !== "bin" && e.k !== "and" && e.k !== "or" && e.k !== "isnull" && e.k !== "in" && e.k !== "case") return e;
    if (this.#layerOf.has(name)) throw new Error(`compileToSql: internal error: column ${name} defined twice`);
    let layer = 1;
    for (const d of deps(e)) {
      const l = this.#layerOf.get(d);
      if (l === undefined) throw new Error(`compileToSql: internal error: ${name} reads unknown column ${d}`);
      layer = Math.max(layer, l + 1);
    }
    while (this.layers.length < layer) this.layers.push([]);
    this.layers[layer - 1]!.push([name, e]);
    this.#layerOf.set(name, layer);
    return col(name);
  }

  /** The common table expressions `prefix1 .. prefixN` over `from`, and the last one's name. */
  ctes(d: Dialect, from: string, prefix: string): { ctes: string[]; last: string } {
    const ctes: string[] = [];
    let prev = from;
    this.layers.forEach((cols, i) => {
      if (cols.length === 0) return;
      const name = `${prefix}${i + 1}`;
      const list = cols.map(([n, e]) => `${render(e, d)} AS ${d.quote(n, "identifier")}`).join(",\n    ");
      ctes.push(`${d.quote(name, "identifier")} AS (\n  SELECT *,\n    ${list}\n  FROM ${d.quote(prev, "identifier")}${d.fence}\n)`);
      prev = name;
    });
    return { ctes, last: prev };
  }
}

function fail(message: string): never {
  throw new RangeError(`compileToSql: ${message}`);
}

function qualified(d: Dialect, name: SqlName, what: string): string {
  const parts = typeof name === "string" ? [name] : [...name];
  if (parts.length === 0 || parts.some((p) => typeof p !== "string" || p.length === 0)) fail(`${what} must be a non-empty name or path of names`);
  return parts.map((p) => d.quote(p, "identifier")).join(".");
}

/** The leaf input's scale: whether a double is valid, and the score it gives. */
function scale(d: Dialect, info: NodeInfo | undefined, x: Expr): { valid: Expr; value: Expr } {
  const input = info?.input;
  switch (input?.type) {
    case "binary":
      return { valid: or(eq(x, num(0)), eq(x, num(1))), value: x };
    case "count": {
      const floor = call("floor", ([a]) => `FLOOR(${a})`, x);
      return { valid: and(cmp(">=", x, num(0)), cmp("<=", x, num(input.max)), eq(x, floor)), value: arith("/", x, num(input.max)) };
    }
    case "linear": {
      const { low, high } = input;
      const span = high - low;
      if (!Number.isFinite(span)) fail(`the goalposts of "${info!.code}" are too far apart for doubles (high − low overflows)`);
      const valid = and(cmp(">=", x, num(-MAX_DOUBLE)), cmp("<=", x, num(MAX_DOUBLE)));
      // The engine's (x − low)/(high − low) clamped to [0, 1]; outside the goalposts the clamp is
      // decided by comparison first, so that no engine overflows on a huge finite x.
      const value =
        input.direction === "descending"
          ? caseWhen([[cmp(">=", x, num(high)), num(0)], [cmp("<=", x, num(low)), num(1)]], arith("/", d.tiny(arith("-", num(high), x)), num(span)))
          : caseWhen([[cmp("<=", x, num(low)), num(0)], [cmp(">=", x, num(high)), num(1)]], arith("/", d.tiny(arith("-", x, num(low))), num(span)));
      return { valid, value };
    }
    default:
      return { valid: and(cmp(">=", x, num(0)), cmp("<=", x, num(1))), value: x };
  }
}

/**
 * Reads one cell as `readValue` does, into the status it gives its node (not applicable, scored or
 * invalid) and its score, or `absent` for an empty cell. `info` is the leaf whose scale applies, or
 * undefined for a score in [0, 1] (a node given directly, or a per-observation leaf given for the
 * whole body).
 */
function readCell(steps: Steps, d: Dialect, cells: "text" | "number", raw: Expr, info: NodeInfo | undefined, name: string, absent: State = { s: int(ABSENT), v: NULL }): State {
  const input = info?.input;
  const done = (s: Expr, v: Expr): State => ({ s: steps.def(`k${name}`, s), v: steps.def(`g${name}`, v) });
  if (input?.type === "ordinal") {
    const t = steps.def(`t${name}`, d.trimCell(d.readsText ? steps.def(`u${name}`, d.text(raw)) : raw));
    const empty = or(isNull(t), eq(t, str("")));
    const levels = input.levels.map((l) => [eq(t, str(l.value)), num(l.score)] as const);
    return done(
      caseWhen([[empty, absent.s], ...levels.map(([c]) => [c, int(SCORED)] as const), [isNaToken(t), int(NOT_APPLICABLE)]], int(INVALID)),
      caseWhen([[empty, absent.v], ...levels], NULL),
    );
  }
  if (cells === "number") {
    const x = steps.def(`x${name}`, d.double_(raw));
    const { valid, value } = scale(d, info, x);
    return done(caseWhen([[isNull(x), absent.s], [valid, int(SCORED)]], int(INVALID)), caseWhen([[isNull(x), absent.v], [valid, value]], NULL));
  }
  const numeric = d.numericType?.(raw);
  const t = steps.def(`t${name}`, d.trimCell(steps.def(`u${name}`, numeric ? caseWhen([[numeric, NULL]], d.text(raw)) : d.text(raw))));
  const isNumber = steps.def(`q${name}`, d.isNumber(t));
  const x = steps.def(`x${name}`, d.parseNumber(t));
  const { valid, value } = scale(d, info, x);
  const empty = or(isNull(t), eq(t, str("")));
  let s = caseWhen([[empty, absent.s], [isNumber, caseWhen([[valid, int(SCORED)]], int(INVALID))], [isNaToken(t), int(NOT_APPLICABLE)]], int(INVALID));
  let v = caseWhen([[empty, absent.v], [and(isNumber, valid), value]], NULL);
  if (numeric && d.tryDouble) {
    // A numeric column (decided at planning time): read as a number, no text round trip.
    const y = steps.def(`y${name}`, caseWhen([[numeric, d.tryDouble(raw)]], NULL));
    const n = scale(d, info, y);
    s = caseWhen([[numeric, caseWhen([[isNull(y), absent.s], [n.valid, int(SCORED)]], int(INVALID))]], s);
    v = caseWhen([[numeric, caseWhen([[isNull(y), absent.v], [n.valid, n.value]], NULL)]], v);
  }
  return done(s, v);
}

function policyState(policy: "missing" | "zero" | "not_applicable"): State {
  return policy === "zero" ? { s: int(SCORED), v: num(0) } : policy === "not_applicable" ? { s: int(NOT_APPLICABLE), v: NULL } : { s: int(MISSING), v: NULL };
}

/** x / y, with y = 0 giving NULL instead of an error (PostgreSQL, BigQuery) or Infinity. */
function divide(x: Expr, y: Expr): Expr {
  if ((y.k === "num" || y.k === "int") && y.v !== 0) return arith("/", x, y);
  return arith("/", x, call("nullif", ([a]) => `NULLIF(${a}, 0)`, y));
}

/** Combines children's states by the node's rule, as `evaluateFrame` does. */
function combine(d: Dialect, info: NodeInfo, kids: readonly { readonly st: State; readonly w: number }[]): State {
  const naZero = info.notApplicable === "zero";
  const isS = (st: State) => eq(st.s, int(SCORED));
  const isNa = (st: State) => eq(st.s, int(NOT_APPLICABLE));
  const status = greatest(kids.map(({ st }) => st.s));
  // The weights of the children that count, added in child order as the engine adds them.
  const wsum = sum(
    kids.map(({ st, w }) => caseWhen([[naZero ? or(isS(st), isNa(st)) : isS(st), num(w)]], num(0))),
    num(0),
  );
  let value: Expr;
  if (info.rule === "geometric") {
    const zero = or(...kids.map(({ st }) => and(isS(st), eq(st.v, num(0)))), ...(naZero ? kids.map(({ st }) => isNa(st)) : []));
    const logs = sum(
      kids.map(({ st, w }) => {
        const positive = cmp(">", st.v, num(0));
        const ln = call("ln", ([a]) => `LN(${a})`, caseWhen([[positive, st.v]], NULL));
        return caseWhen([[and(isS(st), positive), arith("*", num(w), ln)]], num(0));
      }),
      num(0),
    );
    value = caseWhen([[zero, num(0)]], call("exp", ([a]) => `EXP(${a})`, divide(logs, wsum)));
  } else if (info.rule === "minimum") {
    // A child's value is NULL unless it is scored, so the least non-NULL value is the minimum.
    const naAsZero = naZero ? or(...kids.map(({ st }) => isNa(st))) : FALSE;
    value = caseWhen([[naAsZero, num(0)]], d.least(kids.map(({ st }) => st.v)));
  } else {
    // A missing or invalid child's value is NULL, and so is the sum; a not applicable one adds 0.
    const acc = sum(
      kids.map(({ st, w }) => caseWhen([[isNa(st), num(0)]], arith("*", num(w), d.tiny(st.v)))),
      num(0),
    );
    value = divide(acc, wsum);
    // Re-weighting, no scored child leaves the weights at 0 and the value NULL: nothing to mask.
    if (!naZero) return { s: status, v: value };
  }
  return { s: status, v: caseWhen([[eq(status, int(SCORED)), value]], NULL) };
}

/** Checks that output names are unique (ignoring case where the engine does). */
function checkUnique(d: Dialect, names: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const n of names) {
    const k = d.caseInsensitiveNames ? n.toLowerCase() : n;
    const before = seen.get(k);
    if (before !== undefined) fail(`two output columns would be named ${JSON.stringify(n)}${before !== n ? ` and ${JSON.stringify(before)}` : ""}; rename a grouping or carried field`);
    seen.set(k, n);
    d.quote(n, "identifier");
  }
}

interface Plan {
  readonly d: Dialect;
  readonly rubric: CompiledRubric;
  readonly idColumn: string;
  readonly fieldColumn: (field: string) => string;
  /** Node position → the body table's column. */
  readonly inputs: ReadonlyMap<number, string>;
  /** Observation set position → its table and the columns of its leaves. */
  readonly sets: ReadonlyMap<number, { readonly table: SqlName; readonly leaves: readonly { readonly node: number; readonly column: string }[] }>;
  readonly cells: "text" | "number";
}

function plan(rubric: CompiledRubric, options: CompileSqlOptions): Plan {
  if (rubric === null || typeof rubric !== "object" || !Array.isArray(rubric.nodes)) throw new TypeError("compileToSql: expected a compiled rubric (from parseRubric or loadEdition)");
  if (options === null || typeof options !== "object") throw new TypeError("compileToSql: expected options with dialect and table");
  const d = dialectOf(options.dialect);
  const cells = options.cells ?? (d.readsText ? "text" : "number");
  if (cells !== "text" && cells !== "number") fail(`cells must be "text" or "number", not ${JSON.stringify(cells)}`);
  if (cells === "text" && !d.readsText) fail('the ansi dialect reads value columns as numbers: use cells: "number" (NA tokens need duckdb or postgres)');
  const nodeOf = (name: string, what: string): number => {
    const i = rubric.index.get(name);
    if (i === undefined) fail(`${what} ${JSON.stringify(name)} is not a node code or alias of ${rubric.id}`);
    return i;
  };

  // columns: node mappings (by position) and field mappings.
  const nodeColumn = new Map<number, string>();
  const fieldColumns = new Map<string, string>();
  for (const [key, column] of Object.entries(options.columns ?? {})) {
    if (typeof column !== "string" || column.length === 0) fail(`columns.${key} must be a column name`);
    const node = rubric.index.get(key);
    if (node === undefined) {
      fieldColumns.set(key, column);
      continue;
    }
    if (nodeColumn.has(node)) fail(`columns maps node "${rubric.nodes[node]!.code}" twice (by code and alias)`);
    nodeColumn.set(node, column);
  }
  const idColumn = options.id ?? fieldColumns.get("id") ?? "id";
  if (typeof idColumn !== "string" || idColumn.length === 0) fail("id must be a column name");
  const fieldColumn = (field: string) => (field === "id" ? idColumn : (fieldColumns.get(field) ?? field));

  const isObservationLeaf = (i: number) => rubric.nodes[i]!.input?.observations !== undefined;
  const inputs = new Map<number, string>();
  const given = options.nodes ?? rubric.nodes.filter((n) => n.input !== undefined && n.input.observations === undefined && n.view === undefined).map((n) => n.code);
  if (!Array.isArray(given)) fail("nodes must be an array of node codes or aliases");
  for (const name of given) {
    const i = nodeOf(name, "nodes:");
    if (inputs.has(i)) fail(`nodes names "${rubric.nodes[i]!.code}" twice`);
    inputs.set(i, nodeColumn.get(i) ?? name);
  }
  for (const [i, column] of nodeColumn) if (!inputs.has(i) && !isObservationLeaf(i)) inputs.set(i, column);
  const sets = new Map<number, { table: SqlName; leaves: { node: number; column: string }[] }>();
  const setIds = rubric.observationSets.map((s) => s.id);
  for (const [setId, table] of Object.entries(options.observations ?? {})) {
    const s = setIds.indexOf(setId);
    if (s < 0) fail(`observations: "${setId}" is not an observation set of ${rubric.id} (${setIds.join(", ") || "it has none"})`);
    const leaves = rubric.nodes
      .filter((n) => n.input?.observations?.set === setId)
      .map((n) => ({ node: n.index, column: nodeColumn.get(n.index) ?? n.code }));
    sets.set(s, { table, leaves });
  }
  if (d.name === "ansi") {
    // Node codes have dots, which no bare identifier may: say which mapping is needed.
    const columns = [...inputs, ...[...sets.values()].flatMap((s) => s.leaves.map((l) => [l.node, l.column] as const))];
    for (const [i, column] of columns) {
      const code = rubric.nodes[i]!.code;
      const plain = code.replaceAll(".", "_");
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) fail(`the ansi dialect cannot name column ${JSON.stringify(column)} (node "${code}") without delimiters: map it to a plain name (columns: { "${code}": "${plain}" }, or --map ${code}=${plain})`);
    }
  }
  if (d.name === "postgres") {
    // PostgreSQL raises an error when a product underflows to 0: with scores read as 0 below
    // 1e-300 (Dialect.tiny), weights of at least 1e-20 keep every product above the smallest double.
    for (const n of rubric.nodes) for (const c of n.children) if (c.weight < 1e-20) fail(`weight ${c.weight} of "${c.code}" under "${n.code}" is too small for PostgreSQL (below 1e-20 a product can underflow, an error there)`);
  }
  for (const stat of options.stats ?? []) if (!SQL_STATS.includes(stat)) fail(`unknown statistic ${JSON.stringify(stat)}; expected ${SQL_STATS.join(", ")}`);
  if (options.stats !== undefined && options.stats.length > 0 && options.by === undefined) fail("stats go with by (the per-body query has no statistics)");
  return { d, rubric, idColumn, fieldColumn, inputs, sets, cells };
}

/** Evaluation order of the engine: the main tree bottom-up (reverse display order), then each view. */
function evalOrder(rubric: CompiledRubric): number[] {
  const main = rubric.nodes.filter((n) => n.view === undefined).map((n) => n.index);
  const order = [...main].reverse();
  for (const v of rubric.views) order.push(...[...v.nodes].reverse());
  return order;
}

/**
 * The body relation: the CTEs up to the last one, which has `c_id`, `c_key<k>` for each field in
 * `keys`, and `s<i>`/`v<i>` references for every node's final status and value.
 */
function bodyRelation(p: Plan, options: CompileSqlOptions, keys: readonly string[]): { ctes: string[]; last: string; states: State[]; keyCols: Expr[] } {
  const { d, rubric } = p;
  const q = (n: string) => d.quote(n, "identifier");
  const ctes: string[] = [];

  // Observation tables: read each cell, then reduce per body.
  const setCols = new Map<number, string>();
  p.sets.forEach((set, s) => {
    const src = `o${s}_src`;
    const select = [`${q(p.idColumn)} AS ${q("c_id")}`, ...set.leaves.map((l) => `${q(l.column)} AS ${q(`r${l.node}`)}`)];
    ctes.push(`${q(src)} AS (\n  SELECT ${select.join(", ")}\n  FROM ${qualified(d, set.table, `observations.${rubric.observationSets[s]!.id}`)}\n)`);
    const steps = new Steps(["c_id", ...set.leaves.map((l) => `r${l.node}`)]);
    const read = set.leaves.map((l) => ({ node: l.node, ...readCell(steps, d, p.cells, col(`r${l.node}`), rubric.nodes[l.node], `o${l.node}`) }));
    // Per observation: s is 0 (empty), not applicable, scored or invalid; v the score when scored.
    const { ctes: layers, last } = steps.ctes(d, src, `o${s}_`);
    ctes.push(...layers);
    const aggs = [`COUNT(*) AS ${q(`n${s}`)}`];
    for (const r of read) {
      const sumOf = (e: Expr) => `SUM(${render(e, d)})`;
      aggs.push(
        `COALESCE(SUM(${render(r.v, d)}), ${d.double(0)}) AS ${q(`os${r.node}`)}`,
        `COUNT(${render(r.v, d)}) AS ${q(`on${r.node}`)}`,
        `${sumOf(caseWhen([[eq(r.s, int(ABSENT)), int(1)]], int(0)))} AS ${q(`om${r.node}`)}`,
        `${sumOf(caseWhen([[eq(r.s, int(INVALID)), int(1)]], int(0)))} AS ${q(`oi${r.node}`)}`,
      );
    }
    const agg = `o${s}`;
    ctes.push(`${q(agg)} AS (\n  SELECT ${q("c_id")},\n    ${aggs.join(",\n    ")}\n  FROM ${q(last)}\n  GROUP BY ${q("c_id")}\n)`);
    setCols.set(s, agg);
  });

  // The body table, with the observation counts joined on the id.
  const inputs = [...p.inputs];
  const keyNames = keys.map((_, k) => `c_key${k}`);
  const select = [
    `${q(p.idColumn)} AS ${q("c_id")}`,
    ...keys.map((f, k) => `${q(p.fieldColumn(f))} AS ${q(keyNames[k]!)}`),
    ...inputs.map(([i, column]) => `${q(column)} AS ${q(`r${i}`)}`),
  ];
  ctes.push(`${q("src")} AS (\n  SELECT ${select.join(",\n    ")}\n  FROM ${qualified(d, options.table, "table")}\n)`);
  const base = ["c_id", ...keyNames, ...inputs.map(([i]) => `r${i}`)];
  let from = "src";
  if (setCols.size > 0) {
    const cols = [`${q("src")}.*`];
    const joins: string[] = [];
    setCols.forEach((agg, s) => {
      const zero = (name: string) => `COALESCE(${q(agg)}.${q(name)}, 0) AS ${q(name)}`;
      cols.push(zero(`n${s}`));
      base.push(`n${s}`);
      for (const l of p.sets.get(s)!.leaves) {
        cols.push(`COALESCE(${q(agg)}.${q(`os${l.node}`)}, ${d.double(0)}) AS ${q(`os${l.node}`)}`, zero(`on${l.node}`), zero(`om${l.node}`), zero(`oi${l.node}`));
        base.push(`os${l.node}`, `on${l.node}`, `om${l.node}`, `oi${l.node}`);
      }
      joins.push(`LEFT JOIN ${q(agg)} ON ${q("src")}.${q("c_id")} = ${q(agg)}.${q("c_id")}`);
    });
    ctes.push(`${q("joined")} AS (\n  SELECT ${cols.join(",\n    ")}\n  FROM ${q("src")}\n  ${joins.join("\n  ")}\n)`);
    from = "joined";
  }

  const steps = new Steps(base);
  const isPlainLeaf = (info: NodeInfo) => info.input !== undefined && info.input.observations === undefined;
  // A plain leaf's cell gives its state directly (an empty cell: the missing-value policy); a node
  // with a subtree or observations reads its cell as a kind (0 when empty) that overrides them.
  const given = new Map<number, State>();
  for (const [i] of inputs) {
    const info = rubric.nodes[i]!;
    given.set(i, isPlainLeaf(info) ? readCell(steps, d, p.cells, col(`r${i}`), info, String(i), policyState(info.missing)) : readCell(steps, d, p.cells, col(`r${i}`), undefined, String(i)));
  }

  const cur: State[] = rubric.nodes.map(() => ({ s: int(MISSING), v: NULL }));
  const settle = (name: string, st: State): State => ({ s: steps.def(`${name}s`, st.s), v: steps.def(`${name}v`, st.v) });
  let version = 0;
  for (const i of evalOrder(rubric)) {
    const info = rubric.nodes[i]!;
    const input = given.get(i);
    let st: State;
    if (isPlainLeaf(info)) {
      cur[i] = input ?? policyState(info.missing);
      continue;
    }
    if (info.children.length > 0) {
      const kids = info.children.map((c) => ({ i: rubric.index.get(c.code)!, w: c.weight }));
      // Gates, in child order: a child scoring exactly 0 forces its targets to 0; a child whose
      // input is invalid leaves them unknown (invalid) too.
      for (const kid of kids) {
        const gates = rubric.nodes[kid.i]!.gates;
        if (gates.length === 0) continue;
        const g = cur[kid.i]!;
        const zero = and(eq(g.s, int(SCORED)), eq(g.v, num(0)));
        const invalid = eq(g.s, int(INVALID));
        for (const code of gates) {
          const t = rubric.index.get(code)!;
          const before = cur[t]!;
          cur[t] = settle(`n${t}_g${++version}`, {
            s: caseWhen([[zero, int(SCORED)], [invalid, int(INVALID)]], before.s),
            v: caseWhen([[zero, num(0)], [invalid, NULL]], before.v),
          });
        }
      }
      st = combine(d, info, kids.map((k) => ({ st: cur[k.i]!, w: k.w })));
    } else {
      const set = rubric.observationSets.findIndex((s) => s.id === info.input!.observations!.set);
      const noObs = policyState(rubric.observationSets[set]!.noObservations);
      const has = p.sets.has(set);
      const count = has ? col(`n${set}`) : int(0);
      const c = (name: string) => (has ? col(`${name}${i}`) : int(0));
      const scored = info.missing === "zero" ? arith("+", c("on"), c("om")) : c("on");
      const missing = info.missing === "missing" ? cmp(">", c("om"), int(0)) : FALSE;
      const none = eq(count, int(0));
      const invalid = cmp(">", c("oi"), int(0));
      st = {
        s: caseWhen([[none, noObs.s], [invalid, int(INVALID)], [missing, int(MISSING)], [eq(scored, int(0)), int(NOT_APPLICABLE)]], int(SCORED)),
        v: caseWhen([[none, noObs.v], [invalid, NULL], [missing, NULL], [eq(scored, int(0)), NULL]], divide(has ? d.tiny(col(`os${i}`)) : num(0), scored)),
      };
    }

    // Given directly: overrides the subtree or the observations; otherwise an internal node that
    // is missing follows its missing-value policy.
    const policy = info.children.length > 0 && info.missing !== "missing" ? policyState(info.missing) : undefined;
    if (input || policy) {
      st = settle(`c${i}_`, st);
      const absent = input ? eq(input.s, int(ABSENT)) : TRUE;
      const missing = and(absent, eq(st.s, int(MISSING)));
      st = {
        s: caseWhen([...(policy ? [[missing, policy.s] as const] : []), [absent, st.s]], input?.s ?? NULL),
        v: caseWhen([...(policy ? [[missing, policy.v] as const] : []), [absent, st.v]], input?.v ?? NULL),
      };
    }
    cur[i] = settle(`n${i}_`, st);
  }
  const keyCols = keyNames.map((n) => col(n));
  const { ctes: layers, last } = steps.ctes(d, from, "s");
  ctes.push(...layers);
  return { ctes, last, states: cur, keyCols };
}

/** A value in an output column: typed DOUBLE even when it is a constant NULL. */
function valueSql(d: Dialect, e: Expr): string {
  if (e.k !== "null") return render(e, d);
  return d.name === "duckdb" ? "CAST(NULL AS DOUBLE)" : d.name === "postgres" ? "CAST(NULL AS DOUBLE PRECISION)" : `(NULL * ${d.double(1)})`;
}

function statusSql(d: Dialect, s: Expr): string {
  return render(
    caseWhen(
      [
        [eq(s, int(SCORED)), str("scored")],
        [eq(s, int(NOT_APPLICABLE)), str("not_applicable")],
        [eq(s, int(MISSING)), str("missing")],
      ],
      str("invalid"),
    ),
    d,
  );
}

function header(rubric: CompiledRubric, d: Dialect, options: CompileSqlOptions): string {
  const tag = `${rubric.id}@${rubric.version}#${rubric.hash.slice(0, 12)}`;
  const safe = /^[\w.@#+-]+$/.test(tag) ? tag : "(rubric)";
  return `-- ogmetric: ${safe}, ${options.by !== undefined ? "aggregate" : "per-body scores"}, ${d.name} dialect`;
}

/**
 * The output column names of `compileToSql` for the same rubric and options.
 * @param rubric - compiled rubric
 * @param options - as for `compileToSql`
 * @returns the leading columns and, per node, its columns by role (`value`, `status`; or `mean`,
 *   `n`, `na`, `missing`, `invalid` and the statistics)
 * @throws RangeError as `compileToSql` does
 * @example
 * sqlColumns(loadEdition("2017"), { dialect: "duckdb", table: "t" }).nodes[0] // => { code: "iga", columns: { value: "iga", status: "iga:status" } }
 */
export function sqlColumns(rubric: CompiledRubric, options: CompileSqlOptions): SqlColumns {
  const p = plan(rubric, options);
  const { d } = p;
  const aggregate = options.by !== undefined;
  const leading = aggregate ? [...options.by!, "bodies"] : ["id", ...(options.carry ?? []), "rubric"];
  const roles = aggregate ? ["n", "na", "missing", "invalid", ...(options.stats ?? [])] : ["status"];
  const nodes = rubric.nodes.map((n) => ({
    code: n.code,
    columns: Object.fromEntries([[aggregate ? "mean" : "value", d.outputName(n.code)], ...roles.map((r) => [r, d.outputName(n.code, r)])]) as Record<string, string>,
  }));
  checkUnique(d, [...leading, ...nodes.flatMap((n) => Object.values(n.columns))]);
  return { leading, nodes };
}

/**
 * Compiles a rubric to one SQL query over a table of leaf inputs (one row per body), in DuckDB,
 * PostgreSQL or portable `ansi` SQL.
 *
 * Without `by`, the query gives one row per body: `id`, the carried fields, `rubric`
 * (`id@version#hash12`), then for every node its value (NULL unless scored) and its status
 * (`scored`, `not_applicable`, `missing`, or `invalid` when an input it depends on could not be
 * read). With `by`, it groups those rows and gives, per group and node, the mean over scored bodies
 * and the counts of scored, not applicable, missing and invalid bodies, as `aggregate` does.
 *
 * Weights, rules, gates, leaf scales, NA tokens, re-weighting, missing and no-observation policies,
 * nodes given directly and views follow the engine. Identifiers and texts are quoted by the
 * dialect's one quoting function; a name it cannot quote safely is a RangeError. An empty table
 * gives no rows (the national query too).
 * @param rubric - compiled rubric (from `parseRubric` or `loadEdition`)
 * @param options - dialect, tables, column mapping, grouping
 * @returns SQL text: one statement, without a trailing semicolon
 * @throws RangeError for unknown nodes, sets, statistics or dialects, and names a dialect cannot quote
 * @example
 * const sql = compileToSql(rubric, { dialect: "duckdb", table: "survey", by: ["state"] });
 * sql.split("\n")[0] // => `-- ogmetric: mga-2017@1.0.0#${rubric.hash.slice(0, 12)}, aggregate, duckdb dialect`
 * sql.includes('GROUP BY') // => true
 */
export function compileToSql(rubric: CompiledRubric, options: CompileSqlOptions): string {
  const columns = sqlColumns(rubric, options);
  const p = plan(rubric, options);
  const { d } = p;
  const q = (n: string) => d.quote(n, "identifier");
  const aggregate = options.by !== undefined;
  const keys = aggregate ? options.by! : (options.carry ?? []);
  const { ctes, last, states, keyCols } = bodyRelation(p, options, keys);
  let query: string;
  if (!aggregate) {
    const select = [
      `${q("c_id")} AS ${q("id")}`,
      ...keyCols.map((k, j) => `${render(k, d)} AS ${q(columns.leading[j + 1]!)}`),
      `${d.quote(`${rubric.id}@${rubric.version}#${rubric.hash.slice(0, 12)}`, "string")} AS ${q("rubric")}`,
      ...states.map((st, i) => `${valueSql(d, st.v)} AS ${q(columns.nodes[i]!.columns.value!)}`),
      ...states.map((st, i) => `${statusSql(d, st.s)} AS ${q(columns.nodes[i]!.columns.status!)}`),
    ];
    query = `WITH\n${ctes.join(",\n")}\nSELECT\n  ${select.join(",\n  ")}\nFROM ${q(last)}`;
  } else {
    // Group keys: trimmed text, '' for NULL (the aggregate's reading of a field).
    const keyNames = keys.map((_, k) => `c_group${k}`);
    const keySelect = keyCols.map((k, j) => `${render(d.key(k), d)} AS ${q(keyNames[j]!)}`);
    let from = last;
    if (keySelect.length > 0) {
      ctes.push(`${q("grouped")} AS (\n  SELECT *, ${keySelect.join(", ")}\n  FROM ${q(last)}\n)`);
      from = "grouped";
    }
    const stats = options.stats ?? [];
    const windowMedian = stats.includes("median") && d.median === undefined;
    if (windowMedian) {
      // Median without a median aggregate: rank the scored values within each group.
      const part = keyNames.map(q);
      const ranks = states.flatMap((st, i) => {
        if (st.v.k === "null") return [];
        const v = render(st.v, d);
        return [
          `ROW_NUMBER() OVER (PARTITION BY ${[...part, `(${v} IS NULL)`].join(", ")} ORDER BY ${v}) AS ${q(`m_rank${i}`)}`,
          `COUNT(${v}) OVER (${part.length > 0 ? `PARTITION BY ${part.join(", ")}` : ""}) AS ${q(`m_n${i}`)}`,
        ];
      });
      ctes.push(`${q("ranked")} AS (\n  SELECT *,\n    ${ranks.join(",\n    ")}\n  FROM ${q(from)}\n)`);
      from = "ranked";
    }
    const count = (s: Expr, code: number) => `SUM(${render(caseWhen([[eq(s, int(code)), int(1)]], int(0)), d)})`;
    const select = [...keyNames.map((k, j) => `${q(k)} AS ${q(columns.leading[j]!)}`), `COUNT(*) AS ${q("bodies")}`];
    states.forEach((st, i) => {
      const c = columns.nodes[i]!.columns;
      const v = valueSql(d, st.v);
      select.push(
        `AVG(${v}) AS ${q(c.mean!)}`,
        `COUNT(${v}) AS ${q(c.n!)}`,
        `${count(st.s, NOT_APPLICABLE)} AS ${q(c.na!)}`,
        `${count(st.s, MISSING)} AS ${q(c.missing!)}`,
        `${count(st.s, INVALID)} AS ${q(c.invalid!)}`,
      );
      for (const stat of SQL_STATS.filter((s) => stats.includes(s))) {
        let e: string;
        if (stat === "median") {
          if (!windowMedian) e = d.median!(v);
          else if (st.v.k === "null") e = `AVG(${v})`;
          else {
            const rank = q(`m_rank${i}`);
            const n = q(`m_n${i}`);
            e = `AVG(CASE WHEN ${v} IS NOT NULL AND 2 * ${rank} >= ${n} AND 2 * ${rank} <= ${n} + 2 THEN ${v} ELSE NULL END)`;
          }
        } else e = `${stat === "sd" ? "STDDEV_SAMP" : stat.toUpperCase()}(${v})`;
        select.push(`${e} AS ${q(c[stat]!)}`);
      }
    });
    const groupBy = keyNames.length > 0 ? `\nGROUP BY ${keyNames.map(q).join(", ")}\nORDER BY ${keyNames.map((k) => d.orderBy(q(k))).join(", ")}` : "\nHAVING COUNT(*) > 0";
    query = `WITH\n${ctes.join(",\n")}\nSELECT\n  ${select.join(",\n  ")}\nFROM ${q(from)}${groupBy}`;
  }
  const statement = options.view !== undefined ? `CREATE VIEW ${qualified(d, options.view, "view")} AS\n${query}` : query;
  return `${header(rubric, d, options)}\n${statement}`;
}
