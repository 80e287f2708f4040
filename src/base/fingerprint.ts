// Content hashes for caches: of files, and of a module with everything it imports relatively
// (`require("./x")`, `require("../mlp/x")` in the CommonJS build; `from "./x"`, `import("../x")` in the
// sources), in any folder, so moving a module into another folder can neither drop it from a
// fingerprint nor leave a stale copy counted.
//
// May import: nothing.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve } from "node:path";

export function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

const SPECIFIERS = [
  /\brequire\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  /\bfrom\s+["'](\.{1,2}\/[^"']+)["']/g,
  /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  /^\s*import\s+["'](\.{1,2}\/[^"']+)["']/gm,
];

/** The file a relative specifier names, trying the importing file's extension and index files. */
function resolveSpecifier(from: string, spec: string): string | null {
  const ext = extname(from);
  const base = resolve(dirname(from), spec);
  for (const f of [base, base + ext, join(base, "index" + ext)]) {
    if (existsSync(f) && statSync(f).isFile()) return f;
  }
  return null;
}

/** Every module reachable from `entries` through relative imports, entries included, sorted. */
export function moduleClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, "utf8");
    for (const re of SPECIFIERS) {
      for (const m of code.matchAll(re)) {
        const dep = resolveSpecifier(file, m[1]);
        if (dep) visit(dep);
      }
    }
  };
  for (const e of entries) {
    if (!existsSync(e)) throw new Error(`${e}: no such module to fingerprint`);
    visit(resolve(e));
  }
  return [...seen].sort();
}

/**
 * Hash of files' contents and their paths relative to `root` (a moved file changes it), plus the
 * declarations beside CommonJS modules (a type is part of what notebooks compile against).
 */
export function filesFingerprint(root: string, files: readonly string[]): string {
  const h = createHash("sha256");
  for (const f of files) {
    const declarations = f.endsWith(".js") ? f.replace(/\.js$/, ".d.ts") : null;
    for (const file of declarations && existsSync(declarations) ? [f, declarations] : [f]) {
      h.update(relative(root, file));
      h.update("\0");
      h.update(readFileSync(file));
      h.update("\0");
    }
  }
  return h.digest("hex");
}
