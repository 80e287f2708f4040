// npm run notebooks [-- --force] [--quick] [--out DIR] [--jobs N] [--cell-timeout S] [NOTEBOOK …]: execute the task
// notebooks on the project's tslab kernel into build/notebooks (build/notebooks-quick with
// --quick), skipping the ones whose code, library, parameters and data are unchanged.

import { resolve } from "node:path";
import { executeNotebooks, executedDirs, taskNotebooks } from "../src/report/execute";
import { packageRoot } from "../src/base/paths";
import { numberFlag, parseFlags, runMain } from "./lib/cli";

await runMain(async () => {
  const { values, positionals } = parseFlags({
    allowPositionals: true,
    options: {
      force: { type: "boolean" },
      quick: { type: "boolean" },
      out: { type: "string" },
      jobs: { type: "string" },
      "data-dir": { type: "string" },
      "cell-timeout": { type: "string" },
    },
  });
  const root = packageRoot();
  const notebooks = positionals.length > 0 ? positionals.map((p) => resolve(p)) : taskNotebooks(root);
  const params: Record<string, unknown> = values.quick ? { quick: true } : {};
  if (values["data-dir"]) params.dataDir = resolve(values["data-dir"]);
  const statuses = await executeNotebooks({
    notebooks,
    outDir: values.out ? resolve(values.out) : executedDirs(root)[values.quick ? "quick" : "full"],
    params,
    force: values.force,
    jobs: numberFlag("jobs", values.jobs),
    cellTimeout: numberFlag("cell-timeout", values["cell-timeout"]),
  });
  const failed = statuses.filter((s) => s.status === "failed");
  for (const f of failed) process.stderr.write(`error: ${f.error}\n`);
  return failed.length === 0 ? 0 : 1;
});
