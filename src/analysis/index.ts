/**
 * ogmetric/analysis: how much to trust a score, a ranking or a published table. Seeded,
 * browser-safe (no `node:` imports) and bit-reproducible on any JavaScript engine.
 *
 * - {@link sobol}: variance-based sensitivity (first-order and total Sobol' indices) of any model.
 * - {@link bootstrapMeans} and {@link bootstrapScores}: percentile and BCa intervals for group means.
 * - {@link auditScores}: coverage, distribution, correlations, Cronbach's alpha and drop-one rank
 *   effects of a scored dataset.
 * - {@link auditPublished}: do published aggregates obey the rubric's formulas, given their rounding?
 * - {@link uncertainty}: Monte Carlo uncertainty of every body's and group's score and rank under
 *   the rubric's uncertain weights, rules, policies and inputs.
 * - {@link sensitivity}: which of those assumptions drives that uncertainty (Sobol' indices).
 * - {@link createRandom}: the seeded generator behind all of it, with jumps for independent streams.
 * @module ogmetric/analysis
 */
export { createRandom, substream, fromState, type Random } from "./random.js";
export { portableLog, portableExp, normalQuantile, normalCdf } from "./portableMath.js";
export { createSobolSequence, SOBOL_MAX_DIMENSION, type SobolSequence } from "./sobolSequence.js";
export {
  sobol,
  type SobolOptions,
  type SobolResult,
  type SobolIndices,
  type SobolFactor,
  type UniformFactor,
  type SampledFactor,
  type SobolModel,
  type ScalarModel,
  type PointModel,
  type BatchModel,
} from "./sobol.js";
export {
  bootstrapMeans,
  bootstrapScores,
  type BootstrapOptions,
  type BootstrapScoresOptions,
  type BootstrapResult,
  type GroupInterval,
} from "./bootstrapMeans.js";
export type { Interval } from "./internal/interval.js";
export { pearson, spearman, averageRanks, cronbachAlpha } from "./correlation.js";
export {
  auditScores,
  type AuditOptions,
  type ScoreAudit,
  type IndicatorStats,
  type CorrelationPair,
  type AlphaStats,
  type DropEffect,
} from "./auditScores.js";
export {
  auditPublished,
  parsePublishedCsv,
  type PublishedFigure,
  type PublishedAuditOptions,
  type PublishedAudit,
  type PublishedCheck,
  type CheckTerm,
} from "./auditPublished.js";
export {
  safeParseUncertaintySpec,
  safeParseSensitivitySpec,
  type UncertaintySpec,
  type ResolvedUncertaintySpec,
  type SensitivitySpec,
  type ResolvedSensitivitySpec,
  type AssumptionSpec,
  type SafeParseSpecResult,
} from "./analysisSpec.js";
export type { AnalysisData } from "./internal/data.js";
export type { WeightFactor, Switch, SwitchKind } from "./internal/scenarios.js";
export {
  uncertainty,
  type UncertaintyResult,
  type UncertaintyOptions,
  type UnitUncertainty,
  type GroupUncertainty,
  type SwitchUse,
  type Spread,
} from "./uncertainty.js";
export {
  sensitivity,
  type SensitivityResult,
  type SensitivityOptions,
  type SensitivityFactor,
  type SensitivityOutput,
  type SensitivitySummary,
} from "./sensitivity.js";
export { compareReferences, type ReferenceCheck } from "./compareReferences.js";
