/**
 * The README's TypeScript snippets are tests: each is type-checked under `strict` against the
 * package's entry points, then run, and every `expr; // => value` in it must print `value`
 * (compared as data). A snippet marked `// the tree below` must print the text block that follows
 * it (lines reading `...` stand for elided lines).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const ENTRIES: Record<string, string> = {
  ogmetric: join(ROOT, "src/index.ts"),
  "ogmetric/engine": join(ROOT, "src/engine/index.ts"),
  "ogmetric/node": join(ROOT, "src/node.ts"),
};

interface Snippet {
  readonly code: string;
  /** 1-based line of the snippet's first code line in README.md. */
  readonly line: number;
  /** The plain text block right after it, when there is one. */
  readonly after: string | undefined;
}

function snippets(): Snippet[] {
  const out: Snippet[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```\n/gm;
  const blocks = [...README.matchAll(fence)];
  blocks.forEach((m, i) => {
    if (m[1] !== "ts") return;
    const next = blocks[i + 1];
    const between = next ? README.slice(m.index! + m[0].length, next.index) : "";
    out.push({
      code: m[2]!,
      line: README.slice(0, m.index).split("\n").length + 1,
      after: next && next[1] === "" && between.trim() === "" ? next[2] : undefined,
    });
  });
  return out;
}

/** Type errors of a snippet under the project's strict options, with `ogmetric` mapped to src. */
function typeErrors(code: string): string[] {
  const file = join(ROOT, "test", "__readme_snippet__.ts");
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    baseUrl: ROOT,
    paths: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, [v]])),
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? code : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || exists(f);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => (f === file ? ts.createSourceFile(f, code, lang) : getSource(f, lang, onError, create));
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => `${d.start === undefined ? "" : `line ${ts.getLineAndCharacterOfPosition(d.file!, d.start).line + 1}: `}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

/** The snippet with each `expr; // => value` turned into a recorded check. */
function instrument(code: string): string {
  const lines = code.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const own = /^\s*\/\/ => (.*)$/.exec(lines[i]!);
    if (own) {
      lines[i - 1] = `${lines[i - 1]} // => ${own[1]}`;
      lines[i] = "";
    }
  }
  return lines
    .map((line, i) => {
      const check = /^(.*?);\s*\/\/ => (.*)$/.exec(line);
      if (check) return `__checks.push({ line: ${i + 1}, actual: (${check[1]}), expected: (${check[2]}) });`;
      const tree = /^(.*?);\s*\/\/ the tree below$/.exec(line);
      if (tree) return `__tree.push(${tree[1]});`;
      return line;
    })
    .join("\n");
}

const dir = mkdtempSync(join(tmpdir(), "ogmetric-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README.md snippets", () => {
  const all = snippets();

  it("has the quick start and the engine example", () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
  });

  all.forEach((snippet, k) => {
    it(`snippet at README.md:${snippet.line} type-checks under strict and prints what it says`, async () => {
      expect(typeErrors(snippet.code)).toEqual([]);
      const source = `const __checks = []; const __tree = [];\n${instrument(snippet.code)}\nexport { __checks, __tree };\n`;
      const out = await build({
        stdin: { contents: source, resolveDir: ROOT, loader: "ts", sourcefile: `README-${k}.ts` },
        bundle: true,
        format: "esm",
        platform: "node",
        alias: ENTRIES,
        write: false,
        logLevel: "silent",
      });
      const file = join(dir, `snippet-${k}.mjs`);
      writeFileSync(file, out.outputFiles[0]!.text);
      const { __checks: checks, __tree: trees } = (await import(pathToFileURL(file).href)) as {
        __checks: { line: number; actual: unknown; expected: unknown }[];
        __tree: string[];
      };
      expect(checks.length + trees.length).toBeGreaterThan(0);
      for (const c of checks) expect(c.actual, `README.md:${snippet.line + c.line - 1}`).toEqual(c.expected);
      for (const printed of trees) {
        expect(snippet.after, "a `// the tree below` snippet is followed by the text block it prints").toBeDefined();
        const lines = printed.split("\n");
        let at = 0;
        for (const want of snippet.after!.split("\n").filter((l) => l !== "" && l !== "...")) {
          const found = lines.indexOf(want, at);
          expect(found, `README tree line not printed (in order): ${want}`).toBeGreaterThanOrEqual(0);
          at = found + 1;
        }
      }
    });
  });
});

describe("examples/quickstart.mjs", () => {
  it("runs against the built package and prints the README's figures", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(process.execPath, [join(ROOT, "examples", "quickstart.mjs")], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("A: IGA 0.5054\nB: IGA 0.3771\nC: IGA missing (missing tc.disp,");
    expect(r.stdout).toContain("Jalisco 14 n=1 0.51\nCiudad de México 09 n=1 0.38");
  });
});
