import { test } from "uvu";
import * as assert from "uvu/assert";
import { twoEqualLayers } from "../../src/mlp/config";
import { normalizeParams } from "../../src/notebook/session";
import { gradientChecks, parameterCounts, pixelStatistics, referenceComparison } from "../../src/notebook/tasks";
import type { TrainResult } from "../../src/mlp/train";

test("2d/4d parameter counts as the spec states them", () => {
  const w = twoEqualLayers()[0];
  const out = parameterCounts("4d", [{ key: "oneLayer", hidden: [64] }, { key: "twoLayers", hidden: [w, w] }]);
  const byName = Object.fromEntries(out.recorded.map((r) => [r.name, r.value]));
  assert.equal(byName, { oneLayerParams: 50880, oneLayerParamsWithBias: 50890, twoLayersParams: 51300, twoLayersParamsWithBias: 784 * 60 + 60 + 60 * 60 + 60 + 60 * 10 + 10 });
  assert.equal(out.table.rows[1], ["[785, 60, 60, 10]", "51 300", "51 370"]);
});

test("2a statistics: both μ/σ pairs, to NumPy's digits", () => {
  const out = pixelStatistics(normalizeParams({}));
  const v = Object.fromEntries(out.recorded.map((r) => [r.name, r.value]));
  assert.equal(v, { mean: 33.318421449829934, std: 78.56748998339798, meanSubset: 33.55274553571429, stdSubset: 78.87550070784695 });
});

test("gradient check rows: one column per layer, pass flags recorded", () => {
  const out = gradientChecks(normalizeParams({ quick: true }), "2b", [
    { key: "sigmoid", hidden: [8], activation: "sigmoid" }, { key: "deep", hidden: [4, 4], activation: "improved-sigmoid" },
  ]);
  assert.equal(out.table.columns, ["hidden", "activation", "ε", "layer 1", "layer 2", "layer 3", "≤ 1e-6"]);
  assert.is(out.table.rows[0][5], "", "a shallower net leaves the extra layer empty");
  assert.equal(out.recorded.map((r) => r.name), ["sigmoidLayer1", "sigmoidLayer2", "sigmoidPassed", "deepLayer1", "deepLayer2", "deepLayer3", "deepPassed"]);
});

test("against the reference: the printed digits for exact runs, the band for the others", () => {
  const result = (trainLoss: number, valLoss: number, trainAccuracy: number, valAccuracy: number) =>
    ({ final: { trainLoss, valLoss, trainAccuracy, valAccuracy } }) as unknown as TrainResult;
  const out = referenceComparison([
    { id: "2c", result: result(0.07649, 0.29781, 0.9837, 0.9152) },
    { id: "3c", result: result(0.0018, 0.1593, 1, 0.9594) },
    { id: "4e", result: result(0.07, 0.25, 0.98, 0.944) },
    { id: "4f", result: result(0.03, 0.23, 0.99, 0.9657) },
  ]);
  assert.equal(out.table.rows.map((r) => r[3]), ["all four metrics equal", "1 of four metrics differ", "0.10 points below", "inside"]);
  assert.equal(out.table.rows[2].slice(1, 3), ["94.500 % – 95.600 %", "94.400 %"]);
  const v = Object.fromEntries(out.recorded.map((r) => [`${r.task}.${r.name}`, r.value]));
  assert.equal(v, { "2c.referenceDiffers": 0, "3c.referenceDiffers": 1, "4e.bandLow": 0.945, "4e.bandHigh": 0.956, "4f.bandLow": 0.94, "4f.bandHigh": 0.97 });
});

test.run();
