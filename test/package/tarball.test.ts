/**
 * The packed package, as npm would publish it. `npm test` packs once (`node .ci/pack.mjs`,
 * which runs `prepack`: the build) before vitest starts; these tests read that tarball:
 *
 * - publint (every level, suggestions included) and @arethetypeswrong/cli (every resolution mode,
 *   node10 included: the `strict` profile) report nothing;
 * - the packed package.json has no install script (no `prepare`), names its repository, and the
 *   tarball holds the LICENSE, the CHANGELOG and the docs the README and `--help` point to;
 * - installed into an empty project it installs with no warning, runs its CLI and loads through
 *   `import` and `require` on every subpath.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CACHE = join(ROOT, "node_modules", ".cache", "ogmetric-pack");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; scripts: Record<string, string> };
const TARBALL = join(CACHE, `${pkg.name}-${pkg.version}.tgz`);

const work = mkdtempSync(join(tmpdir(), "ogmetric-tarball-"));
const unpacked = join(work, "unpacked");
afterAll(() => rmSync(work, { recursive: true, force: true }));

let files: string[] = [];
let packed: Record<string, unknown> & { scripts?: Record<string, string>; files?: string[] } = {};

beforeAll(() => {
  if (!existsSync(TARBALL)) throw new Error(`${TARBALL} is missing: \`npm test\` packs it first (or run \`node .ci/pack.mjs\`)`);
  mkdirSync(unpacked, { recursive: true });
  execFileSync("tar", ["-xzf", TARBALL, "-C", unpacked]);
  files = execFileSync("tar", ["-tzf", TARBALL], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""));
  packed = JSON.parse(readFileSync(join(unpacked, "package", "package.json"), "utf8"));
});

describe("the packed tarball", () => {
  it("publint reports nothing, suggestions included", async () => {
    const tarball = readFileSync(TARBALL);
    const { messages, pkg: manifest } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, level: "suggestion", strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, manifest) ?? m.code}`)).toEqual([]);
  });

  it("@arethetypeswrong/cli finds no problem in any resolution mode (node10, node16 CJS and ESM, bundler)", () => {
    const bin = join(ROOT, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
    const r = spawnSync(process.execPath, [bin, TARBALL, "--profile", "strict", "--format", "json"], { encoding: "utf8" });
    const report = JSON.parse(r.stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }> } };
    expect(report.analysis.problems).toEqual([]);
    expect(r.status, r.stderr).toBe(0);
    // Every subpath resolves to types in every mode, node10 included (typesVersions).
    for (const sub of [".", "./engine", "./analysis", "./sql", "./node"]) {
      const modes = report.analysis.entrypoints[sub]!.resolutions;
      for (const mode of ["node10", "node16-cjs", "node16-esm", "bundler"]) expect(modes[mode]?.resolution?.fileName, `${sub} under ${mode}`).toMatch(/\.d\.c?ts$/);
    }
  }, 300_000);

  it("has no install script: no prepare, preinstall, install or postinstall (the build ran in prepack)", () => {
    for (const s of ["prepare", "preinstall", "install", "postinstall"]) expect(packed.scripts?.[s], s).toBeUndefined();
    expect(pkg.scripts.prepare, "the working copy keeps prepare for clones and git dependencies").toBe("tsup");
    expect(existsSync(join(CACHE, "package.json.orig")), "postpack put package.json back").toBe(false);
  });

  it("names its repository, homepage and issue tracker, and its MIT license", () => {
    expect(packed).toMatchObject({
      license: "MIT",
      repository: { type: "git", url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/) },
      homepage: expect.stringMatching(/^https:\/\//),
      bugs: { url: expect.stringMatching(/^https:\/\/.+\/issues$/) },
    });
    expect(readFileSync(join(unpacked, "package", "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) 2026 ogmetric contributors\n/);
  });

  it("ships dist, bin, rubrics, LICENSE, CHANGELOG.md and docs/*.md; no sources, tests or generated API pages", () => {
    for (const f of ["LICENSE", "README.md", "CHANGELOG.md", "bin/ogmetric.js", "dist/index.js", "dist/index.cjs", "dist/cli.js", "rubrics/mga-2017.json", "rubrics/schema/rubric.schema.json", "docs/cli.md", "docs/methodology.md"]) expect(files, f).toContain(f);
    expect(files.filter((f) => /^(src|test|bench|fixtures|scripts|examples|docs\/api)\//.test(f))).toEqual([]);
  });

  it("every README link into docs/ resolves inside the package (the others resolve on the repository, which package.json names)", () => {
    const readme = readFileSync(join(unpacked, "package", "README.md"), "utf8");
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)].map((m) => m[1]!);
    expect(links.filter((l) => l.startsWith("docs/")).length).toBeGreaterThan(2);
    expect(links.filter((l) => l.startsWith("docs/") && !files.includes(l))).toEqual([]);
  });

  it("links between the shipped docs resolve inside the package", () => {
    const broken: string[] = [];
    for (const doc of files.filter((f) => /^docs\/[^/]+\.md$/.test(f))) {
      const text = readFileSync(join(unpacked, "package", doc), "utf8");
      for (const [, link] of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) {
        const target = join("docs", link!).replace(/\\/g, "/");
        if (target.startsWith("docs/") && !files.includes(target)) broken.push(`${doc} → ${link}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("installing the tarball into an empty project", () => {
  const project = join(work, "project");
  let install: { status: number | null; stderr: string; stdout: string };

  beforeAll(() => {
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    const npm = process.env.npm_execpath;
    const [cmd, args] = npm && npm.endsWith(".js") ? [process.execPath, [npm]] : ["npm", []];
    install = spawnSync(cmd, [...args, "install", "--no-audit", "--no-fund", "--prefer-offline", TARBALL], { cwd: project, encoding: "utf8" });
  }, 300_000);

  it("installs with no warning (no script for allowScripts to cover)", () => {
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toMatch(/allowScripts|install-scripts|npm warn/i);
  });

  it("runs the CLI, whose --help points to a reference that is in the package", () => {
    const cli = join(project, "node_modules", ".bin", "ogmetric");
    expect(execFileSync(cli, ["--version"], { encoding: "utf8" }).trim()).toBe(pkg.version);
    const help = execFileSync(cli, ["--help"], { encoding: "utf8" });
    const reference = /^Reference: (\S+)/m.exec(help)?.[1];
    expect(reference).toBeDefined();
    expect(existsSync(join(project, "node_modules", "ogmetric", reference!))).toBe(true);
  });

  it("loads every subpath through require and import", () => {
    const script = `
      const cjs = ["ogmetric", "ogmetric/engine", "ogmetric/analysis", "ogmetric/sql", "ogmetric/node"].map((s) => Object.keys(require(s)).length > 0);
      Promise.all(["ogmetric", "ogmetric/engine", "ogmetric/analysis", "ogmetric/sql", "ogmetric/node"].map((s) => import(s))).then((esm) => {
        const { loadEdition, scoreBody, formatFixed } = esm[0];
        const s = scoreBody(loadEdition("2017"), { values: { TG: "0.46", TC: "0.54", PG: "0.23", PC: "0.32" } });
        console.log(JSON.stringify({ cjs, esm: esm.map((m) => Object.keys(m).length > 0), iga: formatFixed(s.value, 4), schema: require("ogmetric/rubric.schema.json").type }));
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: project, encoding: "utf8" }));
    expect(out).toEqual({ cjs: [true, true, true, true, true], esm: [true, true, true, true, true], iga: "0.3875", schema: "object" });
  });

  it("leaves only the package's own files: dist, bin, rubrics, docs and the top-level texts", () => {
    expect(readdirSync(join(project, "node_modules", "ogmetric")).sort()).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "bin", "dist", "docs", "package.json", "rubrics"]);
  });
});
