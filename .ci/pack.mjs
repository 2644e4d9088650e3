#!/usr/bin/env node
/**
 * Packing helpers (npm scripts; no dependency).
 *
 *   node .ci/pack.mjs strip     prepack, after the build: drop `scripts.prepare` from package.json
 *   node .ci/pack.mjs restore   postpack: put package.json back, byte for byte
 *   node .ci/pack.mjs           npm test: pack once into node_modules/.cache/ogmetric-pack/
 *
 * Why strip: `prepare` builds dist/ where the sources are, on `npm install` in a clone and when npm
 * installs ogmetric as a git dependency (npm runs only `prepare` there, not `prepack`). A tarball
 * already holds dist/, but npm counts a tarball's `prepare` as an install script: installing it
 * would warn that the script is not covered by `allowScripts` (and try to run tsup, which a
 * tarball does not have). So the packed package.json has no `prepare`; `prepack` builds instead.
 * The original is kept in node_modules/.cache/ogmetric-pack/ between the two hooks; if a pack
 * dies in between, `git status` shows the stripped file and the next pack or `restore` mends it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = join(root, "package.json");
const cache = join(root, "node_modules", ".cache", "ogmetric-pack");
const saved = join(cache, "package.json.orig");

const command = process.argv[2] ?? "pack";
if (command === "strip") {
  mkdirSync(cache, { recursive: true });
  // A copy left by a pack that died is the original: keep it rather than the stripped file.
  if (!existsSync(saved)) writeFileSync(saved, readFileSync(manifest));
  const pkg = JSON.parse(readFileSync(saved, "utf8"));
  delete pkg.scripts.prepare;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (command === "restore") {
  if (existsSync(saved)) {
    writeFileSync(manifest, readFileSync(saved));
    rmSync(saved);
  }
} else if (command === "pack") {
  // The tarball the package tests check (test/package/tarball.test.ts): packed once per `npm test`.
  mkdirSync(cache, { recursive: true });
  for (const f of readdirSync(cache)) if (f.endsWith(".tgz")) rmSync(join(cache, f));
  const npm = process.env.npm_execpath;
  const [cmd, args] = npm ? [process.execPath, [npm]] : ["npm", []];
  const r = spawnSync(cmd, [...args, "pack", "--json", "--loglevel=error", "--pack-destination", cache], { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf("[")));
  const file = join(cache, info.filename);
  console.log(`packed ${info.filename}: ${info.entryCount} files, ${(statSync(file).size / 1024).toFixed(0)} KB (${file})`);
} else {
  console.error(`.ci/pack.mjs: unknown command "${command}" (strip, restore or pack)`);
  process.exit(2);
}
