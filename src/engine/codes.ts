/**
 * The engine's integer codes and their names, from one table.
 *
 * The compiled rubric and the score frame store small integers (a status per node, a rule per
 * node, ...); the front door (`ogmetric`) speaks in the names. Each list below is the single
 * source of both: a code is the name's position in its list, and the constants exported beside it
 * are derived from the list, so a name and its number cannot drift apart.
 */

/** Every coded vocabulary of the engine: code = position in the list. */
export const CODES = {
  /** Node status in a frame; `pending` is a node not evaluated yet. */
  status: ["pending", "scored", "not_applicable", "missing"],
  /** Where a node's value came from. */
  source: ["none", "input", "children", "observations", "gate", "policy"],
  /** Leaf kind in the compiled form; `none` is an internal node. */
  leaf: ["none", "score", "binary", "count", "ordinal", "linear"],
  /** How an internal node combines its children. */
  rule: ["arithmetic", "geometric", "minimum"],
  /** What a missing value (or a body without observations in a set) becomes. */
  policy: ["missing", "zero", "not_applicable"],
  /** What not-applicable children do to their parent. */
  notApplicable: ["reweight", "zero"],
  /** What a raw input turned out to be. */
  value: ["absent", "present", "not_applicable"],
  /** Outcome of reading a raw input; `ok` is success. */
  read: ["ok", "not_a_number", "not_finite", "out_of_range", "not_binary", "not_integer", "unknown_level"],
} as const;

type Vocabulary = keyof typeof CODES;
/** A name of one vocabulary, e.g. `CodeName<"status">` is `"pending" | "scored" | ...`. */
export type CodeName<V extends Vocabulary> = (typeof CODES)[V][number];

type IndexOf<T extends readonly string[], N extends string> = {
  [K in keyof T]: T[K] extends N ? (K extends `${infer I extends number}` ? I : never) : never;
}[number];

/** Name → code of one vocabulary, with literal number types. */
export type CodeTable<V extends Vocabulary> = { readonly [N in CodeName<V>]: IndexOf<(typeof CODES)[V], N> };

function table<V extends Vocabulary>(vocabulary: V): CodeTable<V> {
  const out: Record<string, number> = Object.create(null);
  CODES[vocabulary].forEach((name, code) => (out[name] = code));
  return Object.freeze(out) as CodeTable<V>;
}

/** Name → code tables, one per vocabulary. */
export const STATUS = table("status");
export const SOURCE = table("source");
export const LEAF = table("leaf");
export const RULE = table("rule");
export const POLICY = table("policy");
export const NOT_APPLICABLE = table("notApplicable");
export const VALUE = table("value");
export const READ = table("read");

/**
 * The name of a code, e.g. `codeName("status", 1)` is `"scored"`.
 * @param vocabulary - which list
 * @param code - the integer
 * @returns the name
 * @throws RangeError for a code outside the list
 * @example
 * codeName("rule", 2) // => "minimum"
 */
export function codeName<V extends Vocabulary>(vocabulary: V, code: number): CodeName<V> {
  const names = CODES[vocabulary] as readonly CodeName<V>[];
  const name = names[code];
  if (name === undefined) throw new RangeError(`codeName: ${code} is not a ${vocabulary} code (0..${names.length - 1})`);
  return name;
}

// Hot-path constants: plain module bindings, so the kernel's comparisons stay on small integers.
export const STATUS_PENDING = STATUS.pending;
export const STATUS_SCORED = STATUS.scored;
export const STATUS_NOT_APPLICABLE = STATUS.not_applicable;
export const STATUS_MISSING = STATUS.missing;
export const SOURCE_NONE = SOURCE.none;
export const SOURCE_INPUT = SOURCE.input;
export const SOURCE_CHILDREN = SOURCE.children;
export const SOURCE_OBSERVATIONS = SOURCE.observations;
export const SOURCE_GATE = SOURCE.gate;
export const SOURCE_POLICY = SOURCE.policy;
export const LEAF_NONE = LEAF.none;
export const LEAF_SCORE = LEAF.score;
export const LEAF_BINARY = LEAF.binary;
export const LEAF_COUNT = LEAF.count;
export const LEAF_ORDINAL = LEAF.ordinal;
export const LEAF_LINEAR = LEAF.linear;
export const RULE_ARITHMETIC = RULE.arithmetic;
export const RULE_GEOMETRIC = RULE.geometric;
export const RULE_MINIMUM = RULE.minimum;
export const POLICY_MISSING = POLICY.missing;
export const POLICY_ZERO = POLICY.zero;
export const POLICY_NOT_APPLICABLE = POLICY.not_applicable;
export const NA_REWEIGHT = NOT_APPLICABLE.reweight;
export const NA_ZERO = NOT_APPLICABLE.zero;
export const VALUE_ABSENT = VALUE.absent;
export const VALUE_PRESENT = VALUE.present;
export const VALUE_NOT_APPLICABLE = VALUE.not_applicable;
export const READ_OK = READ.ok;
export const READ_NOT_A_NUMBER = READ.not_a_number;
export const READ_NOT_FINITE = READ.not_finite;
export const READ_OUT_OF_RANGE = READ.out_of_range;
export const READ_NOT_BINARY = READ.not_binary;
export const READ_NOT_INTEGER = READ.not_integer;
export const READ_UNKNOWN_LEVEL = READ.unknown_level;

/** Frame flag: a node given directly disagrees with the value computed from its subtree. */
export const FLAG_INCONSISTENT = 1;

/** Slack added to every consistency comparison (a node given directly against its subtree), for binary floating point. */
export const CONSISTENCY_EPSILON = 1e-9;
