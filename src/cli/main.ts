import { AtomicFile } from "../io/atomicFile.js";
import { useGeneratedKernels } from "../score/generatedKernel.js";
import { run } from "./run.js";

useGeneratedKernels(true);

// An interrupted run leaves no half-written output: temporary files go on every way out.
process.on("exit", () => AtomicFile.abortAll());
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const) {
  process.on(signal, () => {
    AtomicFile.abortAll();
    process.exit(code);
  });
}
// A closed pipe (`ogmetric score ... | head`) ends the run quietly; other write errors in one line.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  AtomicFile.abortAll();
  if (e.code !== "EPIPE") process.stderr.write(`ogmetric: cannot write to standard output: ${e.message}\n`);
  process.exit(e.code === "EPIPE" ? 0 : 1);
});

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
