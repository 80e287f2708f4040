// npm run report [-- --quick] [--force] [--out DIR] [--data-dir DIR] [--set RUN.KEY=VALUE …] [--cell-timeout S]: from the
// notebooks (executed unless cached) and report/*.md to report/out/report.pdf, report.html and
// results.json (report/out-quick/ with --quick).

import { resolve } from "node:path";
import { InputError } from "../src/base/errors";
import { buildReport } from "../src/report/pipeline";
import { numberFlag, parseFlags, runMain } from "./lib/cli";

/** `--set 2c.learningRate=0.05` → { "2c": { learningRate: 0.05 } } (values read as JSON, else text). */
function runSettings(sets: readonly string[]): Record<string, Record<string, unknown>> {
  const runs: Record<string, Record<string, unknown>> = {};
  for (const s of sets) {
    const m = /^([\w-]+)\.(\w+)=(.+)$/.exec(s);
    if (!m) throw new InputError(`--set ${JSON.stringify(s)}: expected RUN.SETTING=VALUE, e.g. 2c.learningRate=0.05`);
    let v: unknown;
    try {
      v = JSON.parse(m[3]);
    } catch {
      v = m[3];
    }
    (runs[m[1]] ??= {})[m[2]] = v;
  }
  return runs;
}

await runMain(async () => {
  const { values } = parseFlags({
    options: {
      quick: { type: "boolean" },
      force: { type: "boolean" },
      out: { type: "string" },
      "data-dir": { type: "string" },
      set: { type: "string", multiple: true },
      seeds: { type: "string" },
      claims: { type: "string" },
      "cell-timeout": { type: "string" },
    },
  });
  const claims = values.claims;
  if (claims !== undefined && claims !== "strict" && claims !== "warn")
    throw new InputError(`--claims ${JSON.stringify(claims)}: expected strict or warn`);
  await buildReport({
    quick: values.quick,
    force: values.force,
    outDir: values.out ? resolve(values.out) : undefined,
    dataDir: values["data-dir"] ? resolve(values["data-dir"]) : undefined,
    runs: runSettings(values.set ?? []),
    seeds: numberFlag("seeds", values.seeds),
    claims,
    cellTimeout: numberFlag("cell-timeout", values["cell-timeout"]),
  });
});
