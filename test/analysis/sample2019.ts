import Papa from "papaparse";
import { readFileSync } from "node:fs";
import { loadEdition, type BodyInput } from "../../src/index.js";

const csv = (f: string) => Papa.parse<Record<string, string>>(readFileSync(new URL(`../../fixtures/${f}`, import.meta.url), "utf8"), { header: true, skipEmptyLines: true }).data;

/** The 2019 sample's first `count` bodies as scoreBody inputs (values, both observation sets, fields). */
export function sample2019(count: number): BodyInput[] {
  const rubric = loadEdition("2019");
  const observations = new Map<string, Record<string, Record<string, string>[]>>();
  const files: Record<string, string> = { citizen_requests: "mga2019-sample-requests.csv", request_records: "mga2019-sample-records.csv" };
  for (const set of rubric.observationSets) {
    for (const row of csv(files[set.id]!)) {
      const { id, request: _request, ...cells } = row;
      const sets = observations.get(id!) ?? {};
      (sets[set.id] ??= []).push(cells);
      observations.set(id!, sets);
    }
  }
  return csv("mga2019-sample.csv")
    .slice(0, count)
    .map(({ id, name, state, level, type, ...values }) => ({ id: id!, fields: { name: name!, state: state!, level: level!, type: type! }, values, observations: observations.get(id!) ?? {} }));
}

