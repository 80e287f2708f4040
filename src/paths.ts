// Where the library lives, whether it runs as TypeScript sources (tsx, ES modules) or as the
// CommonJS build in dist/ (tslab notebooks): for worker entries and package-relative look-ups
// that must not depend on the current directory.

import { dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";

declare const __filename: string | undefined;

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

/** The folder of the library's modules (src/ or dist/). */
export function libDir(): string {
  return dirname(ownFile());
}

/** The library modules' extension: ".ts" for the sources, ".js" for the build. */
export function libExt(): string {
  return extname(ownFile());
}

/** The project's root folder (the parent of src/ and dist/). */
export function packageRoot(): string {
  return dirname(libDir());
}
