/**
 * The crosswalk format, version 1: how the nodes of one rubric correspond to the nodes of another
 * (typically two editions of the metric).
 *
 * Like the rubric format, the zod schema below is the only hand-written description; the types are
 * inferred from it and the published JSON Schema (`rubrics/schema/crosswalk.schema.json`) is
 * generated from it. Rules that need the two rubrics (codes exist, every node mapped once, editions)
 * live in `checkCrosswalk`.
 */
import { z } from "zod";
import { CROSSWALK_SCHEMA_VERSION, ONLY_IN_PREFIX } from "./formats.js";
import { IdSchema, LabelSchema, NodeCodeSchema, ProvenanceSchema, RubricSchema, toPublishedJsonSchema } from "./schema.js";


/** The rubric format's bounded text type, taken from `LabelSchema` so that both formats share one `Text` definition. */
const TextSchema = LabelSchema.shape.es;


/** A rubric named by id and version. */
export const RubricRefSchema = z
  .strictObject({
    id: IdSchema,
    /** The rubric's `version`, same format. */
    version: RubricSchema.shape.version,
  })
  .meta({ id: "RubricRef" });

/**
 * How a node of one rubric relates to a node of the other:
 * - `same`: same code, same meaning;
 * - `renamed`: same meaning under another code;
 * - `assumed_equivalent`: treated as the same measure, which is an assumption (say why in the note);
 * - `only_in_<edition>`: the node exists in that edition only (exactly one side given).
 */
export const CrosswalkRelationSchema = z
  .union(
    [
      z.enum(["same", "renamed", "assumed_equivalent"]),
      z.templateLiteral([ONLY_IN_PREFIX, z.string().regex(/^[a-z0-9-]+$/)]),
    ],
    { error: 'expected "same", "renamed", "assumed_equivalent" or "only_in_<edition>"' },
  )
  .meta({ id: "CrosswalkRelation", description: '"same", "renamed", "assumed_equivalent" or "only_in_<edition>"' });

/** One correspondence between a node of the `from` rubric and a node of the `to` rubric. */
export const CrosswalkMappingSchema = z
  .strictObject({
    /** Code in the `from` rubric; absent for a node that exists only in the `to` rubric. */
    from: NodeCodeSchema.optional(),
    /** Code in the `to` rubric; absent for a node that exists only in the `from` rubric. */
    to: NodeCodeSchema.optional(),
    relation: CrosswalkRelationSchema,
    /** Why the two nodes correspond, and what differs. */
    note: TextSchema,
    /** Provenance of the correspondence; `source` is an id from either rubric's `sources`. */
    provenance: ProvenanceSchema,
  })
  .meta({ id: "CrosswalkMapping" });

/** A crosswalk document, as written in JSON. */
export const CrosswalkSchema = z.strictObject({
  $schema: z.string().max(2000).optional(),
  schemaVersion: z.literal(CROSSWALK_SCHEMA_VERSION),
  from: RubricRefSchema,
  to: RubricRefSchema,
  label: LabelSchema.optional(),
  mappings: z.array(CrosswalkMappingSchema).min(1).max(10_000),
});

/**
 * Which rubric a crosswalk side refers to: id, version, edition.
 * @example
 * const ref: RubricRef = loadCrosswalk("2017", "2019").from;
 * [ref.id, ref.version] // => ["mga-2017", "1.0.0"]
 */
export type RubricRef = z.infer<typeof RubricRefSchema>;
/**
 * How two nodes of two rubrics relate: `same`, `renamed`, `assumed_equivalent`, or `only_in_<edition>`.
 * @example
 * const relation: CrosswalkRelation | undefined = loadCrosswalk("2017", "2019").mappings.find((m) => m.from === "tg.tr")?.relation;
 * relation // => "assumed_equivalent"
 */
export type CrosswalkRelation = z.infer<typeof CrosswalkRelationSchema>;
/**
 * One mapping of a crosswalk: a node of the first rubric, its counterpart in the second, their relation and a note.
 * @example
 * const m: CrosswalkMapping = loadCrosswalk("2017", "2019").mappings[0]!;
 * [m.from, m.to, m.relation] // => ["iga", "iga", "same"]
 */
export type CrosswalkMapping = z.infer<typeof CrosswalkMappingSchema>;
/**
 * A crosswalk that passed the structural checks.
 * @example
 * const crosswalk: Crosswalk = loadCrosswalk("2017", "2019");
 * crosswalk.to.id // => "mga-2019"
 */
export type Crosswalk = z.infer<typeof CrosswalkSchema>;
/**
 * A crosswalk document as written.
 * @example
 * const doc: CrosswalkDocument = { schemaVersion: 1, from: { id: "a", version: "1.0.0" }, to: { id: "b", version: "1.0.0" }, mappings: [{ from: "x", to: "y", relation: "renamed", note: "unchanged", provenance: { status: "verified", source: "s" } }] };
 * parseCrosswalk(doc).mappings.length // => 1
 */
export type CrosswalkDocument = z.input<typeof CrosswalkSchema>;

/**
 * The JSON Schema of the crosswalk format (draft 2020-12), generated from the zod schema.
 * @returns the JSON Schema as a plain object, equal to the shipped `rubrics/schema/crosswalk.schema.json`
 * @example
 * crosswalkJsonSchema().title // => 'ogmetric crosswalk (format version 1)'
 */
export function crosswalkJsonSchema(): Record<string, unknown> {
  return toPublishedJsonSchema(
    CrosswalkSchema,
    "https://ogmetric.dev/schema/crosswalk-1.schema.json",
    "ogmetric crosswalk (format version 1)",
  );
}
