/**
 * Publication rounding, decimal-correct and half-up.
 *
 * A mean that is exactly 0.195 in decimal is often 0.19499999999999998 in binary, so
 * `Math.round(x * 100) / 100` and `toFixed` publish 0.19 where a hand calculation gives 0.20.
 * Here the value is first read at 15 significant digits (`toPrecision(15)`; every decimal of up to
 * 15 significant digits survives a trip through a double, so this removes only binary noise below
 * one part in 10^15) and that decimal is rounded half up with exact BigInt digit arithmetic.
 * Negative values round half away from zero (-0.125 → -0.13), mirroring positives, so a table
 * of differences is symmetric.
 */

/** Largest accepted `decimals`: beyond 15 the 15-significant-digit reading has nothing to round. */
const MAX_DECIMALS = 15;

/**
 * Rounds `x` half up (half away from zero) to `decimals` places on its exact decimal value.
 *
 * @param x - The value; `NaN` gives `NaN` and `±Infinity` is returned unchanged.
 * @param decimals - Places after the point, an integer from 0 to 15.
 * @returns The double nearest the rounded decimal; a result of zero is always `+0`, never `-0`.
 * @throws RangeError when `decimals` is not an integer in 0..15.
 * @example
 * roundHalfUp((0.1 + 0.2 + 0.285) / 3, 2); // => 0.2
 * roundHalfUp(1.005, 2); // => 1.01
 * roundHalfUp(-0.125, 2); // => -0.13
 */
export function roundHalfUp(x: number, decimals: number): number {
  checkDecimals("roundHalfUp", decimals);
  if (typeof x !== "number") {
    throw new TypeError(`roundHalfUp: expected a number, received ${typeof x}`);
  }
  if (!Number.isFinite(x)) return x;
  return Number(roundToString(x, decimals)) + 0; // `+ 0` turns -0 into +0
}

/**
 * Formats `x` with exactly `decimals` places, rounded half up (half away from zero) on its exact
 * decimal value. Never uses exponent notation and never prints a negative zero ("0.00", not "-0.00").
 *
 * @param x - A finite number.
 * @param decimals - Places after the point, an integer from 0 to 15.
 * @returns The fixed-point text, such as `"0.20"`.
 * @throws RangeError when `x` is not finite or `decimals` is not an integer in 0..15.
 * @example
 * formatFixed(0.19499999999999998, 2); // => "0.20"
 * formatFixed(2.675, 2); // => "2.68"
 * formatFixed(-0, 2); // => "0.00"
 */
export function formatFixed(x: number, decimals: number): string {
  checkDecimals("formatFixed", decimals);
  if (typeof x !== "number") {
    throw new TypeError(`formatFixed: expected a number, received ${typeof x}`);
  }
  if (!Number.isFinite(x)) {
    throw new RangeError(`formatFixed: expected a finite number, received ${String(x)}`);
  }
  return roundToString(x, decimals);
}

function checkDecimals(fn: string, decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new RangeError(`${fn}: decimals must be an integer from 0 to ${MAX_DECIMALS}, received ${String(decimals)}`);
  }
}

/** The shared core: finite `x`, valid `decimals`. */
function roundToString(x: number, decimals: number): string {
  const negative = x < 0;
  // "d.dddddddddddddd" or "d.dddddddddddddde±n": 15 significant digits.
  const text = Math.abs(x).toPrecision(15);
  const [mantissa = "0", exponentText = "0"] = text.split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const digits = BigInt(whole + fraction);
  // |x| = digits × 10^(exponent), read exactly.
  const exponent = Number(exponentText) - fraction.length;

  // scaled = round(|x| × 10^decimals), half up on the exact decimal.
  const shift = exponent + decimals;
  let scaled: bigint;
  if (shift >= 0) {
    scaled = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    scaled = digits / divisor;
    if ((digits % divisor) * 2n >= divisor) scaled += 1n;
  }

  const padded = scaled.toString().padStart(decimals + 1, "0");
  const intPart = padded.slice(0, padded.length - decimals);
  const body = decimals === 0 ? intPart : `${intPart}.${padded.slice(padded.length - decimals)}`;
  return negative && scaled !== 0n ? `-${body}` : body;
}
