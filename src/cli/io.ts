import type { ErrorStream } from "./report.js";

/** The process streams a command writes to (replaceable in tests). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: ErrorStream;
}
