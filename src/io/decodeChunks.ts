/**
 * Text encodings the CSV reader accepts.
 * @example
 * const encoding: CsvEncoding = "windows1252";
 * new ChunkDecoder(encoding).decode(new Uint8Array([0x80])) // => "€"
 */
export type CsvEncoding = "utf8" | "latin1" | "windows1252";

/**
 * Names accepted for each encoding (compared case-insensitively).
 * @example
 * ENCODING_NAMES.get("cp1252") // => "windows1252"
 */
export const ENCODING_NAMES: ReadonlyMap<string, CsvEncoding> = new Map<string, CsvEncoding>([
  ["utf8", "utf8"],
  ["utf-8", "utf8"],
  ["latin1", "latin1"],
  ["latin-1", "latin1"],
  ["iso-8859-1", "latin1"],
  ["iso8859-1", "latin1"],
  ["windows1252", "windows1252"],
  ["windows-1252", "windows1252"],
  ["cp1252", "windows1252"],
]);

const C1 = /[\u0080-\u009f]/g;
/**
 * What Windows-1252 puts at 0x80–0x9F (where latin-1 has control characters); the five bytes it
 * leaves undefined keep their latin-1 meaning, as the WHATWG encoding standard says. (Node's own
 * TextDecoder reads "windows-1252" as plain latin-1, so the table is ours.)
 */
const WINDOWS_1252_C1 = [..."€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"];

/**
 * Thrown when bytes cannot be read in the chosen encoding.
 * @example
 * let error: unknown;
 * try { new ChunkDecoder("utf8").decode(new Uint8Array([0x41, 0xff])); } catch (e) { error = e; }
 * error instanceof DecodeError && [error.code, error.offset] // => ["invalid_utf8", 1]
 */
export class DecodeError extends Error {
  /** `invalid_utf8`, `utf8_bom_in_latin1` or `utf16`. */
  readonly code: string;
  /** Byte offset of the first bad byte in the stream (0-based). */
  readonly offset: number;
  /** Text decoded before the bad byte, since the last call to `decode` returned. */
  readonly validText: string;
  /** The bad byte, e.g. 0xe9. */
  readonly byte: number | undefined;
  constructor(code: string, message: string, offset: number, validText: string, byte?: number) {
    super(message);
    this.name = "DecodeError";
    this.code = code;
    this.offset = offset;
    this.validText = validText;
    this.byte = byte;
  }
}

/**
 * Index of the first byte of `bytes` that cannot start or continue valid UTF-8 (overlongs,
 * surrogates and code points past U+10FFFF included), or -1. A sequence cut off by the end of
 * `bytes` counts as valid when `final` is false (the next chunk may complete it).
 * @example
 * firstInvalidUtf8(new Uint8Array([0x41, 0xc3]), false) // => -1
 * firstInvalidUtf8(new Uint8Array([0x41, 0xc3]), true) // => 1
 */
export function firstInvalidUtf8(bytes: Uint8Array, final: boolean): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = bytes[i + k]!;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * A streaming decoder for file chunks: UTF-8 (byte-order mark stripped, invalid bytes refused
 * with their offset), latin-1 (ISO-8859-1: every byte is the code point of the same value) or
 * Windows-1252 (latin-1 with `€`, curly quotes and dashes in 0x80–0x9F, as Excel on Windows
 * saves "CSV" in Spanish locales).
 * @example
 * const decoder = new ChunkDecoder("utf8");
 * decoder.decode(new Uint8Array([0x4d, 0xc3])) + decoder.decode(new Uint8Array([0xa9, 0x78])) + decoder.end() // => "Méx"
 */
export class ChunkDecoder {
  readonly encoding: CsvEncoding;
  readonly #utf8: TextDecoder | undefined;
  /** Bytes of the stream seen so far. */
  #offset = 0;
  /** Up to 3 trailing bytes of the previous chunk (an incomplete UTF-8 sequence), for locating errors. */
  #tail: Uint8Array = new Uint8Array(0);

  constructor(encoding: CsvEncoding) {
    this.encoding = encoding;
    this.#utf8 = encoding === "utf8" ? new TextDecoder("utf-8", { fatal: true }) : undefined;
  }

  /**
   * Decodes the next chunk.
   * @throws DecodeError on bytes that are not valid in the encoding
   */
  decode(chunk: Uint8Array): string {
    const start = this.#offset;
    if (start === 0 && chunk.length >= 2) checkStart(chunk, this.encoding);
    this.#offset += chunk.length;
    if (!this.#utf8) {
      // One byte, one character: no state to carry across chunks.
      return decodeBytes(chunk, 0, chunk.length, this.encoding);
    }
    try {
      const text = this.#utf8.decode(chunk, { stream: true });
      // A copy: the stream may hand out views of a shared buffer.
      this.#tail = chunk.length >= 3 ? new Uint8Array(chunk.subarray(chunk.length - 3)) : Uint8Array.from([...this.#tail, ...chunk]).slice(-3);
      return text;
    } catch {
      throw this.#locate(chunk, start, false);
    }
  }

  /**
   * Flushes the end of the stream.
   * @throws DecodeError when the stream ends inside a UTF-8 sequence
   */
  end(): string {
    if (!this.#utf8) return "";
    try {
      return this.#utf8.decode();
    } catch {
      throw this.#locate(new Uint8Array(0), this.#offset, true);
    }
  }

  #locate(chunk: Uint8Array, start: number, final: boolean): DecodeError {
    // Re-validate the previous chunk's last bytes with this one: a sequence may straddle them.
    const tail = this.#tail;
    const bytes = new Uint8Array(tail.length + chunk.length);
    bytes.set(tail, 0);
    bytes.set(chunk, tail.length);
    // Where the tail's incomplete sequence starts, if it ends with one (else the tail is done).
    let from = tail.length;
    for (let k = tail.length - 1; k >= 0; k--) {
      const b = tail[k]!;
      if (b < 0x80) break;
      if (b >= 0xc0) {
        const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
        if (tail.length - k <= need) from = k;
        break;
      }
    }
    const rel = firstInvalidUtf8(bytes.subarray(from), true);
    const at = rel < 0 ? bytes.length - from : rel;
    const bad = from + at;
    const offset = start - tail.length + bad;
    const validText = new TextDecoder("utf-8").decode(bytes.subarray(from, Math.max(from, bad)));
    const byte = bytes[bad];
    return new DecodeError(
      "invalid_utf8",
      final && byte === undefined
        ? `the file ends inside a UTF-8 character (byte offset ${offset}): it is not valid UTF-8`
        : `invalid UTF-8 (byte 0x${(byte ?? 0).toString(16).padStart(2, "0")} at byte offset ${offset})`,
      offset,
      validText,
      byte,
    );
  }
}

function checkStart(chunk: Uint8Array, encoding: CsvEncoding): void {
  const [a, b, c] = chunk;
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
    throw new DecodeError("utf16", "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8", 0, "", a);
  }
  if (encoding !== "utf8" && a === 0xef && b === 0xbb && c === 0xbf) {
    throw new DecodeError(
      "utf8_bom_in_latin1",
      `the file starts with a UTF-8 byte-order mark, so it is UTF-8, not ${encoding === "latin1" ? "latin-1" : "Windows-1252"}`,
      0,
      "",
      a,
    );
  }
}

/** `Buffer.prototype.utf8Slice` and `latin1Slice`: in every Node release, not in its types. */
interface FastSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

let utf8Decoder: TextDecoder | undefined;

/** Latin-1: each byte is the code point of the same value (in pieces, to keep argument lists short). */
function latin1Text(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  return text;
}

/**
 * Decodes bytes `start` to `end` of `bytes` in `encoding`. UTF-8 here is not validated (the
 * reader validates every byte once as it reads); the other encodings cannot fail. A Node
 * `Buffer` is decoded by its own slicers; any other `Uint8Array` (in a browser) by `TextDecoder`.
 * @param bytes - the bytes
 * @param start - first byte
 * @param end - the byte after the last
 * @param encoding - `utf8`, `latin1` or `windows1252`
 * @returns the text
 * @example
 * decodeBytes(Buffer.from([0x80, 0x41]), 0, 2, "windows1252") // => "€A"
 */
export function decodeBytes(bytes: Uint8Array, start: number, end: number, encoding: CsvEncoding): string {
  // Buffer's own slicers, without `toString`'s argument checks (about 20% faster on short cells).
  const fast = bytes as unknown as Partial<FastSlices>;
  let text: string;
  if (fast.utf8Slice !== undefined) {
    if (encoding === "utf8") return fast.utf8Slice(start, end);
    text = fast.latin1Slice!(start, end);
  } else {
    if (encoding === "utf8") return (utf8Decoder ??= new TextDecoder("utf-8")).decode(bytes.subarray(start, end));
    text = latin1Text(bytes, start, end);
  }
  return encoding === "windows1252" ? text.replace(C1, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!) : text;
}

/**
 * The single byte that stands for a delimiter character in `encoding`, or -1 when it takes more
 * than one byte (a non-ASCII character in UTF-8, or one that latin-1 or Windows-1252 cannot write).
 * @param delimiter - one character
 * @param encoding - the file's encoding
 * @returns the byte, or -1
 * @example
 * delimiterByte(";", "utf8") // => 59
 */
export function delimiterByte(delimiter: string, encoding: CsvEncoding): number {
  const c = delimiter.charCodeAt(0);
  if (delimiter.length !== 1) return -1;
  if (c < 0x80) return c;
  if (encoding === "utf8") return -1;
  if (encoding === "windows1252") {
    const at = WINDOWS_1252_C1.indexOf(delimiter);
    if (at >= 0) return 0x80 + at;
    if (c >= 0x80 && c <= 0x9f) return -1;
  }
  return c <= 0xff ? c : -1;
}
