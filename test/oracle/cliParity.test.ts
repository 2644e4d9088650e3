/**
 * Parity of the two doors: `ogmetric score FILE --rubric R.json --observations ... --format csv`
 * gives, for every body, the statuses and values `scoreBody` gives the same cells, node by node
 * (an `NA` cell is not applicable, an empty one missing, a number the value to the last bit). Random
 * rubrics (./arbitraries.ts) are written to a temporary file, random bodies to a leaf-level CSV
 * with one observation file per set. A row the CLI rejects is one whose values scoreBody reports
 * as issues; the exit code says whether anything was rejected. Each run spawns the built CLI
 * (`npx tsup`, as `npm test` does), so the number of runs is modest. `--allow-missing`: a drawn
 * file may leave out every cell of a leaf, which scoreBody scores (as missing) and the CLI refuses
 * by default (exit 2, naming the leaf) before reading a row.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseRubric, scoreBody, type BodyScore, type RawValue } from "../../src/index.js";
import { cli, records, tempDir } from "../cli/helpers.js";
import { bodyArb, rubricArb, type Drawn, type DrawnBody } from "./arbitraries.js";

const t = tempDir();
afterAll(t.cleanup);

/** A cell as a file holds it: absent and null are empty, numbers as JavaScript writes them. */
const cell = (raw: RawValue): string => (raw === null || raw === undefined ? "" : String(raw));

/** RFC 4180: quote a field holding a comma, a quote, CR or LF. */
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const csvLine = (fields: readonly string[]) => fields.map(csvField).join(",");

interface Files {
  readonly input: string;
  readonly observations: readonly { set: string; text: string }[];
  /** The same bodies as scoreBody inputs: cell texts by column header. */
  readonly bodies: readonly { id: string; values: Record<string, string>; observations: Record<string, Record<string, string>[]> }[];
}

/** Writes drawn bodies as files: one header per node (its code or, if it has one, its alias). */
function toFiles(drawn: Drawn, bodies: readonly DrawnBody[], useAlias: readonly boolean[]): Files {
  const header = new Map<string, string>();
  const codeOf = new Map<string, string>();
  drawn.nodes.forEach((n, i) => {
    header.set(n.code, n.alias !== undefined && useAlias[i % useAlias.length] ? n.alias : n.code);
    codeOf.set(n.code, n.code);
    if (n.alias !== undefined) codeOf.set(n.alias, n.code);
  });
  const asCells = (row: Record<string, RawValue>) => {
    const out: Record<string, string> = {};
    for (const [key, raw] of Object.entries(row)) {
      const code = codeOf.get(key);
      if (code !== undefined) out[header.get(code)!] = cell(raw);
    }
    return out;
  };
  const files = bodies.map((b, i) => ({
    id: `b${i}`,
    values: asCells(b.values),
    observations: Object.fromEntries(Object.entries(b.observations).map(([set, rows]) => [set, rows.map(asCells)])),
  }));
  const columns = drawn.nodes.map((n) => header.get(n.code)!).filter((h) => files.some((f) => h in f.values));
  const input = [csvLine(["id", ...columns]), ...files.map((f) => csvLine([f.id, ...columns.map((c) => f.values[c] ?? "")]))].join("\n") + "\n";
  const observations = drawn.sets
    .filter((s) => s.leaves.length > 0)
    .map((s) => {
      const cols = s.leaves.map((l) => header.get(l)!);
      const rows = files.flatMap((f) => (f.observations[s.id] ?? []).map((row) => csvLine([f.id, ...cols.map((c) => row[c] ?? "")])));
      return { set: s.id, text: [csvLine(["id", ...cols]), ...rows].join("\n") + "\n" };
    });
  return { input, observations, bodies: files };
}

/** A CSV cell of the CLI's output read back as a status and value. */
function readCell(text: string): [string, number | null] {
  if (text === "") return ["missing", null];
  if (text === "NA") return ["not_applicable", null];
  return ["scored", Number(text)];
}

describe("the CLI's per-body output equals scoreBody", () => {
  it("node by node and status by status, on random rubrics, leaf-level files and observation files", () => {
    let run = 0;
    fc.assert(
      fc.property(
        rubricArb.chain((drawn) =>
          fc.tuple(
            fc.constant(drawn),
            // Mostly bodies whose every cell reads (NA and blanks included), some with bad cells.
            fc.array(fc.oneof({ weight: 3, arbitrary: bodyArb(drawn, { clean: true }) }, { weight: 1, arbitrary: bodyArb(drawn) }), { minLength: 1, maxLength: 5 }),
            fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
          ),
        ),
        ([drawn, bodies, useAlias]) => {
          const dir = `run${run++}`;
          const files = toFiles(drawn, bodies, useAlias);
          const rubric = parseRubric(drawn.doc);
          const args = ["score", t.file(`${dir}-input.csv`, files.input), "--rubric", t.file(`${dir}-rubric.json`, JSON.stringify(drawn.doc)), "--format", "csv", "--allow-missing"];
          for (const o of files.observations) args.push("--observations", t.file(`${dir}-${o.set}.csv`, o.text));
          const result = cli(args, t.dir);

          const expected: { id: string; score: BodyScore }[] = files.bodies.map((b) => ({ id: b.id, score: scoreBody(rubric, { id: b.id, values: b.values, observations: b.observations }) }));
          // The CLI rejects a row whose values cannot be read; scoreBody reports them as issues of `values`.
          const kept = expected.filter((e) => !e.score.issues.some((i) => !i.path.includes("[")));
          const anyRejected = expected.some((e) => e.score.issues.length > 0);
          expect(result.code, result.stderr).toBe(anyRejected ? 3 : 0);
          const rows = records(result.stdout);
          expect(rows.map((r) => r.id)).toEqual(kept.map((k) => k.id));
          rows.forEach((row, i) => {
            const s = kept[i]!.score;
            expect(row.rubric).toBe(`${rubric.id}@${rubric.version}#${rubric.hash.slice(0, 12)}`);
            for (const n of s.nodes) expect(readCell(row[n.code]!), `${row.id} ${n.code}: ${row[n.code]}`).toEqual([n.status, n.value]);
          });
        },
      ),
      { seed: 2019, numRuns: 30 },
    );
  });
});
