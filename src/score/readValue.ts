import {
  CODES,
  LEAF_BINARY,
  LEAF_COUNT,
  LEAF_LINEAR,
  LEAF_ORDINAL,
  LEAF_SCORE,
  READ_NOT_A_NUMBER,
  READ_NOT_BINARY,
  READ_NOT_FINITE,
  READ_NOT_INTEGER,
  READ_OK,
  READ_OUT_OF_RANGE,
  READ_UNKNOWN_LEVEL,
  VALUE_ABSENT,
  VALUE_NOT_APPLICABLE,
  VALUE_PRESENT,
} from "../engine/codes.js";
import type { Kernel } from "../rubric/compileRubric.js";
import type { Issue } from "../issue.js";
import { describeValue } from "../issue.js";

/**
 * Reusable output of `readValue`, so that the hot path allocates nothing.
 * @example
 * const slot: ReadSlot = createReadSlot();
 * readScore("0.25", slot);
 * [slot.kind === VALUE_PRESENT, slot.value, slot.err] // => [true, 0.25, 0.005]
 */
export interface ReadSlot {
  kind: number;
  /** The score in [0, 1]. */
  value: number;
  /** Half a unit of the last decimal given, carried to the score's scale (0 when exact). */
  err: number;
}

/**
 * Creates an empty slot for `readValue`.
 * @example
 * createReadSlot().kind === VALUE_ABSENT // => true
 */
export function createReadSlot(): ReadSlot {
  return { kind: VALUE_ABSENT, value: 0, err: 0 };
}

/**
 * Tokens read as "not applicable" (compared case-insensitively after trimming). Everything else
 * that is not a number (or an ordinal level) is an error; an empty cell is a missing value.
 * @example
 * NOT_APPLICABLE_TOKENS.map((t) => scoreBody(rubric, { values: { TG: t.toLowerCase() } }).nodes[2]!.status) // => ["not_applicable", "not_applicable", "not_applicable", "not_applicable", "not_applicable"]
 */
export const NOT_APPLICABLE_TOKENS: readonly string[] = ["NA", "N/A", "N.A.", "NO APLICA", "NOT APPLICABLE"];
const NA_SET = new Set(NOT_APPLICABLE_TOKENS);

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const STRICT_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

let parsedDecimals = 0;

/**
 * Parses a decimal number written in plain notation (`0.5054`, `-3`, `.5`, `1e-3`), recording its
 * number of decimals in `parsedDecimals`. Returns NaN for anything else (hex, `Infinity`, commas).
 * Short inputs take an exact integer fast path: digits / 10^decimals is correctly rounded, so it
 * equals `Number(s)`; other short forms are checked by a regex.
 */
function parseDecimal(s: string): number {
  const n = s.length;
  // Long texts (full-precision scores such as 0.5391608333333334) are parsed natively: `Number`
  // accepts no other form than decimals but for `0x`/`0b`/`0o` literals, refused here.
  if (n > 16) {
    const c1 = s.charCodeAt(1) | 32;
    if (s.charCodeAt(0) === 48 && (c1 === 120 || c1 === 98 || c1 === 111)) return Number.NaN;
    const x = Number(s);
    if (!Number.isNaN(x)) parsedDecimals = decimalsIn(s);
    return x;
  }
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (c === 45 || c === 43) {
    neg = c === 45;
    i = 1;
  }
  let digits = 0;
  let mantissa = 0;
  let decimals = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) {
      decimals = 0;
    } else break;
  }
  if (i === n && digits > 0 && digits <= 15) {
    parsedDecimals = decimals < 0 ? 0 : decimals;
    const v = decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
    return neg ? -v : v;
  }
  if (!STRICT_NUMBER.test(s)) return Number.NaN;
  parsedDecimals = decimalsIn(s);
  return Number(s);
}

/** Decimals a plain or exponent-form decimal text carries: "0.50" → 2, "5e-3" → 3, "12" → 0. */
function decimalsIn(s: string): number {
  let e = s.indexOf("e");
  if (e < 0) e = s.indexOf("E");
  const dot = s.indexOf(".");
  const fraction = dot < 0 ? 0 : (e < 0 ? s.length : e) - dot - 1;
  return e < 0 ? fraction : fraction - Number(s.slice(e + 1));
}

function decimalsOf(x: number): number {
  return decimalsIn(String(x));
}

function halfUnit(decimals: number): number {
  return decimals <= 0 ? 0.5 : decimals >= POW10.length ? 0 : 0.5 / POW10[decimals]!;
}

/** `readRaw` found a number: it is in `parsedValue`, its decimals in `parsedDecimals`. */
const PARSED = -1;
let parsedValue = 0;

/**
 * The step every reading shares: absent (empty, null, undefined), a not-applicable token, an
 * ordinal level (when `levels` is given), or a number (`PARSED`). Writes absent / NA / levels
 * into `slot`; leaves numbers to the caller's scale.
 */
function readRaw(raw: unknown, slot: ReadSlot, levels: ReadonlyMap<string, number> | undefined, comma: boolean): number {
  slot.kind = VALUE_ABSENT;
  slot.value = 0;
  slot.err = 0;
  if (raw === null || raw === undefined) return READ_OK;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return Number.isNaN(raw) ? READ_NOT_A_NUMBER : READ_NOT_FINITE;
    parsedValue = raw;
    parsedDecimals = decimalsOf(raw);
    return PARSED;
  }
  if (typeof raw !== "string") return READ_NOT_A_NUMBER;
  let s = raw;
  if (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) s = s.trim();
  if (s.length === 0) return READ_OK;
  if (levels) {
    const score = levels.get(foldLevel(s));
    if (score !== undefined) {
      slot.kind = VALUE_PRESENT;
      slot.value = score;
      return READ_OK;
    }
  }
  if (comma && DECIMAL_COMMA.test(s)) s = s.replace(",", ".");
  const x = parseDecimal(s);
  if (Number.isNaN(x)) {
    if (NA_SET.has(s.toUpperCase())) {
      slot.kind = VALUE_NOT_APPLICABLE;
      return READ_OK;
    }
    return levels ? READ_UNKNOWN_LEVEL : READ_NOT_A_NUMBER;
  }
  if (!Number.isFinite(x)) return READ_NOT_FINITE;
  parsedValue = x;
  return PARSED;
}

/** A number written with a decimal comma and no other separator: `0,5`, `-,25`, `12,0`. */
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;

/**
 * How ordinal levels are matched: trimmed, without accents, case-insensitive, so that "Sí",
 * " si" and "SI" name the same level. The compiled rubric keys its levels by this form, and
 * validation refuses two levels that fold alike.
 * @param level - a level as written or as read from a cell
 * @returns its folded form
 * @example
 * foldLevel(" Sí ") // => "si"
 */
export function foldLevel(level: string): string {
  return level.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
}

/** A score in [0, 1] as given, with the precision of its decimals. */
function setScore(slot: ReadSlot, x: number, decimals: number): number {
  if (!(x >= 0 && x <= 1)) return READ_OUT_OF_RANGE;
  slot.kind = VALUE_PRESENT;
  slot.value = x;
  slot.err = halfUnit(decimals);
  return READ_OK;
}

/**
 * Reads a raw score in [0, 1] with no rubric at hand (e.g. a cell of a scores file): the same
 * tokens and number rules as `readValue` for a node given directly.
 * @param raw - the raw value: a string from a file, a number, or null/undefined
 * @param slot - receives kind, value and precision
 * @param decimalComma - also read `0,5` as 0.5
 * @returns `READ_OK` or an error code (`READ_NOT_A_NUMBER`, `READ_NOT_FINITE`, `READ_OUT_OF_RANGE`)
 * @example
 * const slot = createReadSlot();
 * readScore(" NA ", slot); // => 0
 * slot.kind === VALUE_NOT_APPLICABLE // => true
 */
export function readScore(raw: unknown, slot: ReadSlot, decimalComma = false): number {
  const code = readRaw(raw, slot, undefined, decimalComma);
  return code === PARSED ? setScore(slot, parsedValue, parsedDecimals) : code;
}

/**
 * Reads one raw input for a node and turns it into a score in [0, 1], by the node's input type
 * (an internal node given directly is read as a score). Allocation-free: the result goes into
 * `slot`, and the return value is `READ_OK` or an error code that `readIssue` explains.
 *
 * Empty, `null` and `undefined` are absent (missing); the `NOT_APPLICABLE_TOKENS` are not
 * applicable. Nothing is clamped or coerced except by a linear leaf's declared goalposts.
 * Internal: callers read through `BodyScorer.give` or the observation store.
 * @param k - the rubric's kernel
 * @param node - node position
 * @param raw - the raw value: a string from a file, a number, or null/undefined
 * @param slot - receives kind, value and precision
 * @param observation - true when the value is one observation of a per-observation leaf; a
 *   per-observation leaf given directly for the body (false, the default) takes the body-level
 *   share, a score in [0, 1]
 * @param decimalComma - also read `0,5` as 0.5 (a cell with one comma and no other separator)
 * @returns `READ_OK` or an error code
 */
export function readValue(k: Kernel, node: number, raw: unknown, slot: ReadSlot, observation = false, decimalComma = false): number {
  const kind = !observation && k.obsSet[node]! >= 0 ? LEAF_SCORE : k.leafKind[node]!;
  const code = readRaw(raw, slot, kind === LEAF_ORDINAL ? k.levels[node] : undefined, decimalComma);
  return code === PARSED ? readNumber(k, node, kind, parsedValue, parsedDecimals, slot) : code;
}

/**
 * Reads a plain decimal a byte reader has already parsed (by the same rule as `readValue`'s
 * decimal reader: the same value bit for bit, the same count of decimals), so that a CSV cell
 * reaches the score with no string made for it. Not for ordinal leaves, whose levels are matched
 * on the text first: `readsNumbers` says which nodes take this path.
 * @param k - the rubric's kernel
 * @param node - node position
 * @param x - the number
 * @param decimals - decimals it was written with (its precision)
 * @param slot - receives kind, value and precision
 * @param observation - as in `readValue`
 * @returns `READ_OK` or an error code
 */
export function readDecimal(k: Kernel, node: number, x: number, decimals: number, slot: ReadSlot, observation = false): number {
  slot.kind = VALUE_ABSENT;
  slot.value = 0;
  slot.err = 0;
  return readNumber(k, node, !observation && k.obsSet[node]! >= 0 ? LEAF_SCORE : k.leafKind[node]!, x, decimals, slot);
}

/**
 * Whether a node's cells may be read as numbers by a byte reader (`readDecimal`): every node but
 * an ordinal leaf, whose levels are matched on the text first.
 * @param k - the rubric's kernel
 * @param node - node position
 */
export function readsNumbers(k: Kernel, node: number): boolean {
  return !(k.leafKind[node] === LEAF_ORDINAL && k.obsSet[node]! < 0);
}

/** A parsed number on a node's scale: the one place where a value becomes a score. */
function readNumber(k: Kernel, node: number, kind: number, x: number, decimals: number, slot: ReadSlot): number {
  switch (kind) {
    case LEAF_BINARY:
      if (x !== 0 && x !== 1) return READ_NOT_BINARY;
      slot.value = x;
      break;
    case LEAF_COUNT: {
      const max = k.leafA[node]!;
      if (!Number.isInteger(x)) return READ_NOT_INTEGER;
      if (x < 0 || x > max) return READ_OUT_OF_RANGE;
      slot.value = x / max;
      break;
    }
    case LEAF_LINEAR: {
      let low = k.leafA[node]!;
      let high = k.leafB[node]!;
      let at = x;
      const halved = !Number.isFinite(high - low);
      if (halved) {
        // Goalposts far apart (say ±1e308): their distance overflows, half of it does not.
        low /= 2;
        high /= 2;
        at /= 2;
      }
      const span = high - low;
      const t = k.leafDescending[node] === 1 ? (high - at) / span : (at - low) / span;
      slot.value = t < 0 ? 0 : t > 1 ? 1 : t;
      slot.err = t <= 0 || t >= 1 ? 0 : halfUnit(decimals) / span / (halved ? 2 : 1);
      break;
    }
    case LEAF_ORDINAL:
      return READ_UNKNOWN_LEVEL;
    default:
      return setScore(slot, x, decimals);
  }
  slot.kind = VALUE_PRESENT;
  return READ_OK;
}

/**
 * What a node expects, in words, for messages.
 * @param k - the rubric's kernel
 * @param node - node position
 * @param observation - as in `readValue`
 * @returns e.g. "0 or 1", "a number from 0 to 1"
 */
export function expectedInput(k: Kernel, node: number, observation = false): string {
  const kind = !observation && k.obsSet[node]! >= 0 ? LEAF_SCORE : k.leafKind[node];
  switch (kind) {
    case LEAF_BINARY:
      return "0 or 1";
    case LEAF_COUNT:
      return `a whole number from 0 to ${k.leafA[node]}`;
    case LEAF_ORDINAL: {
      const input = k.rubric.nodes[node]!.input;
      return `one of ${(input?.type === "ordinal" ? input.levels : []).map((l) => JSON.stringify(l.value)).join(", ")}`;
    }
    case LEAF_LINEAR:
      return "a finite number";
    default:
      return "a number from 0 to 1";
  }
}

/**
 * Explains a `readValue` error as an issue.
 * @param k - the rubric's kernel
 * @param node - node position
 * @param raw - the raw value that failed
 * @param code - the error code `readValue` returned
 * @param observation - as in `readValue`
 * @returns the issue, with the node code as `path`
 */
export function readIssue(k: Kernel, node: number, raw: unknown, code: number, observation = false): Issue {
  const info = k.rubric.nodes[node]!;
  const expected = expectedInput(k, node, observation);
  const received = describeValue(raw);
  const comma = typeof raw === "string" && code === READ_NOT_A_NUMBER ? /^\s*([+-]?\d*),(\d+)\s*$/.exec(raw) : null;
  const hint = comma ? `a decimal comma? write it with a point: ${comma[1]}.${comma[2]}` : undefined;
  return {
    code: CODES.read[code] ?? "invalid_value",
    path: info.code,
    message: `"${info.code}" expects ${expected}, found ${received}${hint ? ` (${hint})` : ""}`,
    expected,
    received,
    ...(hint ? { hint } : {}),
  };
}
