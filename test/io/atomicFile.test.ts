import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AtomicFile, isSameFile } from "../../src/node.js";

const dir = mkdtempSync(join(tmpdir(), "ogmetric-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const temps = () => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("AtomicFile", () => {
  it("writes to a temporary file beside the target and renames it on commit", () => {
    const target = join(dir, "out.csv");
    writeFileSync(target, "old\n");
    const file = AtomicFile.open(target);
    file.write("new ");
    file.write("x".repeat(100_000));
    expect(readFileSync(target, "utf8")).toBe("old\n");
    expect(temps()).toHaveLength(1);
    expect(file.tempPath.startsWith(join(dir, ".out.csv."))).toBe(true);
    file.commit();
    expect(readFileSync(target, "utf8")).toBe(`new ${"x".repeat(100_000)}`);
    expect(temps()).toEqual([]);
    expect(() => file.write("late")).toThrow(/already committed/);
  });

  it("abort (and abortAll) removes the temporary file and leaves the target as it was", () => {
    const target = join(dir, "kept.csv");
    writeFileSync(target, "before\n");
    const a = AtomicFile.open(target);
    a.write("partial");
    a.abort();
    a.abort();
    const b = AtomicFile.open(join(dir, "never.csv"));
    b.write("partial");
    AtomicFile.abortAll();
    expect(readFileSync(target, "utf8")).toBe("before\n");
    expect(existsSync(join(dir, "never.csv"))).toBe(false);
    expect(temps()).toEqual([]);
  });
});

describe("isSameFile", () => {
  it("sees through relative paths, symbolic and hard links, and targets that do not exist yet", () => {
    const a = join(dir, "a.csv");
    writeFileSync(a, "x");
    mkdirSync(join(dir, "sub"));
    symlinkSync(a, join(dir, "sym.csv"));
    linkSync(a, join(dir, "hard.csv"));
    symlinkSync(dir, join(dir, "sub", "up"));
    expect(isSameFile(a, join(dir, "sub", "..", "a.csv"))).toBe(true);
    expect(isSameFile(a, join(dir, "sym.csv"))).toBe(true);
    expect(isSameFile(a, join(dir, "hard.csv"))).toBe(true);
    expect(isSameFile(join(dir, "new.csv"), join(dir, "sub", "up", "new.csv"))).toBe(true);
    expect(isSameFile(a, join(dir, "b.csv"))).toBe(false);
  });
});
