/**
 * How many runs an expensive property makes (the reference evaluator's, the aggregator's, the
 * edition properties: a few seconds each). `npm test` makes them all; the mutation run (which sets
 * OGMETRIC_MUTATION_RUN in test/mutation.vitest.config.ts) repeats every covering property once
 * per mutant, so it makes a quarter (at least 25): a mutant they kill falls in the first runs, and
 * the full count still guards every change through `npm test`. Cheap properties (reading,
 * rounding, sums: well under a second) keep their full count everywhere.
 * @param full - the runs of `npm test`
 */
export function runs(full: number): number {
  return process.env.OGMETRIC_MUTATION_RUN === "1" ? Math.max(25, Math.ceil(full / 4)) : full;
}
