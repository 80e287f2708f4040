// npm run build: the WebAssembly kernels (asm/kernels.ts → wasm/kernels.wasm, only when the source,
// the compiler or its flags changed), the C kernels for this machine when it has a C compiler
// (native/*.c → native/build/kernels.node, likewise; without one, training runs the WebAssembly:
// the same numbers, slower) and src/ to dist/ as CommonJS with declarations (what tslab
// notebooks require; incremental, its build info inside dist/ so a deleted dist/ rebuilds whole),
// dist/ marked as CommonJS for Node inside this "type": "module" package.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles, orphanedOutputs, upToDate } from "../src/base/files";
import { writeJsonAtomic } from "../src/base/io";
import {
  cCompiler,
  cCompilerVersion,
  compileNative,
  fileHash,
  NATIVE_FLAGS,
  type NativeBuild,
  nativeBuildPath,
  nativePath,
  nativeSourcesHash,
  thisProcessor,
} from "../src/mlp/native";
import { kernelDifference } from "../src/mlp/nativecheck";
import { nativeKernelsOnArena, wasmKernelsOnArena } from "../src/mlp/wasm";
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

// The C kernels, compiled for this processor (native.ts has the flags), then compared with the
// WebAssembly on the quick set of nativecheck.ts (one differing bit and the binary is dropped),
// with what the build was for beside the binary (kernels.json: its hash, the sources' hash, the
// processor's features; the loader refuses a binary that does not match). A failed compile or
// check leaves no binary and says why; training then runs the WebAssembly.
const cc = cCompiler();
const addon = nativePath(root);
const shown = relative(root, addon);
const ccVersion = cCompilerVersion(cc);
if (ccVersion === null) {
  rmSync(addon, { force: true });
  console.log(
    `[skip] ${shown}: no C compiler (${cc.join(" ")}); training runs the WebAssembly kernels (the same numbers, about half as fast)`,
  );
} else {
  const here = thisProcessor();
  const sources = nativeSourcesHash(root);
  const headers = join(root, "node_modules", "node-api-headers", "package.json");
  const key = createHash("sha256")
    .update(JSON.stringify({ sources, ...here }))
    .update(NATIVE_FLAGS.join(" "))
    .update(cc.join(" "))
    .update(ccVersion)
    .update(existsSync(headers) ? readFileSync(headers) : "")
    .digest("hex");
  const nativeStamp = join(dirname(addon), ".source-sha256");
  const current = [addon, nativeStamp, nativeBuildPath(root)].every((f) => existsSync(f)) && readFileSync(nativeStamp, "utf8") === key;
  if (force || !current) {
    mkdirSync(dirname(addon), { recursive: true });
    const tmp = `${addon}.${process.pid}.tmp`;
    const failed = compileNative(cc, "native", tmp, root);
    // This process's own arena runs the WebAssembly; the new binary is loaded beside it.
    process.env.MLP_KERNELS = "wasm";
    const differs = failed === null ? kernelDifference(wasmKernelsOnArena(), nativeKernelsOnArena(tmp), false) : null;
    if (failed !== null || differs !== null) {
      rmSync(tmp, { force: true });
      rmSync(addon, { force: true });
      rmSync(nativeStamp, { force: true });
      const why = failed !== null ? `${cc.join(" ")} failed (above)` : `its bits differ from the WebAssembly's (${differs})`;
      if (failed !== null) process.stderr.write(`${failed}\n`);
      console.log(`[skip] ${shown}: ${why}; training runs the WebAssembly kernels (the same numbers, slower)`);
    } else {
      // kernels.json names the binary by its hash: until both are in place the loader refuses it.
      const build: NativeBuild = { binary: fileHash(tmp), sources, isa: here.isa, model: here.model };
      renameSync(tmp, addon);
      writeJsonAtomic(nativeBuildPath(root), build);
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
