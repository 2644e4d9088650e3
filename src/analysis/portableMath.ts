/**
 * Logarithm, exponential and the normal distribution from IEEE basic arithmetic only.
 *
 * ECMAScript leaves `Math.log`, `Math.exp`, `Math.pow` and the trigonometric functions
 * "implementation-approximated": two engines may return results that differ in the last bit, and
 * a seeded simulation that passes such a result through a comparison or a sort can then diverge.
 * Addition, subtraction, multiplication, division and `Math.sqrt` are correctly rounded everywhere,
 * so the functions below, built only from those, give the same bits on every engine.
 *
 * They follow fdlibm's argument reductions (Sun Microsystems, 1993) with plain Taylor series in
 * the reduced range; accuracy is within a few units in the last place (checked against `Math.log`
 * and `Math.exp` in the tests), which is far more than the statistics here need. Bits are read
 * through a `DataView` with an explicit byte order, so the host's endianness does not matter.
 */

const VIEW = new DataView(new ArrayBuffer(8));

/** ln 2 split in two (fdlibm): the high part has 32 trailing zero bits, so k·LN2_HI is exact. */
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const TWO_54 = 18014398509481984;

/** 2^k for an integer k in [-1022, 1023], exactly, from its bit pattern. */
function pow2(k: number): number {
  VIEW.setUint32(0, ((k + 1023) << 20) >>> 0);
  VIEW.setUint32(4, 0);
  return VIEW.getFloat64(0);
}

/**
 * The natural logarithm, bit-identical on every engine.
 * @param x - a number
 * @returns ln x; `-Infinity` for 0, `NaN` for negative numbers and `NaN`, `Infinity` for `Infinity`
 * @example
 * portableLog(1) // => 0
 * Math.abs(portableLog(10) - Math.log(10)) < 1e-15 // => true
 */
export function portableLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  let e = 0;
  VIEW.setFloat64(0, x);
  if (((VIEW.getUint32(0) >>> 20) & 0x7ff) === 0) {
    // Subnormal: scale into the normal range first (exact).
    VIEW.setFloat64(0, x * TWO_54);
    e = -54;
  }
  const hi = VIEW.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  // m in [1, 2): the same mantissa with a zero exponent.
  VIEW.setUint32(0, (hi & 0x000fffff) | 0x3ff00000);
  let m = VIEW.getFloat64(0);
  if (m > Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  // log(m) = log(1 + f), |f| < 0.415, with s = f / (2 + f): log(1 + f) = 2 atanh(s).
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  // R = Σ 2 z^k / (2k + 1), k = 1..12; z < 0.0295, so the first omitted term is below 2^-60.
  let r = 2 / 25;
  for (let k = 11; k >= 1; k--) r = 2 / (2 * k + 1) + z * r;
  r *= z;
  const hfsq = 0.5 * f * f;
  return e * LN2_HI - (hfsq - (s * (hfsq + r) + e * LN2_LO) - f);
}

/** 1/k! for k = 0..14, from exact integer factorials (each below 2^53). */
const INV_FACTORIAL: readonly number[] = (() => {
  const out: number[] = [];
  let f = 1;
  for (let k = 0; k <= 14; k++) {
    if (k > 0) f *= k;
    out.push(1 / f);
  }
  return out;
})();

/**
 * The exponential function, bit-identical on every engine.
 * @param x - a number
 * @returns e^x; 0 below about -745, `Infinity` above about 709.78, `NaN` for `NaN`
 * @example
 * portableExp(0) // => 1
 * Math.abs(portableExp(1) - Math.E) < 1e-15 // => true
 */
export function portableExp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.782712893384) return Number.POSITIVE_INFINITY;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * INV_LN2);
  // r = x - k ln 2, |r| <= 0.35, reduced in two parts so that the subtraction loses nothing.
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = INV_FACTORIAL[14]!;
  for (let j = 13; j >= 1; j--) p = INV_FACTORIAL[j]! + r * p;
  const y = 1 + r * p;
  if (k >= -1022 && k <= 1023) return y * pow2(k);
  // Results near overflow or in the subnormal range: scale in two exact steps.
  return k > 0 ? y * pow2(k - 60) * pow2(60) : y * pow2(k + 60) * pow2(-60);
}

// Wichura's AS 241 (PPND16), Applied Statistics 37(3), 477–484, 1988: about 16 significant digits.
const A = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const B = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const C = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const D = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const E = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const F = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

function horner(c: readonly number[], x: number): number {
  let v = c[7]!;
  for (let i = 6; i >= 0; i--) v = v * x + c[i]!;
  return v;
}

/**
 * The standard normal quantile (inverse CDF, probit) by Wichura's AS 241, with {@link portableLog}
 * in the tails, so it is bit-identical on every engine. Relative accuracy about 1e-16.
 * @param p - a probability
 * @returns z with Φ(z) = p; `-Infinity` for 0, `Infinity` for 1
 * @throws RangeError when p is not in [0, 1]
 * @example
 * normalQuantile(0.5) // => 0
 * normalQuantile(0.975).toFixed(6) // => "1.959964"
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], received ${String(p)}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(A, r)) / horner(B, r);
  }
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  let r = Math.sqrt(-portableLog(q < 0 ? p : 1 - p));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    v = horner(C, r) / horner(D, r);
  } else {
    r -= 5;
    v = horner(E, r) / horner(F, r);
  }
  return q < 0 ? -v : v;
}

/** ln √(2π). */
const LN_SQRT_2PI = 0.91893853320467274178;

/**
 * The standard normal CDF Φ by Marsaglia's series (J. Stat. Software 11(4), 2004),
 * Φ(x) = 1/2 + φ(x)·(x + x³/3 + x⁵/(3·5) + …), with {@link portableExp}: bit-identical on every
 * engine, absolute error below 1e-15 for |x| ≤ 7. Returns exactly 0 below -8.5 and 1 above 8.5
 * (the true tails there are below 1e-17).
 * @param x - a number
 * @returns Φ(x) in [0, 1]; `NaN` for `NaN`
 * @example
 * normalCdf(0) // => 0.5
 * normalCdf(1.959963984540054).toFixed(6) // => "0.975000"
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < -8.5) return 0;
  if (x > 8.5) return 1;
  let s = x;
  let t = 0;
  let b = x;
  const q = x * x;
  let i = 1;
  while (s !== t) {
    t = s;
    i += 2;
    b *= q / i;
    s = t + b;
  }
  const v = 0.5 + s * portableExp(-0.5 * q - LN_SQRT_2PI);
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
