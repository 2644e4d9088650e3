#!/usr/bin/env node
/**
 * A tiny static server for the built page, on 127.0.0.1 only (the page needs nothing else).
 *
 *   node examples/browser/serve.mjs [PORT]   serve examples/browser/dist/ (default port 8080)
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json" };

/**
 * Serves the files of `dir` on 127.0.0.1.
 * @param {string} dir - the folder
 * @param {number} [port] - 0 (default) for any free port
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function serve(dir, port = 0) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(normalize(dir) + sep) || req.method !== "GET") {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" }).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = /** @type {import("node:net").AddressInfo} */ (server.address());
      resolve({ url: `http://127.0.0.1:${bound}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "dist");
  const { url } = await serve(dir, Number(process.argv[2] ?? 8080));
  console.log(`serving ${dir} at ${url} (Ctrl-C to stop)`);
}
