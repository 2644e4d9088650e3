import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

/** Whether the run is CI's, where a test that cannot run (missing data, browser or privilege) must fail rather than skip. */
export const IN_CI = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";

/** The published 2017 per-body file, beside the repository (../shared/data), never copied into it. */
export const BSO_PATH = fileURLToPath(new URL("../../shared/data/mga2017-bso.csv", import.meta.url));

/**
 * A suite that needs a data file from ../shared. With the file it runs. Without it, under CI
 * (`CI` set) it FAILS, so a CI run can never pass by quietly skipping the published-data tests;
 * elsewhere (a clone without ../shared) it is skipped with a message.
 * @param name - the suite's name
 * @param file - the data file it needs
 * @param body - the suite
 */
export function dataSuite(name: string, file: string, body: () => void): void {
  const present = existsSync(file);
  if (!present && IN_CI) {
    describe(name, () => {
      it(`needs ${file}`, () => {
        throw new Error(`${file} is absent and CI is set: the published-data tests must run in CI (../shared/data beside the repository)`);
      });
    });
    return;
  }
  if (!present) console.warn(`skipping "${name}": ${file} is absent (it lives in ../shared/data beside the repository, not in it)`);
  describe.skipIf(!present /* outside CI only: under CI the branch above fails instead */)(name, body);
}
