/**
 * A throwaway PostgreSQL server for the tests: Debian's binaries (installed by
 * .ci/setup-postgres.sh when missing), a new cluster in a temporary directory, listening on a free
 * loopback port, stopped and deleted afterwards. Queries go through `psql` (CSV out), so the tests
 * need no client library.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { ROOT, type Row, type TextTable } from "./helpers.js";

/** How psql prints NULL here, so that it differs from an empty text. */
const NULL_MARK = "\u0001NULL\u0001";

function run(cmd: string, args: readonly string[], options: { input?: string; asPostgres?: boolean; timeout?: number } = {}) {
  const asPostgres = options.asPostgres === true && process.getuid?.() === 0;
  const [c, a] = asPostgres ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { input: options.input, encoding: "utf8", maxBuffer: 1 << 28, timeout: options.timeout ?? 120_000 });
  if (r.error) return { ok: false, out: "", err: r.error.message };
  return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

/** The PostgreSQL bin directory (the highest version under /usr/lib/postgresql), if installed. */
export function findPostgres(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(base, versions[0]!, "bin") : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running server. */
export interface Postgres {
  readonly port: number;
  readonly version: string;
  /** Runs SQL (statements separated by semicolons); throws with psql's message on an error. */
  exec(sql: string): string;
  /** Runs one query and returns its rows (cells as text, NULL as null). */
  query(sql: string): Row[];
  /** Creates a table of text columns and copies the rows in. */
  table(name: string, t: TextTable): void;
  stop(): void;
}

/**
 * Starts a server, installing PostgreSQL first when it is missing.
 * @returns the server, or the reason it could not start
 */
export async function startPostgres(): Promise<{ pg: Postgres; error?: undefined } | { pg?: undefined; error: string }> {
  let bin = findPostgres();
  if (!bin) {
    const setup = run("bash", [join(ROOT, ".ci", "setup-postgres.sh")], { timeout: 900_000 });
    bin = findPostgres();
    if (!bin) return { error: `PostgreSQL is not installed and .ci/setup-postgres.sh could not install it: ${setup.err.trim().split("\n").slice(-3).join(" / ")}` };
  }
  const dir = mkdtempSync(join(tmpdir(), "ogmetric-pg-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (process.getuid?.() === 0) {
    // initdb refuses to run as root: the cluster belongs to the postgres user.
    const uid = Number(run("id", ["-u", "postgres"]).out.trim());
    const gid = Number(run("id", ["-g", "postgres"]).out.trim());
    if (!Number.isInteger(uid) || uid <= 0) {
      cleanup();
      return { error: "running as root and there is no postgres user to own the cluster" };
    }
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const init = run(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], { asPostgres: true });
  if (!init.ok) {
    cleanup();
    return { error: `initdb failed: ${init.err.trim()}` };
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = run(join(bin, "pg_ctl"), ["-D", data, "-l", join(dir, "log"), "-o", options, "-w", "-t", "60", "start"], { asPostgres: true });
  if (!start.ok) {
    cleanup();
    return { error: `pg_ctl start failed: ${start.err.trim() || start.out.trim()}` };
  }
  const psql = join(bin, "psql");
  const base = ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1"];
  const exec = (sql: string, extra: readonly string[] = []) => {
    const r = run(psql, [...base, ...extra], { input: sql });
    if (!r.ok) throw new Error(`psql: ${r.err.trim()}`);
    return r.out;
  };
  const pg: Postgres = {
    port,
    version: exec("SHOW server_version", ["-At"]).trim(),
    exec: (sql) => exec(sql),
    query(sql) {
      const out = exec(sql, ["--csv", "-P", `null=${NULL_MARK}`]);
      const [header, ...rows] = Papa.parse<string[]>(out, { skipEmptyLines: true }).data;
      return rows.map((r) =>
        Object.fromEntries(
          header!.map((h, i) => {
            const v = r[i]!;
            return [h, v === NULL_MARK ? null : v];
          }),
        ),
      );
    },
    table(name, t) {
      const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
      const csv = Papa.unparse(t.rows.map((r) => r.map((c) => c ?? "")), { newline: "\n" });
      exec(`CREATE TABLE ${q(name)} (${t.header.map((h) => `${q(h)} text`).join(", ")});\nCOPY ${q(name)} FROM STDIN WITH (FORMAT csv);\n${csv}\n\\.\n`);
    },
    stop() {
      run(join(bin!, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], { asPostgres: true });
      cleanup();
    },
  };
  return { pg };
}
