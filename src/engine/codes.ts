/**
 * The engine's integer codes and their names, from one table.
 *
 * The compiled rubric and the score frame store small integers (a status per node, a rule per
 * node, ...); the front door (`ogmetric`) speaks in the names. Each list below is the single
 * source of both: a code is the name's position in its list, and the constants exported beside it
 * are derived from the list, so a name and its number cannot drift apart.
 */

/**
 * Every coded vocabulary of the engine: code = position in the list.
 * @example
 * CODES.status[STATUS_SCORED] // => "scored"
 */
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
/**
 * A name of one vocabulary, e.g. `CodeName<"status">` is `"pending" | "scored" | ...`.
 * @example
 * const name: CodeName<"rule"> = codeName("rule", RULE_GEOMETRIC);
 * name // => "geometric"
 */
export type CodeName<V extends Vocabulary> = (typeof CODES)[V][number];

type IndexOf<T extends readonly string[], N extends string> = {
  [K in keyof T]: T[K] extends N ? (K extends `${infer I extends number}` ? I : never) : never;
}[number];

/**
 * Name → code of one vocabulary, with literal number types.
 * @example
 * const table: CodeTable<"policy"> = POLICY;
 * table.not_applicable // => 2
 */
export type CodeTable<V extends Vocabulary> = { readonly [N in CodeName<V>]: IndexOf<(typeof CODES)[V], N> };

function table<V extends Vocabulary>(vocabulary: V): CodeTable<V> {
  const out: Record<string, number> = Object.create(null);
  CODES[vocabulary].forEach((name, code) => (out[name] = code));
  return Object.freeze(out) as CodeTable<V>;
}

/**
 * Name → code tables, one per vocabulary.
 * @example
 * STATUS.missing // => 3
 */
export const STATUS = table("status");
/**
 * Name → code of the `source` vocabulary.
 * @example
 * SOURCE.gate // => 4
 */
export const SOURCE = table("source");
/**
 * Name → code of the `leaf` vocabulary.
 * @example
 * LEAF.count // => 3
 */
export const LEAF = table("leaf");
/**
 * Name → code of the `rule` vocabulary.
 * @example
 * RULE.minimum // => 2
 */
export const RULE = table("rule");
/**
 * Name → code of the `policy` vocabulary.
 * @example
 * POLICY.zero // => 1
 */
export const POLICY = table("policy");
/**
 * Name → code of the `notApplicable` vocabulary.
 * @example
 * NOT_APPLICABLE.zero // => 1
 */
export const NOT_APPLICABLE = table("notApplicable");
/**
 * Name → code of the `value` vocabulary.
 * @example
 * VALUE.present // => 1
 */
export const VALUE = table("value");
/**
 * Name → code of the `read` vocabulary.
 * @example
 * READ.not_binary // => 4
 */
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
/**
 * Code of `pending` in the `status` vocabulary (`STATUS.pending`).
 * @example
 * codeName("status", STATUS_PENDING) // => "pending"
 */
export const STATUS_PENDING = STATUS.pending;
/**
 * Code of `scored` in the `status` vocabulary (`STATUS.scored`).
 * @example
 * codeName("status", STATUS_SCORED) // => "scored"
 */
export const STATUS_SCORED = STATUS.scored;
/**
 * Code of `not_applicable` in the `status` vocabulary (`STATUS.not_applicable`).
 * @example
 * codeName("status", STATUS_NOT_APPLICABLE) // => "not_applicable"
 */
export const STATUS_NOT_APPLICABLE = STATUS.not_applicable;
/**
 * Code of `missing` in the `status` vocabulary (`STATUS.missing`).
 * @example
 * codeName("status", STATUS_MISSING) // => "missing"
 */
export const STATUS_MISSING = STATUS.missing;
/**
 * Code of `none` in the `source` vocabulary (`SOURCE.none`).
 * @example
 * codeName("source", SOURCE_NONE) // => "none"
 */
export const SOURCE_NONE = SOURCE.none;
/**
 * Code of `input` in the `source` vocabulary (`SOURCE.input`).
 * @example
 * codeName("source", SOURCE_INPUT) // => "input"
 */
export const SOURCE_INPUT = SOURCE.input;
/**
 * Code of `children` in the `source` vocabulary (`SOURCE.children`).
 * @example
 * codeName("source", SOURCE_CHILDREN) // => "children"
 */
export const SOURCE_CHILDREN = SOURCE.children;
/**
 * Code of `observations` in the `source` vocabulary (`SOURCE.observations`).
 * @example
 * codeName("source", SOURCE_OBSERVATIONS) // => "observations"
 */
export const SOURCE_OBSERVATIONS = SOURCE.observations;
/**
 * Code of `gate` in the `source` vocabulary (`SOURCE.gate`).
 * @example
 * codeName("source", SOURCE_GATE) // => "gate"
 */
export const SOURCE_GATE = SOURCE.gate;
/**
 * Code of `policy` in the `source` vocabulary (`SOURCE.policy`).
 * @example
 * codeName("source", SOURCE_POLICY) // => "policy"
 */
export const SOURCE_POLICY = SOURCE.policy;
/**
 * Code of `none` in the `leaf` vocabulary (`LEAF.none`).
 * @example
 * codeName("leaf", LEAF_NONE) // => "none"
 */
export const LEAF_NONE = LEAF.none;
/**
 * Code of `score` in the `leaf` vocabulary (`LEAF.score`).
 * @example
 * codeName("leaf", LEAF_SCORE) // => "score"
 */
export const LEAF_SCORE = LEAF.score;
/**
 * Code of `binary` in the `leaf` vocabulary (`LEAF.binary`).
 * @example
 * codeName("leaf", LEAF_BINARY) // => "binary"
 */
export const LEAF_BINARY = LEAF.binary;
/**
 * Code of `count` in the `leaf` vocabulary (`LEAF.count`).
 * @example
 * codeName("leaf", LEAF_COUNT) // => "count"
 */
export const LEAF_COUNT = LEAF.count;
/**
 * Code of `ordinal` in the `leaf` vocabulary (`LEAF.ordinal`).
 * @example
 * codeName("leaf", LEAF_ORDINAL) // => "ordinal"
 */
export const LEAF_ORDINAL = LEAF.ordinal;
/**
 * Code of `linear` in the `leaf` vocabulary (`LEAF.linear`).
 * @example
 * codeName("leaf", LEAF_LINEAR) // => "linear"
 */
export const LEAF_LINEAR = LEAF.linear;
/**
 * Code of `arithmetic` in the `rule` vocabulary (`RULE.arithmetic`).
 * @example
 * codeName("rule", RULE_ARITHMETIC) // => "arithmetic"
 */
export const RULE_ARITHMETIC = RULE.arithmetic;
/**
 * Code of `geometric` in the `rule` vocabulary (`RULE.geometric`).
 * @example
 * codeName("rule", RULE_GEOMETRIC) // => "geometric"
 */
export const RULE_GEOMETRIC = RULE.geometric;
/**
 * Code of `minimum` in the `rule` vocabulary (`RULE.minimum`).
 * @example
 * codeName("rule", RULE_MINIMUM) // => "minimum"
 */
export const RULE_MINIMUM = RULE.minimum;
/**
 * Code of `missing` in the `policy` vocabulary (`POLICY.missing`).
 * @example
 * codeName("policy", POLICY_MISSING) // => "missing"
 */
export const POLICY_MISSING = POLICY.missing;
/**
 * Code of `zero` in the `policy` vocabulary (`POLICY.zero`).
 * @example
 * codeName("policy", POLICY_ZERO) // => "zero"
 */
export const POLICY_ZERO = POLICY.zero;
/**
 * Code of `not_applicable` in the `policy` vocabulary (`POLICY.not_applicable`).
 * @example
 * codeName("policy", POLICY_NOT_APPLICABLE) // => "not_applicable"
 */
export const POLICY_NOT_APPLICABLE = POLICY.not_applicable;
/**
 * Code of `reweight` in the `notApplicable` vocabulary (`NOT_APPLICABLE.reweight`).
 * @example
 * codeName("notApplicable", NA_REWEIGHT) // => "reweight"
 */
export const NA_REWEIGHT = NOT_APPLICABLE.reweight;
/**
 * Code of `zero` in the `notApplicable` vocabulary (`NOT_APPLICABLE.zero`).
 * @example
 * codeName("notApplicable", NA_ZERO) // => "zero"
 */
export const NA_ZERO = NOT_APPLICABLE.zero;
/**
 * Code of `absent` in the `value` vocabulary (`VALUE.absent`).
 * @example
 * codeName("value", VALUE_ABSENT) // => "absent"
 */
export const VALUE_ABSENT = VALUE.absent;
/**
 * Code of `present` in the `value` vocabulary (`VALUE.present`).
 * @example
 * codeName("value", VALUE_PRESENT) // => "present"
 */
export const VALUE_PRESENT = VALUE.present;
/**
 * Code of `not_applicable` in the `value` vocabulary (`VALUE.not_applicable`).
 * @example
 * codeName("value", VALUE_NOT_APPLICABLE) // => "not_applicable"
 */
export const VALUE_NOT_APPLICABLE = VALUE.not_applicable;
/**
 * Code of `ok` in the `read` vocabulary (`READ.ok`).
 * @example
 * codeName("read", READ_OK) // => "ok"
 */
export const READ_OK = READ.ok;
/**
 * Code of `not_a_number` in the `read` vocabulary (`READ.not_a_number`).
 * @example
 * codeName("read", READ_NOT_A_NUMBER) // => "not_a_number"
 */
export const READ_NOT_A_NUMBER = READ.not_a_number;
/**
 * Code of `not_finite` in the `read` vocabulary (`READ.not_finite`).
 * @example
 * codeName("read", READ_NOT_FINITE) // => "not_finite"
 */
export const READ_NOT_FINITE = READ.not_finite;
/**
 * Code of `out_of_range` in the `read` vocabulary (`READ.out_of_range`).
 * @example
 * codeName("read", READ_OUT_OF_RANGE) // => "out_of_range"
 */
export const READ_OUT_OF_RANGE = READ.out_of_range;
/**
 * Code of `not_binary` in the `read` vocabulary (`READ.not_binary`).
 * @example
 * codeName("read", READ_NOT_BINARY) // => "not_binary"
 */
export const READ_NOT_BINARY = READ.not_binary;
/**
 * Code of `not_integer` in the `read` vocabulary (`READ.not_integer`).
 * @example
 * codeName("read", READ_NOT_INTEGER) // => "not_integer"
 */
export const READ_NOT_INTEGER = READ.not_integer;
/**
 * Code of `unknown_level` in the `read` vocabulary (`READ.unknown_level`).
 * @example
 * codeName("read", READ_UNKNOWN_LEVEL) // => "unknown_level"
 */
export const READ_UNKNOWN_LEVEL = READ.unknown_level;

/**
 * Frame flag: a node given directly disagrees with the value computed from its subtree.
 * @example
 * const frame = createFrame(rubric);
 * const slot = createReadSlot();
 * readScore("0.9", slot); giveInput(frame, rubric.index.get("tg")!, slot);
 * for (const code of ["tg.ai", "tg.tr", "tg.tp", "tg.da"]) { readScore("0", slot); giveInput(frame, rubric.index.get(code)!, slot); }
 * evaluateFrame(frame);
 * (frame.flags[rubric.index.get("tg")!]! & FLAG_INCONSISTENT) !== 0 // => true
 */
export const FLAG_INCONSISTENT = 1;

/**
 * Slack added to every consistency comparison (a node given directly against its subtree), for binary floating point.
 * @example
 * CONSISTENCY_EPSILON // => 1e-9
 */
export const CONSISTENCY_EPSILON = 1e-9;
