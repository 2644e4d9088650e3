import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, cli, cliAsync, parseCsv, records, tempDir } from "./helpers.js";
import { IN_CI } from "../sharedData.js";

// Every output of a run commits together or not at all (issue 9): these run the built CLI.
const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
/** Temporary files of ours left in a directory. */
const temps = (dir = t.dir) => readdirSync(dir).filter((f) => /^\..*\.\d+\.[0-9a-f]{8}\.tmp$/.test(f));

const HEADER = "id,name,TG,TC,PG,PC";
// A is scored (iga 0.5); B is rejected (TG "x").
t.file("in.csv", `${HEADER}\nA,Alpha,0.5,0.5,0.5,0.5\nB,Beta,x,0.5,0.5,0.5\n`);
const OUT_HEADER = "id,name,rubric,iga";
const isRoot = process.getuid?.() === 0;

/** Whether this machine lets us mount a tmpfs in a private mount namespace (`unshare -m`). */
function canMount(): boolean {
  const probe = join(t.dir, "probe-mnt");
  mkdirSync(probe, { recursive: true });
  const r = spawnSync("unshare", ["-m", "sh", "-c", `mount -t tmpfs -o size=64k tmpfs '${probe}'`], { encoding: "utf8" });
  return r.status === 0;
}
const mounting = canMount();
// Outside CI a machine without these skips their cases; under CI they run, and fail, so a CI
// run cannot pass without them.
const skipMounting = !mounting && !IN_CI;
const skipRoot = !isRoot && !IN_CI;
if (!mounting) console.warn(`outputs.test.ts: cannot mount a tmpfs in a private mount namespace here (unshare -m / mount refused): the full-disk and read-only cases ${IN_CI ? "fail (CI)" : "are skipped"}`);
if (!isRoot) console.warn(`outputs.test.ts: not running as root: the device, FIFO-as-root and owner cases ${IN_CI ? "fail (CI)" : "are skipped"}`);

/**
 * Runs the CLI inside a private mount namespace where `mnt` (under the temp dir) is a fresh
 * tmpfs mounted with `options`; the mount disappears with the namespace.
 */
function cliOnTmpfs(mnt: string, options: string, setup: string, args: readonly string[]) {
  mkdirSync(join(t.dir, mnt), { recursive: true });
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const script = `mount -t tmpfs -o ${options} tmpfs '${mnt}' && ${setup} node '${BIN}' ${quoted}; echo "exit=$?" >&2; ls -a '${mnt}' >&2`;
  const r = spawnSync("unshare", ["-m", "sh", "-c", script], { cwd: t.dir, encoding: "utf8" });
  const err = r.stderr;
  const code = Number(/exit=(\d+)/.exec(err)?.[1]);
  const listing = err.slice(err.indexOf("\n", err.indexOf("exit=")) + 1).split("\n").filter((f) => f && f !== "." && f !== "..");
  return { code, stdout: r.stdout, stderr: err.slice(0, err.indexOf("exit=")), listing };
}

describe("ogmetric score: outputs commit together or not at all", () => {
  it("a --rejects path that is a directory fails at once (exit 1, one clear line) and leaves --out untouched", () => {
    t.file("prev-out.csv", "previous\n");
    mkdirSync(join(t.dir, "rejdir"));
    const r = run("score", "in.csv", "--edition", "2017", "--out", "prev-out.csv", "--rejects", "rejdir");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("--rejects rejdir: cannot write here: it is a directory; give the name of a file to write; nothing was read or written\n");
    expect(t.read("prev-out.csv")).toBe("previous\n");
    expect(temps()).toEqual([]);
  });

  it.skipIf(skipMounting)("a full disk under --rejects (a 64 KiB tmpfs) exits 1 with ENOSPC named, --out and the old rejects untouched, no temporary file left", () => {
    // 4,000 rejected rows make a rejects file of about 400 KB.
    const rows = [HEADER];
    for (let i = 0; i < 8000; i++) rows.push(i % 2 ? `B${i},Beta,x,0.5,0.5,0.5` : `A${i},Alpha,0.5,0.5,0.5,0.5`);
    t.file("many.csv", `${rows.join("\n")}\n`);
    t.file("full-out.csv", "previous\n");
    const r = cliOnTmpfs("full", "size=64k", "echo old-rejects > full/rej.csv &&", ["score", "many.csv", "--edition", "2017", "--out", "full-out.csv", "--rejects", "full/rej.csv"]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr).at(-1)).toBe("full/rej.csv: cannot write: no space left on device (ENOSPC); no output file was changed");
    expect(r.stderr).not.toContain("internal error");
    expect(r.listing).toEqual(["rej.csv"]); // the old rejects file, and no temporary file
    expect(t.read("full-out.csv")).toBe("previous\n");
    expect(temps()).toEqual([]);
  });

  it.skipIf(skipMounting)("a full disk under --out exits 1 and leaves the rejects file as it was", () => {
    const rows = [HEADER];
    for (let i = 0; i < 4000; i++) rows.push(`A${i},Alpha,0.5,0.5,0.5,0.5`);
    rows.push("B,Beta,x,0.5,0.5,0.5");
    t.file("many-ok.csv", `${rows.join("\n")}\n`);
    t.file("kept-rejects.csv", "old\n");
    const r = cliOnTmpfs("full2", "size=64k", "", ["score", "many-ok.csv", "--edition", "2017", "--out", "full2/out.csv", "--rejects", "kept-rejects.csv"]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr).at(-1)).toBe("full2/out.csv: cannot write: no space left on device (ENOSPC); no output file was changed");
    expect(r.listing).toEqual([]);
    expect(t.read("kept-rejects.csv")).toBe("old\n");
    expect(temps()).toEqual([]);
  });

  it("on success both files appear, complete", () => {
    const r = run("score", "in.csv", "--edition", "2017", "--out", "both-out.csv", "--rejects", "both-rej.csv");
    expect(r.code).toBe(3);
    expect(records(t.read("both-out.csv")).map((b) => b.id)).toEqual(["A"]);
    expect(records(t.read("both-rej.csv")).map((b) => b.row)).toEqual(["3"]);
  });
});

describe("ogmetric score: output paths are checked before the input is read", () => {
  // The input does not exist: a run that checked its outputs first names the output, not the input.
  it.each([
    [["--out", "outdir"], "--out outdir: cannot write here: it is a directory; give the name of a file to write; nothing was read or written"],
    [["--out", "no/such/dir/out.csv"], "--out no/such/dir/out.csv: cannot write here: no such directory (ENOENT); nothing was read or written"],
    [["--rejects", "outdir"], "--rejects outdir: cannot write here: it is a directory; give the name of a file to write; nothing was read or written"],
    [["--out", "in.csv/x.csv"], "--out in.csv/x.csv: cannot write here: a part of the path is not a directory (ENOTDIR); nothing was read or written"],
  ])("%j fails at once (exit 1)", (args, message) => {
    mkdirSync(join(t.dir, "outdir"), { recursive: true });
    const r = run("score", "not-there.csv", "--edition", "2017", ...args);
    expect(r.code).toBe(1);
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).not.toContain("not-there.csv");
  });

  it("--out DIR fails before a large input is scored, in aggregate too", () => {
    mkdirSync(join(t.dir, "outdir"), { recursive: true });
    const a = run("aggregate", "not-there.csv", "--out", "outdir");
    expect(a).toMatchObject({ code: 1, stderr: "--out outdir: cannot write here: it is a directory; give the name of a file to write; nothing was read or written\n" });
  });

  it.skipIf(skipMounting)("a read-only directory fails at once (exit 1, EROFS)", () => {
    const r = cliOnTmpfs("ro", "ro,size=64k", "", ["score", "not-there.csv", "--edition", "2017", "--out", "ro/out.csv"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("--out ro/out.csv: cannot write here: read-only file system (EROFS); nothing was read or written\n");
  });
});

describe("ogmetric score: - is standard output", () => {
  it("--rejects - writes the rejects CSV on stdout (and no file named -) while --out goes to a file", () => {
    const r = run("score", "in.csv", "--edition", "2017", "--out", "dash-out.csv", "--rejects", "-");
    expect(r.code).toBe(3);
    expect(records(r.stdout)).toMatchObject([{ file: "in.csv", row: "3", column: "TG", code: "not_a_number" }]);
    expect(existsSync(join(t.dir, "-"))).toBe(false);
    expect(records(t.read("dash-out.csv")).map((b) => b.id)).toEqual(["A"]);
  });

  it("--out - writes the results on stdout, like no --out", () => {
    const r = run("score", "in.csv", "--edition", "2017", "--out", "-", "--rejects", "dash-rej.csv");
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(run("score", "in.csv", "--edition", "2017").stdout);
    expect(parseCsv(r.stdout)[0]!.slice(0, 3)).toEqual(OUT_HEADER.split(",").slice(0, 3));
    expect(existsSync(join(t.dir, "-"))).toBe(false);
  });

  it.each([
    [["--rejects", "-"]],
    [["--out", "-", "--rejects", "-"]],
  ])("only one output may be standard output: %j is a usage error (exit 2)", (args) => {
    const r = run("score", "in.csv", "--edition", "2017", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("ogmetric score: --rejects -: only one output can go to standard output (the results go there without --out FILE); give a file name to the other (see ogmetric score --help)\n");
    expect(r.stdout).toBe("");
  });

  it("a path that is standard output (a link to /proc/self/fd/1) counts as standard output", () => {
    symlinkSync("/proc/self/fd/1", join(t.dir, "my-stdout"));
    const r = run("score", "in.csv", "--edition", "2017", "--rejects", "my-stdout");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("ogmetric score: --rejects my-stdout is standard output, where the results already go (see ogmetric score --help)\n");
  });

  it("aggregate takes - the same way", () => {
    expect(run("score", "in.csv", "--edition", "2017", "--out", "agg-in.csv").code).toBe(3);
    t.file("agg-bad.csv", `${t.read("agg-in.csv")}Z,Zed,mga-2017@1.0.0#5ede0e237441,oops${",".repeat(25)}\n`);
    const r = run("aggregate", "agg-bad.csv", "--out", "agg-out.csv", "--rejects", "-");
    expect(r.code).toBe(3);
    expect(records(r.stdout)).toMatchObject([{ row: "3", code: "invalid_score" }]);
    expect(records(t.read("agg-out.csv"))[0]).toMatchObject({ bodies: "1" });
    expect(run("aggregate", "agg-bad.csv", "--rejects", "-").code).toBe(2);
  });
});

describe("ogmetric score: devices, FIFOs and links are written where they are", () => {
  it("a symbolic link to /proc/self/fd/1 (a stand-in for /dev/stdout) is written through and stays a link", () => {
    symlinkSync("/proc/self/fd/1", join(t.dir, "fake-stdout"));
    const r = run("score", "in.csv", "--edition", "2017", "--out", "fake-stdout");
    expect(r.code).toBe(3);
    expect(records(r.stdout).map((b) => b.id)).toEqual(["A"]);
    expect(lstatSync(join(t.dir, "fake-stdout")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(t.dir, "fake-stdout"))).toBe("/proc/self/fd/1");
    expect(temps()).toEqual([]);
  });

  it.skipIf(skipRoot)("as root, a character device (a private /dev/null made with mknod) stays a device", () => {
    const dev = join(t.dir, "null");
    expect(spawnSync("mknod", [dev, "c", "1", "3"]).status).toBe(0);
    const r = run("score", "in.csv", "--edition", "2017", "--out", "null", "--rejects", "null-rej.csv");
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(records(t.read("null-rej.csv"))).toHaveLength(1);
    // Both outputs on the same device are fine: nothing is renamed over it.
    expect(run("score", "in.csv", "--edition", "2017", "--out", "null", "--rejects", "null").code).toBe(3);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(temps()).toEqual([]);
  });

  it("a FIFO is written in place, read by another process, and stays a FIFO", () => {
    const fifo = join(t.dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawnSync("sh", ["-c", `timeout 20 cat '${fifo}' > fifo-copy.csv & node '${BIN}' score in.csv --edition 2017 --out pipe; echo "exit=$?"; wait`], { cwd: t.dir, encoding: "utf8", timeout: 30_000 });
    expect(reader.stdout).toBe("exit=3\n");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(records(t.read("fifo-copy.csv")).map((b) => b.id)).toEqual(["A"]);
    expect(temps()).toEqual([]);
  });

  it("a FIFO nobody reads does not hold up a run that fails (duplicate ids) or a SIGTERM", async () => {
    const fifo = join(t.dir, "unread");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    t.file("dup.csv", `${HEADER}\nA,Alpha,0.5,0.5,0.5,0.5\nA,Again,0.5,0.5,0.5,0.5\n`);
    const failed = spawnSync(process.execPath, [BIN, "score", "dup.csv", "--edition", "2017", "--out", "unread"], { cwd: t.dir, encoding: "utf8", timeout: 20_000 });
    expect(failed.status).toBe(1);
    expect(lines(failed.stderr)[0]).toBe("dup.csv: 1 row repeats an earlier id; ids must be unique (nothing was written)");
    const waiting = cliAsync(["score", "in.csv", "--edition", "2017", "--out", "unread"], t.dir);
    await new Promise((r) => setTimeout(r, 1000));
    waiting.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => waiting.on("exit", (c) => resolve(c)));
    expect(code).toBe(143);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("a FIFO whose reader goes away ends the run with one line (exit 1), and no rejects file", () => {
    const fifo = join(t.dir, "short-read");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const rows = [HEADER];
    for (let i = 0; i < 20_000; i++) rows.push(`A${i},Alpha,0.5,0.5,0.5,0.5`);
    rows.push("B,Beta,x,0.5,0.5,0.5");
    t.file("long.csv", `${rows.join("\n")}\n`);
    const r = spawnSync("sh", ["-c", `timeout 20 head -c 100 '${fifo}' > /dev/null & node '${BIN}' score long.csv --edition 2017 --out short-read --rejects short-rej.csv; echo "exit=$?"; wait`], { cwd: t.dir, encoding: "utf8", timeout: 30_000 });
    expect(r.stdout).toBe("exit=1\n");
    // The rejected row may be reported before the write fails (the reader reads ahead); the run ends with the one line.
    expect(lines(r.stderr).at(-1)).toBe("short-read: cannot write: the reader closed it (EPIPE); no output file was changed; what was already written to short-read is incomplete: discard it");
    expect(existsSync(join(t.dir, "short-rej.csv"))).toBe(false);
  });

  it("a symbolic link to a file is written through: the file gets the output, the link stays", () => {
    mkdirSync(join(t.dir, "real"));
    t.file("real/target.csv", "old\n");
    symlinkSync("real/target.csv", join(t.dir, "link.csv"));
    symlinkSync("real/new.csv", join(t.dir, "dangling.csv"));
    expect(run("score", "in.csv", "--edition", "2017", "--out", "link.csv", "--rejects", "dangling.csv").code).toBe(3);
    expect(lstatSync(join(t.dir, "link.csv")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(t.dir, "dangling.csv")).isSymbolicLink()).toBe(true);
    expect(records(t.read("real/target.csv")).map((b) => b.id)).toEqual(["A"]);
    expect(records(t.read("real/new.csv")).map((b) => b.row)).toEqual(["3"]);
    expect(temps(join(t.dir, "real"))).toEqual([]);
  });

  it.skipIf(skipRoot)("as root, a replaced file keeps its mode and owner (0600, uid 1234, gid 2345)", () => {
    const path = t.file("private.csv", "secret\n");
    chmodSync(path, 0o600);
    chownSync(path, 1234, 2345);
    t.file("group.csv", "old\n");
    chmodSync(join(t.dir, "group.csv"), 0o640);
    expect(run("score", "in.csv", "--edition", "2017", "--out", "private.csv", "--rejects", "group.csv").code).toBe(3);
    const st = statSync(path);
    expect({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }).toEqual({ mode: 0o600, uid: 1234, gid: 2345 });
    expect(records(readFileSync(path, "utf8")).map((b) => b.id)).toEqual(["A"]);
    expect(statSync(join(t.dir, "group.csv")).mode & 0o7777).toBe(0o640);
  });
});

describe("ogmetric score: temporary files a killed run left behind", () => {
  it("SIGKILL leaves the temporary file; the next run to the same output deletes it, and only ours of dead processes", async () => {
    const path = t.file("big.csv");
    const rows: string[] = [];
    for (let i = 0; i < 20_000; i++) rows.push(`B${i},Name ${i},0.5,0.25,0.125,1`);
    writeFileSync(path, `${HEADER}\n`);
    for (let k = 0; k < 20; k++) writeFileSync(path, `${rows.map((r) => `K${k}${r}`).join("\n")}\n`, { flag: "a" });
    const child = cliAsync(["score", "big.csv", "--edition", "2017", "--out", "killed.csv"], t.dir);
    const ours = () => readdirSync(t.dir).filter((f) => f.startsWith(".killed.csv.") && f.endsWith(".tmp"));
    for (let waited = 0; ours().length === 0 && waited < 20_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(ours()).toHaveLength(1);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("exit", resolve));
    const left = ours();
    expect(left).toEqual([`.killed.csv.${child.pid}.${left[0]!.split(".").at(-2)}.tmp`]);
    // Others that must stay: a live process's (this test's own pid), another target's, another name.
    const live = `.killed.csv.${process.pid}.0123abcd.tmp`;
    const other = `.killed.csvx.${child.pid}.0123abcd.tmp`;
    const odd = `.killed.csv.${child.pid}.zzzz.tmp`;
    for (const name of [live, other, odd]) t.file(name, "keep");
    const r = run("score", "in.csv", "--edition", "2017", "--out", "killed.csv");
    expect(r.code).toBe(3);
    expect(readdirSync(t.dir).filter((f) => f.includes(".killed.csv")).sort()).toEqual([other, odd, live].sort());
    expect(records(t.read("killed.csv")).map((b) => b.id)).toEqual(["A"]);
  });
});
