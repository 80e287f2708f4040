import { test } from "uvu";
import * as assert from "uvu/assert";
import { type RunConfig, normalizeRun } from "../../src/mlp/config";
import { DivergenceError } from "../../src/base/errors";
import { backward, createModel, createWorkspace, forward } from "../../src/mlp/model";
import { createRng } from "../../src/mlp/rng";
import { deterministic, meanAbs, prepareData, shouldStopEarly, train } from "../../src/mlp/train";
import { loadDataset, preprocess, takeFirst } from "../../src/mlp/data";
import { fixture, assertClose, assertSameBits, tinySet, writeDatasetDir } from "../helpers";

const gold = fixture("training.json");

for (const run of gold.runs as any[]) {
  const c = run.config;
  test(`golden run ${c.activation}/${c.init}/lr ${c.learning_rate}/momentum ${c.momentum}: every check and final weight sum within 1e-9`, () => {
    const cfg = normalizeRun({
      hidden: c.hidden,
      activation: c.activation,
      init: c.init,
      learningRate: c.learning_rate,
      momentum: c.momentum,
      batchSize: c.batch_size,
      epochs: c.epochs,
      seed: c.seed,
      shuffle: c.shuffle,
      trainSize: 2000,
      valSize: 1000,
    });
    const data = prepareData(cfg);
    assert.equal(data.stats, { mean: gold.mean, std: gold.std });
    const { result } = train(cfg, data);
    assert.is(result.steps, run.steps);
    assert.is(result.checkEvery, c.validate_every_steps);
    assert.is(result.history.checks.length, run.validations.length);
    run.validations.forEach((g: any, i: number) => {
      const m = result.history.checks[i];
      assert.is(m.step, g.step);
      assertClose(m.valLoss, g.val_loss, 1e-9, `val loss @${g.step}`);
      assertClose(m.valAccuracy, g.val_acc, 1e-9, `val acc @${g.step}`);
      assertClose(m.trainAccuracy!, g.train_acc, 1e-9, `train acc @${g.step}`);
    });
    run.train_loss_first5.forEach((v: number, i: number) => assertClose(result.history.trainLoss[i], v, 1e-9, `loss ${i}`));
    assertClose(result.history.trainLoss[run.steps - 1], run.train_loss_last, 1e-9, "last loss");
    run.final_weight_sums.forEach((v: number, l: number) => assertClose(result.weightSums[l], v, 1e-9, `Σ W${l}`));
  });
}

test("prepared splits: the sparse form equals preprocess()'s bit for bit, built without the dense rows; x when read", () => {
  const cfg = normalizeRun({ trainSize: 2345, valSize: 100 });
  const data = prepareData(cfg);
  const ds = loadDataset("mnist");
  const whole = preprocess(takeFirst(ds.train, 2345, "n"), data.stats);
  for (const key of ["base", "start", "col", "val"] as const) assertSameBits(data.train.sparse[key], whole.sparse[key], key);
  assertSameBits(data.train.y, whole.y, "y");
  assertSameBits(data.train.x, whole.x, "x");
  assert.is(data.train.x, data.train.x, "computed once");
});

test("early stopping: stop when the oldest of the last `window` losses is their minimum", () => {
  const falling = Array.from({ length: 60 }, (_, i) => 1 / (i + 1));
  assert.not.ok(shouldStopEarly(falling, 51));
  const plateau = [...falling.slice(0, 10), ...Array(51).fill(0.05)];
  assert.ok(shouldStopEarly(plateau, 51), "a tie counts as the minimum");
  const rising = [0.5, 0.4, 0.3, ...Array.from({ length: 50 }, (_, i) => 0.31 + i / 100)];
  assert.ok(shouldStopEarly(rising, 51));
  assert.not.ok(shouldStopEarly(rising.slice(0, 52), 51), "the oldest of the window is 0.4, not the minimum");
  assert.not.ok(shouldStopEarly(Array(50).fill(1), 51), "fewer than 51 checks");
  assert.not.ok(shouldStopEarly(rising, 0), "window 0 disables");
});

test("early stopping in a run: the last 51 checks start at their minimum and training ends there", () => {
  // Validation labels unrelated to the images: the more confident the model, the worse its val loss.
  const val = tinySet(100, 6);
  const noisy = { images: val.images, labels: val.labels.map((l, i) => (l + 1 + (i % 9)) % 10) };
  const dir = writeDatasetDir(tinySet(320, 5), noisy);
  const cfg = normalizeRun({ trainSize: 320, valSize: 100, epochs: 400, earlyStopWindow: 5, hidden: [8] });
  const { result } = train(cfg, prepareData(cfg, dir));
  assert.ok(result.stoppedEarly);
  const losses = result.history.checks.map((c) => c.valLoss);
  const tail = losses.slice(-5);
  assert.is(Math.min(...tail), tail[0]);
  assert.is(result.history.checks[result.history.checks.length - 1].step, result.steps - 1, "stops right after that check's update");
  assert.is(result.history.trainLoss.length, result.steps);
});

test("X and Y stay aligned under shuffling: a toy task is learned to 100 %", () => {
  const dir = writeDatasetDir(tinySet(640, 7), tinySet(200, 8));
  const cfg = normalizeRun({ trainSize: 640, valSize: 200, epochs: 30, hidden: [16], learningRate: 0.5, earlyStopWindow: 0 });
  const { result } = train(cfg, prepareData(cfg, dir));
  assert.is(result.final.trainAccuracy, 1);
  assert.is(result.final.valAccuracy, 1);
  assert.is(result.steps, 30 * 20);
});

test("the same config gives identical results; another seed does not", () => {
  const dir = writeDatasetDir(tinySet(320, 9), tinySet(100, 10));
  const cfg = normalizeRun({ trainSize: 320, valSize: 100, epochs: 3 });
  const data = prepareData(cfg, dir);
  const run = (c: RunConfig) => JSON.stringify(deterministic(train(c, data).result));
  const a = run(cfg),
    b = run(cfg);
  assert.is(a, b);
  assert.is.not(run(normalizeRun({ trainSize: 320, valSize: 100, epochs: 3, seed: 2 })), a);
});

test("skipping the training-accuracy pass changes nothing but that column: same stop, same final numbers", () => {
  // Validation labels that disagree with the images: the validation loss rises as the network learns.
  const val = tinySet(160, 12);
  val.labels.reverse();
  const dir = writeDatasetDir(tinySet(480, 11), val);
  const full = normalizeRun({ trainSize: 480, valSize: 160, epochs: 40, hidden: [6], learningRate: 0.5, earlyStopWindow: 6 });
  const lean = normalizeRun({
    trainSize: 480,
    valSize: 160,
    epochs: 40,
    hidden: [6],
    learningRate: 0.5,
    earlyStopWindow: 6,
    checkTrainAccuracy: false,
  });
  const a = train(full, prepareData(full, dir)).result,
    b = train(lean, prepareData(lean, dir)).result;
  assert.ok(a.stoppedEarly, "the toy run stops early, so the stop is compared");
  assert.equal([b.steps, b.final, b.weightSums], [a.steps, a.final, a.weightSums]);
  assert.equal(
    b.history.checks.map((c) => [c.step, c.valLoss, c.valAccuracy]),
    a.history.checks.map((c) => [c.step, c.valLoss, c.valAccuracy]),
  );
  assert.ok(a.history.checks.every((c) => typeof c.trainAccuracy === "number"));
  assert.ok(b.history.checks.every((c) => c.trainAccuracy === null));
});

test("the first check records the mean |gradient| of each weight matrix for the first step's batch", () => {
  const dir = writeDatasetDir(tinySet(320, 13), tinySet(100, 14));
  const cfg = normalizeRun({ trainSize: 320, valSize: 100, epochs: 1, hidden: [8, 8], shuffle: false, activation: "improved-sigmoid" });
  const data = prepareData(cfg, dir);
  const { result } = train(cfg, data);
  // The first step by hand: the initial weights, the first 32 rows in order.
  const model = createModel(
    { inputs: data.train.features, hidden: cfg.hidden, outputs: 10, activation: cfg.activation },
    cfg.init,
    createRng(cfg.seed),
  );
  const ws = createWorkspace(model.sizes, 32);
  const input = { sparse: data.train.sparse, idx: null, from: 0 };
  forward(model, ws, input, 32);
  backward(model, ws, input, data.train.labels, 0, 32);
  const first = result.history.checks[0];
  assert.is(first.step, 0);
  assert.equal(first.gradMeanAbs, meanAbs(ws.grads));
  assert.is(first.gradMeanAbs.length, 3);
  assert.ok(first.gradMeanAbs.every((g) => g > 0));
  assert.is.not(result.history.checks[1].gradMeanAbs[0], first.gradMeanAbs[0], "each check its own step's gradient");
});

test("divergence stops the run with an error naming the step", () => {
  const dir = writeDatasetDir(tinySet(320, 11), tinySet(100, 12));
  const cfg = normalizeRun({ trainSize: 320, valSize: 100, epochs: 3, activation: "relu", hidden: [16, 16], learningRate: 1e12 });
  try {
    train(cfg, prepareData(cfg, dir));
    assert.unreachable("should diverge");
  } catch (e) {
    assert.instance(e, DivergenceError);
    assert.match((e as Error).message, /^training diverged at step \d+: the batch loss (is NaN|is Infinity|\S+ is more than 100 times)/);
  }
});

test("an exploding but finite loss (--lr 1e6) is divergence too, at the step it explodes, and no NaN is reported", () => {
  const dir = writeDatasetDir(tinySet(320, 11), tinySet(100, 12));
  const cfg = normalizeRun({ trainSize: 320, valSize: 100, epochs: 3, learningRate: 1e6 });
  const data = prepareData(cfg, dir);
  const losses: number[] = [];
  try {
    train(cfg, data, { onProgress: (p) => losses.push(p.trainLoss) });
    assert.unreachable("should diverge");
  } catch (e) {
    assert.instance(e, DivergenceError);
    const step = losses.length + 1;
    assert.ok(losses.every(Number.isFinite) && losses.every((l) => l <= 100 * Math.max(losses[0], Math.log(10))));
    assert.match(
      (e as Error).message,
      new RegExp(
        `^training diverged at step ${step}: the batch loss [\\d.e+]+ is more than 100 times the first step's \\(${losses[0].toFixed(4)}\\); try a smaller learning rate$`,
      ),
    );
    assert.is((e as DivergenceError).step, step);
  }
  const sane = normalizeRun({ trainSize: 320, valSize: 100, epochs: 3, learningRate: 0.5 });
  const r = train(sane, data).result;
  assert.ok(Object.values(r.final).every(Number.isFinite), "a run that trains reports finite numbers");
});

test("progress reaches the callback at every step, with the checks", () => {
  const dir = writeDatasetDir(tinySet(320, 13), tinySet(100, 14));
  const cfg = normalizeRun({ trainSize: 320, valSize: 100, epochs: 2 });
  let steps = 0,
    checks = 0;
  const { result } = train(cfg, prepareData(cfg, dir), {
    onProgress: (p) => {
      steps++;
      if (p.check) checks++;
    },
  });
  assert.is(steps, result.steps);
  assert.is(checks, result.history.checks.length);
  assert.is(result.checkEvery, 2);
});

test.run();
