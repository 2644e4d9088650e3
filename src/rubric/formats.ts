/**
 * Constants the formats and the library share. They live apart from the zod schemas
 * (`schema.ts`, `crosswalkSchema.ts`), which only the build and the tests load.
 */

/**
 * Rubric format version this library reads.
 * @example
 * RUBRIC_SCHEMA_VERSION === loadEditionDocument("2017").schemaVersion // => true
 */
export const RUBRIC_SCHEMA_VERSION = 1;

/**
 * Crosswalk format version this library reads.
 * @example
 * CROSSWALK_SCHEMA_VERSION // => 1
 */
export const CROSSWALK_SCHEMA_VERSION = 1;

/** Prefix of the `only_in_<edition>` crosswalk relation; the rest is the edition as written in the rubric's `edition`. */
export const ONLY_IN_PREFIX = "only_in_";
