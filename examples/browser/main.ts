/**
 * The browser page: pick a survey (and its observation files), an edition or a rubric of your
 * own, and see the rejects, the line account, the state table, a ranked chart, any body's
 * explanation, and download the scores. Everything runs here, through `ogmetric`'s pure core:
 * `scoreCsv` reads the files as `ogmetric score` does.
 */
import {
  aggregate,
  CsvError,
  CsvWriter,
  formatExplanation,
  formatFixed,
  InputFileError,
  loadEdition,
  parseRubric,
  rankValues,
  resolveState,
  RubricError,
  scoreCsv,
  type AggregateTable,
  type BodyScore,
  type CompiledRubric,
  type ScoredInput,
} from "ogmetric";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const survey = $<HTMLInputElement>("survey");
const observations = $<HTMLInputElement>("observations");
const edition = $<HTMLSelectElement>("edition");
const rubricInput = $<HTMLInputElement>("rubric");
const encoding = $<HTMLSelectElement>("encoding");
const status = $<HTMLSpanElement>("status");
const scoreButton = $<HTMLButtonElement>("score");

/** Files dropped on the page (they take the place of the pickers'). */
const dropped: { survey?: File; observations: File[]; rubric?: File } = { observations: [] };
/** A rubric of one's own, parsed once when picked. */
let ownRubric: CompiledRubric | undefined;
let last: { scored: ScoredInput; byId: Map<string, BodyScore> } | undefined;

function say(text: string, error = false): void {
  status.textContent = text;
  status.className = error ? "error" : "";
}

async function readRubric(file: File): Promise<void> {
  try {
    ownRubric = parseRubric(JSON.parse(await file.text()));
    const own = edition.querySelector<HTMLOptionElement>('option[value="custom"]')!;
    own.disabled = false;
    own.textContent = `Own rubric: ${ownRubric.id} ${ownRubric.version}`;
    edition.value = "custom";
    say(`Rubric ${ownRubric.id} ${ownRubric.version} read from ${file.name}.`);
  } catch (e) {
    ownRubric = undefined;
    const issues = e instanceof RubricError ? e.issues.slice(0, 8).map((i) => `\n  ${i.path}: ${i.message}`).join("") : "";
    say(`${file.name}: not a rubric: ${(e as Error).message}${issues}`, true);
  }
}

rubricInput.addEventListener("change", () => {
  const file = rubricInput.files?.[0];
  if (file) void readRubric(file);
});
survey.addEventListener("change", () => delete dropped.survey);
observations.addEventListener("change", () => (dropped.observations = []));

const drop = $<HTMLDivElement>("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const files = Array.from(e.dataTransfer?.files ?? []);
  const csvs = files.filter((f) => !f.name.toLowerCase().endsWith(".json"));
  const json = files.find((f) => f.name.toLowerCase().endsWith(".json"));
  if (json) void readRubric(json);
  if (csvs.length > 0) {
    dropped.survey = csvs[0]!;
    dropped.observations = csvs.slice(1);
    say(`Survey ${csvs[0]!.name}${csvs.length > 1 ? ` and ${csvs.length - 1} observation file${csvs.length > 2 ? "s" : ""}` : ""} ready: press Score.`);
  }
});

scoreButton.addEventListener("click", () => void run());
$<HTMLButtonElement>("explain").addEventListener("click", () => explain());
$<HTMLInputElement>("body-id").addEventListener("keydown", (e) => {
  if (e.key === "Enter") explain();
});
$<HTMLButtonElement>("download").addEventListener("click", () => download());

function chosenRubric(): CompiledRubric {
  if (edition.value === "custom") {
    if (!ownRubric) throw new TypeError("pick a rubric file first");
    return ownRubric;
  }
  return loadEdition(edition.value);
}

async function run(): Promise<void> {
  const file = dropped.survey ?? survey.files?.[0];
  if (!file) return say("Pick a survey file first.", true);
  const obs = dropped.survey ? dropped.observations : Array.from(observations.files ?? []);
  scoreButton.disabled = true;
  say(`Scoring ${file.name}…`);
  const started = performance.now();
  try {
    const rubric = chosenRubric();
    const scored = await scoreCsv(file, { rubric, encoding: encoding.value, observations: obs });
    last = { scored, byId: new Map(scored.scores.map((s) => [s.id!, s])) };
    show(scored, file.name);
    const rejected = scored.rejects.filter((r) => !r.used).length;
    say(`${scored.scores.length} bodies scored, ${rejected} rows rejected, in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } catch (e) {
    const known = e instanceof InputFileError || e instanceof CsvError || e instanceof TypeError;
    const details = e instanceof InputFileError ? e.details.map((d) => `\n${d}`).join("") : "";
    say(`${known ? "" : "Unexpected error: "}${(e as Error).message}${details}`, true);
  } finally {
    scoreButton.disabled = false;
  }
}

/** A table row of cells; numbers right-aligned, with the unrounded value kept in `data-value`. */
function row(cells: readonly (string | number | { text: string; value: number | null })[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    if (typeof c === "object") {
      td.textContent = c.text;
      td.className = "num";
      td.dataset.value = c.value === null ? "" : String(c.value);
    } else {
      td.textContent = String(c);
      if (typeof c === "number") td.className = "num";
    }
    tr.append(td);
  }
  return tr;
}

function fill(table: string, rows: readonly HTMLTableRowElement[]): void {
  $<HTMLTableElement>(table).tBodies[0]!.replaceChildren(...rows);
}

const REJECTS_SHOWN = 200;

function show(scored: ScoredInput, name: string): void {
  const { rubric } = scored;
  $("result").hidden = false;
  $("rubric-info").textContent = `${name} scored with ${rubric.id} ${rubric.version} (hash ${rubric.hash.slice(0, 12)}).`;
  fill(
    "accounts",
    scored.accounts.map((a) => row([a.file, a.dataLines, a.used, a.rejected, a.blank])),
  );
  $("reject-count").textContent = `(${scored.rejects.length}${scored.rejects.length > REJECTS_SHOWN ? `, first ${REJECTS_SHOWN} shown` : ""})`;
  const none = row(["No row was rejected."]);
  none.firstElementChild!.setAttribute("colspan", "5");
  fill("rejects", scored.rejects.length === 0 ? [none] : scored.rejects.slice(0, REJECTS_SHOWN).map((r) => row([r.file, r.row, r.columnName, r.code, r.reason])));
  $("warnings").textContent = scored.warnings.join("\n");

  const table = aggregate(scored.scores, { by: ["state"] });
  stateTable(table, rubric);
  $("chart").replaceChildren(rankedChart(table, rubric));
  $<HTMLDataListElement>("body-ids").replaceChildren(
    ...scored.scores.slice(0, 5000).map((s) => Object.assign(document.createElement("option"), { value: s.id! })),
  );
  const first = scored.scores[0];
  if (first) {
    $<HTMLInputElement>("body-id").value = first.id!;
    explain();
  }
}

/** Root and its children: the columns of the state table. */
function shownNodes(rubric: CompiledRubric): number[] {
  const root = rubric.nodes[rubric.root]!;
  return [rubric.root, ...root.children.map((c) => rubric.index.get(c.code)!)];
}

function ranked(table: AggregateTable, rubric: CompiledRubric) {
  const at = table.nodes.indexOf(rubric.nodes[rubric.root]!.code);
  const means = table.groups.map((g) => g.nodes[at]!.mean);
  const ranks = rankValues(means);
  return table.groups
    .map((g, i) => ({ g, mean: means[i]!, rank: ranks[i]! }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.g.key[0]! < b.g.key[0]! ? -1 : 1));
}

function stateTable(table: AggregateTable, rubric: CompiledRubric): void {
  const nodes = shownNodes(rubric);
  const cols = nodes.map((i) => table.nodes.indexOf(rubric.nodes[i]!.code));
  const head = document.createElement("tr");
  for (const [text, num] of [["Rank", true], ["State", false], ["Bodies", true], ...nodes.map((i) => [rubric.nodes[i]!.code, true] as const)] as const) {
    const th = document.createElement("th");
    th.textContent = String(text);
    if (num) th.className = "num";
    head.append(th);
  }
  $<HTMLTableElement>("states").tHead!.replaceChildren(head);
  fill(
    "states",
    ranked(table, rubric).map(({ g, rank }) => {
      const tr = row([
        rank ?? "",
        g.key[0] === "" ? "(no state)" : g.key[0]!,
        g.bodies,
        ...cols.map((c) => {
          const mean = g.nodes[c]!.mean;
          return { text: mean === null ? "missing" : formatFixed(mean, 4), value: mean };
        }),
      ]);
      tr.dataset.state = g.key[0]!;
      tr.dataset.n = String(g.nodes[cols[0]!]!.n);
      return tr;
    }),
  );
}

const SVG = "http://www.w3.org/2000/svg";

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A horizontal bar per state, best first, with its mean written at the bar's end. */
function rankedChart(table: AggregateTable, rubric: CompiledRubric): SVGElement {
  const rows = ranked(table, rubric).filter((r) => r.mean !== null);
  const bar = 16;
  const left = 150;
  const width = 560;
  const plot = width - left - 60;
  const top = 24;
  const height = top + rows.length * bar + 8;
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img" });
  const code = rubric.nodes[rubric.root]!.code;
  svg.append(el("title", {}, `States ranked by the mean of ${code}`));
  svg.append(el("text", { x: 0, y: 14, "font-weight": "bold" }, `Mean ${code} by state (0–1)`));
  rows.forEach(({ g, mean, rank }, i) => {
    const y = top + i * bar;
    const w = Math.max(0, Math.min(1, mean!)) * plot;
    svg.append(el("text", { x: left - 6, y: y + bar - 5, "text-anchor": "end" }, `${rank}. ${g.key[0] || "(no state)"}`));
    const rect = el("rect", { x: left, y: y + 2, width: w.toFixed(2), height: bar - 4, fill: "#1f5f8b", "data-state": g.key[0]!, "data-value": String(mean) });
    rect.append(el("title", {}, `${g.key[0]}: ${formatFixed(mean!, 4)}`));
    svg.append(rect);
    svg.append(el("text", { x: left + w + 4, y: y + bar - 5 }, formatFixed(mean!, 2)));
  });
  return svg;
}

function explain(): void {
  if (!last) return;
  const id = $<HTMLInputElement>("body-id").value.trim();
  const body = last.byId.get(id);
  $("explanation").textContent = body ? formatExplanation(last.scored.rubric, body, { lang: "en" }) : `No body with id ${JSON.stringify(id)} was scored.`;
}

/**
 * The scores as `ogmetric score` writes them: identity fields (with the state's canonical name
 * and code beside it), carried columns, the rubric, then every node; text cells neutralised
 * against formula injection by the project's CSV writer.
 */
function download(): void {
  if (!last) return;
  const { scores, rubric } = last.scored;
  const fieldNames = scores.length > 0 ? Object.keys(scores[0]!.fields ?? {}) : [];
  const header = ["id"];
  for (const f of fieldNames) {
    header.push(f);
    if (f === "state") header.push("state_name", "state_code");
  }
  const tag = `${rubric.id}@${rubric.version}#${rubric.hash.slice(0, 12)}`;
  const chunks: string[] = [];
  const out = new CsvWriter({ write: (t) => void chunks.push(t), flush: async () => undefined, buffered: 0 });
  out.writeRow([...header, "rubric", ...rubric.nodes.map((n) => n.code)]);
  for (const s of scores) {
    const cells: (string | number | null)[] = [s.id ?? ""];
    for (const f of fieldNames) {
      const v = s.fields?.[f] ?? "";
      cells.push(v);
      if (f === "state") {
        const r = resolveState(v);
        cells.push(r.ok ? r.state.name : "", r.ok ? r.state.code : "");
      }
    }
    cells.push(tag);
    for (const n of s.nodes) cells.push(n.status === "scored" ? n.value : n.status === "not_applicable" ? "NA" : null);
    out.writeRow(cells);
  }
  const url = URL.createObjectURL(new Blob(chunks, { type: "text/csv;charset=utf-8" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: "scores.csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
