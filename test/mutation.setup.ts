/**
 * Setup of the mutation run only (test/mutation.vitest.config.ts): a property that fails has
 * killed its mutant, so fast-check stops at the first counterexample instead of shrinking it (which
 * can take hundreds of runs per mutant). Test files that set their own global parameters keep this
 * one (`fc.configureGlobal({ ...fc.readConfigureGlobal(), seed, numRuns })`).
 */
import fc from "fast-check";

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
