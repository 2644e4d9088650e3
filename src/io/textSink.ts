import type { Writable } from "node:stream";

/**
 * Somewhere to write text in pieces: `write` buffers, `flush` hands the buffer on (and waits
 * when the destination is slow). Writers call `flush` once the buffer passes a few hundred KB.
 * @example
 * let text = "";
 * const sink: TextSink = { write: (t) => void (text += t), flush: async () => {}, buffered: 0 };
 * new CsvWriter(sink).writeRow(["a", 1]);
 * text // => "a,1\n"
 */
export interface TextSink {
  /** Appends text to the buffer. */
  write(text: string): void;
  /** Sends the buffered text on; resolves when the destination can take more. */
  flush(): Promise<void>;
  /** Characters waiting in the buffer. */
  readonly buffered: number;
}

/**
 * A text sink over a Node writable stream (such as `process.stdout`), respecting back-pressure.
 * @example
 * import { PassThrough } from "node:stream";
 * const stream = new PassThrough();
 * const out = new StreamSink(stream);
 * out.write("id,iga\n");
 * out.buffered // => 7
 * await out.flush();
 * String(stream.read()) // => "id,iga\n"
 */
export class StreamSink implements TextSink {
  readonly #stream: Writable;
  #buffer = "";

  /** @param stream - the destination, written as UTF-8 */
  constructor(stream: Writable) {
    this.#stream = stream;
  }

  write(text: string): void {
    this.#buffer += text;
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const text = this.#buffer;
    this.#buffer = "";
    const stream = this.#stream;
    if (stream.write(text, "utf8")) return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        stream.off("drain", ok);
        stream.off("error", done);
        stream.off("close", ok);
        if (err) reject(err);
        else resolve();
      };
      const ok = () => done();
      stream.once("drain", ok);
      stream.once("error", done);
      stream.once("close", ok);
    });
  }
}
