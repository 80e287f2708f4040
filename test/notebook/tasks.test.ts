import { test } from "uvu";
import * as assert from "uvu/assert";
import { normalizeRun, twoEqualLayers } from "../../src/mlp/config";
import { normalizeParams } from "../../src/notebook/session";
import {
  epochTimes,
  gradientChecks,
  gradientNumbers,
  parameterCounts,
  pixelStatistics,
  runNumbers,
  widthForBudget,
  widthNumbers,
} from "../../src/notebook/tasks";
import type { TrainResult } from "../../src/mlp/train";

test("2d/4d parameter counts as the spec states them", () => {
  const w = twoEqualLayers()[0];
  const out = parameterCounts("4d", [
    { key: "oneLayer", hidden: [64] },
    { key: "twoLayers", hidden: [w, w] },
  ]);
  const byName = Object.fromEntries(out.recorded.map((r) => [r.name, r.value]));
  assert.equal(byName, {
    oneLayerParams: 50880,
    oneLayerParamsWithBias: 50890,
    twoLayersParams: 51300,
    twoLayersParamsWithBias: 784 * 60 + 60 + 60 * 60 + 60 + 60 * 10 + 10,
  });
  assert.equal(out.table.rows[1], ["[785, 60, 60, 10]", "51 300", "51 370"]);
});

test("2a statistics: both μ/σ pairs, to NumPy's digits", () => {
  const out = pixelStatistics(normalizeParams({}));
  const v = Object.fromEntries(out.recorded.map((r) => [r.name, r.value]));
  assert.equal(v, {
    mean: 33.318421449829934,
    std: 78.56748998339798,
    meanSubset: 33.55274553571429,
    stdSubset: 78.87550070784695,
    images: 60000,
    subsetSize: 20000,
  });
  const quick = Object.fromEntries(pixelStatistics(normalizeParams({ quick: true })).recorded.map((r) => [r.name, r.value]));
  assert.is(quick.subsetSize, 2000, "the subset is the training split of the session's baseline");
});

test("gradient check rows: one column per layer, pass flags recorded", () => {
  const out = gradientChecks(normalizeParams({ quick: true }), "2b", [
    { key: "sigmoid", hidden: [8], activation: "sigmoid" },
    { key: "deep", hidden: [4, 4], activation: "improved-sigmoid" },
  ]);
  assert.equal(out.table.columns, ["hidden", "activation", "ε", "layer 1", "layer 2", "layer 3", "every difference ≤ 1.0e-6"]);
  assert.equal(out.table.rows[1].slice(1, 3), ["improved sigmoid", "1.0e-3"], "readable names, one number format");
  assert.is(out.table.rows[0][5], "", "a shallower net leaves the extra layer empty");
  const names = out.recorded.map((r) => r.name);
  for (const n of [
    "sigmoidLayer1",
    "sigmoidLayer2",
    "sigmoidPassed",
    "sigmoidEpsilon",
    "sigmoidTolerance",
    "sigmoidWeights",
    "sigmoidLayer1Exceeding",
    "sigmoidLayer2Crossing",
    "deepLayer3ExceedingWithoutCrossing",
    "deepLayer3Weights",
    "deepPassed",
    "images",
  ]) {
    assert.ok(names.includes(n), n);
  }
  assert.is(new Set(names).size, names.length, "no name twice");
});

test("4d's width: the root of w² + 795w = budget and the counts of its neighbours", () => {
  const w = widthForBudget(785, 10, 50880);
  assert.ok(Math.abs(w.exact ** 2 + 795 * w.exact - 50880) < 1e-6);
  assert.equal([w.below, w.above, w.belowParams, w.aboveParams], [59, 60, 50386, 51300]);
  const v = Object.fromEntries(widthNumbers("4d", 50880).map((r) => [r.name, r.value]));
  assert.equal([v.widthBelowGap, v.widthAboveGap], [494, 420]);
  assert.is(twoEqualLayers()[0], v.widthAboveGap < v.widthBelowGap ? v.widthAbove : v.widthBelow, "the preset picks the closer one");
});

const run = (
  valLosses: number[],
  final = { trainLoss: 0.01, valLoss: valLosses[valLosses.length - 1], trainAccuracy: 1, valAccuracy: 0.95 },
) =>
  ({
    config: normalizeRun({}),
    final,
    steps: 125 * valLosses.length,
    epochs: 1,
    stepsPerEpoch: 625,
    checkEvery: 125,
    stoppedEarly: true,
    history: {
      trainLoss: [],
      checks: valLosses.map((v, k) => ({
        step: 125 * k,
        valLoss: v,
        valAccuracy: 0.9,
        trainAccuracy: 0.9,
        gradMeanAbs: [0.001, 0.1],
        lowSlope: [k % 2 ? 0.5 : 0.1],
      })),
    },
    timing: { clock: "thread-cpu", trainSeconds: 2, checkSeconds: 1 },
  }) as unknown as TrainResult;

test("what the curves show: the best validation loss, the update it came after, the rise since, the gap", () => {
  const v = Object.fromEntries(runNumbers("x", run([0.5, 0.2, 0.15, 0.18, 0.19])).map((r) => [r.name, r.value]));
  assert.is(v.bestValLoss, 0.15);
  assert.is(v.bestValLossStep, 251, "the check after update 250");
  assert.ok(Math.abs(v.valLossRise - 0.04) < 1e-12);
  assert.ok(Math.abs(v.accuracyGap - 0.05) < 1e-12);
  assert.is(v.weights, 50880);
  // Five checks (one epoch of 625 steps, a check every 125): low-slope shares 0.1, 0.5, 0.1, 0.5, 0.1.
  assert.equal([v.lowSlopeFirstCheck, v.lowSlopeLastEpochLayer1], [0.1, 1.3 / 5]);
});

test("epoch times are per epoch and marked as measurements; gradient numbers compare the first and last layer", () => {
  const r = run([0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01]);
  const [train, checks] = epochTimes("4e", r);
  assert.ok(train.measured && checks.measured);
  assert.ok(Math.abs(train.value - 1) < 1e-12, "2 s over 1250 steps = 2 epochs of 625");
  assert.ok(Math.abs(checks.value - 0.5) < 1e-12, "1 s of checks over 2 epochs");
  const g = Object.fromEntries(gradientNumbers("4e", r).map((x) => [x.name, x.value]));
  assert.ok(Math.abs(g.gradRatio - 100) < 1e-9);
  assert.is(g.gradHiddenSpread, 1, "one hidden matrix: no spread");
});

test("the largest ratio of the output layer's gradient to the input layer's over the run's whole epochs", () => {
  const r = run(Array.from({ length: 16 }, (_, k) => 0.5 - 0.01 * k));
  // Epoch 1 (checks 0–4): ratio 100; epoch 2 (5–9): input gradients averaging 0.0004, ratio 250;
  // epoch 3 (10–14): no input gradient at all, left out; check 15 alone, not a whole epoch: 1000, left out.
  const input = [0.001, 0.001, 0.001, 0.001, 0.001, 0.0002, 0.0006, 0.0004, 0.0004, 0.0004, 0, 0, 0, 0, 0, 0.0001];
  const checks = r.history.checks.map((c, k) => ({ ...c, gradMeanAbs: [input[k], 0.1] }));
  const g = Object.fromEntries(gradientNumbers("4e", { ...r, history: { ...r.history, checks } }).map((x) => [x.name, x.value]));
  assert.ok(Math.abs(g.gradRatio - 100) < 1e-9, "the first epoch's");
  assert.ok(Math.abs(g.gradRatioMax - 250) < 1e-9, `the second epoch's, not ${g.gradRatioMax}`);
});

test.run();
