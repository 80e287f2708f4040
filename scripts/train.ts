// npm run train -- --run 3c | --run 3a,3b,3c | explicit flags [--json out.json]: train networks
// (several in parallel on a worker pool) and print their final metrics, with progress bars on a
// terminal and a line per epoch otherwise.

import { type RunSpec, normalizeRun } from "../src/mlp/config";
import { InputError } from "../src/base/errors";
import { checkOutputFile, writeJsonAtomic } from "../src/base/io";
import type { PixelStats } from "../src/mlp/data";
import { defaultWorkers, runPool } from "../src/mlp/pool";
import { prepareData, train, type TrainResult } from "../src/mlp/train";
import { kernelChoice } from "../src/mlp/wasm";
import { formatMetrics } from "../src/contract/format";
import { listFlag, numberFlag, parseFlags, runMain } from "./lib/cli";
import { HELP } from "./lib/help";
import { runProgress } from "./lib/progress";

await runMain(async () => {
  const { values, positionals } = parseFlags({
    allowPositionals: true,
    options: {
      run: { type: "string" },
      hidden: { type: "string" },
      activation: { type: "string" },
      init: { type: "string" },
      lr: { type: "string" },
      momentum: { type: "string" },
      epochs: { type: "string" },
      "batch-size": { type: "string" },
      "train-size": { type: "string" },
      "val-size": { type: "string" },
      seed: { type: "string" },
      "no-shuffle": { type: "boolean" },
      dataset: { type: "string" },
      "data-dir": { type: "string" },
      normalization: { type: "string" },
      json: { type: "string" },
      workers: { type: "string" },
    },
  });
  if (positionals.length > 0)
    throw new InputError(
      `unexpected argument ${JSON.stringify(positionals[0])}; usage: ${HELP.train.usage} (npm run train -- --help lists the flags)`,
    );
  const spec: RunSpec = {
    preset: values.run,
    hidden: listFlag("hidden", values.hidden),
    activation: values.activation as RunSpec["activation"],
    init: values.init as RunSpec["init"],
    learningRate: numberFlag("lr", values.lr),
    momentum: numberFlag("momentum", values.momentum),
    epochs: numberFlag("epochs", values.epochs),
    batchSize: numberFlag("batch-size", values["batch-size"]),
    trainSize: numberFlag("train-size", values["train-size"]),
    valSize: numberFlag("val-size", values["val-size"]),
    seed: numberFlag("seed", values.seed),
    shuffle: values["no-shuffle"] ? false : undefined,
    dataset: values.dataset as RunSpec["dataset"],
    normalization: values.normalization as RunSpec["normalization"],
  };
  const ids = values.run?.split(",") ?? [undefined];
  const configs = ids.map((id) => normalizeRun({ ...spec, preset: id }));
  // Before any training: a result that cannot be written would be lost.
  if (values.json) checkOutputFile(values.json, `--json ${values.json}`);
  const kernels = kernelChoice();
  if (kernels.backend === "wasm" && kernels.why !== "MLP_KERNELS=wasm") console.error(`[kernels] WebAssembly (${kernels.why})`);
  const started = performance.now();
  const progress = runProgress(configs.map((c) => c.id));
  let results: TrainResult[];
  let stats: PixelStats | undefined;
  if (configs.length === 1) {
    const data = prepareData(configs[0], values["data-dir"]);
    stats = data.stats;
    results = [train(configs[0], data, { onProgress: (p) => progress.update(0, p) }).result];
  } else {
    const workers = numberFlag("workers", values.workers) ?? defaultWorkers(configs.length);
    results = await runPool(configs, {
      workers,
      dataDir: values["data-dir"],
      onProgress: progress.update,
      onDone: (i) => progress.done(i),
    });
  }
  progress.stop();
  const wallSeconds = (performance.now() - started) / 1000;
  for (const r of results) {
    console.log(`${r.config.id}: ${r.steps} steps, ${r.epochs} epochs${r.stoppedEarly ? ", stopped early" : ""}`);
    console.log(`  ${formatMetrics(r.final)}`);
  }
  console.log(`${wallSeconds.toFixed(1)} s`);
  if (values.json) {
    const body = results.length === 1 ? { ...results[0], stats, wallSeconds } : { runs: results, wallSeconds };
    writeJsonAtomic(values.json, body);
    console.log(`wrote ${values.json}`);
  }
});
