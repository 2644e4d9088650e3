/**
 * A small SQL expression tree with constant folding, so that the compiler can write the engine's
 * cases once and get compact SQL: a leaf with no column is a constant, and every CASE, AND, OR and
 * comparison over constants disappears before any text is written.
 *
 * Internal: not re-exported. Every identifier and literal reaches SQL text through the dialect's
 * one quoting function (`Dialect.quote`).
 *
 * Boolean expressions are only ever used as conditions (CASE WHEN, AND, OR), where NULL and FALSE
 * mean the same: the folding below relies on that (a comparison with NULL folds to NULL, and AND
 * and OR treat a NULL constant as FALSE). Nothing is negated, so three-valued logic never bites.
 */
import type { Dialect } from "./dialect.js";

/** An expression. `call` nodes are dialect-written snippets over rendered arguments. */
export type Expr =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "int"; readonly v: number }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "bool"; readonly v: boolean }
  | { readonly k: "null" }
  | { readonly k: "col"; readonly name: string; readonly table?: string }
  | { readonly k: "bin"; readonly op: BinOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: "and" | "or"; readonly xs: readonly Expr[] }
  | { readonly k: "isnull"; readonly x: Expr; readonly not: boolean }
  | { readonly k: "in"; readonly x: Expr; readonly list: readonly Expr[] }
  | { readonly k: "case"; readonly whens: readonly (readonly [Expr, Expr])[]; readonly otherwise: Expr }
  | { readonly k: "call"; readonly write: (args: readonly string[]) => string; readonly args: readonly Expr[]; readonly key: string };

export type BinOp = "+" | "-" | "*" | "/" | "=" | "<>" | "<" | "<=" | ">" | ">=";

export const NULL: Expr = { k: "null" };
export const TRUE: Expr = { k: "bool", v: true };
export const FALSE: Expr = { k: "bool", v: false };

/** A double-precision literal (written by the dialect so that it is typed DOUBLE everywhere). */
export function num(v: number): Expr {
  if (!Number.isFinite(v)) throw new RangeError(`compileToSql: ${v} is not a finite number`);
  return { k: "num", v };
}

/** An integer literal: status codes and counts. */
export function int(v: number): Expr {
  return { k: "int", v };
}

export function str(v: string): Expr {
  return { k: "str", v };
}

/** A column of the current relation, or `table.name`. */
export function col(name: string, table?: string): Expr {
  return table === undefined ? { k: "col", name } : { k: "col", name, table };
}

/** A dialect snippet: `write` gets the rendered arguments. `key` identifies it for equality. */
export function call(key: string, write: (args: readonly string[]) => string, ...args: Expr[]): Expr {
  return { k: "call", write, args, key };
}

function isConst(e: Expr): e is Extract<Expr, { k: "num" | "int" | "str" | "bool" | "null" }> {
  return e.k === "num" || e.k === "int" || e.k === "str" || e.k === "bool" || e.k === "null";
}

/** The value of a constant expression (numbers of either kind compare as numbers). */
function constValue(e: Expr): number | string | boolean | null | undefined {
  switch (e.k) {
    case "num":
    case "int":
    case "str":
    case "bool":
      return e.v;
    case "null":
      return null;
    default:
      return undefined;
  }
}

/** Structural equality, used to merge CASE branches that give the same expression. */
export function same(a: Expr, b: Expr): boolean {
  return a === b || key(a) === key(b);
}

function key(e: Expr): string {
  switch (e.k) {
    case "num":
    case "int":
      return `${e.k}:${Object.is(e.v, -0) ? "-0" : String(e.v)}`;
    case "str":
      return `s:${JSON.stringify(e.v)}`;
    case "bool":
      return `b:${e.v}`;
    case "null":
      return "null";
    case "col":
      return `c:${JSON.stringify([e.table ?? "", e.name])}`;
    case "bin":
      return `(${key(e.a)}${e.op}${key(e.b)})`;
    case "and":
    case "or":
      return `${e.k}(${e.xs.map(key).join(",")})`;
    case "isnull":
      return `isnull${e.not ? "!" : ""}(${key(e.x)})`;
    case "in":
      return `in(${key(e.x)};${e.list.map(key).join(",")})`;
    case "case":
      return `case(${e.whens.map(([w, t]) => `${key(w)}?${key(t)}`).join(";")}:${key(e.otherwise)})`;
    case "call":
      return `${e.key}(${e.args.map(key).join(",")})`;
  }
}

const COMPARE: Partial<Record<BinOp, (a: number, b: number) => boolean>> = {
  "=": (a, b) => a === b,
  "<>": (a, b) => a !== b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** A comparison; folded when both sides are constants (NULL compares to NULL, as in SQL). */
export function cmp(op: BinOp, a: Expr, b: Expr): Expr {
  const f = COMPARE[op];
  if (!f) throw new TypeError(`compileToSql: ${op} is not a comparison`);
  if (a.k === "null" || b.k === "null") return NULL;
  const x = constValue(a);
  const y = constValue(b);
  if (typeof x === "number" && typeof y === "number") return f(x, y) ? TRUE : FALSE;
  if (typeof x === "string" && typeof y === "string" && (op === "=" || op === "<>")) return (x === y) === (op === "=") ? TRUE : FALSE;
  return { k: "bin", op, a, b };
}

export const eq = (a: Expr, b: Expr): Expr => cmp("=", a, b);

/** Arithmetic. Only the identities exact in IEEE doubles are folded (0 + x, 1 * x, x / 1). */
export function arith(op: "+" | "-" | "*" | "/", a: Expr, b: Expr): Expr {
  if (a.k === "null" || b.k === "null") return NULL;
  const x = constValue(a);
  const y = constValue(b);
  if (typeof x === "number" && typeof y === "number" && a.k === "num" && b.k === "num") {
    const r = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : y === 0 ? Number.NaN : x / y;
    if (Number.isFinite(r)) return num(r);
  }
  if (op === "+" && x === 0 && b.k !== "int") return b;
  if (op === "+" && y === 0 && a.k !== "int") return a;
  if (op === "*" && x === 1 && a.k === "num") return b;
  if (op === "*" && y === 1 && b.k === "num") return a;
  if (op === "/" && y === 1 && b.k === "num") return a;
  return { k: "bin", op, a, b };
}

/**
 * The largest of integer expressions that are never NULL (statuses): GREATEST, folded over the
 * constants. Every engine of the three dialects has GREATEST.
 */
export function greatest(xs: readonly Expr[]): Expr {
  const constants = xs.filter((x) => x.k === "int").map((x) => (x as { v: number }).v);
  const rest = xs.filter((x) => x.k !== "int");
  const unique = rest.filter((x, i) => rest.findIndex((y) => same(x, y)) === i);
  const args = constants.length > 0 ? [...unique, int(Math.max(...constants))] : unique;
  if (args.length === 1) return args[0]!;
  return call("greatest", (a) => `GREATEST(${a.join(", ")})`, ...args);
}

/** Sum of terms, left to right (the order the engine adds them in). */
export function sum(terms: readonly Expr[], zero: Expr): Expr {
  let acc = zero;
  for (const t of terms) acc = arith("+", acc, t);
  return acc;
}

export function and(...xs: Expr[]): Expr {
  const out: Expr[] = [];
  for (const x of xs) {
    if (x.k === "null") return FALSE;
    if (x.k === "bool") {
      if (!x.v) return FALSE;
      continue;
    }
    if (x.k === "and") out.push(...x.xs);
    else out.push(x);
  }
  return out.length === 0 ? TRUE : out.length === 1 ? out[0]! : { k: "and", xs: out };
}

export function or(...xs: Expr[]): Expr {
  const out: Expr[] = [];
  for (const x of xs) {
    if (x.k === "null") continue;
    if (x.k === "bool") {
      if (x.v) return TRUE;
      continue;
    }
    if (x.k === "or") out.push(...x.xs);
    else out.push(x);
  }
  return out.length === 0 ? FALSE : out.length === 1 ? out[0]! : { k: "or", xs: out };
}

export function isNull(x: Expr, not = false): Expr {
  if (isConst(x)) return (x.k === "null") !== not ? TRUE : FALSE;
  return { k: "isnull", x, not };
}

export function inList(x: Expr, list: readonly Expr[]): Expr {
  if (list.length === 0) return FALSE;
  const v = constValue(x);
  if (v !== undefined && list.every(isConst)) return list.some((l) => constValue(l) === v) ? TRUE : FALSE;
  return { k: "in", x, list };
}

/**
 * CASE WHEN ... THEN ... ELSE ... END, simplified: constant conditions decide at compile time,
 * and trailing branches that give the ELSE value are dropped.
 *
 * A condition is taken as true only when it is TRUE (NULL and FALSE fall through), as in SQL.
 */
export function caseWhen(whens: readonly (readonly [Expr, Expr])[], otherwise: Expr): Expr {
  const kept: [Expr, Expr][] = [];
  for (const [w, t] of whens) {
    if (w.k === "bool" && !w.v) continue;
    if (w.k === "null") continue;
    if (w.k === "bool" && w.v) {
      otherwise = t;
      break;
    }
    kept.push([w, t]);
  }
  while (kept.length > 0 && same(kept[kept.length - 1]![1], otherwise)) kept.pop();
  return kept.length === 0 ? otherwise : { k: "case", whens: kept, otherwise };
}

/** The columns an expression reads (unqualified names only). */
export function deps(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.k) {
    case "col":
      if (e.table === undefined) out.add(e.name);
      break;
    case "bin":
      deps(e.a, out);
      deps(e.b, out);
      break;
    case "and":
    case "or":
      for (const x of e.xs) deps(x, out);
      break;
    case "isnull":
      deps(e.x, out);
      break;
    case "in":
      deps(e.x, out);
      for (const x of e.list) deps(x, out);
      break;
    case "case":
      for (const [w, t] of e.whens) {
        deps(w, out);
        deps(t, out);
      }
      deps(e.otherwise, out);
      break;
    case "call":
      for (const a of e.args) deps(a, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * Writes an expression as SQL text. Compound expressions are parenthesised, so that no operator
 * precedence of any engine matters.
 * @param e - the expression
 * @param d - the dialect (its `quote` writes every identifier and string)
 */
export function render(e: Expr, d: Dialect): string {
  switch (e.k) {
    case "num":
      return d.double(e.v);
    case "int":
      return e.v < 0 ? `(${String(e.v)})` : String(e.v);
    case "str":
      return d.quote(e.v, "string");
    case "bool":
      return e.v ? "(1 = 1)" : "(1 = 0)";
    case "null":
      return "NULL";
    case "col":
      return e.table === undefined ? d.quote(e.name, "identifier") : `${d.quote(e.table, "identifier")}.${d.quote(e.name, "identifier")}`;
    case "bin":
      return `(${render(e.a, d)} ${e.op} ${render(e.b, d)})`;
    case "and":
    case "or":
      return `(${e.xs.map((x) => render(x, d)).join(e.k === "and" ? " AND " : " OR ")})`;
    case "isnull":
      return `(${render(e.x, d)} IS ${e.not ? "NOT " : ""}NULL)`;
    case "in":
      return `(${render(e.x, d)} IN (${e.list.map((x) => render(x, d)).join(", ")}))`;
    case "case":
      return `CASE ${e.whens.map(([w, t]) => `WHEN ${render(w, d)} THEN ${render(t, d)}`).join(" ")} ELSE ${render(e.otherwise, d)} END`;
    case "call":
      return e.write(e.args.map((a) => render(a, d)));
  }
}
