/**
 * The rubric format, version 1: the one source of truth.
 *
 * The zod schema below is the only hand-written description of a rubric. The TypeScript types
 * are inferred from it, and at build time (`emitSchemas.ts`) it becomes the published JSON Schema
 * (`rubrics/schema/rubric.schema.json`, for editors through `$schema`) and the standalone validator
 * the library runs. The library imports only types from here, so zod is not in its run-time path;
 * a test keeps the shipped files equal to freshly generated ones.
 */
import { z } from "zod";
import { RUBRIC_SCHEMA_VERSION } from "./formats.js";


const MAX_TEXT = 4000;
const MAX_ITEMS = 10_000;

/** Node code: lower-case dotted path such as `tg.ai` or `pc.recep`. */
export const NodeCodeSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, "a lower-case dotted code such as tg.ai").meta({ id: "NodeCode", description: "a lower-case dotted code such as tg.ai" });

/** Alias: a column name found in published data, such as `GA` or `TG`. */
export const AliasSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_.]*$/, "a column-like name such as GA or TG").meta({ id: "Alias", description: "a column-like name such as GA or TG" });

/** Identifier of a source, an observation set, a view or a rubric. */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "a lower-case identifier such as mga-2017").meta({ id: "Id", description: "a lower-case identifier such as mga-2017" });

const TextSchema = z.string().min(1).max(MAX_TEXT).meta({ id: "Text" });

/** A label in Spanish (official) and English. */
export const LabelSchema = z.strictObject({ es: TextSchema, en: TextSchema }).meta({ id: "Label" });

/** How much a fact is established: see docs/methodology.md. */
export const ProvenanceStatusSchema = z.enum(["verified", "inferred", "assumed"]).meta({ id: "ProvenanceStatus" });

/** Where a node, weight or rule comes from and how sure we are of it. */
export const ProvenanceSchema = z.strictObject({
  status: ProvenanceStatusSchema,
  /** Id of an entry in the rubric's `sources`. */
  source: IdSchema,
  note: TextSchema.optional(),
}).meta({ id: "Provenance" });

/** A source a provenance can cite: a publication, a data file, the project's notes. */
export const SourceSchema = z.strictObject({
  id: IdSchema,
  citation: TextSchema,
  url: z.string().max(2000).optional(),
}).meta({ id: "Source" });

/** Policy for a value that nobody recorded. */
export const MissingPolicySchema = z.enum(["missing", "zero", "not_applicable"]).meta({ id: "MissingPolicy" });

/** Policy for not-applicable children: re-weight over the applicable ones, or count them as 0. */
export const NotApplicablePolicySchema = z.enum(["reweight", "zero"]).meta({ id: "NotApplicablePolicy" });

/** How a node combines its children's values. */
export const RuleSchema = z.enum(["arithmetic", "geometric", "minimum"]).meta({ id: "Rule" });

/** A leaf's value is reduced over the body's observations of a set (one row per observation). */
export const PerObservationSchema = z.strictObject({
  set: IdSchema,
  reduce: z.literal("mean").default("mean"),
}).meta({ id: "PerObservation" });

/** Fields every leaf input shares (a function, so that each branch gets its own copy in JSON Schema). */
const leafCommon = () => ({ observations: PerObservationSchema.optional() });

const FiniteNumber = z.number().refine(Number.isFinite, "a finite number").meta({ id: "FiniteNumber" });

/** What a leaf takes as input and how the input becomes a score in [0, 1]. */
export const LeafInputSchema = z.discriminatedUnion("type", [
  /** A score in [0, 1], used as is. */
  z.strictObject({ type: z.literal("score"), ...leafCommon() }),
  /** 0 or 1. */
  z.strictObject({ type: z.literal("binary"), ...leafCommon() }),
  /** An integer count 0..max, scored count / max. */
  z.strictObject({ type: z.literal("count"), max: z.number().int().min(1).max(1_000_000), ...leafCommon() }),
  /** A named level, scored by the level's score. */
  z.strictObject({
    type: z.literal("ordinal"),
    levels: z
      .array(z.strictObject({ value: z.string().min(1).max(200), score: z.number().min(0).max(1) }))
      .min(2)
      .max(1000),
    ...leafCommon(),
  }),
  /**
   * A number scored linearly between goalposts and clamped to [0, 1]: ascending gives
   * (x - low) / (high - low), descending gives (high - x) / (high - low).
   */
  z.strictObject({
    type: z.literal("linear"),
    low: FiniteNumber,
    high: FiniteNumber,
    direction: z.enum(["ascending", "descending"]).default("ascending"),
    ...leafCommon(),
  }),
]).meta({ id: "LeafInput" });

/** A weighted edge from a node to a child. */
export const ChildSchema = z.strictObject({
  code: NodeCodeSchema,
  weight: z.number(),
  /** Provenance of the weight; defaults to the parent's. */
  provenance: ProvenanceSchema.optional(),
}).meta({ id: "Child" });

/** One node of the tree: an internal node (`children`) or a leaf (`input`). */
export const NodeSchema = z.strictObject({
  code: NodeCodeSchema,
  aliases: z.array(AliasSchema).max(32).optional(),
  label: LabelSchema,
  description: z.strictObject({ es: TextSchema.optional(), en: TextSchema.optional() }).optional(),
  children: z.array(ChildSchema).min(1).max(1000).optional(),
  rule: RuleSchema.optional(),
  /** When true the weights need not sum to 1: each is divided by their sum. */
  normalize: z.boolean().optional(),
  notApplicable: NotApplicablePolicySchema.optional(),
  missing: MissingPolicySchema.optional(),
  /** When this node scores exactly 0, these siblings score 0 whatever their input. */
  gates: z.array(NodeCodeSchema).min(1).max(1000).optional(),
  input: LeafInputSchema.optional(),
  provenance: ProvenanceSchema,
}).meta({ id: "Node" });

/** An alternative grouping of the same nodes, such as the perspective view gobierno/ciudadano. */
export const ViewSchema = z.strictObject({
  id: IdSchema,
  label: LabelSchema,
  nodes: z.array(NodeSchema).min(1).max(1000),
}).meta({ id: "View" });

/** A set of observations (one row per observation per body), e.g. information requests. */
export const ObservationSetSchema = z.strictObject({
  id: IdSchema,
  label: LabelSchema,
  /** What a per-observation leaf is when the body has no observation in this set. */
  noObservations: MissingPolicySchema,
  provenance: ProvenanceSchema,
}).meta({ id: "ObservationSet" });

/** A published figure that results can be compared against. */
export const ReferenceSchema = z.strictObject({
  node: NodeCodeSchema,
  /** Grouping keys; empty for the national value. */
  by: z.array(z.enum(["state", "type", "level"])).max(3),
  /** Group key values, one per `by` key (canonical state names for `state`). */
  group: z.array(z.string().min(1).max(200)).max(3),
  value: FiniteNumber,
  /** Decimals the figure was published with. */
  decimals: z.number().int().min(0).max(12),
  rank: z.number().int().min(1).optional(),
  of: z.number().int().min(1).optional(),
  status: ProvenanceStatusSchema,
  source: IdSchema,
  note: TextSchema.optional(),
}).meta({ id: "Reference" });

/** A rubric document, as written in JSON. */
export const RubricSchema = z.strictObject({
  $schema: z.string().max(2000).optional(),
  schemaVersion: z.literal(RUBRIC_SCHEMA_VERSION),
  id: IdSchema,
  version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, "a semantic version such as 1.0.0").meta({ description: "a semantic version such as 1.0.0" }),
  edition: z.string().max(64).optional(),
  label: LabelSchema,
  description: z.strictObject({ es: TextSchema.optional(), en: TextSchema.optional() }).optional(),
  sources: z.array(SourceSchema).min(1).max(1000),
  root: NodeCodeSchema,
  nodes: z.array(NodeSchema).min(1).max(MAX_ITEMS),
  views: z.array(ViewSchema).max(32).optional(),
  observationSets: z.array(ObservationSetSchema).max(64).optional(),
  references: z.array(ReferenceSchema).max(MAX_ITEMS).optional(),
});

/**
 * A text in Spanish (`es`, required) and English (`en`).
 * @example
 * const label: Label = rubric.nodes[0]!.label;
 * label.en // => "Open Government Index"
 */
export type Label = z.infer<typeof LabelSchema>;
/**
 * How established a node or weight is, and the source it rests on (an id of the rubric's `sources`).
 * @example
 * const p: Provenance = rubric.nodes[0]!.provenance;
 * p.status // => "verified"
 */
export type Provenance = z.infer<typeof ProvenanceSchema>;
/**
 * How much a fact is established: `verified`, `inferred` or `assumed` (see docs/methodology.md).
 * @example
 * const statuses: ProvenanceStatus[] = ["verified", "inferred", "assumed"];
 * statuses.map((s) => loadEdition("2019").nodes.filter((n) => n.provenance.status === s).length) // => [8, 8, 13]
 */
export type ProvenanceStatus = z.infer<typeof ProvenanceStatusSchema>;
/**
 * What a missing value becomes: `missing` (the default: the node cannot be scored), `zero` or `not_applicable`.
 * @example
 * const policy: MissingPolicy = rubric.nodes[rubric.index.get("tg.ai")!]!.missing;
 * policy // => "missing"
 */
export type MissingPolicy = z.infer<typeof MissingPolicySchema>;
/**
 * What not-applicable children do to their parent: `reweight` the others (default) or count as `zero`.
 * @example
 * const tg: NotApplicablePolicy = loadEdition("2019").nodes[loadEdition("2019").index.get("tg")!]!.notApplicable;
 * tg // => "reweight"
 */
export type NotApplicablePolicy = z.infer<typeof NotApplicablePolicySchema>;
/**
 * How an internal node combines its children: `arithmetic` (weighted mean, default), `geometric` or `minimum`.
 * @example
 * const rule: Rule = rubric.nodes[0]!.rule;
 * rule // => "arithmetic"
 */
export type Rule = z.infer<typeof RuleSchema>;
/**
 * A leaf's input declaration: its type (`score`, `binary`, `count`, `ordinal`, `linear`) and scale.
 * @example
 * const input: LeafInput = { type: "count", max: 3 };
 * rubric.nodes[rubric.index.get("pg.act")!]!.input // => input
 */
export type LeafInput = z.input<typeof LeafInputSchema>;
/**
 * One node of a rubric document as written: code, labels, children or input, policies, provenance.
 * @example
 * const node: RubricNode = loadEditionDocument("2017").nodes[0]!;
 * node.children?.map((c) => c.code) // => ["t", "p"]
 */
export type RubricNode = z.input<typeof NodeSchema>;
/**
 * A view as written: another grouping of the main tree's nodes (MGA's government/citizen perspective).
 * @example
 * const view: RubricView = loadEditionDocument("2017").views![0]!;
 * view.id // => "perspectiva"
 */
export type RubricView = z.input<typeof ViewSchema>;
/**
 * An observation set as written: one value per observation (a request, say) for the leaves it feeds.
 * @example
 * const set: ObservationSet = loadEditionDocument("2019").observationSets![1]!;
 * [set.id, set.noObservations] // => ["request_records", "not_applicable"]
 */
export type ObservationSet = z.input<typeof ObservationSetSchema>;
/**
 * A published figure a rubric can be checked against (`compareReferences`), with its decimals and status.
 * @example
 * const ref: Reference = rubric.references[0]!;
 * [ref.node, ref.value] // => ["iga", 0.39]
 */
export type Reference = z.input<typeof ReferenceSchema>;
/**
 * A source the rubric's provenances cite: an id and a citation.
 * @example
 * const source: Source = rubric.sources[0]!;
 * source.id // => "inai-2017-resumen"
 */
export type Source = z.input<typeof SourceSchema>;
/**
 * A rubric document as written (defaults not yet applied).
 * @example
 * const doc: RubricDocument = loadEditionDocument("2017");
 * parseRubric({ ...doc, version: "1.0.1" }).version // => "1.0.1"
 */
export type RubricDocument = z.input<typeof RubricSchema>;

/**
 * Turns a zod schema into a published JSON Schema (draft 2020-12) with named `$defs`.
 *
 * Discriminated unions come out of zod as `anyOf`; they are rewritten as `oneOf` with an OpenAPI
 * `discriminator` (which ajv understands) so that a leaf of an unknown type gives one clear
 * error instead of one error per alternative.
 * @param schema - the zod schema
 * @param id - the `$id` of the document
 * @param title - its title
 * @returns the JSON Schema as a plain object
 */
export function toPublishedJsonSchema(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12", reused: "ref" });
  const { $schema: _ignored, ...body } = generated as Record<string, unknown>;
  return withDiscriminators({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: id,
    title,
    ...body,
  }) as Record<string, unknown>;
}

function withDiscriminators(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withDiscriminators);
  if (node === null || typeof node !== "object") return node;
  const entries = Object.entries(node as Record<string, unknown>)
    // zod copies `.meta({ id })` into the schema; the name already lives in `$defs`.
    .filter(([k, v]) => !(k === "id" && typeof v === "string"))
    .map(([k, v]) => [k, withDiscriminators(v)] as const);
  const out = Object.fromEntries(entries) as Record<string, unknown>;
  const branches = out.anyOf;
  if (Array.isArray(branches) && branches.length > 1 && branches.every(isTypeTagged)) {
    delete out.anyOf;
    return { type: "object", discriminator: { propertyName: "type" }, required: ["type"], oneOf: branches, ...out };
  }
  return out;
}

function isTypeTagged(branch: unknown): boolean {
  const props = (branch as { properties?: { type?: { const?: unknown } } } | null)?.properties;
  return typeof props?.type?.const === "string";
}

/** The JSON Schema of the rubric format (draft 2020-12), generated from the zod schema. */
export function rubricJsonSchema(): Record<string, unknown> {
  return toPublishedJsonSchema(
    RubricSchema,
    "https://ogmetric.dev/schema/rubric-1.schema.json",
    "ogmetric rubric (format version 1)",
  );
}
