// npm run build: the WebAssembly kernels (asm/kernels.ts → wasm/kernels.wasm, only when the source,
// the compiler or its flags changed), the C kernels for this machine when it has a C compiler
// (native/*.c → native/build/kernels.node, likewise; without one, training runs the WebAssembly:
// the same numbers, slower) and src/ to dist/ as CommonJS with declarations (what tslab
// notebooks require; incremental, its build info inside dist/ so a deleted dist/ rebuilds whole),
// dist/ marked as CommonJS for Node inside this "type": "module" package.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles, orphanedOutputs, upToDate } from "../src/base/files";
import { nativePath, nativeSources } from "../src/mlp/wasm";
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

// The C kernels: compiled for this processor (-march=native), every multiply and add rounded on
// its own (-ffp-contract=off, no fast-math) so that they give the WebAssembly's bits.
const cc = process.env.CC || "cc";
const ccFlags = ["-O3", "-march=native", "-ffp-contract=off", "-fno-trapping-math", "-fPIC", "-shared", "-Wall", "-Wextra"];
const addon = nativePath();
const shown = relative(root, addon);
const ccVersion = spawnSync(cc, ["--version"], { encoding: "utf8" });
if (ccVersion.error || ccVersion.status !== 0) {
  rmSync(addon, { force: true });
  console.log(`[skip] ${shown}: no C compiler (${cc}); training runs the WebAssembly kernels (the same numbers, about half as fast)`);
} else {
  const headers = join(root, "node_modules", "node-api-headers");
  const nativeKey = createHash("sha256");
  for (const f of nativeSources()) nativeKey.update(readFileSync(f));
  nativeKey
    .update(ccFlags.join(" "))
    .update(ccVersion.stdout)
    .update(cpus()[0]?.model ?? "")
    .update(readFileSync(join(headers, "package.json")));
  const key = nativeKey.digest("hex");
  const nativeStamp = join(dirname(addon), ".source-sha256");
  if (force || !existsSync(addon) || !existsSync(nativeStamp) || readFileSync(nativeStamp, "utf8") !== key) {
    rmSync(addon, { force: true });
    mkdirSync(dirname(addon), { recursive: true });
    const tmp = `${addon}.${process.pid}.tmp`;
    const c = nativeSources().filter((f) => f.endsWith(".c"));
    const r = spawnSync(cc, [...ccFlags, "-I", join(headers, "include"), ...c, "-o", tmp], { encoding: "utf8" });
    if (r.status !== 0) {
      rmSync(tmp, { force: true });
      const why = (r.stderr || String(r.error ?? "")).trim().split("\n")[0];
      console.log(`[skip] ${shown}: ${cc} failed (${why}); training runs the WebAssembly kernels (the same numbers, slower)`);
    } else {
      if (r.stderr.trim()) process.stderr.write(r.stderr);
      renameSync(tmp, addon);
      writeFileSync(nativeStamp, key);
      console.log(`[build] ${shown}`);
    }
  } else {
    console.log(`[cached] ${shown}`);
  }
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
