import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeTarget } from "../../src/io/atomicFile.js";
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

  it("keeps every byte of pieces of any size and script, across its buffer's edges", () => {
    const target = join(dir, "pieces.csv");
    const file = AtomicFile.open(target);
    // Small pieces that fill the buffer unevenly, multi-byte characters (2, 3 and 4 bytes in
    // UTF-8) across its edges, and a piece larger than the whole buffer.
    const pieces: string[] = [];
    for (let i = 0; i < 30_000; i++) pieces.push(i % 7 === 0 ? `Querétaro,€${i},😀\n` : `B${i},0.${i}\n`, "😀".repeat(1 + (i % 13)), "€".repeat(i % 5));
    pieces.splice(12_345, 0, "ñ€😀".repeat(150_000));
    for (const p of pieces) file.write(p);
    file.commit();
    expect(readFileSync(target, "utf8")).toBe(pieces.join(""));
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

describe("AtomicFile: several files committed together", () => {
  it("prepare writes and syncs every temporary file without touching a target; publish renames", () => {
    const a = join(dir, "together-a.csv");
    const b = join(dir, "together-b.csv");
    writeFileSync(a, "old a\n");
    const fa = AtomicFile.open(a);
    const fb = AtomicFile.open(b);
    fa.write("new a\n");
    fb.write("new b\n");
    fa.prepare();
    fb.prepare();
    expect(readFileSync(a, "utf8")).toBe("old a\n");
    expect(existsSync(b)).toBe(false);
    expect(readFileSync(fa.tempPath, "utf8")).toBe("new a\n");
    expect(() => fa.write("late")).toThrow(/already prepared/);
    fa.publish();
    fb.publish();
    expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toEqual(["new a\n", "new b\n"]);
    expect(temps()).toEqual([]);
  });

  it("abortAll after a prepare deletes the prepared temporary files too", () => {
    const f = AtomicFile.open(join(dir, "prepared-then-aborted.csv"));
    f.write("x");
    f.prepare();
    AtomicFile.abortAll();
    expect(existsSync(join(dir, "prepared-then-aborted.csv"))).toBe(false);
    expect(temps()).toEqual([]);
  });

  it("keeps the mode of the file it replaces (0640), and a replacement's temporary file is 0600 until then", () => {
    const target = join(dir, "mode.csv");
    writeFileSync(target, "old");
    chmodSync(target, 0o640);
    const f = AtomicFile.open(target);
    expect(statSync(f.tempPath).mode & 0o777).toBe(0o600);
    f.write("new");
    f.commit();
    expect(statSync(target).mode & 0o7777).toBe(0o640);
    expect(readFileSync(target, "utf8")).toBe("new");
  });

  it("a new file gets 0666 less the umask, also when the file it was to replace went away during the run", () => {
    const expected = 0o666 & ~process.umask();
    const fresh = AtomicFile.open(join(dir, "fresh.csv"));
    fresh.commit();
    expect(statSync(join(dir, "fresh.csv")).mode & 0o777).toBe(expected);
    const gone = join(dir, "gone.csv");
    writeFileSync(gone, "old");
    chmodSync(gone, 0o600);
    const f = AtomicFile.open(gone);
    rmSync(gone);
    f.commit();
    expect(statSync(gone).mode & 0o777).toBe(expected);
  });

  it("writes through a symbolic link: the file it points to is replaced, the link stays", () => {
    mkdirSync(join(dir, "deep"));
    writeFileSync(join(dir, "deep", "real.csv"), "old");
    symlinkSync("deep/real.csv", join(dir, "via.csv"));
    symlinkSync("via.csv", join(dir, "via2.csv"));
    const f = AtomicFile.open(join(dir, "via2.csv"));
    expect(f.target).toBe(join(dir, "deep", "real.csv"));
    expect(f.tempPath.startsWith(join(dir, "deep", ".real.csv."))).toBe(true);
    f.write("new");
    f.commit();
    expect(lstatSync(join(dir, "via2.csv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "deep", "real.csv"), "utf8")).toBe("new");
  });
});

describe("writeTarget", () => {
  it("says what writing a path would change, following links, and what must be written in place", () => {
    writeFileSync(join(dir, "plain.csv"), "x");
    symlinkSync("plain.csv", join(dir, "to-plain.csv"));
    symlinkSync("/proc/self/fd/1", join(dir, "to-stdout"));
    symlinkSync("loop-b", join(dir, "loop-a"));
    symlinkSync("loop-a", join(dir, "loop-b"));
    spawnSync("mkfifo", [join(dir, "fifo")]);
    expect(writeTarget(join(dir, "absent.csv"))).toMatchObject({ path: join(dir, "absent.csv"), kind: "absent", inPlace: false });
    expect(writeTarget(join(dir, "to-plain.csv"))).toMatchObject({ path: join(dir, "plain.csv"), kind: "file", inPlace: false });
    expect(writeTarget(dir)).toMatchObject({ kind: "directory", inPlace: false });
    expect(writeTarget(join(dir, "fifo"))).toMatchObject({ kind: "fifo", inPlace: true });
    expect(writeTarget(join(dir, "to-stdout"))).toMatchObject({ path: "/proc/self/fd/1", inPlace: true });
    expect(() => writeTarget(join(dir, "loop-a"))).toThrow(/ELOOP/);
    expect(() => AtomicFile.open(join(dir, "fifo"))).toThrow(new TypeError(`AtomicFile.open: ${join(dir, "fifo")} is a fifo, which cannot be replaced by a rename; write to it directly`));
    expect(() => AtomicFile.open(dir)).toThrow(TypeError);
  });
});

describe("AtomicFile.clearStale", () => {
  it("deletes the temporary files of dead processes for that target only, and nothing else", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const pid = Number(dead.stdout);
    const sub = join(dir, "stale");
    mkdirSync(sub);
    const names = {
      deadOurs: `.s.csv.${pid}.0badc0de.tmp`,
      live: `.s.csv.${process.pid}.0badc0de.tmp`,
      otherTarget: `.s.csv.bak.${pid}.0badc0de.tmp`,
      upperHex: `.s.csv.${pid}.0BADC0DE.tmp`,
      shortRandom: `.s.csv.${pid}.0bad.tmp`,
      noDot: `s.csv.${pid}.0badc0de.tmp`,
    };
    for (const name of Object.values(names)) writeFileSync(join(sub, name), "x");
    mkdirSync(join(sub, `.s.csv.${pid}.12345678.tmp`)); // a directory is never ours
    expect(AtomicFile.clearStale(join(sub, "s.csv"))).toEqual([join(sub, names.deadOurs)]);
    expect(readdirSync(sub).sort()).toEqual([...Object.values(names).filter((n) => n !== names.deadOurs), `.s.csv.${pid}.12345678.tmp`].sort());
    // open clears them too
    writeFileSync(join(sub, names.deadOurs), "x");
    AtomicFile.open(join(sub, "s.csv")).abort();
    expect(existsSync(join(sub, names.deadOurs))).toBe(false);
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
