/**
 * ogmetric: the front door. What an application needs to score the Open Government Metric: load
 * and validate rubrics, score and explain bodies, aggregate, round and format, the state catalog,
 * crosswalks, and their types. Pure: no `node:` imports, so it runs unchanged in a browser, a
 * notebook or Node. A survey CSV given as a string, a `Blob` or a web stream is scored here
 * (`scoreCsv`); files and streams of Node behind `ogmetric/node`, frames, integer codes and the
 * kernel behind `ogmetric/engine`.
 * @module ogmetric
 */
export type { Issue } from "./issue.js";

export type {
  Label,
  LeafInput,
  MissingPolicy,
  NotApplicablePolicy,
  ObservationSet,
  Provenance,
  ProvenanceStatus,
  Reference,
  RubricDocument,
  RubricNode,
  RubricView,
  Rule,
  Source,
} from "./rubric/schema.js";
export { RUBRIC_SCHEMA_VERSION, CROSSWALK_SCHEMA_VERSION } from "./rubric/formats.js";
export { parseRubric, safeParseRubric, RubricError, type SafeParseRubricResult } from "./rubric/parseRubric.js";
export type { CompiledRubric, NodeInfo, CompiledChild, CompiledObservationSet, CompiledView } from "./rubric/compileRubric.js";
export { loadEdition, loadEditionDocument, loadCrosswalk, EDITIONS, type Edition } from "./rubric/editions.js";
export { parseCrosswalk, safeParseCrosswalk, CrosswalkError, type CrosswalkRubric, type CrosswalkRubrics, type SafeParseCrosswalkResult } from "./rubric/crosswalk.js";
export type { Crosswalk, CrosswalkDocument, CrosswalkMapping, CrosswalkRelation, RubricRef } from "./rubric/crosswalkSchema.js";

export {
  scoreBody,
  nodeScore,
  type BodyInput,
  type BodyScore,
  type NodeScore,
  type NodeStatus,
  type NodeSource,
  type Contribution,
  type RawValue,
  type ScoreOptions,
} from "./score/scoreBody.js";
export { NOT_APPLICABLE_TOKENS } from "./score/readValue.js";
export { createWeights, WeightVector } from "./score/weights.js";
export { formatExplanation, type ExplanationOptions } from "./score/formatExplanation.js";

export { scoreCsv, type ScoreCsvOptions, type ScoredInput, type CsvText, type RubricChoice } from "./io/scoreCsv.js";
export { InputFileError, type BodyReadOptions, type RowReject, type FileAccount } from "./io/bodyFile.js";
export { CsvError } from "./io/csvRecordReader.js";
export { CsvWriter, csvCell, csvText, neutralizeFormula, type CsvWriteOptions } from "./io/writeCsv.js";
export type { TextSink } from "./io/textSink.js";

export { aggregate, STAT_NAMES, type AggregateOptions, type AggregateTable, type GroupStats, type NodeStats, type StatName } from "./aggregate/aggregateBy.js";
export { roundHalfUp, formatFixed } from "./aggregate/round.js";
export { rankValues, type RankOptions } from "./aggregate/rank.js";

export { STATES, normalizeState, resolveState, type State, type ResolveStateResult } from "./catalog/states.js";

export { compareReferences, type ReferenceCheck } from "./analysis/compareReferences.js";

export { compareScores, type Comparison, type BodyComparison, type NodeComparison, type UnmatchedBody, type CompareOptions, type ScoreSet, type RubricSummary } from "./compare/compareScores.js";
export { compareEditions, type CompareEditionsOptions } from "./compare/compareEditions.js";
export { compareGroups, compareGroupMeans, type GroupComparison, type GroupComparisonTable, type GroupOptions } from "./compare/compareGroups.js";
export { tidyComparison, wideComparison, wideGroups, type TidyRecord, type WideTable, type TableOptions } from "./compare/comparisonTables.js";
export { MAX_SHAPLEY_PLAYERS, type AttributionMethod, type ComponentInfo, type CrosswalkPair, type PlanOptions } from "./compare/comparisonPlan.js";
export type { Attribution, ComponentEffect } from "./compare/attribution.js";
