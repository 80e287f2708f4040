import { test } from "uvu";
import * as assert from "uvu/assert";
import { blockStats, trainingCurves } from "../../src/notebook/figures";
import type { TrainResult } from "../../src/mlp/train";
import { normalizeRun } from "../../src/mlp/config";

function fakeResult(steps: number): TrainResult {
  const trainLoss = Array.from({ length: steps }, (_, i) => 1 / (1 + i / 50) + (i % 2 ? 0.01 : -0.01));
  const checks = Array.from({ length: Math.floor(steps / 25) }, (_, k) => ({
    step: 25 * k, valLoss: 1 / (1 + k), valAccuracy: 0.9 + k / 1000, trainAccuracy: 0.91 + k / 1000,
  }));
  return {
    config: normalizeRun({}), final: { trainLoss: 0.1, trainAccuracy: 0.99, valLoss: 0.2, valAccuracy: 0.95 },
    steps, epochs: 1, stepsPerEpoch: steps, checkEvery: 25, stoppedEarly: false, history: { trainLoss, checks }, weightSums: [],
  };
}

test("block statistics: non-overlapping blocks of 10, mean and population std, partial block dropped", () => {
  const loss = [...Array(10).fill(1), ...[0, 2, 0, 2, 0, 2, 0, 2, 0, 2], 5, 5, 5];
  const b = blockStats(loss, 10);
  assert.equal(b.mean, [1, 1]);
  assert.equal(b.std, [0, 1]);
  assert.equal(b.step, [4.5, 14.5]);
});

test("training curves: band, train/validation loss on the left, accuracies on the right, all labelled", () => {
  const fig = trainingCurves([{ name: "3a", result: fakeResult(200) }, { name: "3c", result: fakeResult(150) }], { lossRange: [0, 0.5], accuracyRange: [0.9, 0.99] });
  const named = fig.data.filter((t) => t.showlegend !== false);
  assert.equal(named.map((t) => t.name), [
    "3a train loss", "3a validation loss", "3a train accuracy", "3a validation accuracy",
    "3c train loss", "3c validation loss", "3c train accuracy", "3c validation accuracy",
  ]);
  for (const t of named) assert.ok(/train|validation/.test(t.name as string));
  const band = fig.data.filter((t) => t.fill === "tonexty");
  assert.is(band.length, 2, "one ±std band per run");
  assert.equal(fig.data.filter((t) => t.yaxis === "y2").map((t) => t.xaxis), ["x2", "x2", "x2", "x2"]);
  assert.equal((fig.layout.yaxis as { range: number[] }).range, [0, 0.5]);
  assert.equal((fig.layout.yaxis2 as { range: number[] }).range, [0.9, 0.99]);
  assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, "training step");
  assert.match((fig.layout.yaxis as { title: { text: string } }).title.text, /mean of 10 steps ± std/);
  const val = named[1] as { x: number[]; y: number[] };
  assert.equal(val.x.slice(0, 3), [0, 25, 50]);
  // Plain JSON: nothing a JSON round trip would drop or change (undefined, NaN, typed arrays).
  assert.equal(JSON.parse(JSON.stringify(fig)), fig, "plain JSON");
});

test.run();
