/**
 * ogmetric: the pure core. Rubrics, scoring, aggregation and rounding; no `node:` imports, so it
 * runs unchanged in a browser, a notebook or Node. File and CLI helpers live in `ogmetric/node`.
 */
export type { Issue } from "./issue.js";
export { jsonPath } from "./issue.js";

export * from "./rubric/schema.js";
export { validateRubric } from "./rubric/validateRubric.js";
export { parseRubric, safeParseRubric, RubricError, type SafeParseRubricResult } from "./rubric/parseRubric.js";
export { compileRubric, rubricHash, type CompiledRubric, type NodeInfo, type CompiledChild, type CompiledObservationSet } from "./rubric/compileRubric.js";
export { loadEdition, loadEditionDocument, loadCrosswalk, EDITIONS, type Edition } from "./rubric/editions.js";

export {
  readValue,
  readScore,
  readIssue,
  createReadSlot,
  expectedInput,
  NOT_APPLICABLE_TOKENS,
  VALUE_ABSENT,
  VALUE_PRESENT,
  VALUE_NOT_APPLICABLE,
  READ_OK,
  type ReadSlot,
} from "./score/readValue.js";
export {
  createFrame,
  resetFrame,
  evaluateFrame,
  giveInput,
  STATUS_SCORED,
  STATUS_NOT_APPLICABLE,
  STATUS_MISSING,
  FLAG_INCONSISTENT,
  type ScoreFrame,
} from "./score/evaluate.js";
export {
  scoreBody,
  loadBodyInput,
  addObservation,
  frameToBodyScore,
  missingInputs,
  nodeScore,
  statusName,
  type BodyInput,
  type BodyScore,
  type NodeScore,
  type NodeStatus,
  type NodeSource,
  type Contribution,
  type RawValue,
} from "./score/scoreBody.js";
export { formatExplanation, type ExplanationOptions } from "./score/formatExplanation.js";

export { aggregate, Aggregator, STAT_NAMES, type AggregateOptions, type AggregateTable, type GroupStats, type NodeStats, type StatName } from "./aggregate/aggregateBy.js";
export { roundHalfUp, formatFixed } from "./aggregate/round.js";

export { STATES, normalizeState, resolveState, type State, type ResolveStateResult } from "./catalog/states.js";

export { parseCrosswalk, safeParseCrosswalk, checkCrosswalk, CrosswalkError, type CrosswalkRubric, type CrosswalkRubrics, type SafeParseCrosswalkResult } from "./rubric/crosswalk.js";
export * from "./rubric/crosswalkSchema.js";
export { compareReferences, type ReferenceCheck } from "./analysis/compareReferences.js";
