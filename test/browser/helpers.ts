/**
 * Headless Chromium for tests: Debian's `chromium` driven by playwright-core.
 *
 * Playwright's own browser download (`npx playwright install`) cannot reach its servers from
 * these machines, so the tests launch the system browser by path. `.ci/setup-chromium.sh`
 * installs it (`apt-get install chromium`) when `/usr/bin/chromium` is missing.
 *
 * - **Binary.** `/usr/bin/chromium` is a shell wrapper that prints a harmless shell error; the
 *   browser it wraps, `/usr/lib/chromium/chromium`, is launched instead. `OGMETRIC_CHROMIUM`
 *   names another binary.
 * - **Flags.** `--headless` (playwright adds it), `--no-sandbox` when running as root (Chromium
 *   refuses to start as root with its sandbox), and flags that keep it off the network:
 *   `--disable-gpu --disable-quic --no-first-run --disable-background-networking
 *   --disable-component-update --disable-sync`. Playwright gives every launch a fresh, temporary
 *   user-data directory (and refuses `--user-data-dir` in `launch`), removed on `close()`.
 * - **Absent browser.** Under `CI` a browser that cannot start fails the test run; elsewhere the
 *   tests that need it are skipped with a message saying how to install it.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core";
import { IN_CI } from "../sharedData.js";

/** Where Debian (and Ubuntu's deb) put the browser binary behind the `chromium` wrapper script. */
const CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser", "/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** Flags for a quiet, offline, headless browser (see the file comment). */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The browser binary to launch: `OGMETRIC_CHROMIUM` when set, else the first of Debian's paths
 * that exists (the wrapped binary before the wrapper script).
 * @returns the path, or undefined when none exists
 */
export function chromiumPath(): string | undefined {
  const given = process.env.OGMETRIC_CHROMIUM;
  if (given) return given;
  return CANDIDATES.find((p) => existsSync(p));
}


/** A launched browser, or why there is none. */
export type ChromiumLaunch = { readonly browser: Browser; readonly skip?: undefined } | { readonly browser?: undefined; readonly skip: string };

/**
 * Launches headless Chromium. Outside CI a missing or broken browser gives a reason to skip
 * (printed once on stderr); under `CI` it throws, so the run fails instead of passing quietly.
 * @returns the browser (close it in `afterAll`), or the reason to skip
 * @throws Error under CI when the browser cannot be found or started
 */
export async function launchChromium(): Promise<ChromiumLaunch> {
  const executablePath = chromiumPath();
  let reason: string;
  if (executablePath === undefined) {
    reason = `no Chromium found (looked for ${CANDIDATES.join(", ")}; set OGMETRIC_CHROMIUM to another binary); install it with: bash .ci/setup-chromium.sh`;
  } else {
    try {
      const root = typeof process.getuid === "function" && process.getuid() === 0;
      const browser = await chromium.launch({
        executablePath,
        headless: true,
        args: [...CHROMIUM_FLAGS, ...(root ? ["--no-sandbox"] : [])],
        timeout: 60_000,
      });
      return { browser };
    } catch (e) {
      reason = `Chromium at ${executablePath} did not start: ${(e as Error).message.split("\n")[0]}`;
    }
  }
  if (IN_CI) throw new Error(`browser tests: ${reason}`);
  process.stderr.write(`browser tests skipped: ${reason}\n`);
  return { skip: reason };
}

/** What a page did while a test looked at it. */
export interface PageLog {
  /** Every request the page made, by URL, in order (the page's own file included). */
  readonly requests: string[];
  /** Requests stopped because they would have left the allowed origins. */
  readonly blocked: string[];
  /** Console messages of type error or warning, and uncaught page errors. */
  readonly problems: string[];
}

/**
 * Opens a page in a new context that records every request and blocks any that leaves the
 * allowed prefixes (by default only `file://` and `data:` URLs, for a report opened from disk),
 * and records console errors, warnings and uncaught exceptions.
 * @param browser - a launched browser
 * @param options - viewport and the URL prefixes allowed to load
 * @returns the page, its context (close it when done) and the log
 */
export async function openLoggedPage(
  browser: Browser,
  options: { readonly viewport?: { readonly width: number; readonly height: number }; readonly allow?: readonly string[] } = {},
): Promise<{ page: Page; context: BrowserContext; log: PageLog }> {
  const allow = options.allow ?? ["file://", "data:"];
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1200, height: 900 }, serviceWorkers: "block", offline: false });
  const log: PageLog = { requests: [], blocked: [], problems: [] };
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (allow.some((prefix) => url.startsWith(prefix))) return route.continue();
    log.blocked.push(url);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("request", (r) => log.requests.push(r.url()));
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error" || m.type() === "warning") log.problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => log.problems.push(`page error: ${e.message}`));
  return { page, context, log };
}
