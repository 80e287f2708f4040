// npm run notebooks [-- --force] [--quick] [--out DIR] [--jobs N] [--cell-timeout S] [NOTEBOOK …]: execute the task
// notebooks on the project's tslab kernel into build/notebooks (build/notebooks-quick with
// --quick), skipping the ones whose code, library, parameters and data are unchanged.

import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { executeNotebooks } from "../src/report/execute";
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
  const dir = join(root, "notebooks");
  const notebooks =
    positionals.length > 0
      ? positionals.map((p) => resolve(p))
      : readdirSync(dir)
          .filter((f) => /^task.*\.ipynb$/.test(f))
          .sort()
          .map((f) => join(dir, f));
  const params: Record<string, unknown> = values.quick ? { quick: true } : {};
  if (values["data-dir"]) params.dataDir = resolve(values["data-dir"]);
  const statuses = await executeNotebooks({
    notebooks,
    outDir: values.out ? resolve(values.out) : join(root, "build", values.quick ? "notebooks-quick" : "notebooks"),
    params,
    force: values.force,
    jobs: numberFlag("jobs", values.jobs),
    cellTimeout: numberFlag("cell-timeout", values["cell-timeout"]),
  });
  const failed = statuses.filter((s) => s.status === "failed");
  for (const f of failed) process.stderr.write(`error: ${f.error}\n`);
  return failed.length === 0 ? 0 : 1;
});
