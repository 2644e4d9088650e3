import { UsageError } from "./errors.js";

/** How a command-line option takes its value. */
export type FlagKind = "value" | "list" | "flag";

/** The options a command accepts: name (without `--`) → kind. */
export type FlagSpec = Readonly<Record<string, FlagKind>>;

/** Tokens sorted out, still as text: zod validates them next (see `options.ts`). */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** `value` options once, `list` options as often as given, `flag` options as `true`. */
  readonly options: Readonly<Record<string, string | readonly string[] | true>>;
  /** The text each option was given with (every time, for lists), for messages. */
  readonly given: ReadonlyMap<string, readonly string[]>;
}

/**
 * Sorts a command's arguments into positionals and options by the command's spec: `--name value`,
 * `--name=value`, flags without value, `-h` for `--help`, `--` ends the options, `-` alone is a
 * positional (standard input).
 * @param command - e.g. "ogmetric score", for messages
 * @param args - the arguments after the command name
 * @param spec - the options the command accepts
 * @returns positionals and options
 * @throws UsageError for an unknown option, a missing value, a value on a flag, or a repeated
 *   single-value option
 */
export function tokenize(command: string, args: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | string[] | true> = Object.create(null);
  const given = new Map<string, string[]>();
  const note = (name: string, text: string) => {
    const seen = given.get(name);
    if (seen) seen.push(text);
    else given.set(name, [text]);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-h") {
      options.help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      if (arg.startsWith("-") && arg !== "-") throw new UsageError(command, `unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(command, `unknown option --${name}`);
    if (kind === "flag") {
      if (eq >= 0) throw new UsageError(command, `--${name} takes no value`);
      options[name] = true;
      note(name, arg);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw new UsageError(command, `--${name} needs a value`);
      value = args[++i]!;
    }
    if (kind === "list") {
      const list = options[name];
      if (Array.isArray(list)) list.push(value);
      else options[name] = [value];
      note(name, value);
    } else {
      if (options[name] !== undefined) throw new UsageError(command, `--${name} is given twice`);
      options[name] = value;
      note(name, value);
    }
  }
  return { positionals, options, given };
}
