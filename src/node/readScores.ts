import { BodyScorer, createReadSlot, giveInput, readScore, READ_OK, STATUS_MISSING, STATUS_NOT_APPLICABLE, STATUS_SCORED, VALUE_ABSENT, VALUE_NOT_APPLICABLE, VALUE_PRESENT } from "../engine/index.js";
import { EDITIONS, loadEdition } from "../rubric/editions.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import type { BodyScore, NodeStatus } from "../score/scoreBody.js";
import { describeValue } from "../issue.js";
import { CsvReader } from "../io/readCsv.js";
import { ENCODING_NAMES, type CsvEncoding } from "../io/decodeChunks.js";
import { planColumns } from "../cli/columns.js";
import { CliError, UsageError, at } from "../cli/errors.js";
import { detach } from "../cli/idLog.js";
import { scoresTag } from "../cli/loadRubric.js";
import { RejectLog, recordText } from "../cli/rejects.js";
import { Reporter } from "../cli/report.js";
import { asLibraryError, CollectingRejects, lineCollector, type FileAccount, type RowReject } from "./bodyFile.js";

/**
 * Options of `readScores`.
 * @example
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const file = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "scores.csv");
 * writeFileSync(file, "clave,iga\nA,0.35\n");
 * const options: ReadScoresOptions = { edition: "2017", map: { id: "clave" } };
 * (await readScores(file, options)).scores.map((s) => [s.id, s.value, s.status]) // => [["A", 0.35, "scored"]]
 */
export interface ReadScoresOptions {
  /** The rubric that wrote the file; default the built-in edition whose `rubric` tag (id@version#hash) the file carries. */
  readonly rubric?: CompiledRubric;
  readonly edition?: string;
  /** FIELD → COLUMN for identity fields (`{ id: "SO" }`). */
  readonly map?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  readonly encoding?: string;
  readonly delimiter?: string;
}

/**
 * A scores file read back: one result per body, with its rubric.
 * @example
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const file = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "scores.csv");
 * writeFileSync(file, "id,iga,t,p\nA,0.35,0.5,0.2\nB,NA,,\n");
 * const s: ScoresFile = await readScores(file, { rubric });
 * [s.file === file, s.rubric.id, s.rejects, s.warnings]; // => [true, "mga-2017", [], []]
 * s.scores.map((x) => [x.id, x.value, x.status]); // => [["A", 0.35, "scored"], ["B", null, "not_applicable"]]
 * s.accounts.map((a) => [a.dataLines, a.used]) // => [[2, 2]]
 */
export interface ScoresFile {
  readonly file: string;
  readonly rubric: CompiledRubric;
  /** One result per row, in file order, as `scoreBody` returns them (contributions recomputed from the values). */
  readonly scores: BodyScore[];
  /** Rows not used, with file, row, column and reason. */
  readonly rejects: RowReject[];
  readonly warnings: string[];
  readonly accounts: FileAccount[];
}

/** Columns `score` writes itself beside the identity fields, not carried as fields. */
const DERIVED = new Set(["rubric", "rank", "state_name", "state_code"]);
const STATUS_NAMES: Record<number, NodeStatus> = { [VALUE_PRESENT]: "scored", [VALUE_NOT_APPLICABLE]: "not_applicable", [VALUE_ABSENT]: "missing" };

/**
 * Reads a file written by `ogmetric score` (per-body rows) back into results: each row's node
 * values (a score in [0, 1], `NA`, or empty for missing) are given to the rubric's nodes and the
 * body is evaluated again, so each result carries the shares and contributions that comparisons
 * and explanations need, with the file's values unchanged. A body whose recomputed statuses differ
 * from the file's (a node empty in the file that the rubric's policies would score) keeps the
 * file's values and gets no contributions; comparisons then give it no attribution.
 *
 * The rubric is the one given, else the built-in edition whose tag the `rubric` column carries;
 * every row must carry the same tag. A header-only file gives no results.
 * @param path - the scores file (CSV)
 * @param options - rubric, identity-field map, encoding, delimiter
 * @returns the results with their rubric (a `ScoreSet`), rejects, warnings and the row account
 * @throws InputFileError for a file that cannot be used (no id, an id used twice, no node column,
 *   an unknown rubric tag, two tags), CsvError for an unreadable file
 * @example
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * // A scores file as `ogmetric score` writes it: the rubric column tags each row with id@version#hash.
 * const file = join(mkdtempSync(join(tmpdir(), "ogmetric-")), "scores-2017.csv");
 * const tag = `${rubric.id}@${rubric.version}#${rubric.hash.slice(0, 12)}`;
 * writeFileSync(file, `id,name,rubric,iga,t,p\nA,Instituto A,${tag},0.35,0.5,0.2\n`);
 * const s = await readScores(file);
 * s.rubric.id // => "mga-2017"
 * s.scores.map((x) => [x.id, x.fields, x.value]) // => [["A", { name: "Instituto A" }, 0.35]]
 */
export async function readScores(path: string, options: ReadScoresOptions = {}): Promise<ScoresFile> {
  const warnings: string[] = [];
  const reporter = new Reporter(lineCollector(warnings), Number.POSITIVE_INFINITY);
  const rejects = new CollectingRejects(undefined, true, new Reporter(lineCollector([]), 0));
  try {
    return await readScoresWith(path, options, rejects, reporter, warnings);
  } catch (e) {
    throw asLibraryError(e, "readScores");
  }
}

/** The reading itself, with the CLI's reject log and reporter (`ogmetric compare --scores`). */
export async function readScoresWith(path: string, options: ReadScoresOptions, rejects: RejectLog & { readonly list?: RowReject[] }, reporter: Reporter, warnings: string[] = []): Promise<ScoresFile> {
  const encoding = options.encoding === undefined ? "utf8" : ENCODING_NAMES.get(options.encoding.toLowerCase());
  if (encoding === undefined) throw new UsageError("readScores", `encoding: expected utf8, latin1 or windows-1252, found ${JSON.stringify(options.encoding)}`);
  const csv = await CsvReader.open(path, { encoding: encoding as CsvEncoding, delimiter: options.delimiter ?? ",", name: path });
  try {
    const header = csv.header;
    const rubricCol = header.indexOf("rubric");
    let rubric = options.rubric ?? (options.edition !== undefined ? loadEdition(options.edition) : undefined);
    const scores: BodyScore[] = [];
    let tag: string | undefined;
    let lastRow = 1;
    let plan: ReturnType<typeof planColumns> | undefined;
    let scorer: BodyScorer | undefined;
    const slot = createReadSlot();
    const seen = new Map<string, number>();
    for await (const batch of csv) {
      const { rows, firstRow, problems } = batch;
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const rowNo = firstRow + r;
        if (!rejects.screen(path, rowNo, row, problems?.get(r), header, csv.delimiter)) continue;
        if (rubricCol >= 0) {
          const t = row[rubricCol]!;
          if (tag === undefined) {
            tag = detach(t);
            if (rubric === undefined) rubric = builtInFor(tag, path, rowNo, rubricCol);
            else if (scoresTag(rubric) !== tag) throw new CliError(`${at(path, rowNo, rubricCol + 1)}rubric ${JSON.stringify(tag)} is not the rubric given (${scoresTag(rubric)})`);
          } else if (t !== tag) throw new CliError(`${at(path, rowNo, rubricCol + 1)}rubric ${JSON.stringify(t)} differs from the first row's ${JSON.stringify(tag)}: one rubric per scores file`);
        }
        if (rubric === undefined) throw new CliError(`${at(path, 1)}no "rubric" column naming the rubric that wrote the scores: give the rubric (--edition, --rubric)`);
        if (plan === undefined || scorer === undefined) {
          const r0 = rubric;
          plan = planColumns(path, header, {
            command: "readScores",
            maps: options.map === undefined ? [] : Array.isArray(options.map) ? (options.map as readonly (readonly [string, string])[]) : Object.entries(options.map),
            nodeOf: (name) => r0.index.get(name),
            requireId: true,
          });
          for (const w of plan.warnings) reporter.line(w);
          if (plan.valueCols.length === 0) throw new CliError(`${at(path, 1)}no column names a node of ${rubric.id}; is this a scores file of that rubric?`);
          scorer = new BodyScorer(rubric, { explain: true });
        }
        const id = row[plan.idCol]!;
        if (id.trim() === "") {
          rejects.add(path, rowNo, plan.idCol + 1, header[plan.idCol]!, "missing_id", "the id is empty", recordText(row, csv.delimiter));
          continue;
        }
        const first = seen.get(id);
        if (first !== undefined) throw new CliError(`${at(path, rowNo, plan.idCol + 1)}id ${JSON.stringify(id)} is used again (first in row ${first}); ids must be unique`);
        seen.set(detach(id), rowNo);
        const { valueCols, valueNodes } = plan;
        scorer.begin();
        const given = new Uint8Array(rubric.size);
        const fileValue = new Float64Array(rubric.size);
        const fileErr = new Float64Array(rubric.size);
        let reasons: string | undefined;
        let badCol = -1;
        for (let k = 0; k < valueCols.length; k++) {
          const col = valueCols[k]!;
          const node = valueNodes[k]!;
          if (readScore(row[col], slot) !== READ_OK) {
            reasons = `${reasons === undefined ? "" : `${reasons}; `}column ${JSON.stringify(header[col])}: expected a score from 0 to 1, NA or an empty cell, found ${describeValue(row[col])}`;
            if (badCol < 0) badCol = col;
            continue;
          }
          given[node] = slot.kind;
          fileValue[node] = slot.value;
          fileErr[node] = slot.err;
          // Leaves first; a node with children is given only where its children do not give its value.
          if (rubric.nodes[node]!.children.length === 0) giveInput(scorer.frame, node, slot);
        }
        if (reasons !== undefined) {
          rejects.add(path, rowNo, badCol + 1, header[badCol]!, "invalid_score", reasons, recordText(row, csv.delimiter));
          continue;
        }
        evaluateAgainst(scorer, valueNodes, given, fileValue, fileErr, slot);
        const fields: Record<string, string> = Object.create(null);
        for (const { field, col } of plan.identity) if (field !== "id") fields[field] = detach(row[col]!);
        for (const col of plan.passthrough) if (!DERIVED.has(header[col]!)) fields[header[col]!] = detach(row[col]!);
        const result = scorer.result({ id: detach(id), fields }, []);
        // The file's statuses must come back: a node left empty that a policy would score cannot
        // be explained from the file, so such a body keeps the file's values without contributions.
        const mismatch = valueNodes.some((node) => result.nodes[node]!.status !== STATUS_NAMES[given[node]!]);
        scores.push(mismatch ? fileOnly(result, rubric, valueNodes, given, fileValue) : { ...result, warnings: [] });
      }
      lastRow = firstRow + rows.length - 1;
      await rejects.flush();
    }
    if (rubric === undefined) throw new CliError(`${at(path, 1)}no rows, and no rubric given: the rubric of the scores is unknown`);
    const rejected = rejects.rejectedIn(path);
    const blank = rejects.blankIn(path);
    const accounts: FileAccount[] = [{ file: path, dataLines: lastRow - 1, used: scores.length, rejected, blank }];
    return { file: path, rubric, scores, rejects: rejects.list ?? [], warnings, accounts };
  } finally {
    csv.close();
  }
}

/** Values closer than this count as the same (the file holds them at full precision). */
const SAME = 1e-12;

/**
 * Evaluates a body given its leaves, then gives directly, deepest first, each node whose value the
 * subtree does not reproduce (a node given directly when the file was scored, or one whose
 * children are missing from the file), until every node of the file agrees or none is left to give.
 */
function evaluateAgainst(scorer: BodyScorer, valueNodes: Int32Array, given: Uint8Array, fileValue: Float64Array, fileErr: Float64Array, slot: ReturnType<typeof createReadSlot>): void {
  const rubric = scorer.rubric;
  const { status, value, inKind } = scorer.frame;
  for (;;) {
    scorer.evaluate();
    let deepest = -1;
    const wrong: number[] = [];
    for (const node of valueNodes) {
      if (inKind[node] !== VALUE_ABSENT || rubric.nodes[node]!.children.length === 0) continue;
      const want = given[node]!;
      const ok = want === VALUE_PRESENT ? status[node] === STATUS_SCORED && Math.abs(value[node]! - fileValue[node]!) <= SAME : want === VALUE_NOT_APPLICABLE ? status[node] === STATUS_NOT_APPLICABLE : status[node] === STATUS_MISSING;
      if (ok || want === VALUE_ABSENT) continue;
      const depth = rubric.nodes[node]!.depth;
      if (depth > deepest) {
        deepest = depth;
        wrong.length = 0;
      }
      if (depth === deepest) wrong.push(node);
    }
    if (wrong.length === 0) return;
    for (const node of wrong) {
      slot.kind = given[node]!;
      slot.value = fileValue[node]!;
      slot.err = fileErr[node]!;
      giveInput(scorer.frame, node, slot);
    }
  }
}

/** The built-in edition whose scores carry this tag. */
function builtInFor(tag: string, path: string, rowNo: number, col: number): CompiledRubric {
  for (const e of EDITIONS) {
    const r = loadEdition(e);
    if (scoresTag(r) === tag) return r;
  }
  throw new CliError(`${at(path, rowNo, col + 1)}rubric ${JSON.stringify(tag)} is not a built-in edition (${EDITIONS.map((e) => scoresTag(loadEdition(e))).join(", ")}): give the rubric file (--rubric)`);
}

/** A result holding the file's values and statuses as they are, without contributions. */
function fileOnly(result: BodyScore, rubric: CompiledRubric, valueNodes: Int32Array, given: Uint8Array, fileValue: Float64Array): BodyScore {
  const inFile = new Set(valueNodes);
  const nodes = result.nodes.map((n, i) => {
    const { contributions: _c, ...rest } = n;
    if (!inFile.has(i)) return { ...rest, status: "missing" as const, value: null, source: "none" as const };
    const status = STATUS_NAMES[given[i]!]!;
    return { ...rest, status, value: status === "scored" ? fileValue[i]! : null, source: status === "missing" ? ("none" as const) : ("input" as const) };
  });
  return {
    ...result,
    nodes,
    value: nodes[rubric.root]!.value,
    status: nodes[rubric.root]!.status,
    warnings: [],
    issues: [{ code: "not_reconstructed", path: rubric.nodes[rubric.root]!.code, message: "the file's statuses cannot be recomputed from its values (a node left empty that the rubric's policies would score); its values are kept as they are, without contributions" }],
  };
}
