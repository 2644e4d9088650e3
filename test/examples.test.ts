/**
 * Every public export's `@example` is a test. The exports of the five entry points (`ogmetric`,
 * `ogmetric/engine`, `ogmetric/analysis`, `ogmetric/sql`, `ogmetric/node`) are found with the TypeScript compiler
 * API, and each one's TSDoc `@example` blocks are read from its declaration. An export without an
 * example, or an example without a `// =>` result, fails. Each example is then
 *
 * 1. type-checked under the project's strict options, as a module that imports every export of the
 *    entry points (the export's own entry point first, so `RankOptions` means the one beside
 *    it) and starts with the prelude below, then
 * 2. run (all examples bundled once by esbuild, against the sources): each statement followed by
 *    `// => value` (on its line or the next) must produce `value`, compared as data like
 *    `test/readme.test.ts` does. A `const x = ...; // => value` checks `x`.
 *
 * The prelude (what an example may use without writing it):
 *
 *     const rubric = loadEdition("2017");
 *
 * An example may `import` what else it needs (`node:fs`, ...); `await` works at its top level. A
 * block fenced with ```ts is read from inside the fence; otherwise the whole block is code.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { build, type Plugin } from "esbuild";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ENTRIES: Record<string, string> = {
  ogmetric: join(ROOT, "src/index.ts"),
  "ogmetric/engine": join(ROOT, "src/engine/index.ts"),
  "ogmetric/analysis": join(ROOT, "src/analysis/index.ts"),
  "ogmetric/sql": join(ROOT, "src/sql/index.ts"),
  "ogmetric/node": join(ROOT, "src/node.ts"),
};
/** The prelude: name → initialiser. An example that declares the name itself gets its own. */
const PRELUDE: Record<string, string> = { rubric: 'loadEdition("2017")' };

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
  paths: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, [v]])),
};

// ---------------------------------------------------------------------------------------------
// Exports and their examples
// ---------------------------------------------------------------------------------------------

interface Example {
  /** Lines of code, each with its line number in the source file. */
  readonly lines: readonly { readonly text: string; readonly line: number }[];
}

interface Documented {
  /** `ogmetric/engine.createFrame` for each entry point that exports it. */
  readonly names: string[];
  /** The entry point whose names an example sees first. */
  readonly entry: string;
  readonly file: string;
  readonly line: number;
  readonly examples: Example[];
}

/** The `@example` blocks of one JSDoc comment, from its raw text (so `@` in code stays code). */
function examplesOf(sourceFile: ts.SourceFile, doc: ts.JSDoc): Example[] {
  const start = sourceFile.getLineAndCharacterOfPosition(doc.getStart(sourceFile)).line + 1;
  const raw = sourceFile.text.slice(doc.getStart(sourceFile), doc.end).split("\n");
  const lines = raw.map((text, i) => ({
    text: text
      .replace(/^\s*\/\*\*\s?/, "")
      .replace(/\s*\*\/\s*$/, "")
      .replace(/^\s*\* ?/, ""),
    line: start + i,
  }));
  const out: { text: string; line: number }[][] = [];
  let current: { text: string; line: number }[] | undefined;
  let fenced = false;
  for (const l of lines) {
    const fence = /^\s*```/.test(l.text);
    if (!fenced && !fence) {
      // A block tag starts a new section; `@example` may also follow text on a one-line comment.
      const tag = /(?:^|\s)@(\w+)\s?(.*)$/.exec(l.text);
      if (tag && !/^\s*\/\//.test(l.text) && !/["'`]/.test(l.text.slice(0, tag.index))) {
        current = tag[1] === "example" ? [] : undefined;
        if (current) {
          out.push(current);
          if (tag[2]!.trim() !== "") current.push({ text: tag[2]!, line: l.line });
        }
        continue;
      }
    }
    if (fence) fenced = !fenced;
    current?.push(l);
  }
  return out.map((block) => {
    const hasFence = block.some((l) => /^\s*```/.test(l.text));
    let code = block;
    if (hasFence) {
      code = [];
      let inside = false;
      for (const l of block) {
        if (/^\s*```/.test(l.text)) inside = !inside;
        else if (inside) code.push(l);
      }
    }
    while (code.length > 0 && code[code.length - 1]!.text.trim() === "") code = code.slice(0, -1);
    return { lines: code };
  });
}

function documentedExports(): { program: ts.Program; all: Documented[] } {
  const program = ts.createProgram(Object.values(ENTRIES), OPTIONS);
  const checker = program.getTypeChecker();
  const byDeclaration = new Map<ts.Declaration, Documented>();
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.declarations ?? [];
      const key = declarations[0]!;
      let doc = byDeclaration.get(key);
      if (!doc) {
        const sourceFile = key.getSourceFile();
        const docs = new Set<ts.JSDoc>();
        for (const d of declarations) for (const j of ts.getJSDocCommentsAndTags(d)) if (ts.isJSDoc(j)) docs.add(j);
        doc = {
          names: [],
          entry,
          file: relative(ROOT, sourceFile.fileName),
          line: sourceFile.getLineAndCharacterOfPosition(key.getStart(sourceFile)).line + 1,
          examples: [...docs].flatMap((j) => examplesOf(sourceFile, j)),
        };
        byDeclaration.set(key, doc);
      }
      doc.names.push(`${entry}.${exported.name}`);
    }
  }
  return { program, all: [...byDeclaration.values()] };
}

// ---------------------------------------------------------------------------------------------
// From an example to a module
// ---------------------------------------------------------------------------------------------

/** Exported names per entry point, read once. */
function exportNames(program: ts.Program): Map<string, string[]> {
  const checker = program.getTypeChecker();
  return new Map(
    Object.entries(ENTRIES).map(([entry, file]) => [entry, checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map((s) => s.name)]),
  );
}

interface Module {
  /** The example as written, with imports and prelude: what is type-checked. */
  readonly typed: string;
  /** Line offset of the example's first line in `typed` (0-based). */
  readonly offset: number;
  /** The example with each checked statement recording its result, in `run(__check)`. */
  readonly runnable: string;
  readonly checks: number;
}

function toModule(doc: Documented, example: Example, names: Map<string, string[]>): Module {
  const code = example.lines.map((l) => l.text).join("\n");
  const source = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2022, true);
  const imports: string[] = [];
  const body: ts.Statement[] = [];
  const declared = new Set<string>();
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s)) {
      imports.push(s.getText(source));
      const clause = s.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) declared.add(e.name.text);
      continue;
    }
    body.push(s);
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) collectNames(d.name, declared);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name) declared.add(s.name.text);
  }

  // Every export of the entry points, the example's own entry point first.
  const seen = new Set(declared);
  const importLines: string[] = [];
  for (const entry of [doc.entry, ...Object.keys(ENTRIES).filter((e) => e !== doc.entry)]) {
    const list = names.get(entry)!.filter((n) => !seen.has(n));
    list.forEach((n) => seen.add(n));
    if (list.length > 0) importLines.push(`import { ${list.join(", ")} } from ${JSON.stringify(entry)};`);
  }
  const prelude = Object.entries(PRELUDE)
    .filter(([name]) => !declared.has(name))
    .map(([name, init]) => `const ${name} = ${init};`);

  // The checks: a statement followed by `// => value`, on its line or alone on the next.
  const edits: { start: number; end: number; text: string }[] = [];
  let checks = 0;
  const lineOf = (pos: number) => example.lines[source.getLineAndCharacterOfPosition(pos).line]!.line;
  for (const s of body) {
    // On the statement's line (a trailing comment), else the first comment of the next line.
    const comment = ts.getTrailingCommentRanges(code, s.end)?.[0] ?? ts.getLeadingCommentRanges(code, s.end)?.[0];
    if (!comment || comment.kind !== ts.SyntaxKind.SingleLineCommentTrivia) continue;
    const arrow = /^\/\/ => (.*)$/.exec(code.slice(comment.pos, comment.end));
    if (!arrow) continue;
    const between = code.slice(s.end, comment.pos);
    if ((between.match(/\n/g) ?? []).length > 1) continue;
    const line = lineOf(comment.pos);
    const expected = arrow[1]!;
    checks++;
    if (ts.isExpressionStatement(s)) {
      edits.push({ start: s.getStart(source), end: s.end, text: `__check(${line}, (${s.expression.getText(source)}), (${expected}));` });
    } else if (ts.isVariableStatement(s) && s.declarationList.declarations.length === 1 && ts.isIdentifier(s.declarationList.declarations[0]!.name)) {
      edits.push({ start: s.end, end: s.end, text: ` __check(${line}, ${s.declarationList.declarations[0]!.name.text}, (${expected}));` });
    } else throw new Error(`${doc.file}:${line}: \`// =>\` follows a statement that is neither an expression nor a single const`);
  }
  let runnableBody = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) runnableBody = runnableBody.slice(0, e.start) + e.text + runnableBody.slice(e.end);
  // Imports are hoisted out of the function; blank them where they stood (keeps line numbers).
  for (const s of source.statements) if (ts.isImportDeclaration(s)) runnableBody = runnableBody.replace(s.getText(source), "");

  const head = [...importLines, ...prelude];
  let runnable = `${[...importLines, ...imports].join("\n")}\nexport async function run(__check: (line: number, actual: unknown, expected: unknown) => void): Promise<void> {\n${prelude.join("\n")}\n${runnableBody}\n}\n`;
  // A syntax error (say, prose after `// =>`) fails this example only, not the shared bundle.
  const syntax = ts.transpileModule(runnable, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).diagnostics ?? [];
  if (syntax.length > 0) {
    const message = `${doc.file}:${example.lines[0]?.line ?? doc.line}: the example does not parse once its \`// =>\` results are read as code: ${syntax.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`;
    runnable = `export async function run(): Promise<void> { throw new SyntaxError(${JSON.stringify(message)}); }\n`;
  }
  return {
    typed: `${head.join("\n")}\n${code}\nexport {};\n`,
    offset: head.length,
    runnable,
    checks,
  };
}

function collectNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const e of name.elements) if (!ts.isOmittedExpression(e)) collectNames(e.name, into);
}

/** Type errors of every module, by index, from one program. */
function typeErrors(modules: readonly Module[]): string[][] {
  const files = modules.map((_, i) => join(ROOT, "test", `__example_${i}__.ts`));
  const texts = new Map(files.map((f, i) => [f, modules[i]!.typed]));
  const host = ts.createCompilerHost(OPTIONS);
  const read = host.readFile.bind(host);
  host.readFile = (f) => texts.get(f) ?? read(f);
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => texts.has(f) || exists(f);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => (texts.has(f) ? ts.createSourceFile(f, texts.get(f)!, lang) : getSource(f, lang, onError, create));
  const program = ts.createProgram(files, OPTIONS, host);
  return files.map((f, i) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => {
      const at = d.file && d.start !== undefined ? ts.getLineAndCharacterOfPosition(d.file, d.start).line - modules[i]!.offset : undefined;
      return `${at === undefined ? "" : `example line ${at + 1}: `}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    }),
  );
}

/** All runnable modules bundled once (against the sources); returns each one's `run`. */
async function bundle(modules: readonly Module[]): Promise<((check: (line: number, actual: unknown, expected: unknown) => void) => Promise<void>)[]> {
  const virtual: Plugin = {
    name: "examples",
    setup(b) {
      b.onResolve({ filter: /^example:/ }, (a) => ({ path: a.path, namespace: "example" }));
      b.onLoad({ filter: /.*/, namespace: "example" }, (a) => ({ contents: modules[Number(a.path.slice("example:".length))]!.runnable, loader: "ts", resolveDir: ROOT }));
    },
  };
  const entry = `${modules.map((_, i) => `import { run as r${i} } from "example:${i}";`).join("\n")}\nexport const runs = [${modules.map((_, i) => `r${i}`).join(", ")}];\n`;
  const out = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: "ts", sourcefile: "examples.ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    alias: ENTRIES,
    plugins: [virtual],
    write: false,
    logLevel: "silent",
  });
  const file = join(dir, "examples.mjs");
  writeFileSync(file, out.outputFiles[0]!.text);
  return ((await import(pathToFileURL(file).href)) as { runs: never[] }).runs;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), "ogmetric-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { program, all } = documentedExports();
const names = exportNames(program);
const INSPECT = { depth: 6, breakLength: Infinity, maxArrayLength: 50 };
const label = (d: Documented) => `${d.names[0]} (${d.file}:${d.line})`;

describe("TSDoc examples of the public exports", () => {
  it("finds the exports of every entry point", () => {
    for (const entry of Object.keys(ENTRIES)) expect(all.some((d) => d.names.some((n) => n.startsWith(`${entry}.`))), entry).toBe(true);
    expect(all.length).toBeGreaterThan(100);
  });

  it("every public export has an @example", () => {
    const missing = all.filter((d) => d.examples.length === 0).map(label);
    if (missing.length > 0) throw new Error(`${missing.length} exports without an @example:\n${missing.join("\n")}`);
  });

  const cases = all.flatMap((doc) => doc.examples.map((example, k) => ({ doc, example, k, module: toModule(doc, example, names) })));

  it("every example states a result with // =>", () => {
    const none = cases.filter((c) => c.module.checks === 0).map((c) => `${label(c.doc)} example ${c.k + 1}`);
    if (none.length > 0) throw new Error(`examples without a \`// =>\` result:\n${none.join("\n")}`);
  });

  // One program for the type check and one bundle for the run, shared by the cases below.
  let errors: string[][] | undefined;
  let runs: Awaited<ReturnType<typeof bundle>> | undefined;

  for (const [i, c] of cases.entries()) {
    it(`${label(c.doc)}${c.doc.examples.length > 1 ? ` example ${c.k + 1}` : ""} type-checks and gives what it says`, async () => {
      errors ??= typeErrors(cases.map((x) => x.module));
      if (errors[i]!.length > 0) throw new Error(`type errors:\n${errors[i]!.join("\n")}\nin the example:\n${c.module.typed.split("\n").slice(c.module.offset).join("\n")}`);
      runs ??= await bundle(cases.map((x) => x.module));
      const results: { line: number; actual: unknown; expected: unknown }[] = [];
      await runs[i]!((line, actual, expected) => results.push({ line, actual, expected }));
      expect(results.length, "checks run").toBe(c.module.checks);
      const wrong: string[] = [];
      for (const r of results) {
        try {
          expect(r.actual).toEqual(r.expected);
        } catch {
          wrong.push(`${c.doc.file}:${r.line}: // => ${inspect(r.expected, INSPECT)} but the example gives ${inspect(r.actual, INSPECT)}`);
        }
      }
      if (wrong.length > 0) throw new Error(wrong.join("\n"));
    });
  }
});
