// npm run jupyter [-- --lab] [jupyter options…]: Jupyter on this project with its tslab kernel
// (no global install). It serves the project's root, so notebooks/ open with the kernel and the
// figures draw with the project's own plotly.js, offline.

import { spawn, spawnSync } from "node:child_process";
import { ensureKernelSpec } from "../src/report/execute";
import { InputError } from "../src/base/errors";
import { packageRoot } from "../src/base/paths";
import { helpIfAsked, runMain } from "./lib/cli";

helpIfAsked();
await runMain(async () => {
  const args = process.argv.slice(2);
  const lab = args[0] === "--lab";
  if (lab) args.shift();
  const root = packageRoot();
  const jupyterPath = ensureKernelSpec(root);
  const sub = lab ? "lab" : "notebook";
  if (spawnSync("jupyter", [sub, "--version"], { stdio: "ignore" }).status !== 0) {
    throw new InputError(
      lab
        ? "JupyterLab is not installed: use npm run jupyter (classic notebook), or install JupyterLab"
        : "Jupyter Notebook is not installed: apt-get install -y jupyter-notebook",
    );
  }
  console.log(`[jupyter] ${sub} in ${root}, kernel "TypeScript (tslab, TDT4265 A2)" from ${jupyterPath}`);
  const asRoot = process.getuid?.() === 0 ? ["--allow-root"] : [];
  const child = spawn("jupyter", [sub, `--notebook-dir=${root}`, ...asRoot, ...args], {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, JUPYTER_PATH: jupyterPath },
  });
  return await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
});
