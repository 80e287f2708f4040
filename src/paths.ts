// Where the library lives, whether it runs as TypeScript sources (tsx, ES modules) or as the
// CommonJS build in dist/ (tslab notebooks): for worker entries and package-relative look-ups
// that must not depend on the current directory.

import { dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";

declare const __filename: string | undefined;

/** This module's file: __filename in the CommonJS build, the stack's frame under tsx. */
function ownFile(): string {
  if (typeof __filename === "string") return __filename;
  const m = /at ownFile \((.+?):\d+:\d+\)/.exec(new Error().stack ?? "");
  if (!m) throw new Error("cannot locate the library's own files");
  return m[1].startsWith("file:") ? fileURLToPath(m[1]) : m[1];
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
