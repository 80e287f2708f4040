// npm run build: the WebAssembly kernels (asm/kernels.ts → wasm/kernels.wasm, only when the source,
// the compiler or its flags changed) and src/ to dist/ as CommonJS with declarations (what tslab
// notebooks require; incremental, its build info inside dist/ so a deleted dist/ rebuilds whole),
// dist/ marked as CommonJS for Node inside this "type": "module" package.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles, orphanedOutputs, upToDate } from "../src/base/files";
import { helpIfAsked } from "./lib/cli";

helpIfAsked({ force: { type: "boolean" } });

const root = fileURLToPath(new URL("..", import.meta.url));
const force = process.argv.includes("--force");

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
const asc = pkg.scripts["build:wasm"];
const ascVersion = (JSON.parse(readFileSync(join(root, "node_modules", "assemblyscript", "package.json"), "utf8")) as { version: string })
  .version;
const key = createHash("sha256")
  .update(readFileSync(join(root, "asm", "kernels.ts")))
  .update(asc)
  .update(ascVersion)
  .digest("hex");
const stamp = join(root, "wasm", ".source-sha256");
if (force || !existsSync(join(root, "wasm", "kernels.wasm")) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== key) {
  const r = spawnSync("npm", ["run", "-s", "build:wasm"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stamp, key);
  console.log("[build] wasm/kernels.wasm");
} else {
  console.log("[cached] wasm/kernels.wasm");
}

// tsc itself takes seconds even with nothing to do: skip it when its build info is newer than
// every input (src/ at any depth). A module moved or deleted in src/ leaves its old compiled copy,
// which nothing would load but caches would hash: removed first.
const info = join(root, "dist", ".tsbuildinfo");
const orphans = orphanedOutputs(join(root, "src"), join(root, "dist"));
for (const f of orphans) rmSync(f);
const inputs = [
  ...listFiles(join(root, "src")),
  ...["tsconfig.json", "tsconfig.build.json", "package-lock.json"].map((f) => join(root, f)),
];
if (!force && orphans.length === 0 && existsSync(join(root, "dist", "index.js")) && upToDate(info, inputs)) {
  console.log("[cached] dist/");
} else {
  const tsc = spawnSync(
    process.execPath,
    ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", "dist/.tsbuildinfo"],
    { cwd: root, stdio: "inherit" },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  writeFileSync(join(root, "dist", "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
  utimesSync(info, new Date(), new Date());
  console.log("[build] dist/");
}
