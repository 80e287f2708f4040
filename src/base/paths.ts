// Where the library lives, whether it runs as TypeScript sources (tsx, ES modules) or as the
// CommonJS build in dist/ (tslab notebooks): the project's root, found by walking up from this
// module to the package.json that names the project, so no caller depends on how deep a module
// sits in src/ or on the current directory.

import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

declare const __filename: string | undefined;

/** The name in the project's package.json. */
export const PACKAGE_NAME = "tdt4265-a2-report";

/**
 * This module's file, from the stack (both the CommonJS build and tsx name it there), else
 * __filename. __filename alone is not enough: an eval'd worker defines a global one of its own.
 */
function ownFile(): string {
  const m = /at ownFile \((.+?):\d+:\d+\)/.exec(new Error().stack ?? "");
  if (m) return m[1].startsWith("file:") ? fileURLToPath(m[1]) : m[1];
  if (typeof __filename === "string" && /paths\.[jt]s$/.test(__filename)) return __filename;
  throw new Error("cannot locate the library's own files");
}

/** The nearest folder at or above `from` whose package.json is the project's, or null. */
export function findPackageRoot(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // not JSON: keep looking
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

let root: string | null = null;

/** The project's root folder (the parent of src/ and dist/). */
export function packageRoot(): string {
  if (root) return root;
  const found = findPackageRoot(dirname(ownFile()));
  if (!found) throw new Error(`cannot find the project's package.json (name "${PACKAGE_NAME}") above ${dirname(ownFile())}`);
  root = found;
  return root;
}

/** The library modules' extension: ".ts" for the sources, ".js" for the build. */
export function libExt(): string {
  return extname(ownFile());
}

/** The library's top folder as it runs: src/ (sources) or dist/ (the build). */
export function libDir(): string {
  return join(packageRoot(), libExt() === ".ts" ? "src" : "dist");
}

/** A library module's file as it runs, from its path under src/ without extension, e.g. "mlp/worker". */
export function libModule(path: string): string {
  return join(libDir(), path + libExt());
}
