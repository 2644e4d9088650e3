import { safeParseSensitivitySpec, sensitivity, type SensitivityOutput } from "../../analysis/index.js";
import type { CompiledRubric } from "../../index.js";
import { analysisCommand, analysisRun, readAnalysisInput, readSpecFile, runProgress, specOrFail, specWithFlags, writeTable, type Column, type Row } from "../analysisInput.js";
import type { CliIo } from "../io.js";
import type { SensitivityOptions } from "../options.js";

const COMMAND = "ogmetric sensitivity";

/**
 * `ogmetric sensitivity INPUT.csv`: Sobol' indices of every body's rank (or, with --by, every
 * group's mean) over the rubric's uncertain assumptions: which of them drives the uncertainty.
 * See docs/cli.md and docs/analysis.md.
 * @returns 0, or 3 when rows were rejected
 * @throws CliError for fatal input errors and invalid specifications (exit 1), UsageError (exit 2)
 */
export function sensitivityCommand(o: SensitivityOptions, io: CliIo): Promise<number> {
  const inputs = [o.input, ...o.observations, ...(o.spec ? [o.spec] : [])];
  const prepare = (rubric: CompiledRubric) => {
    const base = specWithFlags(o.spec, readSpecFile(o.spec), { n: o.n, seed: o.seed, factors: o.factors, bootstrap: o.bootstrap, ids: o.id });
    // What is measured follows --by: every group's mean (and no body), or every body's rank.
    if (o.by !== undefined) base.bodies ??= "none";
    else base.groups = "none";
    return specOrFail(COMMAND, o.spec, safeParseSensitivitySpec(base, rubric));
  };
  return analysisCommand(COMMAND, o, io, inputs, prepare, async ({ rubric, reporter, outputs, rejects }, spec) => {
    const data = await readAnalysisInput(COMMAND, rubric, o, o.by === undefined ? [] : [o.by], rejects, reporter);
    const started = Date.now();
    let progress: ReturnType<typeof runProgress>;
    const result = analysisRun(COMMAND, () =>
      sensitivity({ rubric, frames: data.frames, ids: data.ids, groups: data.groups }, spec, {
        onProgress: (done, total) => {
          progress ??= runProgress(o.progress, reporter, COMMAND.slice(9), total, "points", total * data.ids.length > 5_000_000);
          reporter.progress = progress;
          progress?.update(done, done);
        },
      }),
    );
    progress?.clear();
    reporter.progress = undefined;
    const seconds = (Date.now() - started) / 1000;
    reporter.line(
      `${COMMAND}: n = ${spec.n}, ${result.evaluations.toLocaleString("en-US")} scorings of ${data.ids.length.toLocaleString("en-US")} bodies in ${seconds.toFixed(1)} s (seed ${spec.seed}; factors ${result.factors.map((f) => f.name).join(", ")})`,
    );
    for (const issue of result.issues) reporter.line(`${COMMAND}: note: ${issue.message}`);

    const intervals = spec.bootstrap > 0;
    const factorColumns: Column[] = result.factors.flatMap((f) => [
      { name: `${f.name}:first`, round: true },
      ...(intervals ? [{ name: `${f.name}:first_low`, round: true }, { name: `${f.name}:first_high`, round: true }] : []),
      { name: `${f.name}:total`, round: true },
      ...(intervals ? [{ name: `${f.name}:total_low`, round: true }, { name: `${f.name}:total_high`, round: true }] : []),
    ]);
    const columns: Column[] = [{ name: "kind" }, { name: "key" }, { name: "measure" }, { name: "mean", round: true }, { name: "variance", round: true }, ...factorColumns];
    const indices = (first: readonly (number | null)[], total: readonly (number | null)[], x?: SensitivityOutput): Record<string, number | null> => {
      const cells: Record<string, number | null> = {};
      result.factors.forEach((f, i) => {
        cells[`${f.name}:first`] = first[i] ?? null;
        cells[`${f.name}:total`] = total[i] ?? null;
        if (intervals) {
          cells[`${f.name}:first_low`] = x?.firstInterval[i]?.[0] ?? null;
          cells[`${f.name}:first_high`] = x?.firstInterval[i]?.[1] ?? null;
          cells[`${f.name}:total_low`] = x?.totalInterval[i]?.[0] ?? null;
          cells[`${f.name}:total_high`] = x?.totalInterval[i]?.[1] ?? null;
        }
      });
      return cells;
    };
    const listed = result.outputs.filter((x) => x.kind !== "group" || x.by === o.by);
    const rows: Row[] = listed.map((x) => ({ kind: x.kind, key: x.key, measure: x.measure, mean: x.mean, variance: x.variance, ...indices(x.first, x.total, x) }));
    for (const s of result.summary) {
      rows.push({ kind: "mean", key: s.outputs, measure: s.outputs === "bodies" ? result.outputs.find((x) => x.kind === "body")?.measure ?? "rank" : spec.groups, mean: null, variance: null, ...indices(s.first, s.total) });
    }
    const out = outputs.open(o.out, io.stdout);
    writeTable(out.sink, o.format, columns, rows, result, { raw: o.raw, round: o.round });
  });
}
