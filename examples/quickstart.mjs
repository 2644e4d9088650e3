// Quick start: load an edition, score three bodies, explain one, aggregate by state.
// Run after `npm install` (which builds dist/): node examples/quickstart.mjs
import { aggregate, formatExplanation, formatFixed, loadEdition, scoreBody } from "../dist/index.js";

const rubric = loadEdition("2017");
const bodies = [
  { id: "A", fields: { state: "Jalisco" }, values: { TG: "0.5556", TC: "0.8", PG: "0.466", PC: "0.2" } },
  {
    id: "B",
    fields: { state: "CDMX" },
    values: { "tg.ai": 1, "tg.tr": 0.5, "tg.tp": 0, "tg.da": 0, "pg.mec": 0, "pc.met": 2, "pc.recep": 1, "pc.act": 0, "pc.cel": 0.5 },
    observations: { citizen_requests: [{ "tc.disp": 1, "tc.clar": 0, "tc.comp": 1, "tc.cel": 1 }, { "tc.disp": 0, "tc.clar": 0, "tc.comp": 0, "tc.cel": 0 }] },
  },
  { id: "C", fields: { state: "Jalisco" }, values: { TG: "0.4" } },
];
// A value is null unless the node was scored: say so, never print a NaN.
const show = (x, decimals) => (x === null ? "missing" : formatFixed(x, decimals));
const scores = bodies.map((b) => scoreBody(rubric, b));
for (const s of scores) console.log(`${s.id}: IGA ${show(s.value, 4)}${s.missingInputs.length ? ` (missing ${s.missingInputs.join(", ")})` : ""}`);
console.log(formatExplanation(rubric, scores[1], { lang: "en" }).split("\n").slice(0, 8).join("\n"));
for (const g of aggregate(scores, { by: ["state"] }).groups) console.log(g.key[0], g.stateCode, `n=${g.nodes[0].n}`, show(g.nodes[0].mean, 2));
