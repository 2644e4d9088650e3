/** Where messages go: stderr, as lines; a progress line is cleared before any message. */
export interface ErrorStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const BAR = 24;

/**
 * A one-line progress bar for long reads (percent by bytes, rows, rows/s), redrawn at most
 * five times a second.
 */
export class Progress {
  readonly #stream: ErrorStream;
  readonly #label: string;
  readonly #total: number;
  /** What is counted instead of bytes (e.g. "runs"), or undefined for a file read. */
  readonly #unit: string | undefined;
  readonly #start = Date.now();
  #last = 0;
  #shown = false;

  constructor(stream: ErrorStream, label: string, total: number, unit?: string) {
    this.#stream = stream;
    this.#label = label;
    this.#total = total;
    this.#unit = unit;
  }

  update(bytes: number, rows: number): void {
    const now = Date.now();
    if (now - this.#last < 200) return;
    this.#last = now;
    const share = this.#total > 0 ? Math.min(1, bytes / this.#total) : 0;
    const filled = Math.round(share * BAR);
    const seconds = (now - this.#start) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    const mb = (x: number) => (x / 1e6).toFixed(1);
    if (this.#unit !== undefined) {
      const n = (x: number) => x.toLocaleString("en-US");
      const bar = `[${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
      this.#stream.write(`\r${this.#label} ${bar}  ${n(bytes)}/${n(this.#total)} ${this.#unit}  ${n(Math.round(seconds > 0 ? bytes / seconds : 0))} ${this.#unit}/s\x1b[K`);
      this.#shown = true;
      return;
    }
    this.#stream.write(
      `\r${this.#label} [${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${mb(bytes)}/${mb(this.#total)} MB  ${rows.toLocaleString("en-US")} rows  ${rate.toLocaleString("en-US")} rows/s\x1b[K`,
    );
    this.#shown = true;
  }

  /** Removes the bar from the terminal line. */
  clear(): void {
    if (!this.#shown) return;
    this.#stream.write("\r\x1b[K");
    this.#shown = false;
  }
}

/** Messages on stderr: every line of some kinds, the first few of others, then counts. */
export class Reporter {
  readonly stream: ErrorStream;
  readonly limit: number;
  progress: Progress | undefined;
  readonly #counts = new Map<string, number>();

  constructor(stream: ErrorStream, limit = 10) {
    this.stream = stream;
    this.limit = limit;
  }

  /** Prints one line. */
  line(text: string): void {
    this.progress?.clear();
    this.stream.write(`${text}\n`);
  }

  /** Counts a message of a kind and prints it while fewer than `limit` were printed. */
  limited(kind: string, text: string): void {
    const n = (this.#counts.get(kind) ?? 0) + 1;
    this.#counts.set(kind, n);
    if (n <= this.limit) this.line(text);
  }

  /** How many messages of a kind were counted. */
  count(kind: string): number {
    return this.#counts.get(kind) ?? 0;
  }

  /** How many were counted but not printed. */
  hidden(kind: string): number {
    return Math.max(0, this.count(kind) - this.limit);
  }
}

/**
 * Whether to draw a progress bar: forced on or off by flags, else only on a terminal and for
 * inputs over 4 MB.
 */
export function wantProgress(mode: "auto" | "always" | "never", stream: ErrorStream, totalBytes: number | undefined): boolean {
  if (mode === "never" || totalBytes === undefined) return false;
  if (mode === "always") return true;
  return stream.isTTY === true && totalBytes > 4_000_000;
}
