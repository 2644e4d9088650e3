/** Exit codes: a contract, scripts depend on them. */
export const EXIT_OK = 0;
/** Fatal input error: unreadable file, invalid rubric, missing required column, duplicate ids. */
export const EXIT_FATAL = 1;
/** Usage error: unknown command or option, bad or missing option value. */
export const EXIT_USAGE = 2;
/** Some rows were rejected; the rest were written. */
export const EXIT_REJECTED = 3;

/** An error that ends the command with a one-line message and an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  /** Further lines (e.g. every issue of an invalid rubric), printed after the message. */
  readonly details: readonly string[];
  constructor(message: string, exitCode = EXIT_FATAL, details: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** A usage error (exit 2): the message names the command, and points to its help. */
export class UsageError extends CliError {
  constructor(command: string, message: string) {
    super(`${command}: ${message} (see ${command} --help)`, EXIT_USAGE);
    this.name = "UsageError";
  }
}

/**
 * The location prefix of a message: `file:row:column: `, leaving out what is unknown.
 * @param file - file name as given
 * @param row - row number (header = 1)
 * @param column - 1-based column number
 */
export function at(file: string, row?: number, column?: number): string {
  if (row === undefined) return `${file}: `;
  return column === undefined ? `${file}:${row}: ` : `${file}:${row}:${column}: `;
}

/**
 * A bound the aggregator refuses to pass (too many groups, too many values kept for medians)
 * as the run's one-line fatal error about the input, instead of an internal error.
 * @param e - what was thrown
 * @param file - the input being read
 * @returns a `CliError` for the aggregator's `RangeError`, else `e` unchanged
 */
export function aggregatorLimit(e: unknown, file: string): unknown {
  return e instanceof RangeError && e.message.startsWith("Aggregator: ") ? new CliError(`${file}: ${e.message.slice("Aggregator: ".length)}`, EXIT_FATAL, [], { cause: e }) : e;
}
