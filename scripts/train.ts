// npm run train -- --run 3c | explicit flags [--json out.json]: train one network and print its
// final metrics, with a progress bar on a terminal and a line per epoch otherwise.

import cliProgress from "cli-progress";
import { type RunSpec, normalizeRun } from "../src/config";
import { InputError } from "../src/errors";
import { writeJsonAtomic } from "../src/io";
import { prepareData, train, type Progress } from "../src/train";
import { formatMetrics } from "../src/format";
import { listFlag, numberFlag, parseFlags, runMain } from "./lib/cli";

const USAGE = `usage: npm run train -- [--run ID] [--hidden 64,64] [--activation sigmoid|improved-sigmoid|relu]
  [--init uniform|fan-in] [--lr 0.1] [--momentum 0.9] [--epochs 50] [--batch-size 32]
  [--train-size 20000] [--val-size 10000] [--seed 1] [--no-shuffle] [--dataset mnist|fashion-mnist]
  [--data-dir DIR] [--normalization full-train|train-subset] [--json out.json]`;

await runMain(() => {
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
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}; ${USAGE.split("\n")[0]}`);
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
  const cfg = normalizeRun(spec);
  const data = prepareData(cfg, values["data-dir"]);
  const started = performance.now();
  const progress = progressReporter(cfg.id);
  const { result } = train(cfg, data, { onProgress: progress.update });
  progress.stop();
  const wallSeconds = (performance.now() - started) / 1000;
  console.log(`${cfg.id}: ${result.steps} steps, ${result.epochs} epochs${result.stoppedEarly ? ", stopped early" : ""}, ${wallSeconds.toFixed(1)} s`);
  console.log(formatMetrics(result.final));
  if (values.json) {
    writeJsonAtomic(values.json, { ...result, stats: data.stats, wallSeconds });
    console.log(`wrote ${values.json}`);
  }
});

/** A bar on a terminal; one line per epoch (and at the end) otherwise. */
function progressReporter(id: string) {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | null = null;
  let lastCheck = "";
  const update = (p: Progress) => {
    if (p.check) lastCheck = `val loss ${p.check.valLoss.toFixed(4)} val acc ${(100 * p.check.valAccuracy).toFixed(2)} %`;
    if (tty) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: `${id} [{bar}] {percentage}% | step {value}/{total} | epoch {epoch} | {check}`, stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.maxSteps, 0, { epoch: 1, check: "" });
      }
      if (p.check || p.step % 25 === 0) bar.update(p.step + 1, { epoch: p.epoch + 1, check: lastCheck });
    } else if ((p.step + 1) % p.stepsPerEpoch === 0) {
      process.stderr.write(`${id} epoch ${p.epoch + 1}: step ${p.step + 1}, train loss ${p.trainLoss.toFixed(4)}, ${lastCheck}\n`);
    }
  };
  return { update, stop: () => (bar as cliProgress.SingleBar | null)?.stop() };
}
