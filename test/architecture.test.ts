// The layers of src/ (src/README.md): every import of every module goes only to a layer it may
// import, contract/ takes only types from mlp/, and only notebook/display.ts knows tslab.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { listFiles } from "../src/base/files";
import { ROOT } from "./helpers";

const ALLOWED: Record<string, readonly string[]> = {
  base: [],
  mlp: ["base"],
  contract: ["base", "mlp"],
  notebook: ["base", "mlp", "contract"],
  report: ["base", "mlp", "contract", "notebook"],
  grading: ["base", "mlp", "contract", "report"],
  preview: ["base", "mlp", "contract", "notebook", "report"],
  // src/index.ts, the notebooks' surface
  "": ["base", "mlp", "contract", "notebook"],
};

const SRC = join(ROOT, "src");

interface Import {
  readonly from: string;
  readonly spec: string;
  readonly typeOnly: boolean;
}

/** Every import, export-from, dynamic import and require of a TypeScript source. */
export function importsOf(file: string, source = readFileSync(file, "utf8")): Import[] {
  const out: Import[] = [];
  // Comment lines (headers quote imports as examples) are not code.
  const code = source
    .split("\n")
    .filter((l) => !/^\s*(\/\/|\/\*|\*)/.test(l))
    .join("\n");
  for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+["']([^"']+)["']/gms)) {
    out.push({ from: file, spec: m[3], typeOnly: m[1] === "import" && !!m[2] });
  }
  for (const m of code.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push({ from: file, spec: m[1], typeOnly: false });
  for (const m of code.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g)) out.push({ from: file, spec: m[1], typeOnly: false });
  return out;
}

/** The layer of a file under src/ ("" for src/index.ts). */
function layerOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  return rel.length > 1 ? rel[0] : "";
}

/** The violations of the layer rule in a set of (file, code) pairs. */
export function violations(files: readonly { file: string; code: string }[]): string[] {
  const out: string[] = [];
  for (const { file, code } of files) {
    const layer = layerOf(file);
    for (const imp of importsOf(file, code)) {
      if (!imp.spec.startsWith(".")) {
        if (/^tslab(\/|$)/.test(imp.spec) && relative(SRC, file) !== join("notebook", "display.ts")) {
          out.push(`${relative(ROOT, file)} imports tslab (only notebook/display.ts may)`);
        }
        continue;
      }
      const target = resolve(dirname(file), imp.spec);
      if (!target.startsWith(SRC + sep)) {
        out.push(`${relative(ROOT, file)} imports ${imp.spec}, outside src/`);
        continue;
      }
      const to = layerOf(target);
      if (to === layer) continue;
      if (to === "" || !ALLOWED[layer].includes(to)) {
        out.push(`${relative(ROOT, file)} (${layer || "index"}) imports ${imp.spec} (${to || "index"})`);
      } else if (layer === "contract" && to === "mlp" && !imp.typeOnly) {
        out.push(`${relative(ROOT, file)} imports ${imp.spec} for more than types (contract takes only types from mlp)`);
      }
    }
  }
  return out;
}

const sources = listFiles(SRC)
  .filter((f) => f.endsWith(".ts"))
  .map((file) => ({ file, code: readFileSync(file, "utf8") }));

test("every module imports only the layers its own may import", () => {
  assert.equal(violations(sources), []);
});

test("every module is in a layer folder (or is the index)", () => {
  const loose = sources.map((s) => relative(SRC, s.file)).filter((f) => !f.includes(sep) && f !== "index.ts");
  assert.equal(loose, []);
  for (const s of sources) assert.ok(layerOf(s.file) in ALLOWED, `${relative(ROOT, s.file)}: unknown layer`);
});

test("the rule catches an upward import, a sideways one, a value import from mlp into contract and tslab outside display", () => {
  const at = (p: string, code: string) => ({ file: join(SRC, p), code });
  const found = violations([
    at("mlp/train.ts", `import { collect } from "../report/results";`),
    at("notebook/tasks.ts", `export { x } from "../grading/diff";`),
    at("contract/contract.ts", `import { normalizeRun } from "../mlp/config";`),
    at("contract/format.ts", `import type { Metrics } from "../mlp/train";`),
    at("report/pdf.ts", `const t = require("tslab");`),
    at("base/io.ts", `const m = await import("../mlp/rng");`),
  ]);
  assert.equal(found.length, 5, found.join("\n"));
  assert.match(found.join("\n"), /mlp\/train\.ts \(mlp\) imports \.\.\/report\/results/);
  assert.match(found.join("\n"), /base\/io\.ts \(base\) imports \.\.\/mlp\/rng/);
  assert.match(found.join("\n"), /for more than types/);
  assert.match(found.join("\n"), /imports tslab/);
});

test.run();
