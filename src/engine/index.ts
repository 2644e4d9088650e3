/**
 * ogmetric/engine: the engine room, for people who build analyses on the kernel. Score frames,
 * the evaluation kernel, checked weight vectors, the one scoring path (`BodyScorer`) with its cell
 * reader and observation store, the streaming aggregator, the integer codes and copies of a
 * compiled rubric's arrays. Pure, like the front door; what an application needs is in `ogmetric`.
 * @module ogmetric/engine
 */
export * from "./codes.js";
export { rubricArrays, type RubricArrays } from "./rubricArrays.js";
export { createFrame, resetFrame, evaluateFrame, giveInput, ScoreFrame, CONSISTENCY_EPSILON, type FrameOptions } from "../score/evaluate.js";
export { createWeights, WeightVector, MAX_WEIGHT_RATIO } from "../score/weights.js";
export { BodyScorer, GIVEN_TWICE, type BodyScorerOptions } from "../score/bodyScorer.js";
export { BatchScorer, createFrames } from "../score/batch.js";
export { useGeneratedKernels } from "../score/generatedKernel.js";
export { ObservationStore } from "../score/observationStore.js";
export { readScore, createReadSlot, NOT_APPLICABLE_TOKENS, type ReadSlot } from "../score/readValue.js";
export { Aggregator } from "../aggregate/aggregateBy.js";
