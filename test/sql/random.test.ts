/**
 * Random rubrics (every rule, leaf type, policy, gates with chains, views, observation sets, nodes
 * given directly) and random data (valid values in many spellings, empty cells, NA tokens), scored
 * by the compiled SQL in DuckDB and by `scoreBody`: every node of every body must agree.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LeafInput } from "../../src/index.js";
import { compileToSql, type CompileSqlOptions } from "../../src/sql/index.js";
import { bodyInputs, Duck, engineAggregate, engineScores, expectSameAggregate, expectSameScores, type TextTable } from "./helpers.js";
import { drawCell, drawData, drawInvalid, drawRubric, pick, type Draw, type RandomData, type RandomRubric } from "./randomRubric.js";

let table = 0;
/** Long searches: RUNS=2000 SEED=7 npx vitest run test/sql/random.test.ts */
const TIMEOUT = Number(process.env.RUNS ?? 0) > 200 ? 3_600_000 : 60_000;

/** Runs a check; on failure writes the case (rubric, data, SQL) to bench/out for a look, and rethrows. */
async function dumpOnFailure(what: unknown, check: () => Promise<void> | void): Promise<void> {
  try {
    await check();
  } catch (e) {
    if (process.env.OGMETRIC_SQL_DUMP) {
      const { writeFileSync, mkdirSync } = await import("node:fs");
      mkdirSync("bench/out", { recursive: true });
      writeFileSync("bench/out/sql-failure.json", JSON.stringify(what, null, 2));
    }
    throw e;
  }
}

/** Loads the tables (as text, or DOUBLE where `numeric` says so), compiles, runs. */
async function runBoth(db: Duck, r: RandomRubric, data: RandomData, extra: Partial<CompileSqlOptions> = {}, numeric?: (column: string, observations: boolean) => boolean) {
  const name = `t${table++}`;
  const doubles = (t: TextTable, obs: boolean) => new Set(numeric ? t.header.filter((h) => h !== "id" && numeric(h, obs)) : []);
  await db.table(name, data.body, doubles(data.body, false));
  const observations: Record<string, string> = {};
  for (const [set, t] of Object.entries(data.observations)) {
    observations[set] = `${name}_${set}`;
    await db.table(observations[set]!, t, doubles(t, true));
  }
  const options: CompileSqlOptions = { dialect: "duckdb", table: name, observations, nodes: r.given, ...extra };
  const rows = await db.query(compileToSql(r.rubric, options));
  return { rows, options };
}

describe("random rubrics: compileToSql in DuckDB equals scoreBody (fast-check)", () => {
  let db: Duck;
  beforeAll(async () => {
    db = await Duck.open();
  });
  afterAll(() => db.close());

  it("every node of every body, text cells with NA tokens, empty cells and many number spellings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (gen) => {
        const g: Draw = (arb) => gen(() => arb);
        const r = drawRubric(g);
        const data = drawData(g, r, g(fc.integer({ min: 1, max: 8 })), (input) => drawCell(g, input));
        const { rows, options } = await runBoth(db, r, data);
        const scores = engineScores(r.rubric, bodyInputs(r.rubric, data.body, data.observations));
        await dumpOnFailure({ doc: r.doc, given: r.given, data, sql: compileToSql(r.rubric, options), rows, scores }, () => void expectSameScores(r.rubric, options, rows, scores));
      }),
      { seed: Number(process.env.SEED ?? 20170), numRuns: Number(process.env.RUNS ?? 50), endOnFailure: true },
    );
  }, TIMEOUT);

  it("invalid cells: the nodes they reach are invalid (NULL), every other node equals the engine's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (gen) => {
        const g: Draw = (arb) => gen(() => arb);
        const r = drawRubric(g);
        // Whether each cell drawn is invalid, in drawing order: the body's rows first, cell by cell.
        const invalid: boolean[] = [];
        const cell = (input: LeafInput | undefined) => {
          const bad = g(fc.integer({ min: 0, max: 5 })) === 0;
          invalid.push(bad);
          return bad ? drawInvalid(g, input) : drawCell(g, input);
        };
        const data = drawData(g, r, g(fc.integer({ min: 1, max: 6 })), cell);
        const { rows } = await runBoth(db, r, data);
        // The engine reads an unreadable cell as absent (and reports it); the SQL as invalid.
        const scores = engineScores(r.rubric, bodyInputs(r.rubric, data.body, data.observations));
        const { rubric } = r;
        const gated = new Set(rubric.nodes.flatMap((n) => n.gates));
        await dumpOnFailure({ doc: r.doc, given: r.given, data, rows, scores }, () => {
          const bad: string[] = [];
          scores.forEach((score, b) => {
            const row = rows.find((x) => x.id === score.id)!;
            score.nodes.forEach((node) => {
              const status = row[`${node.code}:status`];
              if (status === "invalid") {
                if (row[node.code] !== null) bad.push(`${score.id} ${node.code}: invalid with a value`);
                return;
              }
              const v = row[node.code] as number | null;
              if (status !== node.status || (v === null) !== (node.value === null) || (v !== null && Math.abs(v - node.value!) > 1e-12)) {
                bad.push(`${score.id} ${node.code}: SQL ${String(status)} ${v}, engine ${node.status} ${node.value}`);
              }
            });
            // A cell that does not read makes its own node invalid, unless a sibling's gate forces it.
            data.body.header.forEach((name, c) => {
              if (c === 0 || !invalid[b * (data.body.header.length - 1) + c - 1]) return;
              const code = rubric.nodes[rubric.index.get(name)!]!.code;
              if (!gated.has(code) && row[`${code}:status`] !== "invalid") bad.push(`${score.id} ${code}: cell ${JSON.stringify(data.body.rows[b]![c])} is not invalid`);
            });
          });
          expect(bad.slice(0, 10)).toEqual([]);
        });
      }),
      { seed: Number(process.env.SEED ?? 20173), numRuns: Number(process.env.RUNS ?? 20), endOnFailure: true },
    );
  }, TIMEOUT);

  it("the aggregate query equals aggregate, with every statistic", async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (gen) => {
        const g: Draw = (arb) => gen(() => arb);
        const r = drawRubric(g);
        const data = drawData(g, r, g(fc.integer({ min: 1, max: 12 })), (input) => drawCell(g, input));
        const groups = ["A", " A", "B", ""];
        const keyed: TextTable = { header: [...data.body.header, "grp"], rows: data.body.rows.map((row) => [...row, pick(g, groups)]) };
        const stats = ["median", "sd", "min", "max"] as const;
        const { rows, options } = await runBoth(db, r, { ...data, body: keyed }, { by: ["grp"], stats });
        const scores = engineScores(r.rubric, bodyInputs(r.rubric, keyed, data.observations, {}, ["grp"]));
        const table = engineAggregate(scores, ["grp"], stats);
        await dumpOnFailure({ doc: r.doc, given: r.given, data: keyed, sql: compileToSql(r.rubric, options), rows, table, scores }, () => expectSameAggregate(r.rubric, options, rows, table));
      }),
      { seed: Number(process.env.SEED ?? 20171), numRuns: Number(process.env.RUNS ?? 20), endOnFailure: true },
    );
  }, TIMEOUT);

  it("DOUBLE columns (cells number, cells text, and the ansi dialect run by DuckDB) equal the engine", async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (gen) => {
        const g: Draw = (arb) => gen(() => arb);
        const r = drawRubric(g);
        // Numbers only (and level names for ordinal leaves): a numeric column has no NA token.
        const cell = (input: LeafInput | undefined) => {
          if (g(fc.integer({ min: 0, max: 5 })) === 0) return "";
          const c = drawCell(g, input).trim();
          return input?.type !== "ordinal" && (c === "" || !Number.isFinite(Number(c))) ? "0" : c;
        };
        const data = drawData(g, r, g(fc.integer({ min: 1, max: 6 })), cell);
        // Ordinal leaves are read as text (level names), except a per-observation one given for the body.
        const numeric = (column: string, observations: boolean) => {
          const input = r.rubric.nodes[r.rubric.index.get(column)!]!.input;
          return input?.type !== "ordinal" || (!observations && input.observations !== undefined);
        };
        const scores = engineScores(r.rubric, bodyInputs(r.rubric, data.body, data.observations));
        // ansi cannot write a level name holding a quote.
        const quoted = r.rubric.nodes.some((n) => n.input?.type === "ordinal" && n.input.levels.some((l) => l.value.includes("'")));
        // Text cells on DOUBLE columns take DuckDB's typeof() branch: read as numbers, no round trip.
        const runs: Partial<CompileSqlOptions>[] = [{ dialect: "duckdb", cells: "number" }, { dialect: "duckdb", cells: "text" }, ...(quoted ? [] : [{ dialect: "ansi", cells: "number" } as const])];
        for (const how of runs) {
          await dumpOnFailure({ doc: r.doc, given: r.given, data }, async () => {
            const { rows, options } = await runBoth(db, r, data, how, numeric);
            expectSameScores(r.rubric, options, rows, scores);
          });
        }
      }),
      { seed: Number(process.env.SEED ?? 20172), numRuns: Number(process.env.RUNS ?? 20), endOnFailure: true },
    );
  }, TIMEOUT);
});
