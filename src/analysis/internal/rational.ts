/**
 * Exact rational arithmetic on BigInt, for interval checks that must not depend on binary
 * rounding (0.19 + 0.58 is 0.77 here, not 0.7699999999999999). Internal to `ogmetric/analysis`.
 */

/** A fraction num/den in lowest terms, den > 0. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** num/den reduced. */
export function rat(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError("rat: zero denominator");
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export const ZERO = rat(0n);
export const ONE = rat(1n);

export const add = (a: Rational, b: Rational): Rational => rat(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => rat(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rat(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rat(a.num * b.den, a.den * b.num);
export const cmp = (a: Rational, b: Rational): number => {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};
export const minR = (a: Rational, b: Rational): Rational => (cmp(a, b) <= 0 ? a : b);
export const maxR = (a: Rational, b: Rational): Rational => (cmp(a, b) >= 0 ? a : b);

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a decimal numeral ("0.41", "-1.5e-3", ".5") exactly.
 * @param text - the numeral
 * @returns the fraction, or null when the text is not a plain decimal numeral
 */
export function parseDecimal(text: string): Rational | null {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const digits = `${m[2] ?? ""}${m[3] ?? ""}` || "0";
  const exponent = Number(m[4] ?? "0") - (m[3] ?? "").length;
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return null;
  let num = BigInt(digits);
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  return rat(m[1] === "-" ? -num : num, den);
}

/**
 * A double read at its shortest round-tripping decimal (`String(x)`): the weight 0.2 is 1/5, as
 * the rubric's JSON writes it, not the binary 0.200000000000000011102230246251565...
 * @param x - a finite number
 * @returns the fraction
 */
export function fromNumber(x: number): Rational {
  const r = parseDecimal(String(x));
  if (r === null) throw new RangeError(`fromNumber: not a finite number: ${String(x)}`);
  return r;
}

/** The nearest double. */
export function toNumber(r: Rational): number {
  // Scale so that both parts fit a double's range well before dividing.
  return Number(r.num * 10n ** 20n / r.den) / 1e20;
}

/**
 * A short exact-looking decimal for messages: exact when the expansion ends within 12 places,
 * otherwise 6 significant digits.
 */
export function format(r: Rational): string {
  const negative = r.num < 0n;
  const num = negative ? -r.num : r.num;
  for (let places = 0; places <= 12; places++) {
    const scaled = num * 10n ** BigInt(places);
    if (scaled % r.den === 0n) {
      const digits = (scaled / r.den).toString().padStart(places + 1, "0");
      const text = places === 0 ? digits : `${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
      return negative ? `-${text}` : text;
    }
  }
  return toNumber(r).toPrecision(6);
}
