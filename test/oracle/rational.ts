/**
 * Exact rational arithmetic on BigInt, for test oracles: no function of `src/` is used, and
 * nothing here rounds. A double is read as the exact binary fraction it holds (every finite double
 * is m·2^e), a decimal text as the exact decimal it writes, and a rational goes back to a double by
 * IEEE round-half-to-even, subnormals included.
 */

/** n / d with d > 0 and gcd(|n|, d) = 1. */
export interface Q {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The rational n / d, reduced. */
export function q(n: bigint, d = 1n): Q {
  if (d === 0n) throw new RangeError("q: zero denominator");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g === 1n || g === 0n ? { n, d } : { n: n / g, d: d / g };
}

export const ZERO = q(0n);
export const ONE = q(1n);

export const add = (a: Q, b: Q): Q => (a.d === b.d ? q(a.n + b.n, a.d) : q(a.n * b.d + b.n * a.d, a.d * b.d));
export const sub = (a: Q, b: Q): Q => add(a, { n: -b.n, d: b.d });
export const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
export const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
/** -1, 0 or 1 as a < b, a = b, a > b. */
export const cmp = (a: Q, b: Q): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const isZero = (a: Q): boolean => a.n === 0n;
export const sum = (xs: readonly Q[]): Q => xs.reduce(add, ZERO);
export const isInteger = (a: Q): boolean => a.d === 1n;

/** The exact value of a finite double, from its bits: sign · mantissa · 2^exponent. */
export function fromDouble(x: number): Q {
  if (!Number.isFinite(x)) throw new RangeError(`fromDouble: ${x} is not finite`);
  if (x === 0) return ZERO;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // Normal: (2^52 + f) · 2^(e - 1075); subnormal: f · 2^-1074.
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biased === 0 ? -1074 : biased - 1075;
  const signed = negative ? -mantissa : mantissa;
  return exponent >= 0 ? q(signed << BigInt(exponent)) : q(signed, 1n << BigInt(-exponent));
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The exact value of a plain decimal text (`0.195`, `-3`, `.5`, `1e-3`); undefined for anything else. */
export function fromDecimal(text: string): Q | undefined {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const digits = BigInt(`${m[2] || "0"}${m[3] ?? ""}`);
  const exponent = Number(m[4] ?? "0") - (m[3] ?? "").length;
  const signed = m[1] === "-" ? -digits : digits;
  return exponent >= 0 ? q(signed * 10n ** BigInt(exponent)) : q(signed, 10n ** BigInt(-exponent));
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/**
 * The double nearest a rational, ties to even (what IEEE division and parsing give for an exact
 * value), gradual underflow included. Only for magnitudes below 2^1024.
 */
export function toDouble(a: Q): number {
  if (a.n === 0n) return 0;
  const negative = a.n < 0n;
  const n = negative ? -a.n : a.n;
  const d = a.d;
  // Find k with 2^52 <= n·2^k / d < 2^53: the quotient then has the 53 bits of a double.
  let k = 53 - (bitLength(n) - bitLength(d));
  const quotient = (shift: number): [bigint, bigint] => {
    const num = shift >= 0 ? n << BigInt(shift) : n;
    const den = shift >= 0 ? d : d << BigInt(-shift);
    return [num / den, num % den];
  };
  let [m] = quotient(k);
  while (m >= 1n << 53n) [m] = quotient(--k);
  while (m < 1n << 52n) [m] = quotient(++k);
  // The unit of the last place is 2^-k, never finer than 2^-1074 (subnormals).
  if (k > 1074) k = 1074;
  const [m2, r] = quotient(k);
  const den = k >= 0 ? d : d << BigInt(-k);
  let rounded = m2;
  if (2n * r > den || (2n * r === den && (m2 & 1n) === 1n)) rounded += 1n;
  // rounded ≤ 2^53 is exact as a double, and so is every power of two from 2^-1074 up.
  const half = Math.trunc(k / 2);
  const value = Number(rounded) * 2 ** -half * 2 ** -(k - half);
  return negative ? -value : value;
}

/** A rational and its nearest double, for failure messages. */
export function show(a: Q): string {
  return `${a.n}/${a.d} (≈${toDouble(a)})`;
}
