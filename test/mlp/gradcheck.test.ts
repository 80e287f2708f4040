import { test } from "uvu";
import * as assert from "uvu/assert";
import { runGradientCheck } from "../../src/mlp/gradcheck";
import { assertClose } from "../helpers";

// Differences measured by the independent NumPy implementation (spec, "Gradient check").
test("[64] sigmoid passes at 1e-6 with ε = 1e-3 and matches the reference's differences", () => {
  const r = runGradientCheck({ hidden: [64], activation: "sigmoid" });
  assert.ok(r.passed);
  assert.equal(r.exceeding, [0, 0]);
  assertClose(r.maxDifference[0], 1.7e-8, 0.05, "layer 1");
  assertClose(r.maxDifference[1], 5.1e-9, 0.05, "layer 2");
});

test("ReLU: ε = 1e-3 crosses the kink (≈ 4e-3, fails); ε = 1e-6 passes at 1e-6", () => {
  const coarse = runGradientCheck({ hidden: [64], activation: "relu" });
  assert.not.ok(coarse.passed);
  assertClose(coarse.maxDifference[0], 4.4e-3, 0.05, "layer 1 at ε = 1e-3");
  assertClose(coarse.maxDifference[1], 3.3e-5, 0.05, "layer 2 at ε = 1e-3");
  // The first layer's failures are all perturbations that cross a unit's kink; the output layer has none.
  assert.ok(coarse.exceeding[0] > 0 && coarse.crossing[0] >= coarse.exceeding[0]);
  assert.is(coarse.exceedingWithoutCrossing[0], 0);
  assert.is(coarse.crossing[1], 0);
  const fine = runGradientCheck({ hidden: [64], activation: "relu", epsilon: 1e-6 });
  assert.equal(fine.exceeding, [0, 0]);
  assert.ok(fine.crossing[0] < coarse.crossing[0], "a smaller ε crosses fewer kinks");
  assert.ok(fine.passed, `differences ${fine.maxDifference}`);
  assert.ok(fine.maxDifference.every((d) => d < 1e-7));
});

test.run();
