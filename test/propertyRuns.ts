/**
 * How many runs a property makes. `npm test` makes them all; the mutation run (which sets
 * OGMETRIC_MUTATION_RUN in test/mutation.vitest.config.ts) repeats every covering property once
 * per mutant, so it makes a quarter (at least 25): a mutant most properties kill does not need the
 * rest, and the full count still guards every change through `npm test`.
 * @param full - the runs of `npm test`
 */
export function runs(full: number): number {
  return process.env.OGMETRIC_MUTATION_RUN === "1" ? Math.max(25, Math.ceil(full / 4)) : full;
}
