import { realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * Whether two paths name the same file: the same inode when both exist (so symbolic and hard
 * links count), else the same canonical path (a target that does not exist yet, in a directory
 * reached through a link).
 * @param a - a path
 * @param b - another path; need not exist
 * @returns true when writing to `b` would overwrite `a`
 * @example
 * isSameFile("data/in.csv", "./data/../data/in.csv"); // => true
 */
export function isSameFile(a: string, b: string): boolean {
  const sa = statOrUndefined(a);
  const sb = statOrUndefined(b);
  if (sa && sb) return sa.dev === sb.dev && sa.ino === sb.ino;
  return canonical(a) === canonical(b);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}
