import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatFixed, parseRubric, scoreBody } from "../../src/index.js";

// The example in docs/rubric-format.md is real: it parses and scores as the text says.
const text = readFileSync(new URL("../../docs/rubric-format.md", import.meta.url), "utf8");
const example = text.match(/```json\n([\s\S]*?)\n```/)![1]!;

describe("docs/rubric-format.md example", () => {
  const rubric = parseRubric(example);

  it("scores 0.7917 for the body described in the text", () => {
    const s = scoreBody(rubric, {
      values: { "portal.exists": 1, "portal.items": 3 },
      observations: { requests: [{ answers: 1 }, { answers: 1 }, { answers: 0 }] },
    });
    expect(formatFixed(s.value!, 4)).toBe("0.7917");
  });

  it("applies the gate and the no-observation policy as the text says", () => {
    const gated = scoreBody(rubric, { values: { "portal.exists": 0, "portal.items": 4 }, observations: { requests: [{ answers: 1 }] } });
    expect(gated.nodes.find((n) => n.code === "portal.items")!.value).toBe(0);
    const none = scoreBody(rubric, { values: { "portal.exists": 1, "portal.items": 2 }, observations: { requests: [] } });
    expect(none.nodes.find((n) => n.code === "answers")!.status).toBe("not_applicable");
    expect(none.value).toBeCloseTo(0.75, 15);
  });
});
