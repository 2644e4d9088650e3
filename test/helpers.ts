import type { RubricDocument, RubricNode } from "../src/index.js";

const P = { status: "verified", source: "test" } as const;

/** A leaf node for test rubrics. */
export function leaf(code: string, input: RubricNode["input"], extra: Partial<RubricNode> = {}): RubricNode {
  return { code, label: { es: code, en: code }, input, provenance: P, ...extra };
}

/** An internal node for test rubrics: children as [code, weight] pairs. */
export function node(code: string, children: [string, number][], extra: Partial<RubricNode> = {}): RubricNode {
  return {
    code,
    label: { es: code, en: code },
    children: children.map(([c, weight]) => ({ code: c, weight })),
    provenance: P,
    ...extra,
  };
}

/** A small valid rubric around the given nodes (root first). */
export function rubricDoc(nodes: RubricNode[], extra: Partial<RubricDocument> = {}): RubricDocument {
  return {
    schemaVersion: 1,
    id: "test",
    version: "1.0.0",
    label: { es: "Prueba", en: "Test" },
    sources: [{ id: "test", citation: "hand-written test rubric" }],
    root: nodes[0]!.code,
    nodes,
    ...extra,
  };
}

/** Deep-freezes a fixture to prove that no input is mutated. */
export function frozen<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}
