import { test } from "uvu";
import * as assert from "uvu/assert";
import { normalizeRun } from "../../src/mlp/config";
import { DivergenceError, InputError } from "../../src/base/errors";
import { runPool } from "../../src/mlp/pool";
import { type TrainResult, deterministic, prepareData, train } from "../../src/mlp/train";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, tinySet, writeDatasetDir } from "../helpers";

const dir = writeDatasetDir(tinySet(320, 21), tinySet(100, 22));
const configs = [
  normalizeRun({ trainSize: 320, valSize: 100, epochs: 3, hidden: [8] }),
  normalizeRun({ trainSize: 320, valSize: 100, epochs: 2, hidden: [6, 6], activation: "relu", init: "fan-in" }),
  normalizeRun({ trainSize: 320, valSize: 100, epochs: 2, momentum: 0.9, learningRate: 0.02 }),
];

test("results are byte-identical on 1 and 2 workers and equal an in-process run", async () => {
  const one = await runPool(configs, { workers: 1, dataDir: dir });
  const seen = new Set<number>();
  const two = await runPool(configs, { workers: 2, dataDir: dir, onProgress: (i) => seen.add(i) });
  const same = (rs: TrainResult[]) => JSON.stringify(rs.map(deterministic));
  assert.is(same(one), same(two));
  assert.equal([...seen].sort(), [0, 1, 2], "progress from every run");
  const local = train(configs[1], prepareData(configs[1], dir)).result;
  assert.is(same([two[1]]), same([local]));
});

test("workers find MNIST by themselves (no data folder given)", async () => {
  const [r] = await runPool([normalizeRun({ trainSize: 64, valSize: 10, epochs: 1 })], { workers: 1 });
  assert.is(r.steps, 2);
});

test("a worker's bad input and divergence come back as the same one-line errors", async () => {
  try {
    await runPool([configs[0]], { dataDir: "/nonexistent" });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, InputError);
    assert.match((e as Error).message, /^run custom: data folder \/nonexistent: no such folder$/);
  }
  const wild = normalizeRun({ trainSize: 320, valSize: 100, epochs: 2, activation: "relu", hidden: [16, 16], learningRate: 1e12 });
  try {
    await runPool([wild], { dataDir: dir });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DivergenceError);
    assert.match((e as Error).message, /training diverged at step \d+/);
  }
  assert.equal(await runPool([], {}), [], "no runs, no workers, no results");
});

test("the built library (dist/, CommonJS) finds its nested worker and trains", () => {
  const code = `const a2 = require(${JSON.stringify(join(ROOT, "dist", "index.js"))});
a2.runPool([a2.normalizeRun({ trainSize: 320, valSize: 100, epochs: 1, hidden: [4] })], { dataDir: ${JSON.stringify(dir)} })
  .then((r) => console.log(String(r[0].steps) + " " + a2.workerEntry()));`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
  assert.is(r.stderr, "");
  assert.is(r.stdout.trim(), `10 ${join(ROOT, "dist", "mlp", "worker.js")}`);
});

test.run();
