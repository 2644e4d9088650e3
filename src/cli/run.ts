import pkg from "../../package.json";
import { tokenize } from "./argv.js";
import { CliError, EXIT_FATAL, EXIT_OK, EXIT_USAGE, UsageError, at } from "./errors.js";
import { HELP, TOP_HELP } from "./help.js";
import type { CliIo } from "./io.js";
import { SPECS, type CommandName } from "./specs.js";

// Commands, the option schemas (zod) and the CSV reader (papaparse) load only when a command
// runs: `--version` and `--help` start in a few milliseconds, as a command-line tool should.

/** The package version, printed by `--version`. */
export const VERSION: string = pkg.version;

function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(SPECS, name);
}

/**
 * The options of `editions`, checked without the option schemas: the command that lists what is
 * built in should answer as fast as `--version`.
 */
function editionsOptions(parsed: ReturnType<typeof tokenize>): { readonly format: "text" | "json" } {
  if (parsed.positionals.length > 0) throw new UsageError("ogmetric editions", "arguments: takes no file");
  const format = parsed.options.format ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError("ogmetric editions", `--format: expected text or json, found ${JSON.stringify(format)}`);
  return { format };
}

/** A `CsvError` of the reader, recognised without loading the reader (see above). */
function isCsvError(e: unknown): e is Error & { readonly code: string; readonly file: string; readonly row: number | undefined; readonly column: number | undefined } {
  return e instanceof Error && e.name === "CsvError" && typeof (e as { file?: unknown }).file === "string";
}

/** One line (and any details) for an error; a stack trace only with --debug. */
function report(e: unknown, io: CliIo, debug: boolean): number {
  const lines: string[] = [];
  let code = EXIT_FATAL;
  if (e instanceof CliError) {
    lines.push(e instanceof UsageError ? `ogmetric ${e.message.replace(/^ogmetric /, "")}` : e.message, ...e.details);
    code = e.exitCode;
  } else if (isCsvError(e)) {
    let message = e.message;
    if (e.cause instanceof Error && e.cause.name === "DecodeError") {
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
    // ogmetric sql (issue 13) parses its own options until the CLI rewrite lists it in SPECS.
    if (first === "sql" || (["help", "--help", "-h"].includes(first) && rest[0] === "sql")) return (await import("./commands/sql.js")).sqlMain(first === "sql" ? rest : ["--help"], io);
    if (first === "--help" || first === "-h" || first === "help") {
      const topic = rest[0];
      io.stdout.write(`${topic !== undefined && isCommand(topic) ? HELP[topic] : TOP_HELP}\n`);
      return EXIT_OK;
    }
    if (!isCommand(first)) {
      throw new CliError(`ogmetric: unknown command ${JSON.stringify(first)}; the commands are ${[...Object.keys(SPECS), "sql"].join(", ")} (see ogmetric --help)`, EXIT_USAGE);
    }
    const parsed = tokenize(`ogmetric ${first}`, rest, SPECS[first]);
    if (parsed.options.help === true) {
      io.stdout.write(`${HELP[first]}\n`);
      return EXIT_OK;
    }
    if (first === "editions") return (await import("./commands/editions.js")).editions(editionsOptions(parsed), io);
    const { parseOptions } = await import("./options.js");
    switch (first) {
      case "score":
        return await (await import("./commands/score.js")).score(parseOptions("score", parsed), io);
      case "aggregate":
        return await (await import("./commands/aggregate.js")).aggregateCommand(parseOptions("aggregate", parsed), io);
      case "validate":
        return (await import("./commands/validate.js")).validate(parseOptions("validate", parsed), io);
      case "explain":
        return await (await import("./commands/explain.js")).explain(parseOptions("explain", parsed), io);
      case "report":
        return await (await import("./commands/report.js")).report(parseOptions("report", parsed), io);
      case "compare":
        return await (await import("./commands/compare.js")).compare(parseOptions("compare", parsed), io);
      case "uncertainty":
        return await (await import("./commands/uncertainty.js")).uncertaintyCommand(parseOptions("uncertainty", parsed), io);
      case "sensitivity":
        return await (await import("./commands/sensitivity.js")).sensitivityCommand(parseOptions("sensitivity", parsed), io);
      case "audit":
        return await (await import("./commands/audit.js")).auditCommand(parseOptions("audit", parsed), io);
    }
  } catch (e) {
    return report(e, io, debug);
  }
}
