// npm run reproduce: trains the six runs of the default report that have exact reference numbers
// (in parallel on all cores) and prints ours beside the targets; exits 0 only when every printed
// digit matches.

import { normalizeRun } from "../src/mlp/config";
import { formatLoss } from "../src/contract/format";
import { defaultWorkers, runPool } from "../src/mlp/pool";
import { EXACT_TARGETS } from "../src/mlp/reference";
import { numberFlag, parseFlags, runMain } from "./lib/cli";
import { runProgress } from "./lib/progress";

await runMain(async () => {
  const { values } = parseFlags({ options: { workers: { type: "string" }, "data-dir": { type: "string" } } });
  const ids = Object.keys(EXACT_TARGETS);
  const configs = ids.map((id) => normalizeRun({ preset: id }));
  const workers = numberFlag("workers", values.workers) ?? defaultWorkers(ids.length);
  const started = performance.now();
  const progress = runProgress(ids);
  const results = await runPool(configs, {
    workers,
    dataDir: values["data-dir"],
    onProgress: progress.update,
    onDone: (i) => progress.done(i),
  });
  progress.stop();
  const pct = (x: number) => (100 * x).toFixed(3);
  const rows: string[][] = [["run", "steps", "train loss", "val loss", "train acc %", "val acc %", ""]];
  let mismatches = 0;
  results.forEach((r, i) => {
    const t = EXACT_TARGETS[ids[i]];
    const ours = [formatLoss(r.final.trainLoss), formatLoss(r.final.valLoss), pct(r.final.trainAccuracy), pct(r.final.valAccuracy)];
    const want = [t.trainLoss, t.valLoss, t.trainAccuracy, t.valAccuracy];
    const bad = ours.filter((v, k) => v !== want[k]).length;
    mismatches += bad;
    rows.push([ids[i], String(r.steps), ...ours.map((v, k) => (v === want[k] ? v : `${v} (want ${want[k]})`)), bad ? "MISMATCH" : "ok"]);
    rows.push(["  target", "", ...want, ""]);
  });
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows)
    console.log(
      r
        .map((v, c) => v.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    );
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s on ${workers} worker(s)`);
  console.log(mismatches === 0 ? "every digit matches" : `${mismatches} number(s) differ from the targets`);
  return mismatches === 0 ? 0 : 1;
});
