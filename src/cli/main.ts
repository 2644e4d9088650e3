import { AtomicFile } from "../io/atomicFile.js";
import { run } from "./run.js";

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
// A closed pipe (`ogmetric score ... | head`) is not an error worth a stack trace.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") {
    AtomicFile.abortAll();
    process.exit(0);
  }
  throw e;
});

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
