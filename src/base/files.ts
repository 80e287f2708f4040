// Walking folders for build checks: every file under a folder at any depth, whether outputs are
// older than any input, and the outputs of a compiler whose source is gone (a moved module leaves
// its old dist/ copy behind otherwise).
//
// May import: nothing.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under `dir`, in every sub-folder, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** True when `stamp` exists and no input was modified after it. */
export function upToDate(stamp: string, inputs: readonly string[]): boolean {
  if (!existsSync(stamp)) return false;
  const t = statSync(stamp).mtimeMs;
  return inputs.every((f) => statSync(f).mtimeMs <= t);
}

/**
 * Compiled files in `outDir` (x.js, x.d.ts) whose source `srcDir/x.ts` no longer exists; other
 * files (package.json, build info) are left alone.
 */
export function orphanedOutputs(srcDir: string, outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return listFiles(outDir).filter((f) => {
    const m = /^(.*)\.(js|d\.ts)$/.exec(relative(outDir, f));
    return m !== null && !existsSync(join(srcDir, `${m[1]}.ts`));
  });
}
