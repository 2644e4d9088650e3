/**
 * How many runs an expensive property makes (the reference evaluator's, the aggregator's, the
 * edition properties: a few seconds each). `npm test` makes them all; the mutation run (which sets
 * OGMETRIC_MUTATION_RUN in test/mutation.vitest.config.ts) repeats every covering property once
 * per mutant, so it makes an eighth (at least 12; a quarter, at least 25, took over two hours on two
 * shared cores after the merge of main): a mutant they kill falls in the first runs, and
 * the full count still guards every change through `npm test`. Cheap properties (reading,
 * rounding, sums: well under a second) keep their full count everywhere.
 * @param full - the runs of `npm test`
 */
export function runs(full: number): number {
  return process.env.OGMETRIC_MUTATION_RUN === "1" ? Math.max(12, Math.ceil(full / 8)) : full;
}
