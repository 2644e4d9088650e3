import { resolveState, type CompiledRubric } from "../../index.js";
import { safeParseUncertaintySpec, uncertainty, type UnitUncertainty } from "../../analysis/index.js";
import { analysisCommand, analysisRun, percentName, readAnalysisInput, readSpecFile, runProgress, specOrFail, specWithFlags, writeTable, type Column, type Row } from "../analysisInput.js";
import type { CliIo } from "../io.js";
import type { UncertaintyOptions } from "../options.js";

const COMMAND = "ogmetric uncertainty";

/**
 * `ogmetric uncertainty INPUT.csv`: Monte Carlo uncertainty of every body's (or, with --by, every
 * group's) score and rank under the rubric's uncertain weights, rules, policies and inputs. See
 * docs/cli.md and docs/analysis.md.
 * @returns 0, or 3 when rows were rejected
 * @throws CliError for fatal input errors and invalid specifications (exit 1), UsageError (exit 2)
 */
export function uncertaintyCommand(o: UncertaintyOptions, io: CliIo): Promise<number> {
  const inputs = [o.input, ...o.observations, ...(o.spec ? [o.spec] : [])];
  const prepare = (rubric: CompiledRubric) => {
    const flags: Record<string, unknown> = { runs: o.runs, seed: o.seed, [o.by === undefined ? "top" : "groupTop"]: o.top };
    return specOrFail(COMMAND, o.spec, safeParseUncertaintySpec(specWithFlags(o.spec, readSpecFile(o.spec), flags), rubric));
  };
  return analysisCommand(COMMAND, o, io, inputs, prepare, async ({ rubric, reporter, outputs, rejects }, spec) => {
    const data = await readAnalysisInput(COMMAND, rubric, o, o.by === undefined ? [] : [o.by], rejects, reporter);
    const n = data.ids.length;
    const progress = runProgress(o.progress, reporter, COMMAND.slice(9), spec.runs, "runs", spec.runs * n > 5_000_000);
    reporter.progress = progress;
    const started = Date.now();
    const result = analysisRun(COMMAND, () =>
      uncertainty({ rubric, frames: data.frames, ids: data.ids, groups: data.groups }, spec, { onProgress: (done) => progress?.update(done, done) }),
    );
    progress?.clear();
    reporter.progress = undefined;
    const seconds = (Date.now() - started) / 1000;
    const f = result.factors;
    reporter.line(
      `${COMMAND}: ${spec.runs.toLocaleString("en-US")} runs over ${n.toLocaleString("en-US")} bodies in ${seconds.toFixed(1)} s (seed ${spec.seed}; ${f.weights.filter((w) => w.max > w.min).length} weights varied${f.switches.length > 0 ? `, switches ${f.switches.map((s) => s.name).join(", ")}` : ""}${f.inputs ? `, inputs ±${f.inputs.relative} in ${f.inputs.realizations} realizations` : ""})`,
    );
    for (const issue of result.issues) reporter.line(`${COMMAND}: note: ${issue.message}`);

    const low = percentName(spec.band[0]);
    const high = percentName(spec.band[1]);
    const what = o.by === undefined ? "score" : "mean";
    const k = o.by === undefined ? spec.top : spec.groupTop;
    const stats: Column[] = [
      { name: `nominal_${what}`, round: true },
      { name: `${what}_p50`, round: true },
      { name: `${what}_p${low}`, round: true },
      { name: `${what}_p${high}`, round: true },
      { name: "nominal_rank" },
      { name: "rank_p50" },
      { name: `rank_p${low}` },
      { name: `rank_p${high}` },
      { name: `p_top${k}`, round: true },
      { name: `p_bottom${k}`, round: true },
      { name: "runs_scored" },
    ];
    const cells = (u: UnitUncertainty): Row => ({
      [`nominal_${what}`]: u.nominal.score,
      [`${what}_p50`]: u.score?.median ?? null,
      [`${what}_p${low}`]: u.score?.band[0] ?? null,
      [`${what}_p${high}`]: u.score?.band[1] ?? null,
      nominal_rank: u.nominal.rank,
      rank_p50: u.rank?.median ?? null,
      [`rank_p${low}`]: u.rank?.band[0] ?? null,
      [`rank_p${high}`]: u.rank?.band[1] ?? null,
      [`p_top${k}`]: u.pTop,
      [`p_bottom${k}`]: u.pBottom,
      runs_scored: u.scored,
    });
    let columns: Column[];
    let rows: { row: Row; rank: number | null }[];
    if (o.by === undefined) {
      columns = [{ name: "id" }, ...data.fields.map((x) => ({ name: x.name })), ...stats];
      rows = result.bodies.map((u, b) => ({ row: { id: u.key, ...Object.fromEntries(data.fields.map((x) => [x.name, x.values[b]!])), ...cells(u) }, rank: u.nominal.rank }));
    } else {
      // `by` and `unit` name the grouping and the group: the columns `ogmetric report --uncertainty` reads.
      const key = o.by;
      const state = key === "state";
      columns = [{ name: "by" }, { name: "unit" }, ...(state ? [{ name: "state_code" }] : []), { name: "bodies" }, ...stats];
      rows = result.groups[0]!.units.map((u) => {
        const st = state ? resolveState(u.key) : undefined;
        return { row: { by: key, unit: u.key, ...(state ? { state_code: st?.ok ? st.state.code : "" } : {}), bodies: u.bodies ?? 0, ...cells(u) }, rank: u.nominal.rank };
      });
    }
    if (o.order === "rank") rows = rows.map((r, i) => ({ ...r, i })).sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.i - b.i);
    const out = outputs.open(o.out, io.stdout);
    writeTable(out.sink, o.format, columns, rows.map((r) => r.row), result, { raw: o.raw, round: o.round });
  });
}
