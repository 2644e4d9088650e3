import pkg from "../../package.json";
import { CsvError } from "../io/readCsv.js";
import { DecodeError } from "../io/decodeChunks.js";
import { tokenize } from "./argv.js";
import { aggregateCommand } from "./commands/aggregate.js";
import { auditCommand } from "./commands/audit.js";
import { editions } from "./commands/editions.js";
import { explain } from "./commands/explain.js";
import { score } from "./commands/score.js";
import { sensitivityCommand } from "./commands/sensitivity.js";
import { uncertaintyCommand } from "./commands/uncertainty.js";
import { validate } from "./commands/validate.js";
import { CliError, EXIT_FATAL, EXIT_OK, EXIT_USAGE, UsageError, at } from "./errors.js";
import { HELP, TOP_HELP } from "./help.js";
import type { CliIo } from "./io.js";
import { SPECS, parseOptions, type CommandName } from "./options.js";

/** The package version, printed by `--version`. */
export const VERSION: string = pkg.version;

function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(SPECS, name);
}

/** One line (and any details) for an error; a stack trace only with --debug. */
function report(e: unknown, io: CliIo, debug: boolean): number {
  const lines: string[] = [];
  let code = EXIT_FATAL;
  if (e instanceof CliError) {
    lines.push(e instanceof UsageError ? `ogmetric ${e.message.replace(/^ogmetric /, "")}` : e.message, ...e.details);
    code = e.exitCode;
  } else if (e instanceof CsvError) {
    let message = e.message;
    if (e.cause instanceof DecodeError) {
      message = e.cause.message;
      if (e.code === "invalid_utf8") message += ": the file is not UTF-8; if it is latin-1, rerun with --encoding latin1 (or --encoding windows-1252 for a file saved by Excel on Windows)";
      if (e.code === "utf8_bom_in_latin1") message += "; drop --encoding";
    }
    lines.push(`${at(e.file, e.row, e.column)}${message}`);
  } else {
    const err = e as Error;
    lines.push(`ogmetric: internal error: ${err?.message ?? String(e)}${debug ? "" : " (rerun with --debug for details)"}`);
  }
  if (debug && e instanceof Error && e.stack) lines.push(e.stack);
  for (const line of lines) io.stderr.write(`${line}\n`);
  return code;
}

/**
 * Runs the command line: parses `argv` (the arguments after `ogmetric`), runs the command and
 * returns the exit code. Errors are printed on `io.stderr`, one line each.
 * @param argv - e.g. ["score", "in.csv", "--edition", "2017"]
 * @param io - standard output and error
 * @returns 0 done, 1 fatal input error, 2 usage error, 3 some rows rejected
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      io.stderr.write(`${TOP_HELP}\n`);
      return EXIT_USAGE;
    }
    if (first === "--version") {
      io.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    if (first === "--help" || first === "-h" || first === "help") {
      const topic = rest[0];
      io.stdout.write(`${topic !== undefined && isCommand(topic) ? HELP[topic] : TOP_HELP}\n`);
      return EXIT_OK;
    }
    if (!isCommand(first)) {
      throw new CliError(`ogmetric: unknown command ${JSON.stringify(first)}; the commands are ${Object.keys(SPECS).join(", ")} (see ogmetric --help)`, EXIT_USAGE);
    }
    const parsed = tokenize(`ogmetric ${first}`, rest, SPECS[first]);
    if (parsed.options.help === true) {
      io.stdout.write(`${HELP[first]}\n`);
      return EXIT_OK;
    }
    switch (first) {
      case "score":
        return await score(parseOptions("score", parsed), io);
      case "aggregate":
        return await aggregateCommand(parseOptions("aggregate", parsed), io);
      case "validate":
        return validate(parseOptions("validate", parsed), io);
      case "editions":
        return editions(parseOptions("editions", parsed), io);
      case "explain":
        return await explain(parseOptions("explain", parsed), io);
      case "uncertainty":
        return await uncertaintyCommand(parseOptions("uncertainty", parsed), io);
      case "sensitivity":
        return await sensitivityCommand(parseOptions("sensitivity", parsed), io);
      case "audit":
        return await auditCommand(parseOptions("audit", parsed), io);
    }
  } catch (e) {
    return report(e, io, debug);
  }
}
