// npm run kernelspec (run by npm ci's prepare step): write the project-local tslab kernelspec,
// build/jupyter/kernels/tdt4265-tslab/kernel.json (absolute paths; used through JUPYTER_PATH).

import { join } from "node:path";
import { ensureKernelSpec, KERNEL_NAME } from "../src/report/execute";
import { helpIfAsked, runMain } from "./lib/cli";

helpIfAsked();
await runMain(() => {
  const dir = ensureKernelSpec();
  console.log(`[kernelspec] ${join(dir, "kernels", KERNEL_NAME, "kernel.json")}`);
});
