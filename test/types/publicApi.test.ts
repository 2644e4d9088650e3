/**
 * Type tests for the two doors. `npm test` runs `tsc --noEmit` over `test/`, so every
 * `expectTypeOf` below is checked by the compiler (a wrong one fails the type-check before any test
 * runs); vitest then runs them as no-op assertions.
 */
import { describe, expectTypeOf, it } from "vitest";
import * as engine from "../../src/engine/index.js";
import {
  CODES,
  codeName,
  LEAF,
  READ,
  RULE,
  STATUS,
  STATUS_MISSING,
  STATUS_NOT_APPLICABLE,
  STATUS_PENDING,
  STATUS_SCORED,
  type CodeName,
  type CodeTable,
  type RubricArrays,
  type ScoreFrame,
} from "../../src/engine/index.js";
import * as front from "../../src/index.js";
import {
  aggregate,
  createWeights,
  formatFixed,
  nodeScore,
  parseRubric,
  roundHalfUp,
  safeParseRubric,
  scoreBody,
  type AggregateOptions,
  type AggregateTable,
  type BodyInput,
  type BodyScore,
  type CompiledRubric,
  type Contribution,
  type GroupStats,
  type Issue,
  type NodeScore,
  type NodeSource,
  type NodeStats,
  type NodeStatus,
  type RawValue,
  type RubricDocument,
  type SafeParseRubricResult,
  type ScoreOptions,
  type StatName,
  type WeightVector,
} from "../../src/index.js";

describe("ogmetric: statuses and sources are string unions", () => {
  it("NodeStatus and NodeSource are exactly their names", () => {
    expectTypeOf<NodeStatus>().toEqualTypeOf<"scored" | "not_applicable" | "missing">();
    expectTypeOf<NodeSource>().toEqualTypeOf<"input" | "children" | "observations" | "gate" | "policy" | "none">();
    expectTypeOf<NodeScore["status"]>().toEqualTypeOf<NodeStatus>();
    expectTypeOf<NodeScore["source"]>().toEqualTypeOf<NodeSource>();
    expectTypeOf<Contribution["status"]>().toEqualTypeOf<NodeStatus>();
    expectTypeOf<BodyScore["status"]>().toEqualTypeOf<NodeStatus>();
  });

  it("values are number | null, never a bare number that could hide a missing node", () => {
    expectTypeOf<BodyScore["value"]>().toEqualTypeOf<number | null>();
    expectTypeOf<NodeScore["value"]>().toEqualTypeOf<number | null>();
    expectTypeOf<Contribution["value"]>().toEqualTypeOf<number | null>();
    expectTypeOf<Contribution["contribution"]>().toEqualTypeOf<number | null>();
    expectTypeOf<NodeScore["computed"]>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<NodeStats["mean"]>().toEqualTypeOf<number | null>();
    expectTypeOf<NodeStats["sd"]>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<NonNullable<NodeStats["quantiles"]>>().toEqualTypeOf<readonly (number | null)[]>();
  });

  it("results are readonly data", () => {
    expectTypeOf<BodyScore["nodes"]>().toEqualTypeOf<readonly NodeScore[]>();
    expectTypeOf<BodyScore["missingInputs"]>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<BodyScore["issues"]>().toEqualTypeOf<readonly Issue[]>();
    expectTypeOf<BodyScore["rubric"]>().toEqualTypeOf<{ readonly id: string; readonly version: string; readonly hash: string }>();
    expectTypeOf<AggregateTable["groups"]>().toEqualTypeOf<readonly GroupStats[]>();
  });
});

describe("ogmetric: a compiled rubric shows no engine arrays", () => {
  it("CompiledRubric has no typed arrays and no kernel", () => {
    expectTypeOf<CompiledRubric>().not.toHaveProperty("weights");
    expectTypeOf<CompiledRubric>().not.toHaveProperty("childStart");
    expectTypeOf<CompiledRubric>().not.toHaveProperty("childNode");
    expectTypeOf<CompiledRubric>().not.toHaveProperty("evalOrder");
    expectTypeOf<CompiledRubric>().not.toHaveProperty("kernel");
    expectTypeOf<CompiledRubric["index"]>().toEqualTypeOf<ReadonlyMap<string, number>>();
    expectTypeOf<CompiledRubric["nodes"][number]["rule"]>().toEqualTypeOf<"arithmetic" | "geometric" | "minimum">();
    expectTypeOf<CompiledRubric["document"]>().toEqualTypeOf<RubricDocument>();
  });

  it("the front door exports no frames, codes or kernel; the engine door does", () => {
    // One call per name: with a union of names, not.toHaveProperty checks nothing.
    expectTypeOf(front).not.toHaveProperty("evaluateFrame");
    expectTypeOf(front).not.toHaveProperty("createFrame");
    expectTypeOf(front).not.toHaveProperty("BodyScorer");
    expectTypeOf(front).not.toHaveProperty("Aggregator");
    expectTypeOf(front).not.toHaveProperty("STATUS");
    expectTypeOf(front).not.toHaveProperty("CODES");
    expectTypeOf(front).not.toHaveProperty("rubricArrays");
    expectTypeOf(front).not.toHaveProperty("compileRubric");
    expectTypeOf(front).not.toHaveProperty("readScore");
    expectTypeOf(front).toHaveProperty("scoreBody");
    expectTypeOf(engine).toHaveProperty("evaluateFrame");
    expectTypeOf(engine).toHaveProperty("BodyScorer");
    expectTypeOf(engine).toHaveProperty("Aggregator");
    expectTypeOf(engine).toHaveProperty("rubricArrays");
    expectTypeOf<RubricArrays["weights"]>().toEqualTypeOf<Float64Array>();
    expectTypeOf<ScoreFrame["status"]>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<ScoreFrame["value"]>().toEqualTypeOf<Float64Array>();
  });
});

describe("ogmetric/engine: codes have literal types from the one table", () => {
  it("each code is its name's position, as a literal number", () => {
    expectTypeOf(STATUS.pending).toEqualTypeOf<0>();
    expectTypeOf(STATUS.scored).toEqualTypeOf<1>();
    expectTypeOf(STATUS.not_applicable).toEqualTypeOf<2>();
    expectTypeOf(STATUS.missing).toEqualTypeOf<3>();
    expectTypeOf(STATUS_PENDING).toEqualTypeOf<0>();
    expectTypeOf(STATUS_SCORED).toEqualTypeOf<1>();
    expectTypeOf(STATUS_NOT_APPLICABLE).toEqualTypeOf<2>();
    expectTypeOf(STATUS_MISSING).toEqualTypeOf<3>();
    expectTypeOf(RULE.minimum).toEqualTypeOf<2>();
    expectTypeOf(LEAF.linear).toEqualTypeOf<5>();
    expectTypeOf(READ.unknown_level).toEqualTypeOf<6>();
    expectTypeOf<CodeTable<"notApplicable">>().toEqualTypeOf<{ readonly reweight: 0; readonly zero: 1 }>();
  });

  it("names are string unions, and codeName returns one", () => {
    expectTypeOf<CodeName<"status">>().toEqualTypeOf<"pending" | "scored" | "not_applicable" | "missing">();
    expectTypeOf<CodeName<"rule">>().toEqualTypeOf<"arithmetic" | "geometric" | "minimum">();
    expectTypeOf<CodeName<"policy">>().toEqualTypeOf<"missing" | "zero" | "not_applicable">();
    expectTypeOf(codeName("rule", 2)).toEqualTypeOf<"arithmetic" | "geometric" | "minimum">();
    expectTypeOf(CODES.source).toEqualTypeOf<readonly ["none", "input", "children", "observations", "gate", "policy"]>();
    // The front door's status names are the engine's, less the kernel's own "pending".
    expectTypeOf<NodeStatus>().toEqualTypeOf<Exclude<CodeName<"status">, "pending">>();
    expectTypeOf<NodeSource>().toEqualTypeOf<CodeName<"source">>();
  });
});

describe("ogmetric: signatures of scoring, aggregation and rounding", () => {
  it("scoreBody(rubric, input, options?) returns a BodyScore; weights are a WeightVector or numbers", () => {
    expectTypeOf(scoreBody).parameters.toEqualTypeOf<[CompiledRubric, BodyInput, ScoreOptions?]>();
    expectTypeOf(scoreBody).returns.toEqualTypeOf<BodyScore>();
    expectTypeOf<ScoreOptions["weights"]>().toEqualTypeOf<WeightVector | ArrayLike<number> | undefined>();
    expectTypeOf<NonNullable<BodyInput["values"]>>().toEqualTypeOf<Readonly<Record<string, RawValue>>>();
    expectTypeOf<RawValue>().toEqualTypeOf<number | string | null | undefined>();
    expectTypeOf(createWeights).returns.toEqualTypeOf<WeightVector>();
    expectTypeOf(nodeScore).returns.toEqualTypeOf<NodeScore | undefined>();
    // A boolean is not a raw value.
    expectTypeOf<boolean>().not.toMatchTypeOf<RawValue>();
  });

  it("aggregate(scores, options?) returns an AggregateTable; statistics are named", () => {
    expectTypeOf(aggregate).parameters.toEqualTypeOf<[Iterable<BodyScore>, AggregateOptions?]>();
    expectTypeOf(aggregate).returns.toEqualTypeOf<AggregateTable>();
    expectTypeOf<StatName>().toEqualTypeOf<"n" | "mean" | "median" | "sd" | "min" | "max">();
    expectTypeOf<AggregateOptions["order"]>().toEqualTypeOf<"first_seen" | "key" | undefined>();
    expectTypeOf<GroupStats["stateCode"]>().toEqualTypeOf<string | undefined>();
  });

  it("parse and round: the safe form is a discriminated union; rounding is number in, number or text out", () => {
    expectTypeOf(parseRubric).returns.toEqualTypeOf<CompiledRubric>();
    expectTypeOf(safeParseRubric).returns.toEqualTypeOf<SafeParseRubricResult>();
    expectTypeOf<Extract<SafeParseRubricResult, { success: true }>["output"]>().toEqualTypeOf<CompiledRubric>();
    expectTypeOf<Extract<SafeParseRubricResult, { success: false }>["issues"]>().toEqualTypeOf<readonly Issue[]>();
    expectTypeOf(roundHalfUp).toEqualTypeOf<(x: number, decimals: number) => number>();
    expectTypeOf(formatFixed).toEqualTypeOf<(x: number, decimals: number) => string>();
  });
});
